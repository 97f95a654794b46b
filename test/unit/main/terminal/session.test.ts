import { describe, expect, it } from 'vitest';
import type { TerminalInfo, TerminalServerMessage } from '../../../../main/api/contract.js';
import { createLogger } from '../../../../main/log/logger.js';
import {
  DEFAULT_SESSION_OPTIONS,
  TerminalSession,
  type PtyLike,
  type TerminalSocket,
} from '../../../../main/terminal/session.js';
import { ManualTimers } from './fake-timers.js';

class FakePty implements PtyLike {
  readonly pid = 4242;
  paused = false;
  written: string[] = [];
  size: [number, number] = [80, 24];
  private data: ((d: Buffer | string) => void) | null = null;
  private exitL: ((e: { exitCode: number; signal?: number }) => void) | null = null;
  onData(l: (d: Buffer | string) => void) {
    this.data = l;
    return { dispose: () => undefined };
  }
  onExit(l: (e: { exitCode: number; signal?: number }) => void) {
    this.exitL = l;
    return { dispose: () => undefined };
  }
  write(d: string) {
    this.written.push(d);
  }
  resize(c: number, r: number) {
    this.size = [c, r];
  }
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
  kill() {
    this.exit(129);
  }
  emit(d: string | Buffer) {
    this.data?.(d);
  }
  exit(code: number) {
    this.exitL?.({ exitCode: code });
  }
}

class FakeSocket implements TerminalSocket {
  frames: Buffer[] = [];
  messages: TerminalServerMessage[] = [];
  closed: [number, string] | null = null;
  /** Written callbacks held back, as a slow network would. */
  held: (() => void)[] = [];
  constructor(private readonly instant = true) {}
  sendFrame(f: Buffer, written: () => void) {
    this.frames.push(f);
    if (this.instant) written();
    else this.held.push(written);
  }
  sendMessage(m: TerminalServerMessage) {
    this.messages.push(m);
  }
  close(code: number, reason: string) {
    this.closed = [code, reason];
  }
  get text() {
    return Buffer.concat(this.frames).toString();
  }
}

function setup(over: Partial<typeof DEFAULT_SESSION_OPTIONS> = {}) {
  const timers = new ManualTimers();
  const pty = new FakePty();
  const ended: string[] = [];
  const groupsEnded: number[] = [];
  const info: TerminalInfo = {
    id: 't1',
    kind: 'local',
    title: 'Station shell',
    machineId: null,
    pid: pty.pid,
    cols: 80,
    rows: 24,
    createdAt: '2026-01-01T00:00:00.000Z',
    attached: false,
  };
  const s = new TerminalSession(
    info,
    pty,
    createLogger({ level: 'fatal' }),
    () => ended.push('t1'),
    {
      ...DEFAULT_SESSION_OPTIONS,
      timers,
      graceMs: 1000,
      limits: { ackHigh: 100, ackLow: 20, bufferHigh: 1000, bufferLow: 100 },
      detachedMax: 50,
      endGroup: async (pid) => {
        groupsEnded.push(pid);
        pty.exit(129);
      },
      ...over,
    },
  );
  return { s, pty, timers, ended, groupsEnded };
}

describe('TerminalSession', () => {
  it('keeps output printed before the tab attaches and sends it on attach', () => {
    const { s, pty, timers } = setup();
    pty.emit('login banner\r\n');
    timers.advance(16);
    const sock = new FakeSocket();
    s.attach(sock);
    expect(sock.text).toBe('login banner\r\n');
    pty.emit('$ ');
    timers.advance(16);
    expect(sock.text).toBe('login banner\r\n$ ');
    expect(s.info.attached).toBe(true);
  });

  it('passes input and resize to the pty', () => {
    const { s, pty } = setup();
    s.attach(new FakeSocket());
    s.input('ls\r');
    s.resize(120, 40);
    expect(pty.written).toEqual(['ls\r']);
    expect(pty.size).toEqual([120, 40]);
    expect(s.info).toMatchObject({ cols: 120, rows: 40 });
  });

  it('pauses the shell while the tab has not acked enough, resumes on ack', () => {
    const { s, pty, timers } = setup();
    const sock = new FakeSocket();
    s.attach(sock);
    pty.emit(Buffer.alloc(101));
    timers.advance(16);
    expect(pty.paused).toBe(true);
    s.ack(60);
    expect(pty.paused).toBe(true);
    s.ack(41);
    expect(pty.paused).toBe(false);
  });

  it('pauses the shell while the socket cannot write, resumes when written', () => {
    const { s, pty, timers } = setup({
      limits: { ackHigh: 1e9, ackLow: 1e9, bufferHigh: 100, bufferLow: 20 },
    });
    const sock = new FakeSocket(false);
    s.attach(sock);
    pty.emit(Buffer.alloc(150));
    timers.advance(16);
    expect(pty.paused).toBe(true);
    for (const w of sock.held.splice(0)) w();
    expect(pty.paused).toBe(false);
  });

  it('pauses a shell nobody watches once its kept output is full', () => {
    const { pty, timers } = setup();
    pty.emit(Buffer.alloc(40));
    timers.advance(16);
    expect(pty.paused).toBe(false);
    pty.emit(Buffer.alloc(40));
    timers.advance(16);
    expect(pty.paused).toBe(true);
  });

  it('ends the shell when no tab comes back within the grace', async () => {
    const { s, timers, ended, groupsEnded } = setup();
    const sock = new FakeSocket();
    s.attach(sock);
    s.detach(sock);
    timers.advance(999);
    expect(groupsEnded).toEqual([]);
    s.attach(new FakeSocket()); // a reload: same session
    timers.advance(5000);
    expect(groupsEnded).toEqual([]);
    s.detach(new FakeSocket()); // not the current socket: ignored
    timers.advance(5000);
    expect(groupsEnded).toEqual([]);
    expect(ended).toEqual([]);
  });

  it('ends a never-attached shell after the grace and reports it ended once', async () => {
    const { s, timers, ended, groupsEnded } = setup();
    timers.advance(1000);
    await s.exited;
    await new Promise((r) => setImmediate(r));
    expect(groupsEnded).toEqual([4242]);
    expect(ended).toEqual(['t1']);
    expect(s.hasEnded).toBe(true);
  });

  it('a second tab takes over; the first is told why', () => {
    const { s } = setup();
    const a = new FakeSocket();
    const b = new FakeSocket();
    s.attach(a);
    s.attach(b);
    expect(a.closed).toEqual([4409, 'opened in another tab']);
    expect(b.closed).toBeNull();
  });

  it('on exit: flushes output, says exit, closes the socket, is gone', () => {
    const { s, pty, ended } = setup();
    const sock = new FakeSocket();
    s.attach(sock);
    pty.emit('bye\r\n');
    pty.exit(3);
    expect(sock.text).toBe('bye\r\n');
    expect(sock.messages).toEqual([{ type: 'exit', exitCode: 3, signal: null }]);
    expect(sock.closed?.[0]).toBe(1000);
    expect(ended).toEqual(['t1']);
  });

  it('keeps what a program printed before dying unattached (ssh errors) for the tab', () => {
    const { s, pty, timers, ended } = setup();
    pty.emit('ssh: connect to host 10.0.0.9 port 22: Connection refused\r\n');
    pty.exit(255);
    expect(ended).toEqual([]);
    const sock = new FakeSocket();
    s.attach(sock);
    expect(sock.text).toMatch(/Connection refused/);
    expect(sock.messages).toEqual([{ type: 'exit', exitCode: 255, signal: null }]);
    expect(ended).toEqual(['t1']);
    timers.advance(5000);
    expect(ended).toEqual(['t1']);
  });
});
