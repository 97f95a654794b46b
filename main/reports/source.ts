import type { Db } from '../db/open.js';
import { normalizeMac } from '../machines/state.js';
import { MachineLogReader } from '../machines/store.js';
import type { Entry } from '../machines/types.js';
import type { BatchInfo } from './types.js';

/**
 * What a report is built from: a machine's log and its batch, read through the machines
 * part's read-only store (main/machines/store.ts MachineLogReader, the one reader of
 * machine_events), not the live registry, so `prepstation report` works on a data dir
 * whether or not a station is running on it.
 */
export class ReportSource {
  private readonly log: MachineLogReader;

  constructor(db: Db) {
    this.log = new MachineLogReader(db);
  }

  entriesOf(machineId: string): Entry[] {
    return this.log.entriesOf(machineId);
  }

  /** A machine by its id or any of its MACs (in any notation), or null. */
  findMachine(idOrMac: string): string | null {
    if (this.log.machineExists(idOrMac)) return idOrMac;
    const mac = normalizeMac(idOrMac);
    if (!mac) return null;
    for (const id of this.log.machinesMentioning(mac)) {
      if (macsOf(this.entriesOf(id)).includes(mac)) return id;
    }
    return null;
  }

  batch(id: string): BatchInfo | null {
    const r = this.log.batch(id);
    if (!r) return null;
    return {
      id: r.id,
      name: r.name,
      profile: r.profile,
      count: r.count,
      createdAt: r.createdAt,
      closedAt: r.closedAt,
    };
  }

  /** Machines the batch assigned, in the order it assigned them. */
  batchMachineIds(id: string): string[] {
    return this.log.batchMachineIds(id);
  }
}

function macsOf(entries: Entry[]): string[] {
  const out: string[] = [];
  const add = (m: unknown): void => {
    const n = typeof m === 'string' ? normalizeMac(m) : null;
    if (n && !out.includes(n)) out.push(n);
  };
  for (const e of entries) {
    const d = e.data;
    if (d.kind === 'discovered') add(d.mac);
    if (d.kind === 'identity') d.macs?.forEach(add);
    if (d.kind === 'inventory' && Array.isArray(d.inventory.macs)) d.inventory.macs.forEach(add);
  }
  return out;
}
