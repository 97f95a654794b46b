import { describe, expect, it } from 'vitest';
import { optionsSchema } from '../../../main/config/options.js';
import { BenchNetwork } from '../../../main/context.js';

/**
 * The one owner of the bench network settings: the URL machines are told, as the options
 * and the listener's real port make it. Parts read it through the context; only station.ts
 * moves it (listening, replace).
 */
const opts = (o: Record<string, unknown>) => optionsSchema.parse({ dataDir: '/tmp/x', ...o });

describe('BenchNetwork', () => {
  // [name, options, announced URL]
  const rows: [string, Record<string, unknown>, string][] = [
    ['loopback until a bench network is chosen', { httpPort: 8080 }, 'http://127.0.0.1:8080'],
    [
      'the bench address',
      { httpPort: 8080, benchAddress: '192.168.50.1' },
      'http://192.168.50.1:8080',
    ],
    [
      'every interface announces loopback without a bench address',
      { httpPort: 8080, httpHost: '0.0.0.0' },
      'http://127.0.0.1:8080',
    ],
    [
      'every interface with a bench address announces the bench address',
      { httpPort: 9000, httpHost: '0.0.0.0', benchAddress: '10.9.0.1' },
      'http://10.9.0.1:9000',
    ],
  ];
  it.each(rows)('%s', (_name, o, url) => {
    expect(new BenchNetwork(opts(o)).benchUrl).toBe(url);
  });

  it('tells the real port once the listener is up (--http-port 0), and the new options', () => {
    const n = new BenchNetwork(opts({ httpPort: 0 }));
    expect(n.benchUrl).toBe('http://127.0.0.1:0');
    n.listening(41234);
    expect(n.benchUrl).toBe('http://127.0.0.1:41234');
    const next = opts({ httpPort: 0, benchAddress: '192.168.50.1', dhcpMode: 'proxy' });
    n.replace(next);
    expect(n.options).toBe(next);
    // The listener restarts with the new options: its port is told again when it is up.
    expect(n.benchUrl).toBe('http://192.168.50.1:0');
  });
});
