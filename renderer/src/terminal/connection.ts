import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import type {
  CreateTerminalRequest,
  TerminalClientMessage,
  TerminalInfo,
  TerminalServerMessage,
} from '../../../main/api/contract';
import { api, postJson } from '../api/client';
import { useStore } from '../store';

/** Acknowledge drawn output in steps this big (the station pauses past 2 MiB unacked). */
const ACK_STEP = 64 * 1024;
const RECONNECT_TRIES = 5;

/**
 * One terminal tab's machinery, outside React: the xterm instance, its addons and the
 * WebSocket. It outlives the Terminal screen (switching to the Bench and back keeps the
 * shell and its scrollback); React only moves its element in and out of the page.
 */
export class TerminalConnection {
  readonly term: Terminal;
  readonly search = new SearchAddon();
  private readonly fitAddon = new FitAddon();
  private readonly element = document.createElement('div');
  private opened = false;
  private ws: WebSocket | null = null;
  private sessionId: string | null = null;
  private unacked = 0;
  private ended = false;
  private tries = 0;

  constructor(readonly tabId: string) {
    this.element.className = 'terminal-host';
    this.element.dataset.testid = `terminal-screen-${tabId}`;
    this.term = new Terminal({
      cursorBlink: true,
      scrollback: 10_000,
      fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
      fontSize: 14,
      allowProposedApi: true,
    });
    this.term.loadAddon(this.fitAddon);
    this.term.loadAddon(this.search);
    this.term.onData((data) => this.send({ type: 'input', data }));
    this.term.onResize(({ cols, rows }) => this.send({ type: 'resize', cols, rows }));
    this.term.attachCustomKeyEventHandler((e) => this.onKey(e));
  }

  /** Asks the station for a session, then connects to it. */
  async start(req: CreateTerminalRequest): Promise<void> {
    this.update({ state: 'opening', message: null });
    const r = await postJson<TerminalInfo>('/api/v1/terminals', {
      ...req,
      cols: this.term.cols,
      rows: this.term.rows,
    });
    if (!r.ok) {
      this.ended = true;
      this.update({ state: 'failed', message: r.error.message });
      return;
    }
    this.sessionId = r.value.id;
    this.update({ sessionId: r.value.id, title: r.value.title });
    this.connect();
  }

  mount(container: HTMLElement): void {
    container.appendChild(this.element);
    if (!this.opened) {
      this.term.open(this.element);
      this.opened = true;
    }
    this.fit();
    this.term.focus();
  }

  unmount(): void {
    this.element.remove();
  }

  fit(): void {
    if (!this.opened || !this.element.isConnected) return;
    try {
      this.fitAddon.fit();
    } catch {
      // A hidden element has no size; the next resize fits it.
    }
  }

  async copy(): Promise<void> {
    const text = this.term.getSelection();
    if (text) await navigator.clipboard.writeText(text).catch(() => undefined);
    this.term.focus();
  }

  async paste(): Promise<void> {
    const text = await navigator.clipboard.readText().catch(() => '');
    if (text) this.term.paste(text);
    this.term.focus();
  }

  /** The tab closes: the station ends the shell and everything it started. */
  async dispose(): Promise<void> {
    this.ended = true;
    const id = this.sessionId;
    this.ws?.close(1000, 'tab closed');
    this.ws = null;
    this.term.dispose();
    this.element.remove();
    if (id) await api(`/api/v1/terminals/${id}`, { method: 'DELETE' });
  }

  private connect(): void {
    const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(
      `${proto}://${window.location.host}/api/v1/terminals/${this.sessionId}/socket`,
    );
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.unacked = 0;
    ws.onopen = () => {
      this.tries = 0;
      this.update({ state: 'open', message: null });
      // The size may have changed while the socket was away.
      this.send({ type: 'resize', cols: this.term.cols, rows: this.term.rows });
    };
    ws.onmessage = (ev: MessageEvent<ArrayBuffer | string>) => {
      if (typeof ev.data === 'string') return this.onControl(ev.data);
      const bytes = new Uint8Array(ev.data);
      this.term.write(bytes, () => this.drawn(bytes.length));
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.ended) return;
      if (ev.code === 4409) {
        this.ended = true;
        this.update({ state: 'ended', message: 'Opened in another window.' });
        return;
      }
      // The station keeps the shell a few seconds for a dropped socket: try to get back to it.
      if (this.tries++ < RECONNECT_TRIES) {
        this.update({ state: 'reconnecting', message: null });
        setTimeout(() => this.connect(), 500 * this.tries);
      } else {
        this.ended = true;
        this.update({ state: 'ended', message: 'The connection to the station was lost.' });
      }
    };
  }

  private onControl(text: string): void {
    let msg: TerminalServerMessage;
    try {
      msg = JSON.parse(text) as TerminalServerMessage;
    } catch {
      return;
    }
    if (msg.type === 'exit') {
      this.ended = true;
      const how = msg.signal ? `signal ${msg.signal}` : `code ${msg.exitCode ?? '?'}`;
      this.term.write(`\r\n\x1b[2m[ended with ${how}]\x1b[0m\r\n`);
      this.update({ state: 'ended', message: `Ended with ${how}.` });
    } else if (msg.type === 'error') {
      this.update({ message: msg.message });
    }
  }

  private drawn(n: number): void {
    this.unacked += n;
    if (this.unacked >= ACK_STEP) {
      this.send({ type: 'ack', bytes: this.unacked });
      this.unacked = 0;
    }
  }

  private send(msg: TerminalClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  /** Ctrl+Shift+C / Ctrl+Shift+V copy and paste (plain Ctrl+C belongs to the shell). */
  private onKey(e: KeyboardEvent): boolean {
    if (e.type !== 'keydown' || !e.ctrlKey || !e.shiftKey) return true;
    const k = e.key.toLowerCase();
    if (k === 'c') {
      void this.copy();
      e.preventDefault();
      return false;
    }
    if (k === 'v') {
      void this.paste();
      e.preventDefault();
      return false;
    }
    if (k === 'f') {
      document.querySelector<HTMLInputElement>('[data-testid="terminal-search"]')?.focus();
      e.preventDefault();
      return false;
    }
    return true;
  }

  private update(patch: Parameters<ReturnType<typeof useStore.getState>['updateTerminalTab']>[1]) {
    useStore.getState().updateTerminalTab(this.tabId, patch);
  }
}

const connections = new Map<string, TerminalConnection>();

export function connectionFor(tabId: string): TerminalConnection | undefined {
  return connections.get(tabId);
}

export function createConnection(tabId: string): TerminalConnection {
  const c = new TerminalConnection(tabId);
  connections.set(tabId, c);
  return c;
}

export async function closeConnection(tabId: string): Promise<void> {
  const c = connections.get(tabId);
  connections.delete(tabId);
  await c?.dispose();
}
