import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { Paper } from './types.js';

/**
 * A small flow layout over pdfkit: headings, key/value blocks, banners and tables that
 * break across pages with their header row repeated, then a last pass that writes the
 * running header and "Page X of Y" on every page (pdfkit buffers pages for that).
 * Everything is measured before it is drawn, so nothing is clipped: long values wrap, and
 * a row that does not fit goes whole to the next page.
 */

const require = createRequire(import.meta.url);
/** DejaVu from npm, so the PDF renders Müller & Söhne (and most scripts) on any OS. */
const fontDir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
export const fonts = {
  body: path.join(fontDir, 'DejaVuSansCondensed.ttf'),
  bold: path.join(fontDir, 'DejaVuSansCondensed-Bold.ttf'),
  mono: path.join(fontDir, 'DejaVuSansMono.ttf'),
};

export const colors = {
  text: '#1d2330',
  muted: '#5b6475',
  accent: '#1f4e79',
  rule: '#c9d0db',
  headFill: '#e8edf4',
  zebra: '#f6f8fb',
  ok: '#1b7a3a',
  bad: '#b3261e',
  warn: '#8a5a00',
  warnFill: '#fff4d6',
  badFill: '#fde7e5',
};

export type FontName = 'body' | 'bold' | 'mono';

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
const PAD = 3;
const BODY_SIZE = 8.5;

export class PdfLayout {
  readonly doc: PDFKit.PDFDocument;
  y: number;
  private readonly pageTitles: string[] = [];
  private currentTitle = '';
  private readonly heights = new Map<string, number>();
  private readonly widths = new Map<string, number>();

  constructor(opts: { paper: Paper; title: string; author: string | null }) {
    this.doc = new PDFDocument({
      size: opts.paper === 'letter' ? 'LETTER' : 'A4',
      margins: { top: 58, bottom: 54, left: 48, right: 48 },
      bufferPages: true,
      info: { Title: opts.title, Author: opts.author ?? 'PrepStation', Creator: 'PrepStation' },
      lang: 'en',
    });
    this.doc.registerFont('body', fonts.body);
    this.doc.registerFont('bold', fonts.bold);
    this.doc.registerFont('mono', fonts.mono);
    this.doc.font('body').fontSize(BODY_SIZE).fillColor(colors.text);
    this.y = this.top;
    this.pageTitles.push('');
  }

  get left(): number {
    return this.doc.page.margins.left;
  }
  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }
  get top(): number {
    return this.doc.page.margins.top;
  }
  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  /** The running header of the pages from here on ("Machine 3 of 12: HOST-01"). */
  setTitle(title: string): void {
    this.currentTitle = title;
    this.pageTitles[this.pageTitles.length - 1] = title;
  }

  newPage(): void {
    this.doc.addPage();
    this.pageTitles.push(this.currentTitle);
    this.y = this.top;
  }

  /** Starts a new page unless `h` more points fit on this one. */
  ensure(h: number): void {
    if (this.y + h > this.bottom) this.newPage();
  }

  space(h: number): void {
    this.y += h;
  }

  measure(text: string, width: number, font: FontName = 'body', size = BODY_SIZE): number {
    // Batches repeat the same strings (models, labels, statuses) hundreds of times.
    const key = `${font}|${size}|${width.toFixed(2)}|${text}`;
    let h = this.heights.get(key);
    if (h === undefined) {
      h = this.fitsOneLine(text, width, font, size)
        ? this.lineHeight(font, size)
        : this.doc
            .font(font)
            .fontSize(size)
            .heightOfString(text || ' ', { width });
      this.heights.set(key, h);
    }
    return h;
  }

  private lineHeight(font: FontName, size: number): number {
    return this.doc.font(font).fontSize(size).currentLineHeight(true);
  }

  /**
   * Most cells are one short line: those skip pdfkit's line wrapper, which is most of
   * the cost of a 200-machine batch.
   */
  private fitsOneLine(text: string, width: number, font: FontName, size = BODY_SIZE): boolean {
    return !text.includes('\n') && this.textWidth(text, font, size) <= width;
  }

  /** Draws one cell's text at (x, y) within `width`, wrapped only when it must be. */
  private cellText(
    text: string,
    x: number,
    y: number,
    width: number,
    font: FontName,
    align: 'left' | 'right' | 'center',
  ): void {
    if (this.fitsOneLine(text, width, font)) {
      const w = this.textWidth(text, font);
      const dx = align === 'right' ? width - w : align === 'center' ? (width - w) / 2 : 0;
      this.doc.text(text, x + dx, y, { lineBreak: false });
    } else {
      this.doc.text(text, x, y, { width, align });
    }
  }

  private textWidth(text: string, font: FontName, size = BODY_SIZE): number {
    const key = `${font}|${size}|${text}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      w = this.doc.font(font).fontSize(size).widthOfString(text);
      this.widths.set(key, w);
    }
    return w;
  }

  /**
   * Column widths: each column at least as wide as its longest word (a MAC, a serial, a
   * date), so values wrap between words and not inside them; the rest of the width is
   * shared by weight. Only when the words alone are too wide does a column wrap inside one.
   */
  /**
   * Columns sized to their content: an identifier column (nowrap) gets its whole longest
   * value and keeps it; the others share what is left by weight, each at least its longest
   * word. Only when that cannot fit do the text columns break words; identifiers never.
   */
  private columnWidths(cols: Column[], rows: Cell[][]): number[] {
    const minW = cols.map((c, i) => {
      let longest = 0;
      const consider = (text: string, font: FontName): void => {
        const parts = c.nowrap ? clip(text).split('\n') : clip(text).split(/[ \t\n]+/);
        for (const word of parts) {
          if (word) longest = Math.max(longest, this.textWidth(word.slice(0, 60), font));
        }
      };
      consider(c.header, 'bold');
      for (const r of rows) if (r[i]) consider(r[i]!.text, r[i]!.font ?? c.font ?? 'body');
      // pdfkit adds a blank line after a line that fills its width to within ~3 pt and ends in \n
      // (a one-line identifier never ends in one: a smaller margin is enough).
      return Math.min(longest + 2 * PAD + (c.nowrap ? 3 : 6), this.width * 0.45);
    });
    const fixed = cols.reduce((n, c, i) => n + (c.nowrap ? minW[i]! : 0), 0);
    const free = Math.max(0, this.width - fixed);
    const total = cols.reduce((n, c) => n + (c.nowrap ? 0 : c.weight), 0) || 1;
    const w = cols.map((c, i) =>
      c.nowrap ? minW[i]! : Math.max((free * c.weight) / total, minW[i]!),
    );
    const over = w.reduce((a, b) => a + b, 0) - this.width;
    if (over <= 0) return w;
    const slack = w.reduce((n, x, i) => n + (x - minW[i]!), 0);
    if (slack >= over) return w.map((x, i) => x - ((x - minW[i]!) * over) / slack);
    // Still too wide: the heaviest text column (a model name, a description) gives way and
    // breaks its words; the other columns keep their longest word, identifiers their text.
    const textMin = cols.reduce((n, c, i) => n + (c.nowrap ? 0 : minW[i]!), 0);
    if (fixed < this.width && textMin > 0) {
      const heaviest = cols.reduce(
        (best, c, i) => (!c.nowrap && (best < 0 || c.weight > cols[best]!.weight) ? i : best),
        -1,
      );
      const left = free - (textMin - minW[heaviest]!);
      if (left >= minW[heaviest]! / 2) return w.map((x, i) => (i === heaviest ? left : minW[i]!));
      return cols.map((c, i) => (c.nowrap ? minW[i]! : (minW[i]! * free) / textMin));
    }
    const sum = minW.reduce((a, b) => a + b, 0);
    return minW.map((x) => (x * this.width) / sum);
  }

  /** Text at the flow position, wrapped to `width`; returns its height. */
  write(
    text: string,
    o: {
      font?: FontName;
      size?: number;
      color?: string;
      x?: number;
      width?: number;
      align?: 'left' | 'right' | 'center';
    } = {},
  ): number {
    const width = o.width ?? this.width;
    const h = this.measure(text, width, o.font, o.size);
    this.ensure(h);
    this.doc
      .font(o.font ?? 'body')
      .fontSize(o.size ?? BODY_SIZE)
      .fillColor(o.color ?? colors.text)
      .text(text, o.x ?? this.left, this.y, { width, align: o.align ?? 'left' });
    this.y += h;
    return h;
  }

  heading(text: string, size = 12): void {
    // Keep a heading with at least a few lines of what follows it.
    this.ensure(size + 50);
    this.space(6);
    this.write(text, { font: 'bold', size, color: colors.accent });
    this.doc
      .moveTo(this.left, this.y + 1)
      .lineTo(this.left + this.width, this.y + 1)
      .lineWidth(0.6)
      .strokeColor(colors.rule)
      .stroke();
    this.space(5);
  }

  /** A coloured box with a bold first line: "IN PROGRESS", "FAILED". */
  banner(title: string, text: string, kind: 'warn' | 'bad'): void {
    const w = this.width - 16;
    const h = this.measure(title, w, 'bold', 11) + this.measure(text, w) + 14;
    this.ensure(h);
    const fill = kind === 'bad' ? colors.badFill : colors.warnFill;
    const ink = kind === 'bad' ? colors.bad : colors.warn;
    this.doc.rect(this.left, this.y, this.width, h).fillAndStroke(fill, ink);
    this.doc.lineWidth(0.8);
    const y0 = this.y;
    this.y += 7;
    this.write(title, { font: 'bold', size: 11, color: ink, x: this.left + 8, width: w });
    this.write(text, { color: colors.text, x: this.left + 8, width: w });
    this.y = y0 + h + 8;
  }

  /** Label/value pairs in `columns` side-by-side columns, each pair wrapped in its cell. */
  keyValues(pairs: [string, string, FontName?][], columns = 2): void {
    const gap = 14;
    const colW = (this.width - gap * (columns - 1)) / columns;
    const labelW = Math.min(92, colW * 0.38);
    const valueW = colW - labelW - 4;
    for (let i = 0; i < pairs.length; i += columns) {
      const row = pairs.slice(i, i + columns);
      const h = Math.max(
        ...row.map(([label, value, font]) =>
          Math.max(
            this.measure(label, labelW, 'bold'),
            this.measure(clip(value) || '—', valueW, font ?? 'body'),
          ),
        ),
      );
      this.ensure(h + 3);
      row.forEach(([label, value, font], c) => {
        const x = this.left + c * (colW + gap);
        this.doc.font('bold').fontSize(BODY_SIZE).fillColor(colors.muted);
        this.cellText(label, x, this.y, labelW, 'bold', 'left');
        this.doc
          .font(font ?? 'body')
          .fontSize(BODY_SIZE)
          .fillColor(value ? colors.text : colors.muted);
        this.cellText(clip(value) || '—', x + labelW + 4, this.y, valueW, font ?? 'body', 'left');
      });
      this.y += h + 3;
    }
  }

  /**
   * A table that breaks between rows, never inside one, and repeats its header row (with
   * "continued") at the top of each new page.
   */
  table(cols: Column[], rows: Cell[][], caption?: string): void {
    const widths = this.columnWidths(cols, rows);
    const rowHeight = (cells: Cell[], font?: FontName): number =>
      Math.max(
        ...cells.map((cell, i) =>
          this.measure(
            clip(cell.text),
            widths[i]! - 2 * PAD,
            font ?? cell.font ?? cols[i]!.font ?? 'body',
          ),
        ),
      ) +
      2 * PAD;
    const headCells = cols.map((c) => ({ text: c.header }));
    const headH = rowHeight(headCells, 'bold');
    const drawHead = (continued: boolean): void => {
      if (continued && caption) {
        this.write(`${caption} (continued)`, { font: 'bold', size: 8, color: colors.muted });
        this.space(2);
      }
      this.doc.rect(this.left, this.y, this.width, headH).fill(colors.headFill);
      this.drawRow(cols, widths, headCells, headH, 'bold', colors.accent);
      this.y += headH;
    };
    const firstH = rows[0] ? rowHeight(rows[0]) : 0;
    this.ensure(headH + firstH);
    drawHead(false);
    rows.forEach((cells, r) => {
      const h = rowHeight(cells);
      if (this.y + h > this.bottom) {
        this.newPage();
        drawHead(true);
      }
      if (r % 2 === 1) this.doc.rect(this.left, this.y, this.width, h).fill(colors.zebra);
      this.drawRow(cols, widths, cells, h);
      this.y += h;
      this.doc
        .moveTo(this.left, this.y)
        .lineTo(this.left + this.width, this.y)
        .lineWidth(0.3)
        .strokeColor(colors.rule)
        .stroke();
    });
    this.space(8);
  }

  private drawRow(
    cols: Column[],
    widths: number[],
    cells: Cell[],
    _h: number,
    font?: FontName,
    color?: string,
  ): void {
    let x = this.left;
    cells.forEach((cell, i) => {
      const f = font ?? cell.font ?? cols[i]!.font ?? 'body';
      this.doc
        .font(f)
        .fontSize(BODY_SIZE)
        .fillColor(color ?? cell.color ?? colors.text);
      this.cellText(
        clip(cell.text),
        x + PAD,
        this.y + PAD,
        widths[i]! - 2 * PAD,
        f,
        cols[i]!.align ?? 'left',
      );
      x += widths[i]!;
    });
  }

  /** Writes the running header and footer on every page, then the PDF's bytes. */
  async finish(footerLeft: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      this.doc.on('data', (c: Buffer) => chunks.push(c));
      this.doc.on('end', () => resolve(Buffer.concat(chunks)));
      this.doc.on('error', reject);
    });
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const page = this.doc.page;
      const saved = page.margins.bottom;
      // Writing in the margins must not make pdfkit start a page of its own.
      page.margins.bottom = 0;
      const w = page.width - page.margins.left - page.margins.right;
      const title = this.pageTitles[i - range.start];
      if (title && i > range.start) {
        this.doc
          .font('body')
          .fontSize(7.5)
          .fillColor(colors.muted)
          .text(title, page.margins.left, 30, { width: w, lineBreak: false, ellipsis: true });
        this.doc
          .moveTo(page.margins.left, 42)
          .lineTo(page.margins.left + w, 42)
          .lineWidth(0.4)
          .strokeColor(colors.rule)
          .stroke();
      }
      const fy = page.height - 36;
      this.doc
        .moveTo(page.margins.left, fy - 6)
        .lineTo(page.margins.left + w, fy - 6)
        .lineWidth(0.4)
        .strokeColor(colors.rule)
        .stroke();
      this.doc.font('body').fontSize(7.5).fillColor(colors.muted);
      this.doc.text(footerLeft, page.margins.left, fy, {
        width: w * 0.75,
        lineBreak: false,
        ellipsis: true,
      });
      this.doc.text(
        `Page ${i - range.start + 1} of ${range.count}`,
        page.margins.left + w * 0.75,
        fy,
        {
          width: w * 0.25,
          align: 'right',
          lineBreak: false,
        },
      );
      page.margins.bottom = saved;
    }
    this.doc.end();
    return done;
  }
}

export function clip(text: string): string {
  return text.length > MAX_CELL_CHARS ? text.slice(0, MAX_CELL_CHARS - 1) + '…' : text;
}
