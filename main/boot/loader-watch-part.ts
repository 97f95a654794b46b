import type { StationContext, StationPart } from '../context.js';
import type { LoaderHint, LoaderWatch } from './loader-watch.js';

/** How often silent loaders are looked for: a hint shows within silence + this. */
const tickMs = 5_000;

/**
 * The LoaderWatch as a station part: fed every boot log event, it says on the machine's
 * boot log (and through onHint, on its row) when Secure Boot most likely refused a loader.
 */
export function loaderWatchPart(
  ctx: StationContext,
  watch: LoaderWatch,
  onHint: (hint: LoaderHint) => void = () => undefined,
): StationPart {
  let off: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  return {
    name: 'loader-watch',
    async start() {
      off = ctx.bus.on((e) => {
        if (e.type === 'boot' && !e.data?.hint) watch.observe(e, ctx.now().getTime());
      });
      timer = setInterval(() => {
        for (const hint of watch.due(ctx.now().getTime(), ctx.options.secureBoot)) {
          ctx.logger.warn({ mac: hint.mac, loader: hint.loader }, hint.reason);
          ctx.bus.publish({
            type: 'boot',
            protocol: 'tftp',
            mac: hint.mac,
            client: '',
            summary: hint.reason,
            data: { hint: 'secure-boot-refused', loader: hint.loader, fix: hint.fix },
          });
          try {
            onHint(hint);
          } catch (err) {
            ctx.logger.warn({ err, mac: hint.mac }, 'the Secure Boot hint could not be recorded');
          }
        }
      }, tickMs);
      timer.unref();
    },
    async stop() {
      off?.();
      off = null;
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
