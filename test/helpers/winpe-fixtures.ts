import type { ChosenPack, DriverFile, DriverPack } from '../../main/drivers/types.js';
import type { MediaRecord } from '../../main/media/types.js';
import type { RenderContext } from '../../main/profiles/render/context.js';
import {
  adminSchema,
  diskSchema,
  driversSchema,
  joinSchema,
  localeSchema,
  type Profile,
} from '../../main/profiles/schema.js';

/**
 * Windows render fixtures built in the test (not from the media library): a German customer
 * on en-US media, the three image kinds, WinPE and OS driver packs.
 */

export function mediaRecord(
  kind: 'wim' | 'esd' | 'swm' = 'wim',
  bytes = 4_700_000_000,
): MediaRecord {
  const dir = 'media/win11-24h2';
  const path = `${dir}/sources/install.${kind}`;
  const parts =
    kind === 'swm' ? [path, `${dir}/sources/install2.swm`, `${dir}/sources/install3.swm`] : [path];
  const edition = (index: number, name: string, editionId: string) => ({
    index,
    name,
    editionId,
    description: name,
    version: '10.0.26100.1742',
    build: 26100,
    architecture: 'amd64' as const,
    languages: ['en-US'],
    totalBytes: 19_000_000_000,
  });
  return {
    id: 'win11-24h2',
    label: 'Windows 11 24H2 (26100)',
    source: 'Win11_24H2_English_x64.iso',
    importedAt: '2026-12-01T10:00:00.000Z',
    dir,
    bootWim: `${dir}/sources/boot.wim`,
    image: { kind, path, parts, bytes },
    editions: [
      edition(1, 'Windows 11 Home', 'Core'),
      edition(5, 'Windows 11 Education', 'Education'),
      edition(6, 'Windows 11 Pro', 'Professional'),
    ],
    uiLanguage: 'en-US',
    build: 26100,
    winpe: { curl: `${dir}/winpe/curl.exe`, dlls: [`${dir}/winpe/libcurl.dll`] },
    warnings: [],
    bytes: 6_000_000_000,
  };
}

export function driverPack(id: string, winpe: boolean, files: string[]): ChosenPack {
  const list: DriverFile[] = files.map((rel) => ({ rel, size: 100, sha256: 'ab'.repeat(32) }));
  const pack: DriverPack = {
    id,
    vendor: 'Dell Inc.',
    model: 'Latitude 5440',
    winpe,
    source: `${id}.cab`,
    importedAt: '2026-12-01T10:00:00.000Z',
    dir: `drivers/${id}`,
    files: list.length,
    infs: files.filter((f) => f.toLowerCase().endsWith('.inf')).length,
    bytes: 100 * list.length,
    sha256: 'cd'.repeat(32),
  };
  return { pack, files: list, why: 'model' };
}

export const pePack = () =>
  driverPack('dell-5440-winpe', true, [
    'storage/iaStorVD.inf',
    'storage/iaStorVD.sys',
    'net/e1d.inf',
  ]);
export const osPack = () =>
  driverPack('dell-5440', false, ['audio/RtkAud.inf', 'audio/RtkAud.sys']);

/** Müller Steuerberatung: de-DE locale and keyboard, Berlin time, Pro edition. */
export function germanProfile(disk: Record<string, unknown> = {}): Profile {
  return {
    id: 'steuer-mueller',
    name: 'Steuerberatung Müller & Söhne',
    abstract: false,
    customer: { name: 'Steuerberatung Müller & Söhne <GmbH>', code: 'STB' },
    target: {
      os: 'windows',
      version: '11',
      edition: 'Professional',
      media: 'win11-24h2',
      labBypass: false,
    } as unknown as Profile['target'],
    locale: localeSchema.parse({ language: 'de-DE', keyboard: 'de', timezone: 'Europe/Berlin' }),
    disk: diskSchema.parse({ minSizeGB: 100, ...disk }),
    admin: adminSchema.parse({
      username: 'Admin',
      fullName: 'Praxis Admin',
      password: { secret: 'admin-pw' },
    }),
    hostname: '{customer.code}-{serial|last:6}',
    join: joinSchema.parse({ type: 'workgroup', name: 'KANZLEI' }),
    drivers: driversSchema.parse({}),
    apps: [],
    config: [],
    checks: [],
  } as Profile;
}

export function windowsContext(over: Partial<RenderContext> = {}): RenderContext {
  return {
    profile: germanProfile(),
    machine: {
      id: 'm-0042',
      macs: ['52:54:00:ab:cd:ef'],
      serial: '5CG2041XYZ',
      vendor: 'Dell Inc.',
      model: 'Latitude 5440',
    },
    token: 'tok_AbC-123',
    stationUrl: 'http://192.168.50.1:8080',
    firmware: 'uefi',
    secrets: { masked: false, get: (n) => `secret-${n}` },
    adminPassword: 'OneTime-7f3a!',
    media: mediaRecord('wim'),
    drivers: [],
    ...over,
  };
}
