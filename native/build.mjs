#!/usr/bin/env node
// Builds native/ during `npm ci` / `npm install`: SO_BINDTODEVICE for the DHCP server, and
// sendfile(2) for the bench listener's downloads and UDP_SEGMENT for TFTP windows (without
// them, files are streamed and windows sent packet by packet).
// Only Linux needs it: Windows binds the interface address, macOS has no equivalent (see README).
// A machine without a C compiler still installs; the DHCP service then says how to fix it.
// In CI (CI=true) a failed build fails the install, so the netns tests never run without it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
if (process.platform !== 'linux') {
  console.log(`native: skipped on ${process.platform} (SO_BINDTODEVICE is Linux only)`);
  process.exit(0);
}

// npm hands its bundled node-gyp to lifecycle scripts; outside npm, look beside npm.
const candidates = [
  process.env.npm_config_node_gyp,
  path.join(
    path.dirname(process.execPath),
    '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js',
  ),
].filter(Boolean);
const gyp = candidates.find((p) => fs.existsSync(p));
if (!gyp) fail('node-gyp not found (it ships with npm)');

// Use the headers installed beside node when there are some: no download, works offline.
const prefix = path.resolve(path.dirname(process.execPath), '..');
const args = [gyp, 'rebuild', '--directory', here];
if (fs.existsSync(path.join(prefix, 'include/node/common.gypi'))) args.push(`--nodedir=${prefix}`);

const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
if (r.status !== 0) fail(`node-gyp exited with ${r.status ?? r.signal}`);
console.log(
  'native: built bound_socket.node, sendfile.node and udp_gso.node in native/build/Release',
);

function fail(why) {
  const msg = `native: could not build the native addons (SO_BINDTODEVICE, sendfile, UDP_SEGMENT): ${why}. Install a C compiler and make (Debian: apt-get install build-essential python3), then run npm rebuild.`;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    console.error(msg);
    process.exit(1);
  }
  console.warn(msg + ' DHCP on a chosen bench interface will not start until then.');
  process.exit(0);
}
