import { z } from 'zod';
import { secureBootPolicies } from '../boot/dhcp-policy.js';

/** The UI API of the bench network: schemas and types (settings/network.ts checks them). */

/** config/options.ts has the same list (settings/network.ts fails to compile if they part). */
export const dhcpModes = ['off', 'proxy', 'full'] as const;
export type DhcpMode = (typeof dhcpModes)[number];
export type SecureBootPolicy = (typeof secureBootPolicies)[number];

/** GET /api/v1/network/interfaces: one interface of the station. */
export const networkInterfaceSchema = z.object({
  name: z.string(),
  mac: z.string().nullable(),
  internal: z.boolean(),
  addresses: z.array(
    z.object({
      address: z.string(),
      netmask: z.string(),
      family: z.enum(['IPv4', 'IPv6']),
      cidr: z.string().nullable(),
    }),
  ),
});
export type NetworkInterfaceInfo = z.infer<typeof networkInterfaceSchema>;

/** GET|PUT /api/v1/settings/network. */
export const networkSettingsSchema = z
  .object({
    benchInterface: z.string().min(1).max(15).nullable(),
    benchAddress: z.ipv4().nullable(),
    dhcpMode: z.enum(dhcpModes),
    dhcpRange: z
      .string()
      .regex(/^\d+\.\d+\.\d+\.\d+-\d+\.\d+\.\d+\.\d+$/, 'must be FIRST-LAST')
      .nullable()
      .optional(),
    dhcpOverride: z.boolean().optional(),
    /** Full mode: gateway, DNS and NTP servers handed to machines (null: none). */
    dhcpRouter: z.ipv4().nullable().optional(),
    dhcpDns: z.string().max(80).nullable().optional(),
    dhcpNtp: z.string().max(80).nullable().optional(),
    /** What x64 UEFI PXE clients get under Secure Boot (issue 17). */
    secureBoot: z.enum(secureBootPolicies).optional(),
  })
  .strict();
export type NetworkSettings = z.infer<typeof networkSettingsSchema>;
