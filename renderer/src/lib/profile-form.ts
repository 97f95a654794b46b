import { isMap, parseDocument } from 'yaml';

/**
 * The form beside the YAML editor edits the same text: each field is a path in the YAML
 * document, written with the `yaml` Document API so comments and layout elsewhere stay as
 * the technician wrote them. Pure; tested in test/unit/renderer.
 */

export interface FormField {
  key: string;
  path: string[];
  label: string;
  placeholder: string;
}

export const formFields: FormField[] = [
  { key: 'name', path: ['name'], label: 'Profile name', placeholder: 'Acme office PCs' },
  { key: 'customer', path: ['customer', 'name'], label: 'Customer', placeholder: 'Acme Ltd' },
  {
    key: 'code',
    path: ['customer', 'code'],
    label: 'Customer code (hostnames)',
    placeholder: 'ACME',
  },
  { key: 'language', path: ['locale', 'language'], label: 'Language', placeholder: 'de-DE' },
  { key: 'keyboard', path: ['locale', 'keyboard'], label: 'Keyboard', placeholder: 'de' },
  {
    key: 'timezone',
    path: ['locale', 'timezone'],
    label: 'Time zone',
    placeholder: 'Europe/Berlin',
  },
  {
    key: 'hostname',
    path: ['hostname'],
    label: 'Hostname pattern',
    placeholder: '{customer.code}-{serial|last:6}',
  },
];

/** The form's values, or null when the text is not YAML the form can read (the editor says why). */
export function readForm(text: string): Record<string, string> | null {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return null;
  if (doc.contents !== null && !isMap(doc.contents)) return null;
  const out: Record<string, string> = {};
  for (const f of formFields) {
    const v = doc.getIn(f.path);
    out[f.key] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

/** The same fields read from the resolved profile (bases merged in), for "inherited" hints. */
export function resolvedForm(profile: Record<string, unknown> | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of formFields) {
    let v: unknown = profile;
    for (const k of f.path)
      v = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    if (v !== undefined && v !== null && typeof v !== 'object') out[f.key] = String(v);
  }
  return out;
}

/** The text with one field set (or removed when empty), or null if the text does not parse. */
export function writeField(text: string, key: string, value: string): string | null {
  const field = formFields.find((f) => f.key === key);
  if (!field) return null;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return null;
  if (value === '') {
    if (doc.hasIn(field.path)) doc.deleteIn(field.path);
  } else {
    doc.setIn(field.path, value);
  }
  return doc.toString();
}

/** A new customer profile extending a base: only what a customer must say. */
export function newProfileText(input: {
  id: string;
  name: string;
  base: string | null;
  customer: string;
  code: string;
}): string {
  const q = (s: string) => JSON.stringify(s);
  return [
    '# yaml-language-server: $schema=./schema.json',
    `id: ${input.id}`,
    `name: ${q(input.name)}`,
    ...(input.base ? [`extends: ${input.base}`] : []),
    '',
    'customer:',
    `  name: ${q(input.customer)}`,
    `  code: ${input.code}`,
    '',
  ].join('\n');
}

/** A profile id from a name: lowercase letters, digits and dashes. */
export function idFromName(name: string): string {
  // German umlauts are spelled out (Müller → mueller), other accents just dropped.
  const spelled: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };
  return name
    .toLowerCase()
    .replace(/[äöüß]/g, (c) => spelled[c]!)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
}
