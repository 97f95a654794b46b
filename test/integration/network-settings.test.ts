import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStation, type TestStation } from '../helpers/station.js';

describe('bench network settings (UI API)', () => {
  let st: TestStation;
  beforeAll(async () => {
    st = await startTestStation();
  });
  afterAll(async () => {
    await st.stop();
  });

  it('lists the station interfaces, loopback last', async () => {
    const r = await st.api('/api/v1/network/interfaces');
    expect(r.status).toBe(200);
    const list = (await r.json()) as { name: string; internal: boolean; addresses: unknown[] }[];
    expect(list.some((i) => i.name === 'lo' && i.internal)).toBe(true);
    expect(list.at(-1)?.internal).toBe(true);
  });

  it('refuses a bench network that is not on this station, changing nothing', async () => {
    const r = await st.api('/api/v1/settings/network', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        benchInterface: 'nosuch0',
        benchAddress: '192.0.2.1',
        dhcpMode: 'proxy',
      }),
    });
    expect(r.status).toBe(422);
    expect(((await r.json()) as { error: { message: string } }).error.message).toMatch(
      /no network interface named nosuch0/,
    );
    expect(fs.existsSync(path.join(st.dataDir, 'config.yaml'))).toBe(false);
    const cur = (await (await st.api('/api/v1/settings/network')).json()) as { dhcpMode: string };
    expect(cur.dhcpMode).toBe('off');
  });

  it('refuses unknown fields', async () => {
    const r = await st.api('/api/v1/settings/network', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dhcpMode: 'off', benchInterface: null, benchAddress: null, x: 1 }),
    });
    expect(r.status).toBe(400);
  });

  it('saves a valid choice to config.yaml and restarts the boot services', async () => {
    const before = st.station.benchPort;
    const r = await st.api('/api/v1/settings/network', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ benchInterface: 'lo', benchAddress: '127.0.0.1', dhcpMode: 'off' }),
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ benchInterface: 'lo', dhcpMode: 'off' });
    const yaml = fs.readFileSync(path.join(st.dataDir, 'config.yaml'), 'utf8');
    expect(yaml).toMatch(/bench-interface: lo/);
    expect(yaml).toMatch(/dhcp-mode: off/);
    const services = (await (await st.api('/api/v1/services')).json()) as {
      name: string;
      state: string;
    }[];
    expect(services.find((s) => s.name === 'bench-http')?.state).toBe('running');
    expect(st.station.benchPort).not.toBeNull();
    expect(before).not.toBeNull();
    const health = await fetch(`${st.station.ctx.benchUrl}/health`);
    expect(health.status).toBe(200);
  });

  it('saves the Secure Boot policy beside the network, and refuses an unknown one', async () => {
    const put = (secureBoot: string) =>
      st.api('/api/v1/settings/network', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          benchInterface: 'lo',
          benchAddress: '127.0.0.1',
          dhcpMode: 'off',
          secureBoot,
        }),
      });
    expect((await put('sometimes')).status).toBe(400);
    const r = await put('signed');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ secureBoot: 'signed' });
    expect(fs.readFileSync(path.join(st.dataDir, 'config.yaml'), 'utf8')).toMatch(
      /secure-boot: signed/,
    );
    expect(st.station.ctx.options.secureBoot).toBe('signed');
    const cur = (await (await st.api('/api/v1/settings/network')).json()) as { secureBoot: string };
    expect(cur.secureBoot).toBe('signed');
  });
});
