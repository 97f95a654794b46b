import { buildPlanSteps } from '../../../../main/agent/plan.js';
import type { Entry, EntryData } from '../../../../main/machines/types.js';
import type { Profile } from '../../../../main/profiles/schema.js';

/**
 * Synthetic machine event logs, shaped exactly like what the registry stores, for the
 * report unit tests and the benchmark (scripts/bench/report.ts). The integration tests
 * drive a real station instead.
 */

export const SECRET = 'Hunter2-Sup3rSecret';

const app = {
  enabled: true,
  installer: 'exe',
  args: '',
  successCodes: [0],
  rebootCodes: [3010, 1641],
  timeoutSeconds: 1800,
  retries: 1,
} as const;
const item = { enabled: true } as const;

/** A resolved profile, written out whole (defaults filled in) so these fixtures need no parser. */
export const profile = {
  id: 'mueller-office',
  name: 'Müller & Söhne: office PC',
  customer: { name: 'Müller & Söhne GmbH', code: 'MS' },
  apps: [
    {
      ...app,
      id: 'firefox',
      name: 'Mozilla Firefox ESR',
      installer: 'msi',
      args: '/qn',
      source: { package: 'firefox-esr' },
      detect: { type: 'uninstall-key', displayName: 'Mozilla Firefox', version: '128.5.0' },
    },
    { ...app, id: '7zip', name: '7-Zip', source: { package: '7zip' }, args: '/S' },
    {
      ...app,
      id: 'libreoffice',
      name: 'LibreOffice',
      installer: 'msi',
      source: {
        url: 'https://download.example/LibreOffice_24.8.3_Win_x86-64.msi',
        sha256: 'a'.repeat(64),
        size: 350_000_000,
      },
    },
  ],
  config: [
    {
      ...item,
      id: 'no-consumer',
      type: 'registry',
      key: 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows\\CloudContent',
      valueName: 'DisableWindowsConsumerFeatures',
      kind: 'DWord',
      value: 1,
      delete: false,
    },
    {
      ...item,
      id: 'office-wifi',
      type: 'wifi',
      ssid: 'Müller-Büro',
      security: 'wpa2-personal',
      passphrase: { secret: 'wifi-key' },
      hidden: false,
      autoConnect: true,
    },
    { ...item, id: 'power', type: 'power', plan: 'high-performance', sleepMinutesAc: 0 },
  ],
  checks: [
    { ...item, id: 'firefox', type: 'app-installed', app: 'firefox', name: 'Firefox is installed' },
    { ...item, id: 'spooler', type: 'service', service: 'Spooler', expected: 'running' },
    {
      ...item,
      id: 'bitlocker',
      type: 'command',
      shell: 'powershell',
      command: '(Get-BitLockerVolume C:).ProtectionStatus',
      expectedExitCode: 0,
      expectedOutput: 'On',
      name: 'BitLocker is on',
    },
  ],
} as unknown as Profile;

export type Variant = 'done' | 'retried' | 'failed' | 'in-progress' | 'technician';

export interface LogOptions {
  machineId: string;
  index: number;
  start: Date;
  variant: Variant;
  batch?: string | null;
}

export function macOf(index: number): string {
  const hex = index.toString(16).padStart(6, '0');
  return `52:54:00:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

/** A whole deployment's log; step timings advance a few seconds to minutes each. */
export function deploymentLog(o: LogOptions): Entry[] {
  const entries: Entry[] = [];
  let t = o.start.getTime();
  let deployment = 0;
  let seq = 0;
  const add = (data: EntryData, advanceSeconds = 5): void => {
    t += advanceSeconds * 1000;
    entries.push({
      id: entries.length + 1,
      machineId: o.machineId,
      at: new Date(t).toISOString(),
      deployment,
      data,
    });
  };
  const mac = macOf(o.index);
  const serial = `SN-${String(o.index).padStart(5, '0')}`;
  add({ kind: 'discovered', mac, via: 'dhcp', ip: '10.99.0.50' }, 0);
  if (o.variant === 'technician') {
    // An earlier deployment that failed, then the technician reset the machine.
    deployment = 1;
    add(assigned(o.batch ?? null, 'batch'));
    add({ kind: 'booting', ip: '10.99.0.50' });
    add({ kind: 'failed', stepId: null, reason: 'No disk found by the installer' }, 300);
  }
  deployment += 1;
  add(assigned(o.batch ?? null, o.variant === 'technician' ? 'reset' : 'batch'));
  add({ kind: 'booting', ip: '10.99.0.50', platform: 'efi-x64' }, 20);
  add({ kind: 'answer-file', file: 'autounattend.xml', ip: '10.99.0.50', bytes: 8123 }, 30);
  add({ kind: 'installing-os', file: 'autounattend.xml', ip: '10.99.0.50' }, 1);
  add({ kind: 'provisioning', ip: '10.99.0.50' }, 900);
  const step = (
    stepId: string,
    status: 'started' | 'succeeded' | 'failed' | 'skipped',
    extra: Partial<Extract<EntryData, { kind: 'step' }>> = {},
    secs = 20,
  ): void => add({ kind: 'step', seq: ++seq, stepId, attempt: 1, status, ...extra }, secs);
  step('inventory', 'started');
  add({
    kind: 'inventory',
    seq: ++seq,
    inventory: {
      vendor: 'LENOVO',
      model: 'ThinkCentre M70q Gen 4',
      serial,
      uuid: `4c4c4544-0000-1000-8000-${String(o.index).padStart(12, '0')}`,
      cpu: 'Intel(R) Core(TM) i5-13400T',
      cores: 10,
      ramBytes: 16 * 1024 ** 3,
      disks: [{ name: 'nvme0', model: 'SAMSUNG MZVL4512HBLU', sizeBytes: 512_110_190_592 }],
      macs: [mac],
      os: 'Windows 11 Pro',
      osVersion: '24H2 (26100.2605)',
      hostname: `MS-${String(o.index).padStart(6, '0')}`,
      bios: 'M4WKT3BA',
      agentVersion: '1.0.0',
    },
  });
  step('inventory', 'succeeded', { exitCode: 0 });
  if (o.variant === 'in-progress') {
    step('app-firefox', 'started');
    add({ kind: 'progress', seq: ++seq, stepId: 'app-firefox', attempt: 1, percent: 40 });
    return entries;
  }
  step('app-firefox', 'started');
  step('app-firefox', 'succeeded', { exitCode: 0, message: 'installed version 128.5.0' }, 95);
  step('app-7zip', 'started');
  if (o.variant === 'retried' || o.variant === 'failed') {
    add({
      kind: 'log',
      seq: ++seq,
      stepId: 'app-7zip',
      attempt: 1,
      lines: ['7z2409-x64.exe /S', `net use \\\\srv\\share /user:deploy password=${SECRET}`],
    });
    step('app-7zip', 'failed', {
      exitCode: 1603,
      message: 'exit code 1603: fatal error during installation',
      logTail: ['MSI (s) (A0:1C): Product: 7-Zip -- Installation failed.'],
      final: false,
    });
    add({ kind: 'step', seq: ++seq, stepId: 'app-7zip', attempt: 2, status: 'started' }, 5);
    if (o.variant === 'failed') {
      add(
        {
          kind: 'step',
          seq: ++seq,
          stepId: 'app-7zip',
          attempt: 2,
          status: 'failed',
          exitCode: 1603,
          message: 'exit code 1603 again',
          final: true,
        },
        40,
      );
      return entries;
    }
    add(
      {
        kind: 'step',
        seq: ++seq,
        stepId: 'app-7zip',
        attempt: 2,
        status: 'succeeded',
        exitCode: 0,
      },
      40,
    );
  } else {
    step('app-7zip', 'succeeded', { exitCode: 0 }, 12);
  }
  step('app-libreoffice', 'started');
  step('app-libreoffice', 'succeeded', { exitCode: 3010, reboot: true }, 240);
  for (const id of ['config-no-consumer', 'config-office-wifi', 'config-power']) {
    step(id, 'started', {}, 3);
    step(id, 'succeeded', { exitCode: 0 }, 2);
  }
  step('check-firefox', 'started', {}, 2);
  step('check-firefox', 'succeeded', { message: 'Mozilla Firefox 128.5.0 ESR (x64 de) found' }, 1);
  step('check-spooler', 'started', {}, 2);
  step('check-spooler', 'succeeded', { message: 'Spooler is running' }, 1);
  step('check-bitlocker', 'started', {}, 2);
  if (o.variant === 'technician') {
    step(
      'check-bitlocker',
      'failed',
      { exitCode: 0, message: 'output was "Off", expected "On"', logTail: ['Off'], final: true },
      3,
    );
    add({ kind: 'skip-step', stepId: 'check-bitlocker' }, 600);
    add({ kind: 'done', by: 'agent' }, 0);
    return entries;
  }
  step('check-bitlocker', 'succeeded', { message: 'output "On"', logTail: ['On'] }, 3);
  add({ kind: 'done', by: 'agent' }, 1);
  return entries;
}

function assigned(batch: string | null, by: 'batch' | 'reset'): EntryData {
  return {
    kind: 'assigned',
    profile: profile.id,
    profileVersion: '3f9a1c0d5e7b2468',
    profileName: profile.name,
    customer: profile.customer?.name ?? null,
    batch,
    by,
    steps: buildPlanSteps(profile),
  };
}
