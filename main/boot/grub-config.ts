import type { BootDecision, BootRequest } from './types.js';
import { assertNever } from '../util/assert-never.js';

/**
 * BootDecision -> GRUB configuration for the signed chain (shim -> GRUB -> kernel). Pure.
 *
 * Debian's signed network GRUB (grubnetx64.efi.signed) reads `$prefix/grub.cfg` with
 * prefix `(tftp,<station>)/grub` and asks for nothing per machine, so that file is the same
 * for everyone: a loop that runs `grub/mac/<its MAC>.cfg`, which the station renders for
 * that machine from the same BootDecision the iPXE script comes from. GRUB fills in
 * `$net_default_mac` (lower case, colons) when it booted from the network. A waiting
 * machine's file returns after its pause and the loop fetches it again: `source` in a loop,
 * not `configfile` from inside the file, which would nest one level deeper per retry.
 *
 * Under Secure Boot this GRUB has no `http` module (`insmod` is refused by the lockdown), so
 * everything comes over TFTP: the station serves `<files>/X` as TFTP `files/X` as well.
 */

export const grubPrefix = 'grub';
/** Where GRUB finds a machine's own config, relative to the TFTP root. */
export const grubMachineDir = `${grubPrefix}/mac`;

export interface GrubContext {
  /** Base URL of the bench listener: installer URLs under `${benchUrl}/files/` map to TFTP. */
  benchUrl: string;
  /** Seconds between two asks while a machine waits for the technician. */
  retrySeconds?: number;
}

/** The same for every machine: fetch and run this machine's own file, again and again. */
export function grubEntryConfig(): string {
  return [
    '# PrepStation: the signed chain (shim -> GRUB). Each machine has its own file.',
    'set timeout=0',
    'while true; do',
    `  source /${grubMachineDir}/\${net_default_mac}.cfg`,
    // Only reached when the station did not answer or a boot failed: do not spin.
    '  sleep 5',
    'done',
    '',
  ].join('\n');
}

/**
 * Quotes one word for GRUB's shell-like parser: inside single quotes nothing is expanded
 * and `;` does not end the command; a quote itself is closed, escaped and reopened.
 */
export function grubWord(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Text for `echo`: printable ASCII only (the console may be a serial line). */
function grubText(s: string): string {
  return grubWord(
    s
      .replace(/[^\x20-\x7e]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200),
  );
}

/** A translation the signed chain cannot do, said so that a technician can act on it. */
export class GrubTranslationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GrubTranslationError';
  }
}

/**
 * iPXE settings an installer script may use, with the values GRUB's machine has: the
 * signed chain only runs on x64 UEFI.
 */
function expandIpxeSettings(line: string, req: BootRequest): string {
  const known: Record<string, string> = {
    platform: 'efi',
    buildarch: 'x86_64',
    'netX/mac': req.mac,
    'net0/mac': req.mac,
    'netX/ip': req.ip.replace(/^::ffff:/, ''),
    'net0/ip': req.ip.replace(/^::ffff:/, ''),
  };
  return line.replace(/\$\{([^}]*)\}/g, (all, name: string) => {
    const v = known[name];
    if (v === undefined) {
      throw new GrubTranslationError(
        `the installer uses the iPXE setting ${all}, which GRUB has no value for`,
      );
    }
    return v;
  });
}

/** `${benchUrl}/files/a/b?x` -> `/files/a/b`: the same file, over the station's TFTP. */
export function tftpPathFor(url: string, benchUrl: string): string {
  const base = `${benchUrl.replace(/\/+$/, '')}/files/`;
  if (!url.startsWith(base)) {
    throw new GrubTranslationError(
      `${url} is not under ${base}: the signed GRUB can only load files the station serves over TFTP`,
    );
  }
  const rel = url.slice(base.length).split(/[?#]/)[0]!;
  if (rel === '' || rel.split('/').some((s) => s === '..')) {
    throw new GrubTranslationError(`${url} does not name a file`);
  }
  return `/files/${decodeURIComponent(rel)}`;
}

/**
 * The installer's iPXE lines (renderIpxeInstall: `kernel URL args`, `initrd [--name N] URL`,
 * `boot`, `echo`) as GRUB lines. One renderer stays the source of what an installer loads;
 * anything beyond those four (wimboot's `initrd -n` injection, `chain`) has no signed GRUB
 * equivalent and is refused with the reason.
 */
export function grubInstallLines(script: string, req: BootRequest, ctx: GrubContext): string[] {
  const out: string[] = [];
  let kernel = false;
  for (const raw of script.replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [cmd, ...rest] = expandIpxeSettings(line, req).split(/\s+/);
    switch (cmd) {
      case 'echo':
        out.push(`echo ${grubText(rest.join(' '))}`);
        break;
      case 'kernel':
      case 'linux': {
        const [url, ...args] = rest;
        if (!url) throw new GrubTranslationError('a kernel line without a URL');
        if (/\/wimboot(\?|$)/.test(url)) {
          throw new GrubTranslationError(
            'Windows boots with wimboot, which needs iPXE: under Secure Boot use the bootmgfw chain (docs/secure-boot.md)',
          );
        }
        // `initrd=NAME` is for iPXE's virtual files (UEFI stub); GRUB hands the initrd over
        // itself, and the stub would look for NAME on a file system this PC does not have.
        const kept = args.filter((a) => !a.startsWith('initrd='));
        out.push(['linux', tftpPathFor(url, ctx.benchUrl), ...kept.map(grubWord)].join(' '));
        kernel = true;
        break;
      }
      case 'initrd': {
        const urls = rest.filter(
          (a, i) => !a.startsWith('-') && !['-n', '--name'].includes(rest[i - 1] ?? ''),
        );
        const url = urls[0];
        if (!url) throw new GrubTranslationError('an initrd line without a URL');
        if (urls.length > 1) {
          throw new GrubTranslationError(
            `initrd ${url} names a file inside the initrd (${urls[1]}): only iPXE can inject files`,
          );
        }
        out.push(`initrd ${tftpPathFor(url, ctx.benchUrl)}`);
        break;
      }
      case 'boot':
        out.push('boot');
        break;
      default:
        throw new GrubTranslationError(
          `the iPXE command "${cmd ?? ''}" has no equivalent in the signed GRUB chain`,
        );
    }
  }
  if (!kernel) throw new GrubTranslationError('the installer script loads no kernel');
  if (out[out.length - 1] !== 'boot') out.push('boot');
  return out;
}

function header(req: BootRequest): string[] {
  return [
    `# PrepStation: config for ${req.mac} (rendered per request; never cached by the station)`,
    'set timeout=0',
  ];
}

/** What GRUB does for this machine now: wait and ask again, install, or its local disk. */
export function renderGrubDecision(
  decision: BootDecision,
  req: BootRequest,
  ctx: GrubContext,
): string {
  switch (decision.kind) {
    case 'wait': {
      const retry = Math.max(1, Math.round(ctx.retrySeconds ?? 5));
      return [
        ...header(req),
        "echo ''",
        "echo '================ PrepStation ================'",
        `echo ${grubText(decision.message || 'Waiting for the technician.')}`,
        `echo ${grubText(`This PC: MAC ${req.mac} (Secure Boot chain: shim + GRUB)`)}`,
        decision.reason === 'held'
          ? "echo 'It is on hold in the dashboard.'"
          : "echo 'Assign it to a profile in the PrepStation dashboard; it starts by itself.'",
        `echo ${grubText(`Asking the station again every ${retry} seconds.`)}`,
        "echo '============================================='",
        // Back to the entry file's loop, which fetches this file again.
        `sleep ${Math.max(0, retry - 5)}`,
        '',
      ].join('\n');
    }
    case 'install': {
      let lines: string[];
      try {
        lines = grubInstallLines(decision.script, req, ctx);
      } catch (err) {
        if (!(err instanceof GrubTranslationError)) throw err;
        // Said on the PC's screen and asked again: fixing the profile (or the policy) is
        // enough, no trip into the firmware.
        return renderGrubDecision(
          {
            kind: 'wait',
            reason: 'held',
            message: `The installer cannot start under the signed chain: ${err.message}.`,
          },
          req,
          { ...ctx, retrySeconds: 30 },
        );
      }
      return [
        ...header(req),
        `echo ${grubText(`PrepStation: installing this PC (MAC ${req.mac}) through the signed chain`)}`,
        ...lines,
        // Only reached when the kernel or initrd could not be loaded; the station notices
        // the next ask without a reboot and says so on the bench (loader-watch.ts).
        'echo \'PrepStation: the installer did not start. "bad shim signature" above: under Secure Boot\'',
        "echo 'the kernel must be signed by Debian (the vendor of this shim and GRUB).'",
        "echo 'Asking the station again in 30 seconds.'",
        'sleep 25',
        '',
      ].join('\n');
    }
    case 'local':
      // `exit` hands control back to the firmware (through shim), which goes on to the next
      // boot entry: the local disk, as iPXE's `exit` does on UEFI.
      return [
        ...header(req),
        `echo ${grubText(`PrepStation: ${decision.message || 'this PC is done'} Booting from its disk.`)}`,
        'exit',
        '',
      ].join('\n');
    default:
      return assertNever(decision, 'boot decision');
  }
}
