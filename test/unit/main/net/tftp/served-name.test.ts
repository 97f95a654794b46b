import { describe, expect, it } from 'vitest';
import { checkName } from '../../../../../main/net/tftp/paths.js';
import { servedName } from '../../../../../main/net/tftp/server.js';

describe('servedName: what a boot loader asks for, as a name under the TFTP root', () => {
  it.each([
    ['GRUB: leading slash is the root', '/grub/grub.cfg', 'grub/grub.cfg'],
    ['Windows Boot Manager: backslashes', '\\Boot\\BCD', 'Boot/BCD'],
    ['BCD ramdisk path', '\\files\\media\\w\\sources\\boot.wim', 'files/media/w/sources/boot.wim'],
    ['plain names stay', 'shimx64.efi', 'shimx64.efi'],
  ])('%s', (_why, asked, served) => {
    expect(servedName(asked)).toBe(served);
  });

  it.each(['/../etc/passwd', '\\..\\..\\secret', 'a\\..\\..\\b'])(
    'an escape stays an escape after mapping (%j)',
    (asked) => {
      expect(checkName(servedName(asked))).toMatchObject({ ok: false });
    },
  );
});
