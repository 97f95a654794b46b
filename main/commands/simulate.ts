import { simulate, type SimulateOptions, type SimulateSummary } from '../simulate/run.js';
import { helpFlag, parseCommandLine, switchFlag, valueFlag } from '../util/args.js';

export function simulateHelp(): string {
  return [
    'prepstation simulate --station URL --machines N [options]',
    '    N simulated PCs through the real protocols of a running station: iPXE boot script,',
    '    answer files, the agent API. A client like any PC on the bench, not a station mode.',
    '  --station URL      the bench listener, e.g. http://192.168.50.1:8080',
    '  --machines N       how many PCs (default 10)',
    '  --assign PROFILE   assign them all to PROFILE first (needs --ui and --ui-token)',
    '  --ui URL           the UI listener, e.g. http://127.0.0.1:7780 (for --assign, --measure)',
    '  --ui-token T       the station token (or PREPSTATION_UI_TOKEN)',
    '  --speed F          time factor: 1 is real time (an OS install ~10 min), 60 a minute per hour (default 1)',
    '  --fail-rate P      chance a retryable step fails its first attempt (default 0.1)',
    '  --final-fail-rate P  chance a PC has an app that fails every attempt: it ends failed (default 0)',
    '  --reboot-rate P    chance an app install asks for a reboot (default 0.15)',
    '  --ramp S           spread power-ons over S bench seconds (default 60)',
    '  --wait S           how long an unassigned PC keeps asking, bench seconds (default 3600)',
    '  --seed N           same seed, same bench (default 1)',
    '  --measure          time report -> event on the UI stream (p50, p95)',
    '  --json             print the summary as JSON',
  ].join('\n');
}

const simulateFlags = {
  station: valueFlag,
  machines: valueFlag,
  assign: valueFlag,
  ui: valueFlag,
  'ui-token': valueFlag,
  speed: valueFlag,
  'fail-rate': valueFlag,
  'final-fail-rate': valueFlag,
  'reboot-rate': valueFlag,
  ramp: valueFlag,
  wait: valueFlag,
  seed: valueFlag,
  measure: switchFlag,
  json: switchFlag,
  help: helpFlag,
};
type Numeric =
  'machines' | 'speed' | 'fail-rate' | 'final-fail-rate' | 'reboot-rate' | 'ramp' | 'wait' | 'seed';

export function parseSimulateArgs(argv: string[]): SimulateOptions & { json: boolean } {
  const v = parseCommandLine(argv, simulateFlags).values;
  const num = (k: Numeric, def: number, min: number, max: number) => {
    const raw = v[k];
    const n = raw === undefined ? def : Number(raw);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new Error(`--${k} must be a number from ${min} to ${max}`);
    return n;
  };
  const station = v.station;
  if (!station || !/^https?:\/\//.test(station)) {
    throw new Error('--station URL is needed, e.g. --station http://127.0.0.1:8080');
  }
  const uiUrl = v.ui;
  const token = v['ui-token'] ?? process.env.PREPSTATION_UI_TOKEN;
  const assign = v.assign ?? null;
  const measure = v.measure === true;
  if ((assign || measure) && (!uiUrl || !token)) {
    throw new Error('--assign and --measure need --ui URL and --ui-token T (the station token)');
  }
  return {
    benchUrl: station,
    ui: uiUrl && token ? { url: uiUrl.replace(/\/$/, ''), token } : null,
    machines: Math.floor(num('machines', 10, 1, 10_000)),
    assign,
    speed: num('speed', 1, 0.01, 100_000),
    failRate: num('fail-rate', 0.1, 0, 1),
    finalFailRate: num('final-fail-rate', 0, 0, 1),
    rebootRate: num('reboot-rate', 0.15, 0, 1),
    rampSeconds: num('ramp', 60, 0, 86_400),
    waitSeconds: num('wait', 3600, 0, 604_800),
    seed: Math.floor(num('seed', 1, 0, 2 ** 31)),
    measure,
    json: v.json === true,
  };
}

export function formatSummary(s: SimulateSummary): string {
  const r = s.results;
  const lines = [
    `${s.machines} machines in ${(s.wallMs / 1000).toFixed(1)} s: ${r.done} done, ${r.failed} failed, ${r.unassigned} never assigned, ${r['local-boot']} sent to local disk, ${r.error} errors`,
    `${s.stepsRun} step attempts (${s.failedAttempts} failed, retried), ${s.reboots} reboots, ${s.reportsSent} reports, ${s.answerFiles} answer files`,
  ];
  if (s.latency) {
    lines.push(
      `report -> event stream: p50 ${s.latency.p50} ms, p95 ${s.latency.p95} ms, max ${s.latency.max} ms (${s.latency.count} timeline events)`,
    );
  }
  for (const m of s.perMachine.filter((x) => x.result === 'error').slice(0, 10)) {
    lines.push(`  ${m.mac} (${m.machineId ?? '?'}): ${m.detail ?? 'error'}`);
  }
  return lines.join('\n');
}

/** prepstation simulate: exit 0 when every machine reached done, 1 otherwise. */
export async function simulateCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(simulateHelp() + '\n');
    return 0;
  }
  let opts;
  try {
    opts = parseSimulateArgs(argv);
  } catch (err) {
    process.stderr.write(`prepstation simulate: ${(err as Error).message}\n\n${simulateHelp()}\n`);
    return 2;
  }
  const ctrl = new AbortController();
  const stop = () => ctrl.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const summary = await simulate({ ...opts, signal: ctrl.signal });
    process.stdout.write(
      (opts.json ? JSON.stringify(summary, null, 2) : formatSummary(summary)) + '\n',
    );
    return summary.results.done === summary.machines ? 0 : 1;
  } catch (err) {
    process.stderr.write(`prepstation simulate: ${(err as Error).message}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}
