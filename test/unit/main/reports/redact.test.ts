import { describe, expect, it } from 'vitest';
import { MASK, redactParams, redactText } from '../../../../main/reports/redact.js';

describe('redactText', () => {
  it.each([
    ['password=hunter2', `password=${MASK}`],
    ['admin_password: "s3cret value"', `admin_password: ${MASK}`],
    ['{"wifiPassphrase":"abc def"}', `{"wifiPassphrase":${MASK}}`],
    ['Authorization: Bearer abcdefghijk', `Authorization: Bearer ${MASK}`],
    ['net use \\\\srv\\x /user:bob /p:Geheim1', `net use \\\\srv\\x /user:bob /p:${MASK}`],
    ['Set-Thing -Password Geheim1 -Force', `Set-Thing -Password ${MASK} -Force`],
    ['setup.exe --api-key ABCDEF123', `setup.exe --api-key ${MASK}`],
    [
      'GET http://st:8080/t/AbCdEfGhIjKlMnOpQrStUv/user-data',
      `GET http://st:8080/t/${MASK}/user-data`,
    ],
    ['key VK7JG-NPHTM-C97JM-9MPGT-3V66T used', `key ${MASK} used`],
    ['token=abc&x=1', `token=${MASK}&x=1`],
    // Not secrets: left as they are.
    ['Installed Mozilla Firefox 128.5.0', 'Installed Mozilla Firefox 128.5.0'],
    ['exit code 1603', 'exit code 1603'],
    ['passwords policy applied', 'passwords policy applied'],
  ])('%s', (input, out) => {
    expect(redactText(input)).toBe(out);
  });
});

describe('redactParams', () => {
  it('masks secret references and values under secret-looking keys, keeps the rest', () => {
    expect(
      redactParams({
        ssid: 'Office',
        passphrase: { secret: 'wifi-key' },
        nested: { adminPassword: 'plain!', list: [{ secret: 'x' }, 'ok'] },
        hidden: false,
        note: 'password=abc',
      }),
    ).toEqual({
      ssid: 'Office',
      passphrase: MASK,
      nested: { adminPassword: MASK, list: [MASK, 'ok'] },
      hidden: false,
      note: `password=${MASK}`,
    });
  });
});
