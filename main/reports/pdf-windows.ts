import { formatDurationUnbroken as dur } from './format.js';
import type { PdfLayout } from './pdf-layout.js';
import type { MachineReport } from './types.js';

type WindowsInstall = NonNullable<MachineReport['windowsInstall']>;

/** The machine page's "Windows install (WinPE)" block: what WinPE reported it used and how long it took. */
export function windowsInstallSection(L: PdfLayout, w: WindowsInstall): void {
  L.heading('Windows install (WinPE)');
  L.keyValues(
    [
      ['Medium', w.medium ?? ''],
      [
        'Edition',
        `${w.edition ?? ''}${w.index ? ` (image index ${w.index}${w.imageKind ? `, .${w.imageKind}` : ''})` : ''}`,
      ],
      [
        'Driver packs',
        [...w.winpeDriverPacks.map((p) => `${p} (WinPE)`), ...w.driverPacks].join(', ') || 'none',
      ],
      [
        'Disk',
        `${w.disk ?? ''}${w.layout ? `, ${w.layout.toUpperCase()}` : ''}${w.firmware ? `, ${w.firmware}` : ''}`,
      ],
      ['Image download', w.downloadSeconds === null ? '' : dur(w.downloadSeconds)],
      ['Image apply', w.applySeconds === null ? '' : dur(w.applySeconds)],
      ...(w.failedPhase ? [['Failed in', w.failedPhase] as [string, string]] : []),
    ],
    1,
  );
}
