import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Per-machine agent tokens. A token is an HMAC of (machine, deployment) under a station key
 * kept in the data dir, so the station can hand the same token out again in a re-fetched
 * boot script without storing tokens anywhere: the database holds none, and only the
 * current deployment's token of a machine that is not done opens anything.
 */
export function loadOrCreateAgentKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'agent-key');
  try {
    const k = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
    if (k.length >= 32) return k;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = crypto.randomBytes(32);
  fs.mkdirSync(dataDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, key.toString('base64url') + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
  return key;
}

export interface TokenOwner {
  machineId: string;
  deployment: number;
}

export class AgentTokens {
  /** sha256(token) -> owner, for every deployment ever made (old ones answer "expired"). */
  private readonly owners = new Map<string, TokenOwner>();

  constructor(private readonly key: Buffer) {}

  tokenFor(machineId: string, deployment: number): string {
    const t = crypto
      .createHmac('sha256', this.key)
      .update(`prepstation-agent:${machineId}:${deployment}`)
      .digest('base64url');
    this.owners.set(digest(t), { machineId, deployment });
    return t;
  }

  /**
   * The local admin password an answer file sets for one deployment: one-time, since the
   * answer file travels over the bench and any device there may have fetched it. Derived
   * like the token (nothing stored), under another label, so neither gives the other
   * away; the agent replaces it with the real one (plan step local-admin-password).
   * Letters of both cases, digits and a dash, for Windows' complexity rules.
   */
  adminPasswordFor(machineId: string, deployment: number): string {
    const raw = crypto
      .createHmac('sha256', this.key)
      .update(`prepstation-admin-once:${machineId}:${deployment}`)
      .digest('base64url')
      .slice(0, 20);
    return `Ps1-${raw}`;
  }

  /** Learns the token of a deployment without handing it out (at replay). */
  remember(machineId: string, deployment: number): void {
    this.tokenFor(machineId, deployment);
  }

  /** Who a token belongs to; a hash lookup, so timing says nothing about the token. */
  ownerOf(token: string | undefined): TokenOwner | null {
    if (!token || token.length > 200) return null;
    return this.owners.get(digest(token)) ?? null;
  }
}

function digest(token: string): string {
  return crypto.hash('sha256', token, 'hex');
}
