/**
 * The requests a machine makes, in the order real firmware, installers and agents make
 * them. Nothing here is special to the simulator: the station sees plain HTTP.
 */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

async function jsonOf(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function checked<T>(res: Response, what: string): Promise<T> {
  const body = await jsonOf(res);
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown } }).error;
    throw new HttpError(
      res.status,
      e?.code ?? 'http',
      `${what}: HTTP ${res.status} ${e?.message ?? ''}`,
      e?.details,
    );
  }
  const b = body as { ok?: boolean; value?: unknown };
  return (b && typeof b === 'object' && 'value' in b ? b.value : body) as T;
}

export class StationClient {
  constructor(
    readonly benchUrl: string,
    private readonly ui: { url: string; token: string } | null,
  ) {}

  /** iPXE's first hop, then the per-machine script (what iPXE sends: mac, uuid, serial...). */
  async bootScript(q: Record<string, string>): Promise<string> {
    const res = await fetch(`${this.benchUrl}/boot/ipxe?${new URLSearchParams(q)}`);
    if (!res.ok) throw new HttpError(res.status, 'boot', `boot script: HTTP ${res.status}`);
    return res.text();
  }

  async firstHop(): Promise<string> {
    return (await fetch(`${this.benchUrl}/boot/ipxe`)).text();
  }

  /** An installer fetching its answer file: status and size only. */
  async answerFile(url: string): Promise<{ status: number; bytes: number }> {
    const res = await fetch(url);
    const body = await res.arrayBuffer();
    return { status: res.status, bytes: body.byteLength };
  }

  async head(url: string): Promise<{ status: number; size: number | null }> {
    const res = await fetch(url, { method: 'HEAD' });
    const len = res.headers.get('content-length');
    return { status: res.status, size: len === null ? null : Number(len) };
  }

  private agent(token: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.benchUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  async plan<T>(token: string): Promise<T> {
    return checked<T>(await this.agent(token, '/agent/v1/plan'), 'plan');
  }

  async reports<T>(token: string, reports: unknown[]): Promise<T> {
    return checked<T>(await this.agent(token, '/agent/v1/reports', { reports }), 'reports');
  }

  async heartbeat<T>(token: string): Promise<T> {
    return checked<T>(await this.agent(token, '/agent/v1/heartbeat', {}), 'heartbeat');
  }

  /** UI API, with the technician's token: only to assign machines when asked to. */
  async uiPost<T>(path: string, body: unknown): Promise<T> {
    if (!this.ui) throw new Error('this needs --ui URL and --ui-token');
    const res = await fetch(`${this.ui.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.ui.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return checked<T>(res, path);
  }
}
