import crypto, { createHash } from 'node:crypto';

/**
 * crypt(3) SHA-512 ("$6$"), the password hash Ubuntu autoinstall, Debian preseed
 * (user-password-crypted) and kickstart (--iscrypted) take, so no installer ever sees the
 * plain admin password. Implements Ulrich Drepper's "Unix crypt using SHA-256 and
 * SHA-512" spec; the tests compare with `openssl passwd -6`.
 */
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const sha512 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** One SHA-512 of a whole buffer in one native call (the 5000 rounds are most of a render). */
const oneShot = (data: Buffer): Buffer => crypto.hash('sha512', data, 'buffer');

function repeatTo(src: Buffer, len: number): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) out[i] = src[i % src.length]!;
  return out;
}

export function sha512Crypt(password: string, salt: string, rounds = 5000): string {
  const key = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 16), 'utf8');
  const b = sha512(key, s, key);
  const aParts: Buffer[] = [key, s, repeatTo(b, key.length)];
  for (let n = key.length; n > 0; n >>= 1) aParts.push(n & 1 ? b : key);
  let a = sha512(...aParts);
  const dp = sha512(...Array<Buffer>(key.length).fill(key));
  const p = repeatTo(dp, key.length);
  const ds = sha512(...Array<Buffer>(16 + a[0]!).fill(s));
  const sBytes = repeatTo(ds, s.length);
  // Each round hashes (p|a) [s] [p] (a|p), built in one reused buffer.
  const buf = Buffer.allocUnsafe(2 * Math.max(64, p.length) + sBytes.length + p.length);
  for (let i = 0; i < rounds; i++) {
    let n = (i & 1 ? p : a).copy(buf, 0);
    if (i % 3) n += sBytes.copy(buf, n);
    if (i % 7) n += p.copy(buf, n);
    n += (i & 1 ? a : p).copy(buf, n);
    a = oneShot(buf.subarray(0, n));
  }
  const order = [
    [0, 21, 42],
    [22, 43, 1],
    [44, 2, 23],
    [3, 24, 45],
    [25, 46, 4],
    [47, 5, 26],
    [6, 27, 48],
    [28, 49, 7],
    [50, 8, 29],
    [9, 30, 51],
    [31, 52, 10],
    [53, 11, 32],
    [12, 33, 54],
    [34, 55, 13],
    [56, 14, 35],
    [15, 36, 57],
    [37, 58, 16],
    [59, 17, 38],
    [18, 39, 60],
    [40, 61, 19],
    [62, 20, 41],
  ] as const;
  let out = '';
  const enc = (b2: number, b1: number, b0: number, n: number): void => {
    let w = (b2 << 16) | (b1 << 8) | b0;
    for (let i = 0; i < n; i++) {
      out += ITOA64[w & 0x3f];
      w >>= 6;
    }
  };
  for (const [x, y, z] of order) enc(a[x]!, a[y]!, a[z]!, 4);
  enc(0, 0, a[63]!, 2);
  const roundsPart = rounds === 5000 ? '' : `rounds=${rounds}$`;
  return `$6$${roundsPart}${salt.slice(0, 16)}$${out}`;
}

/** A salt from any stable seed (machine id), so the same render gives the same file. */
export function saltFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  let s = '';
  for (let i = 0; i < 16; i++) s += ITOA64[h[i]! & 0x3f];
  return s;
}
