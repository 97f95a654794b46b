import { z } from 'zod';
import type { CreateTerminalRequest, TerminalClientMessage } from '../api/contract.js';
import { validSshHost, validSshUser } from './command.js';

const cols = z.number().int().min(2).max(500);
const rows = z.number().int().min(2).max(300);

const local = z
  .object({ kind: z.literal('local'), cols: cols.optional(), rows: rows.optional() })
  .strict();
const ssh = z
  .object({
    kind: z.literal('ssh'),
    machineId: z.string().min(1).max(100).optional(),
    host: z
      .string()
      .refine(validSshHost, 'must be an IP address or a host name such as pc-042.bench.lan')
      .optional(),
    user: z
      .string()
      .refine(
        validSshUser,
        'must be a user name such as root or Administrator (letters, digits, . _ - @ \\)',
      ),
    port: z.number().int().min(1).max(65535).optional(),
    cols: cols.optional(),
    rows: rows.optional(),
  })
  .strict();

/** The body of POST /api/v1/terminals; produces the contract's CreateTerminalRequest. */
export const createTerminalBody: z.ZodType<CreateTerminalRequest> = z
  .discriminatedUnion('kind', [local, ssh])
  .superRefine((v, c) => {
    if (v.kind === 'ssh' && !v.machineId && !v.host) {
      c.addIssue({ code: 'custom', message: 'give the machine (machineId) or its address (host)' });
    }
  });

const clientMessage: z.ZodType<TerminalClientMessage> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('input'), data: z.string().max(1024 * 1024) }),
  z.object({ type: z.literal('resize'), cols, rows }),
  z.object({ type: z.literal('ack'), bytes: z.number().int().positive() }),
]);

/** One text frame from the browser, or null when it is not one we know (it is ignored). */
export function parseClientMessage(text: string): TerminalClientMessage | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const r = clientMessage.safeParse(raw);
  return r.success ? r.data : null;
}
