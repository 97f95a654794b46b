/**
 * The DHCP side of the station as one StationPart: port 67 (full DHCP, or proxyDHCP) and
 * port 4011 (the PXE boot server exchange), on the bench network only. Sockets come from a
 * SocketOpener so tests can fake them. Services: `dhcp` (port 67) and `proxydhcp` (4011).
 */
import { benchDhcpOptions } from './bench-options.js';
import type { UefiChain } from '../../boot/dhcp-policy.js';
import type { StationContext, StationPart } from '../../context.js';
import { explainListenError } from '../../services/registry.js';
import { isPxeClient, requestFacts, replyDestination, type Offered } from './common.js';
import { fullReply, type FullContext } from './full.js';
import { LeaseStore } from './leases.js';
import { MessageType } from './options.js';
import { decode, encode, type DhcpPacket } from './packet.js';
import { parseRange, sameSubnet, type Pool } from './pool.js';
import { probeForDhcpServer, type ProbeOptions, type ProbeResult } from './probe.js';
import { proxyReply } from './proxy.js';
import {
  findBenchNetwork,
  openUdpSocket,
  type BenchNetwork,
  type DhcpSocket,
  type Remote,
  type SocketOpener,
} from './socket.js';

export interface DhcpDeps {
  open?: SocketOpener;
  probe?: (opts: ProbeOptions) => Promise<ProbeResult | null>;
  probeWaitMs?: number;
  /** os.networkInterfaces() by default. */
  findNetwork?: (address?: string, iface?: string) => BenchNetwork | null;
  leaseSeconds?: number;
}

export interface DhcpPart extends StationPart {
  /** The full-mode lease store, once started (null in proxy mode). */
  leases(): LeaseStore | null;
}

const LABEL_67 = { full: 'DHCP server (full)', proxy: 'proxyDHCP on port 67' } as const;
const LABEL_4011 = 'PXE boot server (proxyDHCP port 4011)';
const DEFAULT_LEASE_SECONDS = 4 * 3600;

export function dhcpPart(ctx: StationContext, deps: DhcpDeps = {}): DhcpPart {
  const open = deps.open ?? openUdpSocket;
  const o = ctx.options;
  const mode = o.dhcpMode === 'full' ? 'full' : 'proxy';
  const ports = { server: o.dhcpPort, client: o.dhcpPort === 67 ? 68 : o.dhcpPort + 1 };
  const log = ctx.logger.child({ service: 'dhcp', mode });
  const sockets: DhcpSocket[] = [];
  let store: LeaseStore | null = null;
  let full: Omit<FullContext, 'now' | 'benchUrl'> | null = null;
  let serverIp = '';
  const badPackets = throttle(log);
  // The Secure Boot policy per client: `auto` follows what the loader watch saw (issue 17).
  const uefiChainFor = (mac: string): UefiChain =>
    ctx.loaderWatch?.chainFor(mac, o.secureBoot) ?? (o.secureBoot === 'signed' ? 'signed' : 'ipxe');

  const fail = (name: string, error: string, fix: string): void => {
    log.error({ name }, `${name} could not start: ${error}`);
    ctx.services.set(name, { state: 'failed', error, fix, address: null });
  };

  function publish(
    protocol: 'dhcp' | 'proxydhcp',
    req: DhcpPacket,
    from: Remote,
    offered: Offered | null,
    note: string,
  ): void {
    const f = requestFacts(req);
    // In proxy mode the office network's laptops are none of our business: only PXE is logged.
    if (mode === 'proxy' && !f.pxe) return;
    const data: Record<string, unknown> = {
      messageType: f.messageType,
      arch: f.arch,
      archName: f.archName,
      uuid: f.uuid,
      vendorClass: f.vendorClass,
      userClass: f.userClass,
      offered,
      mode,
    };
    if (f.hostname) data.hostname = f.hostname;
    ctx.bus.publish({
      type: 'boot',
      protocol,
      mac: f.mac,
      client: from.address,
      summary: `${f.messageType} from ${f.mac} (${f.archName}${f.ipxe ? ', iPXE' : ''}): ${note}`,
      data,
    });
  }

  async function send(sock: DhcpSocket, reply: DhcpPacket, to: Remote, mac: string): Promise<void> {
    try {
      await sock.send(encode(reply), to);
    } catch (err) {
      log.warn({ mac, to, err: (err as Error).message }, 'could not send a DHCP reply');
    }
  }

  function handle67(sock: DhcpSocket, msg: Buffer, from: Remote): void {
    const req = parse(msg, from);
    if (!req) return;
    if (mode === 'proxy') {
      const out = proxyReply(
        req,
        { serverIp, benchUrl: ctx.benchUrl, uefiLoader: o.uefiLoader, uefiChainFor },
        'dhcp',
      );
      if (req.ciaddr !== '0.0.0.0') ctx.clients.learn(req.ciaddr, req.chaddr);
      // The REQUEST a PXE client broadcasts to the office server names the address it takes:
      // the only way a proxy learns it, so TFTP and HTTP can tie that address to the MAC.
      else if (req.options.requestedIp && isPxeClient(req)) {
        ctx.clients.learn(req.options.requestedIp, req.chaddr);
      }
      // Reply first: the event's listeners (machines registry) must not delay the client.
      if (out.reply)
        void send(sock, out.reply, replyDestination(req, out.reply, ports), req.chaddr);
      log.debug({ mac: req.chaddr, from: from.address }, out.note);
      publish('proxydhcp', req, from, out.offered, out.note);
      return;
    }
    const now = ctx.now().getTime();
    const out = fullReply(req, store!, {
      ...full!,
      now,
      benchUrl: ctx.benchUrl,
      uefiLoader: o.uefiLoader,
      uefiChainFor,
    });
    if (out.poolFull) log.warn({ mac: req.chaddr }, 'pool full: no address to offer');
    store!.apply(out.effects, now);
    if (out.reply?.options.messageType === MessageType.ACK && out.reply.yiaddr !== '0.0.0.0') {
      ctx.clients.learn(out.reply.yiaddr, req.chaddr);
    }
    if (out.reply) void send(sock, out.reply, replyDestination(req, out.reply, ports), req.chaddr);
    log.debug({ mac: req.chaddr, from: from.address }, out.note);
    publish('dhcp', req, from, out.offered, out.note);
  }

  function handle4011(sock: DhcpSocket, msg: Buffer, from: Remote): void {
    const req = parse(msg, from);
    if (!req) return;
    const out = proxyReply(
      req,
      { serverIp, benchUrl: ctx.benchUrl, uefiLoader: o.uefiLoader, uefiChainFor },
      'pxe',
    );
    ctx.clients.learn(from.address, req.chaddr);
    // The client has its address by now (PXE spec §2.2.2): answer it where it asked from.
    if (out.reply) void send(sock, out.reply, from, req.chaddr);
    log.debug({ mac: req.chaddr, from: from.address, port: 4011 }, out.note);
    publish('proxydhcp', req, from, out.offered, out.note);
  }

  function parse(msg: Buffer, from: Remote): DhcpPacket | null {
    try {
      return decode(msg);
    } catch (err) {
      badPackets(from, msg, (err as Error).message);
      return null;
    }
  }

  /** A bad packet or a bug in one request is logged; the socket keeps serving. */
  const guarded =
    (fn: (sock: DhcpSocket, msg: Buffer, from: Remote) => void, sock: DhcpSocket) =>
    (msg: Buffer, from: Remote): void => {
      try {
        fn(sock, msg, from);
      } catch (err) {
        log.error({ err, from: from.address }, 'DHCP request handling failed');
      }
    };

  async function openOrFail(
    name: string,
    spec: Parameters<SocketOpener>[0],
    option: string,
  ): Promise<DhcpSocket | null> {
    try {
      const sock = await open(spec);
      sockets.push(sock);
      return sock;
    } catch (err) {
      const { error, fix } = explainSocketError(err as NodeJS.ErrnoException, spec, option);
      fail(name, error, fix);
      return null;
    }
  }

  return {
    name: 'dhcp',
    leases: () => store,
    async start() {
      ctx.services.set('dhcp', { label: LABEL_67[mode], state: 'starting', address: null });
      ctx.services.set('proxydhcp', { label: LABEL_4011, state: 'starting', address: null });
      const net = (deps.findNetwork ?? findBenchNetwork)(o.benchAddress, o.benchInterface);
      if (!net) {
        const what = o.benchAddress ?? o.benchInterface;
        const error = what
          ? `${what} is not a network of this station`
          : 'no bench network chosen: DHCP must know which network to answer on';
        const fix =
          'Choose the bench network in Services, or start with --bench-address IP (and --bench-interface NAME).';
        fail('dhcp', error, fix);
        fail('proxydhcp', error, fix);
        return;
      }
      serverIp = net.address;
      // Linux binds the device; Windows the address; macOS neither (see socket.ts).
      const iface = process.platform === 'linux' ? (net.iface ?? undefined) : undefined;
      const any = process.platform === 'win32' ? net.address : '0.0.0.0';

      if (mode === 'full') {
        const checked = checkPool(o.dhcpRange, net);
        if ('error' in checked) {
          fail('dhcp', checked.error, checked.fix);
          fail('proxydhcp', 'full DHCP did not start', checked.fix);
          return;
        }
        if (!o.dhcpOverride) {
          const other = await probe(iface, any);
          if (other) {
            fail('dhcp', other.error, other.fix);
            ctx.services.set('proxydhcp', {
              state: 'stopped',
              error: 'full DHCP refused to start',
            });
            return;
          }
        }
        store = new LeaseStore(ctx.db, checked.pool, new Set([net.address]));
        full = {
          serverIp,
          pool: checked.pool,
          subnetMask: net.netmask,
          leaseSeconds: deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
          ...benchDhcpOptions(o),
        };
      }

      const s67 = await openOrFail(
        'dhcp',
        { iface, address: any, port: ports.server },
        '--dhcp-port',
      );
      if (s67) {
        s67.onMessage(guarded(handle67, s67));
        ctx.services.set('dhcp', { state: 'running', address: s67.description });
        log.info({ address: s67.description, serverIp }, `${LABEL_67[mode]} running`);
      }
      const s4011 = await openOrFail(
        'proxydhcp',
        { iface, address: net.address, port: o.proxyPort },
        '--proxy-port',
      );
      if (s4011) {
        s4011.onMessage(guarded(handle4011, s4011));
        ctx.services.set('proxydhcp', { state: 'running', address: s4011.description });
      }
    },
    async stop() {
      const open = sockets.splice(0);
      await Promise.all(open.map((s) => s.close()));
      try {
        store?.flush();
      } catch (err) {
        log.error({ err }, 'could not save the last DHCP leases');
      }
      for (const name of ['dhcp', 'proxydhcp']) {
        if (ctx.services.get(name)?.state === 'running')
          ctx.services.set(name, { state: 'stopped' });
      }
    },
  };

  async function probe(
    iface: string | undefined,
    any: string,
  ): Promise<{ error: string; fix: string } | null> {
    const run = deps.probe ?? probeForDhcpServer;
    let found: ProbeResult | null;
    try {
      found = await run({
        open,
        iface,
        serverPort: ports.server,
        clientPort: ports.client,
        waitMs: deps.probeWaitMs,
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return {
        error: `could not check the bench for another DHCP server (udp ${any}:${ports.client}: ${e.code ?? e.message})`,
        fix: 'A DHCP client on the bench interface holds port 68, so the network likely has a DHCP server: use --dhcp-mode proxy, or give the bench interface a static address. If you are sure, start with --dhcp-override.',
      };
    }
    if (!found) return null;
    return {
      error: `another DHCP server answers on the bench network: ${found.server} offered ${found.offered}`,
      fix: `Use --dhcp-mode proxy beside ${found.server}, or switch that server off. If you are sure, start with --dhcp-override.`,
    };
  }
}

function checkPool(
  range: string | undefined,
  net: BenchNetwork,
): { pool: Pool } | { error: string; fix: string } {
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
  const [a, b] = range.split('-') as [string, string];
  if (!sameSubnet(a, net.address, net.netmask) || !sameSubnet(b, net.address, net.netmask)) {
    return {
      error: `--dhcp-range ${range} is not inside the bench network ${net.address}/${net.netmask}`,
      fix: 'Choose a range in the bench network, or fix --bench-address.',
    };
  }
  return { pool };
}

function explainSocketError(
  e: NodeJS.ErrnoException,
  spec: Parameters<SocketOpener>[0],
  option: string,
): { error: string; fix: string } {
  if (e.code === 'ENOADDON') {
    return {
      error: 'the native part that binds DHCP to the bench interface is not built',
      fix: 'Run `npm rebuild` in the PrepStation folder (it needs a C compiler: apt-get install build-essential python3).',
    };
  }
  if (e.code === 'ENODEV') {
    return {
      error: `network interface ${spec.iface} does not exist`,
      fix: 'Choose the bench network again in Services, or fix --bench-interface.',
    };
  }
  if (e.code === 'EPERM' || e.code === 'EACCES') {
    const base = explainListenError(e, {
      proto: 'udp',
      host: spec.address,
      port: spec.port,
      option,
    });
    // SO_BINDTODEVICE needs CAP_NET_RAW even on a high port.
    return { error: base.error, fix: base.fix };
  }
  return explainListenError(e, { proto: 'udp', host: spec.address, port: spec.port, option });
}

/** At most 20 bad-packet warnings per 10 s, then one line saying how many were dropped. */
function throttle(log: StationContext['logger']) {
  let windowStart = 0;
  let count = 0;
  return (from: Remote, msg: Buffer, why: string): void => {
    const t = Date.now();
    if (t - windowStart > 10_000) {
      if (count > 20) log.warn({ dropped: count - 20 }, 'more malformed DHCP packets not logged');
      windowStart = t;
      count = 0;
    }
    if (++count <= 20) {
      // chaddr sits at bytes 28..33 even in a packet too broken to decode.
      const mac =
        msg.length >= 34
          ? [...msg.subarray(28, 34)].map((x) => x.toString(16).padStart(2, '0')).join(':')
          : null;
      log.warn(
        { from: from.address, mac, bytes: msg.length, why },
        'malformed DHCP packet ignored',
      );
    }
  };
}
