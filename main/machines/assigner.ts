import crypto from 'node:crypto';
import type { AssignmentRule, BatchSummary } from '../api/contract.js';
import { buildPlanSteps, type PackageLookup } from '../agent/plan.js';
import type { Logger } from '../log/logger.js';
import type { MachineEventSink } from './events.js';
import { chooseAssignment, parseMacList, type OpenBatch } from './assignment.js';
import type { ProfileLookup } from './profile-lookup.js';
import { MachineError, type MachineRegistry } from './registry.js';
import type { BatchRow, MachineStore } from './store.js';
import type { AssignedBy, MachineView } from './types.js';

const BENCH_DEFAULT = 'machines.bench-default';

export interface AssignerDeps {
  registry: MachineRegistry;
  store: MachineStore;
  /** Where batch changes go (events.ts). */
  events: MachineEventSink;
  logger: Logger;
  now: () => Date;
  profiles: () => ProfileLookup;
  packages?: PackageLookup;
}

/**
 * Assignment: by hand, by batch ("the next N" or a MAC list), by rule, by the bench
 * default; and the technician's actions on a deployment (retry, skip, reset, mark done).
 */
export class Assigner {
  private batchRows: BatchRow[];

  constructor(private readonly d: AssignerDeps) {
    this.batchRows = d.store.batches();
  }

  /** Starts a new deployment of `profileId` on the machine (assign, reassign, reset). */
  assign(
    id: string,
    profileId: string,
    by: AssignedBy,
    batch: string | null = null,
    technician: string | null = null,
  ): MachineView {
    const view = this.d.registry.get(id);
    if (!view) throw new MachineError('not_found', `No machine ${id}.`, 404);
    const found = this.d.profiles().get(profileId);
    if (!found) {
      throw new MachineError(
        'unknown_profile',
        `No profile "${profileId}": check its id in Profiles (and that it loads without errors).`,
        400,
      );
    }
    if (found.profile.abstract) {
      throw new MachineError(
        'abstract_profile',
        `Profile "${profileId}" is a base profile; assign a customer profile that extends it.`,
        400,
      );
    }
    const steps = buildPlanSteps(found.profile, { packages: this.d.packages });
    const next = this.d.registry.append(id, [
      {
        kind: 'assigned',
        profile: found.profile.id,
        profileVersion: found.version,
        profileName: found.profile.name,
        customer: found.profile.customer?.name ?? null,
        batch,
        by,
        ...(technician ? { technician } : {}),
        steps,
      },
    ]);
    // The batch gained a machine (or kept it, on a reset): its row shows the new count.
    const changed = batch ? this.batch(batch) : null;
    if (changed) this.d.events({ kind: 'batch-changed', batch: changed });
    this.d.logger.info(
      {
        machine: id,
        mac: view.macs[0],
        profile: profileId,
        by,
        batch,
        deployment: next.deployment,
      },
      'machine assigned',
    );
    return next;
  }

  /**
   * A machine showed up with no profile: the first of a MAC-list batch, a rule, a next-N
   * batch or the bench default that claims it assigns it (assignment.ts decides which).
   */
  assignAutomatically(view: MachineView): void {
    const decision = chooseAssignment(
      view,
      this.openBatches(),
      this.d.store.rules(),
      this.benchDefault(),
    );
    if (!decision) return;
    try {
      this.assign(view.id, decision.profile, decision.by, decision.batch);
    } catch (err) {
      // A rule naming a deleted profile must not stop discovery; the machine waits for a hand.
      this.d.logger.warn(
        { machine: view.id, mac: view.macs[0], why: decision.why, err: (err as Error).message },
        'automatic assignment failed',
      );
    }
  }

  // ---- batches ------------------------------------------------------------------------

  private openBatches(): OpenBatch[] {
    return this.batchRows
      .filter((b) => !b.closedAt)
      .map((b) => ({ ...b, filled: this.d.registry.batchMachineIds(b.id).length }))
      .filter((b) => (b.count !== null ? b.filled < b.count : true))
      .map((b) => {
        // A MAC-list batch only claims MACs it has not assigned yet.
        const members = b.macs ? new Set(this.d.registry.batchMachineIds(b.id)) : null;
        return {
          ...b,
          macs: b.macs ? b.macs.filter((mac) => !members!.has(this.idOfMac(mac) ?? '')) : null,
        };
      });
  }

  private idOfMac(mac: string): string | null {
    return this.d.registry.byMacAddress(mac)?.id ?? null;
  }

  createBatch(input: {
    profile: string;
    count?: number;
    macs?: string[];
    name?: string;
  }): BatchSummary {
    if (!this.d.profiles().get(input.profile)) {
      throw new MachineError('unknown_profile', `No profile "${input.profile}".`, 400);
    }
    const macs = input.macs ? parseMacList(input.macs.join(' ')) : null;
    if (input.macs && macs!.length !== input.macs.length) {
      throw new MachineError(
        'invalid_body',
        'Some MACs are not MAC addresses (aa:bb:cc:dd:ee:ff).',
      );
    }
    const row: BatchRow = {
      id: 'b' + crypto.randomBytes(3).toString('hex'),
      name: input.name ?? null,
      profile: input.profile,
      count: macs ? null : (input.count ?? null),
      macs,
      createdAt: this.d.now().toISOString(),
      closedAt: null,
    };
    this.d.store.insertBatch(row);
    this.batchRows.push(row);
    this.d.logger.info(
      { batch: row.id, profile: row.profile, count: row.count, macs: macs?.length },
      'batch created',
    );
    // Machines already known by MAC are assigned now; "next N" waits for new arrivals.
    if (macs) {
      for (const mac of macs) {
        const m = this.d.registry.byMacAddress(mac);
        if (m && m.state === 'discovered') this.assign(m.id, row.profile, 'batch', row.id);
      }
    }
    const b = this.batch(row.id)!;
    this.d.events({ kind: 'batch-changed', batch: b });
    return b;
  }

  closeBatch(id: string): BatchSummary {
    const row = this.batchRows.find((b) => b.id === id);
    if (!row) throw new MachineError('not_found', `No batch ${id}.`, 404);
    const at = this.d.now().toISOString();
    if (this.d.store.closeBatch(id, at)) row.closedAt = at;
    const b = this.batch(id)!;
    this.d.events({ kind: 'batch-changed', batch: b });
    return b;
  }

  batch(id: string): BatchSummary | null {
    const row = this.batchRows.find((b) => b.id === id);
    if (!row) return null;
    const ids = this.d.registry.batchMachineIds(id);
    const full =
      row.count !== null ? ids.length >= row.count : ids.length >= (row.macs?.length ?? 0);
    return {
      id: row.id,
      name: row.name,
      profile: row.profile,
      count: row.count,
      macs: row.macs,
      machineIds: ids,
      filled: ids.length,
      open: !row.closedAt && !full,
      createdAt: row.createdAt,
    };
  }

  batches(): BatchSummary[] {
    return this.batchRows.map((b) => this.batch(b.id)!);
  }

  // ---- rules and bench default ----------------------------------------------------------

  addRule(input: {
    field: AssignmentRule['field'];
    pattern: string;
    profile: string;
  }): AssignmentRule {
    if (!this.d.profiles().get(input.profile)) {
      throw new MachineError('unknown_profile', `No profile "${input.profile}".`, 400);
    }
    if (input.field === 'mac' && parseMacList(input.pattern).length === 0) {
      throw new MachineError('invalid_body', 'A MAC rule needs at least one MAC address.');
    }
    const rule: AssignmentRule = {
      id: 'r' + crypto.randomBytes(3).toString('hex'),
      field: input.field,
      pattern: input.pattern.trim(),
      profile: input.profile,
      createdAt: this.d.now().toISOString(),
    };
    this.d.store.insertRule(rule, this.d.store.rules().length);
    return rule;
  }

  deleteRule(id: string): void {
    if (!this.d.store.deleteRule(id)) throw new MachineError('not_found', `No rule ${id}.`, 404);
  }

  rules(): AssignmentRule[] {
    return this.d.store.rules();
  }

  benchDefault(): string | null {
    const v = this.d.store.setting(BENCH_DEFAULT);
    return v ? (JSON.parse(v) as string | null) : null;
  }

  setBenchDefault(profile: string | null): void {
    if (profile !== null && !this.d.profiles().get(profile)) {
      throw new MachineError('unknown_profile', `No profile "${profile}".`, 400);
    }
    this.d.store.putSetting(BENCH_DEFAULT, JSON.stringify(profile), this.d.now().toISOString());
  }

  // ---- technician actions -------------------------------------------------------------

  private mustGet(id: string): MachineView {
    const v = this.d.registry.get(id);
    if (!v) throw new MachineError('not_found', `No machine ${id}.`, 404);
    return v;
  }

  /** Deploy again: a new deployment of the same profile; the old token stops working. */
  reset(id: string, technician: string | null = null): MachineView {
    const v = this.mustGet(id);
    if (!v.profile) {
      throw new MachineError('not_assigned', 'This machine has no profile yet: assign one.', 409);
    }
    return this.assign(id, v.profile, 'reset', v.batch, technician);
  }

  retryStep(id: string, stepId: string, technician: string | null = null): MachineView {
    this.stepAction(id, stepId);
    return this.d.registry.append(id, [
      { kind: 'retry-step', stepId, ...(technician ? { technician } : {}) },
    ]);
  }

  skipStep(id: string, stepId: string, technician: string | null = null): MachineView {
    this.stepAction(id, stepId);
    const v = this.d.registry.append(id, [
      { kind: 'skip-step', stepId, ...(technician ? { technician } : {}) },
    ]);
    // Skipping the last open step finishes the deployment.
    if (
      (v.state === 'provisioning' || v.state === 'verifying') &&
      v.steps.every((s) => s.status === 'succeeded' || s.status === 'skipped')
    ) {
      return this.d.registry.append(id, [{ kind: 'done', by: 'agent' }]);
    }
    return v;
  }

  private stepAction(id: string, stepId: string): MachineView {
    const v = this.mustGet(id);
    if (!v.steps.some((s) => s.id === stepId)) {
      throw new MachineError('unknown_step', `Machine ${id} has no step "${stepId}".`, 404);
    }
    if (v.state === 'done' || v.state === 'discovered') {
      throw new MachineError(
        'illegal_transition',
        `Machine ${id} is ${v.state}; reset it to deploy again.`,
        409,
      );
    }
    return v;
  }

  markDone(id: string, technician: string | null = null): MachineView {
    const v = this.mustGet(id);
    if (v.state === 'done') return v;
    return this.d.registry.append(id, [
      { kind: 'done', by: 'technician', ...(technician ? { technician } : {}) },
    ]);
  }
}
