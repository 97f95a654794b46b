import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mediumPresent, readinessOf } from '../../../../main/profiles/readiness.js';
import { acme } from '../../../helpers/fixtures.js';

const none = { hasSecret: () => false, hasPackage: () => false, hasMedium: () => false };
const all = { hasSecret: () => true, hasPackage: () => true, hasMedium: () => true };

describe('profile readiness', () => {
  it('names every missing secret, package and medium with its fix', () => {
    const r = readinessOf('acme', acme, none);
    expect(r.ready).toBe(false);
    expect(r.problems.map((p) => [p.kind, p.name])).toEqual([
      ['secret', 'admin-password'],
      ['package', 'tool'],
      ['medium', 'ubuntu'],
    ]);
    expect(r.problems[0]!.fix).toMatch(/Secrets screen/);
    expect(r.problems[1]!.fix).toMatch(/App library/);
  });

  it('is ready when the station has everything', () => {
    expect(readinessOf('acme', acme, all)).toEqual({ id: 'acme', ready: true, problems: [] });
  });

  it('an unloadable profile is not ready', () => {
    expect(readinessOf('gone', undefined, all).problems[0]!.kind).toBe('invalid');
  });

  it('finds a medium folder in the files dir, never outside it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readiness-'));
    fs.mkdirSync(path.join(dir, 'ubuntu'));
    const has = mediumPresent(dir);
    expect(has('ubuntu')).toBe(true);
    expect(has('debian')).toBe(false);
    expect(has('../' + path.basename(dir))).toBe(false);
    expect(mediumPresent(dir, { get: (id) => (id === 'win11' ? {} : null) })('win11')).toBe(true);
    fs.rmSync(dir, { recursive: true });
  });
});
