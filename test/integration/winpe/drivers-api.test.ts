import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriverPack } from '../../../main/drivers/types.js';
import { cabinet } from '../../helpers/cabinet.js';
import { commandUnavailable, requireOrSkip } from '../../helpers/env.js';
import { startTestStation, type TestStation } from '../../helpers/station.js';

/** The driver library over the UI API, as the Drivers screen uses it. */
const skip = requireOrSkip(commandUnavailable('7zz', '7zip'));

describe.skipIf(skip)('drivers API', () => {
  let ts: TestStation;
  beforeAll(async () => {
    ts = await startTestStation();
  });
  afterAll(async () => {
    await ts.stop();
  });

  it('takes a .cab upload, lists it, serves its files, deletes it', async () => {
    const cab = cabinet({ 'storage/iaStorVD.inf': '[Version]\r\n', 'storage/iaStorVD.sys': 'MZ' });
    const q = new URLSearchParams({
      fileName: 'vmd.cab',
      vendor: 'Dell Inc.',
      model: 'Latitude 5440',
      winpe: '1',
    });
    const up = await ts.api(`/api/v1/drivers?${q.toString()}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: cab,
    });
    expect(up.status).toBe(201);
    const pack = (await up.json()) as DriverPack;
    expect(pack).toMatchObject({
      id: 'dell-latitude-5440-winpe',
      winpe: true,
      files: 2,
      infs: 1,
      source: 'vmd.cab',
    });

    const list = (await (await ts.api('/api/v1/drivers')).json()) as DriverPack[];
    expect(list.map((p) => p.id)).toEqual(['dell-latitude-5440-winpe']);
    // WinPE downloads the files from the bench listener's /files, as ps-pedrivers.curl names them.
    const file = await fetch(
      `${ts.benchUrl}/files/drivers/dell-latitude-5440-winpe/files/storage/iaStorVD.sys`,
    );
    expect(await file.text()).toBe('MZ');

    expect(
      (await ts.api('/api/v1/drivers/dell-latitude-5440-winpe', { method: 'DELETE' })).status,
    ).toBe(200);
    expect(
      (await ts.api('/api/v1/drivers/dell-latitude-5440-winpe', { method: 'DELETE' })).status,
    ).toBe(404);
  });

  it('says what is wrong with an upload', async () => {
    const post = (q: Record<string, string>, body: Buffer) =>
      ts.api(`/api/v1/drivers?${new URLSearchParams(q).toString()}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body,
      });
    const exe = await post(
      { fileName: 'sp12345.exe', vendor: 'HP', model: 'X' },
      Buffer.from('MZ'),
    );
    expect(exe.status).toBe(400);
    expect(((await exe.json()) as { error: { message: string } }).error.message).toContain('.cab');
    const noModel = await post({ fileName: 'a.cab', vendor: 'HP' }, cabinet({ 'a.inf': 'x' }));
    expect(noModel.status).toBe(400);
    const noInf = await post(
      { fileName: 'a.cab', vendor: 'HP', model: 'X' },
      cabinet({ 'a.sys': 'x' }),
    );
    expect(((await noInf.json()) as { error: { code: string } }).error.code).toBe('empty');
  });
});
