import crypto from 'node:crypto';
import type { MediaRecord } from '../../media/types.js';
import { binary, dword, multiSz, sz, writeHive, type RegKey, type RegValue } from './regf.js';

/**
 * The BCD store that Microsoft's own boot manager (bootmgfw.efi, signed by Microsoft's
 * Windows PCA / Windows UEFI CA 2023) reads when it is the network boot program: one entry
 * that RAM-boots the medium's boot.wim over TFTP (the Secure Boot chain for Windows that
 * needs no third-party CA; docs/secure-boot.md). Per medium, pure, deterministic.
 *
 * Objects and element types are Microsoft's documented ones (learn.microsoft.com,
 * "BCD reference": BcdLibraryElementTypes, BcdBootMgrElementTypes, BcdOSLoaderElementTypes,
 * BcdDeviceObjectElementTypes; "BCD well-known identifiers"). How a store holds them:
 * Objects\{id}\Description!Type and Objects\{id}\Elements\<type as 8 hex digits>!Element,
 * the value's registry type following the element's format (bits 24-27 of its type).
 *
 * Paths are relative to the boot device, which for a PXE-loaded boot manager is the TFTP
 * root: the station serves <files>/X as TFTP `files/X`, so a medium's boot.wim is
 * `\files\media\<id>\sources\boot.wim` and no per-client renaming is needed.
 */

/** BCD well-known identifiers. */
export const bcdIds = {
  bootmgr: '{9dea862c-5cdd-4e70-acc1-f32b344d4795}',
  ramdiskoptions: '{ae5534e0-a924-466c-b836-758539a3ee3a}',
} as const;

/** BCD object types (Description!Type). */
export const bcdObjectTypes = {
  bootManager: 0x10100002, // application, firmware boot manager
  osLoader: 0x10200003, // application, Windows boot, OS loader
  device: 0x30000000, // device options
} as const;

/** Element types used here, by Microsoft's names. */
export const bcdElements = {
  LibraryDevice_ApplicationDevice: 0x11000001,
  LibraryString_ApplicationPath: 0x12000002,
  LibraryString_Description: 0x12000004,
  LibraryString_PreferredLocale: 0x12000005,
  BootMgrObject_DefaultObject: 0x23000003,
  BootMgrObjectList_DisplayOrder: 0x24000001,
  BootMgrInteger_Timeout: 0x25000004,
  OSLoaderDevice_OSDevice: 0x21000001,
  OSLoaderString_SystemRoot: 0x22000002,
  OSLoaderBoolean_DetectKernelAndHal: 0x26000010,
  OSLoaderBoolean_WinPEMode: 0x26000022,
  DeviceInteger_SdiDevice: 0x31000003,
  DeviceInteger_SdiPath: 0x32000004,
  DeviceInteger_RamdiskTftpBlockSize: 0x36000007,
  DeviceInteger_RamdiskTftpWindowSize: 0x36000008,
} as const;

/** Element format (bits 24-27 of the type), BcdElementType in Microsoft's reference. */
export const elementFormats: Record<number, string> = {
  1: 'device',
  2: 'string',
  3: 'object',
  4: 'object-list',
  5: 'integer',
  6: 'boolean',
  7: 'integer-list',
};

export interface PxeBcdOptions {
  /**
   * TFTP block size bootmgr asks for (RFC 2348). 1456 fills an Ethernet frame without IP
   * fragmentation (1500 - 20 IP - 8 UDP - 4 TFTP = 1468; WDS's default is 1456).
   */
  blockSize?: number;
  /** TFTP window (RFC 7440) bootmgr asks for; our server sends a window per sendmsg. */
  windowSize?: number;
}

type ElementValue =
  | { kind: 'string'; value: string }
  | { kind: 'object'; value: string }
  | { kind: 'object-list'; value: string[] }
  | { kind: 'integer'; value: bigint }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'device'; value: Buffer };

export interface BcdObject {
  id: string;
  type: number;
  elements: [number, ElementValue][];
}

/** A stable object id per medium (golden files must not change from run to run). */
export function loaderId(media: Pick<MediaRecord, 'id'>): string {
  const h = crypto.createHash('sha256').update(`prepstation-bcd:${media.id}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50; // version nibble 5 (name-based), variant 10xx: a valid GUID
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `{${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}}`;
}

/** A TFTP-root path for a station file: `media/x/a.wim` -> `\files\media\x\a.wim`. */
export function bootPath(rel: string): string {
  if (rel.split('/').some((s) => s === '..' || s === '')) {
    throw new Error(`not a station file path: ${rel}`);
  }
  return `\\files\\${rel.replace(/\//g, '\\')}`;
}

function guidBytes(id: string): Buffer {
  const h = id.replace(/[{}-]/g, '');
  const b = Buffer.from(h, 'hex');
  // GUIDs are stored with their first three fields little-endian.
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8, 16),
  ]);
}

/**
 * Device elements. (U) Microsoft does not document their bytes; this follows the layout
 * that ReactOS's boot environment reads (boot/environ/include/bcd.h BCD_DEVICE_OPTION: the
 * additional-options object id, then a BL_DEVICE_DESCRIPTOR {DeviceType, Flags, Size,
 * Reserved, ...}). Not yet checked against a store made by `bcdedit /store` on Windows:
 * docs/secure-boot.md says how to capture that reference and turn it into a golden file.
 */
const deviceTypes = { block: 0, boot: 5 } as const;
const blockTypes = { ramdisk: 3 } as const;

function descriptor(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32LE(type, 0);
  head.writeUInt32LE(0, 4);
  head.writeUInt32LE(16 + body.length, 8);
  return Buffer.concat([head, body]);
}

/** `boot`: the device the boot manager itself came from (for PXE: the TFTP server). */
export function bootDevice(): Buffer {
  return Buffer.concat([Buffer.alloc(16), descriptor(deviceTypes.boot, Buffer.alloc(0x38))]);
}

/** `ramdisk=[boot]<path>,{options}`. */
export function ramdiskDevice(path: string, optionsId: string): Buffer {
  const parent = descriptor(deviceTypes.boot, Buffer.alloc(0x38));
  const file = Buffer.from(path + '\0', 'utf16le');
  const local = Buffer.alloc(4 + 8 + 8 + 4);
  local.writeUInt32LE(blockTypes.ramdisk, 0); // ImageBase, ImageSize, ImageOffset: 0
  return Buffer.concat([
    guidBytes(optionsId),
    descriptor(deviceTypes.block, Buffer.concat([local, parent, file])),
  ]);
}

/** The three objects of a PXE ramdisk store for this medium. */
export function pxeBcdObjects(media: MediaRecord, opts: PxeBcdOptions = {}): BcdObject[] {
  const e = bcdElements;
  const loader = loaderId(media);
  const sdi = media.bootFiles?.bootSdi ?? `${media.dir}/boot/boot.sdi`;
  const wim = bootPath(media.bootWim);
  const locale = media.uiLanguage || 'en-US';
  const str = (value: string): ElementValue => ({ kind: 'string', value });
  return [
    {
      id: bcdIds.bootmgr,
      type: bcdObjectTypes.bootManager,
      elements: [
        [e.LibraryString_Description, str('PrepStation')],
        [e.LibraryString_PreferredLocale, str(locale)],
        [e.BootMgrObject_DefaultObject, { kind: 'object', value: loader }],
        [e.BootMgrObjectList_DisplayOrder, { kind: 'object-list', value: [loader] }],
        // No menu: the PC starts WinPE at once, as iPXE + wimboot does.
        [e.BootMgrInteger_Timeout, { kind: 'integer', value: 0n }],
      ],
    },
    {
      id: loader,
      type: bcdObjectTypes.osLoader,
      elements: [
        [e.LibraryString_Description, str(`Windows Setup (${media.label})`)],
        [e.LibraryString_PreferredLocale, str(locale)],
        [
          e.LibraryDevice_ApplicationDevice,
          { kind: 'device', value: ramdiskDevice(wim, bcdIds.ramdiskoptions) },
        ],
        [e.LibraryString_ApplicationPath, str('\\windows\\system32\\boot\\winload.efi')],
        [
          e.OSLoaderDevice_OSDevice,
          { kind: 'device', value: ramdiskDevice(wim, bcdIds.ramdiskoptions) },
        ],
        [e.OSLoaderString_SystemRoot, str('\\windows')],
        [e.OSLoaderBoolean_DetectKernelAndHal, { kind: 'boolean', value: true }],
        [e.OSLoaderBoolean_WinPEMode, { kind: 'boolean', value: true }],
      ],
    },
    {
      id: bcdIds.ramdiskoptions,
      type: bcdObjectTypes.device,
      elements: [
        [e.LibraryString_Description, str('Ramdisk options')],
        [e.DeviceInteger_SdiDevice, { kind: 'device', value: bootDevice() }],
        [e.DeviceInteger_SdiPath, str(bootPath(sdi))],
        [
          e.DeviceInteger_RamdiskTftpBlockSize,
          { kind: 'integer', value: BigInt(opts.blockSize ?? 1456) },
        ],
        [
          e.DeviceInteger_RamdiskTftpWindowSize,
          { kind: 'integer', value: BigInt(opts.windowSize ?? 8) },
        ],
      ],
    },
  ];
}

/**
 * Microsoft documents these two with format bits 6 (boolean) but as BcdIntegerElement data
 * (BcdDeviceObjectElementTypes): the data format wins. (U) until checked against a store
 * written by `bcdedit /set {ramdiskoptions} ramdisktftpblocksize N`.
 */
export const integerDespiteFormat: ReadonlySet<number> = new Set([
  bcdElements.DeviceInteger_RamdiskTftpBlockSize,
  bcdElements.DeviceInteger_RamdiskTftpWindowSize,
]);

/** How a store holds each format (bcdedit's stores, read back with hivexregedit). */
function elementValue(type: number, v: ElementValue): RegValue {
  const format = integerDespiteFormat.has(type) ? 'integer' : elementFormats[(type >>> 24) & 0x0f];
  if (format !== v.kind) {
    throw new Error(`BCD element ${type.toString(16)} is ${format ?? 'unknown'}, not ${v.kind}`);
  }
  switch (v.kind) {
    case 'string':
    case 'object':
      return sz('Element', v.value);
    case 'object-list':
      return multiSz('Element', v.value);
    case 'integer': {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(v.value);
      return binary('Element', b);
    }
    case 'boolean':
      return binary('Element', Buffer.from([v.value ? 1 : 0]));
    case 'device':
      return binary('Element', v.value);
  }
}

export function bcdHive(objects: BcdObject[], now: Date): Buffer {
  const root: RegKey = {
    name: 'NewStoreRoot',
    children: [
      {
        name: 'Description',
        values: [sz('KeyName', 'BCD00000000'), dword('System', 1), dword('TreatAsSystem', 1)],
      },
      {
        name: 'Objects',
        children: objects.map((o) => ({
          name: o.id,
          children: [
            { name: 'Description', values: [dword('Type', o.type)] },
            {
              name: 'Elements',
              children: o.elements.map(([type, v]) => ({
                name: type.toString(16).padStart(8, '0'),
                values: [elementValue(type, v)],
              })),
            },
          ],
        })),
      },
    ],
  };
  return writeHive(root, now);
}

/** The BCD file a PXE-loaded bootmgfw.efi reads for this medium. */
export function pxeBcdFor(media: MediaRecord, now: Date, opts: PxeBcdOptions = {}): Buffer {
  return bcdHive(pxeBcdObjects(media, opts), now);
}
