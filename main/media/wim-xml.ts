import type { MediaEdition } from './types.js';

/**
 * The WIM XML resource to editions. The document is small (a few KiB per image) and
 * written by DISM or wimlib, so a small parser of elements, attributes, text and the five
 * entities is enough; anything it does not understand makes the medium fail to import
 * with a reason, never a wrong edition.
 *
 *   <WIM><TOTALBYTES/><IMAGE INDEX="1"><NAME/><DESCRIPTION/><TOTALBYTES/>
 *     <WINDOWS><ARCH>9</ARCH><EDITIONID>Professional</EDITIONID>
 *       <LANGUAGES><LANGUAGE>en-US</LANGUAGE><DEFAULT>en-US</DEFAULT></LANGUAGES>
 *       <VERSION><MAJOR>10</MAJOR><MINOR>0</MINOR><BUILD>26100</BUILD><SPBUILD>1742</SPBUILD></VERSION>
 *     </WINDOWS></IMAGE></WIM>
 */

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlError extends Error {}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (chunk.trim()) stack[stack.length - 1]!.text += unescape(chunk);
    if (lt < 0) break;
    if (text.startsWith('<?', lt) || text.startsWith('<!--', lt)) {
      const end = text.indexOf(text.startsWith('<?', lt) ? '?>' : '-->', lt);
      if (end < 0) throw new XmlError('unterminated declaration or comment');
      i = end + (text.startsWith('<?', lt) ? 2 : 3);
      continue;
    }
    tag.lastIndex = lt;
    const m = tag.exec(text);
    if (!m) throw new XmlError(`malformed tag at character ${lt}`);
    i = tag.lastIndex;
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== name || stack.length === 0) {
        throw new XmlError(`</${name}> does not close <${open?.name ?? ''}>`);
      }
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attrs[a[1]!] = unescape(a[2] ?? a[3] ?? '');
    }
    const el: XmlElement = { name: name!, attrs, children: [], text: '' };
    stack[stack.length - 1]!.children.push(el);
    if (!selfClose) stack.push(el);
  }
  if (stack.length !== 1) throw new XmlError(`<${stack[stack.length - 1]!.name}> is not closed`);
  const top = root.children[0];
  if (!top || root.children.length !== 1) throw new XmlError('no single root element');
  return top;
}

/** The first descendant at a path of element names (case-insensitive, as DISM is). */
export function child(el: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
  let cur = el;
  for (const p of path) {
    cur = cur?.children.find((c) => c.name.toUpperCase() === p.toUpperCase());
  }
  return cur;
}

function textAt(el: XmlElement | undefined, ...path: string[]): string | null {
  const t = child(el, ...path)?.text.trim();
  return t ? t : null;
}

function numberAt(el: XmlElement | undefined, ...path: string[]): number | null {
  const t = textAt(el, ...path);
  if (t === null) return null;
  // DISM writes decimal; some tools write 0x-prefixed hex (CREATIONTIME parts do).
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : Number(t);
  return Number.isFinite(n) ? n : null;
}

/** `<ARCH>` values: PROCESSOR_ARCHITECTURE_* of the Windows SDK. */
function architecture(code: number | null): MediaEdition['architecture'] {
  switch (code) {
    case 0:
      return 'x86';
    case 9:
      return 'amd64';
    case 12:
      return 'arm64';
    default:
      return 'unknown';
  }
}

/** Every `<IMAGE>` of a WIM XML document as an edition, ordered by index. */
export function editionsFromXml(xml: string): MediaEdition[] {
  const wim = parseXml(xml);
  if (wim.name.toUpperCase() !== 'WIM')
    throw new XmlError(`root element is <${wim.name}>, not <WIM>`);
  const out: MediaEdition[] = [];
  for (const img of wim.children.filter((c) => c.name.toUpperCase() === 'IMAGE')) {
    const index = Number(img.attrs.INDEX ?? img.attrs.index);
    if (!Number.isInteger(index) || index < 1) throw new XmlError('an <IMAGE> has no valid INDEX');
    const win = child(img, 'WINDOWS');
    const v = child(win, 'VERSION');
    const parts = [
      numberAt(v, 'MAJOR'),
      numberAt(v, 'MINOR'),
      numberAt(v, 'BUILD'),
      numberAt(v, 'SPBUILD'),
    ];
    const languages = (child(win, 'LANGUAGES')?.children ?? [])
      .filter((c) => c.name.toUpperCase() === 'LANGUAGE')
      .map((c) => c.text.trim())
      .filter(Boolean);
    const name = textAt(img, 'NAME') ?? textAt(img, 'DISPLAYNAME') ?? `Image ${index}`;
    out.push({
      index,
      name,
      editionId: textAt(win, 'EDITIONID') ?? textAt(img, 'FLAGS') ?? '',
      description: textAt(img, 'DESCRIPTION'),
      version: parts.map((p) => p ?? 0).join('.'),
      build: parts[2] ?? 0,
      architecture: architecture(numberAt(win, 'ARCH')),
      languages,
      totalBytes: numberAt(img, 'TOTALBYTES') ?? 0,
    });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** `<WINDOWS><LANGUAGES><DEFAULT>` of an edition's image, for media without lang.ini. */
export function defaultLanguageFromXml(xml: string, index: number): string | null {
  const wim = parseXml(xml);
  const img = wim.children.find(
    (c) => c.name.toUpperCase() === 'IMAGE' && Number(c.attrs.INDEX) === index,
  );
  return textAt(img, 'WINDOWS', 'LANGUAGES', 'DEFAULT');
}
