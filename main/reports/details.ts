import type { PlanStep } from '../agent/protocol.js';
import { MASK, redactParams, redactText } from './redact.js';

/**
 * One line saying what a configuration step sets or what a check looks at, from the step
 * frozen in the deployment's plan (never from today's profile). Secrets read as MASK.
 */
export function stepDetails(step: PlanStep): string | null {
  const p = redactParams(step.params) as Record<string, unknown>;
  const s = (k: string): string | null => {
    const v = p[k];
    if (v === undefined || v === null || v === '') return null;
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  const join = (parts: (string | null | false | undefined)[]): string | null => {
    const kept = parts.filter((x): x is string => typeof x === 'string' && x.length > 0);
    return kept.length ? kept.join(', ') : null;
  };
  if (step.kind === 'inventory') return null;
  if (step.kind === 'app') {
    const detect = p.detect as Record<string, unknown> | undefined;
    return join([
      `${step.type} installer`,
      detect && typeof detect.type === 'string' && `detected by ${detect.type}`,
    ]);
  }
  if (step.kind === 'config') {
    switch (step.type) {
      case 'registry': {
        const target = `${s('key') ?? ''}\\${s('valueName') ?? ''}`;
        return p.delete === true
          ? `delete ${target}`
          : `${target} = ${s('value') ?? ''} (${s('kind') ?? ''})`;
      }
      case 'file':
        return join([s('path'), s('mode') && `mode ${s('mode')}`]);
      case 'script':
        return step.shell ? `${step.shell} script` : 'script';
      case 'wifi':
        return join([
          `SSID "${s('ssid') ?? ''}"`,
          s('security'),
          p.passphrase !== undefined && `passphrase ${MASK}`,
          p.hidden === true && 'hidden',
        ]);
      case 'wallpaper':
        return join([s('image'), s('style'), p.lockScreen === true && 'lock screen too']);
      default:
        return genericDetails(p);
    }
  }
  switch (step.type) {
    case 'registry':
      return `${s('key') ?? ''}\\${s('valueName') ?? ''} is ${s('expected') ?? ''}`;
    case 'file-exists':
      return `${s('path') ?? ''} exists`;
    case 'service':
      return `service ${s('service') ?? ''} is ${s('expected') ?? 'running'}`;
    case 'command':
      return join([
        step.command && redactText(step.command),
        `exit code ${step.successCodes.join(' or ')}`,
        s('expectedOutput') && `output "${s('expectedOutput')}"`,
      ]);
    case 'app-installed':
      return `${s('app') ?? ''} is installed`;
    default:
      return s('description') ?? genericDetails(p);
  }
}

function genericDetails(p: Record<string, unknown>): string | null {
  const parts = Object.entries(p)
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `${k} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? parts.join(', ') : null;
}

/** The app's version: the detection rule's minimum version, else one the agent named. */
export function appVersion(step: PlanStep, message: string | null): string | null {
  const detect = step.params.detect as { version?: unknown } | null | undefined;
  if (detect && typeof detect.version === 'string' && detect.version) return detect.version;
  const m = message ? /\bversion[:= ]\s*v?(\d[\w.+~-]*)/i.exec(message) : null;
  return m?.[1] ?? null;
}
