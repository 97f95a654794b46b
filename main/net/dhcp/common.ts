/**
 * What full and proxy mode share: the facts a request carries (for the boot log and the
 * machines registry), the PXE part of a reply, and where a reply goes (RFC 2131 §4.1).
 * Pure: no sockets, no clock.
 */
import {
  dhcpBootFile,
  isIpxeClient,
  type DhcpBootDecision,
  type UefiChain,
  type UefiLoader,
} from '../../boot/dhcp-policy.js';
import { messageTypeName, MessageType, type MessageTypeName } from './options.js';
import type { DhcpPacket } from './packet.js';

export interface DhcpLogicContext {
  /** The station's bench address: server identifier, siaddr, TFTP server. */
  serverIp: string;
  benchUrl: string;
  uefiLoader?: UefiLoader;
  /** x64 UEFI clients by MAC: iPXE or the signed chain (the Secure Boot policy). */
  uefiChainFor?: (mac: string) => UefiChain;
}

export interface Offered {
  ip?: string;
  bootFile?: string;
  server?: string;
}

/** A request's facts, as the BootLogEvent data carries them. */
export interface RequestFacts {
  mac: string;
  messageType: MessageTypeName | 'unknown';
  arch: number | null;
  archName: string;
  uuid: string | null;
  vendorClass: string | null;
  userClass: string | null;
  hostname?: string;
  pxe: boolean;
  ipxe: boolean;
}

/** RFC 4578: a PXE ROM (and iPXE, which keeps the convention) says "PXEClient" in option 60. */
export function isPxeClient(req: DhcpPacket): boolean {
  return (req.options.vendorClass ?? '').startsWith('PXEClient');
}

export function requestFacts(req: DhcpPacket): RequestFacts {
  const o = req.options;
  const boot = bootDecision(req, { serverIp: '0.0.0.0', benchUrl: '' });
  const facts: RequestFacts = {
    mac: req.chaddr,
    messageType: messageTypeName(o.messageType),
    arch: o.clientArch?.[0] ?? null,
    archName: boot.archName,
    uuid: o.uuid ?? null,
    vendorClass: o.vendorClass ?? null,
    userClass: o.userClass ? o.userClass.join(',') : null,
    pxe: isPxeClient(req),
    ipxe: isIpxeClient({ userClass: o.userClass, hasIpxeOptions: o.ipxe !== undefined }),
  };
  if (o.hostname) facts.hostname = o.hostname;
  if (o.clientArch === undefined && !facts.pxe) facts.archName = 'unknown';
  return facts;
}

export function bootDecision(req: DhcpPacket, ctx: DhcpLogicContext): DhcpBootDecision {
  return dhcpBootFile({
    clientArch: req.options.clientArch,
    userClass: req.options.userClass,
    hasIpxeOptions: req.options.ipxe !== undefined,
    benchUrl: ctx.benchUrl,
    uefiLoader: ctx.uefiLoader,
    uefiChain: ctx.uefiChainFor?.(req.chaddr) ?? 'ipxe',
  });
}

/** PXE spec 2.1 §2.4.1.1 tag 6 bit 3: skip boot server discovery, boot the file named. */
const DISCOVERY_USE_BOOTFILE = Buffer.from([8]);

/**
 * Adds what a PXE client needs to boot to a reply: siaddr + file (the BOOTP fields old ROMs
 * read), options 66/67, option 60 "PXEClient" (without it a PXE ROM ignores the offer) and
 * 43; for iPXE, the HTTP URL and 175.176 = 1. Returns what was offered, or null when there
 * is no boot file for this client's architecture.
 */
export function addBootInfo(
  reply: DhcpPacket,
  req: DhcpPacket,
  ctx: DhcpLogicContext,
  pxeSubOptions: [number, Buffer][] = [],
): Offered | null {
  const boot = bootDecision(req, ctx);
  if (boot.kind === 'unsupported') return null;
  const o = reply.options;
  reply.siaddr = ctx.serverIp;
  o.vendorClass = 'PXEClient';
  o.bootFile = boot.bootFile;
  // The file field holds 127 bytes; a longer URL travels in option 67 alone.
  if (Buffer.byteLength(boot.bootFile, 'latin1') < 128) reply.file = boot.bootFile;
  if (boot.kind === 'tftp') {
    o.tftpServer = ctx.serverIp;
    o.vendorOptions = new Map([[6, DISCOVERY_USE_BOOTFILE], ...pxeSubOptions]);
  } else {
    // iPXE option 176 "no-pxedhcp": do not wait ~3 s for ProxyDHCP offers.
    o.ipxe = new Map([[176, Buffer.from([1])]]);
  }
  return { bootFile: boot.bootFile, server: ctx.serverIp };
}

export const BROADCAST = '255.255.255.255';

/** RFC 2131 §4.1: relay agent, then a client that has an address, then broadcast. */
export function replyDestination(
  req: DhcpPacket,
  reply: DhcpPacket,
  ports: { server: number; client: number },
): { address: string; port: number } {
  if (req.giaddr !== '0.0.0.0') return { address: req.giaddr, port: ports.server };
  const nak = reply.options.messageType === MessageType.NAK;
  if (!nak && req.ciaddr !== '0.0.0.0') return { address: req.ciaddr, port: ports.client };
  // Unicast to yiaddr would need an ARP entry we cannot write from Node: broadcast instead,
  // which every client accepts (RFC 2131 §4.1 allows it when unicast is not possible).
  return { address: BROADCAST, port: ports.client };
}
