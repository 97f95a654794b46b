import type { MachineSummary } from '../../main/api/contract.js';
import type { Pool } from '../../main/shop/pg.js';
import { shipChunk, type StationRow } from '../../main/shop/ship-chunk.js';
import type { ShopEvent } from '../../main/shop/view/contract.js';

/** A station's dashboard row, as the shipper sends it (the station is the authority). */
export function summary(
  id: string,
  mac: string,
  state: MachineSummary['state'],
  step: string | null,
): MachineSummary {
  return {
    id,
    name: null,
    macs: [mac],
    uuid: null,
    serial: null,
    vendor: null,
    model: null,
    ip: null,
    state,
    stalledIn: null,
    profile: 'acme',
    profileVersion: null,
    customer: 'Acme',
    batch: null,
    deployment: 1,
    step,
    stepId: null,
    stepsDone: 0,
    stepsTotal: 3,
    progress: 0,
    startedAt: null,
    updatedAt: new Date().toISOString(),
    lastSeenAt: null,
    failure: null,
  };
}

/** One event shipped with the shipper's own chunk statements (transaction + NOTIFY). */
export async function shipOne(
  pool: Pool,
  st: StationRow,
  seq: number,
  view: MachineSummary,
): Promise<void> {
  const c = await pool.connect();
  try {
    const data = JSON.stringify({ kind: 'discovered', mac: view.macs[0], via: 'dhcp' });
    const out = await shipChunk(
      c,
      st,
      [
        {
          seq,
          machineId: view.id,
          at: new Date().toISOString(),
          deployment: 0,
          kind: 'discovered',
          data,
        },
      ],
      new Map([[view.id, view]]),
      0,
    );
    if (out.kind !== 'shipped') throw new Error(`chunk not shipped: ${JSON.stringify(out)}`);
  } finally {
    c.release();
  }
}

/** Reads a UI listener's event stream; its `shop` events in arrival order. */
export function watchShopEvents(url: string, token: string) {
  const events: ShopEvent[] = [];
  const ac = new AbortController();
  const done = (async () => {
    const res = await fetch(`${url}/api/v1/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: ac.signal,
    });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += value;
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        for (const e of JSON.parse(data.slice(6)) as { type: string }[]) {
          if (e.type === 'shop') events.push(e as ShopEvent);
        }
      }
    }
  })().catch(() => undefined);
  return {
    events,
    stop: async () => {
      ac.abort();
      await done;
    },
  };
}

/** Polls until f() gives something truthy; generous by default (CI is slower). */
export async function until<T>(
  what: string,
  f: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
