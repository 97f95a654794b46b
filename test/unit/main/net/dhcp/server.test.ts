import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { BootLogEvent, StationEvent } from '../../../../../main/api/contract.js';
import { unknownMachines } from '../../../../../main/boot/types.js';
import { loadConfig } from '../../../../../main/config/load.js';
import type { StationContext } from '../../../../../main/context.js';
import { openDatabase } from '../../../../../main/db/open.js';
import { EventBus } from '../../../../../main/events/bus.js';
import type { BenchSighting } from '../../../../../main/machines/lifecycle.js';
import { ClientDirectory } from '../../../../../main/net/clients.js';
import { MessageType, type DhcpOptions } from '../../../../../main/net/dhcp/options.js';
import { decode, encode, type DhcpPacket } from '../../../../../main/net/dhcp/packet.js';
import { dhcpPart, type DhcpDeps } from '../../../../../main/net/dhcp/server.js';
import type { DhcpSocket, Remote, SocketSpec } from '../../../../../main/net/dhcp/socket.js';
import { ServiceRegistry } from '../../../../../main/services/registry.js';
import { BIOS_PXE, IPXE, UEFI_PXE, request } from './requests.js';

const SERVER = '10.33.0.1';
const net = { address: SERVER, iface: 'ps3b0', netmask: '255.255.255.0' };

class FakeSocket implements DhcpSocket {
  readonly description: string;
  sent: { packet: DhcpPacket; to: Remote }[] = [];
  private handler: ((msg: Buffer, from: Remote) => void) | null = null;
  closed = false;
  constructor(readonly spec: SocketSpec) {
    this.description = `fake ${spec.address}:${spec.port} on ${spec.iface}`;
  }
  onMessage(h: (msg: Buffer, from: Remote) => void): void {
    this.handler = h;
  }
  async send(msg: Buffer, to: Remote): Promise<void> {
    this.sent.push({ packet: decode(msg), to });
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  deliver(msg: Buffer | DhcpPacket, from: Remote = { address: '0.0.0.0', port: 68 }): void {
    this.handler!(Buffer.isBuffer(msg) ? msg : encode(msg), from);
  }
}

interface Harness {
  ctx: StationContext;
  events: BootLogEvent[];
  /** What the machines lifecycle heard (ctx.machineSighted). */
  sighted: BenchSighting[];
  logs: string[];
  sockets: FakeSocket[];
  byPort: (port: number) => FakeSocket;
  part: ReturnType<typeof dhcpPart>;
}

const harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.part.stop();
});

async function start(flags: string[], deps: DhcpDeps = {}): Promise<Harness> {
  const { options } = loadConfig(['--data-dir', '/nonexistent', ...flags], {});
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  const bus = new EventBus();
  const events: BootLogEvent[] = [];
  const sighted: BenchSighting[] = [];
  bus.on((e: StationEvent) => {
    if (e.type === 'boot') events.push(e);
  });
  const ctx = {
    options,
    db: openDatabase(':memory:'),
    logger: pino({ level: 'debug' }, sink),
    bus,
    services: new ServiceRegistry(bus),
    benchUrl: `http://${SERVER}:8080`,
    now: () => new Date(Date.UTC(2026, 0, 1)),
    clients: new ClientDirectory(),
    boot: unknownMachines,
    machineSighted: (x: BenchSighting) => sighted.push(x),
  } as unknown as StationContext;
  const sockets: FakeSocket[] = [];
  const part = dhcpPart(ctx, {
    open: async (spec) => {
      const s = new FakeSocket(spec);
      sockets.push(s);
      return s;
    },
    findNetwork: () => net,
    probe: async () => null,
    ...deps,
  });
  await part.start();
  const h: Harness = {
    ctx,
    events,
    sighted,
    logs,
    sockets,
    part,
    byPort: (port) => sockets.find((s) => s.spec.port === port)!,
  };
  harnesses.push(h);
  return h;
}

const flags = (mode: string, extra: string[] = []): string[] => [
  '--dhcp-mode',
  mode,
  '--bench-address',
  SERVER,
  '--dhcp-port',
  '1067',
  '--proxy-port',
  '5011',
  ...extra,
];
const MAC = '52:54:00:33:00:01';
const discover = (o: DhcpOptions): DhcpPacket =>
  request(MAC, { ...o, messageType: MessageType.DISCOVER });

describe('dhcpPart, proxy mode', () => {
  it('runs both listeners on the bench interface and answers a PXE DISCOVER by broadcast', async () => {
    const h = await start(flags('proxy'));
    expect(h.ctx.services.get('dhcp')).toMatchObject({ state: 'running' });
    expect(h.ctx.services.get('proxydhcp')).toMatchObject({ state: 'running' });
    expect(h.byPort(1067).spec).toEqual({
      iface: process.platform === 'linux' ? 'ps3b0' : undefined,
      address: process.platform === 'win32' ? SERVER : '0.0.0.0',
      port: 1067,
    });
    expect(h.byPort(5011).spec.address).toBe(SERVER);

    h.byPort(1067).deliver(discover(UEFI_PXE));
    const [sent] = h.byPort(1067).sent;
    expect(sent!.to).toEqual({ address: '255.255.255.255', port: 1068 });
    expect(sent!.packet.options.messageType).toBe(MessageType.OFFER);
    expect(sent!.packet.file).toBe('ipxe.efi');
    expect(h.sighted).toEqual([{ mac: MAC, via: 'proxydhcp', ip: '0.0.0.0' }]);
    expect(h.events).toHaveLength(1);
    expect(h.events[0]).toMatchObject({
      type: 'boot',
      protocol: 'proxydhcp',
      mac: MAC,
      client: '0.0.0.0',
      data: {
        messageType: 'DISCOVER',
        arch: 7,
        archName: 'x64 UEFI',
        uuid: null,
        vendorClass: UEFI_PXE.vendorClass,
        userClass: null,
        offered: { bootFile: 'ipxe.efi', server: SERVER },
        mode: 'proxy',
      },
    });
  });

  it('is silent, and logs no machine, for office clients that are not PXE', async () => {
    const h = await start(flags('proxy'));
    h.byPort(1067).deliver(discover({ hostname: 'office-laptop' }));
    expect(h.byPort(1067).sent).toEqual([]);
    expect(h.events).toEqual([]);
    expect(h.sighted).toEqual([]);
  });

  it('learns the address a PXE client takes from the office server, without answering', async () => {
    const h = await start(flags('proxy'));
    h.byPort(1067).deliver(
      request(MAC, {
        ...BIOS_PXE,
        messageType: MessageType.REQUEST,
        serverId: '10.33.0.2',
        requestedIp: '10.33.0.140',
      }),
    );
    expect(h.byPort(1067).sent).toEqual([]);
    expect(h.ctx.clients.macFor('10.33.0.140')).toBe(MAC);
  });

  it('answers the 4011 exchange where it came from and learns the client address', async () => {
    const h = await start(flags('proxy'));
    const from = { address: '10.33.0.57', port: 68 };
    h.byPort(5011).deliver(
      request(MAC, { ...BIOS_PXE, messageType: MessageType.REQUEST }, { ciaddr: from.address }),
      from,
    );
    expect(h.byPort(5011).sent[0]!.to).toEqual(from);
    expect(h.byPort(5011).sent[0]!.packet.options.messageType).toBe(MessageType.ACK);
    expect(h.ctx.clients.macFor('10.33.0.57')).toBe(MAC);
  });
});

describe('dhcpPart, full mode', () => {
  it('refuses to start when another DHCP server answers, naming it', async () => {
    const h = await start(flags('full', ['--dhcp-range', '10.33.0.100-10.33.0.199']), {
      probe: async () => ({ server: '10.33.0.2', from: '10.33.0.2', offered: '10.33.0.150' }),
    });
    expect(h.ctx.services.get('dhcp')).toMatchObject({
      state: 'failed',
      error: 'another DHCP server answers on the bench network: 10.33.0.2 offered 10.33.0.150',
    });
    expect(h.ctx.services.get('dhcp')!.fix).toMatch(/--dhcp-mode proxy.*--dhcp-override/);
    expect(h.sockets).toEqual([]);
  });

  it('with --dhcp-override does not probe, and leases addresses', async () => {
    let probed = false;
    const h = await start(
      flags('full', ['--dhcp-range', '10.33.0.100-10.33.0.199', '--dhcp-override']),
      {
        probe: async () => {
          probed = true;
          return { server: 'x', from: 'x', offered: 'x' };
        },
      },
    );
    expect(probed).toBe(false);
    const s = h.byPort(1067);
    s.deliver(discover(BIOS_PXE));
    expect(s.sent[0]!.packet.yiaddr).toBe('10.33.0.100');
    s.deliver(
      request(MAC, {
        ...BIOS_PXE,
        messageType: MessageType.REQUEST,
        serverId: SERVER,
        requestedIp: '10.33.0.100',
      }),
    );
    expect(s.sent[1]!.packet.options.messageType).toBe(MessageType.ACK);
    expect(h.ctx.clients.macFor('10.33.0.100')).toBe(MAC);
    expect(
      h.part
        .leases()!
        .leases(Date.UTC(2026, 0, 1))
        .map((l) => l.ip),
    ).toEqual(['10.33.0.100']);
    expect(h.events.map((e) => e.protocol)).toEqual(['dhcp', 'dhcp']);
    // The BIOS ROM sends its UUID (option 97): the lifecycle gets it with the MAC.
    expect(h.sighted).toEqual([
      { mac: MAC, via: 'dhcp', ip: '0.0.0.0', uuid: BIOS_PXE.uuid },
      { mac: MAC, via: 'dhcp', ip: '0.0.0.0', uuid: BIOS_PXE.uuid },
    ]);
    expect(h.events[1]!.data).toMatchObject({
      offered: { ip: '10.33.0.100', bootFile: 'undionly.kpxe' },
    });
  });

  it.each([[['--dhcp-range', '10.99.0.1-10.99.0.9'], /not inside the bench network/]])(
    'fails with a fix when the pool is wrong (%s)',
    async (extra, error) => {
      const h = await start(flags('full', extra));
      expect(h.ctx.services.get('dhcp')!.state).toBe('failed');
      expect(h.ctx.services.get('dhcp')!.error).toMatch(error);
    },
  );

  it('logs "pool full" and answers nothing when the pool is used up', async () => {
    const h = await start(flags('full', ['--dhcp-range', '10.33.0.100-10.33.0.100']));
    const s = h.byPort(1067);
    s.deliver(request('52:54:00:00:00:01', { messageType: MessageType.DISCOVER }));
    s.deliver(request('52:54:00:00:00:02', { messageType: MessageType.DISCOVER }));
    expect(s.sent).toHaveLength(1);
    expect(h.logs.some((l) => l.includes('pool full'))).toBe(true);
  });

  it('survives fuzzed packets and still answers afterwards', async () => {
    const h = await start(flags('full', ['--dhcp-range', '10.33.0.100-10.33.0.199']));
    const s = h.byPort(1067);
    const valid = [discover(BIOS_PXE), discover(IPXE), discover(UEFI_PXE)].map(encode);
    for (let i = 0; i < 3000; i++) {
      const base = Buffer.from(valid[i % valid.length]!);
      const kind = i % 3;
      let msg: Buffer;
      if (kind === 0) msg = crypto.randomBytes(i % 600);
      else if (kind === 1) msg = base.subarray(0, i % base.length);
      else {
        msg = base;
        // Flip bytes in the header and options, including lengths and option codes.
        for (let k = 0; k < 1 + (i % 8); k++)
          msg[crypto.randomInt(msg.length)] = crypto.randomInt(256);
      }
      s.deliver(msg, { address: '10.33.0.66', port: 68 });
    }
    expect(h.logs.filter((l) => l.includes('request handling failed'))).toEqual([]);
    const before = s.sent.length;
    s.deliver(discover(BIOS_PXE));
    expect(s.sent.length).toBe(before + 1);
    expect(s.sent.at(-1)!.packet.file).toBe('undionly.kpxe');
  });
});

describe('dhcpPart, failures a technician can fix', () => {
  it('says to choose the bench network again when its address is gone', async () => {
    const h = await start(flags('proxy'), { findNetwork: () => null });
    expect(h.ctx.services.get('dhcp')).toMatchObject({
      state: 'failed',
      error: `${SERVER} is not a network of this station`,
    });
    expect(h.ctx.services.get('dhcp')!.fix).toMatch(/--bench-address/);
  });

  it('explains a privileged port', async () => {
    const h = await start(flags('proxy'), {
      open: async () => {
        const e = new Error('bind: Permission denied') as NodeJS.ErrnoException;
        e.code = 'EACCES';
        throw e;
      },
    });
    expect(h.ctx.services.get('dhcp')).toMatchObject({ state: 'failed' });
    expect(h.ctx.services.get('proxydhcp')).toMatchObject({ state: 'failed' });
    expect(h.ctx.services.get('dhcp')!.error).toMatch(/no permission/);
  });

  it('says the device binding needs CAP_NET_RAW, even on a high port', async () => {
    const h = await start(flags('proxy'), {
      open: async (spec) => {
        const e = new Error(
          spec.iface ? 'SO_BINDTODEVICE: Operation not permitted' : 'bind: Operation not permitted',
        ) as NodeJS.ErrnoException;
        e.code = 'EPERM';
        throw e;
      },
    });
    // Linux binds both sockets to the bench device; elsewhere a high port is the firewall's.
    const fix = process.platform === 'linux' ? /CAP_NET_RAW.*setcap cap_net_raw=\+ep/ : /firewall/;
    expect(h.ctx.services.get('dhcp')!.fix).toMatch(fix);
    expect(h.ctx.services.get('proxydhcp')!.fix).toMatch(fix);
  });

  it('says how to build the native part when it is missing', async () => {
    const h = await start(flags('proxy'), {
      open: async () => {
        const e = new Error('missing') as NodeJS.ErrnoException;
        e.code = 'ENOADDON';
        throw e;
      },
    });
    expect(h.ctx.services.get('dhcp')!.fix).toMatch(/npm rebuild/);
  });
});
