import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  parseHostnamePattern,
  renderHostname,
  type HostnameInput,
} from '../../../../main/profiles/hostname.js';
import { saltFrom, sha512Crypt } from '../../../../main/profiles/render/sha512-crypt.js';
import { commandUnavailable, requireOrSkip } from '../../../helpers/env.js';

const m: HostnameInput = {
  customerCode: 'DENTW',
  serial: '5CG2041XYZ',
  macs: ['52:54:00:ab:cd:ef'],
  index: 7,
};

describe('hostname patterns', () => {
  // [pattern, input, os, expected]
  const cases: [string, HostnameInput, 'windows' | 'linux', string][] = [
    ['{customer.code}-{serial|last:6}', m, 'windows', 'DENTW-041XYZ'],
    ['{customer.code}-{serial|last:6|lower}', m, 'linux', 'DENTW-041xyz'],
    ['{customer.code}-{mac|last:4}-{index}', m, 'windows', 'DENTW-CDEF-7'],
    // NetBIOS: 15 characters at most on Windows; Linux keeps 63.
    ['{customer.code}-LONGROOM-{serial}', m, 'windows', 'DENTW-LONGROOM'],
    ['{customer.code}-LONGROOM-{serial}', m, 'linux', 'DENTW-LONGROOM-5CG2041XYZ'],
    // A placeholder serial from the firmware falls back to the MAC.
    ['PC-{serial|last:6}', { ...m, serial: 'To be filled by O.E.M.' }, 'windows', 'PC-ABCDEF'],
    // Characters a hostname cannot hold become dashes, never doubled or at the ends.
    ['{model}', { ...m, model: 'EliteDesk 800 G9 (Mini)' }, 'linux', 'EliteDesk800G9Mini'],
    ['  Büro {index} ', m, 'linux', 'Buro-7'],
    // All digits is not a valid Windows computer name.
    ['{index}{index}', m, 'windows', 'PC-77'],
  ];
  it.each(cases)('%s (%s)', (pattern, input, os, expected) => {
    expect(renderHostname(pattern, input, os)).toBe(expected);
  });

  it.each([
    ['{serail}', /unknown variable/],
    ['{serial|tail:3}', /unknown filter/],
    ['PC-{serial', /unbalanced/],
  ])('rejects %s', (pattern, message) => {
    expect(parseHostnamePattern(pattern)).toMatch(message);
  });
});

describe('sha512Crypt', () => {
  const skip = requireOrSkip(commandUnavailable('openssl', 'openssl'));
  it.skipIf(skip).each([`pa"ss'w$rd\\`, 'x', 'Müller & Söhne <GmbH>', 'a'.repeat(80)])(
    'matches openssl passwd -6 for %s',
    (pw) => {
      const salt = saltFrom(pw);
      const expected = execFileSync('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], {
        input: pw + '\n',
        encoding: 'utf8',
      }).trim();
      expect(sha512Crypt(pw, salt)).toBe(expected);
    },
  );
});
