import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  grubEntryConfig,
  grubInstallLines,
  grubWord,
  renderGrubDecision,
  tftpPathFor,
} from '../../../../main/boot/grub-config.js';
import { optionalForSignedChain, signedChainFiles } from '../../../../main/boot/signed-files.js';
import type { BootDecision, BootRequest } from '../../../../main/boot/types.js';

/** Golden files: UPDATE_GOLDEN=1 regenerates them (read the diff before committing). */
const golden = path.join(path.dirname(fileURLToPath(import.meta.url)), 'golden');
const update = process.env.UPDATE_GOLDEN === '1';
function matchGolden(name: string, text: string): void {
  const file = path.join(golden, name);
  if (update) fs.writeFileSync(file, text);
  expect(text).toBe(fs.readFileSync(file, 'utf8'));
}

const benchUrl = 'http://10.33.0.1:8080';
const req: BootRequest = { mac: '52:54:00:12:34:56', ip: '10.33.0.120', platform: 'efi' };
const ctx = { benchUrl, retrySeconds: 5 };

describe('GRUB configs of the signed chain', () => {
  it('grub.cfg loops over the per-MAC file (source, not a nested configfile)', () => {
    matchGolden('grub.cfg', grubEntryConfig());
  });

  it.each<[string, BootDecision]>([
    [
      'wait',
      { kind: 'wait', reason: 'unassigned', message: "This PC (m1) isn't assigned; $x ${y}" },
    ],
    ['local', { kind: 'local', machineId: 'm1', message: 'This PC is done.' }],
    [
      'install',
      {
        kind: 'install',
        machineId: 'm1',
        script: [
          'echo PrepStation: acme: debian 12',
          `kernel ${benchUrl}/files/media/debian12/linux initrd=initrd auto=true url=${benchUrl}/t/TOKEN/preseed.cfg ds=nocloud;s=${benchUrl}/t/TOKEN/ lab.kind=\${platform} ---`,
          `initrd --name initrd ${benchUrl}/files/media/debian12/initrd.gz`,
          'boot',
        ].join('\n'),
      },
    ],
  ])('%s', (name, decision) => {
    matchGolden(`${name}.cfg`, renderGrubDecision(decision, req, ctx));
  });

  it('quotes words so that GRUB neither expands nor splits them', () => {
    expect(grubWord("a;b $c 'd'")).toBe(`'a;b $c '\\''d'\\'''`);
  });

  it('maps installer URLs to the same files over TFTP, and refuses others', () => {
    expect(tftpPathFor(`${benchUrl}/files/a/b%20c?x=1`, benchUrl)).toBe('/files/a/b c');
    expect(() => tftpPathFor('http://elsewhere/files/x', benchUrl)).toThrow(/TFTP/);
    expect(() => tftpPathFor(`${benchUrl}/files/a/../../x`, benchUrl)).toThrow(/file/);
  });

  it('translates the lines renderIpxeInstall makes for Linux profiles (Ubuntu here)', () => {
    const script = [
      `kernel ${benchUrl}/files/m/casper/vmlinuz initrd=initrd ip=dhcp url=${benchUrl}/files/m.iso autoinstall ds=nocloud;s=${benchUrl}/t/T/ ---`,
      `initrd --name initrd ${benchUrl}/files/m/casper/initrd`,
      'boot',
    ].join('\n');
    expect(grubInstallLines(script, req, ctx)).toEqual([
      `linux /files/m/casper/vmlinuz 'ip=dhcp' 'url=${benchUrl}/files/m.iso' 'autoinstall' 'ds=nocloud;s=${benchUrl}/t/T/' '---'`,
      'initrd /files/m/casper/initrd',
      'boot',
    ]);
  });

  it('a Windows (wimboot) installer is held with the reason on the screen, not half-run', () => {
    const text = renderGrubDecision(
      {
        kind: 'install',
        machineId: 'm1',
        script: `kernel ${benchUrl}/files/boot/wimboot gui\ninitrd -n boot.wim ${benchUrl}/files/w/boot.wim boot.wim\nboot`,
      },
      req,
      ctx,
    );
    expect(text).toMatch(/wimboot, which needs iPXE/);
    expect(text).not.toMatch(/^linux /m);
    expect(text).toMatch(/^sleep 25$/m);
  });

  it('an unknown iPXE setting or command is refused with its name', () => {
    expect(() => grubInstallLines(`kernel ${benchUrl}/files/k \${serial}`, req, ctx)).toThrow(
      /\$\{serial\}/,
    );
    expect(() => grubInstallLines('chain http://x/y', req, ctx)).toThrow(/"chain"/);
  });
});

describe('signedChainFiles (the TFTP hook)', () => {
  const files = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'sb-files-'));
  fs.mkdirSync(path.join(files, 'lab'));
  fs.writeFileSync(path.join(files, 'lab', 'k'), 'kernel');
  const asked: BootRequest[] = [];
  const hook = signedChainFiles({
    filesDir: files,
    benchUrl: () => benchUrl,
    boot: () => ({
      resolve: (r) => {
        asked.push(r);
        return { kind: 'local', machineId: 'm1' };
      },
    }),
  });
  const client = { address: '10.33.0.120', port: 2000 };

  it('claims only its names', () => {
    expect(hook.claims('grub/grub.cfg')).toBe(true);
    expect(hook.claims('grub/mac/52:54:00:12:34:56.cfg')).toBe(true);
    expect(hook.claims('files/lab/k')).toBe(true);
    expect(hook.claims('grubx64.efi')).toBe(false);
    expect(hook.claims('grub/mac/../../x.cfg')).toBe(false);
  });

  it('renders the per-MAC file through the boot resolver, as the signed chain', async () => {
    const got = await hook.render('grub/mac/52:54:00:12:34:56.cfg', client);
    expect(got && 'data' in got && got.data.toString()).toMatch(/^exit$/m);
    expect(asked[0]).toMatchObject({
      mac: '52:54:00:12:34:56',
      ip: client.address,
      chain: 'shim-grub',
    });
  });

  it('serves <files> under files/ and nothing outside it', async () => {
    expect(await hook.render('files/lab/k', client)).toEqual({
      path: path.join(files, 'lab', 'k'),
    });
    expect(await hook.render('files/../etc/passwd', client)).toBeNull();
    expect(await hook.render('files/lab/none', client)).toBeNull();
  });
});

describe('optionalForSignedChain', () => {
  it.each([
    ['revocations_sku.efi', true],
    ['revocations_sbat.efi', true],
    ['shim_certificate_0.efi', true],
    ['/grub/x86_64-efi/command.lst', true],
    ['grubx64.efi', false],
    ['/grub/grub.cfg', false],
    ['shimx64.efi', false],
  ])('%s: %s', (name, optional) => {
    expect(optionalForSignedChain(name)).toBe(optional);
  });
});
