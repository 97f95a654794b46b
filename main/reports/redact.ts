/**
 * Secrets never reach a report. The event log is meant to hold none, but log tails and
 * messages are whatever an installer printed, so free text is masked here on the way in:
 * a masked value reads as MASK, so the customer sees that something was there.
 */
export const MASK = '[masked]';

/** Names whose value is a secret: password, passphrase, pwd, token, api key, product key, ... */
const SECRET_NAME = String.raw`(?:[A-Za-z_-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|product[_-]?key|private[_-]?key|psk|credential)s?)`;

const rules: [RegExp, string][] = [
  // Authorization: Bearer xyz / Basic xyz
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${MASK}`],
  // name=value, name: value, "name": "value" (JSON in a log line)
  [new RegExp(`(${SECRET_NAME}"?\\s*[:=]\\s*)("[^"]*"|'[^']*'|[^\\s,;&"']+)`, 'gi'), `$1${MASK}`],
  // -Password value, --password value, /password value (PowerShell, installers)
  [new RegExp(`((?:^|\\s)(?:--?|/)${SECRET_NAME}\\s+)("[^"]*"|'[^']*'|\\S+)`, 'gi'), `$1${MASK}`],
  // net use / runas style: /p:value, /pass:value
  [/((?:^|\s)\/p(?:ass)?:)(\S+)/gi, `$1${MASK}`],
  // Per-machine URLs carry the agent token: /t/<token>/...
  [/(\/t\/)[A-Za-z0-9_-]{16,}/g, `$1${MASK}`],
  // Windows product keys
  [/\b[A-Z0-9]{5}(?:-[A-Z0-9]{5}){4}\b/g, MASK],
];

export function redactText(text: string): string {
  let out = text;
  for (const [re, to] of rules) out = out.replace(re, to);
  return out;
}

export function redactLines(lines: readonly string[]): string[] {
  return lines.map(redactText);
}

const SECRET_KEY = new RegExp(`^${SECRET_NAME}$`, 'i');

function isSecretRef(v: unknown): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    typeof (v as { secret?: unknown }).secret === 'string'
  );
}

/**
 * A step's parameters with every secret masked: `{ secret: name }` references and any
 * value under a secret-looking key. Strings are masked as free text too.
 */
export function redactParams(value: unknown, key = ''): unknown {
  if (isSecretRef(value)) return MASK;
  if (key && SECRET_KEY.test(key) && value !== null && value !== undefined && value !== false) {
    return MASK;
  }
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((v) => redactParams(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redactParams(v, k)]),
    );
  }
  return value;
}
