import PDFDocument from 'pdfkit';
import { stampPages } from './pdf-pages.js';
import { BODY_SIZE, colors, fonts, type FontName } from './pdf-style.js';
import { clip, columnWidths, PAD, type Cell, type Column } from './pdf-table.js';
import type { Paper } from './types.js';

// What the report writers (pdf.ts, pdf-windows.ts) draw with, from one import.
export { colors } from './pdf-style.js';
export type { Cell, Column } from './pdf-table.js';

/**
 * A small flow layout over pdfkit: headings, key/value blocks, banners and tables that
 * break across pages with their header row repeated, then a last pass that writes the
 * running header and "Page X of Y" on every page (pdfkit buffers pages for that).
 * Everything is measured before it is drawn, so nothing is clipped: long values wrap, and
 * a row that does not fit goes whole to the next page. The sizing of a table's columns is
 * in pdf-table.ts, the last pass in pdf-pages.ts, the fonts and colours in pdf-style.ts.
 */

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
    const widths = columnWidths(cols, rows, this.width, (t, f) => this.textWidth(t, f));
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
    stampPages(this.doc, this.pageTitles, footerLeft);
    this.doc.end();
    return done;
  }
}
