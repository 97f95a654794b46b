import { describe, expect, it } from 'vitest';
import { ClientDirectory } from '../../../../main/net/clients.js';

describe('ClientDirectory', () => {
  it('maps IPv4 and IPv4-mapped IPv6 addresses to the MAC last seen there', () => {
    const c = new ClientDirectory();
    c.learn('10.0.0.5', 'AA:BB:CC:DD:EE:01');
    expect(c.macFor('10.0.0.5')).toBe('aa:bb:cc:dd:ee:01');
    expect(c.macFor('::ffff:10.0.0.5')).toBe('aa:bb:cc:dd:ee:01');
    c.learn('10.0.0.5', 'aa:bb:cc:dd:ee:02');
    expect(c.macFor('10.0.0.5')).toBe('aa:bb:cc:dd:ee:02');
  });

  it('answers null, never throws, for a request without an address (socket already closed)', () => {
    const c = new ClientDirectory();
    expect(c.macFor(undefined)).toBeNull();
    expect(c.macFor('')).toBeNull();
    expect(c.macFor('10.9.9.9')).toBeNull();
  });

  it('forgets the oldest address past its bound', () => {
    const c = new ClientDirectory(2);
    c.learn('10.0.0.1', 'aa:00:00:00:00:01');
    c.learn('10.0.0.2', 'aa:00:00:00:00:02');
    c.learn('10.0.0.3', 'aa:00:00:00:00:03');
    expect(c.macFor('10.0.0.1')).toBeNull();
    expect(c.macFor('10.0.0.3')).toBe('aa:00:00:00:00:03');
  });
});
