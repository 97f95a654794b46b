import { describe, expect, it } from 'vitest';
import { replyDestination } from '../../../../../main/net/dhcp/common.js';
import { MessageType, type DhcpOptions } from '../../../../../main/net/dhcp/options.js';
import { proxyReply } from '../../../../../main/net/dhcp/proxy.js';
import { BENCH_URL, BIOS_PXE, IPXE, SERVER, UEFI_PXE, request } from './requests.js';

const ctx = { serverIp: SERVER, benchUrl: BENCH_URL };
const MAC = '52:54:00:33:00:01';
const { DISCOVER, REQUEST, INFORM, OFFER, ACK, RELEASE } = MessageType;

describe('proxyReply', () => {
  it.each([
    ['BIOS DISCOVER on 67', 'dhcp', { ...BIOS_PXE, messageType: DISCOVER }, OFFER, 'undionly.kpxe'],
    ['UEFI DISCOVER on 67', 'dhcp', { ...UEFI_PXE, messageType: DISCOVER }, OFFER, 'ipxe.efi'],
    [
      'iPXE DISCOVER on 67',
      'dhcp',
      { ...IPXE, messageType: DISCOVER },
      OFFER,
      `${BENCH_URL}/boot/ipxe`,
    ],
    [
      'REQUEST on 67 naming us',
      'dhcp',
      { ...BIOS_PXE, messageType: REQUEST, serverId: SERVER },
      ACK,
      'undionly.kpxe',
    ],
    ['REQUEST on 4011', 'pxe', { ...UEFI_PXE, messageType: REQUEST }, ACK, 'ipxe.efi'],
    ['INFORM on 4011', 'pxe', { ...BIOS_PXE, messageType: INFORM }, ACK, 'undionly.kpxe'],
  ] as const)('%s: answers with the boot file and no address', (_n, port, opts, type, file) => {
    const { reply, offered } = proxyReply(request(MAC, opts), ctx, port);
    expect(reply).not.toBeNull();
    expect(reply!.options.messageType).toBe(type);
    expect(reply!.yiaddr).toBe('0.0.0.0'); // never an address: the office server gives that
    expect(reply!.siaddr).toBe(SERVER);
    expect(reply!.options.serverId).toBe(SERVER);
    expect(reply!.options.vendorClass).toBe('PXEClient');
    expect(reply!.options.bootFile).toBe(file);
    expect(reply!.file).toBe(file);
    expect(offered).toEqual({ bootFile: file, server: SERVER });
  });

  it('gives x64 UEFI firmware snponly.efi when the station is set to it (--uefi-loader)', () => {
    const snp = { ...ctx, uefiLoader: 'snponly.efi' } as const;
    for (const port of ['dhcp', 'pxe'] as const) {
      const { reply } = proxyReply(
        request(MAC, { ...UEFI_PXE, messageType: port === 'dhcp' ? DISCOVER : REQUEST }),
        snp,
        port,
      );
      expect(reply!.options.bootFile).toBe('snponly.efi');
    }
    // BIOS and iPXE clients are not affected.
    expect(
      proxyReply(request(MAC, { ...BIOS_PXE, messageType: DISCOVER }), snp, 'dhcp').reply!.options
        .bootFile,
    ).toBe('undionly.kpxe');
    expect(
      proxyReply(request(MAC, { ...IPXE, messageType: DISCOVER }), snp, 'dhcp').reply!.options
        .bootFile,
    ).toBe(`${BENCH_URL}/boot/ipxe`);
  });

  it('tells PXE ROMs to boot the file without discovery (43.6 = 8)', () => {
    const { reply } = proxyReply(request(MAC, { ...BIOS_PXE, messageType: DISCOVER }), ctx, 'dhcp');
    expect(reply!.options.vendorOptions!.get(6)).toEqual(Buffer.from([8]));
    expect(reply!.options.tftpServer).toBe(SERVER);
  });

  it('echoes the boot item a ROM asked for on 4011 (43.71), or sends the default', () => {
    const asked = Buffer.from([0x80, 0x01, 0x00, 0x00]);
    const withItem = proxyReply(
      request(MAC, { ...UEFI_PXE, messageType: REQUEST, vendorOptions: new Map([[71, asked]]) }),
      ctx,
      'pxe',
    );
    expect(withItem.reply!.options.vendorOptions!.get(71)).toEqual(asked);
    const without = proxyReply(request(MAC, { ...UEFI_PXE, messageType: REQUEST }), ctx, 'pxe');
    expect(without.reply!.options.vendorOptions!.get(71)).toEqual(Buffer.from([0x80, 0, 0, 0]));
  });

  it('sends iPXE 175.176 = 1 and echoes the UUID', () => {
    const { reply } = proxyReply(request(MAC, { ...IPXE, messageType: DISCOVER }), ctx, 'dhcp');
    expect(reply!.options.ipxe).toEqual(new Map([[176, Buffer.from([1])]]));
    const bios = proxyReply(request(MAC, { ...BIOS_PXE, messageType: DISCOVER }), ctx, 'dhcp');
    expect(bios.reply!.options.uuid).toBe(BIOS_PXE.uuid);
  });

  it.each<[string, 'dhcp' | 'pxe', DhcpOptions]>([
    ['a laptop (no PXEClient)', 'dhcp', { messageType: DISCOVER, hostname: 'office-pc' }],
    [
      'a REQUEST for the office server',
      'dhcp',
      { ...BIOS_PXE, messageType: REQUEST, serverId: '10.33.0.2' },
    ],
    ['a RELEASE', 'dhcp', { ...BIOS_PXE, messageType: RELEASE }],
    ['a DISCOVER on 4011', 'pxe', { ...BIOS_PXE, messageType: DISCOVER }],
    [
      'an architecture without a boot file',
      'dhcp',
      { ...BIOS_PXE, clientArch: [6], messageType: DISCOVER },
    ],
  ])('stays silent for %s', (_n, port, opts) => {
    expect(proxyReply(request(MAC, opts), ctx, port).reply).toBeNull();
  });

  it('broadcasts on 67 (the client has no address) and goes to a relay when there is one', () => {
    const req = request(MAC, { ...BIOS_PXE, messageType: DISCOVER });
    const { reply } = proxyReply(req, ctx, 'dhcp');
    const ports = { server: 67, client: 68 };
    expect(replyDestination(req, reply!, ports)).toEqual({ address: '255.255.255.255', port: 68 });
    const relayed = { ...req, giaddr: '10.9.0.1' };
    expect(replyDestination(relayed, reply!, ports)).toEqual({ address: '10.9.0.1', port: 67 });
  });
});
