import { execFileSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BootLogEvent } from '../../../main/api/contract.js';
import { buildLab } from './build.js';
import { createLab, type Lab } from './netns.js';

/**
 * The Secure Boot tests' bench: a namespace with the station (test/pxe/lab/station.mjs,
 * full DHCP, the given --secure-boot), the lab kernel and initramfs in <files>/lab, both
 * chains fetched by their pinned-sha256 scripts, and PCs on OVMF with Microsoft's keys.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const ovmfCode = '/usr/share/OVMF/OVMF_CODE_4M.secboot.fd';
export const ovmfVarsMs = '/usr/share/OVMF/OVMF_VARS_4M.ms.fd';
export const ovmfVarsPlain = '/usr/share/OVMF/OVMF_VARS_4M.fd';

export type AnyEvent = { type: string; at?: string; [k: string]: unknown };

export interface SbLab {
  lab: Lab;
  work: string;
  files: string;
  payloadSha: string;
  events(): AnyEvent[];
  bootEvents(mac: string): BootLogEvent[];
  tftp(mac: string, file: string): BootLogEvent[];
  /** One PC: OVMF's own PXE (no iPXE option ROM, which Secure Boot would refuse anyway). */
  startVm(
    run: string,
    mac: string,
    tap: number,
    vars: string,
    fresh: string | null,
  ): { qemu: ChildProcess; serial: string; started: number };
  serialText(file: string): string;
  /** An error with the machine's boot log and the serial console's tail. */
  explain(err: unknown, mac: string, serial: string): Error;
  destroy(): void;
}

export async function until<T>(what: string, ms: number, probe: () => T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function stopVm(q: ChildProcess): void {
  if (q.pid && q.exitCode === null) process.kill(q.pid, 'SIGKILL');
}

export async function startSbLab(opts: {
  subnet: string;
  taps: number;
  uiPort: number;
  secureBoot: 'auto' | 'signed' | 'ipxe';
  plan: Record<string, string[]>;
}): Promise<SbLab> {
  const art = buildLab();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ps4-sb-'));
  const files = path.join(work, 'files');
  fs.mkdirSync(path.join(files, 'lab', 'check'), { recursive: true });
  // linux-image-*-amd64 is Debian's signed kernel (the -unsigned package is the other).
  fs.copyFileSync(art.vmlinuz, path.join(files, 'lab', 'vmlinuz'));
  // The same kernel with one byte changed in its body: its signature no longer matches.
  const tampered = fs.readFileSync(art.vmlinuz);
  tampered[Math.floor(tampered.length / 2)]! ^= 0xff;
  fs.writeFileSync(path.join(files, 'lab', 'vmlinuz-tampered'), tampered);
  fs.copyFileSync(art.initrd, path.join(files, 'lab', 'initrd.img'));
  const payload = crypto.randomBytes(4 * 1024 * 1024);
  fs.writeFileSync(path.join(files, 'lab', 'payload.bin'), payload);
  const payloadSha = crypto.createHash('sha256').update(payload).digest('hex');
  fs.writeFileSync(path.join(files, 'lab', 'check', payloadSha), 'ok\n');
  fs.writeFileSync(path.join(files, 'lab', 'check', 'booted'), 'ok\n');
  // Both chains come the way a technician gets them: the pinned-sha256 fetch scripts.
  for (const script of ['fetch-ipxe.mjs', 'fetch-signed-boot.mjs']) {
    execFileSync('node', [path.join(root, 'scripts', script), '--files', files], {
      stdio: 'ignore',
    });
  }

  const lab = createLab({ subnet: opts.subnet, taps: opts.taps });
  const destroy = (): void => {
    lab.destroy();
    if (!process.env.PS4_KEEP) fs.rmSync(work, { recursive: true, force: true });
  };
  // Router advertisements only: iPXE (the measured comparison) otherwise waits ~13 s for
  // IPv6 on every start. Shim and GRUB do not care.
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
  const eventsFile = path.join(work, 'events.jsonl');
  lab.spawn(
    'node',
    [
      path.join(root, 'test/pxe/lab/station.mjs'),
      eventsFile,
      JSON.stringify(opts.plan),
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
      `${opts.subnet}.100-${opts.subnet}.200`,
      '--http-port',
      '8080',
      '--ui-port',
      String(opts.uiPort),
      '--tftp-port',
      '69',
      '--secure-boot',
      opts.secureBoot,
      '--log-level',
      'debug',
    ],
    path.join(work, 'station.log'),
  );

  const events = (): AnyEvent[] =>
    fs.existsSync(eventsFile)
      ? fs
          .readFileSync(eventsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as AnyEvent)
      : [];
  const bootEvents = (m: string): BootLogEvent[] =>
    events().filter(
      (e): e is AnyEvent & BootLogEvent => e.type === 'boot' && e.mac === m,
    ) as BootLogEvent[];
  const serialText = (file: string): string =>
    fs.existsSync(file) ? fs.readFileSync(file, 'latin1') : '';

  try {
    const ready = await until('the station to start', 30_000, () =>
      events().find((e) => e.type === 'ready'),
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${fs.readFileSync(path.join(work, 'station.log'), 'utf8')}`);
    });
    const services = (ready as unknown as { services: { name: string; state: string }[] }).services;
    for (const name of ['bench-http', 'tftp', 'dhcp']) {
      const state = services.find((s) => s.name === name)?.state;
      if (state !== 'running') throw new Error(`${name} service is ${state ?? 'missing'}`);
    }
  } catch (err) {
    destroy();
    throw err;
  }

  return {
    lab,
    work,
    files,
    payloadSha,
    events,
    bootEvents,
    tftp: (m, file) => bootEvents(m).filter((e) => e.protocol === 'tftp' && e.data?.file === file),
    startVm(run, m, tap, vars, fresh) {
      if (fresh) fs.copyFileSync(fresh, vars);
      const serial = path.join(work, `${run}.serial.log`);
      const qemu = lab.spawn(
        'qemu-system-x86_64',
        [
          '-accel',
          'tcg',
          '-m',
          '512',
          '-smp',
          '1',
          '-display',
          'none',
          '-monitor',
          'none',
          '-serial',
          `file:${serial}`,
          // Secure Boot needs SMM, so that only the firmware can write its key variables.
          '-machine',
          'q35,smm=on',
          '-global',
          'driver=cfi.pflash01,property=secure,value=on',
          '-global',
          'ICH9-LPC.disable_s3=1',
          '-drive',
          `if=pflash,format=raw,unit=0,readonly=on,file=${ovmfCode}`,
          '-drive',
          `if=pflash,format=raw,unit=1,file=${vars}`,
          '-netdev',
          `tap,id=n0,ifname=${lab.taps[tap]},script=no,downscript=no`,
          '-device',
          `virtio-net-pci,netdev=n0,mac=${m},bootindex=1,romfile=`,
        ],
        path.join(work, `${run}.qemu.log`),
      );
      return { qemu, serial, started: Date.now() };
    },
    serialText,
    explain(err, m, serial) {
      const seen = bootEvents(m)
        .map((e) => `  ${e.at} ${e.protocol} ${e.summary}`)
        .join('\n');
      const tail = serialText(serial).split('\n').slice(-30).join('\n');
      return new Error(`${(err as Error).message}\nevents:\n${seen}\nserial tail:\n${tail}`, {
        cause: err,
      });
    },
    destroy,
  };
}
