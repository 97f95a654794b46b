/**
 * A pty's program is a session leader (node-pty calls setsid), so its pid is also its
 * process group: signalling -pid reaches the shell and everything it started in the
 * foreground or background, not the shell alone.
 */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  if (process.platform === 'win32' || pid <= 0) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    // ESRCH: the group is gone already.
    return false;
  }
}

/** True while any process of the group lives. */
export function groupAlive(pid: number): boolean {
  if (process.platform === 'win32' || pid <= 0) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but is not ours (a setuid child); still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Ends a group: SIGHUP (what closing a terminal sends; shells and ssh end cleanly on it),
 * then SIGKILL for whatever ignores it after `graceMs`.
 */
export async function endGroup(pid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pid, 'SIGHUP')) return;
  // SIGHUP alone may be ignored by a stopped job until it is continued.
  signalGroup(pid, 'SIGCONT');
  const until = Date.now() + graceMs;
  while (Date.now() < until) {
    if (!groupAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  signalGroup(pid, 'SIGKILL');
}
