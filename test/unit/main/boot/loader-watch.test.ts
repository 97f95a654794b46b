import { describe, expect, it } from 'vitest';
import { LoaderWatch, type WatchedEvent } from '../../../../main/boot/loader-watch.js';

const mac = '52:54:00:aa:bb:01';
const tftp = (file: string, result = 'ok'): WatchedEvent => ({
  protocol: 'tftp',
  mac,
  data: { file, result },
});

describe('LoaderWatch', () => {
  it('a PC silent 30 s after its whole ipxe.efi gets the hint once, and auto turns signed', () => {
    const w = new LoaderWatch(30_000);
    w.observe(tftp('ipxe.efi', 'aborted'), 0); // OVMF's size probe starts nothing
    expect(w.due(40_000, 'auto')).toEqual([]);
    w.observe(tftp('ipxe.efi'), 1_000);
    expect(w.due(30_999, 'auto')).toEqual([]);
    expect(w.chainFor(mac, 'auto')).toBe('ipxe');
    const [hint, ...more] = w.due(31_000, 'auto');
    expect(more).toEqual([]);
    expect(hint).toMatchObject({ mac, loader: 'ipxe.efi' });
    expect(hint!.reason).toMatch(/^Secure Boot refused the loader: use the signed chain/);
    expect(hint!.fix).toMatch(/start this PC again/i);
    expect(w.due(100_000, 'auto')).toEqual([]);
    expect(w.chainFor(mac.toUpperCase(), 'auto')).toBe('signed');
    expect(w.chainFor(mac, 'ipxe')).toBe('ipxe');
  });

  it.each<[string, WatchedEvent]>([
    ['DHCP as iPXE', { protocol: 'dhcp', mac, data: { userClass: 'iPXE' } }],
    ['an HTTP request', { protocol: 'http', mac, data: { path: '/boot/ipxe' } }],
    ['its next TFTP file', tftp('grubx64.efi', 'not-found')],
  ])('no hint when the loader came back with %s', (_name, e) => {
    const w = new LoaderWatch(30_000);
    w.observe(tftp('ipxe.efi'), 0);
    w.observe(e, 5_000);
    expect(w.due(60_000, 'auto')).toEqual([]);
    expect(w.chainFor(mac, 'auto')).toBe('ipxe');
  });

  it('the firmware asking again as plain PXE is not the loader coming back', () => {
    const w = new LoaderWatch(30_000);
    w.observe(tftp('ipxe.efi'), 0);
    w.observe({ protocol: 'dhcp', mac, data: { userClass: null } }, 10_000);
    // ...and the retried download does not restart the clock.
    w.observe(tftp('ipxe.efi'), 12_000);
    expect(w.due(30_000, 'ipxe')).toHaveLength(1);
  });

  it('under ipxe the fix names the setting', () => {
    const w = new LoaderWatch(30_000);
    w.observe(tftp('snponly.efi'), 0);
    expect(w.due(30_000, 'ipxe')[0]!.fix).toMatch(/Services page/);
  });

  it('a refused shim says which CA the firmware lacks; iPXE running again clears auto', () => {
    const w = new LoaderWatch(30_000);
    w.observe(tftp('/shimx64.efi'), 0);
    expect(w.due(30_000, 'signed')[0]!.reason).toMatch(/refused the signed shim/);
    w.observe(tftp('ipxe.efi'), 40_000);
    w.due(80_000, 'auto');
    expect(w.chainFor(mac, 'auto')).toBe('signed');
    w.observe(tftp('ipxe.efi'), 90_000);
    w.observe({ protocol: 'http', mac }, 95_000);
    expect(w.chainFor(mac, 'auto')).toBe('ipxe');
  });
});

describe('LoaderWatch: the signed GRUB asking again without a reboot', () => {
  const grub = (decision: string): WatchedEvent => ({
    protocol: 'tftp',
    mac,
    data: { chain: 'shim-grub', decision },
  });

  it('says the installer did not start (kernel refused by shim) at the next tick', () => {
    const w = new LoaderWatch(30_000);
    w.observe(grub('wait'), 0);
    w.observe(grub('install'), 5_000);
    w.observe(tftp('/files/m/casper/vmlinuz'), 6_000);
    w.observe(grub('install'), 40_000); // GRUB's loop: no DHCP, so no reboot in between
    const [hint, ...more] = w.due(40_001, 'signed');
    expect(more).toEqual([]);
    expect(hint!.reason).toMatch(/installer did not start under the signed chain/);
    expect(hint!.fix).toMatch(/bad shim signature/);
    expect(w.due(50_000, 'signed')).toEqual([]);
  });

  it('a reboot in between (DHCP) is the installer having run: no hint', () => {
    const w = new LoaderWatch(30_000);
    w.observe(grub('install'), 0);
    w.observe({ protocol: 'dhcp', mac, data: { userClass: null } }, 60_000);
    w.observe(grub('local'), 90_000);
    expect(w.due(100_000, 'signed')).toEqual([]);
  });
});
