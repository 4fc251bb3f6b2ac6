/**
 * The 公文 layout of the Word documents (after GB/T 9704-2012 where practical): page geometry,
 * fonts and sizes, the fonts' fallbacks, and the text clean-up every run goes through.
 * @module
 */
import { stampZipEntries } from '@safecity/engine';

/** Twips (twentieths of a point) in a millimetre. */
const TWIPS_PER_MM = 1440 / 25.4;

/** Millimetres → twips, rounded. */
export const mm = (n: number): number => Math.round(n * TWIPS_PER_MM);

/** A4, portrait, in twips. */
export const A4 = { width: 11906, height: 16838 } as const;

/**
 * Margins of a portrait page (GB/T 9704: 天头 37 mm, 订口 28 mm), and of a landscape page:
 * the same sheet turned a quarter (its top edge is the portrait page's right, so the binding
 * edge stays where it was).
 */
export const MARGINS = {
  portrait: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) },
  landscape: { top: mm(26), bottom: mm(28), left: mm(37), right: mm(35) },
} as const;

/** Header and footer distances from the page edge; the page number sits about 7 mm under the text. */
export const HEADER_DISTANCE = mm(15);
export const FOOTER_DISTANCE = mm(22);

/** Width of the text, in points, of a page in each orientation. */
export const TEXT_WIDTH_PT = {
  portrait: (A4.width - MARGINS.portrait.left - MARGINS.portrait.right) / 20,
  landscape: (A4.height - MARGINS.landscape.left - MARGINS.landscape.right) / 20,
} as const;

/** Chinese font sizes (字号) in points. */
export const SIZE = { 二号: 22, 三号: 16, 四号: 14, 小四: 12, 五号: 10.5 } as const;

/** The fonts (East-Asian names as Word writes them; Latin text and digits in Times New Roman). */
export const FONT = {
  title: '方正小标宋简体',
  body: '仿宋_GB2312',
  heading1: '黑体',
  heading2: '楷体_GB2312',
  pageNumber: '宋体',
  latin: 'Times New Roman',
} as const;

/**
 * Body line spacing, exact, in twips: 22 lines on the 225 mm of a portrait page's text
 * (GB/T 9704: 每页22行), i.e. 28.95 pt.
 */
export const BODY_LINE = 579;

/** First-line indent of two characters of the body size (三号), in twips. */
export const INDENT_2 = SIZE.三号 * 2 * 20;

/**
 * The fonts of word/fontTable.xml with their fallbacks (`w:altName`), their character set
 * (GB2312, 0x86) and PANOSE class, so that a machine without 仿宋_GB2312 (Windows 10 and later,
 * Linux) substitutes 仿宋 / FangSong, and LibreOffice on Linux a Chinese font (its own table
 * maps fangsong, kaiti, simhei, simsun to the CJK fonts it finds), never a Latin one.
 */
const FONT_TABLE: readonly { name: string; alt?: string; panose: string; charset: string; family: string; pitch: string }[] = [
  { name: '仿宋_GB2312', alt: '仿宋', panose: '02010609030101010101', charset: '86', family: 'modern', pitch: 'fixed' },
  { name: '仿宋', alt: 'FangSong', panose: '02010609060101010101', charset: '86', family: 'modern', pitch: 'fixed' },
  { name: '楷体_GB2312', alt: '楷体', panose: '02010609030101010101', charset: '86', family: 'modern', pitch: 'fixed' },
  { name: '楷体', alt: 'KaiTi', panose: '02010609060101010101', charset: '86', family: 'modern', pitch: 'fixed' },
  { name: '黑体', alt: 'SimHei', panose: '02010609060101010101', charset: '86', family: 'modern', pitch: 'fixed' },
  { name: '方正小标宋简体', alt: '宋体', panose: '02000000000000000000', charset: '86', family: 'auto', pitch: 'variable' },
  { name: '宋体', alt: 'SimSun', panose: '02010600030101010101', charset: '86', family: 'auto', pitch: 'variable' },
  { name: 'Times New Roman', panose: '02020603050405020304', charset: '00', family: 'roman', pitch: 'variable' },
];

/** word/fontTable.xml: every font the document uses, with its fallback. */
export function fontTableXml(): string {
  const fonts = FONT_TABLE.map(
    (f) =>
      `<w:font w:name="${f.name}">${f.alt !== undefined ? `<w:altName w:val="${f.alt}"/>` : ''}<w:panose1 w:val="${f.panose}"/><w:charset w:val="${f.charset}"/><w:family w:val="${f.family}"/><w:pitch w:val="${f.pitch}"/></w:font>`,
  ).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${fonts}</w:fonts>`;
}

/**
 * Text as XML 1.0 allows it: control characters (other than tab, newline and carriage return),
 * lone surrogates and U+FFFE/U+FFFF are removed, so a hostile unit name or reason cannot break
 * the file; tabs become spaces. (The docx library escapes `&`, `<`, `>` and quotes itself.)
 */
export function xmlText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '').replace(/\t/g, ' ');
}

/**
 * Width of a text in characters of its font size: a CJK or full-width character is one,
 * anything else (digits and Latin letters in Times New Roman) half of one.
 */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += (ch.codePointAt(0) ?? 0) > 0x2e7f ? 1 : 0.5;
  return w;
}

/**
 * Set every entry's modification time in a zip to midnight of `date` (`YYYY-MM-DD`; other
 * text: 1 January 2000), so the same document written twice has the same bytes: the engine's
 * {@link stampZipEntries}, one implementation for every .docx and .xlsx the project writes.
 */
export function stampZip(zip: Uint8Array, date: string): Uint8Array {
  return stampZipEntries(zip, date);
}
