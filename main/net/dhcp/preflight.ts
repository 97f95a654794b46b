/**
 * Everything DHCP checks before it answers anyone, and the words it fails with: the bench
 * network, full mode's pool, the rogue-server probe, and socket errors. Each cause gets its
 * own error and the one fix for it, so the Services page tells the technician what to do.
 */
import { explainListenError } from '../../services/registry.js';
import { parseRange, sameSubnet, type Pool } from './pool.js';
import type { ProbeOptions, ProbeResult } from './probe.js';
import type { BenchNetwork, SocketSpec } from './socket.js';

export interface Refusal {
  error: string;
  fix: string;
}

const NODE_BINARY = '"$(readlink -f "$(command -v node)")"';

/** Why the bench network was not found, for --bench-address / --bench-interface. */
export function noBenchNetwork(address?: string, iface?: string): Refusal {
  const what = address ?? iface;
  return {
    error: what
      ? `${what} is not a network of this station`
      : 'no bench network chosen: DHCP must know which network to answer on',
    fix: 'Choose the bench network in Services, or start with --bench-address IP (and --bench-interface NAME).',
  };
}

/** Full mode's pool: present, well formed, and inside the bench network. */
export function checkPool(range: string | undefined, net: BenchNetwork): { pool: Pool } | Refusal {
  if (!range) {
    return {
      error: 'full DHCP needs an address pool',
      fix: 'Set --dhcp-range FIRST-LAST inside the bench network, e.g. 192.168.50.100-192.168.50.199.',
    };
  }
  let pool: Pool;
  try {
    pool = parseRange(range);
  } catch (err) {
    return { error: (err as Error).message, fix: 'Give --dhcp-range as FIRST-LAST, lowest first.' };
  }
  const [first, last] = range.split('-');
  if (
    first === undefined ||
    last === undefined ||
    !sameSubnet(first, net.address, net.netmask) ||
    !sameSubnet(last, net.address, net.netmask)
  ) {
    return {
      error: `--dhcp-range ${range} is not inside the bench network ${net.address}/${net.netmask}`,
      fix: 'Choose a range in the bench network, or fix --bench-address.',
    };
  }
  return { pool };
}

/**
 * Full mode must not start beside another DHCP server (two servers hand out clashing
 * addresses): null when the probe heard no other server, else why full mode refuses.
 */
export async function checkNoOtherServer(
  probe: (opts: ProbeOptions) => Promise<ProbeResult | null>,
  opts: ProbeOptions,
  bindAddress: string,
): Promise<Refusal | null> {
  let found: ProbeResult | null;
  try {
    found = await probe(opts);
  } catch (err) {
    return explainProbeError(err as NodeJS.ErrnoException, opts, bindAddress);
  }
  if (!found) return null;
  return {
    error: `another DHCP server answers on the bench network: ${found.server} offered ${found.offered}`,
    fix: `Use --dhcp-mode proxy beside ${found.server}, or switch that server off. If you are sure, start with --dhcp-override.`,
  };
}

/** The probe listens on the client port (68): each way that can fail has its own fix. */
function explainProbeError(
  e: NodeJS.ErrnoException,
  opts: ProbeOptions,
  bindAddress: string,
): Refusal {
  const error = `could not check the bench for another DHCP server (udp ${bindAddress}:${opts.clientPort}: ${e.code ?? e.message})`;
  const override =
    'If you are sure no other DHCP server is on the bench, start with --dhcp-override.';
  switch (e.code) {
    case 'EADDRINUSE':
      return {
        error,
        fix: `A DHCP client on the bench interface holds port ${opts.clientPort}, so the network likely has a DHCP server: use --dhcp-mode proxy, or give the bench interface a static address. ${override}`,
      };
    case 'EPERM':
    case 'EACCES':
    case 'ENOADDON':
    case 'ENODEV': {
      const spec = { iface: opts.iface, address: bindAddress, port: opts.clientPort };
      return { error, fix: explainSocketError(e, spec, '--dhcp-port').fix };
    }
    default:
      return { error, fix: `See the station log for details. ${override}` };
  }
}

/** A DHCP socket that would not open: what went wrong and the one fix for that cause. */
export function explainSocketError(
  e: NodeJS.ErrnoException,
  spec: SocketSpec,
  option: string,
): Refusal {
  switch (e.code) {
    case 'ENOADDON':
      return {
        error: 'the native part that binds DHCP to the bench interface is not built',
        fix: 'Run `npm rebuild` in the PrepStation folder (it needs a C compiler: apt-get install build-essential python3).',
      };
    case 'ENODEV':
      return {
        error: `network interface ${spec.iface} does not exist`,
        fix: 'Choose the bench network again in Services, or fix --bench-interface.',
      };
    case 'EPERM':
    case 'EACCES':
      // Binding to the bench device (SO_BINDTODEVICE, Linux) needs CAP_NET_RAW on any port,
      // which the generic "privileged port" text does not say.
      if (spec.iface && /SO_BINDTODEVICE/.test(e.message)) {
        const caps = spec.port < 1024 ? 'cap_net_bind_service,cap_net_raw' : 'cap_net_raw';
        return {
          error: `no permission to bind udp ${spec.address}:${spec.port} to interface ${spec.iface}`,
          fix: `Binding to the bench interface needs CAP_NET_RAW, even on a high port. Grant it once: sudo setcap ${caps}=+ep ${NODE_BINARY} (or run the station as root).`,
        };
      }
      return explainListenError(e, { proto: 'udp', host: spec.address, port: spec.port, option });
    default:
      return explainListenError(e, { proto: 'udp', host: spec.address, port: spec.port, option });
  }
}
