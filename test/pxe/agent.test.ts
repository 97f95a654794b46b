import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { MachineDetail, MachineLogEntry, MachineSummary } from '../../main/api/contract.js';
import type { ProfileInput } from '../../main/profiles/schema.js';
import { commandUnavailable, netnsUnavailable, requireOrSkip } from '../helpers/env.js';
import { buildLab } from './lab/build.js';

/**
 * A QEMU machine (SeaBIOS + iPXE ROM, TCG) in a network namespace this test creates and
 * removes (ps7-agent-<pid>: a bridge and a tap, nothing on the host's interfaces), against
 * `prepstation serve` in full DHCP mode: DHCP, the real boot resolver and renderer (an
 * Ubuntu profile: kernel + initrd from the files dir, NoCloud seed at the machine URL), the
 * answer file fetch, then agent.sh, fetched from /t/<token>/agent.sh and run under busybox
 * inside the guest, through a plan (inventory, a library app, a file, a check) to done.
 * Reuses the issue-4 lab's kernel and initramfs, with our own /init laid over it.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const skip = requireOrSkip(
  netnsUnavailable(),
  commandUnavailable('qemu-system-x86_64', 'qemu-system-x86'),
  commandUnavailable('cpio', 'cpio'),
  commandUnavailable('curl', 'curl'),
  fs.existsSync('/usr/share/qemu/pxe-virtio.rom') ||
    fs.existsSync('/usr/lib/ipxe/qemu/pxe-virtio.rom')
    ? null
    : 'iPXE ROMs missing (ipxe-qemu)',
  fs.existsSync('/dev/net/tun') ? null : '/dev/net/tun missing',
  fs.existsSync(path.join(root, 'dist/main/station.js'))
    ? null
    : 'dist/ is not built (npm run build:main)',
);

const NS = `ps7-agent-${process.pid}`;
const MAC = '52:54:00:07:00:77';
const SERVER = '10.77.0.1';
const UI = `http://${SERVER}:7787`;
const TOKEN = 'ps7-pxe-ui-token-0123456789abcdef';
const timeoutMs = 600_000;

const ip = (args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
/** curl inside the namespace: the station's listeners are only there. */
function api<T>(method: string, p: string, body?: { json?: unknown; file?: string }): T {
  const args = [
    'netns',
    'exec',
    NS,
    'curl',
    '-sS',
    '-X',
    method,
    '-H',
    `Authorization: Bearer ${TOKEN}`,
  ];
  if (body?.json !== undefined)
    args.push('-H', 'Content-Type: application/json', '--data-binary', JSON.stringify(body.json));
  // An upload goes with its own type: the UI refuses curl's default form type (issue 13).
  if (body?.file) {
    args.push('-H', 'Content-Type: application/octet-stream', '--data-binary', `@${body.file}`);
  }
  const out = execFileSync('ip', [...args, `${UI}${p}`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out) as T;
}

describe.skipIf(skip)(`agent.sh in a QEMU machine${skip ? ` (skipped: ${skip})` : ''}`, () => {
  const children: ChildProcess[] = [];
  let work = '';
  let created = false;

  afterAll(() => {
    for (const c of children) if (c.pid && c.exitCode === null) c.kill('SIGKILL');
    // Only what this test made: its own namespace (and whatever it started inside it).
    if (created) {
      try {
        const pids = execFileSync('ip', ['netns', 'pids', NS], { encoding: 'utf8' })
          .split('\n')
          .filter(Boolean);
        for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
      } catch {
        // nothing left inside
      }
      try {
        ip(['netns', 'del', NS]);
      } catch {
        // already gone
      }
    }
    if (work && !process.env.PS7_KEEP) fs.rmSync(work, { recursive: true, force: true });
  });

  it(
    'boots from the station, runs agent.sh through a real plan and reaches done',
    async () => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'ps7-pxe-'));
      const files = path.join(work, 'files');
      const media = path.join(files, 'ubuntu', 'casper');
      fs.mkdirSync(media, { recursive: true });

      // The lab's kernel and initramfs, with our /init concatenated after it (the kernel
      // unpacks both archives; a later file wins).
      const lab = buildLab();
      const overlay = path.join(work, 'overlay');
      fs.mkdirSync(overlay);
      fs.copyFileSync(path.join(root, 'test/pxe/agent-init.sh'), path.join(overlay, 'init'));
      fs.chmodSync(path.join(overlay, 'init'), 0o755);
      const extra = execFileSync('sh', [
        '-c',
        'cd "$1" && echo init | cpio -o -H newc -R 0:0 --quiet | gzip -6',
        'sh',
        overlay,
      ]);
      fs.writeFileSync(
        path.join(media, 'initrd'),
        Buffer.concat([fs.readFileSync(lab.initrd), extra]),
      );
      fs.copyFileSync(lab.vmlinuz, path.join(media, 'vmlinuz'));
      fs.writeFileSync(path.join(files, 'ubuntu', 'live.iso'), 'not fetched by the stand-in\n');

      const dataDir = path.join(work, 'data');
      fs.mkdirSync(path.join(dataDir, 'profiles'), { recursive: true });
      const profile: ProfileInput = {
        id: 'agent-lab',
        name: 'Agent lab',
        target: { os: 'ubuntu', version: '24.04', media: 'ubuntu', iso: 'ubuntu/live.iso' },
        admin: { username: 'tech', password: { secret: 'lab-admin' } },
        apps: [
          {
            id: 'tool',
            name: 'Lab tool',
            source: { package: 'tool' },
            installer: 'sh',
            args: '/tmp',
          },
        ],
        config: [{ id: 'motd', type: 'file', path: '/tmp/motd', content: 'prepared\n' }],
        checks: [
          {
            id: 'motd',
            type: 'command',
            shell: 'sh',
            command: 'cat /tmp/motd',
            expectedOutput: 'prepared',
          },
          { id: 'tool', type: 'file-exists', path: '/tmp/tool-installed' },
        ],
      };
      fs.writeFileSync(path.join(dataDir, 'profiles', 'agent-lab.yaml'), stringify(profile));
      const tool = path.join(work, 'tool.sh');
      fs.writeFileSync(tool, 'echo "lab tool installing"\necho ok > "$1/tool-installed"\n');

      // The namespace: a bridge with the station's address, one tap for the VM.
      ip(['netns', 'add', NS]);
      created = true;
      const n = ['-n', NS];
      ip([...n, 'link', 'set', 'lo', 'up']);
      ip([...n, 'link', 'add', 'br0', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0']);
      ip([...n, 'addr', 'add', `${SERVER}/24`, 'dev', 'br0']);
      ip([...n, 'link', 'set', 'br0', 'up']);
      // Carrier for the bridge before the VM starts (libuv lists only running interfaces).
      ip([...n, 'link', 'add', 'veth-b', 'type', 'veth', 'peer', 'name', 'veth-c']);
      ip([...n, 'link', 'set', 'veth-b', 'master', 'br0', 'up']);
      ip([...n, 'link', 'set', 'veth-c', 'up']);
      ip([...n, 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap']);
      ip([...n, 'link', 'set', 'tap0', 'master', 'br0', 'up']);

      const spawnIn = (cmd: string, args: string[], log: string): ChildProcess => {
        const out = fs.openSync(path.join(work, log), 'a');
        const c = spawn('ip', ['netns', 'exec', NS, cmd, ...args], { stdio: ['ignore', out, out] });
        fs.closeSync(out);
        children.push(c);
        return c;
      };
      spawnIn(
        process.execPath,
        [
          path.join(root, 'bin/prepstation.js'),
          'serve',
          '--data-dir',
          dataDir,
          '--files',
          files,
          '--bench-address',
          SERVER,
          '--bench-interface',
          'br0',
          '--dhcp-mode',
          'full',
          '--dhcp-range',
          '10.77.0.100-10.77.0.150',
          '--http-port',
          '8080',
          '--ui-host',
          SERVER,
          '--ui-port',
          '7787',
          '--ui-token',
          TOKEN,
          '--no-tftp',
          '--log-level',
          'info',
        ],
        'station.log',
      );
      const end = Date.now() + 60_000;
      for (;;) {
        try {
          api('GET', '/api/v1/health');
          break;
        } catch {
          if (Date.now() > end)
            throw new Error(fs.readFileSync(path.join(work, 'station.log'), 'utf8'));
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      api('PUT', '/api/v1/secrets/lab-admin', { json: { value: 'lab-Pa55word' } });
      api('POST', '/api/v1/apps?name=tool&id=tool&version=1&fileName=tool.sh', { file: tool });
      const m = api<MachineSummary>('POST', '/api/v1/machines', {
        json: { mac: MAC, profile: 'agent-lab' },
      });
      expect(m.state).toBe('assigned');

      const qemu = spawnIn(
        'qemu-system-x86_64',
        [
          '-accel',
          'tcg',
          '-m',
          '384',
          '-smp',
          '1',
          '-machine',
          'pc',
          '-display',
          'none',
          '-monitor',
          'none',
          '-no-reboot',
          '-serial',
          `file:${path.join(work, 'serial.log')}`,
          '-netdev',
          'tap,id=n0,ifname=tap0,script=no,downscript=no',
          '-device',
          `virtio-net-pci,netdev=n0,mac=${MAC},bootindex=1`,
        ],
        'qemu.log',
      );
      let d: MachineDetail | null = null;
      const until = Date.now() + timeoutMs - 60_000;
      while (Date.now() < until) {
        d = api<MachineDetail>('GET', `/api/v1/machines/${m.id}`);
        if (d.machine.state === 'done' || d.machine.state === 'failed') break;
        if (qemu.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 2000));
      }
      const serial = fs.existsSync(path.join(work, 'serial.log'))
        ? fs.readFileSync(path.join(work, 'serial.log'), 'latin1').split('\n').slice(-40).join('\n')
        : '';
      expect(d?.machine.state, `machine state; serial tail:\n${serial}`).toBe('done');
      expect(d!.steps.map((s) => [s.id, s.status])).toEqual([
        ['inventory', 'succeeded'],
        ['config-local-admin', 'succeeded'],
        ['app-tool', 'succeeded'],
        ['config-motd', 'succeeded'],
        ['check-motd', 'succeeded'],
        ['check-tool', 'succeeded'],
      ]);
      // The guest's own SMBIOS, read by the agent from /sys/class/dmi/id.
      expect(d!.inventory).toMatchObject({ vendor: 'QEMU', hostname: 'agent-lab' });
      const log = api<MachineLogEntry[]>('GET', `/api/v1/machines/${m.id}/log?limit=5000`);
      const kinds = log.map((e) => e.kind);
      expect(kinds).toContain('booting');
      expect(log.find((e) => e.kind === 'answer-file')?.data.file).toBe('user-data');
      const seqs = log.map((e) => e.data.seq).filter((x): x is number => typeof x === 'number');
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    },
    timeoutMs,
  );
});
