/** Every request target an attacker can write for one path (issue 13, item 1). */
export function targetVariants(path: string, host: string): string[] {
  const [first = '', ...rest] = path.replace(/^\//, '').split('/');
  const tail = rest.join('/');
  const pct = (s: string) =>
    [...s].map((c) => '%' + c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  const out = [
    path,
    // One letter of the first segment encoded, upper and lower hex.
    ...[...first].map(
      (_, i) => `/${first.slice(0, i)}${pct(first[i]!)}${first.slice(i + 1)}/${tail}`,
    ),
    ...[...first].map(
      (_, i) => `/${first.slice(0, i)}${pct(first[i]!).toUpperCase()}${first.slice(i + 1)}/${tail}`,
    ),
    `/${pct(first)}/${tail}`,
    `/${pct(path.slice(1))}`,
    `/${first}/${pct(tail)}`,
    // Double encoding: %25 is '%'.
    `/%25${first.charCodeAt(0).toString(16)}${first.slice(1)}/${tail}`,
    // Absolute-form request lines (RFC 9112 §3.2.2), any case of scheme and host.
    `http://${host}${path}`,
    `HTTP://${host.toUpperCase()}${path}`,
    `http://evil.example${path}`,
    `http://${host}/${pct(first)}/${tail}`,
    // Separators, dots, case, parameters.
    `/${path}`,
    `//${host}${path}`,
    `${path}/`,
    `${path};x=1`,
    `/${first};x/${tail}`,
    `/${first.toUpperCase()}/${tail}`,
    `/./${first}/${tail}`,
    `/${first}/./${tail}`,
    `/x/../${first}/${tail}`,
    `/${first}%2f${tail.replace(/\//g, '%2f')}`,
    `/${first}%2F${tail.replace(/\//g, '%2F')}`,
    `${path}?token=`,
    `${path}?x=%00`,
    `${path}#frag`,
    `${path}%00`,
    `${path}%20`,
    `/${first}%09/${tail}`,
  ];
  return [...new Set(out)];
}

/** Methods, the odd ones included: Node answers an unknown method with 400 itself. */
export const fuzzMethods = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
  'get',
  'FOO',
];

/**
 * Header sets a client without the token might send: wrong, empty, malformed or huge
 * credentials, Range and If-Range shapes (the audit's backtracking one included), and
 * headers near and past Node's 16 KiB limit.
 */
export function headerShapes(wrongToken: string): Record<string, string>[] {
  const spaces = ' '.repeat(2500);
  return [
    {},
    { authorization: `Bearer ${wrongToken}` },
    { authorization: 'Bearer' },
    { authorization: 'Bearer    ' },
    { authorization: `bearer\t${wrongToken}` },
    { authorization: `Basic ${Buffer.from(`x:${wrongToken}`).toString('base64')}` },
    { authorization: `Bearer ${'A'.repeat(6000)}` },
    { cookie: `prepstation_token=${wrongToken}` },
    { cookie: 'prepstation_token=' },
    { cookie: `prepstation_token=${wrongToken}; prepstation_token=x; other=1` },
    { cookie: `PREPSTATION_TOKEN=${wrongToken}` },
    { cookie: `a=${'b'.repeat(8000)}` },
    { cookie: '=;;;==;' },
    { range: 'bytes=0-10' },
    { range: `bytes=${spaces}-${spaces}x` },
    { range: 'bytes=-1', 'if-range': '"nope"' },
    { range: 'bytes=0-1,2-3,4-5', 'if-range': 'Wed, 21 Oct 2015 07:28:00 GMT' },
    { range: `bytes=${'9'.repeat(400)}-` },
    { 'x-big': 'y'.repeat(15_000) },
    { 'x-too-big': 'y'.repeat(20_000) },
    { 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1', forwarded: 'for=127.0.0.1' },
    { origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'cross-site' },
    { 'content-type': 'text/plain' },
    { 'transfer-encoding': 'chunked' },
  ];
}
