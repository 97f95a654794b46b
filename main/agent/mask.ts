import type { Report } from './protocol.js';

/** What a masked value becomes in stored and shown text. */
export const MASK = '***';

/**
 * Shorter values are not masked: replacing every "abc" in a log would garble it and hide
 * nothing (a secret that short is guessable anyway). The readiness check can flag them.
 */
export const minMaskedLength = 4;

/**
 * A function that replaces every occurrence of the given secret values in a text, also
 * in the encodings a script is likely to print them in (URL-encoded, base64). Longest
 * first, so a value containing another is masked whole. Plain string search: no regex
 * built from secret text, so no value can change what is matched.
 */
export function secretMasker(values: Iterable<string>): (text: string) => string {
  const forms = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string' || v.length < minMaskedLength) continue;
    forms.add(v);
    const url = encodeURIComponent(v);
    if (url !== v) forms.add(url);
    forms.add(Buffer.from(v, 'utf8').toString('base64').replace(/=+$/, ''));
  }
  const list = [...forms].filter((f) => f.length >= minMaskedLength);
  list.sort((a, b) => b.length - a.length);
  if (list.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const f of list) if (out.includes(f)) out = out.split(f).join(MASK);
    return out;
  };
}

/** Fields that name things rather than say them: never rewritten (a step id must match). */
const structural = new Set(['type', 'stepId']);

/**
 * The reports with every text field masked (messages, failure reasons, log lines, log
 * tails, inventory strings), before anything is stored, published or reported on.
 */
export function maskReports(reports: Report[], mask: (text: string) => string): Report[] {
  const walk = (v: unknown, key: string): unknown => {
    if (typeof v === 'string') return structural.has(key) ? v : mask(v);
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    }
    return v;
  };
  return reports.map((r) => walk(r, '') as Report);
}

/**
 * Every value of a secret store, decrypted once per change of the store (its names and
 * update times), not once per agent report.
 */
export function secretValuesOf(store: {
  list(): { name: string; updatedAt: string }[];
  reveal(name: string): string | undefined;
}): () => string[] {
  let key = '';
  let values: string[] = [];
  return () => {
    const list = store.list();
    const k = JSON.stringify(list);
    if (k !== key) {
      values = [];
      for (const { name } of list) {
        try {
          const v = store.reveal(name);
          if (v !== undefined) values.push(v);
        } catch {
          // Undecryptable (key changed): nothing a machine could have been given to echo.
        }
      }
      key = k;
    }
    return values;
  };
}
