import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../../main/db/open.js';
import { replyDestination } from '../../../../../main/net/dhcp/common.js';
import { fullReply, type FullContext } from '../../../../../main/net/dhcp/full.js';
import { LeaseStore } from '../../../../../main/net/dhcp/leases.js';
import { MessageType, type DhcpOptions } from '../../../../../main/net/dhcp/options.js';
import type { DhcpPacket } from '../../../../../main/net/dhcp/packet.js';
import { parseRange } from '../../../../../main/net/dhcp/pool.js';
import { BENCH_URL, BIOS_PXE, IPXE, SERVER, request } from './requests.js';

const { DISCOVER, REQUEST, DECLINE, RELEASE, INFORM, OFFER, ACK, NAK } = MessageType;
const A = '52:54:00:33:00:0a';
const B = '52:54:00:33:00:0b';
const C = '52:54:00:33:00:0c';
const T0 = Date.UTC(2026, 0, 1);

let store: LeaseStore;
let now: number;
const pool = parseRange('10.33.0.100-10.33.0.102');
const ctx = (): FullContext => ({
  serverIp: SERVER,
  benchUrl: BENCH_URL,
  now,
  pool,
  subnetMask: '255.255.255.0',
  leaseSeconds: 3600,
});

/** Runs a request through the logic and applies its effects, as the server does. */
function ask(mac: string, options: DhcpOptions, fields: Partial<DhcpPacket> = {}) {
  const out = fullReply(request(mac, options, fields), store, ctx());
  store.apply(out.effects, now);
  return out;
}

beforeEach(() => {
  store = new LeaseStore(openDatabase(':memory:'), pool, new Set([SERVER]));
  now = T0;
});

describe('fullReply', () => {
  it('DISCOVER -> OFFER, REQUEST -> ACK, with lease times and mask', () => {
    const offer = ask(A, { messageType: DISCOVER });
    expect(offer.reply!.options.messageType).toBe(OFFER);
    expect(offer.reply!.yiaddr).toBe('10.33.0.100');
    const ack = ask(A, { messageType: REQUEST, serverId: SERVER, requestedIp: '10.33.0.100' });
    expect(ack.reply!.options).toMatchObject({
      messageType: ACK,
      serverId: SERVER,
      leaseTime: 3600,
      renewalTime: 1800,
      rebindingTime: 3150,
      subnetMask: '255.255.255.0',
    });
    expect(ack.reply!.yiaddr).toBe('10.33.0.100');
    expect(store.leases(now).map((l) => [l.mac, l.ip])).toEqual([[A, '10.33.0.100']]);
  });

  it('two DISCOVERs in a row get different addresses (an offer holds its address)', () => {
    expect(ask(A, { messageType: DISCOVER }).reply!.yiaddr).toBe('10.33.0.100');
    expect(ask(B, { messageType: DISCOVER }).reply!.yiaddr).toBe('10.33.0.101');
  });

  it('gives a client its previous address again', () => {
    ask(A, { messageType: REQUEST, requestedIp: '10.33.0.102' });
    now += 2 * 3600_000; // lease expired, nobody took the address
    expect(ask(A, { messageType: DISCOVER }).reply!.yiaddr).toBe('10.33.0.102');
  });

  it('honours the requested address when it is free', () => {
    expect(ask(A, { messageType: DISCOVER, requestedIp: '10.33.0.101' }).reply!.yiaddr).toBe(
      '10.33.0.101',
    );
  });

  it('a reservation wins, and the reserved address is never given to another', () => {
    store.reserve({ mac: B, ip: '10.33.0.100', hostname: 'pc-b' }, now);
    expect(ask(A, { messageType: DISCOVER }).reply!.yiaddr).toBe('10.33.0.101');
    expect(ask(B, { messageType: DISCOVER }).reply!.yiaddr).toBe('10.33.0.100');
    const other = ask(B, { messageType: REQUEST, requestedIp: '10.33.0.102' });
    expect(other.reply!.options.messageType).toBe(NAK);
  });

  it('a full pool answers nothing and says so', () => {
    for (const mac of [A, B, C]) ask(mac, { messageType: DISCOVER });
    const out = ask('52:54:00:33:00:0d', { messageType: DISCOVER });
    expect(out.reply).toBeNull();
    expect(out.poolFull).toBe(true);
    now += 61_000; // offers not taken up expire
    expect(ask('52:54:00:33:00:0d', { messageType: DISCOVER }).reply!.yiaddr).toBe('10.33.0.100');
  });

  it('ignores a REQUEST to another server, and frees the offer', () => {
    ask(A, { messageType: DISCOVER });
    const out = ask(A, { messageType: REQUEST, serverId: '10.33.0.2', requestedIp: '10.33.0.50' });
    expect(out.reply).toBeNull();
    expect(store.holderOf('10.33.0.100', now)).toBeNull();
  });

  it.each([
    ['an address outside the subnet (INIT-REBOOT elsewhere)', '192.168.1.20'],
    ['an address outside the pool', '10.33.0.20'],
    ['the station own address', SERVER],
  ])('NAKs %s, broadcast', (_n, ip) => {
    const out = ask(A, { messageType: REQUEST, requestedIp: ip });
    expect(out.reply!.options.messageType).toBe(NAK);
    expect(out.reply!.yiaddr).toBe('0.0.0.0');
    const dest = replyDestination(request(A, {}, { ciaddr: ip }), out.reply!, {
      server: 67,
      client: 68,
    });
    expect(dest.address).toBe('255.255.255.255');
  });

  it('NAKs an address another client holds', () => {
    ask(A, { messageType: REQUEST, requestedIp: '10.33.0.100' });
    expect(
      ask(B, { messageType: REQUEST, requestedIp: '10.33.0.100' }).reply!.options.messageType,
    ).toBe(NAK);
  });

  it('renews (ciaddr, no requested address) and answers unicast', () => {
    ask(A, { messageType: REQUEST, requestedIp: '10.33.0.101' });
    now += 1800_000;
    const req = request(A, { messageType: REQUEST }, { ciaddr: '10.33.0.101' });
    const out = fullReply(req, store, ctx());
    store.apply(out.effects, now);
    expect(out.reply!.options.messageType).toBe(ACK);
    expect(out.reply!.ciaddr).toBe('10.33.0.101');
    expect(store.leaseOf(A)!.expiresAt).toBe(now + 3600_000);
    expect(replyDestination(req, out.reply!, { server: 67, client: 68 })).toEqual({
      address: '10.33.0.101',
      port: 68,
    });
  });

  it('RELEASE frees the lease; one for an address not leased is ignored', () => {
    ask(A, { messageType: REQUEST, requestedIp: '10.33.0.100' });
    ask(A, { messageType: RELEASE, serverId: SERVER }, { ciaddr: '10.33.0.101' });
    expect(store.leaseOf(A)).not.toBeNull();
    const out = ask(A, { messageType: RELEASE, serverId: SERVER }, { ciaddr: '10.33.0.100' });
    expect(out.reply).toBeNull();
    expect(store.leaseOf(A)).toBeNull();
  });

  it('DECLINE sets the address aside and the next DISCOVER gets another', () => {
    ask(A, { messageType: REQUEST, requestedIp: '10.33.0.100' });
    ask(A, { messageType: DECLINE, serverId: SERVER, requestedIp: '10.33.0.100' });
    expect(store.holderOf('10.33.0.100', now)).toBe('declined');
    expect(ask(A, { messageType: DISCOVER }).reply!.yiaddr).toBe('10.33.0.101');
  });

  it('INFORM gets configuration, no address and no lease time', () => {
    const out = ask(A, { messageType: INFORM }, { ciaddr: '10.33.0.7' });
    expect(out.reply!.options.messageType).toBe(ACK);
    expect(out.reply!.yiaddr).toBe('0.0.0.0');
    expect(out.reply!.options.leaseTime).toBeUndefined();
    expect(out.effects).toEqual([]);
  });

  it('adds the boot file for PXE clients only', () => {
    const pxe = ask(A, { ...BIOS_PXE, messageType: DISCOVER });
    expect(pxe.reply!.file).toBe('undionly.kpxe');
    expect(pxe.reply!.siaddr).toBe(SERVER);
    expect(pxe.offered).toEqual({ ip: '10.33.0.100', bootFile: 'undionly.kpxe', server: SERVER });
    const ipxe = ask(B, { ...IPXE, messageType: DISCOVER });
    expect(ipxe.reply!.options.bootFile).toBe(`${BENCH_URL}/boot/ipxe`);
    expect(ipxe.reply!.options.ipxe!.get(176)).toEqual(Buffer.from([1]));
    const plain = ask(C, { messageType: DISCOVER });
    expect(plain.reply!.file).toBe('');
    expect(plain.reply!.options.bootFile).toBeUndefined();
  });

  it('ignores replies and unknown message types', () => {
    expect(ask(A, { messageType: OFFER }).reply).toBeNull();
    expect(ask(A, { messageType: 99 }).reply).toBeNull();
    expect(ask(A, {}, { op: 2 }).reply).toBeNull();
  });
});
