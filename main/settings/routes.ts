import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Result } from '../api/contract.js';
import { DomainError } from '../api/domain-error.js';
import type { StationOptions } from '../config/options.js';
import type { StationContext } from '../context.js';
import { route } from '../net/http/contract.js';
import { benchDhcpGaps } from '../net/dhcp/bench-options.js';
import {
  listInterfaces,
  networkInterfaceSchema,
  networkSettingsSchema,
  type NetworkSettings,
} from './network.js';

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
    const tag = 'network';
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/network/interfaces',
        tag,
        summary: "The station's network interfaces and their addresses.",
        reply: z.array(networkInterfaceSchema),
      },
      async () => listInterfaces(),
    );
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/settings/network',
        tag,
        summary: 'The bench network and DHCP settings in effect.',
        reply: networkSettingsSchema,
      },
      async () => currentNetworkSettings(ctx.options),
    );
    route(
      app,
      {
        method: 'GET',
        url: '/api/v1/settings/dhcp-gaps',
        tag,
        summary: 'What the bench lacks without a gateway, DNS or NTP from full-mode DHCP.',
        reply: z.array(z.string()),
      },
      async () => (ctx.options.dhcpMode === 'full' ? benchDhcpGaps(ctx.options) : []),
    );
    route(
      app,
      {
        method: 'PUT',
        url: '/api/v1/settings/network',
        tag,
        summary: 'Save the bench network to config.yaml and restart the boot services.',
        body: networkSettingsSchema,
        reply: networkSettingsSchema,
      },
      async ({ body }) => {
        const r = await apply(body);
        if (!r.ok) throw new DomainError(r.error.code, r.error.message, { status: 422 });
        return r.value;
      },
    );
  };
}
