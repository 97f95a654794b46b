#!/usr/bin/env node
// A PXE ROM's DHCP behaviour, for the netns tests (runs INSIDE a test namespace only):
// DISCOVER with PXEClient/93/97, collect every OFFER, take the address from the offer that
// has one and the boot file from the proxy offer, REQUEST the address, then (like firmware
// that ignores proxy offers on 67) ask the proxy on port 4011. Prints one JSON object.
//
//   node dhcp-pxe-client.mjs IFACE MAC ARCH [--ipxe] [--wait MS] [--count-only MS]
//
// --count-only MS: send DISCOVERs for MS and only count the replies (the two-segment test).
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { decode, encode } = await import(path.join(root, 'dist/main/net/dhcp/packet.js'));
const native = createRequire(import.meta.url)(
  path.join(root, 'native/build/Release/bound_socket.node'),
);

const [iface, mac, archArg, ...rest] = process.argv.slice(2);
const arch = Number(archArg);
const ipxe = rest.includes('--ipxe');
const flag = (name, dflt) => {
  const i = rest.indexOf(name);
  return i >= 0 ? Number(rest[i + 1]) : dflt;
};
const waitMs = flag('--wait', 3000);
const countOnly = flag('--count-only', 0);
const xid = (Math.random() * 0xffffffff) >>> 0;

// Bound to the device: the client has no address yet, so only SO_BINDTODEVICE lets it
// broadcast (a real ROM uses its own raw stack).
const sock = dgram.createSocket('udp4');
await new Promise((resolve) => sock.bind({ fd: native.openUdp4(iface, '0.0.0.0', 68) }, resolve));
sock.setBroadcast(true);
const inbox = [];
let notify = () => {};
sock.on('message', (msg, rinfo) => {
  try {
    const p = decode(msg);
    if (p.op === 2 && p.xid === xid) {
      inbox.push({ p, from: rinfo.address, port: rinfo.port });
      notify();
    }
  } catch {
    // not for us
  }
});

function packet(type, extra = {}, fields = {}) {
  const options = {
    messageType: type,
    vendorClass: `PXEClient:Arch:${String(arch).padStart(5, '0')}:UNDI:003016`,
    clientArch: [arch],
    clientNdi: { type: 1, major: 3, minor: 16 },
    uuid: '33333333-0000-4000-8000-' + mac.replace(/:/g, ''),
    parameterRequestList: [1, 3, 6, 43, 54, 60, 66, 67, 175],
    ...extra,
  };
  if (ipxe) {
    options.userClass = ['iPXE'];
    options.ipxe = new Map([[19, Buffer.from([1])]]);
  }
  return encode({
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid,
    secs: 4,
    flags: 0x8000,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr: mac,
    sname: '',
    file: '',
    dhcp: true,
    options,
    ...fields,
  });
}
const send = (buf, port, address) =>
  new Promise((resolve, reject) =>
    sock.send(buf, port, address, (e) => (e ? reject(e) : resolve())),
  );
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const summary = ({ p, from, port }) => ({
  from,
  port,
  type: p.options.messageType,
  serverId: p.options.serverId ?? null,
  yiaddr: p.yiaddr,
  siaddr: p.siaddr,
  file: p.file,
  bootFile: p.options.bootFile ?? null,
  vendorClass: p.options.vendorClass ?? null,
  noPxeDhcp: p.options.ipxe?.get(176)?.[0] ?? null,
  bootItem: p.options.vendorOptions?.get(71)?.toString('hex') ?? null,
});

if (countOnly) {
  const end = Date.now() + countOnly;
  while (Date.now() < end) {
    await send(packet(1), 67, '255.255.255.255');
    await sleep(500);
  }
  console.log(JSON.stringify({ replies: inbox.map(summary) }));
  process.exit(0);
}

await send(packet(1), 67, '255.255.255.255');
await sleep(waitMs);
const offers = inbox.splice(0).map(summary);
const lease = offers.find((o) => o.type === 2 && o.yiaddr !== '0.0.0.0');
const proxy = offers.find(
  (o) => o.type === 2 && o.yiaddr === '0.0.0.0' && o.vendorClass === 'PXEClient',
);
const out = { offers, ack: null, pxeAck: null };
if (lease) {
  await send(
    packet(3, { serverId: lease.serverId, requestedIp: lease.yiaddr }),
    67,
    '255.255.255.255',
  );
  for (let i = 0; i < 40 && !inbox.some((m) => m.p.options.messageType === 5); i++)
    await sleep(100);
  const ack = inbox.splice(0).find((m) => m.p.options.messageType === 5);
  out.ack = ack ? summary(ack) : null;
}
if (out.ack && proxy) {
  // Now the 4011 exchange, from the leased address, as UEFI firmwares do.
  execFileSync('ip', ['addr', 'add', `${out.ack.yiaddr}/24`, 'dev', iface]);
  await sleep(200);
  const item = Buffer.from([0x80, 0x00, 0x00, 0x00]);
  await send(
    packet(3, { vendorOptions: new Map([[71, item]]) }, { ciaddr: out.ack.yiaddr, flags: 0 }),
    4011,
    proxy.serverId,
  );
  for (let i = 0; i < 30 && inbox.length === 0; i++) await sleep(100);
  const pxeAck = inbox.splice(0)[0];
  out.pxeAck = pxeAck ? summary(pxeAck) : null;
}
console.log(JSON.stringify(out));
process.exit(0);
