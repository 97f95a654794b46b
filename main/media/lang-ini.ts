/**
 * `sources/lang.ini` of Windows Setup media:
 *
 *   [Available UI Languages]
 *   de-DE = 3          3: the medium's default UI language, 2: another one it carries
 *   [Fallback Languages]
 *   de-DE = en-us
 *
 * Setup shows its language page unless the answer file names a UI language the medium
 * has, so the UI language must come from here, not from the customer's locale.
 */
export function uiLanguagesFromLangIni(bytes: Buffer): { default: string | null; all: string[] } {
  const text =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? bytes.toString('utf16le', 2)
      : bytes.toString('utf8').replace(/^\uFEFF/, '');
  let section = '';
  const all: { tag: string; value: string }[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/;.*$/, '').trim();
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = head[1]!.trim().toLowerCase();
      continue;
    }
    const kv = /^([A-Za-z]{2,3}-[A-Za-z0-9-]+)\s*=\s*(.*)$/.exec(line);
    if (kv && section === 'available ui languages') all.push({ tag: kv[1]!, value: kv[2]!.trim() });
  }
  const def = all.find((l) => l.value === '3') ?? all[0];
  return { default: def?.tag ?? null, all: all.map((l) => l.tag) };
}
