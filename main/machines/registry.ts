import crypto from 'node:crypto';
import type { MachineSummary } from '../api/contract.js';
import { DomainError } from '../api/domain-error.js';
import type { AgentTokens } from '../agent/tokens.js';
import type { Logger } from '../log/logger.js';
import { applyEntry, canTransition, newView, normalizeMac } from './state.js';
import type { MachineStore } from './store.js';
import type { MachineEventSink } from './events.js';
import { summarize } from './summary.js';
import type { Entry, EntryData, MachineView } from './types.js';

/** A refused command, with the code and HTTP status the one error handler answers with. */
export class MachineError extends DomainError {
  constructor(code: string, message: string, status = 400, details?: unknown) {
    super(code, message, { status, details });
    this.name = 'MachineError';
  }
}

/** Where a sighting came from: a boot protocol, or the technician adding a machine by hand. */
export type SightingSource = 'dhcp' | 'proxydhcp' | 'tftp' | 'http' | 'hand';

/** Who showed up: from a DHCP/TFTP/HTTP request, or added by hand. */
export interface Sighting {
  mac: string | null;
  uuid?: string;
  serial?: string;
  vendor?: string;
  model?: string;
  ip?: string;
  via: SightingSource;
}

// Firmware placeholders that many machines share: never identify a machine by them.
const BOGUS_UUIDS = new Set([
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '03000200-0400-0500-0006-000700080009',
]);
const BOGUS_SERIAL =
  /^(|0+|1234567890|to be filled by o\.?e\.?m\.?|default string|system serial number|chassis serial number|not specified|none|n\/a|not applicable|serial)$/i;

export function usableUuid(u: string | undefined | null): string | null {
  const v = u?.trim().toLowerCase();
  return v && /^[0-9a-f-]{32,36}$/.test(v) && !BOGUS_UUIDS.has(v) ? v : null;
}

export function usableSerial(s: string | undefined | null): string | null {
  const v = s?.trim();
  return v && !BOGUS_SERIAL.test(v) ? v : null;
}

export interface RegistryDeps {
  store: MachineStore;
  /** Where what changed goes (events.ts; the station sends it to the UI's stream). */
  events: MachineEventSink;
  logger: Logger;
  now: () => Date;
  tokens: AgentTokens;
  /** Whether a machine never seen before may be registered now (discovery-limit.ts). */
  admitNew?: (ip: string | undefined) => boolean;
}

/**
 * Every machine the station knows: views derived from the event log, indexes by MAC, UUID
 * and serial, and the one append path that checks transitions, stores entries in a
 * transaction and publishes what changed.
 */
export class MachineRegistry {
  private readonly views = new Map<string, MachineView>();
  private readonly byMac = new Map<string, string>();
  private readonly byUuid = new Map<string, string>();
  private readonly bySerial = new Map<string, string>();
  /** Step reports already recorded in the current deployment: `${stepId}:${attempt}:${status}`. */
  private readonly seenSteps = new Map<string, Set<string>>();
  /** seq -> digest of the report stored under it (current deployment), to catch conflicts. */
  private readonly digests = new Map<string, Map<number, string>>();
  /** Members of each batch (machines it assigned), derived from `assigned` entries. */
  private readonly batchMembers = new Map<string, string[]>();
  /** Last word per machine in ms, heartbeats included (those are not logged). */
  private readonly lastWord = new Map<string, number>();

  constructor(private readonly d: RegistryDeps) {}

  /** Rebuilds every view from the log; returns how many entries were read. */
  load(): number {
    let n = 0;
    const forgotten = this.d.store.forgottenIds();
    for (const e of this.d.store.allEntries()) {
      if (forgotten.has(e.machineId)) continue;
      const prev = this.views.get(e.machineId) ?? newView(e.machineId, e.at);
      const next = applyEntry(prev, e);
      this.views.set(e.machineId, next);
      this.track(prev, next, e);
      n++;
    }
    const startedAt = this.d.now().getTime();
    // A station that was down heard nothing: count silence from now, not from the last entry.
    for (const id of this.views.keys()) this.lastWord.set(id, startedAt);
    return n;
  }

  get(id: string): MachineView | undefined {
    return this.views.get(id);
  }

  list(): MachineView[] {
    return [...this.views.values()];
  }

  summaries(): MachineSummary[] {
    return this.list().map(summarize);
  }

  byMacAddress(mac: string): MachineView | undefined {
    const n = normalizeMac(mac);
    const id = n ? this.byMac.get(n) : undefined;
    return id ? this.views.get(id) : undefined;
  }

  batchMachineIds(batchId: string): string[] {
    return this.batchMembers.get(batchId) ?? [];
  }

  seenStepReports(id: string): ReadonlySet<string> {
    return this.seenSteps.get(id) ?? new Set();
  }

  digestOf(id: string, seq: number): string | undefined {
    return this.digests.get(id)?.get(seq);
  }

  lastWordAt(id: string): number | undefined {
    return this.lastWord.get(id);
  }

  /**
   * A machine showed up: find it by MAC, UUID or serial (creating it when none matches),
   * record what is new about it and bring it back from stalled. Assignment rules claiming
   * it are the lifecycle's next step (lifecycle.ts machineSighted), not the registry's.
   */
  sighting(s: Sighting): MachineView {
    const mac = s.mac ? normalizeMac(s.mac) : null;
    const uuid = usableUuid(s.uuid);
    const serial = usableSerial(s.serial);
    const id =
      (mac && this.byMac.get(mac)) ||
      (uuid && this.byUuid.get(uuid)) ||
      (serial && this.bySerial.get(serial)) ||
      null;
    let view: MachineView;
    if (!id) {
      if (!mac && !uuid && !serial)
        throw new MachineError('unidentified', 'no MAC, UUID or serial');
      // Only what the bench reports is limited; a technician adds machines by hand freely.
      if (s.via !== 'hand' && this.d.admitNew && !this.d.admitNew(s.ip)) {
        throw new MachineError(
          'discovery_limited',
          `Too many new machines from ${s.ip ?? 'the bench'} at once; this one is registered when it asks again.`,
          429,
        );
      }
      view = this.create({
        kind: 'discovered',
        mac,
        via: s.via,
        ...(uuid ? { uuid } : {}),
        ...(serial ? { serial } : {}),
        ...(s.vendor?.trim() ? { vendor: s.vendor.trim() } : {}),
        ...(s.model?.trim() ? { model: s.model.trim() } : {}),
        ...(s.ip ? { ip: s.ip } : {}),
      });
    } else {
      view = this.views.get(id)!;
      const news: Extract<EntryData, { kind: 'identity' }> = { kind: 'identity' };
      if (mac && !view.macs.includes(mac)) news.macs = [mac];
      if (uuid && !view.uuid) news.uuid = uuid;
      if (serial && !view.serial) news.serial = serial;
      if (s.vendor?.trim() && !view.vendor) news.vendor = s.vendor.trim();
      if (s.model?.trim() && !view.model) news.model = s.model.trim();
      if (Object.keys(news).length > 1) view = this.append(view.id, [news]);
      view = this.heard(view.id);
    }
    return view;
  }

  /** The machine said something: note the time and bring it back from stalled. */
  heard(id: string): MachineView {
    this.noteWord(id);
    const view = this.views.get(id)!;
    return view.state === 'stalled' ? this.append(id, [{ kind: 'resumed' }]) : view;
  }

  noteWord(id: string): void {
    this.lastWord.set(id, this.d.now().getTime());
  }

  private create(first: Extract<EntryData, { kind: 'discovered' }>): MachineView {
    let id = '';
    do id = 'm' + crypto.randomBytes(4).toString('hex');
    while (this.views.has(id));
    const at = this.d.now().toISOString();
    const entry: Entry = { id: 0, machineId: id, at, deployment: 0, data: first };
    this.d.store.transaction(() => {
      this.d.store.insertMachine(id, at);
      entry.id = this.d.store.insertEntry(id, at, 0, first);
    });
    const prev = newView(id, at);
    const view = applyEntry(prev, entry);
    this.views.set(id, view);
    this.lastWord.set(id, Date.parse(at));
    this.track(prev, view, entry);
    this.publish(view, [entry]);
    this.d.logger.info({ machine: id, mac: first.mac, via: first.via }, 'new machine discovered');
    return view;
  }

  /**
   * Appends entries to a machine's log, all or none: each must be a legal move from the
   * state the previous one left. A refused move is logged and thrown as a 409.
   */
  append(id: string, datas: EntryData[]): MachineView {
    const start = this.views.get(id);
    if (!start) throw new MachineError('not_found', `No machine ${id}.`, 404);
    const at = this.d.now().toISOString();
    const entries: Entry[] = [];
    const steps: [MachineView, MachineView, Entry][] = [];
    let view = start;
    for (const data of datas) {
      const deployment = data.kind === 'assigned' ? view.deployment + 1 : view.deployment;
      const entry: Entry = { id: 0, machineId: id, at, deployment, data };
      const next = applyEntry(view, entry);
      if (!canTransition(view.state, next.state)) {
        this.d.logger.warn(
          { machine: id, from: view.state, to: next.state, entry: data.kind },
          'illegal machine transition refused',
        );
        throw new MachineError(
          'illegal_transition',
          `Machine ${id} cannot go from ${view.state} to ${next.state} (${data.kind}).`,
          409,
          { from: view.state, to: next.state },
        );
      }
      entries.push(entry);
      steps.push([view, next, entry]);
      view = next;
    }
    this.d.store.transaction(() => {
      for (const e of entries) e.id = this.d.store.insertEntry(id, at, e.deployment, e.data);
    });
    for (const [prev, next, e] of steps) this.track(prev, next, e);
    this.views.set(id, view);
    this.publish(view, entries);
    return view;
  }

  /**
   * Forgets machines: gone from the registry and the database. Not while one deploys (its
   * token and answer files are live): reset it first. All or nothing: one that cannot be
   * forgotten stops the whole request, with its id.
   */
  forget(ids: string[]): string[] {
    const unique = [...new Set(ids)];
    for (const id of unique) {
      const v = this.views.get(id);
      if (!v) throw new MachineError('not_found', `No machine ${id}.`, 404);
      const state = v.state === 'stalled' ? v.stalledIn : v.state;
      if (state && ['booting', 'installing-os', 'provisioning', 'verifying'].includes(state)) {
        throw new MachineError(
          'machine_busy',
          `Machine ${id} is being deployed (${v.state}); reset it before forgetting it.`,
          409,
          { id },
        );
      }
    }
    this.d.store.forget(unique, this.d.now().toISOString());
    for (const id of unique) {
      const v = this.views.get(id)!;
      for (const mac of v.macs) if (this.byMac.get(mac) === id) this.byMac.delete(mac);
      if (v.uuid && this.byUuid.get(v.uuid) === id) this.byUuid.delete(v.uuid);
      if (v.serial && this.bySerial.get(v.serial) === id) this.bySerial.delete(v.serial);
      this.views.delete(id);
      this.seenSteps.delete(id);
      this.digests.delete(id);
      this.lastWord.delete(id);
      for (const members of this.batchMembers.values()) {
        const i = members.indexOf(id);
        if (i >= 0) members.splice(i, 1);
      }
    }
    this.d.logger.info({ machines: unique.length }, 'machines forgotten');
    return unique;
  }

  /** Keeps the indexes and side tables in step with one applied entry. */
  private track(prev: MachineView, next: MachineView, e: Entry): void {
    const id = next.id;
    for (const mac of next.macs) this.byMac.set(mac, id);
    if (next.uuid && next.uuid !== prev.uuid) this.byUuid.set(next.uuid, id);
    if (next.serial && next.serial !== prev.serial) this.bySerial.set(next.serial, id);
    const d = e.data;
    if (d.kind === 'assigned') {
      this.d.tokens.remember(id, next.deployment);
      this.seenSteps.set(id, new Set());
      this.digests.set(id, new Map());
      if (d.batch) {
        const members = this.batchMembers.get(d.batch) ?? [];
        if (!members.includes(id)) members.push(id);
        this.batchMembers.set(d.batch, members);
      }
    }
    if (d.kind === 'step') this.seenSteps.get(id)?.add(`${d.stepId}:${d.attempt}:${d.status}`);
    if ('seq' in d && typeof d.seq === 'number' && 'digest' in d && d.digest) {
      this.digests.get(id)?.set(d.seq, d.digest);
    }
  }

  private publish(view: MachineView, entries: Entry[]): void {
    this.d.events({ kind: 'machine-changed', machine: view, entries });
  }

  /** Active machines silent for longer than stallMs become stalled; returns their ids. */
  scanStalls(stallMs: number): string[] {
    const now = this.d.now().getTime();
    const stalled: string[] = [];
    for (const view of this.views.values()) {
      if (!['booting', 'installing-os', 'provisioning', 'verifying'].includes(view.state)) continue;
      const last = this.lastWord.get(view.id) ?? 0;
      if (now - last < stallMs) continue;
      try {
        this.append(view.id, [{ kind: 'stalled', silentSince: new Date(last).toISOString() }]);
        stalled.push(view.id);
        this.d.logger.warn(
          { machine: view.id, mac: view.macs[0], silentSince: new Date(last).toISOString() },
          'machine stalled: no word from it',
        );
      } catch (err) {
        this.d.logger.error({ err, machine: view.id }, 'marking a machine stalled failed');
      }
    }
    return stalled;
  }
}
