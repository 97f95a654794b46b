import type { ServiceState, ServiceStatus } from '../api/contract.js';
import type { EventBus } from '../events/bus.js';

/**
 * What each service is doing, for GET /api/v1/services and the Services page. A service
 * that fails to start is recorded here with its error and a fix; the others keep running.
 */
export class ServiceRegistry {
  private readonly services = new Map<string, ServiceStatus>();

  constructor(
    private readonly bus: EventBus,
    private readonly now: () => Date = () => new Date(),
  ) {}

  set(
    name: string,
    patch: Partial<Omit<ServiceStatus, 'name' | 'since'>> & { state: ServiceState },
  ): ServiceStatus {
    const prev = this.services.get(name);
    const next: ServiceStatus = {
      name,
      label: patch.label ?? prev?.label ?? name,
      state: patch.state,
      address: patch.address !== undefined ? patch.address : (prev?.address ?? null),
      error: patch.error ?? null,
      fix: patch.fix ?? null,
      since: prev && prev.state === patch.state ? prev.since : this.now().toISOString(),
    };
    this.services.set(name, next);
    this.bus.publish({ type: 'service', service: next });
    return next;
  }

  get(name: string): ServiceStatus | undefined {
    return this.services.get(name);
  }

  list(): ServiceStatus[] {
    return [...this.services.values()];
  }
}

/** Turns a socket error into words and a fix a technician can act on. */
export function explainListenError(
  err: NodeJS.ErrnoException,
  what: { proto: 'tcp' | 'udp'; host: string; port: number; option: string },
): { error: string; fix: string } {
  const where = `${what.proto} ${what.host}:${what.port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return {
        error: `${where} is already in use by another program`,
        fix: `Stop the other program (on Linux: sudo ss -lnp${what.proto === 'udp' ? 'u' : 't'} | grep :${what.port}; on Windows: netstat -abno), or choose another port with ${what.option}.`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        error: `no permission to open ${where}`,
        fix:
          what.port < 1024
            ? `Port ${what.port} is privileged. On Linux grant the capability once: sudo setcap cap_net_bind_service,cap_net_raw=+ep "$(readlink -f "$(command -v node)")" (or run the station as root); on Windows run PrepStation as administrator and allow it through the firewall.`
            : `Check the firewall and that ${what.host} is an address of this station.`,
      };
    case 'EADDRNOTAVAIL':
      return {
        error: `${what.host} is not an address of this station`,
        fix: `Choose the bench network again in Services, or fix --bench-address / --ui-host.`,
      };
    default:
      return {
        error: `${where} could not be opened: ${err.message}`,
        fix: 'See the station log for details.',
      };
  }
}
