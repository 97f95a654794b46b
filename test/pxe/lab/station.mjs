// The station for the QEMU tests: `prepstation serve` (the built dist/, same options), run
// inside the test's network namespace, with one addition: a boot resolver that plays the
// technician, and every boot event appended to a JSON-lines file the test reads.
//
// Usage: node station.mjs EVENTS_FILE PLAN_JSON -- <prepstation serve options>
// PLAN_JSON: { "<mac>": ["wait", "chain-undionly", "kernel"], ... } - the decision for the
// machine's 1st, 2nd, ... ask (the last one repeats) until it reports its payload verified;
// from then on it is "done" and must be sent to its local disk.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const { loadConfig } = await import(path.join(root, 'dist/main/config/load.js'));
const { Station } = await import(path.join(root, 'dist/main/station.js'));

const [eventsFile, planJson, sep, ...argv] = process.argv.slice(2);
if (!eventsFile || !planJson || sep !== '--') {
  process.stderr.write('usage: node station.mjs EVENTS_FILE PLAN_JSON -- serve options\n');
  process.exit(2);
}
const plan = JSON.parse(planJson);
const { options } = loadConfig(argv, {});
const station = await Station.start(options, { stdoutLog: true });
const { ctx } = station;
const asks = new Map();
const done = new Set();

ctx.bus.on((e) => {
  // Machine rows only when they carry a boot hint (the Secure Boot test reads those).
  if (e.type === 'machine' && e.machine?.bootHint) {
    fs.appendFileSync(eventsFile, JSON.stringify(e) + '\n');
    return;
  }
  if (e.type !== 'boot' && e.type !== 'service') return;
  fs.appendFileSync(eventsFile, JSON.stringify(e) + '\n');
  // The initramfs fetches /files/lab/check/<sha256> only after hashing its payload; the
  // file exists only for the right hash, so a 200 there is a verified install.
  if (
    e.type === 'boot' &&
    e.protocol === 'http' &&
    e.data?.status === 200 &&
    /^\/files\/lab\/check\/[0-9a-f]{64}\?/.test(String(e.data?.path)) &&
    e.mac
  ) {
    done.add(e.mac);
  }
});

ctx.boot = {
  resolve(req) {
    if (done.has(req.mac)) {
      return { kind: 'local', machineId: req.mac, message: 'installed and verified' };
    }
    const steps = plan[req.mac] ?? ['wait'];
    const n = asks.get(req.mac) ?? 0;
    asks.set(req.mac, n + 1);
    const step = steps[Math.min(n, steps.length - 1)];
    const url = ctx.benchUrl;
    switch (step) {
      case 'wait':
        return {
          kind: 'wait',
          reason: 'unassigned',
          message: 'Lab machine waiting for its first assignment.',
        };
      case 'chain-undionly':
        // What a BIOS PXE ROM gets from DHCP, forced here: undionly.kpxe over our TFTP.
        return {
          kind: 'install',
          machineId: req.mac,
          script: `chain tftp://${options.benchAddress}/undionly.kpxe`,
        };
      case 'tampered-kernel':
      case 'kernel':
        return {
          kind: 'install',
          machineId: req.mac,
          script: [
            // UEFI iPXE: the EFI stub finds the initrd by the name given to `initrd --name`.
            // no_timer_check: under TCG on a busy host the kernel can misjudge the IO-APIC
            // timer and panic; quiet: a serial console at 115200 slows an emulated boot.
            `kernel ${url}/files/lab/${step === 'kernel' ? 'vmlinuz' : 'vmlinuz-tampered'} initrd=initrd.img console=ttyS0,115200 quiet no_timer_check panic=-1 lab.server=${url} lab.kind=\${platform}`,
            `initrd --name initrd.img ${url}/files/lab/initrd.img`,
            'boot',
          ].join('\n'),
        };
      default:
        throw new Error(`unknown plan step ${step}`);
    }
  },
};

fs.appendFileSync(
  eventsFile,
  JSON.stringify({ type: 'ready', services: ctx.services.list() }) + '\n',
);
process.stdout.write(`lab station ready: ${ctx.benchUrl}\n`);
const stop = () => {
  station.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
