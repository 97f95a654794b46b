/**
 * The contract between the driver library (import, storage, listing) and its users (the
 * WinPE renderers, the bench warning, reports). Paths are relative to the station files dir
 * and served at `/files/<path>`.
 */

/** One file of a pack, as WinPE downloads it. */
export interface DriverFile {
  /** Path inside the pack, `/`-separated, e.g. `storage/iaStorVD.inf`. */
  rel: string;
  size: number;
  sha256: string;
}

// The shape is a zod schema in api/drivers.ts (the UI API's contract); its type here.
import type { DriverPack } from '../api/drivers.js';
export type { DriverPack } from '../api/drivers.js';

/** A pack chosen for one machine, with its files (what the renderers need). */
export interface ChosenPack {
  pack: DriverPack;
  files: DriverFile[];
  /** Why it was chosen: the machine's model, the profile's pin, or the profile's add. */
  why: 'model' | 'pin' | 'add';
}

/** Read side used by renderers and the bench. */
export interface DriverLookup {
  get(id: string): DriverPack | null;
  files(id: string): DriverFile[];
  list(): DriverPack[];
}

/** Vendor and model compared the way machines report them: case, spaces and dashes aside. */
export function sameModel(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[\s_-]+/g, ' ')
      .trim();
  return norm(a) === norm(b);
}

/**
 * The packs for a machine: the profile's pin replaces the model match; the profile's add
 * comes on top. Unknown ids are returned in `missing` (the profile check says so).
 */
export function choosePacks(
  lookup: DriverLookup,
  machine: { vendor?: string | undefined; model?: string | undefined },
  profile: { pin?: string[] | undefined; add: string[] },
): { chosen: ChosenPack[]; missing: string[] } {
  const chosen: ChosenPack[] = [];
  const missing: string[] = [];
  const take = (id: string, why: ChosenPack['why']) => {
    if (chosen.some((c) => c.pack.id === id)) return;
    const pack = lookup.get(id);
    if (!pack) missing.push(id);
    else chosen.push({ pack, files: lookup.files(id), why });
  };
  if (profile.pin) {
    for (const id of profile.pin) take(id, 'pin');
  } else if (machine.vendor && machine.model) {
    for (const p of lookup.list()) {
      if (sameModel(p.vendor, machine.vendor) && sameModel(p.model, machine.model)) {
        take(p.id, 'model');
      }
    }
  }
  for (const id of profile.add) take(id, 'add');
  return { chosen, missing };
}
