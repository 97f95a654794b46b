import fs from 'node:fs';
import type { StationContext, StationPart } from '../context.js';
import { MediaLibrary } from './library.js';
import { mediaRoutes } from './routes.js';
import { wimbootStatus } from './wimboot.js';

/**
 * The media library inside the station: the library itself (ctx.media for renderers,
 * readiness and reports), its UI routes, and a part that cleans up after a crashed import,
 * keeps the `wimboot` row of the Services page current as media come and go, and turns
 * media imported or deleted by another process (`prepstation media import` in a shell on
 * the station) into `media` events, so the Media screen shows them without a reload.
 */
export function createMedia(
  ctx: Pick<StationContext, 'paths' | 'logger' | 'bus' | 'now' | 'services'>,
): {
  library: MediaLibrary;
  routes: ReturnType<typeof mediaRoutes>;
  part: StationPart;
} {
  const library = new MediaLibrary(ctx.paths.filesDir, ctx.bus, ctx.now);
  let off: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let watcher: fs.FSWatcher | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let known = new Set<string>();
  const refresh = (): void => {
    const media = library.list();
    const s = wimbootStatus(ctx.paths.filesDir, media);
    const label = 'wimboot (Windows network boot loader)';
    const address = `${s.path}${s.version ? ` v${s.version}` : ''}`;
    if (!s.problem) ctx.services.set('wimboot', { label, state: 'running', address });
    else {
      // Missing with no medium imported yet is not a failure: nothing needs it.
      const state = media.length === 0 ? 'disabled' : 'failed';
      ctx.services.set('wimboot', { label, state, address, error: s.problem, fix: s.fix });
    }
  };
  /** What changed in the folder since we last looked, said as events. */
  const rescan = (): void => {
    const now = new Map(library.list().map((m) => [m.id, m]));
    for (const [id, m] of now) {
      if (!known.has(id)) ctx.bus.publish({ type: 'media', id, state: 'imported', media: m });
    }
    for (const id of known) {
      if (!now.has(id)) ctx.bus.publish({ type: 'media', id, state: 'deleted', media: null });
    }
    known = new Set(now.keys());
  };
  const part: StationPart = {
    name: 'media',
    start: async () => {
      const removed = library.removeStale();
      if (removed.length) {
        ctx.logger.warn({ removed }, 'removed leftovers of interrupted media imports');
      }
      known = new Set(library.list().map((m) => m.id));
      refresh();
      off = ctx.bus.on((e) => {
        if (e.type !== 'media') return;
        // Our own imports and deletions: already said, keep the scan from saying them again.
        if (e.state === 'imported') known.add(e.id);
        else known.delete(e.id);
        refresh();
      });
      // wimboot may be replaced by hand or by `prepstation boot fetch-wimboot` meanwhile.
      timer = setInterval(refresh, 30_000);
      timer.unref();
      try {
        fs.mkdirSync(library.mediaDir, { recursive: true });
        // A medium appears or goes with one rename in this folder.
        watcher = fs.watch(library.mediaDir, () => {
          if (debounce) clearTimeout(debounce);
          debounce = setTimeout(rescan, 200);
        });
        watcher.on('error', (err) => ctx.logger.warn({ err }, 'watching the media folder failed'));
      } catch (err) {
        ctx.logger.warn(
          { err },
          'cannot watch the media folder; media imported elsewhere show after a reload',
        );
      }
    },
    stop: async () => {
      off?.();
      off = null;
      if (timer) clearInterval(timer);
      timer = null;
      if (debounce) clearTimeout(debounce);
      debounce = null;
      watcher?.close();
      watcher = null;
    },
  };
  return { library, routes: mediaRoutes(library), part };
}
