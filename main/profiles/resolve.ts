import { createHash } from 'node:crypto';
import {
  flattenIssues,
  parseProfileSource,
  positionOf,
  type ProfileIssue,
  type ProfileSource,
  type YamlPath,
} from './parse.js';
import { profileSchema, type Profile } from './schema.js';

/**
 * `extends`: a customer profile gives only what differs from its base. Mappings merge
 * key by key; lists of items with an `id` (apps, config, checks) merge by id (same id:
 * the customer's fields win, in the base's order; new ids follow); other lists and
 * scalars are replaced. `abstract` is never inherited. Every merged value remembers the
 * file and path it came from, so a schema error points at the line that caused it.
 */

export interface Origin {
  source: ProfileSource;
  path: YamlPath;
}

export type Resolved =
  | {
      ok: true;
      profile: Profile;
      /** sha256 of the resolved profile: changes when the file or any base changes. */
      hash: string;
      /** This id first, then its bases. */
      chain: string[];
    }
  | { ok: false; issues: ProfileIssue[]; chain: string[] };

interface Merged {
  value: Record<string, unknown>;
  origins: Map<string, Origin>;
}

const k = (p: YamlPath): string => JSON.stringify(p);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isIdList(v: unknown): v is Record<string, unknown>[] {
  return Array.isArray(v) && v.every((i) => isObject(i) && typeof i.id === 'string');
}

/** Records the origin of `value` and everything below it. */
function recordFrom(
  value: unknown,
  at: YamlPath,
  from: (rel: YamlPath) => Origin | undefined,
  out: Map<string, Origin>,
  rel: YamlPath = [],
): void {
  const o = from(rel);
  if (o) out.set(k([...at, ...rel]), o);
  if (Array.isArray(value)) value.forEach((v, i) => recordFrom(v, at, from, out, [...rel, i]));
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) recordFrom(v, at, from, out, [...rel, key]);
  }
}

function mergeValue(
  base: unknown,
  basePath: YamlPath,
  baseOrigins: Map<string, Origin>,
  child: unknown,
  childPath: YamlPath,
  childSrc: ProfileSource,
  at: YamlPath,
  out: Map<string, Origin>,
): unknown {
  const fromChild = (rel: YamlPath): Origin => ({ source: childSrc, path: [...childPath, ...rel] });
  const fromBase = (rel: YamlPath): Origin | undefined => baseOrigins.get(k([...basePath, ...rel]));
  if (child === undefined) {
    recordFrom(base, at, fromBase, out);
    return base;
  }
  if (isObject(base) && isObject(child) && !switchesVariant(base, child)) {
    out.set(k(at), fromChild([]));
    const result: Record<string, unknown> = {};
    for (const key of new Set([...Object.keys(base), ...Object.keys(child)])) {
      result[key] = mergeValue(
        base[key],
        [...basePath, key],
        baseOrigins,
        child[key],
        [...childPath, key],
        childSrc,
        [...at, key],
        out,
      );
    }
    return result;
  }
  if (isIdList(base) && isIdList(child)) {
    out.set(k(at), fromChild([]));
    const byId = new Map(child.map((c, i) => [c.id as string, i]));
    const result: unknown[] = [];
    base.forEach((b, bi) => {
      const ci = byId.get(b.id as string);
      result.push(
        mergeValue(
          b,
          [...basePath, bi],
          baseOrigins,
          ci === undefined ? undefined : child[ci],
          [...childPath, ci ?? -1],
          childSrc,
          [...at, result.length],
          out,
        ),
      );
    });
    const baseIds = new Set(base.map((b) => b.id as string));
    child.forEach((c, ci) => {
      if (baseIds.has(c.id as string)) return;
      recordFrom(c, [...at, result.length], (rel) => fromChild([ci, ...rel]), out);
      result.push(c);
    });
    return result;
  }
  recordFrom(child, at, fromChild, out);
  return child;
}

/** A workgroup and a domain join (or two OS targets) share no fields: replace, not merge. */
function switchesVariant(base: Record<string, unknown>, child: Record<string, unknown>): boolean {
  return ['type', 'os'].some(
    (d) => child[d] !== undefined && base[d] !== undefined && child[d] !== base[d],
  );
}

function ownOrigins(src: ProfileSource): Map<string, Origin> {
  const out = new Map<string, Origin>();
  recordFrom(src.data, [], (rel) => ({ source: src, path: rel }), out);
  return out;
}

/** Sorted-key JSON, so the hash does not depend on key order in the file. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v)
      .sort()
      .filter((key) => v[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(v[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function hashOf(v: unknown): string {
  return createHash('sha256').update(canonicalJson(v)).digest('hex');
}

/**
 * Resolves every profile of a set of files. Pure: a missing base, a cycle, or a broken
 * file makes only the profiles that depend on it fail, each with one clear issue.
 */
export function resolveAll(sources: Map<string, ProfileSource>): Map<string, Resolved> {
  const merged = new Map<string, { merged: Merged | null; resolved: Resolved }>();

  const extendsIssue = (src: ProfileSource, message: string): ProfileIssue => ({
    file: src.file,
    ...positionOf(src, ['extends']),
    path: 'extends',
    message,
  });

  const visit = (id: string, stack: string[]): { merged: Merged | null; resolved: Resolved } => {
    const done = merged.get(id);
    if (done) return done;
    const src = sources.get(id)!;
    let result: { merged: Merged | null; resolved: Resolved };
    const fail = (issues: ProfileIssue[], chain = [id]): typeof result => ({
      merged: null,
      resolved: { ok: false, issues, chain },
    });
    if (!src.data) {
      result = fail(src.issues);
    } else if (src.data.extends === undefined) {
      result = validate({ value: src.data, origins: ownOrigins(src) }, [id]);
    } else {
      const baseId = src.data.extends as string;
      const base = sources.get(baseId);
      if (stack.includes(baseId)) {
        result = fail([
          extendsIssue(
            src,
            `extends cycle: ${[...stack, id, baseId].slice(stack.indexOf(baseId)).join(' -> ')}`,
          ),
        ]);
      } else if (!base) {
        result = fail([
          extendsIssue(
            src,
            `extends "${baseId}", but there is no profile ${baseId}.yaml beside this file`,
          ),
        ]);
      } else {
        const b = visit(baseId, [...stack, id]);
        if (!b.merged) {
          const why = b.resolved.ok ? '' : (b.resolved.issues[0]?.message ?? '');
          result = fail(
            [
              why.startsWith('extends cycle')
                ? extendsIssue(src, why)
                : extendsIssue(src, `base profile "${baseId}" has errors; fix ${base.file} first`),
            ],
            [id, ...b.resolved.chain],
          );
        } else {
          const out = new Map<string, Origin>();
          const { abstract: _abstract, ...inherited } = b.merged.value;
          const value = mergeValue(inherited, [], b.merged.origins, src.data, [], src, [], out);
          result = validate({ value: value as Record<string, unknown>, origins: out }, [
            id,
            ...b.resolved.chain,
          ]);
        }
      }
    }
    merged.set(id, result);
    return result;
  };

  const validate = (m: Merged, chain: string[]): { merged: Merged | null; resolved: Resolved } => {
    const parsed = profileSchema.safeParse(m.value, { reportInput: true });
    if (parsed.success) {
      return {
        merged: m,
        resolved: { ok: true, profile: parsed.data, hash: hashOf(parsed.data), chain },
      };
    }
    const issues = flattenIssues(parsed.error.issues).map((fi): ProfileIssue => {
      // The deepest merged path that has an origin tells which file and key to blame.
      let p = fi.path;
      let origin = m.origins.get(k(p));
      let missing: YamlPath = [];
      while (!origin && p.length > 0) {
        missing = [p[p.length - 1]!, ...missing];
        p = p.slice(0, -1);
        origin = m.origins.get(k(p));
      }
      const src = origin?.source ?? sources.get(chain[0]!)!;
      const filePath = [...(origin?.path ?? []), ...missing];
      return {
        file: src.file,
        ...positionOf(src, filePath, fi.key),
        path: fi.path.join('.'),
        message: fi.message,
      };
    });
    issues.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
    return { merged: null, resolved: { ok: false, issues, chain } };
  };

  const out = new Map<string, Resolved>();
  for (const id of [...sources.keys()].sort()) out.set(id, visit(id, []).resolved);
  return out;
}

/**
 * One profile text on its own (plus the bases it may extend): the pure entry point for
 * the editor and tests. The store uses resolveAll over a whole directory.
 */
export function parseProfile(text: string, file: string, bases: ProfileSource[] = []): Resolved {
  const src = parseProfileSource(text, file);
  const all = new Map(bases.map((b) => [b.id, b]));
  all.set(src.id, src);
  return resolveAll(all).get(src.id)!;
}
