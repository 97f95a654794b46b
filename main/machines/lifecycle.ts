import type { Report } from '../agent/protocol.js';
import type { BootChain } from '../boot/types.js';
import type { Logger } from '../log/logger.js';
import type { ClientDirectory } from '../net/clients.js';
import { entriesForReports, type ReportOutcome } from './agent-reports.js';
import type { Assigner } from './assigner.js';
import { OS_STEP_ID } from './estimates.js';
import {
  MachineError,
  type MachineRegistry,
  type Sighting,
  type SightingSource,
} from './registry.js';
import { agentFirstWord, planSettled } from './state.js';
import type { MachineStore } from './store.js';
import type { AssignedBy, Entry, EntryData, MachineView } from './types.js';
import type { WinpeEntry } from './winpe-progress.js';

/**
 * The one way into a machine's lifecycle. Everything that moves a machine comes here as a
 * named command: the bench adapters (DHCP, TFTP, HTTP boot, the agent and WinPE routes, the
 * answer-file route) and the technician's UI routes. The rules live in state.ts (which move
 * is legal, what an entry does), agent-reports.ts (agent reports to entries), assigner.ts
 * (which profile, which batch); this class decides which of them a command runs, in order.
 * What changed goes out as typed `MachineEvent`s (events.ts), never as a bag of fields.
 */
export interface LifecycleDeps {
  registry: MachineRegistry;
  assigner: Assigner;
  store: MachineStore;
  /** IP -> MAC: an agent's address is learned when it speaks. */
  clients: Pick<ClientDirectory, 'learn'>;
  logger: Logger;
  now: () => Date;
}

/**
 * A boot request named a machine by MAC: what DHCP, TFTP and HTTP tell the lifecycle
 * (ctx.machineSighted). `ip` is the client's address as the socket gave it.
 */
export interface BenchSighting {
  mac: string;
  via: Exclude<SightingSource, 'hand'>;
  ip?: string;
  uuid?: string;
}

/** A Secure Boot hint from the loader watch (main/boot/loader-watch.ts). */
export interface BootHint {
  mac: string;
  reason: string;
  fix: string;
  loader: string;
}

/** What the agent's reports did: stored, or refused with the status the route sends. */
export type ReportsResult =
  | { ok: true; view: MachineView; stored: number; absorbed: number }
  | Extract<ReportOutcome, { ok: false }>;

export class MachineLifecycle {
  constructor(private readonly d: LifecycleDeps) {}

  // ---- reads ------------------------------------------------------------------------

  get(id: string): MachineView | undefined {
    return this.d.registry.get(id);
  }

  byMac(mac: string): MachineView | undefined {
    return this.d.registry.byMacAddress(mac);
  }

  mustGet(id: string): MachineView {
    const v = this.d.registry.get(id);
    if (!v) throw new MachineError('not_found', `No machine ${id}.`, 404);
    return v;
  }

  /** Every entry of a machine's log, page by page (a step's log can be longer than a page). */
  allEntriesOf(id: string): Entry[] {
    const entries: Entry[] = [];
    for (let after = 0; ;) {
      const page = this.d.store.entriesOf(id, after, 5000);
      entries.push(...page);
      if (page.length < 5000) break;
      after = page.at(-1)!.id;
    }
    return entries;
  }

  /**
   * The addresses a machine spoke from in its current deployment, as its log has them:
   * only entries its own requests write (never a sighting, which a claim makes).
   */
  ownAddresses(view: MachineView): ReadonlySet<string> {
    const own = new Set<string>();
    for (const e of this.allEntriesOf(view.id)) {
      const d = e.data;
      if (e.deployment !== view.deployment) continue;
      if (
        d.kind === 'booting' ||
        d.kind === 'installing-os' ||
        d.kind === 'answer-file' ||
        d.kind === 'provisioning'
      ) {
        own.add(d.ip);
      }
    }
    return own;
  }

  // ---- the bench ----------------------------------------------------------------------

  /**
   * A DHCP, TFTP or HTTP request (or the technician) named a machine: find or register it,
   * note what is new about it, bring it back from stalled, and let batches, rules and the
   * bench default claim it while it has no profile.
   */
  machineSighted(s: Sighting): MachineView {
    const view = this.d.registry.sighting(s);
    if (view.state !== 'discovered') return view;
    this.d.assigner.assignAutomatically(view);
    return this.mustGet(view.id);
  }

  /**
   * A DHCP, TFTP or HTTP request named a machine. A bad sighting (a flood of invented MACs
   * held back by the discovery limit) never fails the request that carried it: logged only.
   */
  benchSighting(s: BenchSighting): void {
    const ip = s.ip && s.ip !== '0.0.0.0' ? s.ip.replace(/^::ffff:/, '') : undefined;
    try {
      this.machineSighted({
        mac: s.mac,
        via: s.via,
        ...(s.uuid ? { uuid: s.uuid } : {}),
        ...(ip ? { ip } : {}),
      });
    } catch (err) {
      this.d.logger.warn(
        { err: (err as Error).message, mac: s.mac, client: s.ip },
        'boot request not registered',
      );
    }
  }

  /** The boot resolver handed this machine its installer (boot-resolver.ts). */
  installerHandedOut(
    view: MachineView,
    boot: { ip: string; platform?: string; chain: BootChain },
  ): MachineView {
    if (view.state === 'booting' && view.bootIp === boot.ip) return view;
    return this.d.registry.append(view.id, [
      {
        kind: 'booting',
        ip: boot.ip,
        ...(boot.platform ? { platform: boot.platform } : {}),
        chain: boot.chain,
      },
    ]);
  }

  /**
   * The installer cannot start (a secret missing, the answer file does not render): the
   * machine fails with the reason and the fix, once per deployment and reason (iPXE asks
   * again every few seconds while it waits).
   */
  installerHeld(view: MachineView, problem: { reason: string; fix: string }): MachineView {
    const same =
      view.state === 'failed' &&
      view.failure?.stepId === null &&
      view.failure.reason === problem.reason;
    if (same) return view;
    return this.d.registry.append(view.id, [
      { kind: 'failed', stepId: null, reason: problem.reason, fix: problem.fix },
    ]);
  }

  /** Secure Boot likely refused this machine's loader: said on its row and timeline. */
  bootHinted(hint: BootHint): void {
    // The hint comes from the machine's own TFTP requests: it is a sighting too.
    this.machineSighted({ mac: hint.mac, via: 'tftp' });
    const view = this.byMac(hint.mac);
    if (!view) return;
    this.d.registry.append(view.id, [
      { kind: 'boot-hint', reason: hint.reason, fix: hint.fix, loader: hint.loader },
    ]);
  }

  /** The installer fetched an answer file: the OS install is under way. */
  answerFileServed(view: MachineView, file: string, ip: string, bytes: number): MachineView {
    const now = this.d.registry.heard(view.id);
    const entries: EntryData[] = [];
    if (now.state === 'booting') entries.push({ kind: 'installing-os', file, ip });
    entries.push({ kind: 'answer-file', file, ip, bytes });
    return this.d.registry.append(view.id, entries);
  }

  /** Ubuntu's installer said how far it is (installer-events): the OS install's percent. */
  installerProgress(view: MachineView, p: { percent: number; message: string }): MachineView {
    // Only while the OS installs, and never backwards: a late event moves nothing.
    if (view.state !== 'booting' && view.state !== 'installing-os') return view;
    if ((view.osPercent ?? 0) >= p.percent) return view;
    return this.d.registry.append(view.id, [
      // seq 0: not an agent report; the agent's numbering starts at 1 and stays its own.
      { kind: 'progress', seq: 0, stepId: OS_STEP_ID, attempt: 1, ...p },
    ]);
  }

  /** deploy.cmd in WinPE reported a phase of the Windows install (already masked). */
  winpeProgress(view: MachineView, entry: WinpeEntry): MachineView {
    this.d.registry.heard(view.id);
    return this.d.registry.append(view.id, [entry]);
  }

  /**
   * The agent spoke (plan, heartbeat): its first word in a deployment moves the machine to
   * provisioning, and an empty plan is finished as soon as the agent is up.
   */
  agentSpoke(view: MachineView, ip: string): MachineView {
    this.learnAgentAddress(view, ip);
    let v = this.d.registry.heard(view.id);
    const first = agentFirstWord(v, ip);
    if (first.length > 0) {
      v = this.d.registry.append(v.id, first);
      if (planSettled(v)) v = this.d.registry.append(v.id, [{ kind: 'done', by: 'agent' }]);
    }
    return v;
  }

  /** A batch of agent reports (already masked), stored whole or refused whole. */
  reportsArrived(view: MachineView, reports: Report[], ip: string): ReportsResult {
    const outcome = entriesForReports(reports, {
      view,
      seen: this.d.registry.seenStepReports(view.id),
      digestOf: (seq) => this.d.registry.digestOf(view.id, seq),
      ip,
    });
    if (!outcome.ok) return outcome;
    this.d.registry.noteWord(view.id);
    let next = view;
    if (outcome.entries.length > 0) next = this.d.registry.append(view.id, outcome.entries);
    this.learnAgentAddress(next, ip);
    return { ok: true, view: next, stored: outcome.stored, absorbed: outcome.absorbed };
  }

  /** The agent fetched a secret its plan names (the name is logged, never the value). */
  secretFetched(view: MachineView, name: string, ip: string): MachineView {
    this.d.registry.noteWord(view.id);
    return this.d.registry.append(view.id, [{ kind: 'secret-fetched', name, ip }]);
  }

  /** Active machines silent for longer than stallMs become stalled; returns their ids. */
  scanStalls(stallMs: number): string[] {
    return this.d.registry.scanStalls(stallMs);
  }

  // ---- the technician -------------------------------------------------------------------

  /** Adds a machine by its MAC (the UI's "add machine"), named and assigned if asked. */
  addByHand(input: { mac: string; name?: string; profile?: string }): MachineView {
    let v = this.machineSighted({ mac: input.mac, via: 'hand' });
    if (input.name) v = this.rename(v.id, input.name);
    if (input.profile && v.state === 'discovered') v = this.assign(v.id, input.profile, 'hand');
    return v;
  }

  rename(id: string, name: string): MachineView {
    this.mustGet(id);
    return this.d.registry.append(id, [{ kind: 'identity', name }]);
  }

  assign(
    id: string,
    profile: string,
    by: AssignedBy,
    batch: string | null = null,
    technician: string | null = null,
  ): MachineView {
    return this.d.assigner.assign(id, profile, by, batch, technician);
  }

  reset(id: string, technician: string | null = null): MachineView {
    return this.d.assigner.reset(id, technician);
  }

  retryStep(id: string, stepId: string, technician: string | null = null): MachineView {
    return this.d.assigner.retryStep(id, stepId, technician);
  }

  skipStep(id: string, stepId: string, technician: string | null = null): MachineView {
    return this.d.assigner.skipStep(id, stepId, technician);
  }

  markDone(id: string, technician: string | null = null): MachineView {
    return this.d.assigner.markDone(id, technician);
  }

  forget(ids: string[]): string[] {
    return this.d.registry.forget(ids);
  }

  private learnAgentAddress(view: MachineView, ip: string): void {
    const mac = view.macs[0];
    if (mac) this.d.clients.learn(ip, mac, this.d.now().getTime(), 'agent');
  }
}
