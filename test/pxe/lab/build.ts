import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What the QEMU tests boot: a Debian kernel (from `apt-get download`, only vmlinuz and the
 * NIC modules unpacked) and a busybox initramfs whose /init reports back to the station.
 * Built once into a cache folder and reused while the inputs do not change.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
export const cacheDir = process.env.PS4_PXE_CACHE ?? '/var/tmp/ps4-pxe';

/** Debian builds the NIC drivers as modules; the initramfs loads these in order. */
const modules = [
  'kernel/net/core/failover',
  'kernel/drivers/net/net_failover',
  'kernel/drivers/virtio/virtio_ring',
  'kernel/drivers/virtio/virtio',
  'kernel/drivers/virtio/virtio_pci_legacy_dev',
  'kernel/drivers/virtio/virtio_pci_modern_dev',
  'kernel/drivers/virtio/virtio_pci',
  'kernel/drivers/net/virtio_net',
  'kernel/drivers/net/ethernet/intel/e1000/e1000',
  'kernel/drivers/net/ethernet/intel/e1000e/e1000e',
];

function sh(cmd: string, args: string[], opts: { cwd?: string; input?: Buffer } = {}): string {
  return execFileSync(cmd, args, {
    cwd: opts.cwd,
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The package linux-image-amd64 points at, e.g. linux-image-6.1.0-56-amd64. */
function kernelPackage(): string {
  const out = sh('apt-cache', ['depends', 'linux-image-amd64']);
  const m = /Depends: (linux-image-\d\S*)/.exec(out);
  if (!m) throw new Error('cannot resolve linux-image-amd64 with apt-cache');
  return m[1]!;
}

/** Downloads and unpacks the kernel once; returns { vmlinuz, modulesDir }. */
function kernel(): { vmlinuz: string; modulesDir: string } {
  const pkg = kernelPackage();
  const dir = path.join(cacheDir, 'kernel', pkg);
  const done = path.join(dir, '.unpacked');
  if (!fs.existsSync(done)) {
    fs.mkdirSync(cacheDir, { recursive: true });
    let deb = fs.readdirSync(cacheDir).find((f) => f.startsWith(pkg + '_') && f.endsWith('.deb'));
    if (!deb) {
      sh('apt-get', ['download', pkg], { cwd: cacheDir });
      deb = fs.readdirSync(cacheDir).find((f) => f.startsWith(pkg + '_') && f.endsWith('.deb'));
      if (!deb) throw new Error(`apt-get download ${pkg} produced no .deb`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const patterns = ['./boot/vmlinuz-*', ...modules.map((m) => `./lib/modules/*/${m}.ko*`)];
    execFileSync(
      'bash',
      [
        '-c',
        'set -o pipefail; dpkg-deb --fsys-tarfile "$0" | tar -x -C "$1" --wildcards "${@:2}"',
        path.join(cacheDir, deb),
        dir,
        ...patterns,
      ],
      { stdio: 'inherit' },
    );
    fs.writeFileSync(done, '');
  }
  const vmlinuz = fs.readdirSync(path.join(dir, 'boot')).find((f) => f.startsWith('vmlinuz-'));
  const kver = fs.readdirSync(path.join(dir, 'lib', 'modules'))[0];
  if (!vmlinuz || !kver) throw new Error(`kernel unpacked badly in ${dir}`);
  return {
    vmlinuz: path.join(dir, 'boot', vmlinuz),
    modulesDir: path.join(dir, 'lib', 'modules', kver),
  };
}

function busybox(): string {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) {
    if (fs.existsSync(p)) return p;
  }
  throw new Error('busybox is not installed (Debian package busybox-static)');
}

/** Builds (or reuses) the initramfs; returns its path. */
function initramfs(modulesDir: string): string {
  const init = fs.readFileSync(path.join(here, 'init.sh'));
  const hook = fs.readFileSync(path.join(here, 'udhcpc.script'));
  const key = crypto
    .createHash('sha256')
    .update(init)
    .update(hook)
    .update(modulesDir)
    .digest('hex')
    .slice(0, 12);
  const out = path.join(cacheDir, `initrd-${key}.img`);
  if (fs.existsSync(out)) return out;
  const root = fs.mkdtempSync(path.join(cacheDir, 'initramfs-'));
  try {
    for (const d of ['bin', 'sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'lib/modules']) {
      fs.mkdirSync(path.join(root, d), { recursive: true });
    }
    fs.copyFileSync(busybox(), path.join(root, 'bin/busybox'));
    fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
    fs.symlinkSync('busybox', path.join(root, 'bin/sh'));
    fs.writeFileSync(path.join(root, 'init'), init, { mode: 0o755 });
    fs.writeFileSync(path.join(root, 'etc/udhcpc.script'), hook, { mode: 0o755 });
    sh('mknod', ['-m', '600', path.join(root, 'dev/console'), 'c', '5', '1']);
    sh('mknod', ['-m', '666', path.join(root, 'dev/null'), 'c', '1', '3']);
    for (const m of modules) {
      const base = path.join(modulesDir, m);
      const name = path.basename(m) + '.ko';
      const dest = path.join(root, 'lib/modules', name);
      if (fs.existsSync(base + '.ko')) fs.copyFileSync(base + '.ko', dest);
      else if (fs.existsSync(base + '.ko.xz'))
        fs.writeFileSync(dest, sh('xz', ['-dc', base + '.ko.xz']));
      else throw new Error(`kernel module ${m} missing in ${modulesDir}`);
    }
    execFileSync(
      'sh',
      [
        '-c',
        'cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -6 > "$2"',
        'sh',
        root,
        out + '.tmp',
      ],
      { stdio: 'inherit' },
    );
    fs.renameSync(out + '.tmp', out);
    return out;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

export interface LabArtifacts {
  vmlinuz: string;
  initrd: string;
}

export function buildLab(): LabArtifacts {
  const k = kernel();
  return { vmlinuz: k.vmlinuz, initrd: initramfs(k.modulesDir) };
}
