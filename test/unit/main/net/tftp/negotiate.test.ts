import { describe, expect, it } from 'vitest';
import { negotiate } from '../../../../../main/net/tftp/negotiate.js';

describe('negotiate', () => {
  it.each([
    [
      'no options: plain RFC 1350',
      {},
      { blksize: 512, windowsize: 1, timeoutMs: 1000, oack: null },
    ],
    [
      'blksize, tsize and windowsize are acknowledged',
      { blksize: '1468', tsize: '0', windowsize: '16' },
      {
        blksize: 1468,
        windowsize: 16,
        timeoutMs: 1000,
        oack: { blksize: '1468', tsize: '5000', windowsize: '16' },
      },
    ],
    [
      'blksize above 65464 is answered with the limit',
      { blksize: '70000' },
      { blksize: 65464, oack: { blksize: '65464' } },
    ],
    ['blksize below 8 is ignored', { blksize: '4' }, { blksize: 512, oack: null }],
    ['garbage blksize is ignored', { blksize: '12ab' }, { blksize: 512, oack: null }],
    [
      'windowsize is capped at 64',
      { windowsize: '1000' },
      { windowsize: 64, oack: { windowsize: '64' } },
    ],
    ['windowsize 0 is ignored', { windowsize: '0' }, { windowsize: 1, oack: null }],
    ['timeout 3 s (RFC 2349)', { timeout: '3' }, { timeoutMs: 3000, oack: { timeout: '3' } }],
    ['timeout 0 and 256 are ignored', { timeout: '0' }, { timeoutMs: 1000, oack: null }],
    ['timeout 256 is ignored', { timeout: '256' }, { timeoutMs: 1000, oack: null }],
    ['tsize alone (the OVMF size probe)', { tsize: '0' }, { oack: { tsize: '5000' } }],
    ['unknown options are ignored', { multicast: '' }, { oack: null }],
  ])('%s', (_name, requested, expected) => {
    expect(negotiate(requested, 5000)).toMatchObject(expected);
  });
});
