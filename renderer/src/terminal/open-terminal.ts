import type { CreateTerminalRequest, TerminalKind } from '../../../main/api/contract';
import { go } from '../lib/route';
import { useStore } from '../store';
import { closeConnection, connectionFor, createConnection } from './connection';

/** What a screen asks for; an ssh tab without a user asks for one before connecting. */
export type OpenTerminalRequest =
  | { kind: 'local' }
  | {
      kind: 'ssh';
      machineId?: string;
      host?: string;
      user?: string;
      port?: number;
      title?: string;
    };

const LAST_USER = 'prepstation.terminal.user';

export function lastSshUser(): string {
  try {
    return localStorage.getItem(LAST_USER) ?? 'root';
  } catch {
    return 'root';
  }
}

let nextTab = 1;

/** ssh tabs waiting for their user: the rest of the request, for the tab's form. */
const waiting = new Map<string, { machineId?: string; host?: string; port?: number }>();

export function waitingRequest(
  tabId: string,
): { machineId?: string; host?: string; port?: number } | undefined {
  return waiting.get(tabId);
}

/**
 * Opens a terminal tab and shows the Terminal screen. The machine page calls
 * `openTerminal({ kind: 'ssh', machineId })`: the station finds the machine's address.
 */
export function openTerminal(req: OpenTerminalRequest): string {
  const id = `tab-${nextTab++}`;
  const kind: TerminalKind = req.kind;
  const title =
    req.kind === 'local'
      ? 'Station shell'
      : (req.title ?? (req.host ? req.host : req.machineId ? `Machine ${req.machineId}` : 'SSH'));
  useStore.getState().addTerminalTab({
    id,
    kind,
    title,
    machineId: req.kind === 'ssh' ? (req.machineId ?? null) : null,
    sessionId: null,
    state: req.kind === 'ssh' && !req.user ? 'needs-user' : 'opening',
    message: null,
  });
  const conn = createConnection(id);
  if (req.kind === 'local') void conn.start({ kind: 'local' });
  else if (req.user) void connectSsh(id, { ...req, user: req.user });
  else waiting.set(id, { machineId: req.machineId, host: req.host, port: req.port });
  go('terminal');
  return id;
}

/** Starts an ssh tab once its user is known (from the request or the tab's form). */
export async function connectSsh(
  tabId: string,
  req: { machineId?: string; host?: string; user: string; port?: number },
): Promise<void> {
  try {
    localStorage.setItem(LAST_USER, req.user);
  } catch {
    // Storage may be refused; the default stays.
  }
  waiting.delete(tabId);
  const body: CreateTerminalRequest = { kind: 'ssh', user: req.user };
  if (req.machineId) body.machineId = req.machineId;
  if (req.host) body.host = req.host;
  if (req.port) body.port = req.port;
  const conn = connectionFor(tabId) ?? createConnection(tabId);
  await conn.start(body);
}

export async function closeTerminal(tabId: string): Promise<void> {
  waiting.delete(tabId);
  useStore.getState().removeTerminalTab(tabId);
  await closeConnection(tabId);
}
