#!/usr/bin/env node
// Puts the iPXE network boot programs into <files>/boot, where TFTP serves them (and HTTP
// under /files/boot/): undionly.kpxe (BIOS), ipxe.efi and snponly.efi (x64 UEFI).
//
// Reproducible: every file must match the sha256 pinned below (Debian 12's ipxe package,
// version PINNED_VERSION). They are taken from /usr/lib/ipxe when the installed package is
// that version, else from the package fetched with `apt-get download ipxe=VERSION` and
// unpacked with dpkg-deb (no root, no install). A mismatch is an error: nothing is copied.
//
// Usage: node scripts/fetch-ipxe.mjs --files DIR [--from-package]   (DIR: the station's --files)
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PINNED_VERSION = '1.0.0+git-20190125.36a4c85-5.1';
const PINNED = {
  'undionly.kpxe': 'f09cfbe9bbd39c3f5eb9cdf7386b520a4f5858bbc4438960c5b870c7a8930a7f',
  'ipxe.efi': '67c7f1f8e062968209ca055283ca782f21faf6a18f55dd19848601bbaf8ed7aa',
  'snponly.efi': '18fc84b69172b9f7d1e6b5274c81121dde429fdacfdc984747f687cfb4f8090b',
};
// In the .deb, ipxe.efi is a symlink to /boot/ipxe.efi; both paths are tried.
const CANDIDATES = {
  'undionly.kpxe': ['usr/lib/ipxe/undionly.kpxe'],
  'ipxe.efi': ['usr/lib/ipxe/ipxe.efi', 'boot/ipxe.efi'],
  'snponly.efi': ['usr/lib/ipxe/snponly.efi'],
};

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function parseArgs(argv) {
  const i = argv.indexOf('--files');
  const dir = i >= 0 ? argv[i + 1] : process.env.PREPSTATION_FILES;
  if (!dir || argv.includes('--help')) {
    process.stderr.write('usage: node scripts/fetch-ipxe.mjs --files DIR\n');
    process.exit(2);
  }
  return path.resolve(dir);
}

/** Returns { name: path } for every pinned file found with the right hash under root. */
function findPinned(root) {
  const found = {};
  for (const [name, rels] of Object.entries(CANDIDATES)) {
    for (const rel of rels) {
      let p = path.join(root, rel);
      try {
        // A symlink inside an unpacked .deb points at an absolute path; resolve it in root.
        const st = fs.lstatSync(p);
        if (st.isSymbolicLink()) {
          const target = fs.readlinkSync(p);
          p = path.isAbsolute(target)
            ? path.join(root, target)
            : path.resolve(path.dirname(p), target);
        }
        if (sha256(p) === PINNED[name]) {
          found[name] = p;
          break;
        }
      } catch {
        // not there; try the next candidate
      }
    }
  }
  return found;
}

function fromDebianPackage() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prepstation-ipxe-'));
  process.stdout.write(`fetching Debian package ipxe=${PINNED_VERSION}\n`);
  execFileSync('apt-get', ['download', `ipxe=${PINNED_VERSION}`], { cwd: tmp, stdio: 'inherit' });
  const deb = fs.readdirSync(tmp).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download produced no .deb');
  const root = path.join(tmp, 'root');
  execFileSync('dpkg-deb', ['-x', path.join(tmp, deb), root]);
  return { root, cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }) };
}

function main() {
  const filesDir = parseArgs(process.argv.slice(2));
  const bootDir = path.join(filesDir, 'boot');
  // --from-package skips the installed copy: proves the download path, or when /usr/lib/ipxe differs.
  let found = process.argv.includes('--from-package') ? {} : findPinned('/');
  let cleanup = () => undefined;
  if (Object.keys(found).length < Object.keys(PINNED).length) {
    try {
      const pkg = fromDebianPackage();
      cleanup = pkg.cleanup;
      found = { ...findPinned(pkg.root), ...found };
    } catch (err) {
      process.stderr.write(`fetch-ipxe: could not get the Debian package: ${err.message}\n`);
    }
  }
  const missing = Object.keys(PINNED).filter((n) => !found[n]);
  if (missing.length > 0) {
    cleanup();
    process.stderr.write(
      `fetch-ipxe: no copy of ${missing.join(', ')} matches the pinned sha256 ` +
        `(Debian ipxe ${PINNED_VERSION}); nothing copied.\n`,
    );
    process.exit(1);
  }
  fs.mkdirSync(bootDir, { recursive: true });
  for (const [name, src] of Object.entries(found)) {
    const dest = path.join(bootDir, name);
    // Write beside and rename: a TFTP transfer running now keeps reading the old file.
    fs.copyFileSync(src, dest + '.tmp');
    fs.renameSync(dest + '.tmp', dest);
    process.stdout.write(`${dest}  sha256 ${PINNED[name]}\n`);
  }
  cleanup();
  process.stdout.write(
    [
      '',
      'Windows installs also need wimboot (not in Debian). Download it from',
      '  https://github.com/ipxe/wimboot/releases/latest/download/wimboot',
      `and put it at ${path.join(bootDir, 'wimboot')} (served as /files/boot/wimboot).`,
      '',
    ].join('\n'),
  );
}

main();
