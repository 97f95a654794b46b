import { choosePacks } from '../drivers/types.js';
import type { Profile } from '../profiles/schema.js';
import type { ProfileStore } from '../profiles/store.js';
import type { SecretStore } from '../profiles/secrets.js';
import type { AgentTokens } from '../agent/tokens.js';
import {
  fixesText,
  problemsText,
  readinessProblems,
  type ReadinessDeps,
} from '../profiles/readiness.js';
import {
  answerFormatFor,
  machineHostname,
  maskedSecrets,
  renderIpxeInstall,
  renderAnswerFile,
  renderMachineFile,
  storeSecrets,
  type Firmware,
  type RenderContext,
} from '../profiles/render/index.js';
import type { BootPreflight, InstallScript } from './boot-resolver.js';
import type { MachinesContext } from './part.js';
import type { MachineRegistry } from './registry.js';
import type { MachineView } from './types.js';

/** Renders one per-machine file (autounattend.xml, user-data, ...), or null if unknown. */
export type AnswerFileRenderer = (input: {
  view: MachineView;
  file: string;
  token: string;
  machineUrl: string;
}) => { contentType: string; body: string } | null;

/** What rendering reads: the station's URL, media and drivers, and the two stores. */
type RenderSource = Pick<MachinesContext, 'benchUrl' | 'media' | 'drivers'>;
interface Stores {
  profiles: ProfileStore;
  secrets: SecretStore;
}

/**
 * The profiles' renderers (main/profiles/render), fed with what the registry knows of a
 * machine. The profile is the store's current resolved one; the secrets are real, since
 * these renders go only to the machine being deployed (the routes check that).
 */
function firmwareOf(platform: string | null | undefined): Firmware {
  return platform === 'efi' ? 'uefi' : 'bios';
}

function renderContext(
  ctx: RenderSource,
  stores: Stores,
  registry: MachineRegistry,
  view: MachineView,
  token: string,
  platform: string | null | undefined,
  secrets = storeSecrets(stores.secrets),
  tokens?: AgentTokens,
): RenderContext {
  const resolved = view.profile ? stores.profiles.get(view.profile) : undefined;
  if (!resolved) throw new Error(`profile "${view.profile ?? ''}" is not loaded`);
  const index = view.batch ? registry.batchMachineIds(view.batch).indexOf(view.id) + 1 : 0;
  return {
    profile: resolved.profile,
    machine: {
      id: view.id,
      macs: view.macs,
      ...(view.uuid ? { uuid: view.uuid } : {}),
      ...(view.serial ? { serial: view.serial } : {}),
      ...(view.vendor ? { vendor: view.vendor } : {}),
      ...(view.model ? { model: view.model } : {}),
      ...(index > 0 ? { index } : {}),
    },
    token,
    stationUrl: ctx.benchUrl,
    firmware: firmwareOf(platform),
    secrets,
    // One-time per deployment: the answer file may be read by any device on the bench.
    ...(tokens ? { adminPassword: tokens.adminPasswordFor(view.id, view.deployment) } : {}),
    ...windowsInputs(ctx, resolved.profile, view),
  };
}

/** Windows: the medium from the media library and the driver packs for this machine. */
function windowsInputs(
  ctx: RenderSource,
  profile: Profile,
  view: MachineView,
): Pick<RenderContext, 'media' | 'drivers'> {
  if (profile.target.os !== 'windows') return {};
  const media = ctx.media?.get(profile.target.media) ?? null;
  const drivers = ctx.drivers
    ? choosePacks(
        ctx.drivers,
        { vendor: view.vendor ?? undefined, model: view.model ?? undefined },
        profile.drivers,
      ).chosen
    : [];
  return { media, drivers };
}

export function profileInstallScript(
  ctx: RenderSource,
  stores: Stores,
  registry: MachineRegistry,
  tokens?: AgentTokens,
): InstallScript {
  return ({ view, req, token }) =>
    renderIpxeInstall(
      renderContext(
        ctx,
        stores,
        registry,
        view,
        token,
        req.platform,
        storeSecrets(stores.secrets),
        tokens,
      ),
    );
}

/**
 * Before a machine gets its installer: the profile is loaded and ready (secrets, packages,
 * medium), and its answer file renders with the real secrets, exactly as the installer will
 * fetch it a minute later. The rendered text is thrown away here; only the verdict is kept.
 */
export function profileBootPreflight(
  ctx: RenderSource,
  stores: Stores,
  registry: MachineRegistry,
  readiness: ReadinessDeps,
  tokens?: AgentTokens,
): BootPreflight {
  return (view, req) => {
    const resolved = view.profile ? stores.profiles.get(view.profile) : undefined;
    if (!resolved) {
      return {
        reason: `Cannot start the installer: profile "${view.profile ?? ''}" has errors or was removed`,
        fix: 'Fix it on the Profiles screen, then press Retry.',
      };
    }
    // Only what stops the render is checked here; a missing package or medium is said on the
    // Profiles list and before an assignment (it fails later, at its own step, with its log).
    const problems = readinessProblems(resolved.profile, readiness).filter(
      (p) => p.kind === 'secret',
    );
    if (problems.length > 0) {
      return {
        reason: `Cannot start the installer: ${problemsText(problems)}`,
        fix: `${fixesText(problems)} Then press Retry.`,
      };
    }
    try {
      const rc = renderContext(
        ctx,
        stores,
        registry,
        view,
        'preflight',
        req.platform,
        storeSecrets(stores.secrets),
        tokens,
      );
      renderAnswerFile(answerFormatFor(rc), rc);
    } catch (err) {
      return {
        reason: `Cannot start the installer: the answer file does not render: ${(err as Error).message}`,
        fix: 'Fix what it says (Secrets or Profiles screen; the profile Preview shows the same), then press Retry.',
      };
    }
    return null;
  };
}

export function profileAnswerFiles(
  ctx: RenderSource,
  stores: Stores,
  registry: MachineRegistry,
  tokens?: AgentTokens,
): AnswerFileRenderer {
  return ({ view, file, token }) =>
    renderMachineFile(
      file,
      renderContext(
        ctx,
        stores,
        registry,
        view,
        token,
        view.bootPlatform,
        storeSecrets(stores.secrets),
        tokens,
      ),
    );
}

/**
 * What some plan steps need that depends on the machine: the hostname a `hostname` check
 * expects, the workgroup or domain a `joined` check expects (never its password).
 */
export function profilePlanParams(
  ctx: RenderSource,
  stores: Stores,
  registry: MachineRegistry,
): (view: MachineView) => Record<string, Record<string, unknown>> {
  return (view) => {
    const out: Record<string, Record<string, unknown>> = {};
    const checks = view.steps.filter((s) => s.kind === 'check');
    if (!checks.some((s) => s.plan.type === 'hostname' || s.plan.type === 'joined')) return out;
    const rc = renderContext(ctx, stores, registry, view, '', view.bootPlatform, maskedSecrets);
    const join = rc.profile.join;
    for (const s of checks) {
      if (s.plan.type === 'hostname') out[s.id] = { expected: machineHostname(rc) };
      if (s.plan.type === 'joined') {
        out[s.id] =
          join.type === 'domain'
            ? { expected: { type: 'domain', domain: join.domain } }
            : { expected: { type: 'workgroup', name: join.name } };
      }
    }
    return out;
  };
}
