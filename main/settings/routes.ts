import type { FastifyInstance } from 'fastify';
import type { Result } from '../api/contract.js';
import type { StationOptions } from '../config/options.js';
import type { StationContext } from '../context.js';
import { sendError } from '../net/http/errors.js';
import { benchDhcpGaps } from '../net/dhcp/bench-options.js';
import { listInterfaces, networkSettingsSchema, type NetworkSettings } from './network.js';

export function currentNetworkSettings(o: StationOptions): NetworkSettings {
  return {
    benchInterface: o.benchInterface ?? null,
    benchAddress: o.benchAddress ?? null,
    dhcpMode: o.dhcpMode,
    dhcpRange: o.dhcpRange ?? null,
    dhcpOverride: o.dhcpOverride,
    dhcpRouter: o.dhcpRouter ?? null,
    dhcpDns: o.dhcpDns ?? null,
    dhcpNtp: o.dhcpNtp ?? null,
    secureBoot: o.secureBoot,
  };
}

/** The bench network on the Services page: interfaces, the current choice, and a change. */
export function networkSettingsRoutes(
  apply: (s: NetworkSettings) => Promise<Result<NetworkSettings>>,
) {
  return (app: FastifyInstance, ctx: StationContext): void => {
    app.get('/api/v1/network/interfaces', async () => listInterfaces());
    app.get('/api/v1/settings/network', async () => currentNetworkSettings(ctx.options));
    app.get('/api/v1/settings/dhcp-gaps', async () =>
      ctx.options.dhcpMode === 'full' ? benchDhcpGaps(ctx.options) : [],
    );
    app.put('/api/v1/settings/network', async (req, reply) => {
      const parsed = networkSettingsSchema.safeParse(req.body);
      if (!parsed.success) {
        return sendError(
          reply,
          400,
          'invalid_body',
          parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
        );
      }
      const r = await apply(parsed.data);
      if (!r.ok) return sendError(reply, 422, r.error.code, r.error.message);
      return r.value;
    });
  };
}
