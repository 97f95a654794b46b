#!/usr/bin/env node
// DHCP request handling alone, in-process: the station's DHCP part (dist/main/net/dhcp/server.js)
// behind fake sockets, no network, no other part. Measures decode + logic + lease store +
// encode per packet (packets per CPU second of this process, so other load on the host
// matters little), which a refactoring of the DHCP server must not slow down. Full mode:
// N clients do DISCOVER then REQUEST; proxy mode: N PXE DISCOVERs (and the 4011 REQUEST).
// With --base DIR, runs this tree and that built checkout alternately (--rounds times each,
// fresh child processes) and prints new/base. Not root, no namespace: nothing is sent.
//
//   node scripts/bench/dhcp-part.mjs [--clients 20000] [--rounds 3] [--base DIR]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const clients = Number(arg('clients', '20000'));

if (process.argv.includes('--inner')) {
  process.stdout.write(JSON.stringify(await measure(arg('tree', here))) + '\n');
  process.exit(0);
}

const base = arg('base', process.env.PS4_BENCH_BASE);
const rounds = Number(arg('rounds', '3'));
const trees = { new: here, ...(base ? { base: path.resolve(base) } : {}) };
for (const [name, tree] of Object.entries(trees)) {
  if (!fs.existsSync(path.join(tree, 'dist/main/net/dhcp/server.js'))) {
    process.stderr.write(`${name} (${tree}): no dist/; run npm run build:main there first\n`);
    process.exit(2);
  }
}
const runs = { new: [], base: [] };
for (let r = 0; r < rounds; r++) {
  // ABBA: the order flips each round, so drift in the host's load hits both alike.
  const order = Object.keys(trees);
  if (r % 2 === 1) order.reverse();
  for (const name of order) {
    const out = execFileSync(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        '--inner',
        '--tree',
        trees[name],
        '--clients',
        String(clients),
      ],
      { encoding: 'utf8' },
    );
    const m = JSON.parse(out);
    runs[name].push(m);
    process.stdout.write(
      `round ${r + 1} ${name.padEnd(4)} full ${m.full.toFixed(0)}, proxy ${m.proxy.toFixed(0)} packets per CPU second\n`,
    );
  }
}
const best = (name, key) => Math.max(...runs[name].map((m) => m[key]));
const median = (name, key) => {
  const v = runs[name].map((m) => m[key]).sort((a, b) => a - b);
  return (v[Math.floor((v.length - 1) / 2)] + v[Math.ceil((v.length - 1) / 2)]) / 2;
};
process.stdout.write(
  `\nDHCP part in-process, fake sockets, ${clients} clients, packets per CPU second, best of ${rounds}, load ${os.loadavg()[0].toFixed(1)}\n` +
    `new: full ${best('new', 'full').toFixed(0)}/s, proxy ${best('new', 'proxy').toFixed(0)}/s\n`,
);
if (base) {
  process.stdout.write(
    `base: full ${best('base', 'full').toFixed(0)}/s, proxy ${best('base', 'proxy').toFixed(0)}/s\n` +
      `ratio new/base: full ${(best('new', 'full') / best('base', 'full')).toFixed(2)}, proxy ${(best('new', 'proxy') / best('base', 'proxy')).toFixed(2)}` +
      ` (medians: full ${(median('new', 'full') / median('base', 'full')).toFixed(2)}, proxy ${(median('new', 'proxy') / median('base', 'proxy')).toFixed(2)})\n`,
  );
}

/** One tree's DHCP part, both modes: packets handled per second. */
async function measure(tree) {
  const load = (p) => import(pathToFileURL(path.join(tree, 'dist/main', p)).href);
  const { dhcpPart } = await load('net/dhcp/server.js');
  const { encode } = await load('net/dhcp/packet.js');
  const { loadConfig } = await load('config/load.js');
  const { openDatabase } = await load('db/open.js');
  const { EventBus } = await load('events/bus.js');
  const { ServiceRegistry } = await load('services/registry.js');
  const { ClientDirectory } = await load('net/clients.js');
  const { unknownMachines } = await load('boot/types.js');
  const { default: pino } = await import(
    pathToFileURL(path.join(tree, 'node_modules/pino/pino.js')).href
  );
  const SERVER = '10.50.0.1';
  const net = { address: SERVER, iface: 'bench0', netmask: '255.255.0.0' };
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-bench-dhcp-part-'));

  async function run(mode, n) {
    const { options } = loadConfig(
      [
        '--data-dir',
        dataDir,
        '--dhcp-mode',
        mode,
        '--bench-address',
        SERVER,
        '--dhcp-range',
        '10.50.0.10-10.50.255.250',
        '--dhcp-override',
        '--dhcp-port',
        '1067',
        '--proxy-port',
        '5011',
      ],
      {},
    );
    const bus = new EventBus();
    const ctx = {
      options,
      db: openDatabase(':memory:'),
      logger: pino({ level: 'warn' }, new Writable({ write: (_c, _e, cb) => cb() })),
      bus,
      services: new ServiceRegistry(bus),
      benchUrl: `http://${SERVER}:8080`,
      now: () => new Date(),
      clients: new ClientDirectory(),
      boot: unknownMachines,
      // The machines lifecycle is not measured here: only the DHCP part's own work.
      machineSighted: () => undefined,
    };
    const sockets = new Map();
    /** The last reply the part sent (any socket). */
    let lastSent;
    const part = dhcpPart(ctx, {
      open: async (spec) => {
        const s = {
          description: `fake ${spec.port}`,
          handler: null,
          onMessage(h) {
            s.handler = h;
          },
          async send(msg) {
            lastSent = msg;
          },
          async close() {},
        };
        sockets.set(spec.port, s);
        return s;
      },
      findNetwork: () => net,
      probe: async () => null,
    });
    await part.start();
    const s67 = sockets.get(1067);
    const s4011 = sockets.get(5011);
    const from = { address: '0.0.0.0', port: 1068 };
    const packet = (i, type, extra = {}) =>
      encode({
        op: 1,
        htype: 1,
        hlen: 6,
        hops: 0,
        xid: i,
        secs: 0,
        flags: 0,
        ciaddr: extra.ciaddr ?? '0.0.0.0',
        yiaddr: '0.0.0.0',
        siaddr: '0.0.0.0',
        giaddr: '0.0.0.0',
        chaddr: `52:54:00:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`,
        sname: '',
        file: '',
        dhcp: true,
        options: {
          messageType: type,
          vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
          clientArch: [0],
          uuid: '00112233-4455-6677-8899-aabbccddeeff',
          parameterRequestList: [1, 3, 6, 15, 66, 67],
          ...extra.options,
        },
      });
    // Requests are built before the clock starts: only the station's side is timed. The
    // pool hands out addresses in order (10.50.0.10, .11, ...), so each REQUEST names the
    // address its client will have been offered; the loop checks that it was.
    const addressOf = (i) => {
      const n = 0x0a32000a + i;
      return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
    };
    const discovers = Array.from({ length: n }, (_, i) => packet(i, 1));
    const requests = Array.from({ length: n }, (_, i) =>
      mode === 'full'
        ? packet(i, 3, { options: { serverId: SERVER, requestedIp: addressOf(i).join('.') } })
        : packet(i, 3, { ciaddr: '10.50.1.1' }),
    );
    const expected = Array.from({ length: n }, (_, i) => Buffer.from(addressOf(i)));
    const at4011 = { address: '10.50.1.1', port: 68 };
    let handled = 0;
    // CPU time, not wall time: on a shared host the wall clock mostly measures the others.
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      lastSent = null;
      s67.handler(discovers[i], from);
      handled++;
      if (mode === 'full') {
        if (!lastSent?.subarray(16, 20).equals(expected[i])) {
          throw new Error(`client ${i}: no OFFER of ${addressOf(i).join('.')}`);
        }
        s67.handler(requests[i], from);
      } else {
        s4011.handler(requests[i], at4011);
      }
      handled++;
      if (!lastSent) throw new Error(`client ${i}: no reply to its ${mode} REQUEST`);
      // As a socket would: let timers (the lease store's batched writes) run now and then.
      if (i % 500 === 499) await new Promise((r) => setImmediate(r));
    }
    const c = process.cpuUsage(c0);
    const secs = (c.user + c.system) / 1e6;
    await part.stop();
    return handled / secs;
  }

  try {
    // A short warm-up per mode first, so both trees are timed with the JIT settled.
    await run('full', Math.ceil(clients / 10));
    const full = await run('full', clients);
    await run('proxy', Math.ceil(clients / 10));
    return { full, proxy: await run('proxy', clients) };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
