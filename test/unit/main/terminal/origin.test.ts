import { describe, expect, it } from 'vitest';
import { originAllowed } from '../../../../main/terminal/origin.js';

const local = ['127.0.0.1', '::1', '192.168.50.1'];

describe('originAllowed', () => {
  const cases: [origin: string | undefined, host: string, port: number, ok: boolean][] = [
    [undefined, '127.0.0.1', 7780, true], // not a browser: the token decides
    ['http://127.0.0.1:7780', '127.0.0.1', 7780, true],
    ['http://localhost:7780', '127.0.0.1', 7780, true],
    ['http://[::1]:7780', '127.0.0.1', 7780, true],
    ['http://127.0.0.1:7781', '127.0.0.1', 7780, false], // another program on this host
    ['http://evil.example:7780', '127.0.0.1', 7780, false], // DNS rebinding to 127.0.0.1
    ['http://evil.example', '127.0.0.1', 80, false],
    ['null', '127.0.0.1', 7780, false], // sandboxed iframe, file://
    ['file://', '127.0.0.1', 7780, false],
    ['http://192.168.50.1:7780', '0.0.0.0', 7780, true], // listening everywhere: any own address
    ['http://192.168.50.2:7780', '0.0.0.0', 7780, false],
    ['http://192.168.50.1:7780', '192.168.50.1', 7780, true],
    ['http://127.0.0.1:7780', '192.168.50.1', 7780, false],
    ['http://STATION.local:7780', 'station.local', 7780, true],
  ];
  it.each(cases)('%s to a listener on %s:%i: %s', (origin, host, port, ok) => {
    expect(originAllowed(origin, { host, port }, local)).toBe(ok);
  });
});
