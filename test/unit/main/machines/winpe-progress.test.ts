import { describe, expect, it } from 'vitest';
import {
  dismPercent,
  nextWinpeView,
  parseWinpeReport,
  winpeDriverWarning,
  type WinpeEntry,
  type WinpeView,
} from '../../../../main/machines/winpe-progress.js';

/** The WinPE progress channel's pure side: forms in, bench rows out. */
const parse = (form: string): WinpeEntry => {
  const r = parseWinpeReport(new URLSearchParams(form), '10.0.0.9');
  if (!r.ok) throw new Error(r.message);
  return r.entry;
};

describe('dismPercent', () => {
  const rows: [string, string, number | undefined][] = [
    ['the last bar drawn with CRs', '[==   10.0%   ]\r[=====   37.0%   ]\r', 37],
    [
      '100 % and the closing line',
      '[===100.0%===]\r\nThe operation completed successfully.\r\n',
      100,
    ],
    ['German DISM output (decimal comma)', '[=====   41,0%   ]\r[=====   42,5%   ]', 42.5],
    ['nothing yet', 'Deployment Image Servicing and Management tool\r\n', undefined],
    ['nonsense above 100', '[ 250% ]', undefined],
  ];
  for (const [name, out, want] of rows) it(name, () => expect(dismPercent(out)).toBe(want));
});

describe('parseWinpeReport', () => {
  it('refuses unknown phases and statuses', () => {
    expect(parseWinpeReport(new URLSearchParams('phase=format&status=done'), 'x').ok).toBe(false);
    expect(parseWinpeReport(new URLSearchParams('phase=apply&status=maybe'), 'x').ok).toBe(false);
  });

  it('adds the bytes of earlier parts, keeps the facts, bounds the text', () => {
    expect(parse('phase=download&status=progress&part=2&bytes=1000&before=3000')).toMatchObject({
      bytes: 4000,
    });
    expect(parse('phase=network&status=done&packs=dell-5440,BAD ID,x&index=6').facts).toEqual({
      packs: ['dell-5440', 'x'],
      index: 6,
    });
    const long = parse(`phase=disk&status=failed&detail=${'a'.repeat(5000)}%0d%0a&code=1`);
    expect(long.detail).toHaveLength(2000);
    expect(parse('phase=apply&status=failed&code=1392&log=a%0d%0a%0d%0ab%0d%0a').logTail).toEqual([
      'a',
      'b',
    ]);
  });
});

describe('nextWinpeView', () => {
  it('says what the bench shows, with one bar over the whole WinPE part', () => {
    let v: WinpeView | null = null;
    const steps: [string, string, number][] = [
      ['phase=network&status=done&packs=a', 'Starting WinPE', 1],
      ['phase=download&status=started&total=4700000000', 'Downloading image 0.0 of 4.7 GB', 5],
      [
        'phase=download&status=progress&part=1&bytes=2100000000&before=0',
        'Downloading image 2.1 of 4.7 GB',
        22,
      ],
      // A late, older report does not move the bar back.
      [
        'phase=download&status=progress&part=1&bytes=1000000000&before=0',
        'Downloading image 1.0 of 4.7 GB',
        22,
      ],
      ['phase=apply&status=progress&out=%5B%3D%3D%2037.0%25%20%5D', 'Applying image 37 %', 61],
      ['phase=boot&status=done', 'Writing the boot files', 99],
    ];
    for (const [form, message, percent] of steps) {
      v = nextWinpeView(v, parse(form));
      expect([v.message, v.percent], form).toEqual([message, percent]);
    }
    expect(v!.facts.packs).toEqual(['a']);
    expect(nextWinpeView(v, parse('phase=apply&status=failed&code=1392')).message).toBe(
      'WinPE: applying image failed (code 1392)',
    );
  });

  it('a model without a pack is a warning; unknown is not', () => {
    const none = nextWinpeView(null, parse('phase=network&status=done&packs='));
    expect(winpeDriverWarning({ winpe: none, vendor: 'HP', model: 'EliteBook 840' })).toContain(
      'No driver pack for HP EliteBook 840',
    );
    const unknown = nextWinpeView(null, parse('phase=firmware&status=done'));
    expect(winpeDriverWarning({ winpe: unknown, vendor: 'HP', model: 'X' })).toBeNull();
  });
});
