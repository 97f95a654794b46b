import { z } from 'zod';
import { profileSchema } from './schema.js';

/**
 * The profile schema as JSON Schema (draft 2020-12) for editors: VS Code's YAML extension
 * (`# yaml-language-server: $schema=./schema.json`) and the UI's CodeMirror. Input side:
 * fields with defaults are optional there, as in a file. A customer profile that
 * `extends` a base is partial by design, which JSON Schema cannot express, so editors
 * get the shape and the station's `check` gives the final word.
 */
export function profileJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(profileSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...(withoutRequired(schema) as Record<string, unknown>),
    $id: 'https://prepstation.invalid/schemas/profile.json',
    title: 'PrepStation customer profile',
    // Only id is required in every file: the rest may come from the base (extends).
    required: ['id'],
  };
}

/**
 * Drops nested `required`: an override item (`- id: firefox` + one field) is partial;
 * unknown keys and wrong types are still flagged in the editor.
 */
function withoutRequired(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutRequired);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'required') continue;
    // Partial variants can match several branches; "exactly one" would then reject them.
    out[k === 'oneOf' ? 'anyOf' : k] = withoutRequired(v);
  }
  return out;
}
