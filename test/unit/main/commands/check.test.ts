import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { check } from '../../../../main/commands/check.js';
import { render } from '../../../../main/commands/render.js';

const samples = path.join(import.meta.dirname, '../../../../profiles');
let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('prepstation check', () => {
  it('passes the sample profiles', async () => {
    expect(await check([samples])).toBe(0);
    expect(out).toContain('5 profile(s) OK');
  });

  it('exits 1 with file:line:col for a broken profile, and no secret value anywhere', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps5-check-'));
    try {
      for (const f of ['windows-11-base.yaml', 'dental-weber.yaml'])
        fs.copyFileSync(path.join(samples, f), path.join(dir, f));
      const bad = path.join(dir, 'dental-weber.yaml');
      fs.writeFileSync(
        bad,
        fs.readFileSync(bad, 'utf8').replace('style: fill', 'style: fill\n    colour: blue'),
      );
      expect(await check([bad])).toBe(1);
      expect(out).toMatch(
        new RegExp(
          `^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:5: unknown key "colour"$`,
          'm',
        ),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never prints a password written inline instead of a secret reference', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps5-check-'));
    try {
      fs.copyFileSync(
        path.join(samples, 'windows-11-base.yaml'),
        path.join(dir, 'windows-11-base.yaml'),
      );
      fs.writeFileSync(
        path.join(dir, 'inline.yaml'),
        'id: inline\nname: Inline\nextends: windows-11-base\nadmin:\n  password: Hunter2-Secret\n',
      );
      expect(await check([dir])).toBe(1);
      expect(out).toMatch(/inline\.yaml:5:13: password must be a mapping, not text/);
      expect(out + err).not.toContain('Hunter2');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('prepstation render', () => {
  it('renders the answer file with secrets masked and the plan from the plan builder', async () => {
    expect(
      await render([
        'law-firm-mueller',
        '--profiles',
        samples,
        '--machine',
        '52:54:00:aa:bb:cc',
        '--format',
        'autounattend',
      ]),
    ).toBe(0);
    expect(out).toContain('<ComputerName>MSLAW-AABBCC</ComputerName>');
    // The domain is joined by the agent (plan step config-domain-join): no join account here.
    expect(out).not.toContain('<Credentials>');
    out = '';
    expect(await render(['law-firm-mueller', '--profiles', samples, '--format', 'plan'])).toBe(0);
    expect(JSON.parse(out)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: 'config-domain-join',
          type: 'domain-join',
          params: expect.objectContaining({ secret: 'mueller-domain-join' }),
        }),
      ]),
    );
    out = '';
    expect(await render(['dental-weber', '--profiles', samples, '--format', 'plan'])).toBe(0);
    expect(JSON.parse(out)).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'app' })]),
    );
  });

  it('says which format is unknown', async () => {
    expect(await render(['school-lab', '--profiles', samples, '--format', 'nope'])).toBe(2);
    expect(err).toContain('unknown --format nope');
  });
});
