import type { ProfileIssue } from '../api/contract.js';
import { positionOf, type ProfileSource } from '../profiles/parse.js';
import type { Resolved } from '../profiles/resolve.js';
import type { DriverLookup } from './types.js';

/**
 * A profile's `drivers.pin` / `drivers.add` against the driver library: every pack it names
 * is imported. Reported at the line of the list in the file that sets it.
 */
export function driverIssues(
  resolved: Resolved,
  sources: Map<string, ProfileSource>,
  lookup: DriverLookup,
): ProfileIssue[] {
  if (!resolved.ok) return [];
  const issues: ProfileIssue[] = [];
  for (const key of ['pin', 'add'] as const) {
    const ids = resolved.profile.drivers[key] ?? [];
    const missing = ids.filter((id) => !lookup.get(id));
    if (missing.length === 0) continue;
    const src =
      resolved.chain
        .map((id) => sources.get(id))
        .find((s) => {
          const d = s?.data?.drivers as Record<string, unknown> | undefined;
          return d && key in d;
        }) ?? sources.get(resolved.chain[0]!)!;
    issues.push({
      file: src.file,
      ...positionOf(src, ['drivers', key]),
      path: `drivers.${key}`,
      message: `no driver pack ${missing.map((m) => `"${m}"`).join(', ')} in the driver library: import it with prepstation drivers import FOLDER|FILE.cab --vendor V --model M --id ${missing[0]} (prepstation drivers list shows the ids)`,
    });
  }
  return issues;
}
