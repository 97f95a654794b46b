/**
 * What a simulated machine is and does, pure and seeded: the same seed gives the same
 * bench (identities, durations, which steps fail once, which ask for a reboot), so a
 * demo or a failing load test can be replayed.
 */

/** mulberry32: small, fast, good enough to spread timings and choices. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimIdentity {
  index: number;
  mac: string;
  uuid: string;
  serial: string;
  vendor: string;
  model: string;
  cpu: string;
  ramBytes: number;
  diskBytes: number;
}

const models: [string, string, string][] = [
  ['Dell Inc.', 'OptiPlex 7010', 'Intel(R) Core(TM) i5-13500'],
  ['Dell Inc.', 'Latitude 5440', 'Intel(R) Core(TM) i5-1335U'],
  ['HP', 'HP EliteDesk 800 G9 Desktop Mini PC', 'Intel(R) Core(TM) i7-12700T'],
  ['HP', 'HP ProBook 450 15.6 inch G10', 'Intel(R) Core(TM) i5-1335U'],
  ['LENOVO', '11T3S0QB00', 'AMD Ryzen 5 PRO 5650GE'],
  ['LENOVO', '21JK0081GE', 'Intel(R) Core(TM) i7-1355U'],
];

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

/**
 * Locally administered MACs (02:…) in a range of their own, so simulated machines never
 * collide with real NICs on the same station.
 */
export function identity(index: number, seed: number): SimIdentity {
  const r = rng(seed * 100_003 + index);
  const salt = Math.floor(r() * 0xff);
  const [vendor, model, cpu] = models[Math.floor(r() * models.length)]!;
  const uuidHex = Array.from({ length: 4 }, () => hex(Math.floor(r() * 2 ** 32), 8)).join('');
  return {
    index,
    mac: [
      '02',
      '50',
      hex(salt, 2),
      hex((index >> 16) & 0xff, 2),
      hex((index >> 8) & 0xff, 2),
      hex(index & 0xff, 2),
    ].join(':'),
    uuid: `${uuidHex.slice(0, 8)}-${uuidHex.slice(8, 12)}-4${uuidHex.slice(13, 16)}-a${uuidHex.slice(17, 20)}-${uuidHex.slice(20, 32)}`,
    serial: `SIM${hex(seed & 0xfff, 3).toUpperCase()}${String(index).padStart(5, '0')}`,
    vendor,
    model,
    cpu,
    ramBytes: [8, 16, 32][Math.floor(r() * 3)]! * 2 ** 30,
    diskBytes: [256, 512, 1024][Math.floor(r() * 3)]! * 10 ** 9,
  };
}

export interface SimOptions {
  /** 1 = real time; 100 = a 10-minute OS install takes 6 s. */
  speed: number;
  /** Chance that a step with retries fails its first attempt (and passes the retry). */
  failRate: number;
  /** Chance that an app install asks for a reboot (exit 3010). */
  rebootRate: number;
  /**
   * Chance that a machine has one app step that fails on every attempt, so the machine
   * ends failed (demos and tests of real failures; --fail-rate only fails first attempts).
   */
  finalFailRate?: number;
  seed: number;
}

/** Seconds of real time, scaled by the speed factor, in ms. */
export function scaled(seconds: number, o: Pick<SimOptions, 'speed'>): number {
  return Math.max(1, Math.round((seconds * 1000) / o.speed));
}

/** How long things take on a real bench, in seconds (before scaling). */
export function stepSeconds(kind: string, r: () => number): number {
  switch (kind) {
    case 'inventory':
      return 3 + r() * 4;
    case 'app':
      return 30 + r() * 150;
    case 'config':
      return 2 + r() * 8;
    case 'check':
      return 1 + r() * 4;
    default:
      return 5;
  }
}

export const osInstallSeconds = (r: () => number) => 480 + r() * 420;
export const rebootSeconds = (r: () => number) => 40 + r() * 50;
export const firmwareSeconds = (r: () => number) => 8 + r() * 12;

export interface StepOutcome {
  exitCode: number;
  fails: boolean;
  reboot: boolean;
}

/**
 * The step this machine can never get through (an app, else any step), or null. Draws from
 * `r` only when a final-failure rate is set, so seeds without one replay as before.
 */
export function doomedStep(
  steps: readonly { id: string; kind: string }[],
  r: () => number,
  o: Pick<SimOptions, 'finalFailRate'>,
): string | null {
  if (!o.finalFailRate || r() >= o.finalFailRate) return null;
  const apps = steps.filter((s) => s.kind === 'app');
  const pool = apps.length > 0 ? apps : steps;
  return pool.length > 0 ? pool[Math.floor(r() * pool.length)]!.id : null;
}

/**
 * What one attempt of a step does. Retryable steps fail their first attempt at the fail
 * rate; a doomed step (doomedStep) fails every attempt.
 */
export function outcome(
  step: { kind: string; retries: number; rebootCodes: number[] },
  attempt: number,
  r: () => number,
  o: SimOptions,
  doomed = false,
): StepOutcome {
  if (doomed) return { exitCode: step.kind === 'app' ? 1603 : 1, fails: true, reboot: false };
  if (attempt === 1 && step.retries > 0 && r() < o.failRate) {
    return { exitCode: step.kind === 'app' ? 1603 : 1, fails: true, reboot: false };
  }
  if (step.kind === 'app' && step.rebootCodes.includes(3010) && r() < o.rebootRate) {
    return { exitCode: 3010, fails: false, reboot: true };
  }
  return { exitCode: 0, fails: false, reboot: false };
}

/** The log lines an installer would print, a few per step. */
export function logLines(label: string, attempt: number, o: StepOutcome): string[] {
  const lines = [
    `${label}: attempt ${attempt}`,
    'MSI (s) (A4:1C) [10:42:07:311]: Product: installing',
  ];
  if (o.fails) lines.push('Error 1603: a fatal error occurred during installation (simulated)');
  else if (o.reboot) lines.push('Installation success; a restart is required (3010)');
  else lines.push('Installation completed successfully');
  return lines;
}
