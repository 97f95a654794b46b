/**
 * Real requests captured from real clients (captures/capture.sh, in namespaces): each
 * decodes to its golden text, round-trips byte for byte, and gets the boot file the policy
 * says. UPDATE_GOLDEN=1 regenerates the golden files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requestFacts } from '../../../../../main/net/dhcp/common.js';
import { decode, encode } from '../../../../../main/net/dhcp/packet.js';
import { proxyReply } from '../../../../../main/net/dhcp/proxy.js';
import { BENCH_URL, SERVER } from './requests.js';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'captures');
const update = process.env.UPDATE_GOLDEN === '1';

function render(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (v instanceof Map) return Object.fromEntries(v);
      if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') {
        return `hex:${Buffer.from((v as { data: number[] }).data).toString('hex')}`;
      }
      return v;
    },
    2,
  );
}

/** What a PXE-capable capture should get in proxy mode; null: not a PXE client. */
const expected: Record<string, string | null> = {
  udhcpc: null,
  dhclient: null,
  'seabios-ipxe': `${BENCH_URL}/boot/ipxe`,
  'ovmf-pxe': 'ipxe.efi',
};

describe('real captures', () => {
  it.each(Object.keys(expected))('%s', (name) => {
    const raw = fs.readFileSync(path.join(dir, `${name}.bin`));
    const packet = decode(raw);
    const text = render({ packet, facts: requestFacts(packet) }) + '\n';
    const golden = path.join(dir, `${name}.golden.txt`);
    if (update) fs.writeFileSync(golden, text);
    expect(text).toBe(fs.readFileSync(golden, 'utf8'));

    // Our encoder writes options in its own order, so compare what they mean.
    expect(decode(encode(packet))).toEqual(packet);

    const out = proxyReply(packet, { serverIp: SERVER, benchUrl: BENCH_URL }, 'dhcp');
    expect(out.reply?.options.bootFile ?? null).toBe(expected[name]);
  });
});
