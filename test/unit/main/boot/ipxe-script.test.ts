import { describe, expect, it } from 'vitest';
import { chainScript, ipxeText, renderDecision } from '../../../../main/boot/ipxe-script.js';
import type { BootRequest } from '../../../../main/boot/types.js';

const url = 'http://10.0.0.1:8080';
const req: BootRequest = {
  mac: '52:54:00:12:34:56',
  ip: '10.0.0.100',
  serial: 'ABC 123',
  platform: 'pcbios',
  buildarch: 'i386',
};

describe('iPXE scripts', () => {
  it('first hop chains back with the identity, SMBIOS strings URI-encoded', () => {
    const s = chainScript(url);
    expect(s.startsWith('#!ipxe\n')).toBe(true);
    expect(s).toContain(
      'chain http://10.0.0.1:8080/boot/ipxe?mac=${netX/mac}&uuid=${uuid}&serial=${serial:uristring}&platform=${platform}&buildarch=${buildarch}&manufacturer=${manufacturer:uristring}&product=${product:uristring} || goto failed',
    );
    // A station that does not answer: retry instead of dropping to a dead prompt.
    expect(s).toMatch(/:failed\n.*\nsleep 10\ngoto start/);
  });

  it('wait: says what to do, sleeps, and asks again with the same identity', () => {
    const s = renderDecision(
      { kind: 'wait', reason: 'unknown', message: 'Assign it in the dashboard.' },
      req,
      { benchUrl: url, retrySeconds: 5 },
    );
    expect(s).toContain('echo Assign it in the dashboard.');
    expect(s).toContain('echo This PC: MAC 52:54:00:12:34:56, serial ABC 123');
    expect(s).toContain('sleep 5\n');
    expect(s).toContain(
      'chain --replace http://10.0.0.1:8080/boot/ipxe?mac=52%3A54%3A00%3A12%3A34%3A56&serial=ABC+123&platform=pcbios&buildarch=i386 || exit',
    );
  });

  it('install: the decision’s lines after one #!ipxe header', () => {
    const s = renderDecision(
      { kind: 'install', machineId: 'm1', script: '#!ipxe\r\nkernel http://x/k\r\nboot\r\n' },
      req,
      { benchUrl: url },
    );
    expect(s.match(/#!ipxe/g)).toHaveLength(1);
    expect(s).toMatch(/kernel http:\/\/x\/k\nboot\n$/);
  });

  it.each([
    ['pcbios', 'sanboot --no-describe --drive 0x80 || exit'],
    ['efi', '\nexit\n'],
    [undefined, 'iseq ${platform} efi && exit ||'],
  ])('local on %s boots the disk, never the installer', (platform, line) => {
    const s = renderDecision({ kind: 'local' }, { ...req, platform }, { benchUrl: url });
    expect(s).toContain(line);
    expect(s).not.toMatch(/kernel|chain/);
  });

  it.each([
    ['${net0/mac}', 'net0/mac'],
    ['a && shell', 'a shell'],
    ['x || y', 'x y'],
    ['line1\nchain http://evil', 'line1 chain http://evil'],
    ['semi;colon', 'semi,colon'],
  ])('ipxeText(%j) cannot expand, chain or split: %j', (input, out) => {
    expect(ipxeText(input)).toBe(out);
  });

  it('a hostile message cannot add script lines', () => {
    const s = renderDecision(
      { kind: 'wait', reason: 'unknown', message: 'hi\nshell\n${x}' },
      { ...req, serial: 'S\nexit' },
      { benchUrl: url },
    );
    expect(s.split('\n').filter((l) => l === 'shell' || l === 'exit')).toEqual([]);
  });
});
