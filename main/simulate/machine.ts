import type { AckResponse, PlanResponse, PlanStep, Report } from '../agent/protocol.js';
import {
  firmwareSeconds,
  logLines,
  osInstallSeconds,
  outcome,
  rebootSeconds,
  rng,
  scaled,
  stepSeconds,
  type SimIdentity,
  doomedStep,
  type SimOptions,
} from './model.js';
import { HttpError, type StationClient } from './station-client.js';

export type SimResult = 'done' | 'failed' | 'unassigned' | 'local-boot' | 'error';

export interface SimMachineStats {
  mac: string;
  machineId: string | null;
  result: SimResult;
  detail: string | null;
  stepsRun: number;
  failedAttempts: number;
  reboots: number;
  reportsSent: number;
  answerFiles: number;
  ms: number;
}

export interface SimHooks {
  /** Called right before a report goes out (the benchmark times report -> event). */
  onReportSent?: (machineId: string, seq: number, at: number) => void;
  /** Called with each report request's round trip in ms. */
  onAck?: (ms: number) => void;
  signal: AbortSignal;
  /** Give up waiting for assignment after this long (scaled ms). */
  waitLimitMs: number;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/** Transient trouble (the station is busy or restarting): wait and ask again. */
async function persist<T>(fn: () => Promise<T>, signal: AbortSignal, tries = 20): Promise<T> {
  let wait = 200;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 0;
      if ((status >= 400 && status < 500) || i >= tries || signal.aborted) throw err;
      await sleep(wait, signal);
      wait = Math.min(wait * 2, 5000);
    }
  }
}

/**
 * One machine, from power-on to done: PXE/iPXE boot script (waiting while unassigned),
 * the installer fetching its answer files, the OS install, then an agent that runs the
 * plan with realistic timings, fails some attempts, reboots when an installer asks, and
 * resumes from the plan's status afterwards, as the real agents do.
 */
export async function simulateMachine(
  id: SimIdentity,
  client: StationClient,
  o: SimOptions,
  hooks: SimHooks,
): Promise<SimMachineStats> {
  const started = Date.now();
  const r = rng(o.seed * 7919 + id.index);
  const stats: SimMachineStats = {
    mac: id.mac,
    machineId: null,
    result: 'error',
    detail: null,
    stepsRun: 0,
    failedAttempts: 0,
    reboots: 0,
    reportsSent: 0,
    answerFiles: 0,
    ms: 0,
  };
  const { signal } = hooks;
  const finish = (result: SimResult, detail: string | null = null) => {
    stats.result = result;
    stats.detail = detail;
    stats.ms = Date.now() - started;
    return stats;
  };
  const ident = {
    mac: id.mac,
    uuid: id.uuid,
    serial: id.serial,
    manufacturer: id.vendor,
    product: id.model,
    platform: 'efi',
    buildarch: 'x86_64',
  };

  try {
    // Firmware POST and PXE, then iPXE asks for its script until the machine is assigned.
    await sleep(scaled(firmwareSeconds(r), o), signal);
    await persist(() => client.firstHop(), signal);
    let script = '';
    const waitUntil = Date.now() + hooks.waitLimitMs;
    for (;;) {
      script = await persist(() => client.bootScript(ident), signal);
      if (/\/t\/[A-Za-z0-9_-]+/.test(script)) break;
      // Neither an installer nor a wait-and-ask-again screen: the station said "local disk".
      if (!/\bsleep\b/.test(script)) {
        return finish('local-boot', 'the station sent this machine to its local disk');
      }
      if (Date.now() > waitUntil || signal.aborted) return finish('unassigned');
      const retry = Number(/sleep (\d+)/.exec(script)?.[1] ?? 5);
      await sleep(scaled(retry, o), signal);
    }
    const machineUrl = /(https?:\/\/[^\s'";]+?\/t\/[A-Za-z0-9_-]+)/.exec(script)![1]!;
    const token = /\/t\/([A-Za-z0-9_-]+)/.exec(machineUrl)![1]!;

    // The installer reads the per-machine files its script names (answer files); a
    // cloud-init NoCloud seed (ds=nocloud;s=URL/) means user-data and meta-data.
    const files = new Set<string>();
    for (const m of script.matchAll(/\/t\/[A-Za-z0-9_-]+\/([A-Za-z0-9._/-]+)/g)) files.add(m[1]!);
    if (/ds=nocloud[^\s]*\/t\/[A-Za-z0-9_-]+\//.test(script)) {
      files.add('user-data');
      files.add('meta-data');
    }
    for (const f of files) {
      const res = await persist(() => client.answerFile(`${machineUrl}/${f}`), signal);
      if (res.status === 200) stats.answerFiles++;
    }
    await sleep(scaled(osInstallSeconds(r), o), signal);

    // The agent's first boot.
    let seq = 0;
    let plan = await persist(() => client.plan<PlanResponse>(token), signal);
    stats.machineId = plan.machineId;
    seq = plan.lastSeq;
    const send = async (reports: Report[]): Promise<AckResponse> => {
      const at = Date.now();
      for (const rep of reports) hooks.onReportSent?.(plan.machineId, rep.seq, at);
      stats.reportsSent += reports.length;
      const ack = await persist(() => client.reports<AckResponse>(token, reports), signal);
      hooks.onAck?.(Date.now() - at);
      return ack;
    };
    const next = () => ++seq;
    const doomed = doomedStep(plan.steps, r, o);

    for (;;) {
      if (signal.aborted) return finish('error', 'stopped');
      const step = nextStep(plan);
      if (!step) break;
      const attemptBefore = plan.status[step.id]?.attempt ?? 0;
      let attempt = attemptBefore + 1;
      let rebooted = false;
      for (;;) {
        stats.stepsRun++;
        await send([{ type: 'step-started', seq: next(), stepId: step.id, attempt }]);
        const total = scaled(stepSeconds(step.kind, r), o);
        if (step.kind === 'inventory') {
          await sleep(total, signal);
          await send([{ type: 'inventory', seq: next(), inventory: inventoryOf(id) }]);
        } else {
          // Half the time downloading (with progress), half installing.
          if (step.download) {
            const size = step.download.size ?? 50_000_000;
            for (const pct of [25, 50, 75, 100]) {
              await sleep(total / 8, signal);
              await send([
                {
                  type: 'step-progress',
                  seq: next(),
                  stepId: step.id,
                  attempt,
                  percent: pct / 2,
                  bytes: Math.round((size * pct) / 100),
                  totalBytes: size,
                },
              ]);
            }
          } else {
            await sleep(total / 2, signal);
          }
          if (total > scaled(30, o)) await persist(() => client.heartbeat(token), signal);
          await sleep(total / 2, signal);
        }
        const out = outcome(step, attempt, r, o, step.id === doomed);
        const lines = logLines(step.label, attempt, out);
        await send([{ type: 'step-log', seq: next(), stepId: step.id, attempt, lines }]);
        if (out.fails) {
          stats.failedAttempts++;
          const ack = await send([
            {
              type: 'step-failed',
              seq: next(),
              stepId: step.id,
              attempt,
              exitCode: out.exitCode,
              reason: `exit code ${out.exitCode}`,
              logTail: lines,
            },
          ]);
          if (attempt >= step.retries + 1) {
            return finish(ack.state === 'failed' ? 'failed' : 'error', `${step.id} failed`);
          }
          attempt++;
          continue;
        }
        const ack = await send([
          {
            type: 'step-succeeded',
            seq: next(),
            stepId: step.id,
            attempt,
            exitCode: out.exitCode,
            ...(out.reboot ? { reboot: true } : {}),
            logTail: lines,
          },
        ]);
        if (ack.stop) return finish('done');
        plan.status[step.id] = { status: 'succeeded', attempt };
        rebooted = out.reboot;
        break;
      }
      if (rebooted) {
        // The machine restarts; a PXE-first machine asks the station and boots its disk,
        // then the agent starts again and reads where it is from the plan.
        stats.reboots++;
        await sleep(scaled(rebootSeconds(r), o), signal);
        await persist(() => client.bootScript(ident), signal);
        plan = await persist(() => client.plan<PlanResponse>(token), signal);
        seq = Math.max(seq, plan.lastSeq);
        if (plan.state === 'done') return finish('done');
      }
    }
    const ack = await persist(() => client.heartbeat<AckResponse>(token), signal);
    return ack.state === 'done' || ack.stop
      ? finish('done')
      : finish('error', `ended in ${ack.state}`);
  } catch (err) {
    if (err instanceof HttpError && err.status === 410) return finish('done', 'token expired');
    return finish('error', (err as Error).message);
  }
}

function nextStep(plan: PlanResponse): PlanStep | null {
  return (
    plan.steps.find((s) => !['succeeded', 'skipped'].includes(plan.status[s.id]?.status ?? '')) ??
    null
  );
}

function inventoryOf(id: SimIdentity): Extract<Report, { type: 'inventory' }>['inventory'] {
  return {
    vendor: id.vendor,
    model: id.model,
    serial: id.serial,
    uuid: id.uuid,
    cpu: id.cpu,
    cores: 8,
    ramBytes: id.ramBytes,
    disks: [{ name: 'nvme0n1', model: 'SAMSUNG MZVL2512HCJQ', sizeBytes: id.diskBytes }],
    macs: [id.mac],
    os: 'Simulated OS',
    osVersion: '1.0',
    hostname: `SIM-${id.serial.slice(-6)}`,
    agentVersion: 'simulator',
  };
}
