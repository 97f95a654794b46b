import { createRequire } from 'node:module';
import path from 'node:path';

// The report's fonts and colours, shared by the flow layout, its tables and the page pass.

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

export const BODY_SIZE = 8.5;
