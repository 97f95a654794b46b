import type { MachineSummary } from '../../../main/api/contract.js';
import type { TestStation } from '../../helpers/station.js';

/**
 * Drives machines through the station's real protocols, as PCs on the bench would: the
 * iPXE boot request on the bench listener, then the agent API with the machine's own
 * token. Until the simulator (issue 7, `prepstation simulate`) lands, the browser tests
 * use this; nothing here reaches into the station's internals.
 */

/** The bench listener's current URL (it moves when the bench network is changed). */
const bench = (st: TestStation): string => st.station.ctx.benchUrl;

/** A machine network-boots: iPXE asks for its script. Returns the script text. */
export async function pxeBoot(st: TestStation, mac: string): Promise<string> {
  const r = await fetch(`${bench(st)}/boot/ipxe?mac=${mac}&platform=efi`);
  return r.text();
}

/** Boots and reads the machine's agent token out of its per-machine URL in the script. */
export async function bootToken(st: TestStation, mac: string): Promise<string> {
  const text = await pxeBoot(st, mac);
  const m = /\/t\/([A-Za-z0-9_-]+)/.exec(text);
  if (!m) throw new Error(`no per-machine token in the boot script of ${mac}:\n${text}`);
  return m[1]!;
}

export async function machineByMac(st: TestStation, mac: string): Promise<MachineSummary> {
  const list = (await (await st.api('/api/v1/machines')).json()) as MachineSummary[];
  const m = list.find((x) => x.macs.includes(mac.toLowerCase()));
  if (!m) throw new Error(`the station does not know ${mac}`);
  return m;
}

export class FakeAgent {
  private seq = 0;
  constructor(
    private readonly st: TestStation,
    private readonly token: string,
  ) {}

  static async boot(st: TestStation, mac: string): Promise<FakeAgent> {
    return new FakeAgent(st, await bootToken(st, mac));
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' };
  }

  /** The OS installer fetches its answer file: the machine turns `installing-os`. */
  async answerFile(name: string): Promise<string> {
    const r = await fetch(`${bench(this.st)}/t/${this.token}/${name}`);
    if (!r.ok) throw new Error(`answer file: ${r.status} ${await r.text()}`);
    return r.text();
  }

  /** Fetching the plan is the agent's first word: the machine turns `provisioning`. */
  async plan(): Promise<{ id: string; label: string }[]> {
    const r = await fetch(`${bench(this.st)}/agent/v1/plan`, { headers: this.headers() });
    if (!r.ok) throw new Error(`plan: ${r.status} ${await r.text()}`);
    return ((await r.json()) as { value: { steps: { id: string; label: string }[] } }).value.steps;
  }

  async report(...reports: Record<string, unknown>[]): Promise<void> {
    const body = { reports: reports.map((r) => ({ seq: ++this.seq, ...r })) };
    const r = await fetch(`${bench(this.st)}/agent/v1/reports`, {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`reports: ${r.status} ${await r.text()}`);
  }

  started = (stepId: string, attempt = 1) => this.report({ type: 'step-started', stepId, attempt });
  progress = (stepId: string, percent: number, attempt = 1) =>
    this.report({ type: 'step-progress', stepId, attempt, percent });
  log = (stepId: string, lines: string[], attempt = 1) =>
    this.report({ type: 'step-log', stepId, attempt, lines });
  succeeded = (stepId: string, attempt = 1) =>
    this.report({ type: 'step-succeeded', stepId, attempt, exitCode: 0 });
  failed = (stepId: string, reason: string, logTail: string[], exitCode = 1, attempt = 1) =>
    this.report({ type: 'step-failed', stepId, attempt, exitCode, reason, logTail });
  /** The agent hit an error outside any step (e.g. a failing disk) and gives up. */
  fatal = (reason: string, logTail: string[]) => this.report({ type: 'fatal', reason, logTail });
  inventory = (inventory: Record<string, unknown>) => this.report({ type: 'inventory', inventory });
}
