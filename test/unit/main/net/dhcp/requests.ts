/** Request builders shared by the DHCP logic tests. */
import type { DhcpOptions } from '../../../../../main/net/dhcp/options.js';
import type { DhcpPacket } from '../../../../../main/net/dhcp/packet.js';

export const SERVER = '10.33.0.1';
export const BENCH_URL = 'http://10.33.0.1:8080';

export function request(
  mac: string,
  options: DhcpOptions,
  fields: Partial<Omit<DhcpPacket, 'options'>> = {},
): DhcpPacket {
  return {
    op: 1,
    htype: 1,
    hlen: 6,
    hops: 0,
    xid: 0x1234,
    secs: 0,
    flags: 0,
    ciaddr: '0.0.0.0',
    yiaddr: '0.0.0.0',
    siaddr: '0.0.0.0',
    giaddr: '0.0.0.0',
    chaddr: mac,
    sname: '',
    file: '',
    dhcp: true,
    options,
    ...fields,
  };
}

export const BIOS_PXE: DhcpOptions = {
  vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
  clientArch: [0],
  uuid: '00112233-4455-6677-8899-aabbccddeeff',
};
export const UEFI_PXE: DhcpOptions = {
  vendorClass: 'PXEClient:Arch:00007:UNDI:003016',
  clientArch: [7],
};
export const IPXE: DhcpOptions = {
  vendorClass: 'PXEClient:Arch:00000:UNDI:002001',
  clientArch: [0],
  userClass: ['iPXE'],
  ipxe: new Map([[19, Buffer.from([1])]]),
};
