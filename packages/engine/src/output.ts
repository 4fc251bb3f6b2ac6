/**
 * Text from data written into documents for people: one escaping function per output
 * context (Markdown inline, Markdown table cell, Markdown code, spreadsheet text), and fixed
 * dates for the zip containers of .xlsx and .docx (same input, same bytes). Every writer of the
 * project uses these (the report package re-exports them); none keeps its own copy.
 *
 * Every pattern here is a single character class or a fixed prefix: linear in the text.
 * @module
 */

import { parseIsoDate } from './dates.js';

/** Characters Markdown (CommonMark, GFM) gives a meaning to inline, backslash-escaped by {@link markdownText}. */
const MD_INLINE = /[\\`*_[\]<>|~&#$]/g;
/** A line break as CommonMark knows them. */
const MD_BREAK = /\r\n?|\n/g;
/**
 * What would start a block at the beginning of a line: a list item (`- `, `+ `, `1. `, `1) `),
 * a setext underline or thematic break (a line of `=` or `-`). `-2` or `1.2.1` start none.
 */
const MD_BLOCK_START = /^( {0,3})([-+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)|=+[ \t]*$|-+[ \t]*$)/;

/**
 * Text from data as inline Markdown that renders as the same text and nothing else: every
 * character Markdown gives a meaning to (`\` `` ` `` `*` `_` `[` `]` `<` `>` `|` `~` `&` `#` `$`)
 * is backslash-escaped, so `<img onerror=…>` stays text (no HTML), `[x](javascript:…)` and
 * `![x](…)` are no link or image, `|` never splits a table cell, `&lt;` is no entity;
 * line breaks become spaces (one line, one paragraph); a leading `- `, `+ `, `1. ` or a line
 * of `=` or `-` starts no list, heading or rule (`-2` and `1.2.1` are left as they are).
 */
export function markdownText(text: string): string {
  return text
    .replace(MD_BREAK, ' ')
    .replace(MD_INLINE, (c) => `\\${c}`)
    .replace(MD_BLOCK_START, (_all: string, lead: string, mark: string) => {
      const at = /^\d/.test(mark) ? mark.search(/[.)]/) : 0;
      return `${lead}${mark.slice(0, at)}\\${mark.slice(at)}`;
    });
}

/**
 * Text from data as one GFM table cell: as {@link markdownText}, each line on its own, the
 * lines joined by `<br>` (the one piece of HTML our tables carry, written by us, never by
 * data), so the row keeps its columns whatever the text holds.
 */
export function markdownCell(text: string): string {
  return text
    .split(MD_BREAK)
    .map((line) => line.replace(MD_INLINE, (c) => `\\${c}`))
    .join('<br>');
}

/**
 * Text from data as a Markdown code span (an id, a field name): fenced by one backtick more
 * than its longest run of backticks, so no backtick in it ends the span; line breaks become
 * spaces; empty text is no span. With `inCell`, `|` is written `\|` (GFM splits table rows
 * before it reads code spans), and text with a backslash is written as {@link markdownCell}.
 */
export function markdownCode(text: string, inCell = false): string {
  // GFM reads `\|` in a row before any code span: a backslash of the text's own next to the `\|`
  // would split the cell, so such text is written as escaped text instead of code
  if (inCell && text.includes('\\')) return markdownCell(text);
  let flat = text.replace(MD_BREAK, ' ');
  if (flat === '') return '';
  let longest = 0;
  let run = 0;
  for (const c of flat) {
    run = c === '`' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  if (inCell) flat = flat.replace(/\|/g, '\\|');
  const fence = '`'.repeat(longest + 1);
  // a span that starts or ends with a backtick needs a space inside its fence (CommonMark 6.1)
  const pad = /^`|`$/.test(flat) || (flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A text cell that a spreadsheet would read as a formula (OWASP, CSV injection), or that starts with our quote. */
const SHEET_LEAD = /^[=+\-@\t\r']/;

/**
 * Text from data as a spreadsheet cell: text starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return (OWASP's formula leads), or with an apostrophe, gets a leading apostrophe
 * (U+0027), so neither Excel nor LibreOffice nor a CSV export evaluates it.
 * {@link spreadsheetTextBack} undoes it exactly, so what is written reads back as given.
 */
export function spreadsheetText(text: string): string {
  return SHEET_LEAD.test(text) ? `'${text}` : text;
}

/** Whether text starts with a character a spreadsheet reads as the start of a formula (`=`, `+`, `-`, `@`, tab, CR). */
export function looksLikeFormula(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text);
}

/** The text {@link spreadsheetText} was given: one leading apostrophe removed. */
export function spreadsheetTextBack(text: string): string {
  return text.startsWith("'") ? text.slice(1) : text;
}

/** Where a zip's end of central directory record starts (the last signature; a comment may follow it); -1 when there is none. */
function zipEnd(zip: Uint8Array, view: DataView): number {
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) if (view.getUint32(i, true) === 0x06054b50) return i;
  return -1;
}

/**
 * Give every entry of a zip (an .xlsx, a .docx) the same time: 00:00 of `date` (`YYYY-MM-DD`,
 * the document's date; 2000-01-01 when none or before 1980), in place of the time of writing
 * that JSZip stamps, so the same input gives the same bytes. Rewrites the local and central
 * headers in place and returns the same array; a zip it does not recognise is left as it is.
 */
export function stampZipEntries(zip: Uint8Array, date?: string): Uint8Array {
  // A DOS date holds the years 1980–2107; a day that does not exist (2023-02-30) is no date.
  const p = date === undefined ? undefined : parseIsoDate(date);
  const [y, mo, d] = p !== undefined && p.year >= 1980 && p.year <= 2107 ? [p.year, p.month, p.day] : [2000, 1, 1];
  const dosDate = ((y - 1980) << 9) | (mo << 5) | d;
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zipEnd(zip, view);
  if (end < 0) return zip;
  const entries = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  for (let n = 0; n < entries && at + 46 <= zip.length && view.getUint32(at, true) === 0x02014b50; n++) {
    view.setUint16(at + 12, 0, true);
    view.setUint16(at + 14, dosDate, true);
    const local = view.getUint32(at + 42, true);
    if (local + 30 <= zip.length && view.getUint32(local, true) === 0x04034b50) {
      view.setUint16(local + 10, 0, true);
      view.setUint16(local + 12, dosDate, true);
    }
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return zip;
}
