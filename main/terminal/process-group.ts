import fs from 'node:fs';

/**
 * A pty's program leads a new session (node-pty calls setsid), so its pid is the session id
 * of everything started in that terminal. Its process group is not enough: an interactive
 * shell puts each job (`sleep 600 &`) in a group of its own, and dash, unlike bash, does
 * not pass SIGHUP on to them. So the whole session is signalled, found through /proc;
 * where there is no /proc (macOS) the leader's group is the best there is. Only a program
 * that starts a session of its own (setsid, a daemon) escapes, as from any terminal.
 */
export function sessionMembers(sid: number, procDir = '/proc'): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(procDir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`${procDir}/${e}/stat`, 'utf8');
      // pid (comm) state ppid pgrp session ...; comm may hold spaces and parentheses.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (f[0] !== 'Z' && Number(f[3]) === sid) out.push(Number(e));
    } catch {
      // It ended while we looked.
    }
  }
  return out;
}

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch (err) {
    // EPERM: it exists but is not ours to signal (a setuid program); it still lives.
    return sig === 0 && (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends a signal to the session's processes and the leader's group; false if none is left. */
export function signalSession(sid: number, sig: NodeJS.Signals): boolean {
  if (process.platform === 'win32' || sid <= 0) return false;
  let any = signal(-sid, sig);
  for (const pid of sessionMembers(sid)) any = signal(pid, sig) || any;
  return any;
}

/** True while any process of the session (or the leader's group) runs. */
export function sessionAlive(sid: number): boolean {
  if (process.platform === 'win32' || sid <= 0) return false;
  return sessionMembers(sid).length > 0 || (!fs.existsSync('/proc') && signal(-sid, 0));
}

/**
 * Ends a terminal's session: SIGHUP (what closing a terminal sends; shells and ssh end on
 * it), SIGCONT so stopped jobs see it, then SIGKILL for whatever still runs after `graceMs`.
 */
export async function endSession(sid: number, graceMs: number): Promise<void> {
  if (!signalSession(sid, 'SIGHUP')) return;
  signalSession(sid, 'SIGCONT');
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!sessionAlive(sid)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  signalSession(sid, 'SIGKILL');
}
