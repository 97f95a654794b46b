import type { FastifyInstance } from 'fastify';
import { sendError } from '../net/http/errors.js';
import { machineForToken, type MachineApiDeps } from './token.js';

/**
 * Ubuntu's installer (subiquity/curtin) reports its progress to a `reporting:` webhook
 * (autoinstall.ts points it at /t/<token>/installer-events): JSON events with a `name`
 * such as "subiquity/Install/install/curtin_install/extract" and an event_type of start
 * or finish. Its stages become the OS install's percentage on the bench; the rest is
 * ignored. Curtin's stage order: partitioning, formatting, extract, curthooks, hook.
 */
const STAGES: [RegExp, number, string][] = [
  [/partitioning|block-meta/i, 10, 'Partitioning the disk'],
  [/format/i, 15, 'Formatting'],
  [/extract/i, 25, 'Copying the system'],
  [/curthooks|install-grub|installing-kernel/i, 70, 'Configuring the system'],
  [/postinstall|late|install_packages|apt/i, 85, 'Installing packages'],
  [/run_unattended_upgrades|updates/i, 90, 'Installing updates'],
];

export function percentFor(
  name: string,
  eventType: string,
): { percent: number; message: string } | null {
  for (const [re, pct, message] of STAGES) {
    if (re.test(name)) return { percent: eventType === 'finish' ? pct + 5 : pct, message };
  }
  return null;
}

export function installerEventRoutes(deps: MachineApiDeps) {
  return (app: FastifyInstance): void => {
    app.post<{ Params: { token: string } }>('/t/:token/installer-events', async (req, reply) => {
      const found = machineForToken(req.params.token, deps);
      if ('status' in found) return sendError(reply, found.status, found.code, found.message);
      const { view } = found;
      const body = (req.body ?? {}) as { name?: unknown; event_type?: unknown };
      const name = typeof body.name === 'string' ? body.name.slice(0, 200) : '';
      const type = typeof body.event_type === 'string' ? body.event_type : '';
      const p = percentFor(name, type);
      if (p) deps.lifecycle.installerProgress(view, p);
      return { ok: true };
    });
  };
}
