import { describe, expect, it } from 'vitest';
import { negotiate } from '../../../../../main/net/tftp/negotiate.js';
import { ReadTransfer } from '../../../../../main/net/tftp/transfer.js';

const ack = (block: number) => ({ op: 'ack' as const, block });

function transfer(size: number, options: Record<string, string> = {}, retries = 5) {
  return new ReadTransfer(size, negotiate(options, size), retries);
}

describe('ReadTransfer', () => {
  it('lock-step: one block per ACK, done on the last ACK', () => {
    const t = transfer(1000);
    expect(t.blocks).toBe(2);
    expect(t.start(0)).toEqual([{ type: 'blocks', from: 1, to: 1 }]);
    expect(t.onPacket(ack(1), 10)).toEqual([{ type: 'blocks', from: 2, to: 2 }]);
    expect(t.onPacket(ack(2), 20)).toEqual([{ type: 'done', result: 'ok' }]);
  });

  it('a file that is a multiple of blksize ends with an empty block (RFC 1350 §6)', () => {
    const t = transfer(1024);
    expect(t.blocks).toBe(3);
    expect(t.blockRange(3)).toEqual({ offset: 1024, length: 0 });
  });

  it('an empty file is one empty block', () => {
    const t = transfer(0);
    expect(t.blocks).toBe(1);
    expect(t.start(0)).toEqual([{ type: 'blocks', from: 1, to: 1 }]);
    expect(t.onPacket(ack(1), 1)).toEqual([{ type: 'done', result: 'ok' }]);
  });

  it('with options: OACK first, data only after ACK 0 (RFC 2347)', () => {
    const t = transfer(3000, { blksize: '1000', tsize: '0' });
    expect(t.start(0)).toEqual([{ type: 'oack', options: { blksize: '1000', tsize: '3000' } }]);
    expect(t.onPacket(ack(1), 1)).toEqual([]);
    expect(t.onPacket(ack(0), 2)).toEqual([{ type: 'blocks', from: 1, to: 1 }]);
  });

  it('resends the OACK on timeout until ACK 0 arrives', () => {
    const t = transfer(3000, { tsize: '0' });
    t.start(0);
    expect(t.onTimeout(500)).toEqual([]); // not yet due
    expect(t.onTimeout(1000)).toEqual([{ type: 'oack', options: { tsize: '3000' } }]);
  });

  it('OVMF tsize probe: OACK, then ERROR 8 from the client, ends as aborted', () => {
    const t = transfer(3000, { tsize: '0', blksize: '1468' });
    t.start(0);
    const out = t.onPacket({ op: 'error', code: 8, message: 'User aborted the transfer' }, 5);
    expect(out).toEqual([
      { type: 'done', result: 'aborted', error: 'client error 8: User aborted the transfer' },
    ]);
    expect(t.onTimeout(10_000)).toEqual([]);
  });

  it('never answers a duplicate ACK (no Sorcerer’s Apprentice)', () => {
    const t = transfer(5000);
    t.start(0);
    expect(t.onPacket(ack(1), 1)).toEqual([{ type: 'blocks', from: 2, to: 2 }]);
    expect(t.onPacket(ack(1), 2)).toEqual([]);
    expect(t.onPacket(ack(1), 3)).toEqual([]);
    expect(t.onPacket(ack(2), 4)).toEqual([{ type: 'blocks', from: 3, to: 3 }]);
  });

  it('ignores an ACK for a block not sent yet', () => {
    const t = transfer(5000);
    t.start(0);
    expect(t.onPacket(ack(5), 1)).toEqual([]);
  });

  it('retransmits only on timeout, and gives up after the retries', () => {
    const t = transfer(5000, {}, 2);
    t.start(0);
    expect(t.onTimeout(1000)).toEqual([{ type: 'blocks', from: 1, to: 1 }]);
    expect(t.onTimeout(2000)).toEqual([{ type: 'blocks', from: 1, to: 1 }]);
    expect(t.onTimeout(3000)).toEqual([
      { type: 'done', result: 'timeout', error: 'no acknowledgement after 3 tries of 1000 ms' },
    ]);
  });

  it('progress resets the retry count and the deadline', () => {
    const t = transfer(5000, {}, 1);
    t.start(0);
    t.onTimeout(1000);
    t.onPacket(ack(1), 1500);
    expect(t.nextDeadline()).toBe(2500);
    expect(t.onTimeout(2500)).toEqual([{ type: 'blocks', from: 2, to: 2 }]);
  });

  it('windowsize 4: sends a window, the next one on the window’s last ACK (RFC 7440)', () => {
    const t = transfer(512 * 10, { windowsize: '4' });
    expect(t.start(0)).toEqual([{ type: 'oack', options: { windowsize: '4' } }]);
    expect(t.onPacket(ack(0), 0)).toEqual([{ type: 'blocks', from: 1, to: 4 }]);
    expect(t.onPacket(ack(4), 1)).toEqual([{ type: 'blocks', from: 5, to: 8 }]);
    expect(t.onPacket(ack(8), 2)).toEqual([{ type: 'blocks', from: 9, to: 11 }]);
    expect(t.onPacket(ack(11), 3)).toEqual([{ type: 'done', result: 'ok' }]);
  });

  it('windowsize 4: an ACK inside the window restarts right after it (a lost block)', () => {
    const t = transfer(512 * 10, { windowsize: '4' });
    t.start(0);
    t.onPacket(ack(0), 0);
    expect(t.onPacket(ack(2), 1)).toEqual([{ type: 'blocks', from: 3, to: 6 }]);
  });

  it('windowsize 4: a timeout resends the whole window from the first unacknowledged block', () => {
    const t = transfer(512 * 10, { windowsize: '4' });
    t.start(0);
    t.onPacket(ack(0), 0);
    t.onPacket(ack(4), 1);
    expect(t.onTimeout(2000)).toEqual([{ type: 'blocks', from: 5, to: 8 }]);
  });

  it('block numbers roll over past 65535 to 0', () => {
    const size = 512 * 65540;
    const t = transfer(size);
    t.start(0);
    for (let n = 1; n <= 65535; n++) t.onPacket(ack(n), n);
    expect(t.state().acked).toBe(65535);
    // Block 65536 is 0 on the wire; the ACK for it is ACK 0.
    expect(t.onPacket(ack(0), 70_000)).toEqual([{ type: 'blocks', from: 65537, to: 65537 }]);
    expect(t.state().acked).toBe(65536);
    expect(t.blockRange(65537).offset).toBe(512 * 65536);
    // A late duplicate of ACK 65535 (wire 65535) is now old: ignored.
    expect(t.onPacket(ack(65535), 70_001)).toEqual([]);
  });

  it('a request packet inside a transfer is an illegal operation', () => {
    const t = transfer(100);
    t.start(0);
    const out = t.onPacket({ op: 'data', block: 1, data: Buffer.alloc(0) }, 1);
    expect(out[0]).toMatchObject({ type: 'error', code: 4 });
    expect(out[1]).toMatchObject({ type: 'done', result: 'error' });
  });

  it('counts acknowledged bytes', () => {
    const t = transfer(1000);
    t.start(0);
    expect(t.bytesAcked()).toBe(0);
    t.onPacket(ack(1), 1);
    expect(t.bytesAcked()).toBe(512);
  });
});
