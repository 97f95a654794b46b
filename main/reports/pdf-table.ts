import type { FontName } from './pdf-style.js';

/**
 * Table cells and the sizing of a table's columns to its content (pure: the text width
 * comes from the layout's measuring), apart from the flow layout that draws them.
 */

export interface Cell {
  text: string;
  color?: string;
  font?: FontName;
}

export interface Column {
  header: string;
  /** Relative width; the columns share the text width by these weights. */
  weight: number;
  align?: 'left' | 'right' | 'center';
  font?: FontName;
  /** An identifier (serial, MAC, time): sized to its whole text and never wrapped. */
  nowrap?: boolean;
}

/** Longer cell text is cut with an ellipsis: a row must always fit on one page. */
const MAX_CELL_CHARS = 900;
/** A cell's inner margin, on every side. */
export const PAD = 3;

/**
 * Columns sized to their content: an identifier column (nowrap) gets its whole longest
 * value and keeps it; the others share what is left by weight, each at least its longest
 * word. Only when that cannot fit do the text columns break words; identifiers never.
 */
export function columnWidths(
  cols: Column[],
  rows: Cell[][],
  width: number,
  textWidth: (text: string, font: FontName) => number,
): number[] {
  const minW = cols.map((c, i) => {
    let longest = 0;
    const consider = (text: string, font: FontName): void => {
      const parts = c.nowrap ? clip(text).split('\n') : clip(text).split(/[ \t\n]+/);
      for (const word of parts) {
        if (word) longest = Math.max(longest, textWidth(word.slice(0, 60), font));
      }
    };
    consider(c.header, 'bold');
    for (const r of rows) if (r[i]) consider(r[i]!.text, r[i]!.font ?? c.font ?? 'body');
    // pdfkit adds a blank line after a line that fills its width to within ~3 pt and ends in \n
    // (a one-line identifier never ends in one: a smaller margin is enough).
    return Math.min(longest + 2 * PAD + (c.nowrap ? 3 : 6), width * 0.45);
  });
  const fixed = cols.reduce((n, c, i) => n + (c.nowrap ? minW[i]! : 0), 0);
  const free = Math.max(0, width - fixed);
  const total = cols.reduce((n, c) => n + (c.nowrap ? 0 : c.weight), 0) || 1;
  const w = cols.map((c, i) =>
    c.nowrap ? minW[i]! : Math.max((free * c.weight) / total, minW[i]!),
  );
  const over = w.reduce((a, b) => a + b, 0) - width;
  if (over <= 0) return w;
  const slack = w.reduce((n, x, i) => n + (x - minW[i]!), 0);
  if (slack >= over) return w.map((x, i) => x - ((x - minW[i]!) * over) / slack);
  // Still too wide: the heaviest text column (a model name, a description) gives way and
  // breaks its words; the other columns keep their longest word, identifiers their text.
  const textMin = cols.reduce((n, c, i) => n + (c.nowrap ? 0 : minW[i]!), 0);
  if (fixed < width && textMin > 0) {
    const heaviest = cols.reduce(
      (best, c, i) => (!c.nowrap && (best < 0 || c.weight > cols[best]!.weight) ? i : best),
      -1,
    );
    const left = free - (textMin - minW[heaviest]!);
    if (left >= minW[heaviest]! / 2) return w.map((x, i) => (i === heaviest ? left : minW[i]!));
    return cols.map((c, i) => (c.nowrap ? minW[i]! : (minW[i]! * free) / textMin));
  }
  const sum = minW.reduce((a, b) => a + b, 0);
  return minW.map((x) => (x * width) / sum);
}

export function clip(text: string): string {
  return text.length > MAX_CELL_CHARS ? text.slice(0, MAX_CELL_CHARS - 1) + '…' : text;
}
