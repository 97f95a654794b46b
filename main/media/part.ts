import type { StationContext, StationPart } from '../context.js';
import { MediaLibrary } from './library.js';
import { mediaRoutes } from './routes.js';
import { wimbootStatus } from './wimboot.js';

/**
 * The media library inside the station: the library itself (ctx.media for renderers,
 * readiness and reports), its UI routes, and a part that cleans up after a crashed import
 * and keeps the `wimboot` row of the Services page current as media come and go.
 */
export function createMedia(ctx: StationContext): {
  library: MediaLibrary;
  routes: ReturnType<typeof mediaRoutes>;
  part: StationPart;
} {
  const library = new MediaLibrary(ctx.paths.filesDir, ctx.bus, ctx.now);
  let off: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
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
  const part: StationPart = {
    name: 'media',
    start: async () => {
      const removed = library.removeStale();
      if (removed.length)
        ctx.logger.warn({ removed }, 'removed leftovers of interrupted media imports');
      refresh();
      off = ctx.bus.on((e) => {
        if (e.type === 'media') refresh();
      });
      // wimboot may be replaced by hand or by `prepstation boot fetch-wimboot` meanwhile.
      timer = setInterval(refresh, 30_000);
      timer.unref();
    },
    stop: async () => {
      off?.();
      off = null;
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
  return { library, routes: mediaRoutes(library), part };
}
