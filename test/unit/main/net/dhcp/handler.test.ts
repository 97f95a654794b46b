/**
 * The pure DHCP handler as a table: request in (mode, listener, packet, sender, leases), and
 * out the reply's fields, where it goes, the address learned, the sighting and the lease
 * changes. No sockets, no clock: the same input always gives the same output.
 */
import { describe, expect, it } from 'vitest';
import type { LeaseRecord, LeaseView } from '../../../../../main/net/dhcp/full.js';
import {
  handleDhcp,
  type DhcpListener,
  type DhcpOutcome,
  type HandlerContext,
} from '../../../../../main/net/dhcp/handler.js';
import { MessageType, type DhcpOptions } from '../../../../../main/net/dhcp/options.js';
import type { DhcpPacket } from '../../../../../main/net/dhcp/packet.js';
import { parseRange } from '../../../../../main/net/dhcp/pool.js';
import type { Remote } from '../../../../../main/net/dhcp/socket.js';
import { BENCH_URL, BIOS_PXE, IPXE, SERVER, UEFI_PXE, request } from './requests.js';

const { DISCOVER, REQUEST, DECLINE, RELEASE, INFORM, OFFER, ACK, NAK } = MessageType;
const MAC = '52:54:00:33:00:01';
const OTHER = '52:54:00:33:00:02';
const NOW = Date.UTC(2026, 0, 1);
const UNSET: Remote = { address: '0.0.0.0', port: 68 };
const BROADCAST_68 = { address: '255.255.255.255', port: 68 };
const OFFICE_SERVER = '10.33.0.2';

/** A lease table as plain data: the handler only reads it. */
function leaseView(leases: LeaseRecord[] = [], free: string | null = '10.33.0.100'): LeaseView {
  return {
    leaseOf: (mac) => leases.find((l) => l.mac === mac) ?? null,
    reservationOf: () => null,
    holderOf: (ip, now) => leases.find((l) => l.ip === ip && l.expiresAt > now)?.mac ?? null,
    nextFree: () => free,
  };
}
const offered = (mac: string, ip: string): LeaseRecord => ({
  mac,
  ip,
  state: 'offered',
  expiresAt: NOW + 30_000,
});
const bound = (mac: string, ip: string): LeaseRecord => ({
  mac,
  ip,
  state: 'bound',
  expiresAt: NOW + 3_600_000,
});

function context(mode: 'proxy' | 'full', leases: LeaseView = leaseView()): HandlerContext {
  const base = {
    logic: { serverIp: SERVER, benchUrl: BENCH_URL },
    ports: { server: 67, client: 68 },
    now: NOW,
  };
  if (mode === 'proxy') return { ...base, mode: { mode } };
  const settings = {
    pool: parseRange('10.33.0.100-10.33.0.199'),
    subnetMask: '255.255.255.0',
    leaseSeconds: 3600,
    routers: ['10.33.0.254'],
  };
  return { ...base, mode: { mode, leases, settings } };
}

interface Row {
  name: string;
  mode: 'proxy' | 'full';
  listener: DhcpListener;
  req: DhcpPacket;
  from?: Remote;
  leases?: LeaseView;
  /** Expected reply fields (null: no reply). */
  reply: {
    type: number;
    yiaddr?: string;
    ciaddr?: string;
    file?: string;
    bootFile?: string;
  } | null;
  destination?: Remote;
  learned: { ip: string; mac: string } | null;
  /** Expected sighting protocol and data subset (null: nothing logged, no machine sighted). */
  sighting: { protocol: 'dhcp' | 'proxydhcp'; client?: string; data: object } | null;
  effects?: object[];
  poolFull?: boolean;
}

const pxe = (options: DhcpOptions, type: number, fields: Partial<DhcpPacket> = {}): DhcpPacket =>
  request(MAC, { ...BIOS_PXE, ...options, messageType: type }, fields);
const plain = (options: DhcpOptions, type: number, fields: Partial<DhcpPacket> = {}): DhcpPacket =>
  request(MAC, { ...options, messageType: type }, fields);

const rows: Row[] = [
  // ---- proxy mode, port 67: beside the office server, boot files for PXE clients only
  {
    name: 'proxy: a BIOS PXE DISCOVER gets an OFFER with the boot file, broadcast',
    mode: 'proxy',
    listener: 'dhcp',
    req: pxe({}, DISCOVER),
    reply: { type: OFFER, yiaddr: '0.0.0.0', file: 'undionly.kpxe', bootFile: 'undionly.kpxe' },
    destination: BROADCAST_68,
    learned: null,
    sighting: {
      protocol: 'proxydhcp',
      client: '0.0.0.0',
      data: {
        messageType: 'DISCOVER',
        arch: 0,
        archName: 'x86 BIOS',
        uuid: BIOS_PXE.uuid,
        offered: { bootFile: 'undionly.kpxe', server: SERVER },
        mode: 'proxy',
      },
    },
  },
  {
    name: 'proxy: an office laptop is ignored and not sighted',
    mode: 'proxy',
    listener: 'dhcp',
    req: plain({ hostname: 'office-laptop' }, DISCOVER),
    reply: null,
    learned: null,
    sighting: null,
  },
  {
    name: 'proxy: a PXE REQUEST to the office server teaches its address, no reply',
    mode: 'proxy',
    listener: 'dhcp',
    req: pxe({ serverId: OFFICE_SERVER, requestedIp: '10.33.0.140' }, REQUEST),
    reply: null,
    learned: { ip: '10.33.0.140', mac: MAC },
    sighting: { protocol: 'proxydhcp', data: { messageType: 'REQUEST', offered: null } },
  },
  {
    name: 'proxy: a PXE REQUEST naming the station gets an ACK',
    mode: 'proxy',
    listener: 'dhcp',
    req: pxe({ serverId: SERVER }, REQUEST),
    reply: { type: ACK, yiaddr: '0.0.0.0', file: 'undionly.kpxe' },
    destination: BROADCAST_68,
    learned: null,
    sighting: { protocol: 'proxydhcp', data: { messageType: 'REQUEST', mode: 'proxy' } },
  },
  {
    name: 'proxy: a renewing office client is learned by its ciaddr, silently',
    mode: 'proxy',
    listener: 'dhcp',
    req: plain({}, REQUEST, { ciaddr: '10.33.0.77' }),
    from: { address: '10.33.0.77', port: 68 },
    reply: null,
    learned: { ip: '10.33.0.77', mac: MAC },
    sighting: null,
  },
  {
    name: 'proxy: a relayed UEFI DISCOVER goes back to the relay on the server port',
    mode: 'proxy',
    listener: 'dhcp',
    req: request(MAC, { ...UEFI_PXE, messageType: DISCOVER }, { giaddr: '10.40.0.1' }),
    reply: { type: OFFER, file: 'ipxe.efi' },
    destination: { address: '10.40.0.1', port: 67 },
    learned: null,
    sighting: { protocol: 'proxydhcp', data: { archName: 'x64 UEFI' } },
  },
  // ---- port 4011, the PXE boot server: answered where it came from, in either mode
  {
    name: '4011: a REQUEST is answered to its sender and teaches the address',
    mode: 'proxy',
    listener: 'pxe',
    req: pxe({}, REQUEST, { ciaddr: '10.33.0.57' }),
    from: { address: '10.33.0.57', port: 68 },
    reply: { type: ACK, file: 'undionly.kpxe' },
    destination: { address: '10.33.0.57', port: 68 },
    learned: { ip: '10.33.0.57', mac: MAC },
    sighting: { protocol: 'proxydhcp', client: '10.33.0.57', data: { messageType: 'REQUEST' } },
  },
  {
    name: '4011: an INFORM is answered like a REQUEST',
    mode: 'proxy',
    listener: 'pxe',
    req: pxe({}, INFORM, { ciaddr: '10.33.0.58' }),
    from: { address: '10.33.0.58', port: 4011 },
    reply: { type: ACK },
    destination: { address: '10.33.0.58', port: 4011 },
    learned: { ip: '10.33.0.58', mac: MAC },
    sighting: { protocol: 'proxydhcp', data: { messageType: 'INFORM' } },
  },
  {
    name: '4011: a DISCOVER is not for the boot server',
    mode: 'full',
    listener: 'pxe',
    req: pxe({}, DISCOVER),
    from: { address: '10.33.0.59', port: 68 },
    reply: null,
    learned: { ip: '10.33.0.59', mac: MAC },
    sighting: { protocol: 'proxydhcp', data: { messageType: 'DISCOVER', mode: 'full' } },
  },
  {
    name: '4011, proxy mode: a non-PXE client is learned but not sighted',
    mode: 'proxy',
    listener: 'pxe',
    req: plain({}, REQUEST),
    from: { address: '10.33.0.60', port: 68 },
    reply: null,
    learned: { ip: '10.33.0.60', mac: MAC },
    sighting: null,
  },
  {
    name: '4011, full mode: a non-PXE client is sighted (the bench is ours)',
    mode: 'full',
    listener: 'pxe',
    req: plain({}, REQUEST),
    from: { address: '10.33.0.60', port: 68 },
    reply: null,
    learned: { ip: '10.33.0.60', mac: MAC },
    sighting: { protocol: 'proxydhcp', data: { offered: null, mode: 'full' } },
  },
  // ---- full mode, port 67: addresses from the pool
  {
    name: 'full: a plain DISCOVER gets an address, held as an offer',
    mode: 'full',
    listener: 'dhcp',
    req: plain({}, DISCOVER),
    reply: { type: OFFER, yiaddr: '10.33.0.100', file: '' },
    destination: BROADCAST_68,
    learned: null,
    sighting: {
      protocol: 'dhcp',
      data: {
        messageType: 'DISCOVER',
        archName: 'unknown',
        offered: { ip: '10.33.0.100', server: SERVER },
        mode: 'full',
      },
    },
    effects: [{ kind: 'offer', mac: MAC, ip: '10.33.0.100', expiresAt: NOW + 60_000 }],
  },
  {
    name: 'full: iPXE gets the HTTP boot script in the offer',
    mode: 'full',
    listener: 'dhcp',
    req: request(MAC, { ...IPXE, messageType: DISCOVER }),
    reply: { type: OFFER, yiaddr: '10.33.0.100', bootFile: `${BENCH_URL}/boot/ipxe` },
    destination: BROADCAST_68,
    learned: null,
    sighting: { protocol: 'dhcp', data: { userClass: 'iPXE' } },
    effects: [{ kind: 'offer' }],
  },
  {
    name: 'full: a REQUEST for its offer is ACKed, bound and learned',
    mode: 'full',
    listener: 'dhcp',
    req: pxe({ serverId: SERVER, requestedIp: '10.33.0.100', hostname: 'pc-1' }, REQUEST),
    leases: leaseView([offered(MAC, '10.33.0.100')]),
    reply: { type: ACK, yiaddr: '10.33.0.100', ciaddr: '0.0.0.0', file: 'undionly.kpxe' },
    destination: BROADCAST_68,
    learned: { ip: '10.33.0.100', mac: MAC },
    sighting: { protocol: 'dhcp', data: { hostname: 'pc-1' } },
    effects: [
      { kind: 'bind', mac: MAC, ip: '10.33.0.100', expiresAt: NOW + 3_600_000, hostname: 'pc-1' },
    ],
  },
  {
    name: 'full: a renewal (ciaddr set) is ACKed unicast to the client',
    mode: 'full',
    listener: 'dhcp',
    req: plain({}, REQUEST, { ciaddr: '10.33.0.100' }),
    from: { address: '10.33.0.100', port: 68 },
    leases: leaseView([bound(MAC, '10.33.0.100')]),
    reply: { type: ACK, yiaddr: '10.33.0.100', ciaddr: '10.33.0.100' },
    destination: { address: '10.33.0.100', port: 68 },
    learned: { ip: '10.33.0.100', mac: MAC },
    sighting: { protocol: 'dhcp', client: '10.33.0.100', data: { messageType: 'REQUEST' } },
    effects: [{ kind: 'bind' }],
  },
  {
    name: "full: a REQUEST for another client's address is NAKed by broadcast",
    mode: 'full',
    listener: 'dhcp',
    req: plain({ serverId: SERVER, requestedIp: '10.33.0.100' }, REQUEST, {
      ciaddr: '10.33.0.100',
    }),
    leases: leaseView([bound(OTHER, '10.33.0.100')]),
    reply: { type: NAK, yiaddr: '0.0.0.0' },
    destination: BROADCAST_68,
    learned: null,
    sighting: { protocol: 'dhcp', data: { offered: null } },
    effects: [{ kind: 'release', mac: MAC, onlyOffer: true }],
  },
  {
    name: "full: a REQUEST for another server's offer frees ours, silently",
    mode: 'full',
    listener: 'dhcp',
    req: plain({ serverId: OFFICE_SERVER, requestedIp: '10.33.0.150' }, REQUEST),
    reply: null,
    learned: null,
    sighting: { protocol: 'dhcp', data: { messageType: 'REQUEST', offered: null } },
    effects: [{ kind: 'release', mac: MAC, onlyOffer: true }],
  },
  {
    name: 'full: RELEASE of its lease frees it',
    mode: 'full',
    listener: 'dhcp',
    req: plain({ serverId: SERVER }, RELEASE, { ciaddr: '10.33.0.100' }),
    from: { address: '10.33.0.100', port: 68 },
    leases: leaseView([bound(MAC, '10.33.0.100')]),
    reply: null,
    learned: null,
    sighting: { protocol: 'dhcp', data: { messageType: 'RELEASE' } },
    effects: [{ kind: 'release', mac: MAC }],
  },
  {
    name: 'full: DECLINE sets the address aside',
    mode: 'full',
    listener: 'dhcp',
    req: plain({ serverId: SERVER, requestedIp: '10.33.0.100' }, DECLINE),
    reply: null,
    learned: null,
    sighting: { protocol: 'dhcp', data: { messageType: 'DECLINE' } },
    effects: [
      { kind: 'decline', mac: MAC, ip: '10.33.0.100', until: NOW + 600_000 },
      { kind: 'release', mac: MAC },
    ],
  },
  {
    name: 'full: INFORM gets configuration only, unicast to ciaddr',
    mode: 'full',
    listener: 'dhcp',
    req: pxe({}, INFORM, { ciaddr: '10.33.0.120' }),
    from: { address: '10.33.0.120', port: 68 },
    reply: { type: ACK, yiaddr: '0.0.0.0', ciaddr: '10.33.0.120' },
    destination: { address: '10.33.0.120', port: 68 },
    learned: null,
    sighting: { protocol: 'dhcp', data: { messageType: 'INFORM' } },
  },
  {
    name: 'full: a DISCOVER with the pool used up is "pool full", no reply',
    mode: 'full',
    listener: 'dhcp',
    req: plain({}, DISCOVER),
    leases: leaseView([], null),
    reply: null,
    learned: null,
    sighting: { protocol: 'dhcp', data: { offered: null } },
    poolFull: true,
  },
  {
    name: 'full: a reply packet (op 2) seen on the bench is logged, not answered',
    mode: 'full',
    listener: 'dhcp',
    req: plain({}, OFFER, { op: 2 }),
    reply: null,
    learned: null,
    sighting: { protocol: 'dhcp', data: { messageType: 'OFFER' } },
  },
];

describe('handleDhcp', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, row) => {
    const from = row.from ?? UNSET;
    const out: DhcpOutcome = handleDhcp(row.req, from, row.listener, context(row.mode, row.leases));
    if (row.reply === null) {
      expect(out.reply).toBeNull();
      expect(out.destination).toBeNull();
    } else {
      expect(out.reply).not.toBeNull();
      const { type, bootFile, ...fields } = row.reply;
      expect(out.reply?.options.messageType).toBe(type);
      expect(out.reply).toMatchObject({ op: 2, xid: row.req.xid, chaddr: MAC, ...fields });
      if (bootFile !== undefined) expect(out.reply?.options.bootFile).toBe(bootFile);
      expect(out.reply?.options.serverId).toBe(SERVER);
      expect(out.destination).toEqual(row.destination);
    }
    expect(out.learned).toEqual(row.learned);
    if (row.sighting === null) {
      expect(out.sighting).toBeNull();
    } else {
      expect(out.sighting).toMatchObject({
        protocol: row.sighting.protocol,
        mac: MAC,
        client: row.sighting.client ?? from.address,
        data: row.sighting.data,
      });
      expect(
        out.sighting?.summary.startsWith(`${String(out.sighting?.data.messageType)} from ${MAC} (`),
      ).toBe(true);
      expect(out.sighting?.summary.endsWith(`): ${out.note}`)).toBe(true);
    }
    expect(out.effects).toHaveLength(row.effects?.length ?? 0);
    (row.effects ?? []).forEach((e, i) => expect(out.effects[i]).toMatchObject(e));
    expect(out.poolFull).toBe(row.poolFull ?? false);
  });

  it('full mode sends the bench options (routers) with an address, and the lease times', () => {
    const out = handleDhcp(plain({}, DISCOVER), UNSET, 'dhcp', context('full'));
    expect(out.reply?.options).toMatchObject({
      routers: ['10.33.0.254'],
      subnetMask: '255.255.255.0',
      leaseTime: 3600,
      renewalTime: 1800,
      rebindingTime: 3150,
    });
  });

  it('is pure: the same input gives the same output, and the view is only read', () => {
    const leases = [offered(MAC, '10.33.0.100')];
    const snapshot = structuredClone(leases);
    const req = pxe({ serverId: SERVER, requestedIp: '10.33.0.100' }, REQUEST);
    const first = handleDhcp(req, UNSET, 'dhcp', context('full', leaseView(leases)));
    const second = handleDhcp(req, UNSET, 'dhcp', context('full', leaseView(leases)));
    expect(second).toEqual(first);
    expect(leases).toEqual(snapshot);
  });

  it('takes its time from the context, not the wall clock', () => {
    const later = { ...context('full'), now: NOW + 86_400_000 };
    const out = handleDhcp(plain({}, DISCOVER), UNSET, 'dhcp', later);
    expect(out.effects[0]).toMatchObject({ kind: 'offer', expiresAt: NOW + 86_400_000 + 60_000 });
  });
});
