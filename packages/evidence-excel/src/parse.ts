/**
 * Reading filled workbooks back into evidence, every row accounted for.
 * @module
 */
import ExcelJS from 'exceljs';
import type { Cell, Workbook, Worksheet } from 'exceljs';
import {
  EvidenceError,
  mergeEvidence,
  type CompiledRuleset,
  type EvidenceBundle,
  type EvidenceField,
  type EvidencePart,
  type EvidenceRecord,
  type FieldValue,
  type Issue,
  type Unit,
} from '@safecity/engine';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_UNCOMPRESSED_BYTES, inspectContainer, type WorkbookLimits } from './container.js';
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
  VALUE_LETTER,
  expectation,
  shouldBe,
  planWorkbook,
  rowLabel,
} from './plan.js';
import { convert, toBoolean, type Converted, type Raw } from './values.js';

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

const KNOWN_SHEETS = new Set([GUIDE_SHEET, ITEM_SHEET, GENERAL_SHEET, META_SHEET, LISTS_SHEET]);

function fail(file: string, message: string): never {
  throw new EvidenceError([{ path: file, message }], `无法读取工作簿 ${file}`);
}

/** Plain text of a cell value that is text-like (string, rich text, hyperlink), else undefined. */
function textOf(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object') {
    const o = v as { richText?: Array<{ text?: unknown }>; text?: unknown; hyperlink?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => (typeof r.text === 'string' ? r.text : '')).join('');
    if ('hyperlink' in o && o.text !== undefined) return textOf(o.text);
  }
  return undefined;
}

/** A plain (non-formula) value as a raw cell. */
function rawOf(v: unknown, numFmt: string | undefined): Raw | undefined {
  if (v === null || v === undefined) return { kind: 'blank' };
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', value: v, percent: /%/.test(numFmt ?? '') } : { kind: 'error', code: String(v) };
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

/** Read `_meta`: the ruleset, the unit and the row map; every inconsistency is fatal. */
function readMeta(wb: Workbook, file: string, ruleset: CompiledRuleset, units: readonly Unit[] | undefined): { unit: Unit; rows: MapRow[] } {
  const ws = wb.getWorksheet(META_SHEET);
  if (ws === undefined) {
    fail(file, `找不到模板信息（隐藏工作表 ${META_SHEET}）：此工作簿不是由 safecity 模板生成的，或模板信息已被删除；请使用下发的模板填报`);
  }
  const kv = new Map<string, string>();
  const rows: MapRow[] = [];
  const broken = (what: string): never => fail(`${file}!${META_SHEET}`, `模板信息（${META_SHEET}）已损坏：${what}；请使用下发的模板重新填报`);
  const byName = new Map(ruleset.fields.map((f) => [f.name, f]));
  let inRows = false;
  ws.eachRow((row, r) => {
    const key = cellText(row.getCell(1)).trim();
    if (key === 'rows') {
      inRows = true;
      return;
    }
    if (!inRows) {
      kv.set(key, cellText(row.getCell(2)).trim());
      return;
    }
    if (key !== 'row') return;
    const sheet = cellText(row.getCell(2));
    const at = Number(cellText(row.getCell(3)));
    const kind = cellText(row.getCell(4));
    const item = cellText(row.getCell(5));
    const fieldName = cellText(row.getCell(6));
    const document = cellText(row.getCell(7));
    if ((sheet !== ITEM_SHEET && sheet !== GENERAL_SHEET) || !Number.isInteger(at) || at <= HEADER_ROW || !['value', 'document', 'info'].includes(kind)) {
      broken(`第 ${r} 行无法识别`);
    }
    const m: MapRow = { sheet, row: at, kind: kind as MapRow['kind'], item };
    if (kind !== 'info') {
      const f = byName.get(fieldName);
      if (f === undefined) broken(`第 ${r} 行的字段 ${fieldName} 不是本细则的佐证字段`);
      m.field = f;
      if (kind === 'document') {
        if (document === '' || f?.type !== 'documents') broken(`第 ${r} 行的文件项无法识别`);
        m.document = document;
      }
    }
    rows.push(m);
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
  if (id !== ruleset.id || ver !== ruleset.version) {
    fail(file, `此工作簿按 ${id} ${ver} 生成，当前细则为 ${ruleset.id} ${ruleset.version}；请使用当前细则的模板重新填报`);
  }
  if (hash !== ruleset.hash) {
    fail(file, `此工作簿按 ${id} ${ver} 生成，但细则内容已变更（模板校验码 ${hash}，当前细则 ${ruleset.hash}）；请使用当前细则的模板重新填报`);
  }
  const unit: Unit = { id: kv.get('unitId') ?? '', name: kv.get('unitName') ?? '', kind: kv.get('unitKind') ?? '' };
  if (unit.id === '' || unit.name === '' || unit.kind === '') broken('评价对象信息缺失');
  if (!ruleset.unitKinds.includes(unit.kind)) fail(file, `此工作簿的评价对象 ${unit.name}（${unit.kind}）不适用细则 ${ruleset.id}（适用于 ${ruleset.unitKinds.join('、')}）`);
  if (units !== undefined) {
    const known = units.find((u) => u.id === unit.id);
    if (known === undefined) fail(file, `此工作簿的评价对象 ${unit.name}（${unit.id}）不在评价对象名单中`);
    if (known.name !== unit.name || known.kind !== unit.kind) {
      fail(file, `此工作簿的评价对象为 ${unit.name}（${unit.id}，${unit.kind}），名单中为 ${known.name}（${known.kind}）`);
    }
  }
  if (rows.length === 0) broken('没有填报行');
  return { unit, rows };
}

/**
 * Read one filled workbook made from {@link excelTemplate}.
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

async function parse(input: Uint8Array, options: ParseWorkbookOptions): Promise<ParsedWorkbook> {
  const { file, ruleset } = options;
  if (!(input instanceof Uint8Array)) fail(file, '输入应为文件的字节（Uint8Array）');
  const limits = {
    maxFileBytes: options.limits?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxUncompressedBytes: options.limits?.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES,
  };
  const problem = inspectContainer(input, limits);
  if (problem !== undefined) fail(file, problem.message);

  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(input.buffer, input.byteOffset, input.byteLength) as unknown as ArrayBuffer);
  } catch (err) {
    fail(file, `工作簿已损坏，无法读取（${err instanceof Error ? err.message : String(err)}）；请用 Excel 或 WPS 打开后重新保存为 .xlsx`);
  }
  const { unit, rows } = readMeta(wb, file, ruleset, options.units);

  const issues: Issue[] = [];
  const warnings: Issue[] = [];
  const records: EvidenceRecord[] = [];
  const values: Record<string, FieldValue> = Object.create(null) as Record<string, FieldValue>;
  const sources: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const plan = planWorkbook(ruleset, unit);
  const infoText = new Map(plan.items.map((p) => [p.item.id, p.info]));

  for (const ws of wb.worksheets) {
    if (!KNOWN_SHEETS.has(ws.name)) warnings.push({ path: `${file}!${ws.name}`, message: `工作表“${ws.name}”不是模板的一部分，其内容未读取` });
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
    HEADERS.forEach((h, i) => {
      const got = cellText(header.getCell(i + 1));
      if (squash(got) !== squash(h)) {
        headerOk = false;
        issues.push({ path: placeOf(HEADER_ROW, i + 1), message: `表头应为“${h}”，实为“${got}”：列被插入、删除或修改；请使用下发的模板` });
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
        if (col > HEADERS.length && !isBlank(readCell(cell).raw)) {
          warnings.push({ path: placeOf(r, col), message: `模板列之外的单元格有内容（${JSON.stringify(cell.text)}），未读取` });
        }
      });
      if (r === HEADER_ROW) continue;
      const m = byRow.get(r);
      if (m === undefined) {
        let first: number | undefined;
        row.eachCell({ includeEmpty: false }, (cell, col) => {
          if (first === undefined && col <= HEADERS.length && !isBlank(readCell(cell).raw)) first = col;
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
          reject(`第 ${r} 行的评分项编号为“${id}”，模板中为“${m.item}”：行被修改、排序或移动；请使用下发的模板重新填报`);
          continue;
        }
      }
      if (f !== undefined) {
        const label = cellText(row.getCell(COL.label));
        const want = rowLabel(f, m.document);
        if (squash(label) !== squash(want)) {
          reject(`第 ${r} 行的佐证项为“${label}”，模板中为“${want.split('\n')[0]}”：行被修改、排序或移动；请使用下发的模板重新填报`);
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
        } else reject(`${where}无需填报，此处不应填写内容（实为 ${JSON.stringify(cell.text)}）`);
        continue;
      }
      if (read.noResult === true) {
        reject(`${where}是公式（${read.formula}），但文件中没有保存计算结果；请在 Excel 中重新计算后保存，或直接填写数值`);
        continue;
      }
      if (read.raw.kind === 'error') {
        reject(`${where}${read.formula === undefined ? '' : `是公式（${read.formula}），`}为错误值 ${read.raw.code}；请改为有效的值`);
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
            ? { status: 'bad', expected, found: read.raw.kind === 'text' ? JSON.stringify(read.raw.text) : cell.text }
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
        const seen = acc.get(f.name)?.docs ?? [];
        const names = c.value as string[];
        const dup = names.find((d, i) => seen.includes(d) || names.indexOf(d) !== i);
        if (dup !== undefined) {
          reject(`${where}中文件“${dup}”重复填写`);
          continue;
        }
      }
      const rec: EvidenceRecord = { place, unit: unit.id, field: f.name, status: c.status === 'blank' ? 'empty' : 'accepted' };
      if (m.item !== '') rec.item = m.item;
      records.push(rec);
      if (c.status === 'blank') continue;
      if (read.formula !== undefined) {
        warnings.push({ path: place, message: `${where}是公式（${read.formula}），已按文件中保存的计算结果 ${JSON.stringify(cell.text || String(c.value))} 读取；请核对` });
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

  for (const [name, a] of acc) {
    if (a.rejected || !a.answered) continue;
    values[name] = a.field.type === 'documents' ? a.docs.slice() : (a.value as FieldValue);
    sources[name] = a.places;
  }
  if (issues.length > 0) throw new EvidenceError(issues, `工作簿 ${file} 有 ${issues.length} 处问题`);
  return { part: { unit, values, sources }, records, warnings };
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
      if (err instanceof EvidenceError) issues.push(...err.issues);
      else issues.push({ path: file, message: `无法读取工作簿：${err instanceof Error ? err.message : String(err)}` });
    }
  }
  const merged = mergeEvidence(parts);
  issues.push(...merged.issues);
  if (issues.length > 0) throw new EvidenceError(issues, `佐证工作簿有 ${issues.length} 处问题`);
  return { ruleset: { id: options.ruleset.id, version: options.ruleset.version, hash: options.ruleset.hash }, units: merged.units, records, warnings };
}
