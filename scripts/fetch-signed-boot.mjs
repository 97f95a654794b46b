#!/usr/bin/env node
// Puts the Secure Boot chain for x64 UEFI PXE into <files>/boot, where TFTP serves it
// (issue 17; docs/secure-boot.md):
//   shimx64.efi   Debian's shim, signed by Microsoft (UEFI CA 2011): the NBP DHCP names
//   grubx64.efi   Debian's signed network GRUB (grubnetx64.efi.signed): shim asks for this
//                 name at the TFTP root and checks Debian's signature on it
// The kernel comes with the OS medium (Debian's and Ubuntu's are signed by their vendor).
//
// Reproducible like fetch-ipxe.mjs: every file must match the sha256 pinned below (Debian 12
// packages of the pinned versions). Taken from the installed package when it is that version,
// else from `apt-get download PKG=VERSION` unpacked with dpkg-deb (no root, no install, no
// package scripts). A mismatch is an error: nothing is copied.
//
// Usage: node scripts/fetch-signed-boot.mjs --files DIR [--from-package]
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FILES = [
  {
    name: 'shimx64.efi',
    pkg: 'shim-signed',
    version: '1.51~1+deb12u1+16.1-2~deb12u1',
    rel: 'usr/lib/shim/shimx64.efi.signed',
    sha256: '0fc347af103ec1dfac6e3f184c0a5241a2ce756a0932b359c404d39c45423806',
  },
  {
    name: 'grubx64.efi',
    pkg: 'grub-efi-amd64-signed',
    version: '1+2.06+13+deb12u2',
    rel: 'usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed',
    sha256: 'a376f239f40fc54aa63e343f3d2ab254c4a1ebcaec1a3fe5de0497aa640362d9',
  },
];

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function parseArgs(argv) {
  const i = argv.indexOf('--files');
  const dir = i >= 0 ? argv[i + 1] : process.env.PREPSTATION_FILES;
  if (!dir || argv.includes('--help')) {
    process.stderr.write(
      'usage: node scripts/fetch-signed-boot.mjs --files DIR [--from-package]\n',
    );
    process.exit(2);
  }
  return path.resolve(dir);
}

/** The file under root if it has the pinned hash, else null. */
function pinned(root, f) {
  const p = path.join(root, f.rel);
  try {
    return sha256(p) === f.sha256 ? p : null;
  } catch {
    return null;
  }
}

function fromPackage(f, tmp) {
  const dir = path.join(tmp, f.pkg);
  fs.mkdirSync(dir, { recursive: true });
  process.stdout.write(`fetching Debian package ${f.pkg}=${f.version}\n`);
  execFileSync('apt-get', ['download', `${f.pkg}=${f.version}`], { cwd: dir, stdio: 'inherit' });
  const deb = fs.readdirSync(dir).find((n) => n.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download ${f.pkg} produced no .deb`);
  const root = path.join(dir, 'root');
  execFileSync('dpkg-deb', ['-x', path.join(dir, deb), root]);
  return pinned(root, f);
}

function main() {
  const bootDir = path.join(parseArgs(process.argv.slice(2)), 'boot');
  const installedOk = !process.argv.includes('--from-package');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prepstation-signed-'));
  const found = {};
  const problems = [];
  try {
    for (const f of FILES) {
      let src = installedOk ? pinned('/', f) : null;
      if (!src) {
        try {
          src = fromPackage(f, tmp);
        } catch (err) {
          problems.push(`${f.pkg}=${f.version}: ${err.message}`);
          continue;
        }
      }
      if (src) found[f.name] = src;
      else problems.push(`${f.pkg}=${f.version}: ${f.rel} does not match the pinned sha256`);
    }
    if (problems.length > 0) {
      process.stderr.write(
        `fetch-signed-boot: nothing copied.\n  ${problems.join('\n  ')}\n` +
          'A newer Debian point release replaces these packages: update the pins in this script ' +
          '(version and sha256) after checking the new files, or fetch the pinned ones from ' +
          'https://snapshot.debian.org.\n',
      );
      process.exit(1);
    }
    fs.mkdirSync(bootDir, { recursive: true });
    for (const f of FILES) {
      const dest = path.join(bootDir, f.name);
      // Write beside and rename: a TFTP transfer running now keeps reading the old file.
      fs.copyFileSync(found[f.name], dest + '.tmp');
      fs.renameSync(dest + '.tmp', dest);
      process.stdout.write(`${dest}  sha256 ${f.sha256}  (${f.pkg} ${f.version})\n`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
