import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StationEvent } from '../../api/contract.js';
import type { EventBus } from '../../events/bus.js';

/** Bytes a slow client may have buffered before it is dropped (it reconnects and resumes). */
const MAX_BUFFERED = 8 * 1024 * 1024;

/**
 * The `data:` text of each batch, made once: the bus hands the same array to every stream
 * client, so N dashboards cost one JSON.stringify per tick, not N.
 */
const encoded = new WeakMap<StationEvent[], string>();

function encode(batch: StationEvent[]): string {
  let text = encoded.get(batch);
  if (text === undefined) {
    text = `id: ${batch[batch.length - 1]!.seq}\ndata: ${JSON.stringify(batch)}\n\n`;
    encoded.set(batch, text);
  }
  return text;
}

/**
 * Server-sent events: one `data:` line per batch (a JSON array of events), `id:` the last
 * event's seq, so EventSource resumes with Last-Event-ID after a reconnect.
 */
export function streamEvents(bus: EventBus, req: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');

  const send = (batch: StationEvent[]): void => {
    if (batch.length === 0) return;
    if (res.writableLength > MAX_BUFFERED) {
      res.destroy();
      return;
    }
    res.write(encode(batch));
  };

  // Last-Event-ID (EventSource reconnecting) or ?since= (a script reading the log): both
  // resume after that seq; 0 replays everything the ring still holds.
  const raw = req.headers['last-event-id'] ?? (req.query as { since?: string }).since;
  const last = raw === undefined || raw === '' ? NaN : Number(raw);
  if (Number.isInteger(last) && last >= 0) {
    const missed = bus.since(last);
    if (missed === null) res.write('event: reset\ndata: {}\n\n');
    else send(missed);
  }

  const off = bus.onBatch(send);
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  const close = (): void => {
    off();
    clearInterval(ping);
  };
  res.on('close', close);
  res.on('error', close);
}
