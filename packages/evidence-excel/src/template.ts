/**
 * `@safecity/evidence-excel/template` — writing a fresh fill-in workbook for one unit. Built
 * from scratch every time (never load → edit → save: a re-save by exceljs re-optimises data
 * validations into overlapping ranges Excel rejects). A subpath of its own, so that the
 * reader (`@safecity/evidence-excel`) bundles without exceljs.
 * @module
 */
import type { Borders, Cell, DataValidation, Fill, Worksheet } from 'exceljs';
import { EvidenceError, documentsFromRegister, spreadsheetText, stampZipEntries, takesRegister, type CompiledRuleset, type DocumentEntry, type EvidenceField, type FieldValue, type Unit, type UnitEvidence } from '@safecity/engine';
import {
  COL,
  FORMAT,
  FORMAT_VERSION,
  GENERAL_SHEET,
  GUIDE_SHEET,
  HEADERS,
  HEADER_ROW,
  ITEM_SHEET,
  KIND_LABEL,
  LISTS_SHEET,
  META_SHEET,
  RCOL,
  REGISTER_EXTRA_ROWS,
  REGISTER_HEADERS,
  REGISTER_SHEET,
  TYPE_LABEL,
  headersOf,
  planRegister,
  requirementText,
  type RegisterRow,
  VALUE_LETTER,
  planWorkbook,
  expectation,
  shouldBe,
  rowLabel,
  unitLabel,
  vetoesReading,
  type PlannedRow,
  type WorkbookPlan,
} from './plan.js';
import { BOOLEAN_LIST, BOOLEAN_WORDS } from './values.js';

/** Options of {@link excelTemplate}. */
export interface ExcelTemplateOptions {
  /**
   * Input rows given to each `documents` field that has no required list (a free list of
   * document names, several per cell separated by "；"); default 1. Fields scored per missing
   * document always get one 是/否 row per required document instead.
   */
  rows?: number;
  /**
   * A unit's evidence to pre-fill the workbook with: its values in the 填报值 cells, its
   * register (佐证材料清单) rows and its 不适用 claims; what `parseWorkbook` reads back as the
   * same evidence. `safecity migrate` writes last year's evidence of an Excel unit this way.
   */
  evidence?: UnitEvidence;
  /** Blank rows at the end of 佐证材料清单 for further documents (default 20). */
  registerRows?: number;
}

const GREY: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEDEDED' } };
const HEADER_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFBFBFBF' } };
const INPUT_FILL: Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFFFF' } };
const THIN = { style: 'thin' as const, color: { argb: 'FF999999' } };
const BORDER: Partial<Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const WIDTHS = [12, 36, 40, 7, 32, 10, 18, 28, 24];
const REGISTER_WIDTHS = [16, 30, 36, 22, 13, 9, 30, 16, 12];
/** The 是/否 list of a validation: every word the reader accepts, 是 and 否 first. */
const BOOLEAN_FORMULA = `"${BOOLEAN_LIST.join(',')}"`;
const BOOLEAN_ERROR = `只能填写“是”或“否”（也接受 ${BOOLEAN_WORDS}）`;
const LINE_HEIGHT = 15;

/** Display width of text in Excel column units: CJK and full-width characters count 2. */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u3000-\u303f]|[\u{20000}-\u{3fffd}]/u.test(ch) ? 2 : 1;
  return w;
}

/** Lines a wrapped text takes in a column of the given width. */
function lines(text: string, width: number): number {
  if (text === '') return 1;
  const usable = Math.max(1, width - 1.5);
  return text.split('\n').reduce((n, p) => n + Math.max(1, Math.ceil(textWidth(p) / usable)), 0);
}

/** Excel's limits on validation texts (characters): longer texts make Excel "repair" the file. */
function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}

/** The data validation of one row's 填报值 cell (the same for every row of one field). */
function validationFor(row: PlannedRow, listRef: (values: readonly string[]) => string): DataValidation {
  const f = row.field as EvidenceField;
  const unit = f.unit !== undefined && f.unit !== '' ? `，单位：${f.unit}` : '';
  const title = clip(row.kind === 'document' ? (row.document as string) : f.title.zh, 32);
  const base = {
    allowBlank: true,
    showInputMessage: true,
    showErrorMessage: true,
    errorStyle: 'stop',
    promptTitle: title,
    errorTitle: clip('填报值不符合要求', 32),
  };
  const desc = f.description !== undefined ? `${f.description.zh}。` : '';
  const blank = '不填视为未提供。';
  if (row.kind === 'document' || f.type === 'boolean') {
    const what = row.kind === 'document' ? `是否已制定并提交《${row.document}》` : f.title.zh;
    return {
      ...base,
      type: 'list',
      formulae: [BOOLEAN_FORMULA],
      prompt: clip(`${what}：请选择“是”或“否”。${desc}${blank}`, 250),
      error: clip(`“${title}”${BOOLEAN_ERROR}`, 220),
    };
  }
  const expect = expectation(f);
  const prompt = (how: string) => clip(`${f.title.zh}：类型 ${TYPE_LABEL[f.type]}${unit}。${how}${desc}${blank}`, 250);
  const error = clip(`“${title}”${shouldBe(expect)}`, 220);
  switch (f.type) {
    case 'integer': {
      const lo = f.minimum ?? 0;
      const v: DataValidation =
        f.maximum === undefined
          ? { ...base, type: 'whole', operator: 'greaterThanOrEqual', formulae: [lo] }
          : { ...base, type: 'whole', operator: 'between', formulae: [lo, f.maximum] };
      return { ...v, prompt: prompt(`请填写${expect}，不要带单位。`), error };
    }
    case 'number': {
      const lo = f.minimum ?? -1e15;
      const hi = f.maximum ?? 1e15;
      return { ...base, type: 'decimal', operator: 'between', formulae: [lo, hi], prompt: prompt(`请填写${expect}，不要带单位。`), error };
    }
    case 'rate': {
      const lo = Math.max(0, f.minimum ?? 0);
      const hi = Math.min(100, f.maximum ?? 100);
      return { ...base, type: 'decimal', operator: 'between', formulae: [lo, hi], prompt: prompt(`请填写 ${lo}–${hi} 的数，如 95 表示 95%，最多三位小数。`), error };
    }
    case 'date':
      return {
        ...base,
        type: 'date',
        operator: 'between',
        formulae: [new Date(Date.UTC(1900, 0, 1)), new Date(Date.UTC(2099, 11, 31))],
        prompt: prompt('请按 YYYY-MM-DD 填写，如 2023-03-15。'),
        error: clip(`“${title}”应为日期，如 2023-03-15`, 220),
      };
    case 'enum':
      return { ...base, type: 'list', formulae: [listRef(f.values ?? [])], prompt: prompt('请从下拉列表中选择。'), error };
    case 'documents':
      // Any text: the type attribute is left out (exceljs writes none for 'any'), the prompt stays.
      return {
        ...base,
        type: 'any' as DataValidation['type'],
        formulae: [],
        prompt: prompt('请填写已制定的文件名称，多个用“；”分隔。'),
        error,
      };
  }
}

function styleLocked(c: Cell, wrap = true): void {
  c.fill = GREY;
  c.border = BORDER;
  c.alignment = { vertical: 'middle', wrapText: wrap };
  c.protection = { locked: true };
}

function styleInput(c: Cell): void {
  c.fill = INPUT_FILL;
  c.border = BORDER;
  c.alignment = { vertical: 'middle', wrapText: true };
  c.protection = { locked: false };
}

function setupSheet(ws: Worksheet, headers: readonly string[] = HEADERS, widths: readonly number[] = WIDTHS): void {
  ws.columns = widths.slice(0, headers.length).map((width) => ({ width }));
  const header = ws.getRow(HEADER_ROW);
  headers.forEach((h, i) => {
    const c = header.getCell(i + 1);
    c.value = h;
    c.font = { bold: true };
    c.fill = HEADER_FILL;
    c.border = BORDER;
    c.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    c.protection = { locked: true };
  });
  header.height = 22;
  // Frozen below the header and right of the item columns (编号, 评价内容, 评分标准, 分值).
  ws.views = [{ state: 'frozen', xSplit: COL.max, ySplit: HEADER_ROW, topLeftCell: 'E2', activeCell: `${VALUE_LETTER}2` }];
}

/** Write one field row's cells E–H (and the value cell's format). */
function writeFieldRow(ws: Worksheet, r: PlannedRow, info?: string): number {
  const row = ws.getRow(r.row);
  const label = row.getCell(COL.label);
  const unit = row.getCell(COL.unit);
  const value = row.getCell(COL.value);
  const note = row.getCell(COL.note);
  if (r.kind === 'info') {
    label.value = '—';
    unit.value = '';
    value.value = info ?? '无需填报';
    styleLocked(label);
    styleLocked(unit);
    styleLocked(value);
    value.font = { color: { argb: 'FF666666' }, italic: true };
    styleLocked(note);
    return lines(String(value.value), WIDTHS[COL.value - 1] as number);
  }
  const f = r.field as EvidenceField;
  label.value = rowLabel(f, r.document);
  unit.value = unitLabel(f, r.kind);
  styleLocked(label);
  styleLocked(unit);
  unit.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  styleInput(value);
  styleInput(note);
  if (r.kind === 'value') {
    if (f.type === 'date') value.numFmt = 'yyyy-mm-dd';
    else if (f.type === 'documents' || f.type === 'enum') value.numFmt = '@';
  }
  return Math.max(lines(String(label.value), WIDTHS[COL.label - 1] as number), 1);
}

/**
 * Add the data validations of a sheet's 填报值 cells: one bounded range per run of contiguous
 * rows sharing one validation (a field's document rows, a free list's rows); never one rule
 * per cell, never overlapping, never whole columns.
 */
function addValidations(ws: Worksheet, rows: readonly PlannedRow[], listRef: (values: readonly string[]) => string): number {
  let count = 0;
  let i = 0;
  while (i < rows.length) {
    const r = rows[i] as PlannedRow;
    if (r.kind === 'info') {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < rows.length) {
      const n = rows[j + 1] as PlannedRow;
      if (n.kind !== r.kind || n.field !== r.field || n.row !== (rows[j] as PlannedRow).row + 1 || r.kind === 'document') break;
      j++;
    }
    // Document rows each get their own prompt (it names the document); other runs share one.
    const dv = validationFor(r, listRef);
    ((ws as unknown as { dataValidations: unknown }).dataValidations as { add(address: string, v: DataValidation): void }).add(`${VALUE_LETTER}${r.row}:${VALUE_LETTER}${(rows[j] as PlannedRow).row}`, dv);
    count++;
    i = j + 1;
  }
  return count;
}

async function protect(ws: Worksheet): Promise<void> {
  // No password: protection guards against slips, not against intent; the reader checks
  // everything anyway. Formatting and resizing stay allowed.
  await ws.protect('', {
    selectLockedCells: true,
    selectUnlockedCells: true,
    formatCells: true,
    formatColumns: true,
    formatRows: true,
  });
}

function guide(ws: Worksheet, ruleset: CompiledRuleset, unit: Unit, plan: WorkbookPlan, registerRows: number): void {
  ws.columns = [{ width: 110 }];
  const kind = KIND_LABEL[unit.kind] ?? unit.kind;
  const inputs = plan.rows.filter((r) => r.kind !== 'info').length;
  const hasGeneral = plan.general.length > 0;
  const types = new Set(plan.rows.concat(plan.general).flatMap((r) => (r.field === undefined ? [] : [r.kind === 'document' ? 'document' : r.field.type])));
  const lines: Array<[string, 'title' | 'head' | 'text']> = [
    [`${ruleset.title.zh}——佐证数据填报表`, 'title'],
    [`评价对象：${unit.name}（${kind}，编号 ${unit.id}）`, 'text'],
    [`评价细则：${ruleset.title.zh}（${ruleset.id}，版本 ${ruleset.version}）`, 'text'],
    [`细则校验码：${ruleset.hash}`, 'text'],
    [`本表共 ${plan.items.length} 个评分项、${inputs} 个填报行${hasGeneral ? `；另有“${GENERAL_SHEET}” ${plan.general.length} 行` : ''}。`, 'text'],
    ['', 'text'],
    ['这是什么', 'head'],
    [`本工作簿用于${unit.name}报送安全发展示范城市创建自检评估的佐证数据。系统按“${ITEM_SHEET}”${hasGeneral ? `和“${GENERAL_SHEET}”` : ''}中填报的数据自动计分，评估组据此开展数据核查和现场检查。`, 'text'],
    ['', 'text'],
    ['怎么填', 'head'],
    [`1. 在“${ITEM_SHEET}”工作表中，每个佐证项占一行，同一评分项的各行合并显示评分项编号、评价内容、评分标准和分值。`, 'text'],
    ['2. 只填写白色的“填报值”列（G 列），需要说明的写在“备注（说明）”列（H 列）；灰色单元格不能修改。选中填报值单元格时会提示应填的类型和单位。', 'text'],
  ];
  const how: Record<string, string> = {
    boolean: `是/否：从下拉列表选择“是”或“否”（也接受 ${BOOLEAN_WORDS}）。`,
    document: `逐项文件（佐证项为“某类文件：文件名称”）：已制定并能提交该文件的选“是”，没有的选“否”（也接受 ${BOOLEAN_WORDS}）；并在“${REGISTER_SHEET}”中登记该文件。`,
    integer: '整数：填写不小于 0 的整数，如 12，不要带单位，不要写“约”“以上”等文字。',
    number: '数值：填写数字，如 3.5，不要带单位。',
    rate: '比率：填写 0–100 之间的数，表示百分比，如 95 表示 95%（填“95%”也可以）；最多三位小数。',
    date: '日期：按 YYYY-MM-DD 填写，如 2023-03-15（直接输入 Excel 日期也可以）。',
    enum: '选项：从下拉列表中选择一项。',
    documents: '文件清单：填写已制定的文件名称，多个文件用“；”分隔。',
  };
  let n = 3;
  for (const k of ['boolean', 'document', 'integer', 'number', 'rate', 'date', 'enum', 'documents']) {
    if (types.has(k)) lines.push([`${n++}. ${how[k]}`, 'text']);
  }
  lines.push(
    [`${n++}. 空白表示未填报：未填报的佐证项视为未提供佐证材料，相应评分项将被扣分（可能失去该项全部分值）。确实为 0 或“否”的，请如实填写 0 或“否”，不要留空。`, 'text'],
    [`${n++}. 请直接填写数值，不要使用公式；如使用公式，系统按其最后一次计算结果读取并提示核对。`, 'text'],
  );
  if (hasGeneral) lines.push([`${n++}. “${GENERAL_SHEET}”工作表填报不属于单个评分项的情况（如否决项所需数据），填法相同。`, 'text']);
  if (registerRows > 0) {
    lines.push([
      `${n++}. “${REGISTER_SHEET}”工作表逐份登记文件类佐证材料：每个要求的文件占一行（“材料要求”已预填），请填写证明材料名称、文号、印发日期、是否归档、附件路径或链接、提供单位和联系人。有证明材料名称、且有文号或印发日期的，才计为已提供；只填“是”而未登记的，暂按已提供计分并提示补充登记。同一要求有多份文件、或有其他文件的，填在表末空行，并在“评分项”列填写评分项编号。`,
      'text',
    ]);
  }
  lines.push([`${n++}. 认为某评分项不适用于本单位的，在“${ITEM_SHEET}”的“不适用原因”列（I 列）写明原因；是否不适用由评估组认定，不改变系统计分。`, 'text']);
  lines.push(
    ['', 'text'],
    ['注意', 'head'],
    ['• 不要修改灰色单元格，不要重命名、删除或新增工作表，不要插入、删除、排序或移动行和列；模板外新增的行不会被读取，并会被列为问题。', 'text'],
    ['• 请保存为 Excel 工作簿（.xlsx）格式；不要另存为 .xls、.xlsm、.csv 或 PDF，不要设置打开密码。', 'text'],
    ['• 工作表已设保护（无密码），只为防止误改；本工作簿中隐藏的数据用于识别模板，请勿改动。', 'text'],
  );
  lines.forEach(([text, style], i) => {
    const c = ws.getCell(i + 1, 1);
    c.value = text;
    c.alignment = { wrapText: true, vertical: 'top' };
    if (style === 'title') c.font = { bold: true, size: 14 };
    if (style === 'head') c.font = { bold: true, size: 12 };
    ws.getRow(i + 1).height = Math.max(1, Math.ceil(textWidth(text) / 105)) * (style === 'title' ? 20 : LINE_HEIGHT + 1);
  });
}

/** Where a unit's register entries go: per pre-filled row its entry, and the rest (with their item) for the blank rows. */
interface RegisterFill {
  byRow: Map<number, DocumentEntry>;
  extra: Array<{ item: string; field: EvidenceField; entry: DocumentEntry }>;
  /** Per field, the documents the register has an entry for (their 是/否 cells follow the register). */
  registered: Map<string, Set<string>>;
}

function registerFill(rows: readonly RegisterRow[], plan: WorkbookPlan, evidence: UnitEvidence | undefined): RegisterFill {
  const out: RegisterFill = { byRow: new Map(), extra: [], registered: new Map() };
  const register = evidence?.register;
  if (register === undefined) return out;
  const itemOf = new Map<string, string>();
  for (const it of plan.layout.items) for (const f of it.fields) if (!itemOf.has(f.name)) itemOf.set(f.name, it.id);
  const fields = new Map([...plan.layout.items.flatMap((it) => it.fields), ...plan.layout.general].map((f) => [f.name, f]));
  for (const name of Object.keys(register)) {
    const f = fields.get(name);
    if (f === undefined || !takesRegister(f)) continue;
    out.registered.set(name, new Set((register[name] ?? []).map((e) => e.document)));
    for (const e of register[name] ?? []) {
      // The first entry of a required document goes on its row; a free list's first entry whose document is its title, on the field's row.
      const row = rows.find(
        (r) => r.field.name === name && !out.byRow.has(r.row) && (r.document === e.document || (r.document === '' && e.title !== undefined && e.document === e.title)),
      );
      if (row !== undefined) out.byRow.set(row.row, e);
      else out.extra.push({ item: itemOf.get(name) ?? '', field: f, entry: e });
    }
  }
  return out;
}

/** Write a register entry's cells C–I of one row. */
function writeEntry(ws: Worksheet, row: number, e: DocumentEntry): void {
  const set = (col: number, v: string | Date | undefined) => {
    if (v !== undefined) ws.getCell(row, col).value = v;
  };
  set(RCOL.title, e.title);
  set(RCOL.number, e.number);
  set(RCOL.date, e.date === undefined ? undefined : new Date(`${e.date}T00:00:00Z`));
  set(RCOL.archived, e.archived === undefined ? undefined : e.archived ? '是' : '否');
  set(RCOL.link, e.link);
  set(RCOL.provider, e.provider);
  set(RCOL.contact, e.contact);
}

/** The 佐证材料清单 sheet: the pre-filled rows, then blank rows for more. */
function writeRegister(ws: Worksheet, plan: WorkbookPlan, rows: readonly RegisterRow[], extraRows: number, fill: RegisterFill, listRef: (values: readonly string[]) => string): void {
  setupSheet(ws, REGISTER_HEADERS, REGISTER_WIDTHS);
  ws.views = [{ state: 'frozen', xSplit: RCOL.requirement, ySplit: HEADER_ROW, topLeftCell: 'C2', activeCell: 'C2' }];
  const titles = new Map(plan.layout.items.map((it) => [it.id, it.title.zh]));
  const inputCols = [RCOL.title, RCOL.number, RCOL.date, RCOL.archived, RCOL.link, RCOL.provider, RCOL.contact];
  for (const r of rows) {
    const a = ws.getCell(r.row, RCOL.item);
    a.value = r.item === '' ? GENERAL_SHEET : `${r.item} ${titles.get(r.item) ?? ''}`.trim();
    styleLocked(a);
    const b = ws.getCell(r.row, RCOL.requirement);
    b.value = requirementText(r);
    styleLocked(b);
    for (const c of inputCols) styleInput(ws.getCell(r.row, c));
    const e = fill.byRow.get(r.row);
    if (e !== undefined) writeEntry(ws, r.row, e);
    ws.getRow(r.row).height = Math.max(lines(String(a.value), REGISTER_WIDTHS[0] as number), lines(String(b.value), REGISTER_WIDTHS[1] as number)) * LINE_HEIGHT + 4;
  }
  const first = (rows.at(-1)?.row ?? HEADER_ROW) + 1;
  const last = first + extraRows - 1;
  for (let r = first; r <= last; r++) {
    for (let c = RCOL.item; c <= RCOL.contact; c++) styleInput(ws.getCell(r, c));
    ws.getCell(r, RCOL.item).numFmt = '@';
    const x = fill.extra[r - first];
    if (x !== undefined) {
      ws.getCell(r, RCOL.item).value = x.item === '' ? GENERAL_SHEET : x.item;
      ws.getCell(r, RCOL.requirement).value = x.field.type === 'boolean' ? x.field.title.zh : x.entry.document;
      writeEntry(ws, r, x.entry);
    }
  }
  for (let r = HEADER_ROW + 1; r <= last; r++) {
    ws.getCell(r, RCOL.number).numFmt = '@';
    ws.getCell(r, RCOL.date).numFmt = 'yyyy-mm-dd';
  }
  if (last <= HEADER_ROW) return;
  const dv = (ws as unknown as { dataValidations: { add(address: string, v: DataValidation): void } }).dataValidations;
  const base = { allowBlank: true, showInputMessage: true, showErrorMessage: true, errorStyle: 'stop' as const };
  dv.add(`E2:E${last}`, {
    ...base,
    type: 'date',
    operator: 'between',
    formulae: [new Date(Date.UTC(1900, 0, 1)), new Date(Date.UTC(2099, 11, 31))],
    promptTitle: '印发日期',
    prompt: '请按 YYYY-MM-DD 填写文件的印发日期，如 2022-03-15。有文号或印发日期的文件才计为已提供。',
    errorTitle: '印发日期不符合要求',
    error: '印发日期应为日期，如 2022-03-15',
  });
  dv.add(`F2:F${last}`, {
    ...base,
    type: 'list',
    formulae: [BOOLEAN_FORMULA],
    promptTitle: '是否归档',
    prompt: '文件是否已归档：请选择“是”或“否”。',
    errorTitle: '是否归档不符合要求',
    error: clip(`是否归档${BOOLEAN_ERROR}`, 220),
  });
  if (last >= first) {
    const ids = [...plan.layout.items.filter((it) => it.fields.some(takesRegister)).map((it) => it.id), ...(plan.layout.general.some(takesRegister) ? [GENERAL_SHEET] : [])];
    if (ids.length > 0) {
      dv.add(`A${first}:A${last}`, {
        ...base,
        type: 'list',
        formulae: [listRef(ids)],
        promptTitle: '评分项',
        prompt: '另有文件的，请选择它所属的评分项编号，并在“材料要求”中写明它对应的文件要求。',
        errorTitle: '评分项不符合要求',
        error: '请从下拉列表中选择要求文件类佐证材料的评分项编号',
      });
    }
  }
}

/** How a value is written into a 填报值 cell. */
function cellValue(f: EvidenceField, v: FieldValue): string | number | Date | undefined {
  if (v === null) return undefined;
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (typeof v === 'number') return v;
  if (Array.isArray(v)) return v.length === 0 ? '无' : v.join('；');
  if (f.type === 'date' && typeof v === 'string') return new Date(`${v}T00:00:00Z`);
  return v as string;
}

/** Write a unit's values into a sheet's 填报值 cells (a document's 是/否 row: whether the list has it). */
function prefill(ws: Worksheet, rows: readonly PlannedRow[], evidence: UnitEvidence, registered: ReadonlyMap<string, ReadonlySet<string>>): void {
  const done = new Set<string>();
  for (const r of rows) {
    const f = r.field;
    if (r.kind === 'info' || f === undefined || !Object.prototype.hasOwnProperty.call(evidence.values, f.name)) continue;
    const v = evidence.values[f.name] as FieldValue;
    if (v === null || v === undefined) continue;
    const cell = ws.getCell(r.row, COL.value);
    if (r.kind === 'document') {
      cell.value = Array.isArray(v) && v.includes(r.document as string) ? '是' : '否';
      continue;
    }
    if (done.has(f.name)) continue;
    done.add(f.name);
    const reg = registered.get(f.name);
    if (reg !== undefined && reg.size > 0) {
      // The register gives this field's documents: write only what it does not (a yes/no field: nothing).
      if (f.type !== 'documents' || !Array.isArray(v)) continue;
      const counted = documentsFromRegister(evidence.register?.[f.name]).counted;
      const rest = v.filter((d) => !reg.has(d) && !counted.includes(d));
      if (rest.length > 0) cell.value = rest.join('；');
      continue;
    }
    const x = cellValue(f, v);
    if (x !== undefined) cell.value = x;
  }
}

/**
 * Build a fresh fill-in workbook (.xlsx) for one unit under a ruleset.
 *
 * Sheets: `填报说明` (how to fill it), `评分项` (one row per evidence field under its item,
 * typed validations on the 填报值 cells), `基本情况` (fields no item owns, when there are
 * any), and a very hidden `_meta` recording the ruleset id, version and hash, the unit and
 * which row holds which item, field and document, so reading never depends on visible text.
 *
 * @param ruleset - the compiled ruleset the unit is evaluated under
 * @param unit - the unit the workbook is for
 * @param options - see {@link ExcelTemplateOptions}
 * @returns the workbook's bytes
 * @throws EvidenceError when the unit is not a unit of a kind the ruleset is for
 */
export async function excelTemplate(ruleset: CompiledRuleset, unit: Unit, options: ExcelTemplateOptions = {}): Promise<Uint8Array> {
  if (unit === null || typeof unit !== 'object' || [unit.id, unit.name, unit.kind].some((s) => typeof s !== 'string' || s === '')) {
    throw new EvidenceError([{ path: '/unit', message: 'a unit is { id, name, kind } with non-empty text' }], 'Invalid unit');
  }
  if (!ruleset.unitKinds.includes(unit.kind)) {
    throw new EvidenceError(
      [{ path: '/unit/kind', message: `细则 ${ruleset.id} 适用于 ${ruleset.unitKinds.join('、')}，不适用于 ${unit.name}（${unit.kind}）` }],
      'Invalid unit',
    );
  }
  const plan = planWorkbook(ruleset, unit, options.rows);
  const evidence = options.evidence;
  if (evidence !== undefined && evidence.unit?.id !== unit.id) {
    throw new EvidenceError([{ path: '/evidence/unit', message: `预填的佐证材料属于 ${evidence.unit?.name ?? '?'}，而模板是为 ${unit.name} 生成的` }], 'Invalid evidence');
  }
  const regRows = planRegister(ruleset, plan);
  const regFill = registerFill(regRows, plan, evidence);
  const extraRows = Math.max(Math.min(Math.max(0, Math.floor(options.registerRows ?? REGISTER_EXTRA_ROWS)), 500), regFill.extra.length);
  // exceljs is loaded only to write a template: reading workbooks does without it. Its
  // self-contained build, not its Node entry: that one loads unzipper → bluebird, which builds
  // functions from strings (`new Function`) as it loads, so it fails under
  // `--disallow-code-generation-from-strings` and breaks the rule of no code from strings at
  // run time. The bare build (no polyfills: it sets no global) writes the same workbook, zipped
  // with JSZip, and generates no code.
  const { default: ExcelJS } = await import('exceljs/dist/exceljs.bare.min.js');
  const wb = new ExcelJS.Workbook();
  wb.creator = '@safecity/evidence-excel';
  // a fixed time, not the time of writing: the same ruleset, unit and evidence give the same bytes
  wb.created = TEMPLATE_TIME;
  wb.modified = TEMPLATE_TIME;
  wb.title = `${unit.name} · ${ruleset.title.zh}`;
  wb.subject = `${ruleset.id} ${ruleset.version}`;
  guide(wb.addWorksheet(GUIDE_SHEET, { properties: { tabColor: { argb: 'FF4472C4' } } }), ruleset, unit, plan, regRows.length + extraRows);

  // Enum lists too long for an inline list (or with commas) live on a hidden sheet.
  let lists: Worksheet | undefined;
  let listCol = 0;
  const listRef = (values: readonly string[]): string => {
    const inline = values.join(',');
    if (inline.length <= 250 && !values.some((v) => /[,"]/.test(v))) return `"${inline}"`;
    lists ??= wb.addWorksheet(LISTS_SHEET, { state: 'veryHidden' });
    listCol++;
    values.forEach((v, i) => (lists!.getCell(i + 1, listCol).value = v));
    const letter = lists.getColumn(listCol).letter;
    return `${LISTS_SHEET}!$${letter}$1:$${letter}$${values.length}`;
  };

  // ONE ROW PER FIELD. An item has one to five fields of different types (是/否, counts,
  // rates, dates…) and a data validation types one cell range of one column: with a row per
  // field, every 填报值 cell sits in column G with its own typed validation and prompt, which
  // a row per item with fields side by side could not give (columns would mean different
  // things on every row). The item's own columns (编号, 评价内容, 评分标准, 分值) are merged
  // down over its rows, so each item still reads as one block.
  const items = wb.addWorksheet(ITEM_SHEET, { properties: { tabColor: { argb: 'FF70AD47' } } });
  setupSheet(items, headersOf(FORMAT_VERSION, ITEM_SHEET));
  // A space after each section code, so text starting with digits is not read as a font size.
  items.headerFooter.oddHeader = clip(`&L ${unit.name.replace(/&/g, '&&')}&R ${ruleset.id} ${ruleset.version}`, 250);
  const heights = new Map<number, number>();
  for (const p of plan.items) {
    const it = p.item;
    const own = plan.rows.filter((r) => r.row >= p.first && r.row <= p.last);
    for (const r of own) heights.set(r.row, writeFieldRow(items, r, p.info));
    const kinds = it.evidenceKinds.map((k) => ({ policy: '政策文件', ledger: '台账报表', process: '过程资料', facility: '设施建设' })[k] ?? k);
    const checks = it.checkMethods.map((k) => ({ 'data-check': '数据核查', onsite: '现场检查' })[k] ?? k);
    const content = [
      `${it.title.zh}${it.bonus ? '（加分项）' : ''}`,
      ...(it.content !== undefined ? [it.content] : []),
      ...(kinds.length > 0 ? [`佐证材料：${kinds.join('、')}`] : []),
      ...(checks.length > 0 ? [`核查方式：${checks.join('、')}`] : []),
    ].join('\n');
    const texts: Array<[number, string | number]> = [
      [COL.id, it.id],
      [COL.content, content],
      [COL.standard, it.standard ?? ''],
      [COL.max, it.max],
    ];
    for (const [col, v] of texts) {
      const c = items.getCell(p.first, col);
      c.value = v;
      styleLocked(c);
      if (col === COL.id || col === COL.max) c.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
      if (p.last > p.first) items.mergeCells(p.first, col, p.last, col);
    }
    // 不适用原因: one cell per item, over its rows.
    const claim = items.getCell(p.first, COL.claim);
    styleInput(claim);
    claim.numFmt = '@';
    const reason = evidence?.claims?.[it.id];
    if (reason !== undefined) claim.value = reason;
    if (p.last > p.first) items.mergeCells(p.first, COL.claim, p.last, COL.claim);
    // Merged cells never auto-fit: give the block the height its longest text needs.
    const need = Math.max(lines(content, WIDTHS[COL.content - 1] as number), lines(it.standard ?? '', WIDTHS[COL.standard - 1] as number));
    const have = own.reduce((s, r) => s + (heights.get(r.row) ?? 1), 0);
    const extra = Math.max(0, need - have) / own.length;
    for (const r of own) items.getRow(r.row).height = Math.round(((heights.get(r.row) ?? 1) + extra) * LINE_HEIGHT * 10) / 10 + 4;
  }
  addValidations(items, plan.rows, listRef);
  if (evidence !== undefined) prefill(items, plan.rows, evidence, regFill.registered);
  await protect(items);

  if (plan.general.length > 0) {
    const gen = wb.addWorksheet(GENERAL_SHEET, { properties: { tabColor: { argb: 'FFED7D31' } } });
    setupSheet(gen, headersOf(FORMAT_VERSION, GENERAL_SHEET));
    for (const r of plan.general) {
      const f = r.field as EvidenceField;
      const h = writeFieldRow(gen, r);
      const vetoes = vetoesReading(ruleset, f.name);
      const texts: Array<[number, string]> = [
        [COL.id, vetoes.length > 0 ? '否决项' : '基本情况'],
        [COL.content, vetoes.length > 0 ? vetoes.map((v) => `否决项：${v.title}`).join('\n') : '基本情况'],
        [COL.standard, vetoes.map((v) => v.reason).join('\n')],
        [COL.max, '—'],
      ];
      for (const [col, v] of texts) {
        const c = gen.getCell(r.row, col);
        c.value = v;
        styleLocked(c);
      }
      const need = Math.max(h, ...texts.map(([col, v]) => lines(v, WIDTHS[col - 1] as number)));
      gen.getRow(r.row).height = need * LINE_HEIGHT + 4;
    }
    addValidations(gen, plan.general, listRef);
    if (evidence !== undefined) prefill(gen, plan.general, evidence, regFill.registered);
    await protect(gen);
  }

  if (regRows.length + extraRows > 0) {
    const reg = wb.addWorksheet(REGISTER_SHEET, { properties: { tabColor: { argb: 'FFFFC000' } } });
    writeRegister(reg, plan, regRows, extraRows, regFill, listRef);
    await protect(reg);
  }

  const meta = wb.addWorksheet(META_SHEET, { state: 'veryHidden' });
  const kv: Array<[string, string | number]> = [
    ['format', FORMAT],
    ['formatVersion', FORMAT_VERSION],
    ['rulesetId', ruleset.id],
    ['rulesetVersion', ruleset.version],
    ['rulesetHash', ruleset.hash],
    ['unitId', unit.id],
    ['unitName', unit.name],
    ['unitKind', unit.kind],
    ['rulesetTitle', ruleset.title.zh],
    ['rulesetEdition', ruleset.edition],
  ];
  for (const [k, v] of kv) meta.addRow([k, v]);
  meta.addRow(['rows', 'sheet', 'row', 'kind', 'item', 'field', 'document']);
  for (const r of [...plan.rows, ...plan.general]) meta.addRow(['row', r.sheet, r.row, r.kind, r.item, r.field?.name ?? '', r.document ?? '']);
  for (const r of regRows) meta.addRow(['reg', REGISTER_SHEET, r.row, 'register', r.item, r.field.name, r.document]);
  meta.addRow(['regExtra', REGISTER_SHEET, (regRows.at(-1)?.row ?? HEADER_ROW) + 1, extraRows]);
  // Ids, names and documents are text: keep them text whatever they look like.
  meta.getColumn(2).numFmt = '@';
  await protect(meta);

  // Clerks print the sheets to collect the documents and figures: landscape A4, every column on
  // the page, the header row on every page (the guide has no header row).
  for (const ws of wb.worksheets) {
    if (ws.state !== 'visible') continue;
    ws.pageSetup = {
      ...ws.pageSetup,
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
      ...(ws.name === GUIDE_SHEET ? {} : { printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}` }),
    };
    ws.headerFooter = { oddFooter: `&C${ws.name} · 第 &P 页，共 &N 页` };
  }
  wb.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 0, visibility: 'visible' }];
  quoteText(wb);
  const buf = await wb.xlsx.writeBuffer();
  return stampZipEntries(new Uint8Array(buf as ArrayBuffer));
}

/** The time a template's properties (and its zip entries, see stampZipEntries) give: fixed, so output is reproducible. */
const TEMPLATE_TIME = new Date(Date.UTC(2000, 0, 1));

/**
 * Every text cell of the workbook through the engine's `spreadsheetText`: text from the ruleset
 * or the evidence starting with `=`, `+`, `-`, `@`, a tab, a CR or `'` gets a leading `'`, so
 * no spreadsheet reads it as a formula; the reader removes it again (what is written reads back
 * as given). Done once, over every cell, so no writer of a cell can forget it.
 */
function quoteText(wb: { worksheets: Worksheet[] }): void {
  for (const ws of wb.worksheets)
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        const v = cell.value;
        if (typeof v === 'string') {
          const q = spreadsheetText(v);
          if (q !== v) cell.value = q;
        } else if (v !== null && typeof v === 'object' && 'richText' in v && Array.isArray(v.richText) && v.richText.length > 0) {
          const first = v.richText[0]!;
          const q = spreadsheetText(first.text);
          if (q !== first.text) cell.value = { richText: [{ ...first, text: q }, ...v.richText.slice(1)] };
        }
      }),
    );
}
