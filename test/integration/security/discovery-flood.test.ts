import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MachineSummary } from '../../../main/api/contract.js';
import { startTestStation, type TestStation } from '../../helpers/station.js';

/** Issue 13 item 9: a device inventing MACs cannot fill the registry. */
let s: TestStation;
beforeAll(async () => {
  s = await startTestStation();
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

function bootFrom(localAddress: string, mac: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(`${s.benchUrl}/boot/ipxe?mac=${mac}&platform=efi`, { localAddress }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

const mac = (i: number) =>
  `52:54:00:13:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;

describe('discovery is rate-limited per address', () => {
  it('registers a burst of invented MACs from one address, not hundreds', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 200; i++) answers.push(await bootFrom('127.0.0.2', mac(i)));
    const list = (await (await s.api('/api/v1/machines')).json()) as MachineSummary[];
    expect(list.length).toBeGreaterThan(0);
    expect(list.length).toBeLessThanOrEqual(15);
    expect(answers.at(-1)).toMatch(/Too many new machines/);
    // Another address is not held up by the first one's flood.
    await bootFrom('127.0.0.3', mac(1000));
    const after = (await (await s.api('/api/v1/machines')).json()) as MachineSummary[];
    expect(after.some((m) => m.macs.includes(mac(1000)))).toBe(true);
  }, 60_000);
});
