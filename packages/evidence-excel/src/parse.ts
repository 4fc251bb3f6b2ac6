/**
 * Reading filled workbooks back into evidence, every row accounted for.
 * @module
 */
import {
  EvidenceError,
  mergeEvidence,
  registerValue,
  unitIdProblem,
  takesRegister,
  type CompiledRuleset,
  type DocumentEntry,
  type EvidenceBundle,
  type EvidenceField,
  type EvidencePart,
  type EvidenceRecord,
  spreadsheetTextBack,
  type FieldValue,
  type Issue,
  type Unit,
} from '@safecity/engine';
import { openContainer, resolveWorkbookLimits, ContainerProblem, type WorkbookLimits } from './container.js';
import { Book, EXCEL_MAX_ROWS, XlsxLimitError, clip, readXlsx, type Book as Workbook, type Sheet as Worksheet, type SheetCell as Cell } from './xlsx.js';
import { ProblemList } from './problems.js';
import {
  COL,
  FORMAT,
  FORMAT_VERSION,
  GENERAL_SHEET,
  GUIDE_SHEET,
  HEADERS,
  HEADER_ROW,
  ITEM_SHEET,
  LISTS_SHEET,
  META_SHEET,
  RCOL,
  REGISTER_HEADERS,
  REGISTER_SHEET,
  VALUE_LETTER,
  headersOf,
  requirementText,
  expectation,
  shouldBe,
  planWorkbook,
  requiredDocuments,
  rowLabel,
} from './plan.js';
import { BOOLEAN_WORDS, convert, quoted, shown, toBoolean, trimSpace, type Converted, type Raw } from './values.js';

/** Options of {@link parseWorkbook}. */
export interface ParseWorkbookOptions {
  /** The file's name as it should appear in places, e.g. `yanta.xlsx` → `yanta.xlsx!评分项!G7`. */
  file: string;
  /** The ruleset the workbook's template was made from (same id, version and hash). */
  ruleset: CompiledRuleset;
  /** When given, the workbook's unit must be one of these (same id, name and kind). */
  units?: readonly Unit[];
  /** Size limits, checked before the workbook is opened. */
  limits?: WorkbookLimits;
}

/** What one workbook holds. */
export interface ParsedWorkbook {
  /** The unit's values (only those reported) and the cells each came from. */
  part: EvidencePart;
  /** One record per row of `评分项` and `基本情况` below the header (and per non-empty row added outside the template). */
  records: EvidenceRecord[];
  /** Things to look at that do not stop scoring, e.g. a formula's cached result used. */
  warnings: Issue[];
}

/** Options of {@link readWorkbooks}. */
export interface ReadWorkbooksOptions {
  ruleset: CompiledRuleset;
  units?: readonly Unit[];
  limits?: WorkbookLimits;
}

interface MapRow {
  sheet: string;
  row: number;
  kind: 'value' | 'document' | 'info';
  item: string;
  field?: EvidenceField;
  document?: string;
}

const KNOWN_SHEETS = new Set([GUIDE_SHEET, ITEM_SHEET, GENERAL_SHEET, META_SHEET, LISTS_SHEET, REGISTER_SHEET]);

function fail(file: string, message: string): never {
  throw new EvidenceError([{ path: file, message }], `无法读取工作簿 ${file}`);
}

/** A workbook the xlsx reader refused: over a limit (at the sheet, when it is a sheet's), or broken. */
function failXlsx(file: string, err: unknown): never {
  if (err instanceof XlsxLimitError) {
    fail(err.sheet === undefined ? file : `${file}!${clip(err.sheet)}`, `超出读取上限，拒绝读取：${err.message}`);
  }
  fail(file, `工作簿已损坏，无法读取（${err instanceof Error ? err.message : String(err)}）；请用 Excel 或 WPS 打开后重新保存为 .xlsx`);
}

/** Plain text of a cell value that is text-like (string, rich text, hyperlink), else undefined. */
function textOf(v: unknown): string | undefined {
  // the template quotes text that would read as a formula (spreadsheetText): read it as given
  if (typeof v === 'string') return spreadsheetTextBack(v);
  if (v !== null && typeof v === 'object') {
    const o = v as { richText?: Array<{ text?: unknown }>; text?: unknown; hyperlink?: unknown };
    if (Array.isArray(o.richText)) return spreadsheetTextBack(o.richText.map((r) => (typeof r.text === 'string' ? r.text : '')).join(''));
    if ('hyperlink' in o && o.text !== undefined) return textOf(o.text);
  }
  return undefined;
}

/** A plain (non-formula) value as a raw cell. */
function rawOf(v: unknown, numFmt: string | undefined): Raw | undefined {
  if (v === null || v === undefined) return { kind: 'blank' };
  // A number too large for a double (`1e999999`) reads as Infinity: not a value anyone meant.
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', value: v, percent: (numFmt ?? '').includes('%') } : { kind: 'error', code: Number.isNaN(v) ? '非数值' : '数值超出范围' };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v };
  if (v instanceof Date) return { kind: 'date', value: v };
  const t = textOf(v);
  if (t !== undefined) return { kind: 'text', text: t };
  if (typeof v === 'object' && typeof (v as { error?: unknown }).error === 'string') return { kind: 'error', code: (v as { error: string }).error };
  return undefined;
}

/** What a cell holds, with its formula if it has one. */
interface CellRead {
  raw: Raw;
  formula?: string;
  /** A formula with no cached result in the file. */
  noResult?: boolean;
}

function readCell(cell: Cell): CellRead {
  const v = cell.value as unknown;
  if (v !== null && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v)) {
    const f = v as { formula?: string; sharedFormula?: string; result?: unknown };
    const formula = '=' + (cell.formula ?? f.formula ?? f.sharedFormula ?? '');
    if (f.result === undefined || f.result === null) return { raw: { kind: 'blank' }, formula, noResult: true };
    return { raw: rawOf(f.result, cell.numFmt) ?? { kind: 'text', text: String(f.result) }, formula };
  }
  return { raw: rawOf(v, cell.numFmt) ?? { kind: 'text', text: cell.text } };
}

function isBlank(raw: Raw): boolean {
  return raw.kind === 'blank' || (raw.kind === 'text' && raw.text.replace(/[\s\u3000\u00a0\ufeff]+/g, '') === '');
}

function cellText(cell: Cell): string {
  const r = readCell(cell).raw;
  if (r.kind === 'text') return r.text;
  if (r.kind === 'number') return String(r.value);
  if (r.kind === 'blank') return '';
  return cell.text;
}

const squash = (s: string) => s.replace(/[\s\u3000\u00a0]+/g, '');

/** A pre-filled row of 佐证材料清单, as `_meta` records it. */
interface RegRow {
  row: number;
  item: string;
  field: EvidenceField;
  document: string;
}

/** What `_meta` says of a workbook. */
interface Meta {
  unit: Unit;
  rows: MapRow[];
  version: number;
  register: RegRow[];
  /** The first blank row of 佐证材料清单 and how many there are. */
  extra?: { first: number; count: number };
}

/**
 * Read `_meta`: the format, the edition, the unit and the row map; every inconsistency is
 * fatal. The ruleset (edition) is checked before the rows, so a workbook of another edition
 * says which edition it was made for, not that its template information is broken.
 */
function readMeta(wb: Workbook, file: string, ruleset: CompiledRuleset, units: readonly Unit[] | undefined): Meta {
  const ws = wb.getWorksheet(META_SHEET);
  if (ws === undefined) {
    fail(file, `找不到模板信息（隐藏工作表 ${META_SHEET}）：此工作簿不是由 safecity 模板生成的，或模板信息已被删除；请使用下发的模板填报`);
  }
  const kv = new Map<string, string>();
  const raw: Array<{ r: number; key: string; cells: string[] }> = [];
  const broken = (what: string): never => fail(`${file}!${META_SHEET}`, `模板信息（${META_SHEET}）已损坏：${what}；请使用下发的模板重新填报`);
  const byName = new Map(ruleset.fields.map((f) => [f.name, f]));
  let inRows = false;
  let unitIdRow = 0;
  ws.eachRow((row, r) => {
    const key = cellText(row.getCell(1)).trim();
    if (key === 'rows') {
      inRows = true;
      return;
    }
    if (!inRows) {
      if (key === 'unitId') unitIdRow = r;
      kv.set(key, cellText(row.getCell(2)).trim());
      return;
    }
    raw.push({ r, key, cells: [2, 3, 4, 5, 6, 7].map((c) => cellText(row.getCell(c))) });
  });
  if (kv.get('format') !== FORMAT) {
    fail(file, `找不到模板信息（隐藏工作表 ${META_SHEET} 不是 safecity 模板信息）：此工作簿不是由 safecity 模板生成的；请使用下发的模板填报`);
  }
  const version = Number(kv.get('formatVersion'));
  if (!Number.isInteger(version) || version < 1) broken('格式版本无法识别');
  if (version > FORMAT_VERSION) fail(file, `此工作簿由更新版本的工具生成（模板格式 ${version}），当前只能读取格式 ${FORMAT_VERSION}；请升级 @safecity/evidence-excel`);
  const id = kv.get('rulesetId') ?? '';
  const ver = kv.get('rulesetVersion') ?? '';
  const hash = kv.get('rulesetHash') ?? '';
  // What `_meta` says is quoted in messages: at most 80 characters of each.
  const q = (x: string) => clip(x, 80);
  // The edition first: a workbook of last year's rubric is not "broken".
  const made = kv.get('rulesetTitle');
  const madeEdition = kv.get('rulesetEdition');
  const madeFor = `${made !== undefined && made !== '' ? `《${q(made)}》` : ''}（${q(id)} ${q(ver)}${madeEdition !== undefined && madeEdition !== '' ? `，${q(madeEdition)}版` : ''}）`;
  const current = `《${ruleset.title.zh}》（${ruleset.id} ${ruleset.version}，${ruleset.edition}版）`;
  if (id !== ruleset.id || ver !== ruleset.version) {
    fail(file, `此工作簿是按评价细则${madeFor}生成的，当前细则为${current}；请使用当前细则的模板重新填报（上一版已填的数据可用 safecity migrate 迁移到新模板）`);
  }
  if (hash !== ruleset.hash) {
    fail(file, `此工作簿按 ${q(id)} ${q(ver)} 生成，但细则内容已变更（模板校验码 ${q(hash)}，当前细则 ${ruleset.hash}）；请使用当前细则的模板重新填报`);
  }
  const rows: MapRow[] = [];
  const register: RegRow[] = [];
  let extra: Meta['extra'];
  for (const { r, key, cells } of raw) {
    const [sheet = '', atText = '', kind = '', item = '', fieldName = '', document = ''] = cells;
    const at = Number(atText);
    if (key === 'reg') {
      const f = byName.get(fieldName);
      if (sheet !== REGISTER_SHEET || !Number.isInteger(at) || at <= HEADER_ROW || at > EXCEL_MAX_ROWS || f === undefined) broken(`第 ${r} 行无法识别`);
      register.push({ row: at, item, field: f as EvidenceField, document });
      continue;
    }
    if (key === 'regExtra') {
      const count = Number(kind);
      if (!Number.isInteger(at) || !Number.isInteger(count) || count < 0 || at > EXCEL_MAX_ROWS || count > EXCEL_MAX_ROWS) broken(`第 ${r} 行无法识别`);
      extra = { first: at, count };
      continue;
    }
    if (key !== 'row') continue;
    if ((sheet !== ITEM_SHEET && sheet !== GENERAL_SHEET) || !Number.isInteger(at) || at <= HEADER_ROW || at > EXCEL_MAX_ROWS || !['value', 'document', 'info'].includes(kind)) {
      broken(`第 ${r} 行无法识别`);
    }
    const m: MapRow = { sheet, row: at, kind: kind as MapRow['kind'], item };
    if (kind !== 'info') {
      const f = byName.get(fieldName);
      if (f === undefined) broken(`第 ${r} 行的字段 ${q(fieldName)} 不是本细则的佐证字段`);
      m.field = f;
      if (kind === 'document') {
        if (document === '' || f?.type !== 'documents') broken(`第 ${r} 行的文件项无法识别`);
        m.document = document;
      }
    }
    rows.push(m);
  }
  const unit: Unit = { id: kv.get('unitId') ?? '', name: kv.get('unitName') ?? '', kind: kv.get('unitKind') ?? '' };
  if (unit.id === '' || unit.name === '' || unit.kind === '') broken('评价对象信息缺失');
  // The unit id names output files (`<id>.scorecard.json`): an edited one is refused by the grammar.
  const idProblem = unitIdProblem(unit.id, '评价对象的单位编号');
  if (idProblem !== undefined) fail(`${file}!${META_SHEET}!B${unitIdRow}`, `模板信息（${META_SHEET}）已损坏：${idProblem}；请使用下发的模板重新填报`);
  if (!ruleset.unitKinds.includes(unit.kind)) fail(file, `此工作簿的评价对象 ${q(unit.name)}（${q(unit.kind)}）不适用细则 ${ruleset.id}（适用于 ${ruleset.unitKinds.join('、')}）`);
  if (units !== undefined) {
    const known = units.find((u) => u.id === unit.id);
    if (known === undefined) fail(file, `此工作簿的评价对象 ${q(unit.name)}（${q(unit.id)}）不在评价对象名单中`);
    if (known.name !== unit.name || known.kind !== unit.kind) {
      fail(file, `此工作簿的评价对象为 ${q(unit.name)}（${q(unit.id)}，${q(unit.kind)}），名单中为 ${known.name}（${known.kind}）`);
    }
  }
  if (rows.length === 0) broken('没有填报行');
  const meta: Meta = { unit, rows, version, register };
  if (extra !== undefined) meta.extra = extra;
  return meta;
}

/**
 * Read one filled workbook made from `excelTemplate` (`@safecity/evidence-excel/template`).
 *
 * The bytes are checked before they are opened (size, zip structure, declared and actual
 * decompressed size under a cap, encryption, legacy .xls, macros). The hidden `_meta` must
 * match the ruleset's id, version and hash. Every row of `评分项` and `基本情况` is then
 * accounted for: accepted, empty (blank = not reported) or rejected with its cell and a
 * plain message; rows added outside the template with any content are rejected.
 *
 * @throws EvidenceError listing every problem of the workbook at once, each with its place
 *   (`file!评分项!G7`).
 */
export async function parseWorkbook(input: Uint8Array, options: ParseWorkbookOptions): Promise<ParsedWorkbook> {
  try {
    return await parse(input, options);
  } catch (err) {
    if (err instanceof EvidenceError) throw err;
    // Never a bare stack trace: whatever went wrong is named with the file.
    fail(options.file, `无法读取工作簿：${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Options of {@link openWorkbook}. */
export interface OpenWorkbookOptions {
  /** The file's name as it should appear in places (`lintong.xlsx!意见反馈清单`). */
  file: string;
  /** The limits (default: `DEFAULT_WORKBOOK_LIMITS`). */
  limits?: WorkbookLimits;
  /** Sheets to read now (the others when first asked for); a problem in one is thrown from here. */
  sheets?: readonly string[];
}

/**
 * Open any .xlsx (a filled ledger, a self-evaluation, a template) with the reader and the
 * limits {@link parseWorkbook} uses: the bytes are checked and inflated under the size caps,
 * and every sheet read is streamed with its rows, cells and text bounded. Cells read as
 * exceljs 4.4 read them (`getWorksheet(name)?.getRow(r).getCell(c).value`, `eachRow`,
 * `rowCount`), so a reader written for exceljs moves to it unchanged.
 *
 * @throws EvidenceError with one problem at the file (or `file!Sheet` for a sheet's limit), in
 *   Chinese: not a workbook, too large, broken, over a limit. A sheet read later by
 *   `getWorksheet` throws the same way.
 */
export function openWorkbook(input: Uint8Array, options: OpenWorkbookOptions): Book {
  const { file } = options;
  const { entries, limits } = openEntries(input, file, options.limits);
  let wb: Workbook;
  try {
    wb = readXlsx(entries, [], limits);
  } catch (err) {
    failXlsx(file, err);
  }
  const book = new Book(wb.sheets, (name, path) => {
    try {
      return wb.parseSheet(name, path);
    } catch (err) {
      failXlsx(file, err);
    }
  });
  for (const name of options.sheets ?? []) book.getWorksheet(name);
  return book;
}

/** The workbook's zip entries, each inflated once under the limits; not a workbook, too large or broken is a problem at the file. */
function openEntries(input: Uint8Array, file: string, given: WorkbookLimits | undefined): { entries: Exclude<ReturnType<typeof openContainer>, ContainerProblem>; limits: ReturnType<typeof resolveWorkbookLimits> } {
  if (!(input instanceof Uint8Array)) fail(file, '输入应为文件的字节（Uint8Array）');
  const limits = resolveWorkbookLimits(given);
  const entries = openContainer(input, limits);
  if (entries instanceof ContainerProblem) fail(file, entries.message);
  return { entries, limits };
}

async function parse(input: Uint8Array, options: ParseWorkbookOptions): Promise<ParsedWorkbook> {
  const { file, ruleset } = options;
  const { entries, limits } = openEntries(input, file, options.limits);

  let wb: Workbook;
  try {
    // The sheets the reader reads, parsed now, so that a broken one is reported as such.
    wb = readXlsx(entries, [META_SHEET, ITEM_SHEET, GENERAL_SHEET, REGISTER_SHEET], limits);
  } catch (err) {
    failXlsx(file, err);
  }
  const meta = readMeta(wb, file, ruleset, options.units);
  const { unit, rows } = meta;

  const issues = new ProblemList(limits.maxProblems);
  const warnings = new ProblemList(limits.maxProblems, '提示');
  const records: EvidenceRecord[] = [];
  const values: Record<string, FieldValue> = Object.create(null) as Record<string, FieldValue>;
  const sources: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const register: Record<string, DocumentEntry[]> = Object.create(null) as Record<string, DocumentEntry[]>;
  const plan = planWorkbook(ruleset, unit);
  const infoText = new Map(plan.items.map((p) => [p.item.id, p.info]));

  for (const ws of wb.worksheets) {
    if (!KNOWN_SHEETS.has(ws.name)) warnings.push({ path: `${file}!${clip(ws.name)}`, message: `工作表“${clip(ws.name)}”不是模板的一部分，其内容未读取` });
  }

  // Per field: the cells it was read from and, for documents, what each row gave.
  interface Acc {
    field: EvidenceField;
    item: string;
    places: string[];
    rejected: boolean;
    answered: boolean;
    docs: string[];
    value?: FieldValue;
  }
  const acc = new Map<string, Acc>();

  for (const sheetName of [ITEM_SHEET, GENERAL_SHEET]) {
    const mapped = rows.filter((r) => r.sheet === sheetName);
    if (mapped.length === 0) continue;
    const ws: Worksheet | undefined = wb.getWorksheet(sheetName);
    if (ws === undefined) {
      issues.push({ path: `${file}!${sheetName}`, message: `找不到工作表“${sheetName}”（被删除或改名）；请恢复模板中的工作表名称` });
      continue;
    }
    const placeOf = (r: number, col: number = COL.value) => `${file}!${sheetName}!${ws.getColumn(col).letter}${r}`;
    const header = ws.getRow(HEADER_ROW);
    let headerOk = true;
    const headers = headersOf(meta.version, sheetName);
    headers.forEach((h, i) => {
      const got = cellText(header.getCell(i + 1));
      if (squash(got) !== squash(h)) {
        headerOk = false;
        issues.push({ path: placeOf(HEADER_ROW, i + 1), message: `表头应为“${h}”，实为“${clip(got)}”：列被插入、删除或修改；请使用下发的模板` });
      }
    });
    if (!headerOk) continue;
    const byRow = new Map(mapped.map((m) => [m.row, m]));
    // The template's rows and every row with content (never every row up to rowCount: a
    // column formatted to the bottom of the sheet would make that a million rows).
    const visit = new Set<number>([HEADER_ROW, ...mapped.map((m) => m.row)]);
    ws.eachRow({ includeEmpty: false }, (_row, r) => {
      if (r > HEADER_ROW) visit.add(r);
    });
    for (const r of [...visit].sort((a, b) => a - b)) {
      const row = ws.getRow(r);
      // Anything typed right of the template's columns is not read: say so.
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        if (col > headers.length && !isBlank(readCell(cell).raw)) {
          warnings.push({ path: placeOf(r, col), message: `模板列之外的单元格有内容（${quoted(cell.text)}），未读取` });
        }
      });
      if (r === HEADER_ROW) continue;
      const m = byRow.get(r);
      if (m === undefined) {
        let first: number | undefined;
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          if (first === undefined && col <= headers.length && !isBlank(readCell(cell).raw)) first = col;
        });
        if (first !== undefined) {
          const message = `第 ${r} 行是模板外新增的行，其内容不会被读取；请删除该行，或把数据填到模板中对应的行`;
          records.push({ place: placeOf(r, first), unit: unit.id, status: 'rejected', message });
          issues.push({ path: placeOf(r, first), message });
        }
        continue;
      }
      const place = placeOf(r);
      const f = m.field;
      const where =
        sheetName === ITEM_SHEET
          ? `评分项 ${m.item}${f === undefined ? '' : ` 的“${f.title.zh}”`}${m.document === undefined ? '' : `中“${m.document}”`}`
          : `${GENERAL_SHEET}“${f?.title.zh ?? ''}”`;
      const reject = (message: string) => {
        const rec: EvidenceRecord = { place, unit: unit.id, status: 'rejected', message };
        if (m.item !== '') rec.item = m.item;
        if (f !== undefined) rec.field = f.name;
        records.push(rec);
        issues.push({ path: place, message });
        if (f !== undefined) {
          const a = acc.get(f.name);
          if (a !== undefined) a.rejected = true;
        }
      };
      if (f !== undefined && !acc.has(f.name)) acc.set(f.name, { field: f, item: m.item, places: [], rejected: false, answered: false, docs: [] });

      // The row must still be the template's: same item id, same 佐证项 (no sorting or moving).
      if (sheetName === ITEM_SHEET) {
        const id = cellText(row.getCell(COL.id)).trim();
        if (id !== '' && id !== m.item) {
          reject(`第 ${r} 行的评分项编号为“${clip(id)}”，模板中为“${m.item}”：行被修改、排序或移动；请使用下发的模板重新填报`);
          continue;
        }
      }
      if (f !== undefined) {
        const label = cellText(row.getCell(COL.label));
        const want = rowLabel(f, m.document);
        if (squash(label) !== squash(want)) {
          reject(`第 ${r} 行的佐证项为“${clip(label)}”，模板中为“${want.split('\n')[0]}”：行被修改、排序或移动；请使用下发的模板重新填报`);
          continue;
        }
      }

      const cell = row.getCell(COL.value);
      if (cell.isMerged && cell.master.address !== cell.address) {
        reject(`${where}的填报值单元格 ${VALUE_LETTER}${r} 被合并到 ${cell.master.address}；请取消合并后逐行填写`);
        continue;
      }
      const read = readCell(cell);
      if (m.kind === 'info' || f === undefined) {
        const info = infoText.get(m.item);
        if (isBlank(read.raw) || (read.raw.kind === 'text' && squash(read.raw.text) === squash(info ?? ''))) {
          records.push({ place, unit: unit.id, item: m.item, status: 'empty', message: info ?? '本项无需填报' });
        } else reject(`${where}无需填报，此处不应填写内容（实为 ${quoted(cell.text)}）`);
        continue;
      }
      if (read.noResult === true) {
        reject(`${where}是公式（${clip(read.formula ?? '')}），但文件中没有保存计算结果；请在 Excel 中重新计算后保存，或直接填写数值`);
        continue;
      }
      if (read.raw.kind === 'error') {
        reject(`${where}${read.formula === undefined ? '' : `是公式（${clip(read.formula)}），`}为错误值 ${read.raw.code}；请改为有效的值`);
        continue;
      }
      let c: Converted;
      let expected: string;
      if (m.kind === 'document') {
        expected = '“是”或“否”';
        const b = isBlank(read.raw) ? undefined : toBoolean(read.raw);
        c = isBlank(read.raw)
          ? { status: 'blank' }
          : b === undefined
            ? { status: 'bad', expected, found: read.raw.kind === 'text' ? quoted(read.raw.text) : clip(cell.text) }
            : { status: 'ok', value: b };
      } else {
        expected = expectation(f);
        c = convert(f, read.raw, expected);
      }
      if (c.status === 'bad') {
        reject(`${where}${shouldBe(c.expected)}，实为${c.found}${c.hint === undefined ? '' : `（${c.hint}）`}`);
        continue;
      }
      if (c.status === 'ok' && m.kind === 'value' && f.type === 'documents') {
        // A set, not includes/indexOf: a cell of 30,000 names would make those quadratic.
        const seen = new Set(acc.get(f.name)?.docs ?? []);
        const names = c.value as string[];
        const dup = names.find((d) => seen.has(d) || (seen.add(d), false));
        if (dup !== undefined) {
          reject(`${where}中文件“${clip(dup)}”重复填写`);
          continue;
        }
      }
      const rec: EvidenceRecord = { place, unit: unit.id, field: f.name, status: c.status === 'blank' ? 'empty' : 'accepted' };
      if (m.item !== '') rec.item = m.item;
      records.push(rec);
      if (c.status === 'blank') {
        // A value typed into 备注 instead of 填报值 would be silently lost: say so, at the cell.
        const note = readCell(row.getCell(COL.note)).raw;
        if (!isBlank(note)) {
          const text = note.kind === 'text' ? note.text.trim() : cellText(row.getCell(COL.note));
          warnings.push({
            path: placeOf(r, COL.note),
            message: `${where}的填报值（${VALUE_LETTER} 列）为空，而备注中写有“${text.length > 40 ? text.slice(0, 39) + '…' : text}”：备注不计分；如这是填报值，请填到 ${VALUE_LETTER}${r}，否则本项按未提供计分`,
          });
        }
        continue;
      }
      if (read.formula !== undefined) {
        warnings.push({ path: place, message: `${where}是公式（${clip(read.formula)}），已按文件中保存的计算结果 ${quoted(cell.text || String(c.value))} 读取；请核对` });
      }
      if (c.warning !== undefined) warnings.push({ path: place, message: `${where}：${c.warning}` });
      const a = acc.get(f.name) as Acc;
      a.places.push(place);
      a.answered = true;
      if (m.kind === 'document') {
        if (c.value === true) a.docs.push(m.document as string);
      } else if (f.type === 'documents') a.docs.push(...(c.value as string[]));
      else a.value = c.value;
    }
  }

  // 不适用原因 (format 2): one cell per item, on its first row of 评分项.
  const claims: Record<string, string> = Object.create(null) as Record<string, string>;
  const itemSheet = wb.getWorksheet(ITEM_SHEET);
  if (meta.version >= 2 && itemSheet !== undefined) {
    const firstRow = new Map<string, number>();
    for (const m of rows) if (m.sheet === ITEM_SHEET && m.item !== '' && !firstRow.has(m.item)) firstRow.set(m.item, m.row);
    for (const [item, r] of firstRow) {
      const cell = itemSheet.getCell(r, COL.claim);
      const read = readCell(cell).raw;
      if (isBlank(read)) continue;
      const text = read.kind === 'text' ? read.text.trim() : cellText(cell).trim();
      if (text !== '') claims[item] = text;
    }
  }

  const reg = readRegister(wb, file, unit, meta, ruleset, issues, warnings, records);

  const plainYes: string[] = [];
  const names = new Set([...acc.keys(), ...reg.entries.keys()]);
  for (const name of names) {
    const a = acc.get(name);
    if (a?.rejected === true || reg.rejected.has(name)) continue;
    const entries = reg.entries.get(name);
    const f = a?.field ?? (entries?.[0]?.field as EvidenceField);
    if (entries !== undefined && entries.length > 0 && takesRegister(f)) {
      // The register decides for the documents it lists; a 是 counts alone only for a document it does not list.
      const listed = new Set(entries.map((e) => e.entry.document));
      const plain = f.type === 'documents' ? (a?.docs ?? []).filter((d) => !listed.has(d)) : undefined;
      values[name] = registerValue(f, entries.map((e) => e.entry), plain);
      register[name] = entries.map((e) => e.entry);
      sources[name] = [...(a?.places ?? []), ...entries.map((e) => e.place)];
      if (plain !== undefined && plain.length > 0) plainYes.push(f.title.zh);
      continue;
    }
    if (a === undefined || !a.answered) continue;
    values[name] = a.field.type === 'documents' ? a.docs.slice() : (a.value as FieldValue);
    sources[name] = a.places;
    const v = values[name];
    if (takesRegister(a.field) && (v === true || (Array.isArray(v) && v.length > 0))) plainYes.push(a.field.title.zh);
  }
  if (plainYes.length > 0) {
    warnings.push({
      path: file,
      message: `佐证材料清单为空：${plainYes.map((t) => `“${t}”`).join('、')}只填了“是”或文件名，未在“${REGISTER_SHEET}”中登记证明材料名称、文号和印发日期；暂按已提供计分，请补充登记（数据核查以清单为准）`,
    });
  }
  if (issues.length === 0 && Object.keys(values).length === 0) {
    warnings.push({ path: file, message: `未填写任何填报值：本单位将按未提供计分（${file}）` });
  }
  if (issues.length > 0) throw new EvidenceError(issues.list(file), `工作簿 ${file} 有 ${issues.length} 处问题`, warnings.list(file));
  const part: EvidencePart = { unit, values, sources };
  if (Object.keys(register).length > 0) part.register = { ...register };
  if (Object.keys(claims).length > 0) part.claims = { ...claims };
  return { part, records, warnings: warnings.list(file) };
}

/** Register entries read from 佐证材料清单, by field, each with its place. */
interface RegisterRead {
  entries: Map<string, Array<{ field: EvidenceField; entry: DocumentEntry; place: string }>>;
  /** Fields with a rejected register row (their value is not taken). */
  rejected: Set<string>;
}

/**
 * Read 佐证材料清单: the pre-filled rows (by `_meta`) and the blank rows at its end, each
 * accounted for; a bad date, a 是否归档 that is not a yes/no word, or a row naming an item
 * that takes no documents is an error at its cell.
 */
function readRegister(
  wb: Workbook,
  file: string,
  unit: Unit,
  meta: Meta,
  ruleset: CompiledRuleset,
  issues: ProblemList,
  warnings: ProblemList,
  records: EvidenceRecord[],
): RegisterRead {
  const out: RegisterRead = { entries: new Map(), rejected: new Set() };
  if (meta.version < 2) return out;
  const ws = wb.getWorksheet(REGISTER_SHEET);
  if (ws === undefined) {
    if (meta.register.length + (meta.extra?.count ?? 0) > 0) issues.push({ path: `${file}!${REGISTER_SHEET}`, message: `找不到工作表“${REGISTER_SHEET}”（被删除或改名）；请恢复模板中的工作表名称` });
    return out;
  }
  const placeOf = (r: number, col: number) => `${file}!${REGISTER_SHEET}!${ws.getColumn(col).letter}${r}`;
  const header = ws.getRow(HEADER_ROW);
  let headerOk = true;
  REGISTER_HEADERS.forEach((h, i) => {
    const got = cellText(header.getCell(i + 1));
    if (squash(got) !== squash(h)) {
      headerOk = false;
      issues.push({ path: placeOf(HEADER_ROW, i + 1), message: `表头应为“${h}”，实为“${clip(got)}”：列被插入、删除或修改；请使用下发的模板` });
    }
  });
  if (!headerOk) return out;
  const layout = planWorkbook(ruleset, unit).layout;
  const itemFields = new Map(layout.items.map((it) => [it.id, it.fields.filter(takesRegister)]));
  const generalFields = layout.general.filter(takesRegister);
  const byRow = new Map(meta.register.map((m) => [m.row, m]));
  const extraFirst = meta.extra?.first ?? Number.POSITIVE_INFINITY;
  const extraLast = meta.extra === undefined ? -1 : meta.extra.first + meta.extra.count - 1;
  const visit = new Set<number>(meta.register.map((m) => m.row));
  ws.eachRow({ includeEmpty: false }, (_row, r) => {
    if (r > HEADER_ROW) visit.add(r);
  });
  const dateField = { name: 'date', type: 'date', title: { zh: '印发日期' } } as EvidenceField;
  for (const r of [...visit].sort((a, b) => a - b)) {
    const row = ws.getRow(r);
    const text = (col: number): string | undefined => {
      const raw = readCell(row.getCell(col)).raw;
      if (isBlank(raw)) return undefined;
      const t = raw.kind === 'text' ? raw.text : raw.kind === 'number' ? String(raw.value) : cellText(row.getCell(col));
      const trimmed = trimSpace(t);
      return trimmed === '' ? undefined : trimmed;
    };
    const inputs = [RCOL.title, RCOL.number, RCOL.date, RCOL.archived, RCOL.link, RCOL.provider, RCOL.contact];
    const filled = inputs.some((c) => text(c) !== undefined);
    const pre = byRow.get(r);
    const isExtra = pre === undefined && r >= extraFirst && r <= extraLast;
    const place = placeOf(r, RCOL.title);
    if (pre === undefined && !isExtra) {
      if (filled || text(RCOL.item) !== undefined || text(RCOL.requirement) !== undefined) {
        const message = `${REGISTER_SHEET}第 ${r} 行是模板外新增的行，其内容不会被读取；请填在表末的空行中（不够时请向评估组索取新模板）`;
        records.push({ place: placeOf(r, RCOL.item), unit: unit.id, status: 'rejected', message });
        issues.push({ path: placeOf(r, RCOL.item), message });
      }
      continue;
    }
    // Which item and field the row is for.
    let field: EvidenceField | undefined;
    let item = pre?.item ?? '';
    let requirement = pre === undefined ? text(RCOL.requirement) : requirementText(pre);
    const reject = (at: string, message: string) => {
      const rec: EvidenceRecord = { place: at, unit: unit.id, status: 'rejected', message };
      if (item !== '') rec.item = item;
      if (field !== undefined) {
        rec.field = field.name;
        out.rejected.add(field.name);
      }
      records.push(rec);
      issues.push({ path: at, message });
    };
    if (pre !== undefined) {
      field = pre.field;
      const want = `${pre.item}`;
      const gotItem = text(RCOL.item) ?? '';
      if (pre.item !== '' && gotItem.split(/\s+/)[0] !== want) {
        reject(placeOf(r, RCOL.item), `${REGISTER_SHEET}第 ${r} 行的评分项为“${clip(gotItem)}”，模板中为“${want}”：行被修改、排序或移动；请使用下发的模板重新填报`);
        continue;
      }
    } else {
      if (!filled && text(RCOL.item) === undefined && text(RCOL.requirement) === undefined) continue;
      const id = (text(RCOL.item) ?? '').split(/\s+/)[0] ?? '';
      const candidates = id === GENERAL_SHEET ? generalFields : itemFields.get(id);
      if (id === '') {
        reject(placeOf(r, RCOL.item), `${REGISTER_SHEET}第 ${r} 行未填写评分项编号：请填写该文件所属的评分项编号`);
        continue;
      }
      if (candidates === undefined || candidates.length === 0) {
        item = id;
        const known = ruleset.items.some((i) => i.id === id);
        reject(
          placeOf(r, RCOL.item),
          known
            ? `${REGISTER_SHEET}第 ${r} 行的评分项 ${clip(id)} 不要求登记文件类佐证材料（或不适用于${unit.name}）；请核对评分项编号`
            : `${REGISTER_SHEET}第 ${r} 行的评分项“${clip(id)}”不是本细则的评分项；请从下拉列表中选择评分项编号`,
        );
        continue;
      }
      item = id === GENERAL_SHEET ? '' : id;
      field =
        candidates.find((f) => f.type === 'documents' && requirement !== undefined && (requiredDocuments(ruleset, unit, f.name) ?? []).includes(requirement)) ??
        candidates.find((f) => requirement !== undefined && f.title.zh === requirement) ??
        candidates.find((f) => f.type === 'documents') ??
        candidates[0];
    }
    const f = field as EvidenceField;
    if (!filled) {
      records.push({ place, unit: unit.id, ...(item !== '' ? { item } : {}), field: f.name, status: 'empty' });
      continue;
    }
    const entry: Partial<DocumentEntry> = {};
    let bad = false;
    const title = text(RCOL.title);
    if (title !== undefined) entry.title = title;
    const number = text(RCOL.number);
    if (number !== undefined) entry.number = number;
    const dateRaw = readCell(row.getCell(RCOL.date)).raw;
    if (!isBlank(dateRaw)) {
      const c = convert(dateField, dateRaw, '日期（YYYY-MM-DD）');
      if (c.status === 'ok') entry.date = c.value as string;
      else if (c.status === 'bad') {
        reject(placeOf(r, RCOL.date), `${REGISTER_SHEET}第 ${r} 行（${requirement ?? f.title.zh}）的印发日期应为日期（YYYY-MM-DD），实为${c.found}${c.hint === undefined ? '' : `（${c.hint}）`}`);
        bad = true;
      }
    }
    const archivedRaw = readCell(row.getCell(RCOL.archived)).raw;
    if (!isBlank(archivedRaw)) {
      const b = toBoolean(archivedRaw);
      if (b === undefined) {
        reject(placeOf(r, RCOL.archived), `${REGISTER_SHEET}第 ${r} 行（${requirement ?? f.title.zh}）的是否归档应为“是”或“否”（也接受 ${BOOLEAN_WORDS}），实为${shown(archivedRaw)}`);
        bad = true;
      } else entry.archived = b;
    }
    if (bad) continue;
    for (const [k, col] of [['link', RCOL.link], ['provider', RCOL.provider], ['contact', RCOL.contact]] as const) {
      const t = text(col);
      if (t !== undefined) entry[k] = t;
    }
    // Which required document it answers: the row's, the field itself (a yes/no field), or what it names.
    const document = pre !== undefined && pre.document !== '' ? pre.document : f.type === 'boolean' ? f.name : (pre === undefined ? requirement : undefined) ?? title ?? f.title.zh;
    const e = { document, ...entry } as DocumentEntry;
    const list = out.entries.get(f.name) ?? [];
    list.push({ field: f, entry: e, place });
    out.entries.set(f.name, list);
    records.push({ place, unit: unit.id, ...(item !== '' ? { item } : {}), field: f.name, status: 'accepted' });
  }
  void warnings;
  return out;
}

/**
 * Read many filled workbooks (one or more per unit) into one evidence bundle. Every file's
 * problems, and conflicts between files (the same field of a unit given twice with different
 * values), are collected before one EvidenceError is thrown.
 */
export async function readWorkbooks(files: ReadonlyArray<{ file: string; input: Uint8Array }>, options: ReadWorkbooksOptions): Promise<EvidenceBundle> {
  const issues: Issue[] = [];
  const parts: EvidencePart[] = [];
  const records: EvidenceRecord[] = [];
  const warnings: Issue[] = [];
  for (const { file, input } of files) {
    try {
      const o: ParseWorkbookOptions = { file, ruleset: options.ruleset };
      if (options.units !== undefined) o.units = options.units;
      if (options.limits !== undefined) o.limits = options.limits;
      const r = await parseWorkbook(input, o);
      parts.push(r.part);
      records.push(...r.records);
      warnings.push(...r.warnings);
    } catch (err) {
      if (err instanceof EvidenceError) {
        issues.push(...err.issues);
        warnings.push(...err.warnings);
      } else issues.push({ path: file, message: `无法读取工作簿：${err instanceof Error ? err.message : String(err)}` });
    }
  }
  const merged = mergeEvidence(parts, options.ruleset.fields);
  issues.push(...merged.issues);
  if (issues.length > 0) throw new EvidenceError(issues, `佐证工作簿有 ${issues.length} 处问题`, warnings);
  return { ruleset: { id: options.ruleset.id, version: options.ruleset.version, hash: options.ruleset.hash }, units: merged.units, records, warnings };
}
