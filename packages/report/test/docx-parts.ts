/**
 * Read a .docx back for the tests: its parts, and the paragraphs, tables and sections of
 * word/document.xml as text.
 */
import JSZip from 'jszip';
import { SaxesParser } from 'saxes';

export interface DocxParts {
  document: string;
  styles: string;
  fontTable: string;
  core: string;
  footers: string[];
  headers: string[];
  files: string[];
  /** Each entry's modification time as the zip says it (DOS time, no zone), `YYYY-MM-DD HH:MM`. */
  stamps: string[];
}

export async function docxParts(bytes: Uint8Array): Promise<DocxParts> {
  const zip = await JSZip.loadAsync(bytes);
  const read = async (p: string) => (await zip.file(p)?.async('string')) ?? '';
  const files = Object.keys(zip.files).sort();
  return {
    document: await read('word/document.xml'),
    styles: await read('word/styles.xml'),
    fontTable: await read('word/fontTable.xml'),
    core: await read('docProps/core.xml'),
    footers: await Promise.all(files.filter((f) => /^word\/footer\d*\.xml$/.test(f)).map(read)),
    headers: await Promise.all(files.filter((f) => /^word\/header\d*\.xml$/.test(f)).map(read)),
    files,
    stamps: Object.values(zip.files).map((f) => {
      const d = f.date; // JSZip reads the DOS time as UTC
      const p = (n: number) => String(n).padStart(2, '0');
      return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
    }),
  };
}

/** Throws when the XML is not well-formed (a strict XML 1.0 parser). */
export function assertWellFormed(xml: string): void {
  const p = new SaxesParser({ xmlns: false });
  p.on('error', (e) => {
    throw e;
  });
  p.write(xml).close();
}

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** The text of a piece of WordprocessingML: `w:t` runs, `w:br` as a newline. */
export function textOf(xml: string): string {
  let out = '';
  for (const m of xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)) out += m[1] !== undefined ? decode(m[1]) : '\n';
  return out;
}

export interface Para {
  style: string | undefined;
  text: string;
  xml: string;
}

/** Every paragraph (in tables too), in order. */
export function paragraphs(xml: string): Para[] {
  return [...xml.matchAll(/<w:p(?:\s[^>]*)?>[\s\S]*?<\/w:p>/g)].map((m) => ({
    style: /<w:pStyle w:val="([^"]+)"\/>/.exec(m[0])?.[1],
    text: textOf(m[0]),
    xml: m[0],
  }));
}

/** Every table as rows of cell texts. */
export function tables(xml: string): { xml: string; rows: { xml: string; cells: string[] }[] }[] {
  return [...xml.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>/g)].map((t) => ({
    xml: t[0],
    rows: [...t[0].matchAll(/<w:tr>[\s\S]*?<\/w:tr>/g)].map((r) => ({ xml: r[0], cells: [...r[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => textOf(c[0])) })),
  }));
}

/** The sections of the body: their properties (`w:sectPr`) and the XML of their content. */
export function sections(xml: string): { props: string; content: string; landscape: boolean }[] {
  const body = /<w:body>([\s\S]*)<\/w:body>/.exec(xml)?.[1] ?? '';
  const out: { props: string; content: string; landscape: boolean }[] = [];
  let from = 0;
  for (const m of body.matchAll(/<w:sectPr[\s\S]*?<\/w:sectPr>/g)) {
    // a section ends with the paragraph whose properties hold its sectPr (the last one: the body's)
    const after = m.index! + m[0].length;
    const end = body.indexOf('</w:p>', after);
    const to = end < 0 ? body.length : end + '</w:p>'.length;
    out.push({ props: m[0], content: body.slice(from, m.index) + body.slice(after, to), landscape: /w:orient="landscape"/.test(m[0]) });
    from = to;
  }
  return out;
}
