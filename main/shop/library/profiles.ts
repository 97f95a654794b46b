import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../../log/logger.js';
import { textHash } from '../../profiles/history.js';
import type { ProfileStore, SaveResult } from '../../profiles/store.js';
import {
  checkin,
  checkout,
  describeConflict,
  listHeads,
  moveHead,
  readHead,
  versionWithHash,
  type Head,
} from './profile-rows.js';
import type { SyncStore } from './sync-store.js';
import type { ProfileConflict, SharedSaveResult } from './types.js';

/**
 * Profiles shared through PostgreSQL with optimistic concurrency. The station's profile
 * folder stays the copy it deploys from; the database holds every accepted version and the
 * head. A save names the version it was based on; the head moves only if it is still that
 * version (one UPDATE ... WHERE head_version = base), so of two edits from one version the
 * second is refused, with the diff, and its text kept on the station. While the database is
 * away a save is kept locally as "not shared yet" and pushed later with the same base.
 */
export class SharedProfiles {
  /** Ids being written by this class: their change events are not local edits. */
  private readonly writing = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly store: ProfileStore,
    private readonly sync: SyncStore,
    private readonly stationId: string,
    private readonly logger: Logger,
    /** A database error as one line without the password (pg.ts describePgError). */
    private readonly describeError: (err: unknown) => string = (e) => (e as Error).message,
    private readonly saveWaitMs = 4000,
  ) {}

  /**
   * The profile save route's entry: shared first, then written locally, or refused. A
   * database that does not answer within `saveWaitMs` (a cable pulled: no reset, so no
   * quick error) does not hold up the technician: the edit is kept as not shared yet.
   */
  async save(
    id: string,
    text: string,
    author: string,
    baseHash: string | undefined,
  ): Promise<SharedSaveResult> {
    const state = { abandoned: false };
    let timer: NodeJS.Timeout | undefined;
    const slow = new Promise<'slow'>((resolve) => {
      timer = setTimeout(() => resolve('slow'), this.saveWaitMs);
    });
    const shared = this.saveShared(id, text, author, baseHash, state);
    try {
      const r = await Promise.race([shared, slow]);
      if (r !== 'slow') return r;
    } finally {
      clearTimeout(timer);
    }
    state.abandoned = true;
    // The shared attempt goes on in the background and may still land: the later push
    // then finds its own text as the head and takes it as shared.
    shared.catch(() => undefined);
    return this.saveUnshared(
      id,
      text,
      author,
      this.offlineBase(id, baseHash),
      new Error(`the shop database did not answer within ${this.saveWaitMs / 1000} s`),
    );
  }

  private async saveShared(
    id: string,
    text: string,
    author: string,
    baseHash: string | undefined,
    state: { abandoned: boolean },
  ): Promise<SharedSaveResult> {
    let base: number;
    let client: PoolClient;
    try {
      base = await this.baseVersion(id, baseHash);
      client = await checkout(this.pool);
    } catch (err) {
      if (state.abandoned) throw err;
      return this.saveUnshared(id, text, author, this.offlineBase(id, baseHash), err as Error);
    }
    try {
      await client.query('BEGIN');
      const version = await moveHead(client, this.stationId, id, base, text, author);
      if (state.abandoned) throw new Error('abandoned');
      if (version === null) {
        const head = await readHead(client, id);
        await client.query('ROLLBACK');
        if (state.abandoned) throw new Error('abandoned');
        if (head && head.hash === textHash(text)) {
          // The same text is already the shop's: nothing to refuse, adopt it.
          return this.writeLocal(id, text, author, head.version, head.hash);
        }
        return this.refuse(id, text, author, base, head);
      }
      const local = this.writeLocal(id, text, author, version, textHash(text));
      if (!local.ok) {
        await client.query('ROLLBACK');
        return local;
      }
      try {
        await client.query('COMMIT');
      } catch (err) {
        // Written locally, not shared: the push retries it with its base.
        this.markPending(id, text, author, base, `not shared yet: ${this.describeError(err)}`);
        return { ...local, shop: this.pendingNote(err as Error) };
      }
      return { ...local, shop: { state: 'shared', version } };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (state.abandoned) throw err;
      return this.saveUnshared(id, text, author, base, err as Error);
    } finally {
      checkin(client);
    }
  }

  /**
   * The base of an edit saved without the database: known when the editor started from
   * the station's shared or unshared copy; else -1, a base the shop cannot match, so the
   * push shows it as a conflict with the diff rather than overwriting a newer version.
   */
  private offlineBase(id: string, baseHash: string | undefined): number {
    return this.startsFromLocalCopy(id, baseHash)
      ? (this.sync.profile(id)?.sharedVersion ?? 0)
      : -1;
  }

  /** A change seen by the profile store (a save, or an edit in another editor). */
  onLocalChange(ids: string[]): void {
    for (const id of ids) {
      if (this.writing.has(id)) continue;
      const text = this.store.text(id);
      if (text === undefined) continue;
      const h = textHash(text);
      const s = this.sync.profile(id);
      if (s && (h === s.sharedHash || h === s.localHash)) continue;
      this.markPending(id, text, 'edited outside the station', s?.sharedVersion ?? 0, null);
    }
  }

  /** Pushes edits not shared yet, then takes the shop's newer versions. Throws when offline. */
  async syncOnce(): Promise<{ pushed: number; pulled: number; conflicts: number }> {
    let pushed = 0;
    let conflicts = 0;
    // A station joining a shop: its own profiles the shop does not know yet go up as new.
    for (const p of this.store.list()) {
      if (!this.sync.profile(p.id) && p.ok) {
        this.markPending(p.id, this.store.text(p.id)!, 'this station', 0, 'joining the shop');
      }
    }
    for (const s of this.sync.profiles()) {
      if (s.state !== 'pending') continue;
      const text = this.store.text(s.profileId);
      if (text === undefined || !this.store.get(s.profileId)) continue; // fix it locally first
      const r = await this.push(s.profileId, text, s.author ?? 'this station', s.sharedVersion);
      if (r === 'shared') pushed++;
      else conflicts++;
    }
    const pulled = await this.pull();
    return { pushed, pulled, conflicts };
  }

  /** Gives up this station's unshared edit (it stays in the refused list) for the shop's head. */
  async takeShared(id: string): Promise<SharedSaveResult | null> {
    const head = await readHead(this.pool, id);
    if (!head) return null;
    const local = this.store.text(id);
    const s = this.sync.profile(id);
    if (local !== undefined && s && s.state !== 'synced' && textHash(local) !== head.hash) {
      this.sync.refuse({
        profileId: id,
        baseVersion: s.sharedVersion,
        headVersion: head.version,
        text: local,
        author: s.author ?? 'this station',
      });
    }
    return this.writeLocal(
      id,
      head.text,
      `${head.author} (shop v${head.version})`,
      head.version,
      head.hash,
    );
  }

  async conflict(id: string): Promise<ProfileConflict | null> {
    const s = this.sync.profile(id);
    const text = this.store.text(id);
    if (!s || s.state !== 'conflict' || text === undefined) return null;
    const head = await readHead(this.pool, id);
    return head ? describeConflict(id, text, s.sharedVersion, head, null) : null;
  }

  private async push(
    id: string,
    text: string,
    author: string,
    base: number,
  ): Promise<'shared' | 'conflict'> {
    const client = await checkout(this.pool);
    try {
      await client.query('BEGIN');
      const version = await moveHead(client, this.stationId, id, base, text, author);
      if (version !== null) {
        await client.query('COMMIT');
        this.sync.putProfile({
          profileId: id,
          sharedVersion: version,
          sharedHash: textHash(text),
          state: 'synced',
          localHash: null,
          author: null,
          note: null,
        });
        this.logger.info({ profile: id, version }, 'profile shared with the shop');
        return 'shared';
      }
      const head = await readHead(client, id);
      await client.query('ROLLBACK');
      if (head && head.hash === textHash(text)) {
        this.markSynced(id, head);
        return 'shared';
      }
      const refusedId = this.sync.refuse({
        profileId: id,
        baseVersion: base,
        headVersion: head?.version ?? 0,
        text,
        author,
      });
      this.sync.putProfile({
        profileId: id,
        sharedVersion: base,
        sharedHash: this.sync.profile(id)?.sharedHash ?? null,
        state: 'conflict',
        localHash: textHash(text),
        author,
        note: `edited here from shop v${base} while ${head?.station ?? 'another station'} saved v${head?.version ?? '?'}; kept as refused edit #${refusedId}`,
      });
      this.logger.warn(
        { profile: id, base, head: head?.version, refused: refusedId },
        'an edit made while the shop database was away conflicts with a newer shop version; kept on this station, shown with the diff',
      );
      return 'conflict';
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      checkin(client);
    }
  }

  private async pull(): Promise<number> {
    const rows = await listHeads(this.pool);
    let todo = rows.filter((r) => {
      const s = this.sync.profile(r.id);
      if (s && s.state !== 'synced') return false; // the push or the technician decides
      if (s && s.sharedVersion === r.head_version && s.sharedHash === r.head_hash) return false;
      const local = this.store.text(r.id);
      if (local !== undefined && textHash(local) === r.head_hash) {
        this.sync.putProfile({
          profileId: r.id,
          sharedVersion: r.head_version,
          sharedHash: r.head_hash,
          state: 'synced',
          localHash: null,
          author: null,
          note: null,
        });
        return false;
      }
      return true;
    });
    let pulled = 0;
    // A profile extending a base not pulled yet is invalid until the base arrives: retry.
    for (let round = 0; round < 5 && todo.length > 0; round++) {
      const left: typeof todo = [];
      for (const r of todo) {
        const head = await readHead(this.pool, r.id);
        if (!head) continue;
        const res = this.writeLocal(
          r.id,
          head.text,
          `${head.author} (shop v${head.version}, ${head.station})`,
          head.version,
          head.hash,
        );
        if (res.ok) pulled++;
        else left.push(r);
      }
      if (left.length === todo.length) {
        for (const r of left) {
          this.logger.warn(
            { profile: r.id, version: r.head_version },
            'the shop version of this profile does not resolve on this station; kept the local one',
          );
        }
        break;
      }
      todo = left;
    }
    return pulled;
  }

  /** The version a save is based on: the hash the editor started from, else the local copy's. */
  private async baseVersion(id: string, baseHash: string | undefined): Promise<number> {
    if (this.startsFromLocalCopy(id, baseHash)) return this.sync.profile(id)?.sharedVersion ?? 0;
    // A shop version's text; else a base the shop cannot match (a conflict, never a loss).
    return (await versionWithHash(this.pool, id, baseHash!)) ?? -1;
  }

  /**
   * The edit started from what this station holds: no base named, or the hash of its
   * shared or unshared text, or the resolved hash the station reports for the profile.
   */
  private startsFromLocalCopy(id: string, baseHash: string | undefined): boolean {
    const s = this.sync.profile(id);
    return (
      !baseHash ||
      baseHash === s?.sharedHash ||
      baseHash === s?.localHash ||
      baseHash === this.store.get(id)?.hash
    );
  }

  private refuse(
    id: string,
    text: string,
    author: string,
    base: number,
    head: Head | null,
  ): SharedSaveResult {
    const refusedId = this.sync.refuse({
      profileId: id,
      baseVersion: base,
      headVersion: head?.version ?? 0,
      text,
      author,
    });
    const conflict = describeConflict(id, text, base, head, refusedId);
    this.logger.info(
      { profile: id, base, head: head?.version, refused: refusedId, author },
      'profile save refused: based on an older shop version',
    );
    return { ok: false, code: 'conflict', message: conflict.message, conflict };
  }

  private writeLocal(
    id: string,
    text: string,
    author: string,
    version: number,
    hash: string,
  ): SaveResult {
    this.writing.add(id);
    let r: SaveResult;
    try {
      r = this.store.save(id, text, author);
    } finally {
      this.writing.delete(id);
    }
    if (r.ok) this.markSynced(id, { version, hash });
    return r;
  }

  private saveUnshared(
    id: string,
    text: string,
    author: string,
    base: number,
    err: Error,
  ): SharedSaveResult {
    this.writing.add(id);
    let r: SaveResult;
    try {
      r = this.store.save(id, text, author);
    } finally {
      this.writing.delete(id);
    }
    if (!r.ok) return r;
    this.markPending(id, text, author, base, `not shared yet: ${this.describeError(err)}`);
    this.logger.warn(
      { profile: id, base, err: this.describeError(err) },
      'the shop database is unreachable: profile saved on this station, shared when it is back',
    );
    return { ...r, shop: this.pendingNote(err) };
  }

  private pendingNote(err: Error): { state: 'pending'; message: string } {
    return {
      state: 'pending',
      message: `Saved on this station; not shared with the shop yet (${this.describeError(err)}). It is sent when the shop database is back; if someone changed it there meanwhile, you are shown the difference and nothing is lost.`,
    };
  }

  private markPending(
    id: string,
    text: string,
    author: string,
    base: number,
    note: string | null,
  ): void {
    const s = this.sync.profile(id);
    this.sync.putProfile({
      profileId: id,
      sharedVersion: base,
      sharedHash: s?.sharedHash ?? null,
      state: 'pending',
      localHash: textHash(text),
      author,
      note,
    });
  }

  private markSynced(id: string, head: { version: number; hash: string }): void {
    this.sync.putProfile({
      profileId: id,
      sharedVersion: head.version,
      sharedHash: head.hash,
      state: 'synced',
      localHash: null,
      author: null,
      note: null,
    });
  }
}
