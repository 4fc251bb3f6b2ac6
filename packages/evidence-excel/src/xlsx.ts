/**
 * A small .xlsx reader over the entries inflated once by the container check: it parses, with
 * a streaming XML parser, only what reading a filled template needs (the workbook's sheet list,
 * shared strings, number formats, and the sheets asked for) and gives each cell the value
 * exceljs 4.4 gave it (numbers, text, rich text, booleans, errors, dates from date formats,
 * formulas with their cached results, shared formulas, hyperlinks, merged cells), so that the
 * reader's values, places and messages are those it had when it loaded workbooks with exceljs.
 *
 * Known, deliberate differences from exceljs (each was a wrong reading there): a formula's cached
 * result 0, FALSE or "" is kept (exceljs dropped falsy results, so the cell read as "no cached
 * result"); a formula whose cached result is not a number is not turned into a date by a date
 * format; a DOCTYPE in any part is refused; tag prefixes (`x:c`) are accepted.
 * @module
 */
import { SaxesParser } from 'saxes';

/** Why a workbook's parts cannot be read; the message says which part and why. */
export class XlsxError extends Error {}

/**
 * A workbook over one of the reader's limits: `sheet` names the worksheet when the limit is a
 * sheet's (rows, cells, text in its cells), else it is undefined (shared strings, sheets).
 */
export class XlsxLimitError extends XlsxError {
  constructor(
    message: string,
    readonly sheet: string | undefined,
  ) {
    super(message);
  }
}

/**
 * The reader's bounds on what a workbook may make it build, each checked while the XML is
 * streamed, before the objects it counts are made: a workbook over one is refused, naming the
 * limit, instead of being read into memory.
 */
export interface XlsxLimits {
  /** Rows with content in one worksheet. */
  maxRows: number;
  /** Cells with content in the worksheets read, plus the cells merged ranges cover, hyperlinks and merged ranges. */
  maxCells: number;
  /** Characters of one text: a shared string, an inline string, a formula. */
  maxStringLength: number;
  /** Characters of decoded text: the shared strings table, plus the text each cell holds or refers to. */
  maxTextLength: number;
  /** Entries of the shared strings table. */
  maxSharedStrings: number;
  /** Sheets the workbook declares. */
  maxSheets: number;
}

/** Excel's own grid: 1,048,576 rows and 16,384 columns (XFD). */
export const EXCEL_MAX_ROWS = 1_048_576;
/** Excel's own grid: columns A to XFD. */
export const EXCEL_MAX_COLUMNS = 16_384;
/** Excel's longest number format code (255 characters). */
const MAX_FORMAT_CODE = 255;
/** More cell styles or number formats than Excel allows (64,000); more is refused. */
const MAX_STYLES = 65_536;
/** More relationships in one part than any workbook has; more is refused. */
const MAX_RELATIONSHIPS = 65_536;

/** Generous bounds for a filled template (tens of thousands of times what one holds). */
export const DEFAULT_XLSX_LIMITS: Readonly<XlsxLimits> = Object.freeze({
  maxRows: 100_000,
  maxCells: 1_000_000,
  maxStringLength: 32_767,
  maxTextLength: 20_000_000,
  maxSharedStrings: 1_000_000,
  maxSheets: 256,
});

/** A name or value shown in a message: at most 40 characters, longer ones cut with their length. */
export function clip(s: string, max = 40): string {
  return s.length <= max ? s : `${s.slice(0, max)}…（共 ${s.length} 字）`;
}

/** The cell value shapes of exceljs that the reader knows. */
export type CellValue =
  | null
  | number
  | string
  | boolean
  | Date
  | { richText: Array<{ text?: string }> }
  | { error: string }
  | { text: unknown; hyperlink: string }
  | { formula?: string; sharedFormula?: string; result?: unknown; ref?: string; shareType?: string };

const enum Kind {
  Null,
  Value,
  Merge,
}

/** Column number (1 = A) as letters. */
export function columnLetter(n: number): string {
  let s = '';
  for (let c = n; c > 0; c = Math.floor((c - 1) / 26)) s = String.fromCharCode(65 + ((c - 1) % 26)) + s;
  return s;
}

function columnNumber(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) n = n * 26 + (letters.charCodeAt(i) - 64);
  return n;
}

/** A cell address (`G7`, `$G$7`, `g7`) as row and column numbers. */
function decodeAddress(a: string): { row: number; col: number } {
  // The longest address is `$XFD$1048576` (12 characters): anything longer is not one, and is not walked.
  if (a.length > 12) throw new XlsxError(`单元格地址“${clip(a, 20)}”无效`);
  let i = a.charCodeAt(0) === 36 ? 1 : 0;
  let col = 0;
  const c0 = i;
  for (let c = a.charCodeAt(i); (c >= 65 && c <= 90) || (c >= 97 && c <= 122); c = a.charCodeAt(++i)) col = col * 26 + ((c & 0xdf) - 64);
  const letters = i - c0;
  if (a.charCodeAt(i) === 36) i++;
  let row = 0;
  const r0 = i;
  for (let c = a.charCodeAt(i); c >= 48 && c <= 57; c = a.charCodeAt(++i)) row = row * 10 + (c - 48);
  if (letters < 1 || letters > 3 || i - r0 < 1 || i - r0 > 7 || i !== a.length) throw new XlsxError(`单元格地址“${a}”无效`);
  if (row < 1 || row > EXCEL_MAX_ROWS || col > EXCEL_MAX_COLUMNS) {
    throw new XlsxError(`单元格地址“${a}”超出 Excel 的范围（最多 ${EXCEL_MAX_ROWS} 行、${EXCEL_MAX_COLUMNS} 列，即 XFD 列）`);
  }
  return { row, col };
}

/** One cell, with the parts of exceljs's Cell the reader uses. */
export class SheetCell {
  /** @internal @hidden */ kind: Kind;
  /** @internal @hidden */ own: CellValue;
  /** @internal @hidden */ mergeMaster: SheetCell | undefined;
  /** @internal @hidden */ mergeCount = 0;
  /** @internal @hidden */ translated: string | undefined;
  /** Made by the reader only. @internal @hidden */
  constructor(
    /** The cell's address, e.g. `G7`. */
    readonly address: string,
    readonly row: number,
    readonly col: number,
    /** The number format of the cell's own style, if any. */
    readonly numFmt: string | undefined,
    kind: Kind = Kind.Null,
    value: CellValue = null,
    /** @internal */ readonly sheet?: Sheet,
  ) {
    this.kind = kind;
    this.own = value;
  }

  /** The value, as exceljs gives it (a merged cell gives its master's). */
  get value(): CellValue {
    return this.mergeMaster !== undefined ? this.mergeMaster.value : this.own;
  }

  /** The formula of a formula cell (a shared formula's, moved to this cell), else undefined. */
  get formula(): string | undefined {
    if (this.mergeMaster !== undefined) return undefined;
    const v = this.own;
    if (v === null || typeof v !== 'object' || v instanceof Date || !('formula' in v || 'sharedFormula' in v)) return undefined;
    if (v.formula !== undefined) return v.formula;
    if (this.translated === undefined && v.sharedFormula !== undefined) {
      const master = this.sheet?.findCell(v.sharedFormula);
      const f = master?.formula;
      if (master !== undefined && f !== undefined) this.translated = slideFormula(f, master.address, this.address);
    }
    return this.translated;
  }

  /** The text exceljs shows for the cell (`cell.text`). */
  get text(): string {
    if (this.mergeMaster !== undefined) {
      const v = this.mergeMaster.value;
      return v === null || v === undefined ? '' : String(v);
    }
    const v = this.own;
    if (v === null) return '';
    if (typeof v !== 'object') return String(v);
    if (v instanceof Date) return v.toString();
    if ('richText' in v) return v.richText.map((r) => r.text ?? '').join('');
    if ('error' in v) return String(v.error);
    if ('hyperlink' in v) return v.text === undefined ? '' : String(v.text);
    const r = (v as { result?: unknown }).result;
    return r === undefined || r === null || r === 0 || r === false || r === '' ? '' : String(r);
  }

  /** Part of a merged range (its master or another cell of it). */
  get isMerged(): boolean {
    return this.mergeCount > 0 || this.mergeMaster !== undefined;
  }

  /** The top-left cell of the merged range it belongs to, else itself. */
  get master(): SheetCell {
    return this.mergeMaster ?? this;
  }
}

/** One row of a sheet. */
export class SheetRow {
  /** @internal */ readonly cells: Array<SheetCell | undefined> = [];
  constructor(
    readonly number: number,
    private readonly sheet: Sheet | undefined,
  ) {}

  /** The cell in column `col` (1 = A); an empty cell when there is none. */
  getCell(col: number): SheetCell {
    return this.cells[col - 1] ?? new SheetCell(columnLetter(col) + this.number, this.number, col, undefined, Kind.Null, null, this.sheet);
  }

  /** Each non-empty cell, left to right. */
  eachCell(options: { includeEmpty: false }, fn: (cell: SheetCell, col: number) => void): void {
    void options;
    this.cells.forEach((c, i) => {
      if (c !== undefined && c.kind !== Kind.Null) fn(c, i + 1);
    });
  }

  /** @internal */
  get hasValues(): boolean {
    return this.cells.some((c) => c !== undefined && c.kind !== Kind.Null);
  }
}

/** One worksheet, with the parts of exceljs's Worksheet the reader uses. */
export class Sheet {
  /** @internal */ readonly rows = new Map<number, SheetRow>();
  /** @internal */ sorted: number[] | undefined;
  constructor(readonly name: string) {}

  /** A column's letter. */
  getColumn(col: number): { letter: string } {
    return { letter: columnLetter(col) };
  }

  /** The row `r` (an empty row when there is none). */
  getRow(r: number): SheetRow {
    return this.rows.get(r) ?? new SheetRow(r, this);
  }

  /** The cell at row `r`, column `col`. */
  getCell(r: number, col: number): SheetCell {
    return this.getRow(r).getCell(col);
  }

  /** @internal The cell at an address, if the sheet has it. */
  findCell(address: string): SheetCell | undefined {
    const { row, col } = decodeAddress(address);
    return this.rows.get(row)?.cells[col - 1];
  }

  /** The number of the last row with a cell (0 for an empty sheet); rows of only formatted empty cells are not counted. */
  get rowCount(): number {
    let max = 0;
    for (const r of this.rows.keys()) if (r > max) max = r;
    return max;
  }

  /** Each row with a non-empty cell, top to bottom. */
  eachRow(a: { includeEmpty: false } | ((row: SheetRow, r: number) => void), b?: (row: SheetRow, r: number) => void): void {
    const fn = (typeof a === 'function' ? a : b) as (row: SheetRow, r: number) => void;
    this.sorted ??= [...this.rows.keys()].sort((x, y) => x - y);
    for (const r of this.sorted) {
      const row = this.rows.get(r) as SheetRow;
      if (row.hasValues) fn(row, r);
    }
  }
}

/** A workbook: its sheets in order, each parsed when first asked for. */
export class Book {
  /** @internal */ readonly parsed = new Map<string, Sheet>();
  constructor(
    /** @internal */ readonly sheets: ReadonlyArray<{ name: string; path: string }>,
    /** @internal */ readonly parseSheet: (name: string, path: string) => Sheet,
  ) {}

  /** The sheets, in the workbook's order (names only are read from these). */
  get worksheets(): Array<{ name: string }> {
    return this.sheets.map((s) => ({ name: s.name }));
  }

  /** The sheet of a name, or undefined. */
  getWorksheet(name: string): Sheet | undefined {
    const s = this.sheets.find((x) => x.name === name);
    if (s === undefined) return undefined;
    let ws = this.parsed.get(s.path);
    if (ws === undefined) {
      ws = this.parseSheet(s.name, s.path);
      this.parsed.set(s.path, ws);
    }
    return ws;
  }
}

// --- XML --------------------------------------------------------------------------------------

interface Handlers {
  open(name: string, attrs: Record<string, string>): void;
  text?(t: string): void;
  close(name: string): void;
}

function localName(n: string): string {
  const i = n.indexOf(':');
  return i < 0 ? n : n.slice(i + 1);
}

/** Characters decoded and handed to the XML parser at once: a limit hit stops the parse within one piece. */
const XML_PIECE = 1 << 20;

const LT = 0x3c;
const ascii0 = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const COMMENT_END = ascii0('-->');
const CDATA_END = ascii0(']]>');
const PI_END = ascii0('?>');

/**
 * The longest stretch of a part without markup, in bytes: an element with its attributes, a
 * text, a comment, CDATA or a processing instruction. The XML parser builds each such stretch
 * into one string before any handler sees it, so a stretch longer than any text a cell may
 * hold (8 bytes a character covers UTF-8 and character references) is refused before parsing.
 */
function longestToken(maxStringLength: number): number {
  return Math.max(maxStringLength, 8192) * 8 + 4096;
}

/** Refuse a part with a stretch between markup longer than `max` bytes (one linear pass). */
function checkTokens(part: string, bytes: Uint8Array, max: number): void {
  const buf = NodeBuffer !== undefined ? NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : undefined;
  const next = (needle: number | Uint8Array, from: number): number => {
    if (buf !== undefined) return buf.indexOf(needle, from);
    return typeof needle === 'number' ? bytes.indexOf(needle, from) : find(bytes, needle, from);
  };
  const tooLong = (): never => {
    throw new XlsxLimitError(`${part} 中有超长的文本、名称或属性（一段超过 ${max} 字节；单元格文本最多 ${Math.floor((max - 4096) / 8)} 字）`, undefined);
  };
  let last = 0;
  for (let i = next(LT, 0); i >= 0; i = next(LT, i + 1)) {
    if (i - last > max) tooLong();
    last = i;
    // Comments, CDATA and processing instructions may hold a `<`: measure them to their end.
    let end: Uint8Array | undefined;
    if (bytes[i + 1] === 0x21 && bytes[i + 2] === 0x2d && bytes[i + 3] === 0x2d) end = COMMENT_END;
    else if (bytes[i + 1] === 0x21 && bytes[i + 2] === 0x5b) end = CDATA_END;
    else if (bytes[i + 1] === 0x3f) end = PI_END;
    if (end !== undefined) {
      const j = next(end, i + 2);
      if ((j < 0 ? bytes.length : j) - i > max) tooLong();
      if (j < 0) return;
      i = j;
      last = j;
    }
  }
  if (bytes.length - last > max) tooLong();
}

/**
 * Parse one part with saxes, in pieces (a handler that throws stops the parse there); a DOCTYPE
 * (entity expansion, external entities) is refused, and so is a stretch without markup longer
 * than `maxToken` bytes.
 */
function parseXml(part: string, bytes: Uint8Array, h: Handlers, maxToken: number): void {
  checkTokens(part, bytes, maxToken);
  const p = new SaxesParser({ position: false });
  p.on('doctype', () => {
    throw new XlsxError(`${part} 含有文档类型声明（DOCTYPE），出于安全原因拒绝读取`);
  });
  p.on('opentag', (node) => h.open(localName(node.name), node.attributes as Record<string, string>));
  p.on('closetag', (node) => h.close(localName(node.name)));
  if (h.text !== undefined) {
    const text = h.text.bind(h);
    p.on('text', text);
    p.on('cdata', text);
  }
  try {
    const pieces = new TextDecoder('utf-8');
    for (let i = 0; i < bytes.length; i += XML_PIECE) {
      const j = Math.min(bytes.length, i + XML_PIECE);
      p.write(pieces.decode(bytes.subarray(i, j), { stream: j < bytes.length }));
    }
    p.close();
  } catch (err) {
    if (err instanceof XlsxError) throw err;
    throw new XlsxError(`${part} 的 XML 不完整或有误：${err instanceof Error ? clip(err.message, 200) : String(err)}`);
  }
}

/** An attribute named `prefix:id` (the relationship id), whatever the prefix. */
function relId(attrs: Record<string, string>): string | undefined {
  if (attrs['r:id'] !== undefined) return attrs['r:id'];
  for (const k of Object.keys(attrs)) if (k.endsWith(':id')) return attrs[k];
  return undefined;
}

function readRels(entries: ReadonlyMap<string, Uint8Array>, path: string, maxToken: number): Map<string, string> {
  const out = new Map<string, string>();
  const bytes = entries.get(path);
  if (bytes === undefined) return out;
  let count = 0;
  parseXml(
    path,
    bytes,
    {
      open(name, a) {
        if (name !== 'Relationship' || a['Id'] === undefined) return;
        if (++count > MAX_RELATIONSHIPS) throw new XlsxError(`${path} 的关系条目超过 ${MAX_RELATIONSHIPS} 个，拒绝读取`);
        out.set(a['Id'], a['Target'] ?? '');
      },
      close() {},
    },
    maxToken,
  );
  return out;
}

/** Shared strings `_x000D_` escapes (as exceljs decodes them in shared strings and rich runs). */
function unescapeX(s: string): string {
  return s.indexOf('_x') < 0 ? s : s.replace(/_x([0-9A-F]{4})_/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** exceljs decodes `t="str"` values once more. */
function xmlDecode(s: string): string {
  return s.indexOf('&') < 0
    ? s
    : s.replace(/&([a-z]*);/g, (c) => {
        switch (c) {
          case '&lt;':
            return '<';
          case '&gt;':
            return '>';
          case '&amp;':
            return '&';
          case '&apos;':
            return "'";
          case '&quot;':
            return '"';
          default:
            return c;
        }
      });
}

type Shared = string | { richText: Array<{ text?: string }> };

function readSharedStrings(entries: ReadonlyMap<string, Uint8Array>, limits: Bounds, budget: TextBudget): Shared[] {
  const path = 'xl/sharedStrings.xml';
  const out: Shared[] = [];
  const bytes = entries.get(path);
  if (bytes === undefined) return out;
  let plain: string | undefined;
  let runs: Array<{ text?: string }> | undefined;
  let run: { text?: string } | undefined;
  let text: string[] | undefined;
  let textLength = 0;
  let length = 0; // of the string being read (its runs together)
  let skip = 0; // inside <rPh> (phonetic reading): not part of the text
  const tooLong = (): never => {
    throw new XlsxLimitError(`共享字符串表（${path}）第 ${out.length + 1} 个字符串超过 ${limits.maxStringLength} 字（Excel 单元格最多 32767 字）`, undefined);
  };
  parseXml(
    path,
    bytes,
    {
      open(name) {
        if (skip > 0 || name === 'rPh') {
          skip++;
          return;
        }
        if (name === 'si') {
          if (out.length >= limits.maxSharedStrings) {
            throw new XlsxLimitError(`共享字符串表（${path}）超过 ${limits.maxSharedStrings} 个字符串`, undefined);
          }
          plain = undefined;
          runs = undefined;
          length = 0;
        } else if (name === 'r') run = {};
        else if (name === 't') {
          text = [];
          textLength = 0;
        }
      },
      text(t) {
        if (skip !== 0 || text === undefined) return;
        textLength += t.length;
        if (length + textLength > limits.maxStringLength) tooLong();
        text.push(t);
      },
      close(name) {
        if (skip > 0) {
          skip--;
          return;
        }
        if (name === 't') {
          const t = unescapeX((text ?? []).join(''));
          text = undefined;
          length += t.length;
          if (length > limits.maxStringLength) tooLong();
          budget.spend(t.length, undefined);
          if (run !== undefined) run.text = t;
          else plain = t;
        } else if (name === 'r') {
          if (run !== undefined) (runs ??= []).push(run);
          run = undefined;
        } else if (name === 'si') out.push(plain ?? (runs !== undefined ? { richText: runs } : ''));
      },
    },
    limits.maxToken,
  );
  return out;
}

/** Number format codes exceljs knows by id (its defaultnumformats, the entries with a code). */
const BUILTIN_FORMATS: Readonly<Record<number, string>> = {
  0: 'General',
  1: '0',
  2: '0.00',
  3: '#,##0',
  4: '#,##0.00',
  9: '0%',
  10: '0.00%',
  11: '0.00E+00',
  12: '# ?/?',
  13: '# ??/??',
  14: 'mm-dd-yy',
  15: 'd-mmm-yy',
  16: 'd-mmm',
  17: 'mmm-yy',
  18: 'h:mm AM/PM',
  19: 'h:mm:ss AM/PM',
  20: 'h:mm',
  21: 'h:mm:ss',
  22: 'm/d/yy "h":mm',
  37: '#,##0 ;(#,##0)',
  38: '#,##0 ;[Red](#,##0)',
  39: '#,##0.00 ;(#,##0.00)',
  40: '#,##0.00 ;[Red](#,##0.00)',
  45: 'mm:ss',
  46: '[h]:mm:ss',
  47: 'mmss.0',
  48: '##0.0E+0',
  49: '@',
};

/** The number format of each cell style (`cellXfs` index), as exceljs resolves it. */
function readStyles(entries: ReadonlyMap<string, Uint8Array>, maxToken: number): Array<string | undefined> {
  const path = 'xl/styles.xml';
  const bytes = entries.get(path);
  const out: Array<string | undefined> = [];
  if (bytes === undefined) return out;
  const custom = new Map<number, string>();
  const xfIds: number[] = [];
  let inXfs = false;
  let count = 0;
  parseXml(
    path,
    bytes,
    {
      open(name, a) {
        if (name === 'numFmt' || (name === 'xf' && inXfs)) {
          if (++count > MAX_STYLES) throw new XlsxError(`${path} 的单元格样式或数字格式超过 ${MAX_STYLES} 个，拒绝读取`);
        }
        if (name === 'numFmt' && a['numFmtId'] !== undefined && a['formatCode'] !== undefined) {
          const code = a['formatCode'];
          if (code.length > MAX_FORMAT_CODE) throw new XlsxError(`${path} 的数字格式长 ${code.length} 字，超过 Excel 的上限 ${MAX_FORMAT_CODE} 字`);
          custom.set(parseInt(a['numFmtId'], 10), code.replace(/[\\](.)/g, '$1'));
        } else if (name === 'cellXfs') inXfs = true;
        else if (name === 'xf' && inXfs) xfIds.push(parseInt(a['numFmtId'] ?? '', 10));
      },
      close(name) {
        if (name === 'cellXfs') inXfs = false;
      },
    },
    maxToken,
  );
  for (const id of xfIds) out.push(id ? (custom.get(id) ?? BUILTIN_FORMATS[id]) : undefined);
  return out;
}

/** `s` without each span from `open` to the next `close` (an unclosed one stays), in one pass. */
function withoutSpans(s: string, open: string, close: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const a = s.indexOf(open, i);
    const b = a < 0 ? -1 : s.indexOf(close, a + 1);
    if (b < 0) return out + s.slice(i);
    out += s.slice(i, a);
    i = b + 1;
  }
}

/** exceljs's test of a date format: y, m, d, h, s or b outside quotes and brackets (in plain code: linear). */
export function isDateFmt(fmt: string | undefined): boolean {
  if (fmt === undefined || fmt === '') return false;
  const bare = withoutSpans(withoutSpans(fmt, '[', ']'), '"', '"');
  for (let i = 0; i < bare.length; i++) if ('ymdhMsb'.includes(bare.charAt(i))) return true;
  return false;
}

function excelToDate(v: number, date1904: boolean): Date {
  return new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
}

const isSheetChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
const isRefChar = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;

/**
 * exceljs's slideFormula: move a shared formula's relative references from its master to a
 * cell. The same tokens as its pattern `(([a-z_\-0-9]*)!)?([a-z0-9_$]{2,})([(])?` (case-insensitive),
 * found in plain code in one pass (the pattern backtracks quadratically on `a-a-a-…`).
 */
export function slideFormula(formula: string, from: string, to: string): string {
  const a = decodeAddress(from);
  const b = decodeAddress(to);
  const n = formula.length;
  // The end of the longest run of sheet-name (ref) characters starting at each position.
  const sheetEnd = new Int32Array(n + 1);
  const refEnd = new Int32Array(n + 1);
  sheetEnd[n] = n;
  refEnd[n] = n;
  for (let i = n - 1; i >= 0; i--) {
    const c = formula.charCodeAt(i);
    sheetEnd[i] = isSheetChar(c) ? (sheetEnd[i + 1] as number) : i;
    refEnd[i] = isRefChar(c) ? (refEnd[i + 1] as number) : i;
  }
  const move = (addr: string): string | undefined => {
    const m = /^([$])?([a-z]+)([$])?([1-9][0-9]*)$/i.exec(addr);
    if (m === null) return undefined;
    const colStr = (m[2] as string).toUpperCase();
    if (colStr.length > 3 || (colStr.length === 3 && colStr > 'XFD')) return undefined;
    let col = columnNumber(colStr);
    let row = parseInt(m[4] as string, 10);
    if (!m[1]) col += b.col - a.col;
    if (!m[3]) row += b.row - a.row;
    return (m[1] ?? '') + columnLetter(col) + (m[3] ?? '') + row;
  };
  let out = '';
  let i = 0;
  let copied = 0;
  while (i < n) {
    let start = i;
    let sheet = '';
    const s = sheetEnd[i] as number;
    let end = -1;
    if (s < n && formula.charCodeAt(s) === 33 /* ! */ && (refEnd[s + 1] as number) - (s + 1) >= 2) {
      sheet = formula.slice(i, s + 1);
      start = s + 1;
      end = refEnd[start] as number;
    } else if ((refEnd[i] as number) - i >= 2) end = refEnd[i] as number;
    if (end < 0) {
      i++;
      continue;
    }
    const paren = end < n && formula.charCodeAt(end) === 40; /* ( */
    const stop = paren ? end + 1 : end;
    const moved = paren ? undefined : move(formula.slice(start, end));
    if (moved !== undefined) {
      out += formula.slice(copied, i) + sheet + moved;
      copied = stop;
    }
    i = stop;
  }
  return out + formula.slice(copied);
}

/** Most cells a sheet's merged ranges may cover (exceljs made an object of each). */
const MAX_MERGED_CELLS = 1_000_000;

/** The reader's limits with the longest stretch without markup they imply. */
interface Bounds extends XlsxLimits {
  maxToken: number;
}

/** A running count against one limit of the whole workbook. */
class Budget {
  used = 0;
  constructor(
    readonly max: number,
    private readonly what: (max: number) => string,
  ) {}
  /** Count `n` more; over the limit, refuse (naming `sheet` when the count is a sheet's). */
  spend(n: number, sheet: string | undefined): void {
    this.used += n;
    if (this.used > this.max) throw new XlsxLimitError(this.what(this.max), sheet);
  }
}
type TextBudget = Budget;

interface Context {
  entries: ReadonlyMap<string, Uint8Array>;
  shared: Shared[];
  /** Characters of each shared string (its runs together). */
  sharedLength: number[];
  numFmts: Array<string | undefined>;
  /** Whether each number format is a date format (decided once per format, not per cell). */
  dateFmts: Map<string, boolean>;
  date1904: boolean;
  limits: Bounds;
  text: TextBudget;
  cells: Budget;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const DV_OPEN = ascii('<dataValidations');
const DV_CLOSE = ascii('</dataValidations>');
const COMMENT = ascii('<!--');
const CDATA = ascii('<![CDATA[');
const PI = ascii('<?');

/** Node's Buffer, when there is one: its indexOf is a native substring search. */
const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, o: number, l: number): { indexOf(n: Uint8Array | number, from: number): number } } }).Buffer;

/** Where `needle` first occurs in `hay` at or after `from`, else -1. */
function find(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  if (NodeBuffer !== undefined) return NodeBuffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle, from);
  const first = needle[0] as number;
  for (let i = hay.indexOf(first, from); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(first, i + 1)) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

/**
 * A sheet's XML without its `<dataValidations>` block: the reader never reads the validations,
 * and their prompts are most of a template's sheet (and the costliest part to decode). Cut only
 * where it cannot be mistaken: outside comments, CDATA and processing instructions a `<` only
 * starts a tag, so the block is the one found unless the part has any of those (Excel, WPS and
 * LibreOffice write none inside a sheet), in which case the part is parsed whole.
 */
function withoutValidations(bytes: Uint8Array): Uint8Array {
  const start = find(bytes, DV_OPEN);
  if (start < 0) return bytes;
  const next = bytes[start + DV_OPEN.length];
  if (next !== 0x20 && next !== 0x3e && next !== 0x09 && next !== 0x0a && next !== 0x0d && next !== 0x2f) return bytes;
  const end = find(bytes, DV_CLOSE, start);
  // Comments, CDATA and processing instructions (other than the XML declaration) may hold a `<`.
  if (end < 0 || find(bytes, COMMENT) >= 0 || find(bytes, CDATA) >= 0 || find(bytes, PI, 2) >= 0) return bytes;
  const out = new Uint8Array(bytes.length - (end + DV_CLOSE.length - start));
  out.set(bytes.subarray(0, start), 0);
  out.set(bytes.subarray(end + DV_CLOSE.length), start);
  return out;
}

function readSheet(ctx: Context, name: string, path: string): Sheet {
  try {
    return readSheetXml(ctx, name, path);
  } catch (err) {
    // Name the sheet as the clerk knows it, besides its part.
    if (err instanceof XlsxLimitError && err.sheet === undefined) throw new XlsxLimitError(`工作表“${clip(name)}”：${err.message}`, name);
    if (err instanceof XlsxLimitError || !(err instanceof XlsxError) || err.message.includes(path)) throw err;
    throw new XlsxError(`工作表“${clip(name)}”（${path}）：${err.message}`);
  }
}

function readSheetXml(ctx: Context, name: string, path: string): Sheet {
  const ws = new Sheet(name);
  const { limits } = ctx;
  const bytes = withoutValidations(ctx.entries.get(path) as Uint8Array);
  const slash = path.lastIndexOf('/');
  const rels = readRels(ctx.entries, `${path.slice(0, slash)}/_rels/${path.slice(slash + 1)}.rels`, limits.maxToken);
  const formulae = new Map<string, { address: string; length: number }>();
  const merges: string[] = [];
  const links: Array<{ ref: string; rId: string }> = [];
  const byAddress = new Map<string, SheetCell>();
  /** The number formats of formatted empty cells, by (row − 1) × 16384 + (column − 1). */
  const styled = new Map<number, string>();
  const sheetName = clip(name);
  let rowsWithContent = 0;
  const tooLong = (what: string): never => {
    throw new XlsxLimitError(`工作表“${sheetName}”的单元格 ${address || `第 ${rowNumber} 行`}的${what}超过 ${limits.maxStringLength} 字（Excel 单元格最多 32767 字）`, name);
  };

  // The row being read: made when its first cell with content is (a row of empty or only
  // formatted cells makes nothing, so a sheet formatted to its last row costs no memory).
  let row: SheetRow | undefined;
  let inRow = false;
  let rowNumber = 0;
  let prevCol = 0;
  // The cell being read.
  let inCell = false;
  let address = '';
  let t: string | undefined;
  let styleId: number | undefined;
  let value: string | undefined;
  let rich: Array<{ text?: string }> | undefined;
  let richLength = 0;
  let formula: string | undefined;
  let shareType: string | undefined;
  let si: string | undefined;
  let ref: string | undefined;
  let hasV = false;
  let node: 'f' | 'v' | 't' | undefined;
  let run: { text?: string } | undefined;
  let runText: string[] | undefined;
  let runLength = 0;
  let skip = 0;

  const isDate = (fmt: string | undefined): boolean => {
    if (fmt === undefined) return false;
    let d = ctx.dateFmts.get(fmt);
    if (d === undefined) {
      d = isDateFmt(fmt);
      ctx.dateFmts.set(fmt, d);
    }
    return d;
  };

  const closeCell = () => {
    const numFmt = styleId ? ctx.numFmts[styleId] : undefined;
    let v: CellValue;
    // The text the cell holds or refers to, counted against the workbook's decoded text.
    let chars = 0;
    if (formula || shareType) {
      const f: { formula?: string; sharedFormula?: string; result?: unknown; ref?: string; shareType?: string } = {};
      let result: unknown;
      if (value !== undefined || (hasV && t === 'str')) {
        const s = value ?? '';
        if (t === 'str') result = xmlDecode(s);
        else if (t === 'b') result = parseInt(s, 10) !== 0;
        else if (t === 'e') result = { error: s };
        else result = parseFloat(s);
        chars += s.length;
      }
      if (typeof result === 'number' && isDate(numFmt)) result = excelToDate(result, ctx.date1904);
      if (formula) {
        f.formula = formula;
        chars += formula.length;
      }
      if (result !== undefined) f.result = result;
      if (shareType === 'shared') {
        if (ref) {
          formulae.set(String(si), { address, length: formula?.length ?? 0 });
          if (ref) f.ref = ref;
          f.shareType = shareType;
        } else {
          const master = formulae.get(String(si));
          if (master) {
            f.sharedFormula = master.address;
            // The cell's own formula is the master's, moved: as long as it, when read.
            chars += master.length;
          }
        }
      } else {
        if (ref) f.ref = ref;
        if (shareType) f.shareType = shareType;
      }
      v = f;
    } else if (value !== undefined || rich !== undefined) {
      const s = value ?? '';
      switch (t) {
        case 's': {
          const i = parseInt(s, 10);
          const got = ctx.shared[i];
          if (got === undefined) throw new XlsxError(`${path} 的单元格 ${address} 引用了不存在的共享字符串 ${clip(s, 20)}`);
          v = got;
          chars += ctx.sharedLength[i] as number;
          break;
        }
        case 'str':
          v = xmlDecode(s);
          chars += s.length;
          break;
        case 'inlineStr':
          v = rich !== undefined ? { richText: rich } : s;
          chars += rich !== undefined ? richLength : s.length;
          break;
        case 'b':
          v = parseInt(s, 10) !== 0;
          break;
        case 'e':
          v = { error: s };
          chars += s.length;
          break;
        default: {
          const n = parseFloat(s);
          v = isDate(numFmt) ? excelToDate(n, ctx.date1904) : n;
        }
      }
    } else if (styleId) v = null;
    else return; // exceljs drops a cell with neither value nor style
    let col: number;
    if (address === '') {
      col = prevCol + 1;
      if (col > EXCEL_MAX_COLUMNS) throw new XlsxError(`第 ${rowNumber} 行的单元格超出 Excel 的范围（最多 ${EXCEL_MAX_COLUMNS} 列，即 XFD 列）`);
      address = columnLetter(col) + rowNumber;
    } else col = decodeAddress(address).col;
    prevCol = col;
    if (v === null) {
      // A formatted empty cell: no object, only its number format, which a merged range over it
      // gives the cell it makes there (as exceljs did).
      if (numFmt !== undefined) {
        ctx.cells.spend(1, name);
        styled.set((rowNumber - 1) * EXCEL_MAX_COLUMNS + (col - 1), numFmt);
      }
      return;
    }
    ctx.cells.spend(1, name);
    ctx.text.spend(chars, name);
    if (row === undefined) {
      if (++rowsWithContent > limits.maxRows) {
        throw new XlsxLimitError(`工作表“${sheetName}”有内容的行超过 ${limits.maxRows} 行（模板远少于此；请删除多余的行）`, name);
      }
      row = new SheetRow(rowNumber, ws);
      ws.rows.set(rowNumber, row);
    }
    const cell = new SheetCell(address, rowNumber, col, numFmt, Kind.Value, v, ws);
    row.cells[col - 1] = cell;
    byAddress.set(address, cell);
  };

  let inSheetData = false;
  parseXml(
    path,
    bytes,
    {
      open(tag, a) {
        if (skip > 0) {
          skip++;
          return;
        }
        if (inCell) {
          if (run !== undefined) {
            if (tag === 't') runText = []; // run properties (rPr: fonts…) are not read
            return;
          }
          switch (tag) {
            case 'f':
              node = 'f';
              si = a['si'];
              shareType = a['t'];
              ref = a['ref'];
              return;
            case 'v':
              node = 'v';
              hasV = true;
              return;
            case 't':
              node = 't';
              return;
            case 'r':
              run = {};
              return;
            case 'rPh':
            case 'phoneticPr':
              skip = 1;
              return;
            default:
              return;
          }
        }
        switch (tag) {
          case 'sheetData':
            inSheetData = true;
            return;
          case 'row': {
            if (!inSheetData) return;
            const r = a['r'];
            const n = r !== undefined ? (r.length <= 8 ? parseInt(r, 10) : NaN) : rowNumber + 1;
            if (!Number.isInteger(n) || n < 1) throw new XlsxError(`${path} 的行号“${clip(r ?? '', 20)}”无效`);
            if (n > EXCEL_MAX_ROWS) throw new XlsxError(`${path} 的行号 ${n} 超出 Excel 的范围（最多 ${EXCEL_MAX_ROWS} 行）`);
            rowNumber = n;
            inRow = true;
            // A row given twice: the later one is the row (as exceljs read it).
            if (ws.rows.delete(n)) rowsWithContent--;
            row = undefined;
            prevCol = 0;
            return;
          }
          case 'c':
            if (!inRow) return;
            inCell = true;
            address = a['r'] ?? '';
            t = a['t'];
            styleId = a['s'] !== undefined ? parseInt(a['s'], 10) : undefined;
            value = undefined;
            rich = undefined;
            richLength = 0;
            formula = undefined;
            shareType = undefined;
            si = undefined;
            ref = undefined;
            hasV = false;
            node = undefined;
            return;
          case 'mergeCell':
            if (a['ref'] !== undefined) {
              ctx.cells.spend(1, name);
              merges.push(a['ref']);
            }
            return;
          case 'hyperlink': {
            const id = relId(a);
            if (a['ref'] !== undefined && id !== undefined) {
              ctx.cells.spend(1, name);
              links.push({ ref: a['ref'], rId: id });
            }
            return;
          }
          default:
            return;
        }
      },
      text(s) {
        if (skip > 0) return;
        if (runText !== undefined) {
          runLength += s.length;
          if (richLength + runLength > limits.maxStringLength) tooLong('文本');
          runText.push(s);
        } else if (node === 'f') {
          formula = formula === undefined ? s : formula + s;
          if (formula.length > limits.maxStringLength) tooLong('公式');
        } else if (node === 'v' || node === 't') {
          value = value === undefined ? s : value + s;
          if (value.length > limits.maxStringLength) tooLong('文本');
        }
      },
      close(tag) {
        if (skip > 0) {
          skip--;
          return;
        }
        if (inCell) {
          if (run !== undefined) {
            if (tag === 't') {
              run.text = unescapeX((runText ?? []).join(''));
              richLength += run.text.length;
              runText = undefined;
              runLength = 0;
            } else if (tag === 'r') {
              (rich ??= []).push(run);
              run = undefined;
            }
            return;
          }
          if (tag === 'c') {
            inCell = false;
            closeCell();
          } else if (tag === 'f' || tag === 'v' || tag === 't' || tag === 'is') node = undefined;
          return;
        }
        if (tag === 'row') {
          inRow = false;
          row = undefined;
        } else if (tag === 'sheetData') inSheetData = false;
      },
    },
    limits.maxToken,
  );

  // Hyperlinks (external, through the sheet's relationships): exceljs made such a cell
  // { text, hyperlink }, its text being the value (or a formula's result).
  for (const { ref: at, rId } of links) {
    const target = rels.get(rId);
    const cell = byAddress.get(at);
    if (!target || cell === undefined) continue;
    const v = cell.own;
    const text = v !== null && typeof v === 'object' && !(v instanceof Date) && ('formula' in v || 'sharedFormula' in v) ? (v as { result?: unknown }).result : v;
    if (text === null || text === undefined) continue; // an empty cell with a link: still empty
    cell.own = { text, hyperlink: target };
    cell.kind = Kind.Value;
  }

  // Merged ranges: every cell but the top-left one takes the master's value (exceljs: MergeValue).
  // Each cell a range covers is marked as it is made, so an overlap is found in time linear in
  // the cells covered (comparing every range with every other was quadratic in their number).
  let covered = 0;
  const inRange = new Set<SheetCell>();
  const cellAt = (r: number, c: number): SheetCell => {
    let rw = ws.rows.get(r);
    if (rw === undefined) {
      rw = new SheetRow(r, ws);
      ws.rows.set(r, rw);
    }
    let cell = rw.cells[c - 1];
    if (cell === undefined) {
      ctx.cells.spend(1, name);
      cell = new SheetCell(columnLetter(c) + r, r, c, styled.get((r - 1) * EXCEL_MAX_COLUMNS + (c - 1)), Kind.Null, null, ws);
      rw.cells[c - 1] = cell;
    }
    if (inRange.has(cell)) throw new XlsxError('Cannot merge already merged cells');
    inRange.add(cell);
    return cell;
  };
  for (const m of merges) {
    const [p, q = p] = m.split(':', 3) as [string, string?];
    const x = decodeAddress(p);
    const y = decodeAddress(q as string);
    const top = Math.min(x.row, y.row);
    const bottom = Math.max(x.row, y.row);
    const left = Math.min(x.col, y.col);
    const right = Math.max(x.col, y.col);
    covered += (bottom - top + 1) * (right - left + 1);
    if (covered > MAX_MERGED_CELLS) throw new XlsxLimitError(`工作表“${sheetName}”的合并单元格范围过大（合计超过 ${MAX_MERGED_CELLS} 个单元格）`, name);
    const master = cellAt(top, left);
    for (let r = top; r <= bottom; r++) {
      for (let c = left; c <= right; c++) {
        if (r === top && c === left) continue;
        const cell = cellAt(r, c);
        cell.kind = Kind.Merge;
        cell.own = null;
        cell.mergeMaster = master;
        master.mergeCount++;
      }
    }
  }
  return ws;
}

/**
 * Open a workbook from its inflated entries: the sheet list, shared strings and number formats
 * now, and the sheets named in `eager` (the others when first asked for). Every count the
 * workbook could multiply (rows, cells, text, shared strings, sheets) is bounded by `limits`
 * (default {@link DEFAULT_XLSX_LIMITS}) while the XML is streamed.
 * @throws XlsxError when a part the reader needs is not well-formed XML, has a DOCTYPE, or refers
 *   to what is not there; XlsxLimitError (an XlsxError) when the workbook is over a limit.
 */
export function readXlsx(entries: ReadonlyMap<string, Uint8Array>, eager: readonly string[] = [], limits: Partial<XlsxLimits> = {}): Book {
  const l: XlsxLimits = { ...DEFAULT_XLSX_LIMITS };
  for (const k of Object.keys(DEFAULT_XLSX_LIMITS) as Array<keyof XlsxLimits>) {
    const v = limits[k];
    if (v !== undefined) l[k] = v;
  }
  const bounds: Bounds = { ...l, maxToken: longestToken(l.maxStringLength) };
  const wbPath = 'xl/workbook.xml';
  const wbBytes = entries.get(wbPath);
  if (wbBytes === undefined) throw new XlsxError(`缺少 ${wbPath}`);
  const declared: Array<{ name: string; rId: string | undefined }> = [];
  let date1904 = false;
  parseXml(
    wbPath,
    wbBytes,
    {
      open(name, a) {
        if (name === 'sheet' && a['name'] !== undefined) {
          if (declared.length >= l.maxSheets) throw new XlsxLimitError(`工作簿的工作表超过 ${l.maxSheets} 个（模板只有 6 个）`, undefined);
          declared.push({ name: a['name'], rId: relId(a) });
        } else if (name === 'workbookPr') date1904 = a['date1904'] === '1';
      },
      close() {},
    },
    bounds.maxToken,
  );
  const rels = readRels(entries, 'xl/_rels/workbook.xml.rels', bounds.maxToken);
  const sheets: Array<{ name: string; path: string }> = [];
  for (const s of declared) {
    const target = s.rId === undefined ? undefined : rels.get(s.rId);
    if (target === undefined) continue;
    const path = `xl/${target.replace(/^(\s|\/xl\/)+/, '')}`;
    // exceljs reads worksheets only (chart sheets and others are not sheets it knows).
    if (!entries.has(path) || !/xl\/worksheets\/sheet(\d+)[.]xml/.test(path)) continue;
    sheets.push({ name: s.name, path });
  }
  const text = new Budget(l.maxTextLength, (max) => `工作簿的文本总量超过 ${max} 字（共享字符串与各单元格所含、所引用的文本合计）`);
  const cells = new Budget(l.maxCells, (max) => `工作簿中有内容的单元格（含合并单元格所覆盖的）超过 ${max} 个`);
  const shared = readSharedStrings(entries, bounds, text);
  const sharedLength = shared.map((x) => (typeof x === 'string' ? x.length : x.richText.reduce((n, r) => n + (r.text?.length ?? 0), 0)));
  const ctx: Context = { entries, shared, sharedLength, numFmts: readStyles(entries, bounds.maxToken), dateFmts: new Map(), date1904, limits: bounds, text, cells };
  const book = new Book(sheets, (name, path) => readSheet(ctx, name, path));
  for (const name of eager) book.getWorksheet(name);
  return book;
}
