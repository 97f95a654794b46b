import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { WimbootStatus } from '../api/media.js';
import { BUILD_24H2, WIMBOOT_MIN_FOR_24H2, type MediaRecord } from './types.js';

export type { WimbootStatus } from '../api/media.js';

/**
 * wimboot (iPXE's Windows boot loader, GPL, not packaged by Debian) at <files>/boot/wimboot.
 * Its version is read from the binary itself: wimboot prints a banner built at compile
 * time, "wimboot v2.9.0 -- Windows Imaging Format bootloader", so the string is in the
 * file as is. Windows 11 24H2 (build 26100) and later need 2.9.0: it extracts boot.stl
 * from the WIM and picks bootmgfw_EX.efi on firmware that trusts the 2023 CA.
 */

/** The official x86_64 release we fetch: https://github.com/ipxe/wimboot/releases/tag/v2.9.0 */
export const WIMBOOT_RELEASE = {
  version: '2.9.0',
  url: 'https://github.com/ipxe/wimboot/releases/download/v2.9.0/wimboot',
  // Pinned from the release binary (the same value is pinned by several public projects).
  sha256: '5f067ccdc4d084d5bf77b6c853bd0f8402dfc2b4cd1b103d358993ae97fae8e3',
} as const;

export const WIMBOOT_FIX =
  'Run `prepstation boot fetch-wimboot` on a station with internet access (it checks the pinned sha256), or copy wimboot 2.9.0 or later from https://github.com/ipxe/wimboot/releases to <files>/boot/wimboot.';

export function wimbootPath(filesDir: string): string {
  return path.join(filesDir, 'boot', 'wimboot');
}

/** The version from a wimboot binary's banner, or null. */
export function wimbootVersionOf(bytes: Buffer): string | null {
  const m = /wimboot v(\d+\.\d+\.\d+)/.exec(bytes.toString('latin1'));
  return m ? m[1]! : null;
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** What the Services and Media screens and `prepstation check` say about wimboot. */
export function wimbootStatus(filesDir: string, media: MediaRecord[]): WimbootStatus {
  const file = wimbootPath(filesDir);
  let bytes: Buffer | null;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    bytes = null;
  }
  const needs24h2 = media.filter((m) => m.build >= BUILD_24H2).map((m) => m.id);
  if (!bytes) {
    return {
      present: false,
      version: null,
      path: file,
      problem: 'wimboot is missing: Windows media cannot boot over the network.',
      fix: WIMBOOT_FIX,
    };
  }
  const version = wimbootVersionOf(bytes);
  if (
    needs24h2.length > 0 &&
    (version === null || compareVersions(version, WIMBOOT_MIN_FOR_24H2) < 0)
  ) {
    return {
      present: true,
      version,
      path: file,
      problem: `wimboot ${version ?? '(unknown version)'} cannot boot Windows 11 24H2 and later (media ${needs24h2.join(', ')}): they need wimboot ${WIMBOOT_MIN_FOR_24H2} or later.`,
      fix: WIMBOOT_FIX,
    };
  }
  return { present: true, version, path: file, problem: null, fix: null };
}

export class FetchError extends Error {}

/**
 * Downloads wimboot to <files>/boot/wimboot through a temporary file that is renamed into
 * place only when its sha256 matches; a mismatch or a broken download leaves nothing.
 */
export async function fetchWimboot(
  filesDir: string,
  opts: { url?: string; sha256?: string; fetchImpl?: typeof fetch } = {},
): Promise<{ path: string; sha256: string; version: string | null; bytes: number }> {
  const url = opts.url ?? WIMBOOT_RELEASE.url;
  const want = (opts.sha256 ?? WIMBOOT_RELEASE.sha256).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(want)) throw new FetchError('--sha256 takes 64 hex digits.');
  const dest = wimbootPath(filesDir);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.download-${crypto.randomBytes(4).toString('hex')}`;
  try {
    const res = await (opts.fetchImpl ?? fetch)(url, { redirect: 'follow' });
    if (!res.ok || !res.body) throw new FetchError(`${url} answered HTTP ${res.status}.`);
    const body = Buffer.from(await res.arrayBuffer());
    const got = crypto.createHash('sha256').update(body).digest('hex');
    if (got !== want) {
      throw new FetchError(
        `The download's sha256 is ${got}, not the pinned ${want}: refused, nothing was kept. Check the URL (a proxy or a changed release?).`,
      );
    }
    fs.writeFileSync(tmp, body, { flag: 'wx' });
    fs.renameSync(tmp, dest);
    return { path: dest, sha256: got, version: wimbootVersionOf(body), bytes: body.length };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    if (err instanceof FetchError) throw err;
    throw new FetchError(
      `Downloading ${url} failed: ${(err as Error).message}. This needs internet access (or --url to a local copy).`,
    );
  }
}
