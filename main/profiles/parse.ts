import YAML, { LineCounter, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { ProfileIssue } from '../api/contract.js';
import { REMOVED_KEYS, type ProfileInput } from './schema.js';

export type { ProfileIssue };

export type YamlPath = (string | number)[];

/** A profile file read but not yet resolved: its plain data and where each key sits. */
export interface ProfileSource {
  file: string;
  /** From the file name: profiles/law-firm.yaml is law-firm. */
  id: string;
  text: string;
  data: Record<string, unknown> | null;
  doc: Document.Parsed;
  lines: LineCounter;
  /** YAML syntax errors and file-level problems (empty when data is usable). */
  issues: ProfileIssue[];
}

export function formatIssue(i: ProfileIssue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.message}`;
}

export function profileIdFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/i, '');
}

/**
 * Reads a profile file's YAML. Pure: text in, data and positions out. Schema checks
 * happen after `extends` is resolved (resolve.ts), because a customer profile alone is
 * incomplete by design.
 */
export function parseProfileSource(text: string, file: string): ProfileSource {
  const lines = new LineCounter();
  const doc = YAML.parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const id = profileIdFromFile(file);
  const issues: ProfileIssue[] = [];
  const at = (offset: number, message: string, path = ''): ProfileIssue => {
    const { line, col } = lines.linePos(offset);
    return { file, line, col, message, path };
  };
  for (const e of doc.errors) {
    // The yaml library's messages carry a code frame; the first line is the plain sentence.
    const first = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    issues.push(at(e.pos[0], `YAML: ${first}`));
  }
  let data: Record<string, unknown> | null = null;
  if (issues.length === 0) {
    const value = toPlainData(doc);
    if (value instanceof Error) {
      // An alias bomb (a few lines that expand to billions of nodes) or an alias the
      // library cannot resolve: the yaml library throws; a bad file must never stop the
      // station (issue 13 item 6), so it becomes this file's issue, at its first alias.
      issues.push(at(firstAliasOffset(doc), `YAML: ${aliasProblem(value)}`));
    } else if (value === null || value === undefined) {
      issues.push(
        at(0, 'the file is empty; a profile needs at least id, name and extends or target'),
      );
    } else if (typeof value !== 'object' || Array.isArray(value)) {
      issues.push(
        at(doc.contents?.range?.[0] ?? 0, 'a profile is a mapping of keys (id: ..., name: ...)'),
      );
    } else {
      data = value as Record<string, unknown>;
      if (data.id !== id) {
        const pos = positionOf({ doc, lines }, ['id']);
        issues.push({
          file,
          ...pos,
          path: 'id',
          message:
            data.id === undefined
              ? `missing id: add "id: ${id}" (the file name without .yaml)`
              : `id "${String(data.id)}" must match the file name "${id}.yaml"`,
        });
      }
      if (data.extends !== undefined && typeof data.extends !== 'string') {
        issues.push({
          file,
          ...positionOf({ doc, lines }, ['extends']),
          path: 'extends',
          message: 'extends is the id of a base profile',
        });
      }
    }
  }
  return { file, id, text, data: issues.length ? null : data, doc, lines, issues };
}

/** Aliases (*name) a profile may expand: plenty for shared blocks, too few for a bomb. */
const maxAliasCount = 100;

function toPlainData(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount });
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function aliasProblem(err: Error): string {
  if (/alias/i.test(err.message) && /excessive|exhaustion/i.test(err.message)) {
    return `too many alias expansions (*name); a profile may expand at most ${maxAliasCount}. Write the repeated block out or use extends.`;
  }
  return `${err.message.split('\n')[0]}. Check the anchors (&name) and aliases (*name).`;
}

function firstAliasOffset(doc: Document.Parsed): number {
  let offset = doc.contents?.range?.[0] ?? 0;
  let found = false;
  YAML.visit(doc, {
    Alias(_key, node) {
      if (!found && node.range) {
        offset = node.range[0];
        found = true;
        return YAML.visit.BREAK;
      }
      return undefined;
    },
  });
  return offset;
}

/**
 * Line and column of the node at `path`, or of its deepest existing ancestor. With
 * `key`, the key of the last segment (for "unknown key" messages), not its value.
 */
export function positionOf(
  src: { doc: Document.Parsed; lines: LineCounter },
  path: YamlPath,
  key = false,
): { line: number; col: number } {
  let node: Node | null | undefined = src.doc.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      const keyStart = (pair.key as Node).range?.[0] ?? offset;
      const value = pair.value as Node | null;
      // A missing child key points at its parent's key; a present leaf at its value.
      offset = last && !key && value?.range ? value.range[0] : keyStart;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item?.range) break;
      offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return src.lines.linePos(offset);
}

/**
 * zod's issues in plain words. A union says only "Invalid input"; pick the branch the
 * writer most likely meant (fewest problems, no keys that belong to another branch).
 */
export function flattenIssues(
  issues: readonly z.core.$ZodIssue[],
  base: YamlPath = [],
): FlatIssue[] {
  const out: FlatIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as YamlPath)];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const score = (branch: readonly z.core.$ZodIssue[]): number =>
        branch.length +
        10 * branch.filter((i) => i.code === 'unrecognized_keys' && i.path.length === 0).length;
      const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0]!;
      out.push(...flattenIssues(best, path));
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        const dotted = [...path, k].filter((s) => typeof s === 'string').join('.');
        out.push({
          path: [...path, k],
          key: true,
          message: REMOVED_KEYS[dotted] ?? `unknown key "${k}"`,
        });
      }
      continue;
    }
    out.push({ path, key: false, message: plainMessage(issue) });
  }
  return out;
}

export interface FlatIssue {
  path: YamlPath;
  key: boolean;
  message: string;
}

function plainMessage(issue: z.core.$ZodIssue): string {
  const name = issue.path.length ? String(issue.path[issue.path.length - 1]) : 'profile';
  switch (issue.code) {
    case 'invalid_type': {
      const received = (issue as { input?: unknown }).input;
      if (received === undefined) return `missing ${name} (${issue.expected})`;
      return `${name} must be ${article(issue.expected)}, not ${describe(received)}`;
    }
    case 'invalid_value':
      return `${name} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return `${name} does not match any allowed form`;
    default:
      return `${name}: ${issue.message}`;
  }
}

function article(t: string): string {
  // YAML words, not JavaScript ones.
  if (t === 'object') return 'a mapping';
  if (t === 'array') return 'a list';
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

function describe(v: unknown): string {
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  // Never echo text: a password written inline where a { secret: name } belongs would
  // otherwise land in check output, logs and API errors.
  if (typeof v === 'string') return 'text';
  return `${typeof v} ${String(v)}`;
}

/** Profile data back to YAML in a stable, readable layout (round-trips with parse). */
export function stringifyProfile(profile: ProfileInput | Record<string, unknown>): string {
  return YAML.stringify(profile, {
    lineWidth: 100,
    minContentWidth: 40,
    aliasDuplicateObjects: false,
  });
}
