import type { ChosenPack } from '../../drivers/types.js';
import type { MediaRecord } from '../../media/types.js';
import type { Profile } from '../schema.js';

/** The machine an answer file is rendered for (what the registry knows of it). */
export interface MachineInfo {
  id: string;
  macs: string[];
  uuid?: string;
  serial?: string;
  vendor?: string;
  model?: string;
  /** Position in a batch (1-based), for hostname patterns with {index}. */
  index?: number;
}

/**
 * Gives a secret's value by name. The station passes the real store only when rendering
 * for the machine being deployed; previews and `check` get the masked one.
 */
export interface SecretResolver {
  get(name: string): string;
  readonly masked: boolean;
}

export type Firmware = 'bios' | 'uefi';

/** Everything a renderer needs; renderers are pure functions of this. */
export interface RenderContext {
  /** Resolved and validated (ProfileStore.get). */
  profile: Profile;
  machine: MachineInfo;
  /** The machine's agent token: goes into its per-machine URLs. */
  token: string;
  /** Base URL of the bench listener (ctx.benchUrl), no trailing slash. */
  stationUrl: string;
  firmware: Firmware;
  secrets: SecretResolver;
  /**
   * The password an answer file sets for the local admin: one-time per deployment (the
   * agent sets the real one later). Optional until the station passes it everywhere.
   */
  adminPassword?: string;
  /** Windows: the profile's medium from the media library (null: not imported). */
  media?: MediaRecord | null;
  /** Windows: the driver packs chosen for this machine (drivers/types.ts choosePacks). */
  drivers?: ChosenPack[];
}

export class RenderError extends Error {
  constructor(
    readonly code: 'missing_secret' | 'unsupported' | 'bad_value',
    message: string,
  ) {
    super(message);
    this.name = 'RenderError';
  }
}

export const MASK = '********';

export const maskedSecrets: SecretResolver = { get: () => MASK, masked: true };

/** Real values from the secret store; a missing secret stops the render with its name. */
export function storeSecrets(store: { reveal(name: string): string | undefined }): SecretResolver {
  return {
    masked: false,
    get(name) {
      const v = store.reveal(name);
      if (v === undefined) {
        throw new RenderError(
          'missing_secret',
          `secret "${name}" is not set; add it under Secrets (prepstation never stores it in a profile)`,
        );
      }
      return v;
    },
  };
}

/** `${stationUrl}/t/<token>`: per-machine URLs carry the token in the path (logs mask it). */
export function machineUrl(rc: RenderContext): string {
  return `${rc.stationUrl.replace(/\/+$/, '')}/t/${rc.token}`;
}

/** Files from the station files dir (boot.wim, kernels, ISOs), no token. */
export function filesUrl(rc: RenderContext, rel: string): string {
  const clean = rel.replace(/\\/g, '/').replace(/^\/+/, '');
  return `${rc.stationUrl.replace(/\/+$/, '')}/files/${clean.split('/').map(encodeURIComponent).join('/')}`;
}

/** The station's host as machines see it (for {station} in UNC paths). */
export function stationHost(rc: RenderContext): string {
  return new URL(rc.stationUrl).hostname.replace(/^\[|\]$/g, '');
}

/** A machine for previews when no real one is chosen. */
export const sampleMachine: MachineInfo = {
  id: 'sample',
  macs: ['52:54:00:12:34:56'],
  uuid: '4c4c4544-0042-3510-8052-b4c04f4a3232',
  serial: 'SAMPLE5CG1234XYZ',
  vendor: 'Sample Vendor',
  model: 'Sample Model 800 G9',
  index: 1,
};
