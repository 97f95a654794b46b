import type { App, AppSource, Check, ConfigStep, Join, Profile } from '../profiles/schema.js';
import type { PlanDownload, PlanStep } from './protocol.js';

/**
 * The plan builder, pure: profile -> ordered agent steps. Inventory first (it names the
 * machine on the dashboard early), then apps, configuration and checks in profile order.
 * Download URLs are station paths (/files/...) or the profile's own URL; routes make
 * station paths absolute when the agent fetches the plan, so a plan stays valid when the
 * bench address changes.
 */

/** An app library package (issue 7): where it is under /files and how to check it. */
export interface LibraryPackage {
  path: string;
  size: number;
  sha256: string;
}

export type PackageLookup = (id: string) => LibraryPackage | null;

export interface PlanOptions {
  packages?: PackageLookup;
}

const noPackages: PackageLookup = () => null;

function fileName(url: string): string {
  const last = url.split(/[?#]/)[0]!.split('/').filter(Boolean).at(-1);
  return last ? decodeURIComponent(last) : 'download';
}

function downloadFor(source: AppSource, packages: PackageLookup): PlanDownload | null {
  if ('url' in source) {
    return {
      url: source.url,
      size: source.size,
      sha256: source.sha256,
      name: fileName(source.url),
    };
  }
  if ('package' in source) {
    const pkg = packages(source.package);
    // Without the library entry the agent still gets a URL; it fails the step visibly (404).
    const path = pkg?.path ?? `packages/${source.package}`;
    const url = `/files/${path.split('/').map(encodeURIComponent).join('/')}`;
    return { url, size: pkg?.size ?? null, sha256: pkg?.sha256 ?? null, name: fileName(url) };
  }
  return null;
}

function stationFile(path: string): PlanDownload {
  const url = `/files/${path.split('/').map(encodeURIComponent).join('/')}`;
  return { url, size: null, sha256: null, name: fileName(url) };
}

/** Quote for cmd.exe and sh alike: the agent substitutes {file} with a path without quotes. */
function appCommand(app: App): { command: string; shell: PlanStep['shell'] } {
  const args = app.args ? ` ${app.args}` : '';
  switch (app.installer) {
    case 'msi':
      return { command: `msiexec /i "{file}"${args}`, shell: 'cmd' };
    case 'exe':
      return { command: `"{file}"${args}`, shell: 'cmd' };
    case 'msix':
      // Provisioned for every account, present and future (agent.ps1 does this in-process);
      // Add-AppxPackage as SYSTEM would install it for SYSTEM only.
      return {
        command: `Add-AppxProvisionedPackage -Online -PackagePath "{file}" -SkipLicense${args}`,
        shell: 'powershell',
      };
    case 'ps1':
      return {
        command: `powershell -NoProfile -ExecutionPolicy Bypass -File "{file}"${args}`,
        shell: 'cmd',
      };
    case 'deb':
      return {
        command: `DEBIAN_FRONTEND=noninteractive apt-get install -y "{file}"${args}`,
        shell: 'sh',
      };
    case 'rpm':
      return { command: `dnf install -y "{file}"${args}`, shell: 'sh' };
    case 'sh':
      return { command: `sh "{file}"${args}`, shell: 'sh' };
    case 'system': {
      const name = 'system' in app.source ? app.source.system : app.id;
      return {
        command: `if command -v apt-get >/dev/null 2>&1; then DEBIAN_FRONTEND=noninteractive apt-get install -y ${name}${args}; else dnf install -y ${name}${args}; fi`,
        shell: 'sh',
      };
    }
  }
}

/** Profile item fields that are not the step's own parameters. */
function paramsOf(item: object, drop: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) {
    if (!['id', 'name', 'enabled', ...drop].includes(k)) out[k] = v;
  }
  return out;
}

function appStep(app: App, packages: PackageLookup): PlanStep {
  const { command, shell } = appCommand(app);
  return {
    id: `app-${app.id}`,
    kind: 'app',
    type: app.installer,
    label: `Install ${app.name}`,
    download: downloadFor(app.source, packages),
    command,
    shell,
    successCodes: app.successCodes,
    rebootCodes: app.rebootCodes,
    timeoutSeconds: app.timeoutSeconds,
    retries: app.retries,
    params: app.detect ? { detect: app.detect } : {},
  };
}

const configLabels: Record<ConfigStep['type'], string> = {
  registry: 'Set registry value',
  file: 'Write file',
  script: 'Run script',
  wifi: 'Configure Wi-Fi',
  power: 'Set power options',
  wallpaper: 'Set wallpaper',
};

function configStep(c: ConfigStep, packages: PackageLookup): PlanStep {
  const base = {
    id: `config-${c.id}`,
    kind: 'config' as const,
    type: c.type,
    label: c.name ?? `${configLabels[c.type]} (${c.id})`,
    download: null,
    command: null,
    shell: null,
    successCodes: [0],
    rebootCodes: [],
    timeoutSeconds: 300,
    retries: 0,
  };
  switch (c.type) {
    case 'script':
      return {
        ...base,
        command: c.script,
        shell: c.shell,
        successCodes: c.successCodes,
        rebootCodes: c.rebootCodes,
        timeoutSeconds: c.timeoutSeconds,
        params: {},
      };
    case 'file':
      return {
        ...base,
        download: c.source ? downloadFor(c.source, packages) : null,
        params: paramsOf(c, ['type', 'source']),
      };
    case 'wallpaper':
      return {
        ...base,
        download: stationFile(c.image),
        params: paramsOf(c, ['type']),
      };
    case 'registry':
    case 'wifi':
    case 'power':
      return { ...base, params: paramsOf(c, ['type']) };
  }
}

/**
 * Every check carries the value it expects in params.expected (docs/agent-protocol.md,
 * "Checks"): the agent compares and reports PASS or FAIL with both values. The hostname
 * depends on the machine (its serial, its index): the station adds it when it serves the
 * plan (profilePlanParams); the join target is the profile's, known here.
 */
function checkStep(c: Check, apps: App[], join: Join): PlanStep {
  const base = {
    id: `check-${c.id}`,
    kind: 'check' as const,
    type: c.type,
    label: c.name ?? `Check ${c.type} (${c.id})`,
    download: null,
    command: null,
    shell: null,
    successCodes: [0],
    rebootCodes: [],
    timeoutSeconds: 300,
    retries: 0,
  };
  switch (c.type) {
    case 'command':
      return {
        ...base,
        command: c.command,
        shell: c.shell,
        successCodes: [c.expectedExitCode],
        params: c.expectedOutput !== undefined ? { expectedOutput: c.expectedOutput } : {},
      };
    case 'app-installed': {
      const app = apps.find((a) => a.id === c.app);
      return {
        ...base,
        params: { app: c.app, detect: app?.detect ?? null, expected: 'installed' },
      };
    }
    case 'file-exists':
      return { ...base, params: { ...paramsOf(c, ['type']), expected: 'exists' } };
    case 'joined':
      return {
        ...base,
        params: {
          ...paramsOf(c, ['type']),
          expected:
            join.type === 'domain'
              ? { type: 'domain', domain: join.domain }
              : { type: 'workgroup', name: join.name },
        },
      };
    case 'registry':
    case 'service':
    case 'hostname':
      return { ...base, params: paramsOf(c, ['type']) };
  }
}

export const inventoryStep: PlanStep = {
  id: 'inventory',
  kind: 'inventory',
  type: 'inventory',
  label: 'Collect inventory',
  download: null,
  command: null,
  shell: null,
  successCodes: [0],
  rebootCodes: [],
  timeoutSeconds: 300,
  retries: 2,
  params: {},
};

/**
 * The answer file set a one-time password for the local admin (it travels in a file any
 * device on the bench could have fetched); this step sets the real one, which the agent
 * fetches over its authenticated channel (GET /agent/v1/secrets/:name) and never logs.
 * Right after inventory: the one-time password should not outlive the first minutes.
 */
export function localAdminStep(profile: Profile): PlanStep {
  return {
    id: 'config-local-admin',
    kind: 'config',
    type: 'local-admin-password',
    label: `Set the password of the local admin (${profile.admin.username})`,
    download: null,
    command: null,
    shell: null,
    successCodes: [0],
    rebootCodes: [],
    timeoutSeconds: 300,
    retries: 2,
    params: { user: profile.admin.username, secret: profile.admin.password.secret },
  };
}

/**
 * A domain join, done by the agent rather than the answer file: the join account's password
 * comes from GET /agent/v1/secrets/:name with the machine's token, never from a file any
 * bench device could fetch. Windows asks for a restart to finish the join (the step says so).
 */
export function domainJoinStep(join: Extract<Profile['join'], { type: 'domain' }>): PlanStep {
  return {
    id: 'config-domain-join',
    kind: 'config',
    type: 'domain-join',
    label: `Join the domain ${join.domain}`,
    download: null,
    command: null,
    shell: null,
    successCodes: [0],
    rebootCodes: [],
    timeoutSeconds: 600,
    retries: 2,
    params: {
      domain: join.domain,
      user: join.username,
      secret: join.password.secret,
      ...(join.ou ? { ou: join.ou } : {}),
    },
  };
}

export function buildPlanSteps(profile: Profile, opts: PlanOptions = {}): PlanStep[] {
  const packages = opts.packages ?? noPackages;
  const apps = profile.apps.filter((a) => a.enabled);
  return [
    inventoryStep,
    // Every valid profile has an admin; hand-made partial profiles (report fixtures) may not.
    ...((profile.admin as Profile['admin'] | undefined) ? [localAdminStep(profile)] : []),
    ...(profile.join?.type === 'domain' ? [domainJoinStep(profile.join)] : []),
    ...apps.map((a) => appStep(a, packages)),
    ...profile.config.filter((c) => c.enabled).map((c) => configStep(c, packages)),
    ...profile.checks.filter((c) => c.enabled).map((c) => checkStep(c, apps, profile.join)),
  ];
}

/** Station paths (/files/...) become absolute for the agent; other URLs stay as they are. */
export function absolutePlanSteps(steps: PlanStep[], benchUrl: string): PlanStep[] {
  return steps.map((s) =>
    s.download && s.download.url.startsWith('/')
      ? { ...s, download: { ...s.download, url: benchUrl + s.download.url } }
      : s,
  );
}
