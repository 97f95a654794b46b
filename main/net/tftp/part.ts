import fs from 'node:fs';
import path from 'node:path';
import type { StationContext, StationPart } from '../../context.js';
import {
  describeGrubDecision,
  optionalForSignedChain,
  signedChainFiles,
} from '../../boot/signed-files.js';
import { explainListenError } from '../../services/registry.js';
import { TftpServer, type TransferRecord } from './server.js';
import { defaultWorkerCount } from './workers.js';

const label = 'TFTP (PXE boot files)';

/** Where TFTP serves from: <files>/boot, the same files HTTP serves under /files/boot/. */
export function tftpRoot(ctx: StationContext): string {
  return path.join(ctx.paths.filesDir, 'boot');
}

function summary(r: TransferRecord): string {
  const kib = (r.bytes / 1024).toFixed(0);
  switch (r.result) {
    case 'ok':
      return `TFTP ${r.file}: ${kib} KiB in ${r.durationMs} ms`;
    case 'aborted':
      // OVMF's size probe ends this way before the real download.
      return `TFTP ${r.file}: client ended the transfer after ${kib} KiB (${r.error ?? 'aborted'})`;
    case 'timeout':
      return `TFTP ${r.file}: client stopped answering after ${kib} KiB`;
    case 'not-found':
      return optionalForSignedChain(r.file)
        ? `TFTP ${r.file}: not here (optional for shim and GRUB; fine)`
        : `TFTP ${r.file}: no such file in the boot folder`;
    case 'refused':
      return `TFTP ${JSON.stringify(r.file)}: refused (${r.error ?? 'not allowed'})`;
    case 'error':
      return `TFTP ${r.file}: failed (${r.error ?? 'error'})`;
  }
}

/**
 * The TFTP server as a station part: service `tftp`, bound to the bench address, one
 * boot-log event per transfer tied to the client's MAC when DHCP has seen it.
 */
export function tftpPart(
  ctx: StationContext,
  host: string,
): StationPart & { port(): number | null } {
  let server: TftpServer | null = null;
  let bound: number | null = null;
  const port = ctx.options.tftpPort;
  return {
    name: 'tftp',
    port: () => bound,
    async start() {
      if (!ctx.options.tftp) {
        ctx.services.set('tftp', {
          label,
          state: 'disabled',
          address: null,
          error: 'TFTP is turned off (--no-tftp): PXE ROMs that are not iPXE cannot boot.',
          fix: 'Start the station without --no-tftp, or boot machines whose firmware speaks HTTP (iPXE).',
        });
        return;
      }
      ctx.services.set('tftp', { label, state: 'starting', address: null });
      const root = tftpRoot(ctx);
      fs.mkdirSync(root, { recursive: true });
      const s = new TftpServer({
        root,
        host,
        port,
        logger: ctx.logger.child({ svc: 'tftp' }),
        workers: defaultWorkerCount(),
        // The signed chain's per-machine GRUB configs and <files> for its kernels (issue 17).
        rendered: signedChainFiles({
          filesDir: ctx.paths.filesDir,
          benchUrl: () => ctx.benchUrl,
          boot: () => ctx.boot,
          onDecision: ({ mac, client, decision, bytes }) => {
            ctx.clients.learn(client, mac);
            ctx.bus.publish({
              type: 'boot',
              protocol: 'tftp',
              mac,
              client,
              summary: describeGrubDecision(decision),
              data: { chain: 'shim-grub', decision: decision.kind, bytes },
            });
            if (mac) ctx.machineSighted({ mac, via: 'tftp', ip: client });
          },
        }),
        onRecord: (r) => {
          const mac = ctx.clients.macFor(r.client);
          ctx.bus.publish({
            type: 'boot',
            protocol: 'tftp',
            mac,
            client: r.client,
            summary: summary(r),
            data: {
              file: r.file,
              bytes: r.bytes,
              durationMs: r.durationMs,
              result: r.result,
              ...(r.error ? { error: r.error } : {}),
            },
          });
          if (mac) ctx.machineSighted({ mac, via: 'tftp', ip: r.client });
        },
      });
      try {
        bound = await s.start();
        server = s;
        ctx.services.set('tftp', { state: 'running', address: `udp ${host}:${bound}` });
      } catch (err) {
        const { error, fix } = explainListenError(err as NodeJS.ErrnoException, {
          proto: 'udp',
          host,
          port,
          option: '--tftp-port',
        });
        ctx.logger.error({ err, service: 'tftp' }, `${label} could not start: ${error}`);
        ctx.services.set('tftp', { state: 'failed', address: null, error, fix });
      }
    },
    async stop() {
      if (!server) return;
      await server.stop();
      server = null;
      bound = null;
      ctx.services.set('tftp', { state: 'stopped' });
    },
  };
}
