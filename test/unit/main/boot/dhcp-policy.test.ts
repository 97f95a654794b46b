import { describe, expect, it } from 'vitest';
import { dhcpBootFile, type DhcpBootInput } from '../../../../main/boot/dhcp-policy.js';

const benchUrl = 'http://10.33.0.1:8080';
const base: DhcpBootInput = { hasIpxeOptions: false, benchUrl };

describe('dhcpBootFile', () => {
  it.each<[string, Partial<DhcpBootInput>, string, string]>([
    ['BIOS PXE ROM (arch 0)', { clientArch: [0] }, 'undionly.kpxe', 'x86 BIOS'],
    ['old BIOS ROM without option 93', {}, 'undionly.kpxe', 'x86 BIOS'],
    ['x64 UEFI (arch 7)', { clientArch: [7] }, 'ipxe.efi', 'x64 UEFI'],
    ['x64 UEFI sending arch 9', { clientArch: [9] }, 'ipxe.efi', 'x64 UEFI'],
    [
      'x64 UEFI, snponly chosen',
      { clientArch: [7], uefiLoader: 'snponly.efi' },
      'snponly.efi',
      'x64 UEFI',
    ],
    // Secure Boot (issue 17): the Microsoft-signed shim, whatever loader iPXE would use.
    ['x64 UEFI, signed chain', { clientArch: [7], uefiChain: 'signed' }, 'shimx64.efi', 'x64 UEFI'],
    [
      'x64 UEFI arch 9, signed chain',
      { clientArch: [9], uefiChain: 'signed', uefiLoader: 'snponly.efi' },
      'shimx64.efi',
      'x64 UEFI',
    ],
    [
      'BIOS has no Secure Boot',
      { clientArch: [0], uefiChain: 'signed' },
      'undionly.kpxe',
      'x86 BIOS',
    ],
    ['ARM64 UEFI (arch 11)', { clientArch: [11] }, 'ipxe-arm64.efi', 'ARM64 UEFI'],
    ['first arch wins', { clientArch: [11, 7] }, 'ipxe-arm64.efi', 'ARM64 UEFI'],
  ])('%s gets %s over TFTP', (_name, input, file, name) => {
    expect(dhcpBootFile({ ...base, ...input })).toEqual({
      kind: 'tftp',
      bootFile: file,
      arch: input.clientArch?.[0] ?? 0,
      archName: name,
    });
  });

  it.each<[string, Partial<DhcpBootInput>]>([
    ['user class iPXE', { userClass: ['iPXE'], clientArch: [0] }],
    ['option 175 present', { hasIpxeOptions: true, clientArch: [7] }],
    ['RFC 3004 user class list with iPXE', { userClass: ['foo', 'iPXE'] }],
  ])('an iPXE client (%s) gets the HTTP script and no-pxedhcp', (_name, input) => {
    const d = dhcpBootFile({ ...base, ...input });
    expect(d).toMatchObject({
      kind: 'http',
      bootFile: 'http://10.33.0.1:8080/boot/ipxe',
      ipxeNoProxyDhcp: true,
    });
  });

  it('says why an architecture has no boot file', () => {
    expect(dhcpBootFile({ ...base, clientArch: [6] })).toEqual({
      kind: 'unsupported',
      arch: 6,
      archName: 'x86 UEFI',
      reason: 'no boot file for x86 UEFI (client architecture 6)',
    });
  });

  it('an iPXE client under the signed chain still gets its HTTP script', () => {
    expect(dhcpBootFile({ ...base, userClass: ['iPXE'], uefiChain: 'signed' }).kind).toBe('http');
  });

  it('a user class that merely contains iPXE is not iPXE', () => {
    expect(dhcpBootFile({ ...base, userClass: ['iPXE-like'] }).kind).toBe('tftp');
  });
});
