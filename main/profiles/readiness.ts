import fs from 'node:fs';
import path from 'node:path';
import type { ProfileReadiness, ReadinessProblem } from '../api/contract.js';
import type { Profile } from './schema.js';
import { secretNames } from './secrets.js';

/**
 * Whether a profile can be rendered and deployed now: every secret it names is set, every
 * app-library package it installs is imported, and its install medium is in the files dir.
 * A profile that is not ready would wipe a PC and then stop, so the UI says so before an
 * assignment, and the boot resolver refuses to start the installer (boot-resolver.ts).
 */
export interface ReadinessDeps {
  hasSecret: (name: string) => boolean;
  hasPackage: (id: string) => boolean;
  /** `target.media`: a media library id (Windows) or a folder in the files dir. */
  hasMedium: (media: string) => boolean;
}

export function readinessProblems(profile: Profile, deps: ReadinessDeps): ReadinessProblem[] {
  const out: ReadinessProblem[] = [];
  for (const name of [...secretNames(profile)].sort()) {
    if (deps.hasSecret(name)) continue;
    out.push({
      kind: 'secret',
      name,
      message: `secret "${name}" is not set`,
      fix: `Set "${name}" on the Secrets screen.`,
    });
  }
  for (const app of profile.apps) {
    if (app.enabled === false || !('package' in app.source)) continue;
    const id = app.source.package;
    if (deps.hasPackage(id)) continue;
    out.push({
      kind: 'package',
      name: id,
      message: `app package "${id}" (${app.name ?? app.id}) is not in the app library`,
      fix: `Import the installer as "${id}" under Profiles → App library.`,
    });
  }
  const media = (profile.target as { media?: unknown }).media;
  if (typeof media === 'string' && !deps.hasMedium(media)) {
    out.push({
      kind: 'medium',
      name: media,
      message: `install medium "${media}" is not on the station`,
      fix: `Put the installer files in the station's files folder as "${media}" (or import the medium on the Media screen).`,
    });
  }
  return out;
}

export function readinessOf(
  id: string,
  profile: Profile | undefined,
  deps: ReadinessDeps,
): ProfileReadiness {
  if (!profile) {
    return {
      id,
      ready: false,
      problems: [
        {
          kind: 'invalid',
          name: id,
          message: `profile "${id}" has errors or does not exist`,
          fix: `Open "${id}" on the Profiles screen and fix what it lists.`,
        },
      ],
    };
  }
  const problems = readinessProblems(profile, deps);
  return { id, ready: problems.length === 0, problems };
}

/** A medium is there when the media library knows the id or the folder exists. */
export function mediumPresent(
  filesDir: string,
  lookup?: { get(id: string): unknown } | null,
): (media: string) => boolean {
  return (media) => {
    if (lookup?.get(media)) return true;
    const dir = path.resolve(filesDir, media);
    // Same rule as the schema: never look outside the files dir.
    if (!dir.startsWith(path.resolve(filesDir) + path.sep)) return false;
    try {
      return fs.statSync(dir).isDirectory();
    } catch {
      return false;
    }
  };
}

/** "secret "x" is not set; app package "y" ..." for one line of a message. */
export function problemsText(problems: ReadinessProblem[]): string {
  return problems.map((p) => p.message).join('; ');
}

export function fixesText(problems: ReadinessProblem[]): string {
  return [...new Set(problems.map((p) => p.fix))].join(' ');
}
