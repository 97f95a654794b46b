import type { BootDecision, BootRequest } from './types.js';
import { assertNever } from '../util/assert-never.js';

/**
 * BootDecision -> iPXE script text. Pure. Everything here is read by iPXE's script
 * parser, which expands ${...} anywhere in a line and treats `||` / `&&` as operators, so
 * text from outside (messages, MACs) goes through `ipxeText` first.
 */

export interface ScriptContext {
  /** Base URL of the bench listener, e.g. http://192.168.50.1:8080. */
  benchUrl: string;
  /** Seconds between two asks while a machine waits for the technician. */
  retrySeconds?: number;
}

/**
 * The first-hop script: iPXE fetches /boot/ipxe without knowing who it is; this makes it
 * ask again with its identity. `netX` is the NIC iPXE booted from (net0 would be the first
 * NIC, not necessarily the one DHCP saw). SMBIOS strings can hold spaces and `&`, hence
 * `:uristring`; the MAC, UUID, platform and buildarch never do.
 */
export function chainScript(benchUrl: string): string {
  const query = [
    'mac=${netX/mac}',
    'uuid=${uuid}',
    'serial=${serial:uristring}',
    'platform=${platform}',
    'buildarch=${buildarch}',
    'manufacturer=${manufacturer:uristring}',
    'product=${product:uristring}',
  ].join('&');
  // A station restarting under a machine must not leave it at a dead iPXE prompt.
  return [
    '#!ipxe',
    ':start',
    `chain ${benchUrl}/boot/ipxe?${query} || goto failed`,
    ':failed',
    'echo PrepStation: the station did not answer. Retrying in 10 seconds.',
    'sleep 10',
    'goto start',
    '',
  ].join('\n');
}

/** Makes text safe inside an iPXE script line: no expansion, no operators, no newlines. */
export function ipxeText(s: string): string {
  return s
    .replace(/;/g, ',')
    .replace(/[^A-Za-z0-9 .,:/()!?@_+=%-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

/** Query string that brings a waiting machine back with the same identity. */
function identityQuery(req: BootRequest): string {
  const q = new URLSearchParams();
  q.set('mac', req.mac);
  for (const k of ['uuid', 'serial', 'platform', 'buildarch', 'manufacturer', 'product'] as const) {
    const v = req[k];
    if (v) q.set(k, v);
  }
  // URLSearchParams encodes with %XX only: nothing iPXE would expand or split on.
  return q.toString();
}

/** iPXE has no "exit to next boot device" that works everywhere: BIOS needs sanboot. */
function localBootLines(platform: string | undefined): string[] {
  if (platform === 'efi') return ['exit'];
  if (platform === 'pcbios') return ['sanboot --no-describe --drive 0x80 || exit'];
  return ['iseq ${platform} efi && exit ||', 'sanboot --no-describe --drive 0x80 || exit'];
}

export function renderDecision(
  decision: BootDecision,
  req: BootRequest,
  ctx: ScriptContext,
): string {
  const mac = ipxeText(req.mac);
  switch (decision.kind) {
    case 'wait': {
      const retry = Math.max(1, Math.round(ctx.retrySeconds ?? 5));
      const lines = [
        '#!ipxe',
        'echo',
        'echo ================ PrepStation ================',
        `echo ${ipxeText(decision.message) || 'Waiting for the technician.'}`,
        `echo This PC: MAC ${mac}${req.serial ? `, serial ${ipxeText(req.serial)}` : ''}`,
        decision.reason === 'held'
          ? 'echo It is on hold in the dashboard.'
          : 'echo Assign it to a profile in the PrepStation dashboard; it starts by itself.',
        `echo Asking the station again every ${retry} seconds.`,
        'echo =============================================',
        `sleep ${retry}`,
        `chain --replace ${ctx.benchUrl}/boot/ipxe?${identityQuery(req)} || exit`,
        '',
      ];
      return lines.join('\n');
    }
    case 'install': {
      const body = decision.script.replace(/\r\n/g, '\n').replace(/^#!ipxe[^\n]*\n?/, '');
      return [
        '#!ipxe',
        `echo PrepStation: installing this PC (MAC ${mac})`,
        body.trimEnd(),
        '',
      ].join('\n');
    }
    case 'local':
      return [
        '#!ipxe',
        `echo PrepStation: ${ipxeText(decision.message ?? '') || 'this PC is done'}. Booting from its disk.`,
        ...localBootLines(req.platform),
        '',
      ].join('\n');
    default:
      return assertNever(decision, 'boot decision');
  }
}
