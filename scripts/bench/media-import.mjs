#!/usr/bin/env node
// Media import benchmark: `prepstation media import` of a ~4 GiB Windows ISO (UDF, an
// install.wim past the 4 GiB ISO 9660 limit) against plain `7zz x` and `cp` of the same ISO
// on the same disk, alternating, each after a `sync`. Prints MiB/s (ISO bytes / wall time)
// and the import's ratio to each. Needs `npm run build:main`, wimtools, genisoimage, 7zip,
// gcc-mingw-w64-x86-64. Usage:
//   node scripts/bench/media-import.mjs [--size-mib 4300] [--reps 2] [--dir /var/tmp/ps14-bench]
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const argOf = (name, def) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const sizeMiB = Number(argOf('--size-mib', '4300'));
const reps = Number(argOf('--reps', '2'));
const dir = argOf('--dir', '/var/tmp/ps14-bench');
const cli = path.join(repoRoot, 'bin/prepstation.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('run `npm run build:main` first\n');
  process.exit(2);
}
const sevenZip = ['7zz', '7z'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0);
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], ...opts });

/** A Windows-shaped medium whose install.wim holds one big incompressible file (stored). */
function buildIso() {
  const iso = path.join(dir, `win-${sizeMiB}.iso`);
  if (fs.existsSync(iso)) return iso;
  const work = path.join(dir, 'build');
  fs.rmSync(work, { recursive: true, force: true });
  const put = (rel, data) => {
    fs.mkdirSync(path.dirname(path.join(work, rel)), { recursive: true });
    fs.writeFileSync(path.join(work, rel), data);
  };
  put('src/helper.c', '__declspec(dllexport) int prep_helper(void) { return 0; }\n');
  put(
    'src/curl.c',
    '__declspec(dllimport) int prep_helper(void);\nint main(void) { return prep_helper(); }\n',
  );
  const src = path.join(work, 'src');
  run(
    'x86_64-w64-mingw32-gcc',
    ['-s', '-shared', '-o', 'prephelp.dll', 'helper.c', '-Wl,--out-implib,libprephelp.a'],
    { cwd: src },
  );
  run('x86_64-w64-mingw32-gcc', ['-s', '-o', 'curl.exe', 'curl.c', '-L.', '-lprephelp'], {
    cwd: src,
  });
  put('img/Windows/System32/curl.exe', fs.readFileSync(path.join(src, 'curl.exe')));
  put('img/Windows/System32/prephelp.dll', fs.readFileSync(path.join(src, 'prephelp.dll')));
  put('img/Windows/System32/kernel32.dll', 'x');
  put('img/Windows/System32/msvcrt.dll', 'x');
  put('pe/Windows/System32/kernel32.dll', 'x');
  put('pe/Windows/System32/msvcrt.dll', 'x');
  // 64 MiB of random bytes repeated: incompressible enough, and fast to write.
  const block = crypto.randomBytes(64 * 1024 * 1024);
  const fd = fs.openSync(path.join(work, 'img/Windows/big.bin'), 'w');
  for (let left = sizeMiB * 1024 * 1024; left > 0; left -= block.length) {
    fs.writeSync(fd, block, 0, Math.min(block.length, left));
  }
  fs.closeSync(fd);
  const sources = path.join(work, 'medium/sources');
  fs.mkdirSync(sources, { recursive: true });
  const wim = path.join(sources, 'install.wim');
  run('wimlib-imagex', [
    'capture',
    path.join(work, 'img'),
    wim,
    'Windows 11 Pro',
    '--compress=none',
  ]);
  run('wimlib-imagex', [
    'info',
    wim,
    '1',
    '--image-property',
    'WINDOWS/EDITIONID=Professional',
    '--image-property',
    'WINDOWS/ARCH=9',
    '--image-property',
    'WINDOWS/VERSION/BUILD=26100',
    '--image-property',
    'WINDOWS/LANGUAGES/LANGUAGE=en-US',
  ]);
  fs.rmSync(path.join(work, 'img'), { recursive: true, force: true });
  const boot = path.join(sources, 'boot.wim');
  run('wimlib-imagex', ['capture', path.join(work, 'pe'), boot, 'Microsoft Windows PE']);
  run('wimlib-imagex', [
    'append',
    path.join(work, 'pe'),
    boot,
    'Microsoft Windows Setup',
    '--boot',
  ]);
  put('medium/sources/lang.ini', '[Available UI Languages]\r\nen-US = 3\r\n');
  put('medium/boot/bcd', 'x');
  put('medium/boot/boot.sdi', 'x');
  // -allow-limited-size: UDF carries the >4 GiB install.wim as Windows ISOs do.
  run('genisoimage', [
    '-quiet',
    '-udf',
    '-allow-limited-size',
    '-V',
    'BENCH',
    '-o',
    iso,
    path.join(work, 'medium'),
  ]);
  fs.rmSync(work, { recursive: true, force: true });
  return iso;
}

function timed(label, fn) {
  spawnSync('sync');
  const t0 = process.hrtime.bigint();
  fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { label, s };
}

fs.mkdirSync(dir, { recursive: true });
const iso = buildIso();
const bytes = fs.statSync(iso).size;
const mibs = (s) => bytes / 1024 / 1024 / s;
const results = { import: [], '7z x': [], cp: [] };
for (let r = 0; r < reps; r++) {
  const out = path.join(dir, 'out');
  fs.rmSync(out, { recursive: true, force: true });
  results['7z x'].push(
    timed('7z x', () => run(sevenZip, ['x', '-y', `-o${out}`, '-bso0', '-bsp0', iso])).s,
  );
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out);
  results.cp.push(timed('cp', () => run('cp', [iso, path.join(out, 'copy.iso')])).s);
  fs.rmSync(out, { recursive: true, force: true });
  results.import.push(
    timed('import', () =>
      run('node', [cli, 'media', 'import', iso, '--id', 'bench', '--data-dir', out]),
    ).s,
  );
  const rec = JSON.parse(fs.readFileSync(path.join(out, 'files/media/bench/media.json'), 'utf8'));
  if (!rec.winpe.curl || rec.editions[0].editionId !== 'Professional')
    throw new Error('import result is wrong');
  fs.rmSync(out, { recursive: true, force: true });
}
const best = (xs) => Math.min(...xs);
process.stdout.write(
  `ISO ${(bytes / 1024 ** 3).toFixed(2)} GiB (install.wim ${sizeMiB} MiB, stored), ${reps} rep(s), best time of each:\n`,
);
for (const [k, xs] of Object.entries(results)) {
  process.stdout.write(
    `  ${k.padEnd(7)} ${best(xs).toFixed(2)} s  ${mibs(best(xs)).toFixed(0)} MiB/s   (all: ${xs.map((x) => x.toFixed(2)).join(', ')} s)\n`,
  );
}
process.stdout.write(
  `import / 7z x: ${(best(results['7z x']) / best(results.import)).toFixed(2)}x   import / cp: ${(best(results.cp) / best(results.import)).toFixed(2)}x   (target >= 0.8x)\n`,
);
