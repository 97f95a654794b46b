import type { TftpOptions } from './packet.js';

/** What a transfer runs with after option negotiation (RFC 2347). */
export interface TransferParams {
  blksize: number;
  windowsize: number;
  timeoutMs: number;
  /** Options to acknowledge in an OACK; null when the client asked for none we accept. */
  oack: TftpOptions | null;
}

export interface NegotiationLimits {
  /** Largest block we agree to (RFC 2348 allows 8..65464). */
  maxBlksize: number;
  /** Largest window we agree to (RFC 7440 allows 1..65535). */
  maxWindowsize: number;
  /** Retransmission timeout when the client does not ask for one. */
  defaultTimeoutMs: number;
}

export const defaultLimits: NegotiationLimits = {
  maxBlksize: 65464,
  maxWindowsize: 64,
  defaultTimeoutMs: 1000,
};

function int(v: string | undefined): number | null {
  if (v === undefined || !/^\d{1,6}$/.test(v)) return null;
  return Number(v);
}

/**
 * Decides blksize, windowsize, timeout and tsize for a read request. An option with a bad
 * value is ignored (left out of the OACK), which RFC 2347 allows and every client handles;
 * a value above our limit is answered with the limit (RFC 2348 §"the server may reply with a
 * smaller value"). Unknown options are ignored.
 */
export function negotiate(
  requested: TftpOptions,
  fileSize: number,
  limits: NegotiationLimits = defaultLimits,
): TransferParams {
  const oack: TftpOptions = {};
  let blksize = 512;
  let windowsize = 1;
  let timeoutMs = limits.defaultTimeoutMs;

  const b = int(requested.blksize);
  if (b !== null && b >= 8) {
    blksize = Math.min(b, 65464, limits.maxBlksize);
    oack.blksize = String(blksize);
  }
  // RFC 2349: timeout is 1..255 seconds; the server must use the client's value or ignore it.
  const t = int(requested.timeout);
  if (t !== null && t >= 1 && t <= 255) {
    timeoutMs = t * 1000;
    oack.timeout = String(t);
  }
  // RFC 2349: in a read request the client sends tsize 0 and the server answers the size.
  if (requested.tsize !== undefined && int(requested.tsize) !== null) {
    oack.tsize = String(fileSize);
  }
  const w = int(requested.windowsize);
  if (w !== null && w >= 1) {
    windowsize = Math.min(w, 65535, limits.maxWindowsize);
    oack.windowsize = String(windowsize);
  }
  return {
    blksize,
    windowsize,
    timeoutMs,
    oack: Object.keys(oack).length > 0 ? oack : null,
  };
}
