import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { BootDecision, BootRequest } from '../../boot/types.js';
import { chainScript, renderDecision } from '../../boot/ipxe-script.js';
import type { StationContext } from '../../context.js';
import { maskUrl } from '../../log/logger.js';

const macPattern = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;
/** Seconds between asks while a machine waits for the technician. */
const retrySeconds = 5;

type Query = Record<string, string | undefined>;

/** iPXE sends unset settings as empty strings; keep only what carries a value. */
function field(q: Query, name: string, max = 128): string | undefined {
  const v = q[name];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t.slice(0, max);
}

export function bootRequestFrom(q: Query, ip: string): BootRequest | null {
  const mac = field(q, 'mac');
  if (!mac || !macPattern.test(mac)) return null;
  const req: BootRequest = { mac: mac.toLowerCase().replace(/-/g, ':'), ip };
  for (const k of ['uuid', 'serial', 'platform', 'buildarch', 'manufacturer', 'product'] as const) {
    const v = field(q, k);
    if (v !== undefined) req[k] = v;
  }
  return req;
}

function describe(d: BootDecision): string {
  switch (d.kind) {
    case 'wait':
      return `wait (${d.reason})`;
    case 'install':
      return `install (${d.machineId})`;
    case 'local':
      return 'boot from local disk';
  }
}

/**
 * GET /boot/ipxe: without ?mac=, the first-hop script that makes iPXE ask again with its
 * identity; with it, the script for that machine's state, decided by ctx.boot.
 */
export function bootRoutes(app: FastifyInstance, ctx: StationContext): void {
  app.get('/boot/ipxe', async (req: FastifyRequest, reply: FastifyReply) => {
    const q = (req.query ?? {}) as Query;
    const path = maskUrl(req.url);
    const send = (status: number, text: string, mac: string | null, summary: string) => {
      ctx.bus.publish({
        type: 'boot',
        protocol: 'http',
        mac,
        client: req.ip,
        summary,
        data: { path, status, bytes: Buffer.byteLength(text) },
      });
      if (mac) ctx.machineSighted({ mac, via: 'http', ip: req.ip });
      return reply.code(status).type('text/plain; charset=utf-8').send(text);
    };

    if (q.mac === undefined) {
      return send(200, chainScript(ctx.benchUrl), ctx.clients.macFor(req.ip), 'iPXE first hop');
    }
    const bootReq = bootRequestFrom(q, req.ip);
    if (!bootReq) {
      req.log.warn({ client: req.ip, path }, 'boot script asked for with a bad MAC');
      // 200, not 400: iPXE runs only a script it got with 200, and the technician reads
      // this one on the machine's screen.
      const text = [
        '#!ipxe',
        'echo PrepStation: this PC did not send a usable MAC address; cannot identify it.',
        'echo Check that it boots from its wired network card.',
        'sleep 30',
        'exit',
        '',
      ].join('\n');
      return send(200, text, ctx.clients.macFor(req.ip), 'iPXE script refused: bad MAC');
    }
    // The ?mac= is a claim: it is never learned as this address's MAC (issue 13 item 4).
    let decision: BootDecision;
    try {
      decision = await ctx.boot.resolve(bootReq);
    } catch (err) {
      req.log.error({ err, mac: bootReq.mac }, 'boot resolver failed');
      decision = {
        kind: 'wait',
        reason: 'held',
        message: 'The station hit an error deciding what this PC boots; see the station log.',
      };
    }
    const text = renderDecision(decision, bootReq, { benchUrl: ctx.benchUrl, retrySeconds });
    return send(200, text, bootReq.mac, `iPXE script: ${describe(decision)}`);
  });
}
