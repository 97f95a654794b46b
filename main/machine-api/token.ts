import type { AgentTokens } from '../agent/tokens.js';
import type { MachineLifecycle } from '../machines/lifecycle.js';
import type { AnswerFileRenderer } from '../machines/renderers.js';
import type { MachineView } from '../machines/types.js';

/**
 * The machine API: the bench listener's routes that a machine opens with its deployment's
 * token (/agent/v1/*, /t/<token>/*). These are adapters: they check the token, the address
 * and the body, then call one lifecycle command; no rule about a machine's state is decided
 * here (main/machines decides, docs/architecture.md).
 */
export interface MachineApiDeps {
  lifecycle: MachineLifecycle;
  tokens: AgentTokens;
  /** Per-machine values for step params (expected hostname, join target), by step id. */
  planParams?: (view: MachineView) => Record<string, Record<string, unknown>>;
  /** A secret's value, for GET /agent/v1/secrets/:name. */
  revealSecret?: (name: string) => string | undefined;
  /**
   * Values no agent text may show (every station secret, the UI token): masked in reports
   * before they are stored. The machine's own token is always added.
   */
  maskValues?: () => Iterable<string>;
  /** Renders one per-machine file (answer file, user-data); null: none can be rendered. */
  answerFile?: () => AnswerFileRenderer | null;
}

/**
 * The machine a bearer token opens, or why not: 401 for a token the station never gave
 * out, 410 for one whose deployment is over (done, reset, reassigned).
 */
export function machineForToken(
  token: string | undefined,
  deps: Pick<MachineApiDeps, 'lifecycle' | 'tokens'>,
): { view: MachineView } | { status: number; code: string; message: string } {
  const owner = deps.tokens.ownerOf(token);
  const view = owner ? deps.lifecycle.get(owner.machineId) : undefined;
  if (!owner || !view) {
    return {
      status: 401,
      code: 'unauthorized',
      message:
        'This needs the machine token from its boot script or answer file (Authorization: Bearer <token>).',
    };
  }
  if (owner.deployment !== view.deployment || view.state === 'done') {
    return {
      status: 410,
      code: 'token_expired',
      message:
        'This deployment is over (done, reset or reassigned): stop and discard queued reports.',
    };
  }
  return { view };
}

/**
 * Whether `ip` is the machine's own: one its deployment's log ties to it, or one DHCP
 * saw its MAC at. A secret goes to the machine, not to whoever holds its token.
 */
export function isOwnAddress(
  view: MachineView,
  ip: string,
  own: ReadonlySet<string>,
  dhcpMac: string | null,
): boolean {
  if (view.bootIp === ip || own.has(ip)) return true;
  return dhcpMac !== null && view.macs.includes(dhcpMac);
}

/** The client's IPv4 address as the machine's log writes it (no ::ffff: prefix). */
export function clientIp(req: { ip: string }): string {
  return req.ip.replace(/^::ffff:/, '');
}
