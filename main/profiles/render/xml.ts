/**
 * A tiny XML writer: every text and attribute goes through one escape, so a customer
 * called `Müller & Söhne <GmbH>` or a password with `"'$\` cannot break the document.
 */
export type XmlNode = { name: string; attrs?: Record<string, string>; children?: XmlChild[] };
export type XmlChild = XmlNode | string | number | boolean | null | undefined;

// XML 1.0 §2.2: control characters other than tab, LF and CR are not allowed at all.
// eslint-disable-next-line no-control-regex
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(text: string): string {
  return text
    .replace(INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function el(
  name: string,
  attrs?: Record<string, string> | XmlChild[],
  ...children: (XmlChild | XmlChild[])[]
): XmlNode {
  const kids = children.flat();
  if (Array.isArray(attrs)) return { name, children: [...attrs, ...kids] };
  return { name, attrs, children: kids };
}

function render(node: XmlNode, indent: string, out: string[]): void {
  const attrs = Object.entries(node.attrs ?? {})
    .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
    .join('');
  const kids = (node.children ?? []).filter((c) => c !== null && c !== undefined);
  if (kids.length === 0) {
    out.push(`${indent}<${node.name}${attrs} />`);
  } else if (kids.every((c) => typeof c !== 'object')) {
    out.push(
      `${indent}<${node.name}${attrs}>${kids.map((c) => xmlEscape(String(c))).join('')}</${node.name}>`,
    );
  } else {
    out.push(`${indent}<${node.name}${attrs}>`);
    for (const c of kids) {
      if (typeof c === 'object' && c !== null) render(c, indent + '  ', out);
      else out.push(indent + '  ' + xmlEscape(String(c)));
    }
    out.push(`${indent}</${node.name}>`);
  }
}

export function xmlDocument(root: XmlNode): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>'];
  render(root, '', out);
  return out.join('\r\n') + '\r\n';
}
