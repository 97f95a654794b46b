/**
 * Hostname patterns: `{customer.code}-{serial|last:6}`. Pure, shared by the schema
 * (check unknown variables and filters early) and the renderers.
 */

export const hostnameVars = [
  'customer.code',
  'serial',
  'mac',
  'uuid',
  'model',
  'vendor',
  'index',
] as const;
export type HostnameVar = (typeof hostnameVars)[number];

type Filter = { name: 'last' | 'first'; n: number } | { name: 'lower' | 'upper' };

interface Part {
  literal?: string;
  variable?: HostnameVar;
  filters?: Filter[];
}

/** Parses a pattern or returns the problem in words. */
export function parseHostnamePattern(pattern: string): Part[] | string {
  const parts: Part[] = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) {
    if (m.index > last) parts.push({ literal: pattern.slice(last, m.index) });
    const [name, ...filterTexts] = m[1]!.split('|').map((s) => s.trim());
    if (!hostnameVars.includes(name as HostnameVar)) {
      return `unknown variable {${name}}; use ${hostnameVars.map((v) => `{${v}}`).join(', ')}`;
    }
    const filters: Filter[] = [];
    for (const f of filterTexts) {
      const fm = /^(last|first):(\d{1,2})$/.exec(f);
      if (fm) filters.push({ name: fm[1] as 'last' | 'first', n: Number(fm[2]) });
      else if (f === 'lower' || f === 'upper') filters.push({ name: f });
      else return `unknown filter "${f}" in {${m[1]}}; use last:N, first:N, lower or upper`;
    }
    parts.push({ variable: name as HostnameVar, filters });
    last = m.index + m[0].length;
  }
  if (last < pattern.length) parts.push({ literal: pattern.slice(last) });
  if (/[{}]/.test(parts.map((p) => p.literal ?? '').join('')))
    return 'unbalanced { or } in the pattern';
  return parts;
}

/** Firmware placeholders that are not serial numbers at all. */
const JUNK_SERIAL =
  /^(|0+|none|default string|to be filled by o\.e\.m\.|system serial number|not specified|123456789)$/i;

export interface HostnameInput {
  customerCode?: string;
  serial?: string;
  macs: string[];
  uuid?: string;
  model?: string;
  vendor?: string;
  index?: number;
}

/**
 * The hostname for one machine. Characters a hostname cannot hold become '-'; Windows
 * keeps 15 (NetBIOS) and never all digits; Linux keeps 63. A missing or placeholder
 * serial falls back to the MAC, so two machines never both get "PC-".
 */
export function renderHostname(
  pattern: string,
  input: HostnameInput,
  os: 'windows' | 'linux',
): string {
  const parts = parseHostnamePattern(pattern);
  if (typeof parts === 'string') throw new Error(`hostname pattern: ${parts}`);
  const mac = (input.macs[0] ?? '').replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  const serial = input.serial && !JUNK_SERIAL.test(input.serial.trim()) ? input.serial.trim() : mac;
  const values: Record<HostnameVar, string> = {
    'customer.code': input.customerCode ?? '',
    serial,
    mac,
    uuid: (input.uuid ?? '').replace(/-/g, ''),
    model: input.model ?? '',
    vendor: input.vendor ?? '',
    index: input.index === undefined ? '' : String(input.index),
  };
  let name = '';
  for (const p of parts) {
    if (p.literal !== undefined) {
      name += p.literal;
      continue;
    }
    let v = values[p.variable!]
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9-]/g, '');
    for (const f of p.filters ?? []) {
      if (f.name === 'last') v = v.slice(-f.n);
      else if (f.name === 'first') v = v.slice(0, f.n);
      else if (f.name === 'lower') v = v.toLowerCase();
      else v = v.toUpperCase();
    }
    name += v;
  }
  // Büro -> Buro: drop accents before anything else becomes a dash.
  name = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
  const max = os === 'windows' ? 15 : 63;
  name = name.slice(0, max).replace(/-+$/, '');
  if (name === '') name = `PC-${mac.slice(-6) || 'NEW'}`;
  else if (/^\d+$/.test(name)) name = `PC-${name}`.slice(0, max);
  return name;
}

/** Longest name a pattern can give (Infinity when a variable is not cut to a length). */
export function maxHostnameLength(pattern: string, customerCode = ''): number {
  const parts = parseHostnamePattern(pattern);
  if (typeof parts === 'string') return 0;
  const longest: Record<HostnameVar, number> = {
    'customer.code': customerCode.length,
    serial: Infinity,
    mac: 12,
    uuid: 32,
    model: Infinity,
    vendor: Infinity,
    index: 4,
  };
  let total = 0;
  for (const p of parts) {
    if (p.literal !== undefined) {
      total += p.literal.length;
      continue;
    }
    let n = longest[p.variable!];
    for (const f of p.filters ?? [])
      if (f.name === 'last' || f.name === 'first') n = Math.min(n, f.n);
    total += n;
  }
  return total;
}
