/**
 * API shapes the renderer names locally, each the type of the station's own zod schema
 * (main/api/*.ts): the routes validate with the schema these types come from.
 */
export type {
  DhcpMode,
  NetworkInterfaceInfo as NetworkInterface,
  NetworkSettings,
  SecureBootPolicy,
} from '../../../main/api/network';
export type { ProfileDocument } from '../../../main/api/contract';
