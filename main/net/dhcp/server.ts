/**
 * The DHCP side of the station as one StationPart, sockets only: port 67 (full DHCP, or
 * proxyDHCP) and port 4011 (the PXE boot server exchange), on the bench network only. It
 * decodes, asks the pure handler (handler.ts) what to do, applies the lease changes, sends
 * the reply and reports what it saw; the checks before start are in preflight.ts. Sockets
 * come from a SocketOpener so tests can fake them. Services: `dhcp` (port 67) and
 * `proxydhcp` (4011).
 */
import { benchDhcpOptions } from './bench-options.js';
import type { UefiChain } from '../../boot/dhcp-policy.js';
import type { StationContext, StationPart } from '../../context.js';
import {
  handleDhcp,
  type DhcpListener,
  type DhcpModeContext,
  type DhcpSighting,
  type HandlerContext,
} from './handler.js';
import { LeaseStore } from './leases.js';
import { decode, encode, type DhcpPacket } from './packet.js';
import { checkNoOtherServer, checkPool, explainSocketError, noBenchNetwork } from './preflight.js';
import { probeForDhcpServer, type ProbeOptions, type ProbeResult } from './probe.js';
import {
  findBenchNetwork,
  openUdpSocket,
  type BenchNetwork,
  type DhcpSocket,
  type Remote,
  type SocketOpener,
  type SocketSpec,
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

/** What start() settled: the bench address, and full mode's store beside its settings. */
interface Running {
  serverIp: string;
  mode: DhcpModeContext;
  store: LeaseStore | null;
}

export function dhcpPart(ctx: StationContext, deps: DhcpDeps = {}): DhcpPart {
  const open = deps.open ?? openUdpSocket;
  const o = ctx.options;
  const modeName = o.dhcpMode === 'full' ? 'full' : 'proxy';
  const ports = { server: o.dhcpPort, client: o.dhcpPort === 67 ? 68 : o.dhcpPort + 1 };
  const log = ctx.logger.child({ service: 'dhcp', mode: modeName });
  const sockets: DhcpSocket[] = [];
  let running: Running | null = null;
  const badPackets = throttle(log, () => ctx.now().getTime());
  // The Secure Boot policy per client: `auto` follows what the loader watch saw (issue 17).
  const uefiChainFor = (mac: string): UefiChain =>
    ctx.loaderWatch?.chainFor(mac, o.secureBoot) ?? (o.secureBoot === 'signed' ? 'signed' : 'ipxe');

  const fail = (name: string, error: string, fix: string): void => {
    log.error({ name }, `${name} could not start: ${error}`);
    ctx.services.set(name, { state: 'failed', error, fix, address: null });
  };

  function publish(s: DhcpSighting): void {
    ctx.bus.publish({
      type: 'boot',
      protocol: s.protocol,
      mac: s.mac,
      client: s.client,
      summary: s.summary,
      data: { ...s.data },
    });
    // Discovery: the lifecycle hears of the machine typed, not through the boot log line.
    ctx.machineSighted({
      mac: s.mac,
      via: s.protocol,
      ip: s.client,
      ...(s.data.uuid ? { uuid: s.data.uuid } : {}),
    });
  }

  async function send(sock: DhcpSocket, reply: DhcpPacket, to: Remote, mac: string): Promise<void> {
    try {
      await sock.send(encode(reply), to);
    } catch (err) {
      log.warn({ mac, to, err: (err as Error).message }, 'could not send a DHCP reply');
    }
  }

  function handle(
    state: Running,
    listener: DhcpListener,
    sock: DhcpSocket,
    msg: Buffer,
    from: Remote,
  ): void {
    const req = parse(msg, from);
    if (!req) return;
    const now = ctx.now().getTime();
    // Built per packet (the bench URL follows the listener), with no spread: see handler.ts.
    const context: HandlerContext = {
      logic: {
        serverIp: state.serverIp,
        benchUrl: ctx.benchUrl,
        uefiLoader: o.uefiLoader,
        uefiChainFor,
      },
      mode: state.mode,
      ports,
      now,
    };
    const out = handleDhcp(req, from, listener, context);
    if (out.poolFull) log.warn({ mac: req.chaddr }, 'pool full: no address to offer');
    state.store?.apply(out.effects, now);
    if (out.learned) ctx.clients.learn(out.learned.ip, out.learned.mac);
    // Reply first: the event's listeners (machines registry) must not delay the client.
    if (out.reply && out.destination) void send(sock, out.reply, out.destination, req.chaddr);
    log.debug(
      { mac: req.chaddr, from: from.address, ...(listener === 'pxe' ? { port: 4011 } : {}) },
      out.note,
    );
    if (out.sighting) publish(out.sighting);
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
  const listen = (sock: DhcpSocket, state: Running, listener: DhcpListener): void =>
    sock.onMessage((msg, from) => {
      try {
        handle(state, listener, sock, msg, from);
      } catch (err) {
        log.error({ err, from: from.address }, 'DHCP request handling failed');
      }
    });

  async function openOrFail(
    name: string,
    spec: SocketSpec,
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

  /** Full mode's pool and rogue-server checks; null (services marked) when it must not start. */
  async function prepareFull(
    net: BenchNetwork,
    iface: string | undefined,
    bindAddress: string,
  ): Promise<Running | null> {
    const checked = checkPool(o.dhcpRange, net);
    if (!('pool' in checked)) {
      fail('dhcp', checked.error, checked.fix);
      fail('proxydhcp', 'full DHCP did not start', checked.fix);
      return null;
    }
    if (!o.dhcpOverride) {
      const other = await checkNoOtherServer(
        deps.probe ?? probeForDhcpServer,
        {
          open,
          iface,
          serverPort: ports.server,
          clientPort: ports.client,
          waitMs: deps.probeWaitMs,
        },
        bindAddress,
      );
      if (other) {
        fail('dhcp', other.error, other.fix);
        ctx.services.set('proxydhcp', { state: 'stopped', error: 'full DHCP refused to start' });
        return null;
      }
    }
    const store = new LeaseStore(ctx.db, checked.pool, new Set([net.address]));
    const settings = {
      pool: checked.pool,
      subnetMask: net.netmask,
      leaseSeconds: deps.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
      ...benchDhcpOptions(o),
    };
    return { serverIp: net.address, store, mode: { mode: 'full', leases: store, settings } };
  }

  return {
    name: 'dhcp',
    leases: () => running?.store ?? null,
    async start() {
      ctx.services.set('dhcp', { label: LABEL_67[modeName], state: 'starting', address: null });
      ctx.services.set('proxydhcp', { label: LABEL_4011, state: 'starting', address: null });
      const net = (deps.findNetwork ?? findBenchNetwork)(o.benchAddress, o.benchInterface);
      if (!net) {
        const { error, fix } = noBenchNetwork(o.benchAddress, o.benchInterface);
        fail('dhcp', error, fix);
        fail('proxydhcp', error, fix);
        return;
      }
      // Linux binds the device; Windows the address; macOS neither (see socket.ts).
      const iface = process.platform === 'linux' ? (net.iface ?? undefined) : undefined;
      const bindAddress = process.platform === 'win32' ? net.address : '0.0.0.0';
      const state =
        modeName === 'full'
          ? await prepareFull(net, iface, bindAddress)
          : { serverIp: net.address, store: null, mode: { mode: 'proxy' as const } };
      if (!state) return;
      running = state;

      const s67 = await openOrFail(
        'dhcp',
        { iface, address: bindAddress, port: ports.server },
        '--dhcp-port',
      );
      if (s67) {
        listen(s67, state, 'dhcp');
        ctx.services.set('dhcp', { state: 'running', address: s67.description });
        log.info(
          { address: s67.description, serverIp: state.serverIp },
          `${LABEL_67[modeName]} running`,
        );
      }
      const s4011 = await openOrFail(
        'proxydhcp',
        { iface, address: net.address, port: o.proxyPort },
        '--proxy-port',
      );
      if (s4011) {
        listen(s4011, state, 'pxe');
        ctx.services.set('proxydhcp', { state: 'running', address: s4011.description });
      }
    },
    async stop() {
      const open = sockets.splice(0);
      await Promise.all(open.map((s) => s.close()));
      try {
        running?.store?.flush();
      } catch (err) {
        log.error({ err }, 'could not save the last DHCP leases');
      }
      for (const name of ['dhcp', 'proxydhcp']) {
        if (ctx.services.get(name)?.state === 'running')
          ctx.services.set(name, { state: 'stopped' });
      }
    },
  };
}

/** At most 20 bad-packet warnings per 10 s, then one line saying how many were dropped. */
function throttle(log: StationContext['logger'], now: () => number) {
  let windowStart = 0;
  let count = 0;
  return (from: Remote, msg: Buffer, why: string): void => {
    const t = now();
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
