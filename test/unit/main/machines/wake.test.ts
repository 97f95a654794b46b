import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { benchBroadcast, magicPacket, sendMagicPacket } from '../../../../main/machines/wake.js';

const iface = (address: string, netmask: string) => ({
  name: 'bench0',
  mac: null,
  internal: false,
  addresses: [{ address, netmask, family: 'IPv4' as const, cidr: null }],
});

describe('wake-on-LAN', () => {
  it('builds the magic packet: 6 x FF, then the MAC 16 times', () => {
    const p = magicPacket('52-54-00-AB-CD-EF');
    expect(p).toHaveLength(102);
    expect(p.subarray(0, 6)).toEqual(Buffer.alloc(6, 0xff));
    for (let i = 0; i < 16; i++) {
      expect(p.subarray(6 + i * 6, 12 + i * 6).toString('hex')).toBe('525400abcdef');
    }
    expect(() => magicPacket('not a mac')).toThrow(/not a MAC/);
  });

  it('goes to the broadcast of the network holding the bench address, and no other', () => {
    const list = [iface('10.0.0.5', '255.0.0.0'), iface('192.168.50.1', '255.255.255.0')];
    expect(benchBroadcast('192.168.50.1', list)).toBe('192.168.50.255');
    expect(benchBroadcast('10.0.0.5', list)).toBe('10.255.255.255');
    expect(benchBroadcast('172.16.0.1', list)).toBeNull();
  });

  it('sends it from the bench address (loopback here)', async () => {
    const rx = dgram.createSocket('udp4');
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', r));
    const got = new Promise<Buffer>((r) => rx.once('message', (m) => r(m)));
    await sendMagicPacket('52:54:00:ab:cd:ef', {
      from: '127.0.0.1',
      to: '127.0.0.1',
      port: rx.address().port,
    });
    expect((await got).equals(magicPacket('52:54:00:ab:cd:ef'))).toBe(true);
    rx.close();
  });
});
