import type { ProfileIssue } from '../api/contract.js';
import { parseProfileSource, positionOf, type ProfileSource } from '../profiles/parse.js';
import type { Resolved } from '../profiles/resolve.js';
import type { Profile } from '../profiles/schema.js';
import { findEdition, type MediaLookup } from './types.js';

/**
 * A Windows profile against the media library: the medium it names is imported and has
 * the edition it names. Reported at the line of `target.media` / `target.edition` in the
 * file that sets it (the profile or the base it inherits it from).
 */
export function mediaIssues(
  resolved: Resolved,
  sources: Map<string, ProfileSource>,
  lookup: MediaLookup,
): ProfileIssue[] {
  if (!resolved.ok || resolved.profile.target.os !== 'windows') return [];
  const t = resolved.profile.target;
  const at = (key: 'media' | 'edition', message: string): ProfileIssue => {
    // The first file of the chain that writes the key is the one to fix.
    const src =
      resolved.chain
        .map((id) => sources.get(id))
        .find((s) => {
          const target = s?.data?.target as Record<string, unknown> | undefined;
          return target && key in target;
        }) ?? sources.get(resolved.chain[0]!)!;
    return { file: src.file, ...positionOf(src, ['target', key]), path: `target.${key}`, message };
  };
  const media = lookup.get(t.media);
  if (!media) {
    const known = lookup.list().map((m) => m.id);
    return [
      at(
        'media',
        `no medium "${t.media}" is imported on this station (${known.length ? `imported: ${known.join(', ')}` : 'none imported yet'}): import the ISO with prepstation media import FILE.iso --id ${t.media}, or on the Media screen`,
      ),
    ];
  }
  if (!media.winpe.curl) {
    return [
      at(
        'media',
        `medium "${media.id}" has no curl.exe (Windows 10 before 1803): it cannot be deployed by this flow; import Windows 10 1803 or later`,
      ),
    ];
  }
  if (!findEdition(media, t.edition)) {
    return [
      at(
        'edition',
        `medium "${media.id}" has no edition "${t.edition}"; it has ${media.editions.map((e) => `${e.editionId} (${e.name})`).join(', ')}`,
      ),
    ];
  }
  return [];
}

/** Profiles (bases included) whose target names this medium: it cannot be deleted. */
export function mediaUsers(
  profiles: { list(): { id: string }[]; get(id: string): { profile: Profile } | undefined },
  id: string,
): string[] {
  return profiles
    .list()
    .filter((p) => {
      const t = profiles.get(p.id)?.profile.target;
      return t?.os === 'windows' && t.media === id;
    })
    .map((p) => p.id);
}

/**
 * The same check for a profile of the station's store (the editor and the API): its file
 * and its bases are read back from the store's texts, so lines match what the editor shows.
 */
export function storedMediaIssues(
  store: { result(id: string): Resolved | undefined; text(id: string): string | undefined },
  id: string,
  lookup: MediaLookup | undefined,
): ProfileIssue[] {
  const r = store.result(id);
  if (!r?.ok || !lookup) return [];
  const sources = new Map<string, ProfileSource>();
  for (const cid of r.chain) {
    const text = store.text(cid);
    if (text !== undefined) sources.set(cid, parseProfileSource(text, `${cid}.yaml`));
  }
  return mediaIssues(r, sources, lookup);
}
