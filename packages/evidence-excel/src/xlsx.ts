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
  return { row, col };
}

/** One cell, with the parts of exceljs's Cell the reader uses. */
export class SheetCell {
  /** @internal */ kind: Kind;
  /** @internal */ own: CellValue;
  /** @internal */ mergeMaster: SheetCell | undefined;
  /** @internal */ mergeCount = 0;
  /** @internal */ translated: string | undefined;
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

const decoder = new TextDecoder('utf-8');

function localName(n: string): string {
  const i = n.indexOf(':');
  return i < 0 ? n : n.slice(i + 1);
}

/** Parse one part with saxes; a DOCTYPE (entity expansion, external entities) is refused. */
function parseXml(part: string, bytes: Uint8Array, h: Handlers): void {
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
    p.write(decoder.decode(bytes)).close();
  } catch (err) {
    if (err instanceof XlsxError) throw err;
    throw new XlsxError(`${part} 的 XML 不完整或有误：${err instanceof Error ? err.message : String(err)}`);
  }
}

/** An attribute named `prefix:id` (the relationship id), whatever the prefix. */
function relId(attrs: Record<string, string>): string | undefined {
  if (attrs['r:id'] !== undefined) return attrs['r:id'];
  for (const k of Object.keys(attrs)) if (k.endsWith(':id')) return attrs[k];
  return undefined;
}

function readRels(entries: ReadonlyMap<string, Uint8Array>, path: string): Map<string, string> {
  const out = new Map<string, string>();
  const bytes = entries.get(path);
  if (bytes === undefined) return out;
  parseXml(path, bytes, {
    open(name, a) {
      if (name === 'Relationship' && a['Id'] !== undefined) out.set(a['Id'], a['Target'] ?? '');
    },
    close() {},
  });
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

function readSharedStrings(entries: ReadonlyMap<string, Uint8Array>): Shared[] {
  const path = 'xl/sharedStrings.xml';
  const out: Shared[] = [];
  const bytes = entries.get(path);
  if (bytes === undefined) return out;
  let plain: string | undefined;
  let runs: Array<{ text?: string }> | undefined;
  let run: { text?: string } | undefined;
  let text: string[] | undefined;
  let skip = 0; // inside <rPh> (phonetic reading): not part of the text
  parseXml(path, bytes, {
    open(name) {
      if (skip > 0 || name === 'rPh') {
        skip++;
        return;
      }
      if (name === 'si') {
        plain = undefined;
        runs = undefined;
      } else if (name === 'r') run = {};
      else if (name === 't') text = [];
    },
    text(t) {
      if (skip === 0 && text !== undefined) text.push(t);
    },
    close(name) {
      if (skip > 0) {
        skip--;
        return;
      }
      if (name === 't') {
        const t = unescapeX((text ?? []).join(''));
        text = undefined;
        if (run !== undefined) run.text = t;
        else plain = t;
      } else if (name === 'r') {
        if (run !== undefined) (runs ??= []).push(run);
        run = undefined;
      } else if (name === 'si') out.push(plain ?? (runs !== undefined ? { richText: runs } : ''));
    },
  });
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
function readStyles(entries: ReadonlyMap<string, Uint8Array>): Array<string | undefined> {
  const path = 'xl/styles.xml';
  const bytes = entries.get(path);
  const out: Array<string | undefined> = [];
  if (bytes === undefined) return out;
  const custom = new Map<number, string>();
  const xfIds: number[] = [];
  let inXfs = false;
  parseXml(path, bytes, {
    open(name, a) {
      if (name === 'numFmt' && a['numFmtId'] !== undefined && a['formatCode'] !== undefined) custom.set(parseInt(a['numFmtId'], 10), a['formatCode'].replace(/[\\](.)/g, '$1'));
      else if (name === 'cellXfs') inXfs = true;
      else if (name === 'xf' && inXfs) xfIds.push(parseInt(a['numFmtId'] ?? '', 10));
    },
    close(name) {
      if (name === 'cellXfs') inXfs = false;
    },
  });
  for (const id of xfIds) out.push(id ? (custom.get(id) ?? BUILTIN_FORMATS[id]) : undefined);
  return out;
}

/** exceljs's test of a date format: y, m, d, h, s or b outside quotes and brackets. */
function isDateFmt(fmt: string | undefined): boolean {
  if (fmt === undefined || fmt === '') return false;
  return /[ymdhMsb]+/.test(fmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

function excelToDate(v: number, date1904: boolean): Date {
  return new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
}

/** exceljs's slideFormula: move a shared formula's relative references from its master to a cell. */
function slideFormula(formula: string, from: string, to: string): string {
  const a = decodeAddress(from);
  const b = decodeAddress(to);
  return formula.replace(/(([a-z_\-0-9]*)!)?([a-z0-9_$]{2,})([(])?/gi, (ref: string, sheet: string | undefined, _s: string, addr: string, paren: string | undefined) => {
    if (paren) return ref;
    const m = /^([$])?([a-z]+)([$])?([1-9][0-9]*)$/i.exec(addr);
    if (m === null) return ref;
    const colStr = (m[2] as string).toUpperCase();
    if (colStr.length > 3 || (colStr.length === 3 && colStr > 'XFD')) return ref;
    let col = columnNumber(colStr);
    let row = parseInt(m[4] as string, 10);
    if (!m[1]) col += b.col - a.col;
    if (!m[3]) row += b.row - a.row;
    return (sheet ?? '') + (m[1] ?? '') + columnLetter(col) + (m[3] ?? '') + row;
  });
}

/** Most cells a sheet's merged ranges may cover (exceljs made an object of each). */
const MAX_MERGED_CELLS = 1_000_000;

interface Context {
  entries: ReadonlyMap<string, Uint8Array>;
  shared: Shared[];
  numFmts: Array<string | undefined>;
  date1904: boolean;
}

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const DV_OPEN = ascii('<dataValidations');
const DV_CLOSE = ascii('</dataValidations>');
const COMMENT = ascii('<!--');
const CDATA = ascii('<![CDATA[');
const PI = ascii('<?');

/** Node's Buffer, when there is one: its indexOf is a native substring search. */
const NodeBuffer = (globalThis as { Buffer?: { from(b: ArrayBufferLike, o: number, l: number): { indexOf(n: Uint8Array, from: number): number } } }).Buffer;

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
  const ws = new Sheet(name);
  const bytes = withoutValidations(ctx.entries.get(path) as Uint8Array);
  const slash = path.lastIndexOf('/');
  const rels = readRels(ctx.entries, `${path.slice(0, slash)}/_rels/${path.slice(slash + 1)}.rels`);
  const formulae = new Map<string, string>();
  const merges: string[] = [];
  const links: Array<{ ref: string; rId: string }> = [];
  const byAddress = new Map<string, SheetCell>();

  let row: SheetRow | undefined;
  let lastRow = 0;
  let prevCol = 0;
  // The cell being read.
  let inCell = false;
  let address = '';
  let t: string | undefined;
  let styleId: number | undefined;
  let value: string | undefined;
  let rich: Array<{ text?: string }> | undefined;
  let formula: string | undefined;
  let shareType: string | undefined;
  let si: string | undefined;
  let ref: string | undefined;
  let hasV = false;
  let node: 'f' | 'v' | 't' | undefined;
  let run: { text?: string } | undefined;
  let runText: string[] | undefined;
  let skip = 0;

  const closeCell = () => {
    const numFmt = styleId ? ctx.numFmts[styleId] : undefined;
    let kind = Kind.Value;
    let v: CellValue;
    if (formula || shareType) {
      const f: { formula?: string; sharedFormula?: string; result?: unknown; ref?: string; shareType?: string } = {};
      let result: unknown;
      if (value !== undefined || (hasV && t === 'str')) {
        const s = value ?? '';
        if (t === 'str') result = xmlDecode(s);
        else if (t === 'b') result = parseInt(s, 10) !== 0;
        else if (t === 'e') result = { error: s };
        else result = parseFloat(s);
      }
      if (typeof result === 'number' && isDateFmt(numFmt)) result = excelToDate(result, ctx.date1904);
      if (formula) f.formula = formula;
      if (result !== undefined) f.result = result;
      if (shareType === 'shared') {
        if (ref) {
          formulae.set(String(si), address);
          if (ref) f.ref = ref;
          f.shareType = shareType;
        } else {
          const master = formulae.get(String(si));
          if (master) f.sharedFormula = master;
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
          const got = ctx.shared[parseInt(s, 10)];
          if (got === undefined) throw new XlsxError(`${path} 的单元格 ${address} 引用了不存在的共享字符串 ${s}`);
          v = got;
          break;
        }
        case 'str':
          v = xmlDecode(s);
          break;
        case 'inlineStr':
          v = rich !== undefined ? { richText: rich } : s;
          break;
        case 'b':
          v = parseInt(s, 10) !== 0;
          break;
        case 'e':
          v = { error: s };
          break;
        default: {
          const n = parseFloat(s);
          v = isDateFmt(numFmt) ? excelToDate(n, ctx.date1904) : n;
        }
      }
    } else if (styleId) {
      kind = Kind.Null;
      v = null;
    } else return; // exceljs drops a cell with neither value nor style
    let col: number;
    if (address === '') {
      col = prevCol + 1;
      address = columnLetter(col) + (row as SheetRow).number;
    } else col = decodeAddress(address).col;
    prevCol = col;
    const cell = new SheetCell(address, (row as SheetRow).number, col, numFmt, kind, v, ws);
    (row as SheetRow).cells[col - 1] = cell;
    byAddress.set(address, cell);
  };

  let inSheetData = false;
  parseXml(path, bytes, {
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
          const n = a['r'] !== undefined ? parseInt(a['r'], 10) : lastRow + 1;
          if (!Number.isInteger(n) || n < 1) throw new XlsxError(`${path} 的行号“${a['r'] ?? ''}”无效`);
          lastRow = n;
          row = new SheetRow(n, ws);
          ws.rows.set(n, row);
          prevCol = 0;
          return;
        }
        case 'c':
          if (row === undefined) return;
          inCell = true;
          address = a['r'] ?? '';
          t = a['t'];
          styleId = a['s'] !== undefined ? parseInt(a['s'], 10) : undefined;
          value = undefined;
          rich = undefined;
          formula = undefined;
          shareType = undefined;
          si = undefined;
          ref = undefined;
          hasV = false;
          node = undefined;
          return;
        case 'mergeCell':
          if (a['ref'] !== undefined) merges.push(a['ref']);
          return;
        case 'hyperlink': {
          const id = relId(a);
          if (a['ref'] !== undefined && id !== undefined) links.push({ ref: a['ref'], rId: id });
          return;
        }
        default:
          return;
      }
    },
    text(s) {
      if (skip > 0) return;
      if (runText !== undefined) runText.push(s);
      else if (node === 'f') formula = formula === undefined ? s : formula + s;
      else if (node === 'v' || node === 't') value = value === undefined ? s : value + s;
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
            runText = undefined;
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
      if (tag === 'sheetData') inSheetData = false;
    },
  });

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
  const ranges: Array<{ top: number; left: number; bottom: number; right: number }> = [];
  let covered = 0;
  for (const m of merges) {
    const [p, q = p] = m.split(':') as [string, string?];
    const x = decodeAddress(p);
    const y = decodeAddress(q as string);
    const top = Math.min(x.row, y.row);
    const bottom = Math.max(x.row, y.row);
    const left = Math.min(x.col, y.col);
    const right = Math.max(x.col, y.col);
    if (ranges.some((r) => r.left <= right && left <= r.right && r.top <= bottom && top <= r.bottom)) throw new XlsxError('Cannot merge already merged cells');
    ranges.push({ top, left, bottom, right });
    covered += (bottom - top + 1) * (right - left + 1);
    if (covered > MAX_MERGED_CELLS) throw new XlsxError(`${path} 的合并单元格范围过大`);
    const cellAt = (r: number, c: number): SheetCell => {
      let rw = ws.rows.get(r);
      if (rw === undefined) {
        rw = new SheetRow(r, ws);
        ws.rows.set(r, rw);
      }
      let cell = rw.cells[c - 1];
      if (cell === undefined) {
        cell = new SheetCell(columnLetter(c) + r, r, c, undefined, Kind.Null, null, ws);
        rw.cells[c - 1] = cell;
      }
      return cell;
    };
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
 * now, and the sheets named in `eager` (the others when first asked for).
 * @throws XlsxError when a part the reader needs is not well-formed XML, has a DOCTYPE, or refers
 *   to what is not there.
 */
export function readXlsx(entries: ReadonlyMap<string, Uint8Array>, eager: readonly string[] = []): Book {
  const wbPath = 'xl/workbook.xml';
  const wbBytes = entries.get(wbPath);
  if (wbBytes === undefined) throw new XlsxError(`缺少 ${wbPath}`);
  const declared: Array<{ name: string; rId: string | undefined }> = [];
  let date1904 = false;
  parseXml(wbPath, wbBytes, {
    open(name, a) {
      if (name === 'sheet' && a['name'] !== undefined) declared.push({ name: a['name'], rId: relId(a) });
      else if (name === 'workbookPr') date1904 = a['date1904'] === '1';
    },
    close() {},
  });
  const rels = readRels(entries, 'xl/_rels/workbook.xml.rels');
  const sheets: Array<{ name: string; path: string }> = [];
  for (const s of declared) {
    const target = s.rId === undefined ? undefined : rels.get(s.rId);
    if (target === undefined) continue;
    const path = `xl/${target.replace(/^(\s|\/xl\/)+/, '')}`;
    // exceljs reads worksheets only (chart sheets and others are not sheets it knows).
    if (!entries.has(path) || !/xl\/worksheets\/sheet(\d+)[.]xml/.test(path)) continue;
    sheets.push({ name: s.name, path });
  }
  const ctx: Context = { entries, shared: readSharedStrings(entries), numFmts: readStyles(entries), date1904 };
  const book = new Book(sheets, (name, path) => readSheet(ctx, name, path));
  for (const name of eager) book.getWorksheet(name);
  return book;
}
