import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { profileJsonSchema } from '../../../../main/profiles/json-schema.js';

const file = path.join(import.meta.dirname, '../../../../profiles/schema.json');

describe('profiles/schema.json', () => {
  it('is what the zod schema exports (run node scripts/export-profile-schema.mjs after a build)', () => {
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(profileJsonSchema());
  });

  it('rejects unknown keys and needs only id at the top, so partial customer files pass', () => {
    const s = profileJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(s.required).toEqual(['id']);
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.properties)).toEqual(
      expect.arrayContaining(['extends', 'target', 'apps', 'config', 'checks', 'hostname']),
    );
    expect(JSON.stringify(s)).not.toContain('"oneOf"');
  });

  it('accepts every sample in an editor and flags an unknown key and a wrong type', () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(profileJsonSchema());
    const dir = path.dirname(file);
    for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
      const ok = validate(YAML.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
      expect(ok ? [] : validate.errors, f).toEqual([]);
    }
    expect(validate({ id: 'x', bogus: 1, disk: { wipe: 3 } })).toBe(false);
    expect(validate.errors!.map((e) => e.message)).toEqual(
      expect.arrayContaining(['must NOT have additional properties', 'must be boolean']),
    );
  });
});
