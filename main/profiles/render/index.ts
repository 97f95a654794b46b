import { renderAutoinstall, renderMetaData } from './autoinstall.js';
import { renderAutounattend } from './autounattend.js';
import { RenderError, type RenderContext } from './context.js';
import { renderKickstart } from './kickstart.js';
import { renderPreseed } from './preseed.js';
import { renderWinpeFiles, type WinpeFiles } from './winpe.js';
import { assertNever } from '../../util/assert-never.js';

export * from './context.js';
export { renderIpxeInstall, WIMBOOT_PATH } from './ipxe.js';
export { answerFileNames, kernelCommandLine, linuxBoot, type LinuxBoot } from './kernel.js';
export { machineHostname } from './names.js';
export { renderWinpeFiles, type WinpeFiles };

export type AnswerFormat = 'autounattend' | 'autoinstall' | 'preseed' | 'kickstart';
export const answerFormats: readonly AnswerFormat[] = [
  'autounattend',
  'autoinstall',
  'preseed',
  'kickstart',
];

/** The answer-file format a profile's target OS uses. */
export function answerFormatFor(rc: Pick<RenderContext, 'profile'>): AnswerFormat {
  switch (rc.profile.target.os) {
    case 'windows':
      return 'autounattend';
    case 'ubuntu':
      return 'autoinstall';
    case 'debian':
      return 'preseed';
    case 'fedora':
    case 'rhel':
    case 'rocky':
    case 'alma':
      return 'kickstart';
    default:
      return assertNever(rc.profile.target, 'target');
  }
}

export function renderAnswerFile(format: AnswerFormat, rc: RenderContext): string {
  switch (format) {
    case 'autounattend':
      return renderAutounattend(rc);
    case 'autoinstall':
      return renderAutoinstall(rc);
    case 'preseed':
      return renderPreseed(rc);
    case 'kickstart':
      return renderKickstart(rc);
    default:
      // Not assertNever: a format from a request is the caller's mistake (a RenderError the
      // routes answer with), not a broken invariant; `satisfies never` still checks the switch.
      throw new RenderError(
        'unsupported',
        `unknown answer file format ${String(format satisfies never)}`,
      );
  }
}

/**
 * A per-machine file by the name the installer asks for under `${stationUrl}/t/<token>/`
 * (the machines engineer serves these): answer files, NoCloud meta-data and the files
 * wimboot injects into WinPE. null: not a file of this machine's OS.
 */
export function renderMachineFile(
  name: string,
  rc: RenderContext,
): { contentType: string; body: string } | null {
  const os = rc.profile.target.os;
  const text = (body: string) => ({ contentType: 'text/plain; charset=utf-8', body });
  if (os === 'windows') {
    if (name === 'autounattend.xml') {
      return { contentType: 'application/xml; charset=utf-8', body: renderAutounattend(rc) };
    }
    const pe = renderWinpeFiles(rc);
    return name in pe ? text(pe[name as keyof WinpeFiles]) : null;
  }
  if (os === 'ubuntu') {
    if (name === 'user-data') return text(renderAutoinstall(rc));
    if (name === 'meta-data') return text(renderMetaData(rc));
    if (name === 'vendor-data') return text('');
    return null;
  }
  if (os === 'debian') return name === 'preseed.cfg' ? text(renderPreseed(rc)) : null;
  return name === 'ks.cfg' ? text(renderKickstart(rc)) : null;
}
