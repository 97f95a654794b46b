import { beforeEach, describe, expect, it } from 'vitest';
import { optionsSchema } from '../../../../../main/config/options.js';
import { openDatabase } from '../../../../../main/db/open.js';
import {
  benchDhcpGaps,
  benchDhcpOptions,
  type BenchDhcpValues,
} from '../../../../../main/net/dhcp/bench-options.js';
import { fullReply } from '../../../../../main/net/dhcp/full.js';
import { LeaseStore } from '../../../../../main/net/dhcp/leases.js';
import {
  MessageType,
  encodeOptions,
  splitTlv,
  typedOptions,
} from '../../../../../main/net/dhcp/options.js';
import { parseRange } from '../../../../../main/net/dhcp/pool.js';
import { checkNetworkSettings } from '../../../../../main/settings/network.js';
import { BENCH_URL, SERVER, request } from './requests.js';

/** Full-mode DHCP: gateway, DNS and NTP from the station options (issue 15). */

const table: [string, BenchDhcpValues, ReturnType<typeof benchDhcpOptions>, number][] = [
  ['nothing configured', {}, {}, 3],
  ['router only', { dhcpRouter: '10.33.0.1' }, { routers: ['10.33.0.1'] }, 2],
  [
    'all three, lists with commas and spaces',
    { dhcpRouter: '10.33.0.1', dhcpDns: '10.33.0.53, 9.9.9.9', dhcpNtp: '10.33.0.123' },
    { routers: ['10.33.0.1'], dnsServers: ['10.33.0.53', '9.9.9.9'], ntpServers: ['10.33.0.123'] },
    0,
  ],
];

describe('bench DHCP options', () => {
  for (const [name, values, options, gaps] of table) {
    it(name, () => {
      expect(benchDhcpOptions(values)).toEqual(options);
      expect(benchDhcpGaps(values)).toHaveLength(gaps);
    });
  }

  it('says what a bench without them cannot do', () => {
    const gaps = benchDhcpGaps({}).join(' ');
    expect(gaps).toContain('--dhcp-router');
    expect(gaps).toContain('domain joins');
    expect(gaps).toContain('--dhcp-ntp');
  });

  it('the options refuse what is not a list of IPv4 addresses', () => {
    const base = { dataDir: '/tmp/x' };
    expect(optionsSchema.safeParse({ ...base, dhcpDns: '10.0.0.1,10.0.0.2' }).success).toBe(true);
    expect(optionsSchema.safeParse({ ...base, dhcpDns: 'dns.example.com' }).success).toBe(false);
    expect(
      optionsSchema.safeParse({ ...base, dhcpNtp: '1.1.1.1,2.2.2.2,3.3.3.3,4.4.4.4,5.5.5.5' })
        .success,
    ).toBe(false);
    expect(optionsSchema.safeParse({ ...base, dhcpRouter: '10.0.0.300' }).success).toBe(false);
  });

  it('the Services page refuses a gateway outside the bench network', () => {
    const ifaces = [
      {
        name: 'bench0',
        mac: '52:54:00:00:00:01',
        internal: false,
        addresses: [
          {
            address: '10.33.0.1',
            netmask: '255.255.255.0',
            family: 'IPv4' as const,
            cidr: '10.33.0.1/24',
          },
        ],
      },
    ];
    const s = {
      benchInterface: 'bench0',
      benchAddress: '10.33.0.1',
      dhcpMode: 'full' as const,
      dhcpRange: '10.33.0.100-10.33.0.199',
    };
    expect(
      checkNetworkSettings({ ...s, dhcpRouter: '10.33.0.254', dhcpDns: '10.33.0.53' }, ifaces),
    ).toBeNull();
    expect(checkNetworkSettings({ ...s, dhcpRouter: '192.168.1.1' }, ifaces)).toContain(
      'not inside the bench network',
    );
    expect(checkNetworkSettings({ ...s, dhcpDns: 'x' }, ifaces)).toContain(
      'DNS servers are not valid',
    );
  });

  describe('in full-mode replies', () => {
    const pool = parseRange('10.33.0.100-10.33.0.102');
    let store: LeaseStore;
    beforeEach(() => {
      store = new LeaseStore(openDatabase(':memory:'), pool, new Set([SERVER]));
    });
    const ask = (values: BenchDhcpValues) =>
      fullReply(request('52:54:00:33:00:0a', { messageType: MessageType.DISCOVER }), store, {
        serverIp: SERVER,
        benchUrl: BENCH_URL,
        now: Date.UTC(2026, 0, 1),
        pool,
        subnetMask: '255.255.255.0',
        leaseSeconds: 3600,
        ...benchDhcpOptions(values),
      }).reply!.options;

    it('the OFFER carries options 3, 6 and 42 when configured, and survives the codec', () => {
      const o = ask({
        dhcpRouter: '10.33.0.1',
        dhcpDns: '10.33.0.53,9.9.9.9',
        dhcpNtp: '10.33.0.123',
      });
      expect(o).toMatchObject({
        routers: ['10.33.0.1'],
        dnsServers: ['10.33.0.53', '9.9.9.9'],
        ntpServers: ['10.33.0.123'],
      });
      const round = typedOptions(splitTlv(encodeOptions(o)));
      expect(round).toMatchObject({
        routers: ['10.33.0.1'],
        dnsServers: ['10.33.0.53', '9.9.9.9'],
        ntpServers: ['10.33.0.123'],
      });
    });

    it('and none of them when not', () => {
      const o = ask({});
      expect(o.routers).toBeUndefined();
      expect(o.dnsServers).toBeUndefined();
      expect(o.ntpServers).toBeUndefined();
    });
  });
});
