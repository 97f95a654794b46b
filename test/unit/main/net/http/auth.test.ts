import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bearer, loadOrCreateUiToken, tokenMatches } from '../../../../../main/net/http/auth.js';
import { maskUrl } from '../../../../../main/log/logger.js';

describe('UI token', () => {
  it('is generated once, kept private in the data dir, and reused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-token-'));
    const a = loadOrCreateUiToken(dir);
    expect(a.length).toBeGreaterThanOrEqual(32);
    expect(loadOrCreateUiToken(dir)).toBe(a);
    expect(fs.statSync(path.join(dir, 'ui-token')).mode & 0o077).toBe(0);
    expect(loadOrCreateUiToken(dir, 'fixed-token-0123456789')).toBe('fixed-token-0123456789');
  });

  it('matches only the exact token', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
    expect(bearer('Bearer xyz')).toBe('xyz');
    expect(bearer('Basic xyz')).toBeUndefined();
  });

  it('masks tokens in URLs before they reach a log', () => {
    expect(maskUrl('/?token=secret&x=1')).toBe('/?token=***&x=1');
    expect(maskUrl('/t/abcdef/answer/autounattend.xml')).toBe('/t/***/answer/autounattend.xml');
  });
});
