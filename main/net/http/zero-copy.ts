import type net from 'node:net';
import type fs from 'node:fs';
import { nativeAddon } from '../../util/native-addon.js';

/**
 * Big downloads with sendfile(2) (Linux, native/src/sendfile.c): the kernel moves the file's
 * pages to the socket, where a stream would copy every byte into JS and out again. Twenty
 * PCs pulling one install image at once is the case this is for.
 *
 * libuv keeps owning the socket. The kernel is fed directly only while libuv has nothing
 * queued on it; when the socket buffer is full, the next piece goes through an ordinary
 * socket.write, whose callback is libuv telling us the socket drained. So bytes never
 * overtake each other, and no second poller watches the fd.
 */

type Addon = {
  sendfile(outFd: number, inFd: number, offset: number, count: number): Promise<number>;
  dupFd(fd: number): number;
  closeFd(fd: number): void;
};

/** The sendfile addon, or null where it is not built (not Linux, no compiler). */
export function sendfileAddon(): Addon | null {
  return nativeAddon<Addon>('sendfile', 'PREPSTATION_NO_SENDFILE');
}

/** Files below this size are streamed: the thread-pool round trips would cost more. */
export const zeroCopyMinBytes = 1024 * 1024;
/** Bytes per sendfile call: bounds one thread-pool job when the page cache is cold. */
const callBytes = 8 * 1024 * 1024;
/** Bytes written the ordinary way to wait for a full socket to drain. */
const drainBytes = 64 * 1024;

/** The socket's file descriptor, where libuv exposes one (TCP on Unix). */
export function socketFd(socket: net.Socket | null | undefined): number | null {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } } | null)?._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? fd : null;
}

export class ZeroCopyUnavailable extends Error {}

/**
 * Sends bytes start..start+length-1 of the open file to the socket, after everything
 * already written to it. Calls onProgress with the bytes handed to the kernel so far.
 * Resolves when all were sent; rejects when the client goes away or the file shrinks.
 * Rejects with ZeroCopyUnavailable, before sending anything, if the kernel refuses
 * sendfile for this pair (the caller then streams).
 */
export async function sendFileRange(
  socket: net.Socket,
  file: fs.promises.FileHandle,
  start: number,
  length: number,
  onProgress: (sent: number) => void,
): Promise<void> {
  const native = sendfileAddon();
  const fd = socketFd(socket);
  if (!native || fd === null) throw new ZeroCopyUnavailable('sendfile is not available');
  // Everything already written (the response head) must reach the kernel first.
  await write(socket, Buffer.alloc(0));
  // Our own descriptor for the socket: if Node closes its fd (client gone) while a call
  // is on the thread pool, the number cannot be reused under us.
  const out = native.dupFd(fd);
  let sent = 0;
  try {
    while (sent < length) {
      if (socket.destroyed) throw new Error('the client closed the connection');
      let n: number;
      try {
        n = await native.sendfile(out, file.fd, start + sent, Math.min(callBytes, length - sent));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (sent === 0 && (code === 'EINVAL' || code === 'ENOSYS')) {
          throw new ZeroCopyUnavailable(`sendfile refused: ${(err as Error).message}`);
        }
        throw err;
      }
      if (n > 0) {
        sent += n;
        onProgress(sent);
        continue;
      }
      if (n === 0) throw new Error('the file got shorter during the download');
      // The socket buffer is full: hand the next piece to libuv and let it wait for room.
      const piece = Buffer.allocUnsafe(Math.min(drainBytes, length - sent));
      const { bytesRead } = await file.read(piece, 0, piece.length, start + sent);
      if (bytesRead === 0) throw new Error('the file got shorter during the download');
      await write(socket, piece.subarray(0, bytesRead));
      sent += bytesRead;
      onProgress(sent);
    }
  } finally {
    native.closeFd(out);
  }
}

function write(socket: net.Socket, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) {
      reject(new Error('the client closed the connection'));
      return;
    }
    socket.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}
