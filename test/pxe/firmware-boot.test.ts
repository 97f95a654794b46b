import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BootLogEvent } from '../../main/api/contract.js';
import { commandUnavailable, netnsUnavailable, requireOrSkip } from '../helpers/env.js';
import { buildLab } from './lab/build.js';
import { createLab, type Lab } from './lab/netns.js';

/**
 * Real firmware in QEMU (TCG) against `prepstation serve` (DHCP full mode, TFTP, HTTP)
 * inside a network namespace this test creates and removes:
 *   bios         SeaBIOS + iPXE NIC ROM -> DHCP -> /boot/ipxe -> wait screen -> kernel
 *   bios-chain   same, then chain undionly.kpxe over our TFTP (the BIOS PXE path) -> kernel
 *   uefi         OVMF + iPXE EFI NIC ROM -> HTTP boot of the EFI-stub kernel
 *   uefi-native  OVMF's own PXE client (no NIC ROM) -> TFTP ipxe.efi -> iPXE -> kernel
 * Each kernel's initramfs fetches a payload from /files, reports its sha256 back over HTTP
 * and reboots; the firmware asks again and must now be sent to its local disk.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ovmfCode = '/usr/share/OVMF/OVMF_CODE_4M.fd';
const ovmfVars = '/usr/share/OVMF/OVMF_VARS_4M.fd';
const skip = requireOrSkip(
  netnsUnavailable(),
  commandUnavailable('qemu-system-x86_64', 'qemu-system-x86'),
  commandUnavailable('cpio', 'cpio'),
  fs.existsSync(ovmfCode) ? null : `${ovmfCode} missing (Debian package ovmf)`,
  fs.existsSync('/usr/lib/ipxe/qemu/efi-virtio.rom') ? null : 'iPXE ROMs missing (ipxe-qemu)',
  fs.existsSync('/dev/net/tun') ? null : '/dev/net/tun missing',
  fs.existsSync(path.join(root, 'dist/main/station.js'))
    ? null
    : 'dist/ is not built (npm run build:main)',
);

type Kind = 'bios' | 'bios-chain' | 'uefi' | 'uefi-native';
const machines: Record<Kind, { mac: string; tap: number; plan: string[] }> = {
  bios: { mac: '52:54:00:74:00:01', tap: 0, plan: ['wait', 'kernel'] },
  'bios-chain': { mac: '52:54:00:74:00:04', tap: 1, plan: ['chain-undionly', 'kernel'] },
  uefi: { mac: '52:54:00:74:00:02', tap: 2, plan: ['wait', 'kernel'] },
  'uefi-native': { mac: '52:54:00:74:00:03', tap: 3, plan: ['kernel'] },
};
/** From QEMU's start to the local-disk answer; TCG on a loaded 2-core host is slow. */
const bootTimeoutMs = 480_000;
/** Two emulated PCs at a time: one per core. Four at once starved each other past 6 min. */
const maxVms = 2;
/** Per test: its own boot, plus waiting for a slot behind two others. */
const testTimeoutMs = 2 * bootTimeoutMs + 60_000;

let running = 0;
const waiting: (() => void)[] = [];
async function vmSlot(): Promise<() => void> {
  if (running >= maxVms) await new Promise<void>((r) => waiting.push(r));
  running++;
  return () => {
    running--;
    waiting.shift()?.();
  };
}

describe.skipIf(skip)(`real firmware in QEMU${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let lab: Lab;
  let work: string;
  let eventsFile: string;
  let payloadSha: string;

  function events(): (BootLogEvent | { type: string; [k: string]: unknown })[] {
    if (!fs.existsSync(eventsFile)) return [];
    return fs
      .readFileSync(eventsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as BootLogEvent);
  }
  const bootEvents = (mac: string): BootLogEvent[] =>
    events().filter((e): e is BootLogEvent => e.type === 'boot' && e.mac === mac);

  async function until<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = probe();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  beforeAll(async () => {
    const art = buildLab();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ps4-pxe-'));
    const files = path.join(work, 'files');
    fs.mkdirSync(path.join(files, 'lab', 'check'), { recursive: true });
    fs.copyFileSync(art.vmlinuz, path.join(files, 'lab', 'vmlinuz'));
    fs.copyFileSync(art.initrd, path.join(files, 'lab', 'initrd.img'));
    const payload = crypto.randomBytes(4 * 1024 * 1024);
    fs.writeFileSync(path.join(files, 'lab', 'payload.bin'), payload);
    payloadSha = crypto.createHash('sha256').update(payload).digest('hex');
    fs.writeFileSync(path.join(files, 'lab', 'check', payloadSha), 'ok\n');
    fs.writeFileSync(path.join(files, 'lab', 'check', 'booted'), 'ok\n');
    // The NBPs come the way a technician gets them: the pinned-sha256 fetch script.
    const { execFileSync } = await import('node:child_process');
    execFileSync('node', [path.join(root, 'scripts/fetch-ipxe.mjs'), '--files', files], {
      stdio: 'ignore',
    });

    lab = createLab({ subnet: '10.74.0', taps: 4 });
    // Router advertisements only (no DHCP of any kind): iPXE otherwise waits ~13 s for
    // IPv6 on every start, burning emulated CPU. A bench may or may not have a router.
    lab.spawn(
      'dnsmasq',
      [
        '--keep-in-foreground',
        '--port=0',
        '--no-resolv',
        '--no-hosts',
        `--interface=${lab.bridge}`,
        '--bind-interfaces',
        '--enable-ra',
        `--dhcp-range=::,constructor:${lab.bridge},ra-only`,
        `--pid-file=${path.join(work, 'dnsmasq-ra.pid')}`,
        '--user=root',
        '--log-facility=-',
      ],
      path.join(work, 'dnsmasq-ra.log'),
    );
    eventsFile = path.join(work, 'events.jsonl');
    const plan = Object.fromEntries(Object.values(machines).map((m) => [m.mac, m.plan]));
    lab.spawn(
      'node',
      [
        path.join(root, 'test/pxe/lab/station.mjs'),
        eventsFile,
        JSON.stringify(plan),
        '--',
        '--data-dir',
        path.join(work, 'data'),
        '--files',
        files,
        '--bench-address',
        lab.serverIp,
        '--bench-interface',
        lab.bridge,
        '--dhcp-mode',
        'full',
        '--dhcp-range',
        '10.74.0.100-10.74.0.200',
        '--http-port',
        '8080',
        '--ui-port',
        '7781',
        '--tftp-port',
        '69',
        '--log-level',
        'debug',
      ],
      path.join(work, 'station.log'),
    );
    const ready = await until('the station to start', 30_000, () =>
      events().find((e) => e.type === 'ready'),
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${fs.readFileSync(path.join(work, 'station.log'), 'utf8')}`);
    });
    const services = (ready as unknown as { services: { name: string; state: string }[] }).services;
    for (const name of ['bench-http', 'tftp', 'dhcp']) {
      expect(services.find((s) => s.name === name)?.state, `${name} service`).toBe('running');
    }
  }, 300_000);

  afterAll(() => {
    lab?.destroy();
    if (work && !process.env.PS4_KEEP) fs.rmSync(work, { recursive: true, force: true });
  });

  function qemuArgs(kind: Kind): string[] {
    const m = machines[kind];
    const nic = `virtio-net-pci,netdev=n0,mac=${m.mac},bootindex=1${kind === 'uefi-native' ? ',romfile=' : ''}`;
    const args = [
      '-accel',
      'tcg',
      '-m',
      '256',
      '-smp',
      '1',
      '-display',
      'none',
      '-monitor',
      'none',
      '-serial',
      `file:${path.join(work, `${kind}.serial.log`)}`,
      '-netdev',
      `tap,id=n0,ifname=${lab.taps[m.tap]},script=no,downscript=no`,
      '-device',
      nic,
    ];
    if (kind === 'bios' || kind === 'bios-chain') return [...args, '-machine', 'pc'];
    const vars = path.join(work, `${kind}.vars.fd`);
    fs.copyFileSync(ovmfVars, vars);
    return [
      ...args,
      '-machine',
      'q35',
      '-drive',
      `if=pflash,format=raw,unit=0,readonly=on,file=${ovmfCode}`,
      '-drive',
      `if=pflash,format=raw,unit=1,file=${vars}`,
    ];
  }

  async function boot(kind: Kind): Promise<BootLogEvent[]> {
    const release = await vmSlot();
    try {
      return await bootNow(kind);
    } finally {
      release();
    }
  }

  async function bootNow(kind: Kind): Promise<BootLogEvent[]> {
    const { mac } = machines[kind];
    const started = Date.now();
    const qemu = lab.spawn(
      'qemu-system-x86_64',
      qemuArgs(kind),
      path.join(work, `${kind}.qemu.log`),
    );
    try {
      await until(`${kind}: boot from local disk after the verified install`, bootTimeoutMs, () => {
        if (qemu.exitCode !== null) throw new Error(`${kind}: qemu exited (${qemu.exitCode})`);
        return bootEvents(mac).find((e) => /local disk/.test(e.summary)) ? true : undefined;
      });
    } catch (err) {
      const serial = path.join(work, `${kind}.serial.log`);
      const tail = fs.existsSync(serial)
        ? fs.readFileSync(serial, 'latin1').split('\n').slice(-30).join('\n')
        : '(no serial log)';
      const seen = bootEvents(mac)
        .map((e) => `  ${e.protocol} ${e.summary}`)
        .join('\n');
      throw new Error(`${(err as Error).message}\nevents:\n${seen}\nserial tail:\n${tail}`, {
        cause: err,
      });
    } finally {
      if (qemu.pid && qemu.exitCode === null) process.kill(qemu.pid, 'SIGKILL');
    }
    process.stdout.write(
      `${kind}: local-disk answer ${((Date.now() - started) / 1000).toFixed(1)} s after QEMU start\n`,
    );
    return bootEvents(mac);
  }

  /** The checks every machine must pass, whatever its firmware. */
  function expectVerifiedInstallThenLocal(evs: BootLogEvent[]): void {
    const http = evs.filter((e) => e.protocol === 'http');
    const idx = (pred: (e: BootLogEvent) => boolean) => http.findIndex(pred);
    const kernel = idx((e) => String(e.data?.path).startsWith('/files/lab/vmlinuz'));
    const verified = idx(
      (e) =>
        String(e.data?.path).startsWith(`/files/lab/check/${payloadSha}?`) &&
        e.data?.status === 200,
    );
    const local = idx((e) => /local disk/.test(e.summary));
    expect(kernel, 'kernel fetched').toBeGreaterThanOrEqual(0);
    expect(http[kernel]!.data).toMatchObject({ status: 200 });
    expect(http[kernel]!.data?.bytes).toBe(fs.statSync(path.join(work, 'files/lab/vmlinuz')).size);
    expect(verified, 'payload sha256 reported by the booted kernel').toBeGreaterThan(kernel);
    expect(local, 'sent to local disk after the install').toBeGreaterThan(verified);
    // Never a reinstall loop: no kernel fetched after the machine was done.
    const kernels = http.filter((e) => String(e.data?.path).startsWith('/files/lab/vmlinuz'));
    expect(kernels).toHaveLength(1);
  }

  it.concurrent(
    'SeaBIOS + iPXE ROM: wait screen, retry, install, then local disk',
    async () => {
      const evs = await boot('bios');
      const scripts = evs.filter((e) => e.summary.startsWith('iPXE script'));
      expect(scripts[0]?.summary).toMatch(/wait/);
      expect(scripts[1]?.summary).toMatch(/install/);
      expect(
        evs.find((e) => e.summary === 'iPXE first hop' || e.summary.includes('first hop')),
      ).toBeTruthy();
      expectVerifiedInstallThenLocal(evs);
    },
    testTimeoutMs,
  );

  it.concurrent(
    'SeaBIOS: undionly.kpxe over TFTP (the BIOS PXE path), then install',
    async () => {
      const evs = await boot('bios-chain');
      const tftp = evs.filter((e) => e.protocol === 'tftp' && e.data?.file === 'undionly.kpxe');
      expect(tftp.map((e) => e.data?.result)).toContain('ok');
      expect(tftp.find((e) => e.data?.result === 'ok')?.data?.bytes).toBe(
        fs.statSync(path.join(work, 'files/boot/undionly.kpxe')).size,
      );
      expectVerifiedInstallThenLocal(evs);
    },
    testTimeoutMs,
  );

  it.concurrent(
    'OVMF + iPXE EFI ROM: HTTP boot of the EFI-stub kernel, then exit',
    async () => {
      const evs = await boot('uefi');
      expect(evs.find((e) => e.summary.startsWith('iPXE script'))?.summary).toMatch(/wait/);
      expectVerifiedInstallThenLocal(evs);
    },
    testTimeoutMs,
  );

  it.concurrent(
    "OVMF's own PXE: tsize probe, TFTP ipxe.efi, then HTTP",
    async () => {
      const evs = await boot('uefi-native');
      const tftp = evs.filter((e) => e.protocol === 'tftp' && e.data?.file === 'ipxe.efi');
      const ok = tftp.find((e) => e.data?.result === 'ok');
      expect(ok?.data?.bytes).toBe(fs.statSync(path.join(work, 'files/boot/ipxe.efi')).size);
      expectVerifiedInstallThenLocal(evs);
    },
    testTimeoutMs,
  );
});
