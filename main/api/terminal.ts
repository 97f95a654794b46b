import { z } from 'zod';

/** The UI API of terminals: schemas and types (the request body: terminal/protocol.ts). */

export const terminalKind = z.enum(['local', 'ssh']);
export type TerminalKind = z.infer<typeof terminalKind>;

export const terminalInfo = z.object({
  id: z.string(),
  kind: terminalKind,
  /** Tab title: "Station shell", "root@10.0.0.5". */
  title: z.string(),
  machineId: z.string().nullable(),
  pid: z.number(),
  cols: z.number(),
  rows: z.number(),
  createdAt: z.string(),
  /** A browser tab holds its WebSocket now. */
  attached: z.boolean(),
});
export type TerminalInfo = z.infer<typeof terminalInfo>;
