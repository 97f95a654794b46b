import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { check } from '../../../../main/commands/check.js';
import { DriverLibrary } from '../../../../main/drivers/library.js';

/** prepstation check: a profile's pinned or added driver packs must be imported. */
let out = '';
let dir = '';
beforeEach(() => {
  out = '';
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-drvcheck-'));
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('names the missing pack at its line, and passes once it is imported', async () => {
  const profiles = path.join(dir, 'profiles');
  const files = path.join(dir, 'files');
  fs.mkdirSync(profiles);
  const file = path.join(profiles, 'lab.yaml');
  fs.writeFileSync(
    file,
    [
      'id: lab',
      'name: Lab',
      'target: { os: ubuntu, version: "24.04", media: ubuntu, iso: ubuntu/live.iso }',
      'admin: { username: admin, password: { secret: admin-password } }',
      'drivers:',
      '  add: [printers]',
      '',
    ].join('\n'),
  );
  expect(await check([profiles, '--files', files])).toBe(1);
  expect(out).toMatch(
    new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:\\d+: no driver pack "printers"`),
  );
  const src = path.join(dir, 'src');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'p.inf'), '[Version]\r\n');
  await new DriverLibrary(files).import({
    source: src,
    vendor: 'Any',
    model: 'Printer',
    winpe: false,
    id: 'printers',
  });
  out = '';
  expect(await check([profiles, '--files', files])).toBe(0);
  expect(out).toContain('1 profile(s) OK');
});
