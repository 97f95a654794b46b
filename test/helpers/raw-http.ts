import net from 'node:net';

export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends bytes exactly as given (request line and headers unnormalized, as an attacker
 * would) and reads the answer until the server closes. fetch() cannot do this: it
 * normalizes paths, refuses absolute-form targets and sets its own headers.
 */
export function rawRequest(
  url: string,
  request: string | Buffer,
  timeoutMs = 15_000,
): Promise<RawResponse> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(u.port), u.hostname, () => socket.write(request));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `no answer within ${timeoutMs} ms to ${JSON.stringify(String(request).slice(0, 120))}`,
        ),
      );
    }, timeoutMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: m ? Number(m[1]) : 0, head, body: split < 0 ? '' : text.slice(split + 4) });
    });
  });
}

/** A GET (or another method) with `target` as the request target, closing after it. */
export function rawLine(
  url: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<RawResponse> {
  const u = new URL(url);
  const lines = [`${method} ${target} HTTP/1.1`];
  // The caller's own Host wins (a rebinding page's host name, or none at all with '').
  const hostGiven = Object.keys(headers).some((k) => k.toLowerCase() === 'host');
  if (!hostGiven) lines.push(`Host: ${u.host}`);
  lines.push('Connection: close');
  for (const [k, v] of Object.entries(headers)) if (v !== '') lines.push(`${k}: ${v}`);
  if (body !== '' || method === 'POST' || method === 'PUT' || method === 'PATCH') {
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  }
  return rawRequest(url, lines.join('\r\n') + '\r\n\r\n' + body);
}
