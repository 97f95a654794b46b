/**
 * Full DHCP for an isolated bench (RFC 2131 §4.3): addresses from the pool, reservations by
 * MAC, plus the PXE boot file. Pure: it reads leases through a LeaseView and returns the
 * changes to make as effects; the server applies them to the store.
 *
 * Clients are keyed by MAC (chaddr), not option 61: the PXE ROM, iPXE and the installed OS
 * send different client identifiers, and the machine should keep one address through all.
 */
import { addBootInfo, isPxeClient, type DhcpLogicContext, type Offered } from './common.js';
import { MessageType } from './options.js';
import { replyTo, type DhcpPacket } from './packet.js';
import { inPool, sameSubnet, type Pool } from './pool.js';

export interface LeaseRecord {
  mac: string;
  ip: string;
  state: 'offered' | 'bound';
  /** Epoch ms. */
  expiresAt: number;
}

export interface LeaseView {
  leaseOf(mac: string): LeaseRecord | null;
  reservationOf(mac: string): string | null;
  /** Who holds `ip` at `now`: a MAC (unexpired lease or offer, or reservation), 'declined', or null. */
  holderOf(ip: string, now: number): string | null;
  /** A pool address nobody holds at `now`, or null when the pool is full. */
  nextFree(now: number): string | null;
}

export type LeaseEffect =
  | { kind: 'offer'; mac: string; ip: string; expiresAt: number }
  | { kind: 'bind'; mac: string; ip: string; expiresAt: number; hostname?: string }
  | { kind: 'release'; mac: string; onlyOffer?: boolean }
  | { kind: 'decline'; mac: string; ip: string; until: number };

export interface FullContext extends DhcpLogicContext {
  /** Epoch ms. */
  now: number;
  pool: Pool;
  subnetMask: string;
  leaseSeconds: number;
  routers?: string[];
  dnsServers?: string[];
  /** RFC 2132 §8.3. */
  ntpServers?: string[];
}

export interface FullOutcome {
  reply: DhcpPacket | null;
  effects: LeaseEffect[];
  offered: Offered | null;
  note: string;
  /** Set when the pool had no address for a DISCOVER: the server logs "pool full". */
  poolFull?: boolean;
}

/** An offer holds its address this long, so two DISCOVERs in a row never get the same one. */
const OFFER_HOLD_MS = 60_000;
/** A declined address (RFC 2131 §3.1.5: someone else uses it) rests this long. */
const DECLINE_HOLD_MS = 10 * 60_000;

const none = (note: string, effects: LeaseEffect[] = []): FullOutcome => ({
  reply: null,
  effects,
  offered: null,
  note,
});

export function fullReply(req: DhcpPacket, view: LeaseView, ctx: FullContext): FullOutcome {
  if (req.op !== 1) return none('ignored: not a request');
  const mac = req.chaddr;
  const o = req.options;
  const ours = o.serverId === undefined || o.serverId === ctx.serverIp;
  switch (o.messageType) {
    case MessageType.DISCOVER: {
      const ip = chooseAddress(req, view, ctx);
      if (!ip) return { ...none('pool full: no address to offer'), poolFull: true };
      const expiresAt = ctx.now + OFFER_HOLD_MS;
      return answer(req, ctx, MessageType.OFFER, ip, [{ kind: 'offer', mac, ip, expiresAt }]);
    }
    case MessageType.REQUEST: {
      if (!ours) {
        // RFC 2131 §4.3.2: the client chose another server's offer; free ours.
        return none(`ignored: client chose server ${o.serverId}`, [
          { kind: 'release', mac, onlyOffer: true },
        ]);
      }
      const ip = o.requestedIp ?? (req.ciaddr !== '0.0.0.0' ? req.ciaddr : null);
      if (!ip) return none('ignored: REQUEST without an address');
      if (!sameSubnet(ip, ctx.serverIp, ctx.subnetMask) || !mayHave(mac, ip, view, ctx)) {
        return nak(req, ctx, `NAK ${ip}: not available to this client`, [
          { kind: 'release', mac, onlyOffer: true },
        ]);
      }
      const expiresAt = ctx.now + ctx.leaseSeconds * 1000;
      const bind: LeaseEffect = { kind: 'bind', mac, ip, expiresAt };
      if (o.hostname) bind.hostname = o.hostname;
      return answer(req, ctx, MessageType.ACK, ip, [bind]);
    }
    case MessageType.DECLINE: {
      if (!ours || !o.requestedIp) return none('ignored: DECLINE not for us');
      const ip = o.requestedIp;
      return none(`DECLINE ${ip}: address in use on the bench, set aside`, [
        { kind: 'decline', mac, ip, until: ctx.now + DECLINE_HOLD_MS },
        { kind: 'release', mac },
      ]);
    }
    case MessageType.RELEASE: {
      const lease = view.leaseOf(mac);
      if (!ours || !lease || lease.ip !== req.ciaddr) return none('ignored: RELEASE of no lease');
      return none(`RELEASE ${lease.ip}`, [{ kind: 'release', mac }]);
    }
    case MessageType.INFORM: {
      // RFC 2131 §4.3.5: configuration only; no yiaddr, no lease time.
      const reply = replyTo(req);
      reply.ciaddr = req.ciaddr;
      reply.options = {
        messageType: MessageType.ACK,
        serverId: ctx.serverIp,
        subnetMask: ctx.subnetMask,
      };
      const offered = isPxeClient(req) ? addBootInfo(reply, req, ctx) : null;
      return { reply, effects: [], offered, note: 'ACK (INFORM)' };
    }
    default:
      return none(`ignored: message type ${o.messageType ?? 'missing'}`);
  }
}

/** RFC 2131 §4.3.1: the client's reservation, its own lease, what it asked for, any free one. */
function chooseAddress(req: DhcpPacket, view: LeaseView, ctx: FullContext): string | null {
  const mac = req.chaddr;
  const reserved = view.reservationOf(mac);
  if (reserved && isFreeFor(mac, reserved, view, ctx.now)) return reserved;
  const lease = view.leaseOf(mac);
  if (lease && inPool(ctx.pool, lease.ip) && isFreeFor(mac, lease.ip, view, ctx.now)) {
    return lease.ip;
  }
  const asked = req.options.requestedIp;
  if (asked && mayHave(mac, asked, view, ctx)) return asked;
  return view.nextFree(ctx.now);
}

function isFreeFor(mac: string, ip: string, view: LeaseView, now: number): boolean {
  const holder = view.holderOf(ip, now);
  return holder === null || holder === mac;
}

/** A reserved client gets its reserved address only; others, a free pool address. */
function mayHave(mac: string, ip: string, view: LeaseView, ctx: FullContext): boolean {
  const reserved = view.reservationOf(mac);
  if (reserved) return ip === reserved && isFreeFor(mac, ip, view, ctx.now);
  return inPool(ctx.pool, ip) && isFreeFor(mac, ip, view, ctx.now);
}

function answer(
  req: DhcpPacket,
  ctx: FullContext,
  type: number,
  ip: string,
  effects: LeaseEffect[],
): FullOutcome {
  const reply = replyTo(req);
  reply.yiaddr = ip;
  // RFC 2131 table 3: ciaddr in an ACK is the client's ciaddr (RENEWING/REBINDING), else 0.
  if (type === MessageType.ACK) reply.ciaddr = req.ciaddr;
  reply.options = {
    messageType: type,
    serverId: ctx.serverIp,
    leaseTime: ctx.leaseSeconds,
    // RFC 2131 §4.4.5 defaults: T1 = 0.5, T2 = 0.875 of the lease.
    renewalTime: Math.floor(ctx.leaseSeconds * 0.5),
    rebindingTime: Math.floor(ctx.leaseSeconds * 0.875),
    subnetMask: ctx.subnetMask,
  };
  if (ctx.routers?.length) reply.options.routers = ctx.routers;
  if (ctx.dnsServers?.length) reply.options.dnsServers = ctx.dnsServers;
  if (ctx.ntpServers?.length) reply.options.ntpServers = ctx.ntpServers;
  const boot = isPxeClient(req) ? addBootInfo(reply, req, ctx) : null;
  const offered = { ...(boot ?? {}), ip, server: ctx.serverIp };
  return { reply, effects, offered, note: `${type === MessageType.OFFER ? 'OFFER' : 'ACK'} ${ip}` };
}

function nak(req: DhcpPacket, ctx: FullContext, note: string, effects: LeaseEffect[]): FullOutcome {
  const reply = replyTo(req);
  // RFC 2131 §4.3.2: a NAK is broadcast; the broadcast flag tells relays to do the same.
  reply.flags |= 0x8000;
  reply.options = { messageType: MessageType.NAK, serverId: ctx.serverIp };
  return { reply, effects, offered: null, note };
}
