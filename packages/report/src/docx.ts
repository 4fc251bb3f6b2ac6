/**
 * Word (.docx) documents in 公文 form: the Markdown the reports write (headings, paragraphs,
 * **bold**, GFM tables, lists, blockquotes as notes, `【待填写：…】` placeholders) laid out after
 * GB/T 9704 — A4, 仿宋_GB2312 三号 body on a fixed 22-line grid, 黑体 / 楷体 / bold 仿宋 headings,
 * 小标宋 二号 title, `— 1 —` page numbers, tables in 仿宋 小四 with their header row repeated,
 * wide tables in landscape sections, the 落款 and the date at the end.
 *
 * The docx library and the Markdown parser load only when a document is written.
 * @module
 */
import type * as Docx from 'docx';
import type { PhrasingContent, RootContent, Table as MdTable } from 'mdast';
import {
  A4,
  BODY_LINE,
  FONT,
  FOOTER_DISTANCE,
  HEADER_DISTANCE,
  INDENT_2,
  MARGINS,
  SIZE,
  TEXT_WIDTH_PT,
  fontTableXml,
  stampZip,
  textWidth,
  xmlText,
} from './docx-layout.js';
import { fmtDate, today } from './util.js';
import { isIsoDate } from '@safecity/engine';

/** Page orientation of a document or of one of its sections. */
export type DocxOrientation = 'portrait' | 'landscape';

/** Options of {@link markdownDocx} (and of the documents built on it). */
export interface DocxOptions {
  /** 标题, centred in 小标宋 二号; default the Markdown's first first-level heading (which then is not repeated). */
  title?: string;
  /** A line under the title (副标题, the period, the unit), centred in 楷体. */
  subtitle?: string;
  /** 发文字号 (e.g. `市安办发〔2023〕12号`), centred above the title. */
  docNumber?: string;
  /** 主送机关 (e.g. `雁塔区安委会办公室`), written under the title with a colon. */
  addressee?: string;
  /** 落款: the issuing office (e.g. `西安市安全生产委员会办公室`), right-aligned at the end (before any 附件 / 附录). */
  issuer?: string;
  /** 成文日期: `YYYY-MM-DD` (written `2023年4月28日`) or text as it is; default today. Also the document's date in its properties. */
  date?: string;
  /** Orientation of the whole document; default `portrait`. */
  orientation?: DocxOrientation;
  /**
   * Where a table wider than a portrait page goes, in a portrait document: its own `landscape`
   * section (the default; with the heading and lines that introduce it) or `portrait` (squeezed).
   */
  wideTables?: DocxOrientation;
  /** Text of the page header (small, right-aligned), e.g. `内部资料 注意保存`. */
  header?: string;
  /** Text of the page footer, under the page number. */
  footer?: string;
  /** Language of the East-Asian text (`w:lang w:eastAsia`); default `zh-CN`, so Chinese fonts are chosen. */
  language?: string;
}

/** A run of text in a {@link DocBlock}. */
export interface DocRun {
  /** The text (XML-forbidden characters are removed when written). */
  text: string;
  /** Bold (Markdown `**…**`). */
  bold?: boolean;
  /** A place for officials' own text (`【待填写：…】`): highlighted. */
  placeholder?: boolean;
  /** Start a new line before this run. */
  break?: boolean;
}

/** Horizontal alignment of a table column. */
export type DocAlign = 'left' | 'center' | 'right';

/** A block of a document: what the Markdown says, or what a report builds directly. */
export type DocBlock =
  | { kind: 'heading'; level: 1 | 2 | 3; runs: DocRun[]; pageBreakBefore?: boolean }
  | { kind: 'paragraph'; runs: DocRun[]; indent?: boolean; align?: DocAlign }
  /** A note (a Markdown blockquote): 仿宋 四号, indented. */
  | { kind: 'note'; runs: DocRun[] }
  /** The title of the table that follows: centred 黑体. */
  | { kind: 'caption'; runs: DocRun[] }
  | {
      kind: 'table';
      header: DocRun[][];
      rows: DocRun[][][];
      /** Per column; default right for numeric columns, else left. */
      align?: (DocAlign | null)[];
      /** Relative column widths; default from the content. */
      widths?: number[];
    }
  /** Where the body ends (a Markdown thematic break): the 落款 goes here, what follows is an appendix. */
  | { kind: 'rule' };

/** A text with its `【待填写：…】` places marked. */
export function textRuns(text: string, base: Omit<DocRun, 'text'> = {}): DocRun[] {
  const runs: DocRun[] = [];
  const lines = xmlText(text).split(/\r\n?|\n/);
  lines.forEach((line, i) => {
    let first = i > 0;
    for (const part of line.split(/(【待填写[^【】]*】)/)) {
      if (part === '') continue;
      const run: DocRun = { ...base, text: part };
      if (/^【待填写[^】]*】$/.test(part)) run.placeholder = true;
      if (first) run.break = true;
      first = false;
      runs.push(run);
    }
    if (first) runs.push({ ...base, text: '', break: true });
  });
  return runs;
}

/** The plain text of runs (line breaks as newlines). */
export function runsText(runs: readonly DocRun[]): string {
  return runs.map((r) => (r.break ? '\n' : '') + r.text).join('');
}

// ── Markdown → blocks ──────────────────────────────────────────────────────────────────────

type FromMarkdown = typeof import('mdast-util-from-markdown').fromMarkdown;

/** Loaded on first use: the Markdown parser with GFM tables. */
async function markdownParser(): Promise<(md: string) => RootContent[]> {
  const [{ fromMarkdown }, { gfmTable }, { gfmTableFromMarkdown }] = await Promise.all([
    import('mdast-util-from-markdown') as Promise<{ fromMarkdown: FromMarkdown }>,
    import('micromark-extension-gfm-table'),
    import('mdast-util-gfm-table'),
  ]);
  return (md) => fromMarkdown(md, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] }).children;
}

function inlineRuns(nodes: readonly PhrasingContent[], bold = false): DocRun[] {
  const out: DocRun[] = [];
  let pendingBreak = false;
  const push = (runs: DocRun[]) => {
    for (const r of runs) {
      if (pendingBreak) {
        r.break = true;
        pendingBreak = false;
      }
      out.push(r);
    }
  };
  for (const n of nodes) {
    switch (n.type) {
      case 'text':
        push(textRuns(n.value.replace(/\n/g, ' '), bold ? { bold } : {}));
        break;
      case 'inlineCode':
        push(textRuns(n.value, bold ? { bold } : {}));
        break;
      case 'strong':
        push(inlineRuns(n.children, true));
        break;
      case 'emphasis':
      case 'delete':
      case 'link':
      case 'linkReference':
        push(inlineRuns(n.children, bold));
        break;
      case 'break':
        pendingBreak = true;
        break;
      case 'html':
        // the reports write <br> for a line break in a table cell; other markup is shown as text
        if (/^<br\s*\/?>$/i.test(n.value)) pendingBreak = true;
        else push(textRuns(n.value, bold ? { bold } : {}));
        break;
      case 'image':
      case 'imageReference':
        if (n.alt) push(textRuns(n.alt));
        break;
      default:
        break;
    }
  }
  if (pendingBreak) out.push({ text: '', break: true });
  return out;
}

const isStrongOnly = (children: readonly PhrasingContent[]): boolean =>
  children.length > 0 && children.every((c) => c.type === 'strong' || (c.type === 'text' && c.value.trim() === ''));

function tableBlock(t: MdTable): DocBlock {
  const [head, ...body] = t.children;
  const cells = (row: MdTable['children'][number] | undefined) => (row?.children ?? []).map((c) => inlineRuns(c.children));
  const header = cells(head);
  const rows = body.map((r) => {
    const cs = cells(r);
    while (cs.length < header.length) cs.push([]);
    return cs.slice(0, Math.max(header.length, 1));
  });
  return { kind: 'table', header, rows, align: (t.align ?? []).map((a) => a ?? null) };
}

/** A title and its subtitle taken from the Markdown's start, and the blocks that follow. */
export interface MarkdownBlocks {
  title?: string;
  subtitle?: string;
  blocks: DocBlock[];
}

/**
 * Blocks of the Markdown our reports write. The first first-level heading, when it opens the
 * text, is the title, and a short line right under it (no full stop) its subtitle; `##` is a
 * heading of level 1 (黑体), `###` of level 2 (楷体), deeper ones of level 3; a paragraph that is
 * all bold right before a table is the table's caption; list items are paragraphs (ordered
 * ones numbered `1.`); blockquotes are notes; a thematic break ends the body.
 */
export async function markdownBlocks(markdown: string): Promise<MarkdownBlocks> {
  const parse = await markdownParser();
  const nodes = parse(xmlText(markdown));
  const out: MarkdownBlocks = { blocks: [] };
  const blocks = out.blocks;
  const walk = (list: readonly RootContent[], inQuote: boolean): void => {
    list.forEach((n, i) => {
      switch (n.type) {
        case 'heading': {
          const runs = inlineRuns(n.children);
          if (n.depth === 1 && out.title === undefined && blocks.length === 0 && !inQuote) {
            out.title = runsText(runs).replace(/\n/g, ' ');
            const next = list[i + 1];
            if (next?.type === 'paragraph') {
              const text = runsText(inlineRuns(next.children));
              if (!text.includes('\n') && !/[。；：]/.test(text) && textWidth(text) <= 30) {
                out.subtitle = text;
                (next as { type: string }).type = 'consumed';
              }
            }
            break;
          }
          const level = n.depth <= 2 ? 1 : n.depth === 3 ? 2 : 3;
          blocks.push({ kind: 'heading', level, runs, ...(level === 1 && /^附[件录]/.test(runsText(runs)) ? { pageBreakBefore: true } : {}) });
          break;
        }
        case 'paragraph': {
          const runs = inlineRuns(n.children);
          if (runs.length === 0) break;
          if (inQuote) blocks.push({ kind: 'note', runs });
          else if (isStrongOnly(n.children) && list[i + 1]?.type === 'table') blocks.push({ kind: 'caption', runs: runs.map((r) => ({ ...r, bold: false })) });
          else blocks.push({ kind: 'paragraph', runs });
          break;
        }
        case 'list': {
          let no = n.start ?? 1;
          for (const item of n.children) {
            const before = blocks.length;
            walk(item.children, inQuote);
            const first = blocks[before];
            if (n.ordered && first !== undefined && (first.kind === 'paragraph' || first.kind === 'note')) first.runs.unshift({ text: `${no}. ` });
            no += 1;
          }
          break;
        }
        case 'blockquote':
          walk(n.children, true);
          break;
        case 'table':
          blocks.push(tableBlock(n));
          break;
        case 'code':
          for (const line of n.value.split('\n')) blocks.push({ kind: 'note', runs: textRuns(line) });
          break;
        case 'html': {
          const text = n.value.replace(/<br\s*\/?>/gi, '\n').replace(/<[^<>]*>/g, '').trim();
          if (text !== '') blocks.push({ kind: inQuote ? 'note' : 'paragraph', runs: textRuns(text) });
          break;
        }
        case 'thematicBreak':
          blocks.push({ kind: 'rule' });
          break;
        default:
          break;
      }
    });
  };
  walk(nodes, false);
  return out;
}

// ── tables: column widths and orientation ───────────────────────────────────────────────────

/** Table text size in points (小四). */
const TABLE_SIZE = SIZE.小四;
/** Cell margins left and right, in twips. */
const CELL_MARGIN = 60;

const lineWidths = (runs: readonly DocRun[]): number[] => runsText(runs).split('\n').map(textWidth);
/** The longest piece of a cell that cannot wrap (a number, a Latin word), in characters. */
const unbreakable = (runs: readonly DocRun[]): number => Math.max(0, ...(runsText(runs).match(/[^\s\u2e80-\uffff]+/g) ?? []).map(textWidth));

interface ColumnNeeds {
  natural: number[];
  min: number[];
}

function columnNeeds(t: Extract<DocBlock, { kind: 'table' }>): ColumnNeeds {
  const n = t.header.length;
  const pad = (2 * CELL_MARGIN) / 20 / TABLE_SIZE + 0.3;
  const natural: number[] = [];
  const min: number[] = [];
  for (let c = 0; c < n; c++) {
    const head = t.header[c] ?? [];
    const headW = Math.max(0, ...lineWidths(head));
    let nat = 0;
    let mn = Math.min(headW, Math.max(2, Math.ceil(headW / 2)), unbreakable(head) || 2);
    for (const r of t.rows) {
      const cell = r[c] ?? [];
      nat = Math.max(nat, ...lineWidths(cell));
      mn = Math.max(mn, unbreakable(cell), Math.min(2, textWidth(runsText(cell))));
    }
    // a long header may take two lines over short values
    nat = Math.max(nat, Math.min(headW, Math.max(Math.ceil(headW / 2), 2)), mn);
    natural.push(nat + pad);
    min.push(Math.max(mn, 1) + pad);
  }
  return { natural, min };
}

/** Whether a table is too wide for a portrait page (its columns, each up to 14 characters, do not fit). */
export function isWideTable(t: Extract<DocBlock, { kind: 'table' }>): boolean {
  const { natural } = columnNeeds(t);
  return natural.reduce((s, w) => s + Math.min(w, 14), 0) > TEXT_WIDTH_PT.portrait / TABLE_SIZE;
}

/** Column widths in twips filling `widthPt`: given weights, else as a browser lays out an auto table. */
function columnWidths(t: Extract<DocBlock, { kind: 'table' }>, widthPt: number): number[] {
  const total = Math.floor(widthPt * 20);
  const n = t.header.length;
  let w: number[];
  if (t.widths !== undefined && t.widths.length === n) w = t.widths;
  else {
    const { natural, min } = columnNeeds(t);
    const avail = widthPt / TABLE_SIZE;
    const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
    if (sum(min) >= avail) w = min;
    else if (sum(natural) <= avail) w = natural;
    else {
      // columns narrower than an equal share of what is left keep their natural width; the
      // others share the rest by their natural widths, never below their minimum
      w = natural.map(() => 0);
      let open = natural.map((_, i) => i);
      let left = avail;
      for (let changed = true; changed && open.length > 0; ) {
        changed = false;
        const share = left / open.length;
        for (const i of open)
          if (natural[i]! <= share) {
            w[i] = natural[i]!;
            left -= natural[i]!;
            changed = true;
          }
        open = open.filter((i) => w[i] === 0);
      }
      const rest = sum(open.map((i) => natural[i]!));
      for (const i of open) w[i] = Math.max(min[i]!, (left * natural[i]!) / rest);
    }
  }
  const s = w.reduce((a, x) => a + x, 0);
  const out = w.map((x) => Math.floor((x / s) * total));
  out[out.length - 1]! += total - out.reduce((a, x) => a + x, 0);
  return out;
}

/** Lines the tallest cell of a row takes in columns of the given widths (twips), roughly. */
function rowLines(row: readonly DocRun[][], widths: readonly number[]): number {
  let most = 1;
  row.forEach((cell, c) => {
    const chars = Math.max(1, ((widths[c] ?? 0) - 2 * CELL_MARGIN) / 20 / TABLE_SIZE);
    const lines = lineWidths(cell).reduce((n, w) => n + Math.max(1, Math.ceil(w / chars)), 0);
    most = Math.max(most, lines);
  });
  return most;
}

const NUMERIC = /^[+\-−]?\d[\d,.]*(%|分|个|项)?※?(\s*\/\s*\d[\d,.]*)?$/;

function columnAlign(t: Extract<DocBlock, { kind: 'table' }>): DocAlign[] {
  return t.header.map((_, c) => {
    const given = t.align?.[c];
    if (given !== undefined && given !== null) return given;
    const texts = t.rows.map((r) => runsText(r[c] ?? []).trim()).filter((x) => x !== '' && x !== '—');
    return texts.length > 0 && texts.every((x) => NUMERIC.test(x)) ? 'right' : 'left';
  });
}

// ── blocks → sections ───────────────────────────────────────────────────────────────────────

interface Section {
  orientation: DocxOrientation;
  blocks: DocBlock[];
}

/**
 * Split blocks into sections: in a portrait document, each wide table goes to a landscape
 * section with the heading and lines that introduce it (up to the nearest heading, and an
 * enclosing heading with its one-line introduction right above it) and the notes after it (up
 * to the next heading); neighbouring landscape runs join.
 */
export function sectionsOf(blocks: readonly DocBlock[], orientation: DocxOrientation, wideTables: DocxOrientation): Section[] {
  const orient: DocxOrientation[] = blocks.map(() => orientation);
  if (orientation === 'portrait' && wideTables === 'landscape') {
    blocks.forEach((b, i) => {
      if (b.kind !== 'table' || !isWideTable(b)) return;
      let start = i;
      // pull back the caption, lines and heading introducing it
      for (let k = i - 1; k >= 0 && i - k <= 4; k--) {
        const p = blocks[k]!;
        if (p.kind === 'table' || p.kind === 'rule') break;
        start = k;
        if (p.kind === 'heading') {
          const above = blocks[k - 1];
          const above2 = blocks[k - 2];
          if (above?.kind === 'heading' && above.level < p.level) start = k - 1;
          else if (above?.kind === 'paragraph' && above2?.kind === 'heading' && above2.level < p.level) start = k - 2;
          break;
        }
      }
      let end = i;
      for (let k = i + 1; k < blocks.length; k++) {
        const p = blocks[k]!;
        if (p.kind === 'heading' || p.kind === 'rule' || (p.kind === 'table' && !isWideTable(p))) break;
        end = k;
      }
      for (let k = start; k <= end; k++) orient[k] = 'landscape';
    });
  }
  const sections: Section[] = [];
  blocks.forEach((b, i) => {
    const o = orient[i]!;
    const last = sections[sections.length - 1];
    if (last !== undefined && last.orientation === o) last.blocks.push(b);
    else sections.push({ orientation: o, blocks: [b] });
  });
  if (sections.length === 0) sections.push({ orientation, blocks: [] });
  return sections;
}

// ── blocks → Word ───────────────────────────────────────────────────────────────────────────

/** Widths of the 落款 and the date lines (GB/T 9704 7.3.5.2): 署名 右空二字, the date's first character two to the right of the 署名's. */
function signatureIndents(issuer: string, date: string): { issuer: number; date: number } {
  const wi = textWidth(issuer);
  const wd = textWidth(date);
  const char = SIZE.三号 * 20;
  if (issuer === '') return { issuer: 0, date: 4 * char };
  const dateRight = wi - 2 - wd >= 0 ? wi - wd : 2; // the date under the 署名, two characters in
  const issuerRight = wi - 2 - wd >= 0 ? 2 : 2 + (wd + 2 - wi);
  return { issuer: Math.round(issuerRight * char), date: Math.round(dateRight * char) };
}

/** word/docProps/core.xml with the document's title and date (not the time it was written, so output is reproducible). */
function coreXml(title: string, date: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const when = isIsoDate(date) ? `${date}T00:00:00Z` : '2000-01-01T00:00:00Z';
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${esc(xmlText(title))}</dc:title><dc:creator>safecity</dc:creator><cp:lastModifiedBy>safecity</cp:lastModifiedBy><cp:revision>1</cp:revision>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified></cp:coreProperties>`
  );
}

/**
 * Write blocks as a 公文-style .docx (see {@link DocxOptions}); the building block of
 * {@link markdownDocx}, `feedbackDocx` and `cityReportDocx`.
 */
export async function blocksDocx(blocks: readonly DocBlock[], options: DocxOptions = {}): Promise<Uint8Array> {
  const d: typeof Docx = await import('docx');
  const lang = options.language ?? 'zh-CN';
  const dateText = fmtDate(options.date ?? today());
  const title = options.title !== undefined ? xmlText(options.title) : undefined;
  const font = (eastAsia: string) => ({ ascii: FONT.latin, hAnsi: FONT.latin, cs: FONT.latin, eastAsia, hint: 'eastAsia' });
  const alignment = (a: DocAlign | undefined) =>
    a === 'center' ? d.AlignmentType.CENTER : a === 'right' ? d.AlignmentType.RIGHT : a === 'left' ? d.AlignmentType.LEFT : d.AlignmentType.BOTH;
  const runs = (rs: readonly DocRun[], extra: Docx.IRunOptions = {}): Docx.TextRun[] =>
    rs.map(
      (r) =>
        new d.TextRun({
          ...extra,
          text: xmlText(r.text),
          ...(r.bold ? { bold: true } : {}),
          ...(r.break ? { break: 1 } : {}),
          ...(r.placeholder ? { highlight: 'yellow' as const } : {}),
        }),
    );

  const orientation = options.orientation ?? 'portrait';
  const sections = sectionsOf(blocks, orientation, options.wideTables ?? 'landscape');

  // where the 落款 goes: before the first appendix (a rule, or a heading 附件 / 附录), else at the end
  const signature: Docx.Paragraph[] = [];
  if (options.issuer !== undefined || dateText !== '') {
    const issuer = xmlText(options.issuer ?? '');
    const indents = signatureIndents(issuer, dateText);
    signature.push(new d.Paragraph({ style: 'GwBody', indent: { firstLine: 0 }, children: [] }));
    if (issuer !== '')
      signature.push(new d.Paragraph({ style: 'GwSignature', keepNext: true, keepLines: true, indent: { right: indents.issuer }, children: runs([{ text: issuer }]) }));
    signature.push(new d.Paragraph({ style: 'GwSignature', keepLines: true, indent: { right: indents.date }, children: runs([{ text: dateText }]) }));
  }
  const appendixAt = (() => {
    let k = 0;
    for (const s of sections)
      for (const b of s.blocks) {
        if (b.kind === 'rule' || (b.kind === 'heading' && b.level === 1 && /^附[件录]/.test(runsText(b.runs)))) return k;
        k++;
      }
    return -1;
  })();
  let inAppendix = false;

  const tableOf = (t: Extract<DocBlock, { kind: 'table' }>, widthPt: number): Docx.Table => {
    const widths = columnWidths(t, widthPt);
    const align = columnAlign(t);
    const border = { style: d.BorderStyle.SINGLE, size: 4, color: '000000' };
    const cell = (content: DocRun[], c: number, head: boolean) =>
      new d.TableCell({
        width: { size: widths[c]!, type: d.WidthType.DXA },
        verticalAlign: d.VerticalAlignTable.CENTER,
        children: [
          new d.Paragraph({
            style: head ? 'GwTableHead' : 'GwTable',
            // no extra space between digits and Chinese: a date keeps to one line in a narrow column
            autoSpaceEastAsianText: false,
            alignment: head ? d.AlignmentType.CENTER : alignment(align[c] === 'left' ? 'left' : align[c]),
            children: runs(content.length > 0 ? content : [{ text: '' }]),
          }),
        ],
      });
    return new d.Table({
      width: { size: widths.reduce((a, x) => a + x, 0), type: d.WidthType.DXA },
      columnWidths: widths,
      layout: d.TableLayoutType.FIXED,
      alignment: d.AlignmentType.CENTER,
      margins: { left: CELL_MARGIN, right: CELL_MARGIN, top: 30, bottom: 30 },
      borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
      rows: [
        new d.TableRow({ tableHeader: true, cantSplit: true, children: t.header.map((h, c) => cell(h, c, true)) }),
        // a row stays on one page, unless it is so tall that keeping it whole would leave much of a page blank
        ...t.rows.map((r) => new d.TableRow({ cantSplit: rowLines(r, widths) <= 10, children: t.header.map((_, c) => cell(r[c] ?? [], c, false)) })),
      ],
    });
  };

  const footer = new d.Footer({
    children: [
      new d.Paragraph({
        alignment: d.AlignmentType.CENTER,
        children: [new d.TextRun({ children: ['— ', d.PageNumber.CURRENT, ' —'], font: font(FONT.pageNumber), size: SIZE.四号 * 2 })],
      }),
      ...(options.footer !== undefined ? [new d.Paragraph({ alignment: d.AlignmentType.CENTER, children: runs(textRuns(options.footer), { size: SIZE.五号 * 2 }) })] : []),
    ],
  });
  const header =
    options.header !== undefined
      ? new d.Header({ children: [new d.Paragraph({ alignment: d.AlignmentType.RIGHT, children: runs(textRuns(options.header), { size: SIZE.五号 * 2 }) })] })
      : undefined;

  let index = 0;
  let signed = false;
  const docSections: Docx.ISectionOptions[] = sections.map((s, si) => {
    const children: Docx.FileChild[] = [];
    const widthPt = TEXT_WIDTH_PT[s.orientation];
    if (si === 0) {
      if (options.docNumber !== undefined) children.push(new d.Paragraph({ style: 'GwDocNumber', children: runs(textRuns(options.docNumber)) }));
      if (title !== undefined) children.push(new d.Paragraph({ style: 'GwTitle', children: runs(textRuns(title)) }));
      if (options.subtitle !== undefined) children.push(new d.Paragraph({ style: 'GwSubtitle', children: runs(textRuns(options.subtitle)) }));
      if (title !== undefined || options.subtitle !== undefined) children.push(new d.Paragraph({ style: 'GwBody', children: [] }));
      if (options.addressee !== undefined) children.push(new d.Paragraph({ style: 'GwBody', indent: { firstLine: 0 }, children: runs(textRuns(`${options.addressee}：`)) }));
    }
    for (const b of s.blocks) {
      if (index === appendixAt && !signed) {
        children.push(...signature, new d.Paragraph({ style: 'GwBody', children: [] }));
        signed = true;
        inAppendix = true;
      }
      index++;
      switch (b.kind) {
        case 'heading':
          children.push(
            new d.Paragraph({
              heading: b.level === 1 ? d.HeadingLevel.HEADING_1 : b.level === 2 ? d.HeadingLevel.HEADING_2 : d.HeadingLevel.HEADING_3,
              ...(b.pageBreakBefore ? { pageBreakBefore: true } : {}),
              children: runs(b.runs),
            }),
          );
          break;
        case 'paragraph':
          children.push(
            new d.Paragraph({
              style: inAppendix ? 'GwNote' : 'GwBody',
              ...(b.indent === false ? { indent: { firstLine: 0 } } : {}),
              ...(b.align !== undefined ? { alignment: alignment(b.align) } : {}),
              children: runs(b.runs),
            }),
          );
          break;
        case 'note':
          children.push(new d.Paragraph({ style: 'GwNote', children: runs(b.runs) }));
          break;
        case 'caption':
          children.push(new d.Paragraph({ style: 'GwCaption', children: runs(b.runs) }));
          break;
        case 'table':
          children.push(tableOf(b, widthPt));
          // a table must not be the last thing in a cell-less section, and the next text needs air
          children.push(new d.Paragraph({ style: 'GwTable', children: [] }));
          break;
        case 'rule':
          break;
      }
    }
    if (si === sections.length - 1 && !signed) {
      children.push(...signature);
      signed = true;
    }
    const landscape = s.orientation === 'landscape';
    return {
      properties: {
        page: {
          size: { width: A4.width, height: A4.height, orientation: landscape ? d.PageOrientation.LANDSCAPE : d.PageOrientation.PORTRAIT },
          margin: { ...MARGINS[s.orientation], header: HEADER_DISTANCE, footer: FOOTER_DISTANCE },
        },
        ...(si > 0 ? { type: d.SectionType.NEXT_PAGE } : {}),
      },
      footers: { default: footer },
      ...(header !== undefined ? { headers: { default: header } } : {}),
      children,
    };
  });

  const bodyRun = { font: font(FONT.body), size: SIZE.三号 * 2 };
  const exact = { line: BODY_LINE, lineRule: d.LineRuleType.EXACT, before: 0, after: 0 };
  const doc = new d.Document({
    creator: 'safecity',
    title: xmlText(options.title ?? ''),
    styles: {
      default: {
        document: {
          run: { ...bodyRun, language: { value: 'en-US', eastAsia: lang } },
          paragraph: { spacing: exact },
        },
        heading1: {
          run: { font: font(FONT.heading1), size: SIZE.三号 * 2, bold: false, color: '000000' },
          paragraph: { spacing: exact, indent: { firstLine: INDENT_2 }, keepNext: true, keepLines: true, outlineLevel: 0 },
        },
        heading2: {
          run: { font: font(FONT.heading2), size: SIZE.三号 * 2, bold: false, italics: false, color: '000000' },
          paragraph: { spacing: exact, indent: { firstLine: INDENT_2 }, keepNext: true, keepLines: true, outlineLevel: 1 },
        },
        heading3: {
          run: { font: font(FONT.body), size: SIZE.三号 * 2, bold: true, color: '000000' },
          paragraph: { spacing: exact, indent: { firstLine: INDENT_2 }, keepNext: true, keepLines: true, outlineLevel: 2 },
        },
      },
      paragraphStyles: [
        { id: 'GwBody', name: '公文正文', quickFormat: true, run: bodyRun, paragraph: { spacing: exact, indent: { firstLine: INDENT_2 }, alignment: d.AlignmentType.BOTH } },
        {
          id: 'GwTitle',
          name: '公文标题',
          quickFormat: true,
          run: { font: font(FONT.title), size: SIZE.二号 * 2 },
          paragraph: { alignment: d.AlignmentType.CENTER, spacing: { line: Math.round(BODY_LINE * 1.2), lineRule: d.LineRuleType.EXACT, before: 0, after: 0 }, keepNext: true },
        },
        { id: 'GwSubtitle', name: '公文副标题', run: { font: font(FONT.heading2), size: SIZE.三号 * 2 }, paragraph: { alignment: d.AlignmentType.CENTER, spacing: exact, keepNext: true } },
        { id: 'GwDocNumber', name: '发文字号', run: bodyRun, paragraph: { alignment: d.AlignmentType.CENTER, spacing: { ...exact, after: BODY_LINE } } },
        { id: 'GwSignature', name: '落款', run: bodyRun, paragraph: { alignment: d.AlignmentType.RIGHT, spacing: exact } },
        { id: 'GwNote', name: '注释', run: { font: font(FONT.body), size: SIZE.四号 * 2 }, paragraph: { spacing: { line: 400, lineRule: d.LineRuleType.EXACT, before: 0, after: 0 }, indent: { left: INDENT_2 }, alignment: d.AlignmentType.LEFT } },
        { id: 'GwCaption', name: '表题', run: { font: font(FONT.heading1), size: SIZE.四号 * 2 }, paragraph: { alignment: d.AlignmentType.CENTER, spacing: { line: 480, lineRule: d.LineRuleType.EXACT, before: 120, after: 60 }, keepNext: true } },
        { id: 'GwTable', name: '表格文字', run: { font: font(FONT.body), size: TABLE_SIZE * 2 }, paragraph: { spacing: { line: 300, lineRule: d.LineRuleType.AT_LEAST, before: 0, after: 0 } } },
        { id: 'GwTableHead', name: '表头', basedOn: 'GwTable', run: { font: font(FONT.heading1), size: TABLE_SIZE * 2 }, paragraph: { alignment: d.AlignmentType.CENTER, keepNext: true } },
      ],
    },
    sections: docSections,
  });
  const date = options.date ?? today();
  const zip = await d.Packer.pack(doc, 'uint8array', false, [
    { path: 'word/fontTable.xml', data: fontTableXml() },
    { path: 'docProps/core.xml', data: coreXml(options.title ?? '', date) },
  ]);
  return stampZip(zip, date);
}

/**
 * Markdown (as the reports write it) as a 公文-style Word document: see {@link DocxOptions}
 * and {@link markdownBlocks} for what becomes what. Charts have no place in Markdown: the
 * Word version of a report has the tables the Markdown has.
 *
 * ```ts
 * const docx = await markdownDocx(compareMarkdown(comparison), { issuer: '西安市安全生产委员会办公室', date: '2023-05-20' });
 * ```
 */
export async function markdownDocx(markdown: string, options: DocxOptions = {}): Promise<Uint8Array> {
  const { title, subtitle, blocks } = await markdownBlocks(markdown);
  const t = options.title ?? title;
  const st = options.subtitle ?? subtitle;
  return blocksDocx(blocks, { ...options, ...(t !== undefined ? { title: t } : {}), ...(st !== undefined ? { subtitle: st } : {}) });
}
