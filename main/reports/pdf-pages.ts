import { colors } from './pdf-style.js';

/**
 * The last pass over a finished report (pdfkit buffers its pages for it): the running header
 * from the second page on ("Machine 3 of 12: HOST-01") and the footer with "Page X of Y".
 */
export function stampPages(
  doc: PDFKit.PDFDocument,
  pageTitles: readonly string[],
  footerLeft: string,
): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const page = doc.page;
    const saved = page.margins.bottom;
    // Writing in the margins must not make pdfkit start a page of its own.
    page.margins.bottom = 0;
    const w = page.width - page.margins.left - page.margins.right;
    const title = pageTitles[i - range.start];
    if (title && i > range.start) {
      doc
        .font('body')
        .fontSize(7.5)
        .fillColor(colors.muted)
        .text(title, page.margins.left, 30, { width: w, lineBreak: false, ellipsis: true });
      doc
        .moveTo(page.margins.left, 42)
        .lineTo(page.margins.left + w, 42)
        .lineWidth(0.4)
        .strokeColor(colors.rule)
        .stroke();
    }
    const fy = page.height - 36;
    doc
      .moveTo(page.margins.left, fy - 6)
      .lineTo(page.margins.left + w, fy - 6)
      .lineWidth(0.4)
      .strokeColor(colors.rule)
      .stroke();
    doc.font('body').fontSize(7.5).fillColor(colors.muted);
    doc.text(footerLeft, page.margins.left, fy, {
      width: w * 0.75,
      lineBreak: false,
      ellipsis: true,
    });
    doc.text(`Page ${i - range.start + 1} of ${range.count}`, page.margins.left + w * 0.75, fy, {
      width: w * 0.25,
      align: 'right',
      lineBreak: false,
    });
    page.margins.bottom = saved;
  }
}
