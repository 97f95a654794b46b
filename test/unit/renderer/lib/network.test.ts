import { describe, expect, it } from 'vitest';
import { rangeProblem, suggestRange } from '../../../../renderer/src/lib/network.js';

describe('suggestRange', () => {
  it.each<[string, string, string, string | null]>([
    ['a /24 gets .100-.199', '192.168.50.1', '255.255.255.0', '192.168.50.100-192.168.50.199'],
    [
      'the station inside .100-.199 is left out',
      '192.168.50.150',
      '255.255.255.0',
      '192.168.50.100-192.168.50.149',
    ],
    ['a /16 gets the upper half', '10.1.0.1', '255.255.0.0', '10.1.128.0-10.1.255.254'],
    ['a /30 is too small', '10.0.0.1', '255.255.255.252', null],
  ])('%s', (_n, address, mask, expected) => {
    expect(suggestRange(address, mask)).toBe(expected);
  });
});

describe('rangeProblem', () => {
  it.each<[string, string, RegExp | null]>([
    ['valid', '192.168.50.100-192.168.50.199', null],
    ['spaces around the dash', '192.168.50.100 - 192.168.50.199', null],
    ['half typed', '192.168.50.100-', /FIRST-LAST/],
    ['not an address', '192.168.50.300-192.168.50.310', /FIRST-LAST/],
    ['backwards', '192.168.50.200-192.168.50.100', /starts after it ends/],
  ])('%s', (_n, range, expected) => {
    const p = rangeProblem(range);
    if (expected === null) expect(p).toBeNull();
    else expect(p).toMatch(expected);
  });
});
