import { describe, expect, it } from 'vitest';
import { technicianOf } from '../../../../main/api/technician.js';

describe('technicianOf', () => {
  it.each<[string | undefined, string | null]>([
    [encodeURIComponent('Jörg Meier'), 'Jörg Meier'],
    ['Ana', 'Ana'],
    [encodeURIComponent('  two\nlines\u0000 '), 'two lines'],
    [encodeURIComponent('x'.repeat(200)), 'x'.repeat(80)],
    ['%E0%A4%A', null],
    ['', null],
    [undefined, null],
  ])('%s', (header, expected) => {
    expect(technicianOf({ 'x-prepstation-technician': header })).toBe(expected);
  });
});
