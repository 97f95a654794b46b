/**
 * The station's DHCP logic as one pure function (pixiecore's and coredhcp's split): a decoded
 * request, the socket it came in on and a context in; the reply, where it goes, the address
 * learned, the machine sighted and the lease changes out. No sockets, no clock (`now` is
 * passed in), no logging: server.ts does all of that with what this returns.
 */
import {
  isPxeClient,
  replyDestination,
  requestFacts,
  type DhcpLogicContext,
  type Offered,
  type RequestFacts,
} from './common.js';
import { fullReply, type FullContext, type LeaseEffect, type LeaseView } from './full.js';
import { MessageType } from './options.js';
import type { DhcpPacket } from './packet.js';
import { proxyReply } from './proxy.js';
import type { Remote } from './socket.js';

/** Which listener a request came in on: port 67 (DHCP) or 4011 (the PXE boot server). */
export type DhcpListener = 'dhcp' | 'pxe';

export interface DhcpPorts {
  server: number;
  client: number;
}

/** Full mode's fixed settings: the pool, mask, lease time and the bench options (3, 6, 42). */
export type FullSettings = Omit<FullContext, keyof DhcpLogicContext | 'now'>;

export type DhcpModeContext =
  | { mode: 'proxy' }
  | {
      mode: 'full';
      /** Read only here; the server applies the returned effects to the store. */
      leases: LeaseView;
      settings: FullSettings;
    };

export interface HandlerContext {
  /** The bench address and URL, and the boot policy's inputs. */
  logic: DhcpLogicContext;
  mode: DhcpModeContext;
  ports: DhcpPorts;
  /** Epoch ms, from the station clock. */
  now: number;
}

/** What the boot log line of a sighting carries (BootLogEvent.data), in its historic key order. */
export interface DhcpSightingData {
  messageType: RequestFacts['messageType'];
  arch: number | null;
  archName: string;
  uuid: string | null;
  vendorClass: string | null;
  userClass: string | null;
  offered: Offered | null;
  mode: 'full' | 'proxy';
  hostname?: string;
}

/** A machine seen on the bench: a boot log line, and the registry's discovery input. */
export interface DhcpSighting {
  protocol: 'dhcp' | 'proxydhcp';
  mac: string;
  /** The address the request came from (0.0.0.0 before the client has one). */
  client: string;
  summary: string;
  data: DhcpSightingData;
}

export interface DhcpOutcome {
  /** The answer, or null for none. */
  reply: DhcpPacket | null;
  /** Where the reply goes (RFC 2131 §4.1, or the 4011 sender); null exactly when reply is. */
  destination: Remote | null;
  /** An address now known to be this MAC's, so TFTP and HTTP can name the machine. */
  learned: { ip: string; mac: string } | null;
  /** null for what is none of the station's business (the office's laptops in proxy mode). */
  sighting: DhcpSighting | null;
  /** Full mode's lease changes, for the store (empty in proxy mode and on port 4011). */
  effects: LeaseEffect[];
  /** Why there is no reply, or what the reply is, for the debug log. */
  note: string;
  /** A DISCOVER found no free address: the server warns "pool full". */
  poolFull: boolean;
}

export function handleDhcp(
  req: DhcpPacket,
  from: Remote,
  listener: DhcpListener,
  ctx: HandlerContext,
): DhcpOutcome {
  if (listener === 'pxe') return handleBootServer(req, from, ctx);
  const mode = ctx.mode;
  if (mode.mode === 'proxy') return handleProxy(req, from, ctx);
  const out = fullReply(req, mode.leases, fullContext(ctx.logic, mode.settings, ctx.now));
  const acked =
    out.reply?.options.messageType === MessageType.ACK && out.reply.yiaddr !== '0.0.0.0';
  const sent = sendTo(out.reply, req, ctx.ports);
  return {
    reply: sent.reply,
    destination: sent.destination,
    learned: out.reply && acked ? { ip: out.reply.yiaddr, mac: req.chaddr } : null,
    sighting: sightingOf(req, from, 'dhcp', 'full', out.offered, out.note),
    effects: out.effects,
    note: out.note,
    poolFull: out.poolFull === true,
  };
}

/** proxyDHCP on port 67, beside the office DHCP server: a boot file for PXE clients only. */
function handleProxy(req: DhcpPacket, from: Remote, ctx: HandlerContext): DhcpOutcome {
  const out = proxyReply(req, ctx.logic, 'dhcp');
  let learned: DhcpOutcome['learned'] = null;
  if (req.ciaddr !== '0.0.0.0') learned = { ip: req.ciaddr, mac: req.chaddr };
  // The REQUEST a PXE client broadcasts to the office server names the address it takes:
  // the only way a proxy learns it, so TFTP and HTTP can tie that address to the MAC.
  else if (req.options.requestedIp && isPxeClient(req)) {
    learned = { ip: req.options.requestedIp, mac: req.chaddr };
  }
  const sent = sendTo(out.reply, req, ctx.ports);
  return {
    reply: sent.reply,
    destination: sent.destination,
    learned,
    // In proxy mode the office network's laptops are none of our business: only PXE is logged.
    sighting: isPxeClient(req)
      ? sightingOf(req, from, 'proxydhcp', 'proxy', out.offered, out.note)
      : null,
    effects: [],
    note: out.note,
    poolFull: false,
  };
}

/** Port 4011 (PXE spec §2.2.2), in both modes. */
function handleBootServer(req: DhcpPacket, from: Remote, ctx: HandlerContext): DhcpOutcome {
  const out = proxyReply(req, ctx.logic, 'pxe');
  const mode = ctx.mode.mode;
  // The client has its address by now: answer it where it asked from, and remember it.
  const sent: Sent = out.reply
    ? { reply: out.reply, destination: from }
    : { reply: null, destination: null };
  return {
    reply: sent.reply,
    destination: sent.destination,
    learned: { ip: from.address, mac: req.chaddr },
    sighting:
      mode === 'proxy' && !isPxeClient(req)
        ? null
        : sightingOf(req, from, 'proxydhcp', mode, out.offered, out.note),
    effects: [],
    note: out.note,
    poolFull: false,
  };
}

/**
 * Full mode's context, written out field by field: per packet, an object literal of one
 * shape is much cheaper than spreading two objects (scripts/bench/dhcp-part.mjs showed it).
 * The mapped type makes the compiler ask for any field FullContext gains.
 */
function fullContext(
  logic: DhcpLogicContext,
  s: FullSettings,
  now: number,
): { [K in keyof Required<FullContext>]: FullContext[K] } {
  return {
    serverIp: logic.serverIp,
    benchUrl: logic.benchUrl,
    uefiLoader: logic.uefiLoader,
    uefiChainFor: logic.uefiChainFor,
    pool: s.pool,
    subnetMask: s.subnetMask,
    leaseSeconds: s.leaseSeconds,
    routers: s.routers,
    dnsServers: s.dnsServers,
    ntpServers: s.ntpServers,
    now,
  };
}

type Sent = { reply: DhcpPacket; destination: Remote } | { reply: null; destination: null };

function sendTo(reply: DhcpPacket | null, req: DhcpPacket, ports: DhcpPorts): Sent {
  return reply
    ? { reply, destination: replyDestination(req, reply, ports) }
    : { reply: null, destination: null };
}

function sightingOf(
  req: DhcpPacket,
  from: Remote,
  protocol: DhcpSighting['protocol'],
  mode: DhcpSightingData['mode'],
  offered: Offered | null,
  note: string,
): DhcpSighting {
  const f = requestFacts(req);
  const data: DhcpSightingData = {
    messageType: f.messageType,
    arch: f.arch,
    archName: f.archName,
    uuid: f.uuid,
    vendorClass: f.vendorClass,
    userClass: f.userClass,
    offered,
    mode,
  };
  if (f.hostname) data.hostname = f.hostname;
  return {
    protocol,
    mac: f.mac,
    client: from.address,
    summary: `${f.messageType} from ${f.mac} (${f.archName}${f.ipxe ? ', iPXE' : ''}): ${note}`,
    data,
  };
}
