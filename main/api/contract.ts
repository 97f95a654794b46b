/**
 * The one typed contract between the station and its UI (HTTP API and event stream).
 * The renderer imports it with `import type` only. Request bodies are validated with zod
 * schemas that live beside the routes and produce these same types.
 */

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export interface ApiError {
  /** Stable machine-readable code, e.g. "unauthorized", "invalid_body", "not_found". */
  code: string;
  /** One sentence a technician can act on. */
  message: string;
  /** Optional details, e.g. validation issues with file:line:col. */
  details?: unknown;
}

export interface Health {
  ok: true;
  version: string;
}

export type ServiceState = 'starting' | 'running' | 'stopped' | 'failed' | 'disabled';

export interface ServiceStatus {
  /** Stable id: ui, bench-http, tftp, dhcp, proxydhcp, ... */
  name: string;
  /** What a technician calls it. */
  label: string;
  state: ServiceState;
  /** Where it listens, e.g. "127.0.0.1:7780" or "udp 0.0.0.0:69". */
  address: string | null;
  /** Why it failed or is disabled, in words. */
  error: string | null;
  /** What to do about it. */
  fix: string | null;
  /** ISO time of the last state change. */
  since: string;
}

interface EventBase {
  /** Monotonic per station run; the stream resumes from Last-Event-ID. */
  seq: number;
  /** ISO time. */
  at: string;
}

export interface ServiceEvent extends EventBase {
  type: 'service';
  service: ServiceStatus;
}

/** A line of the boot log: a DHCP, TFTP or HTTP boot request seen by the station. */
export interface BootLogEvent extends EventBase {
  type: 'boot';
  protocol: 'dhcp' | 'proxydhcp' | 'tftp' | 'http';
  mac: string | null;
  client: string;
  summary: string;
  data?: Record<string, unknown>;
}

export type StationEvent = ServiceEvent | BootLogEvent;

export type StationEventInput = StationEvent extends infer E
  ? E extends EventBase
    ? Omit<E, 'seq' | 'at'>
    : never
  : never;
