import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { profileSchema, type Profile } from '../profiles/schema.js';

/** What the machines registry needs of the profiles: a resolved profile and its version. */
export interface ProfileLookup {
  get(id: string): { profile: Profile; version: string | null } | null;
}

/**
 * Reads <profiles-dir>/<id>.yaml directly, for a station without a profile store on its
 * context (and for tests). It does not resolve `extends`: a profile that extends another
 * is not found here, so the store (ctx.profiles) is what a real station uses.
 */
export function directoryProfiles(dir: string): ProfileLookup {
  return {
    get(id) {
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(id)) return null;
      let text: string;
      try {
        text = fs.readFileSync(path.join(dir, `${id}.yaml`), 'utf8');
      } catch {
        return null;
      }
      const parsed = profileSchema.safeParse(parse(text));
      if (!parsed.success || parsed.data.extends) return null;
      const version = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
      return { profile: parsed.data, version };
    },
  };
}
