/**
 * The rectification ledger (问题整改台账) over time: read back a ledger workbook the unit and
 * the office have filled in ({@link readLedger}), set it against the re-scored round
 * ({@link rectificationStatus}: what is 销号, what is overdue, what still loses points, what is
 * new), and write the rectification report for officials ({@link rectificationMarkdown}).
 * @module
 */
import type ExcelJS from 'exceljs';
import { EvidenceError, isIsoDate, type Issue, type ScoreCard } from '@safecity/engine';
import type { CellValue, Sheet, WorkbookLimits } from '@safecity/evidence-excel';
import { feedbackRows, RECTIFICATION_TYPES, type FeedbackList, type FeedbackOptions, type RectificationType } from './feedback.js';
import { clipText, escapeMarkdown, escapeMarkdownCell, fmtDate, fmtPoints, milli, trimChars } from './util.js';
import type { RectificationStatusRow } from './narrative.js';
import {
  LEDGER_KEY_COLUMN,
  LEDGER_MARK,
  LEDGER_META_SHEET,
  LEDGER_OFFICE_HEADERS,
  LEDGER_PROGRESS,
  LEDGER_UNIT_HEADERS,
  WORKBOOK_HEADERS,
  type LedgerProgress,
} from './workbook.js';
import { FEEDBACK_LIST_TITLES } from './feedback.js';

/** One row of a read-back ledger: what was issued, and what the unit and the office filled in. */
export interface LedgerRow {
  /** The row's key (item id, deduction message id, source; see `FeedbackRow.key`). */
  key: string;
  list: FeedbackList;
  /** 序号 as issued. */
  no: number;
  itemId: string;
  itemTitle: string;
  /** 问题描述 as issued. */
  reason: string;
  /** The deduction's message id and source. */
  code: string;
  source: string;
  /** 扣分 as issued. */
  points: number;
  superseded: boolean;
  rectification: RectificationType;
  /** 整改时限 (YYYY-MM-DD): for 长期坚持, the round's review date. */
  due: string;
  /** Where the row is in the file as read (`lintong.xlsx!意见反馈清单!A7`). */
  place: string;
  /** 责任人 ('' when blank). */
  owner: string;
  /** 整改措施. */
  measures: string;
  /** 进度; undefined when blank. */
  progress: LedgerProgress | undefined;
  /** 整改佐证. */
  proof: string;
  /** 复核意见. */
  review: string;
  /** 销号日期 (YYYY-MM-DD); undefined when blank. */
  closed: string | undefined;
}

/** A read-back ledger: whose it is, of which ruleset and round, and its rows. */
export interface Ledger {
  file: string;
  unit: { id: string; name: string; kind: string };
  ruleset: { id: string; version: string; title: string; hash: string };
  /** The evidence hash of the card the ledger was written from. */
  evidenceHash: string;
  /** The feedback's date and the round's deadline (YYYY-MM-DD). */
  date: string;
  deadline: string;
  rows: LedgerRow[];
  /** What was noticed but is not an error (e.g. a row deleted from the sheet). */
  warnings: Issue[];
}

/** Options of {@link readLedger}. */
export interface ReadLedgerOptions {
  /** The unit the ledger must be of (its id): a `_meta` of another unit is an error. */
  unit?: string;
  /** Limits on the workbook (sizes, rows, cells, text, problems listed), as for evidence workbooks; the defaults are generous for any ledger. */
  limits?: WorkbookLimits;
}

const UNIT_START = WORKBOOK_HEADERS.length - LEDGER_UNIT_HEADERS.length - LEDGER_OFFICE_HEADERS.length + 1;
const COL = {
  no: 1,
  owner: UNIT_START,
  measures: UNIT_START + 1,
  progress: UNIT_START + 2,
  proof: UNIT_START + 3,
  review: UNIT_START + 4,
  closed: UNIT_START + 5,
} as const;

const letter = (n: number): string => (n <= 26 ? String.fromCharCode(64 + n) : `${String.fromCharCode(64 + Math.floor((n - 1) / 26))}${String.fromCharCode(65 + ((n - 1) % 26))}`);
const baseName = (f: string): string => f.split(/[\\/]/).pop() ?? f;

/** The numbers of a sheet's rows with content, in order (never every number up to the last row: a lone row at 1,048,576 would make that a million). */
function rowsOf(ws: Sheet): number[] {
  const out: number[] = [];
  ws.eachRow((_row, r) => out.push(r));
  return out;
}

/** A cell's value as text: rich text joined, a formula's cached result, a hyperlink's text. */
function cellText(v: ExcelJS.CellValue | CellValue): { text: string; formula?: boolean } {
  if (v === null || v === undefined) return { text: '' };
  if (typeof v === 'string') return { text: v };
  if (typeof v === 'number' || typeof v === 'boolean') return { text: String(v) };
  if (v instanceof Date) return { text: v.toISOString().slice(0, 10) };
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return { text: v.richText.map((t) => t.text).join('') };
    if ('formula' in v || 'sharedFormula' in v) {
      const r = (v as { result?: unknown }).result;
      return { text: r === undefined || r === null || typeof r === 'object' ? '' : String(r), formula: true };
    }
    if ('text' in v) return cellText((v as { text: ExcelJS.CellValue }).text);
    if ('error' in v) return { text: String((v as { error: unknown }).error), formula: true };
  }
  return { text: String(v) };
}

/**
 * Text a unit filled in, as it meant it: a leading `'` that quotes a formula character (how the
 * workbook and a careful clerk write `=…`) is dropped; surrounding blanks are trimmed.
 */
export function unquoteCell(text: string): string {
  const t = text.startsWith("'") ? text.slice(1) : text;
  // Plain code, not /^[ 　]+|[ 　]+$/g: that pattern is quadratic on a long inner run of blanks.
  return t.trim() === '' ? '' : trimChars(t, ' \u3000');
}

/** Text to write in a ledger cell so it reads back as given (`'` quotes `=`, `+`, `-`, `@`, a tab, a CR, a `'`). */
export function quoteCell(text: string): string {
  return /^[=+\-@\t\r']/.test(text) ? `'${text}` : text;
}

function isoDate(y: number, m: number, d: number): string | undefined {
  const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isIsoDate(s) ? s : undefined;
}

/** A date as clerks write it: a date cell, 2023-05-20, 2023/5/20, 2023.5.20, 2023年5月20日, or an Excel serial; else undefined. */
export function parseLedgerDate(v: ExcelJS.CellValue | CellValue): string | undefined {
  if (v instanceof Date) {
    // Years past 9999 write as +010000-…: not a YYYY-MM-DD.
    const s = Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
    return isIsoDate(s) ? s : undefined;
  }
  if (typeof v === 'number') {
    // An Excel date serial (1900 system) between 2000 and 2100.
    if (!Number.isInteger(v) || v < 36526 || v > 73051) return undefined;
    return new Date(Date.UTC(1899, 11, 30) + v * 86_400_000).toISOString().slice(0, 10);
  }
  // Trimmed first and at most 40 characters: the pattern's `\s*日?\s*$` backtracked quadratically on a long run of blanks.
  const text = cellText(v).text.trim();
  if (text.length > 40) return undefined;
  const m = /^(\d{4})\s*(?:-|\/|\.|年)\s*(\d{1,2})\s*(?:-|\/|\.|月)\s*(\d{1,2})(?:\s*日)?$/.exec(text);
  return m === null ? undefined : isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

interface MetaRow {
  sheet: string;
  row: number;
  no: number;
  key: string;
  itemId: string;
  code: string;
  source: string;
  rectification: RectificationType;
  due: string;
  points: number;
  superseded: boolean;
  itemTitle: string;
  reason: string;
}

/** The columns of a ledger row the office issued (the unit's and the office's own columns aside). */
function issued(
  x: Pick<LedgerRow, 'key' | 'no' | 'itemId' | 'itemTitle' | 'reason' | 'code' | 'source' | 'points' | 'superseded' | 'rectification' | 'due'>,
  list: FeedbackList,
  place: string,
) {
  const { key, no, itemId, itemTitle, reason, code, source, points, superseded, rectification, due } = x;
  return { key, list, no, itemId, itemTitle, reason, code, source, points, superseded, rectification, due, place };
}

/**
 * Read back a ledger workbook written by `feedbackWorkbook` and filled in by the unit
 * (责任人, 整改措施, 进度, 整改佐证) and the office (复核意见, 销号日期). Rows are matched by
 * their key (kept in a hidden column and in the hidden `_meta` sheet), so a clerk may re-sort
 * them; a row whose key was cleared is matched by its list and 序号.
 *
 * @throws EvidenceError listing every problem at its `file!Sheet!Cell` in Chinese — a 进度
 *   not in the list, a 销号日期 that is not a date, a formula, a row whose key is unknown or
 *   appears twice, a `_meta` missing or of another unit — with the warnings too.
 */
export async function readLedger(bytes: Uint8Array, fileName: string, options: ReadLedgerOptions = {}): Promise<Ledger> {
  const file = baseName(fileName);
  // Loaded here, not with the package: the HTML report never reads a workbook.
  const { openWorkbook, ProblemList, resolveWorkbookLimits } = await import('@safecity/evidence-excel');
  // The bounded reader of evidence workbooks: sizes, rows, cells and text capped while it streams.
  const wb = openWorkbook(bytes, {
    file,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    sheets: [LEDGER_META_SHEET, FEEDBACK_LIST_TITLES['data-check'], FEEDBACK_LIST_TITLES.onsite],
  });
  const { maxProblems } = resolveWorkbookLimits(options.limits);
  const issues = new ProblemList(maxProblems);
  const warnings = new ProblemList(maxProblems, '提示');
  const meta = wb.getWorksheet(LEDGER_META_SHEET);
  const metaCell = (r: number, c: number): CellValue => meta?.getRow(r).getCell(c).value ?? null;
  if (meta === undefined || metaCell(1, 1) !== LEDGER_MARK) {
    throw new EvidenceError(
      [{ path: `${file}!${LEDGER_META_SHEET}!A1`, message: '不是 safecity 生成的问题整改台账：缺少隐藏工作表“_meta”（请使用下发的台账文件填写，不要另存为新文件或复制到新工作簿）' }],
      `整改台账 ${file} 无法读取`,
    );
  }
  const m = meta;
  const kv = new Map<string, string>();
  let tableAt = 0;
  for (const r of rowsOf(m)) {
    if (r < 2) continue;
    const k = cellText(metaCell(r, 1)).text;
    if (k === 'sheet') {
      tableAt = r;
      break;
    }
    kv.set(k, cellText(metaCell(r, 2)).text);
  }
  const need = (k: string): string => {
    const v = kv.get(k);
    if (v === undefined || (v === '' && k !== 'rulesetTitle')) issues.push({ path: `${file}!${LEDGER_META_SHEET}`, message: `隐藏工作表“_meta”缺少“${k}”，台账已损坏` });
    return v ?? '';
  };
  const unit = { id: need('unitId'), name: need('unitName'), kind: need('unitKind') };
  const ruleset = { id: need('rulesetId'), version: need('rulesetVersion'), title: need('rulesetTitle'), hash: need('rulesetHash') };
  const evidenceHash = need('evidenceHash');
  const date = need('date');
  const deadline = need('deadline');
  if (options.unit !== undefined && unit.id !== '' && unit.id !== options.unit) {
    issues.push({ path: `${file}!${LEDGER_META_SHEET}!B2`, message: `这是${unit.name || unit.id}的整改台账，不是所要的单位（${options.unit}）的` });
  }
  const byKey = new Map<string, MetaRow>();
  const byNo = new Map<string, MetaRow>();
  if (tableAt === 0) issues.push({ path: `${file}!${LEDGER_META_SHEET}`, message: '隐藏工作表“_meta”缺少各行的键，台账已损坏' });
  else
    for (const r of rowsOf(m)) {
      if (r <= tableAt) continue;
      const c = (k: number) => cellText(metaCell(r, k)).text;
      if (c(4) === '') continue;
      const x: MetaRow = {
        sheet: c(1),
        row: Number(c(2)),
        no: Number(c(3)),
        key: c(4),
        itemId: c(5),
        code: c(6),
        source: c(7),
        rectification: (['immediate', 'deadline', 'ongoing'].includes(c(8)) ? c(8) : 'deadline') as RectificationType,
        due: c(9),
        points: Number(c(10)),
        superseded: c(11) === '1',
        itemTitle: unquoteCell(c(12)),
        reason: unquoteCell(c(13)),
      };
      byKey.set(x.key, x);
      byNo.set(`${x.sheet}#${x.no}`, x);
    }

  const rows: LedgerRow[] = [];
  const seen = new Map<string, string>();
  for (const list of ['data-check', 'onsite'] as FeedbackList[]) {
    const name = FEEDBACK_LIST_TITLES[list];
    const ws = wb.getWorksheet(name);
    if (ws === undefined) {
      if ([...byKey.values()].some((x) => x.sheet === name)) issues.push({ path: `${file}!${name}`, message: `缺少工作表“${name}”（不要删除或重命名工作表）` });
      continue;
    }
    // The header row: found by its 序号 header, so a clerk's inserted line above it does not shift it.
    let header = 0;
    for (let r = 1; r <= Math.min(ws.rowCount, 20); r++) {
      if (cellText(ws.getRow(r).getCell(1).value).text === WORKBOOK_HEADERS[0] && cellText(ws.getRow(r).getCell(COL.owner).value).text === LEDGER_UNIT_HEADERS[0]) {
        header = r;
        break;
      }
    }
    if (header === 0) {
      issues.push({ path: `${file}!${name}`, message: `工作表“${name}”找不到表头（序号…责任人…销号日期），请勿删除或改动表头行` });
      continue;
    }
    for (const r of rowsOf(ws)) {
      if (r <= header) continue;
      const row = ws.getRow(r);
      const at = (c: number) => `${file}!${name}!${letter(c)}${r}`;
      const no = cellText(row.getCell(COL.no).value).text.trim();
      const key = cellText(row.getCell(LEDGER_KEY_COLUMN).value).text.trim();
      if (key === '' && !/^\d+$/.test(no)) continue; // the totals line, 无扣分项, blank lines
      const x = key !== '' ? byKey.get(key) : byNo.get(`${name}#${no}`);
      if (x === undefined) {
        issues.push({
          path: key !== '' ? at(LEDGER_KEY_COLUMN) : at(COL.no),
          message: key !== '' ? `第${r}行的隐藏键“${clipText(key)}”不是本台账下发的问题（请勿在台账中复制或新增行）` : `第${r}行的序号 ${clipText(no)} 不是本清单下发的问题（请勿在台账中新增行）`,
        });
        continue;
      }
      if (x.sheet !== name) {
        issues.push({ path: at(COL.no), message: `第${r}行是“${x.sheet}”第${x.no}项，被移到了“${name}”（请勿在两个清单之间移动行）` });
        continue;
      }
      if (seen.has(x.key)) {
        issues.push({ path: at(COL.no), message: `第${r}行与${seen.get(x.key)}是同一问题（序号 ${x.no}），出现了两次` });
        continue;
      }
      seen.set(x.key, `第${r}行`);
      const text = (c: number, title: string): string => {
        const { text: t, formula } = cellText(row.getCell(c).value);
        if (formula === true) issues.push({ path: at(c), message: `“${title}”应填写文字，发现公式；请直接填写内容` });
        return unquoteCell(t);
      };
      const owner = text(COL.owner, '责任人');
      const measures = text(COL.measures, '整改措施');
      const progressText = text(COL.progress, '进度');
      const proof = text(COL.proof, '整改佐证');
      const review = text(COL.review, '复核意见');
      let progress: LedgerProgress | undefined;
      if (progressText !== '') {
        if ((LEDGER_PROGRESS as readonly string[]).includes(progressText.trim())) progress = progressText.trim() as LedgerProgress;
        else issues.push({ path: at(COL.progress), message: `“进度”应为${LEDGER_PROGRESS.join('、')}之一，发现“${clipText(progressText)}”` });
      }
      const closedValue = row.getCell(COL.closed).value;
      let closed: string | undefined;
      if (cellText(closedValue).text.trim() !== '') {
        closed = parseLedgerDate(closedValue);
        if (closed === undefined) issues.push({ path: at(COL.closed), message: `“销号日期”应为日期（如 2023-05-20 或 2023年5月20日），发现“${clipText(cellText(closedValue).text)}”` });
      }
      if (closed !== undefined && date !== '' && closed < date) {
        warnings.push({ path: at(COL.closed), message: `销号日期${fmtDate(closed)}早于台账下发日期${fmtDate(date)}，请核对` });
      }
      rows.push({
        ...issued(x, list, at(COL.no)),
        owner,
        measures,
        progress,
        proof,
        review,
        closed,
      });
    }
  }
  for (const x of byKey.values()) {
    if (!seen.has(x.key)) warnings.push({ path: `${file}!${x.sheet}`, message: `下发的第${x.no}项（${x.itemId} ${x.itemTitle}）不在台账中（行被删除？），按未填写处理` });
  }
  if (issues.length > 0) throw new EvidenceError(issues.list(file), `整改台账 ${file} 有 ${issues.length} 处问题`, warnings.list(file));
  // Issued order, whatever order the clerk left the rows in.
  // By index, not indexOf: that made the sort quadratic in the rows.
  const order = new Map([...byKey.keys()].map((k, i) => [k, i]));
  rows.sort((a, b) => (order.get(a.key) as number) - (order.get(b.key) as number));
  for (const x of byKey.values())
    if (!seen.has(x.key))
      rows.push({
        ...issued(x, x.sheet === FEEDBACK_LIST_TITLES.onsite ? 'onsite' : 'data-check', `${file}!${x.sheet}`),
        owner: '',
        measures: '',
        progress: undefined,
        proof: '',
        review: '',
        closed: undefined,
      });
  return { file, unit, ruleset, evidenceHash, date, deadline, rows, warnings: warnings.list(file) };
}

/** Where a ledger row stands after the re-scored round. */
export type RectificationState = '已销号' | '仍扣分' | '逾期' | '待销号' | '整改中' | '未开始' | '长期坚持';

/** One ledger row, judged against the re-scored round. */
export interface RectificationItem {
  row: LedgerRow;
  state: RectificationState;
  /** Points the re-scored card still deducts for it (0 when none). */
  pointsNow: number;
  /** Whether the re-scored round still deducts it. */
  stillDeducted: boolean;
  /** Days past its 整改时限 on the status date (0 when not overdue or 长期坚持). */
  daysOverdue: number;
  /** Why it needs attention, when it does: `单位报已完成，复核仍扣分`, `已销号，复核仍扣分`. */
  flag?: string;
}

/** A deduction of the re-scored round that the ledger does not have (新增). */
export interface NewProblem {
  key: string;
  itemId: string;
  itemTitle: string;
  reason: string;
  points: number;
  list: FeedbackList;
}

/** A unit's ledger against its re-scored card. */
export interface RectificationStatus {
  unit: { id: string; name: string };
  ruleset: { id: string; version: string; title: string };
  /** The status date (YYYY-MM-DD). */
  date: string;
  ledger: { file: string; date: string; evidenceHash: string; rulesetVersion: string };
  rescored: { evidenceHash: string; rulesetVersion: string; total: number };
  items: RectificationItem[];
  added: NewProblem[];
  counts: Record<RectificationState, number> & { rows: number; added: number; flagged: number };
}

/** Options of {@link rectificationStatus}. */
export interface RectificationStatusOptions {
  /** The status date (YYYY-MM-DD): rows past their 整改时限 on it and not closed are 逾期. */
  date: string;
  /** Options of the re-scored card's feedback rows (its ruleset, units), to name new problems as the lists do. */
  feedback?: FeedbackOptions;
}

const days = (a: string, b: string): number => Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);

/**
 * Set a read-back ledger against the unit's re-scored card. Per row: 已销号 (a 销号日期, and
 * no longer deducted); 仍扣分 (still deducted, though the unit says 已完成 or the office closed
 * it: flagged); 长期坚持 (no end date; `stillDeducted` says whether it still loses points);
 * 待销号 (the unit says 已完成, no longer deducted, not yet closed); 逾期 (past its 整改时限,
 * not closed); else 整改中 / 未开始. A row is still deducted when the re-scored card has a
 * deduction with points on the same item with the same message id. Deductions of the re-scored
 * card the ledger does not have are 新增.
 *
 * @throws TypeError when the card is of another unit or ruleset, or the date is not YYYY-MM-DD.
 */
export function rectificationStatus(ledger: Ledger, rescored: ScoreCard, options: RectificationStatusOptions): RectificationStatus {
  if (!isIsoDate(options.date)) throw new TypeError(`the status date must be YYYY-MM-DD, found "${options.date}"`);
  if (rescored.unit.id !== ledger.unit.id) throw new TypeError(`the re-scored card is of ${rescored.unit.name}, but the ledger ${ledger.file} is of ${ledger.unit.name}`);
  if (rescored.ruleset.id !== ledger.ruleset.id) throw new TypeError(`the re-scored card of ${rescored.unit.name} was scored under ${rescored.ruleset.id}, but the ledger ${ledger.file} under ${ledger.ruleset.id}`);
  const now = feedbackRows(rescored, { ...(options.feedback ?? {}), date: options.date }).filter((r) => !r.superseded && milli(r.points) > 0);
  const deducted = new Map<string, number>();
  for (const r of now) deducted.set(`${r.itemId}|${r.code}`, (deducted.get(`${r.itemId}|${r.code}`) ?? 0) + milli(r.points));
  const items: RectificationItem[] = [];
  for (const row of ledger.rows) {
    if (row.superseded) continue;
    const pts = deducted.get(`${row.itemId}|${row.code}`) ?? 0;
    const still = pts > 0;
    const overdue = row.rectification !== 'ongoing' && row.closed === undefined && row.due !== '' && days(options.date, row.due) > 0 ? days(options.date, row.due) : 0;
    let state: RectificationState;
    let flag: string | undefined;
    if (row.closed !== undefined && !still) state = '已销号';
    else if (still && (row.progress === '已完成' || row.closed !== undefined)) {
      state = '仍扣分';
      flag = row.closed !== undefined ? `已于${fmtDate(row.closed)}销号，复核仍扣分` : '单位报已完成，复核仍扣分';
    } else if (row.rectification === 'ongoing') state = '长期坚持';
    // Done and no longer deducted: the office's turn, not the unit's delay.
    else if (row.progress === '已完成' && !still) state = '待销号';
    else if (overdue > 0) state = '逾期';
    else state = row.progress === '整改中' ? '整改中' : '未开始';
    const item: RectificationItem = { row, state, pointsNow: pts / 1000, stillDeducted: still, daysOverdue: state === '逾期' ? overdue : 0 };
    if (flag !== undefined) item.flag = flag;
    items.push(item);
  }
  const known = new Set(ledger.rows.map((r) => `${r.itemId}|${r.code}`));
  const added: NewProblem[] = now
    .filter((r) => !known.has(`${r.itemId}|${r.code}`))
    .map((r) => ({ key: r.key, itemId: r.itemId, itemTitle: r.itemTitle, reason: r.reason, points: r.points, list: r.list }));
  const counts = { 已销号: 0, 仍扣分: 0, 逾期: 0, 待销号: 0, 整改中: 0, 未开始: 0, 长期坚持: 0, rows: items.length, added: added.length, flagged: 0 };
  for (const i of items) {
    counts[i.state] += 1;
    if (i.flag !== undefined) counts.flagged += 1;
  }
  return {
    unit: { id: ledger.unit.id, name: ledger.unit.name },
    ruleset: { id: ledger.ruleset.id, version: rescored.ruleset.version, title: ledger.ruleset.title },
    date: options.date,
    ledger: { file: ledger.file, date: ledger.date, evidenceHash: ledger.evidenceHash, rulesetVersion: ledger.ruleset.version },
    rescored: { evidenceHash: rescored.evidenceHash, rulesetVersion: rescored.ruleset.version, total: rescored.total },
    items,
    added,
    counts,
  };
}

/** Options of {@link rectificationMarkdown}. */
export interface RectificationMarkdownOptions {
  /** The report's title (default 问题整改情况报告). */
  title?: string;
}

/** The order the report's sections go in, and their headings. */
const SECTIONS: ReadonlyArray<[RectificationState, string]> = [
  ['逾期', '逾期未整改'],
  ['仍扣分', '报已完成或已销号但复核仍扣分'],
  ['已销号', '已销号'],
  ['待销号', '已完成待销号'],
  ['整改中', '整改中'],
  ['未开始', '未开始'],
  ['长期坚持', '长期坚持（每轮复核）'],
];

/**
 * The rectification report for officials, in Markdown: per unit, summary counts, then the
 * overdue rows first, then those still deducted though reported done or closed, then those
 * closed (销号), then the rest, then problems new in the re-scored round; an appendix names
 * the ledger files, rulesets and evidence hashes. Several units: a summary table first.
 */
export function rectificationMarkdown(status: RectificationStatus | readonly RectificationStatus[], options: RectificationMarkdownOptions = {}): string {
  const all: readonly RectificationStatus[] = Array.isArray(status) ? status : [status as RectificationStatus];
  const out: string[] = [];
  const title = options.title ?? '问题整改情况报告';
  const cell = (s: string) => escapeMarkdownCell(s);
  out.push(`# ${escapeMarkdown(all.length === 1 ? `${title} · ${all[0]!.unit.name}` : title)}`, '');
  const dates = [...new Set(all.map((s) => s.date))];
  out.push(`- 复核日期：${dates.map(fmtDate).join('、')}`);
  const titles = [...new Set(all.map((s) => s.ruleset.title || s.ruleset.id))];
  out.push(`- 评价细则：${titles.map(escapeMarkdown).join('；')}`, '');
  if (all.length > 1 || all.length === 0) {
    out.push('## 汇总', '');
    out.push('| 单位 | 问题数 | 已销号 | 逾期 | 仍扣分 | 待销号 | 整改中 | 未开始 | 长期坚持 | 新增问题 |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const s of all) {
      const c = s.counts;
      out.push(`| ${cell(s.unit.name)} | ${c.rows} | ${c.已销号} | ${c.逾期} | ${c.仍扣分} | ${c.待销号} | ${c.整改中} | ${c.未开始} | ${c.长期坚持} | ${c.added} |`);
    }
    out.push('');
  }
  const level = all.length > 1 ? '###' : '##';
  for (const s of all) {
    if (all.length > 1) out.push(`## ${escapeMarkdown(s.unit.name)}`, '');
    const c = s.counts;
    out.push(
      `共 ${c.rows} 项问题：已销号 ${c.已销号} 项，逾期 ${c.逾期} 项，报已完成或已销号但仍扣分 ${c.仍扣分} 项，已完成待销号 ${c.待销号} 项，整改中 ${c.整改中} 项，未开始 ${c.未开始} 项，长期坚持 ${c.长期坚持} 项；复核新增问题 ${c.added} 项。复核得分 ${fmtPoints(s.rescored.total)} 分。`,
      '',
    );
    for (const [state, heading] of SECTIONS) {
      const rows = s.items.filter((i) => i.state === state);
      if (rows.length === 0) continue;
      out.push(`${level} ${heading}（${rows.length} 项）`, '');
      out.push('| 清单 | 序号 | 评分项 | 问题描述 | 扣分 | 整改类型 | 整改时限 | 责任人 | 进度 | 复核意见 | 销号日期 | 说明 |');
      out.push('|---|---:|---|---|---:|---|---|---|---|---|---|---|');
      for (const i of rows) {
        const r = i.row;
        const note: string[] = [];
        if (i.daysOverdue > 0) note.push(`逾期${i.daysOverdue}天`);
        if (i.flag !== undefined) note.push(i.flag);
        if (i.stillDeducted) note.push(`复核扣${fmtPoints(i.pointsNow)}分`);
        else if (state === '长期坚持') note.push('复核未扣分');
        out.push(
          `| ${[
            FEEDBACK_LIST_TITLES[r.list],
            String(r.no),
            `${r.itemId} ${r.itemTitle.split(' › ').pop() ?? ''}`,
            r.reason,
            fmtPoints(r.points),
            RECTIFICATION_TYPES[r.rectification],
            r.rectification === 'ongoing' ? '长期坚持' : fmtDate(r.due),
            r.owner || '（未填写）',
            r.progress ?? '（未填写）',
            r.review,
            r.closed !== undefined ? fmtDate(r.closed) : '',
            note.join('；'),
          ]
            .map(cell)
            .join(' | ')} |`,
        );
      }
      out.push('');
    }
    if (s.added.length > 0) {
      out.push(`${level} 复核新增问题（${s.added.length} 项）`, '');
      out.push('| 清单 | 评分项 | 问题描述 | 扣分 |');
      out.push('|---|---|---|---:|');
      for (const a of s.added) out.push(`| ${[FEEDBACK_LIST_TITLES[a.list], `${a.itemId} ${a.itemTitle.split(' › ').pop() ?? ''}`, a.reason, fmtPoints(a.points)].map(cell).join(' | ')} |`);
      out.push('');
    }
  }
  out.push('## 附录：数据来源与版本', '');
  out.push('| 单位 | 整改台账 | 台账下发日期 | 评价细则（版本） | 下发时佐证哈希 | 复核时佐证哈希 |');
  out.push('|---|---|---|---|---|---|');
  for (const s of all)
    out.push(
      `| ${[s.unit.name, s.ledger.file, fmtDate(s.ledger.date), `${s.ruleset.id} ${s.ledger.rulesetVersion}${s.rescored.rulesetVersion !== s.ledger.rulesetVersion ? ` → ${s.rescored.rulesetVersion}` : ''}`, s.ledger.evidenceHash, s.rescored.evidenceHash]
        .map(cell)
        .join(' | ')} |`,
    );
  out.push('');
  return out.join('\n');
}

/** How each state of a ledger row reads in the city report's 下一步工作 (已销号 · 逾期 · 未开始 · 整改中). */
const STATUS_OF_STATE: Readonly<Record<RectificationState, RectificationStatusRow['status']>> = {
  已销号: 'closed',
  逾期: 'overdue',
  // reported done but still deducted: the work is still to do
  仍扣分: 'open',
  未开始: 'open',
  // done and no longer deducted, awaiting the office's 销号; or under way; or never-ending
  待销号: 'ongoing',
  整改中: 'ongoing',
  长期坚持: 'ongoing',
};

/**
 * The ledgers' rows as the city report's `rectificationStatus` option takes them, so that
 * 五、下一步工作 says per open item how many units closed it, are overdue or still at work.
 */
export function rectificationStatusRows(status: RectificationStatus | readonly RectificationStatus[]): RectificationStatusRow[] {
  const all: readonly RectificationStatus[] = Array.isArray(status) ? status : [status as RectificationStatus];
  return all.flatMap((s) =>
    s.items.map((i) => ({ unit: s.unit.id, itemId: i.row.itemId, status: STATUS_OF_STATE[i.state], ...(i.row.due !== '' ? { due: i.row.due } : {}) })),
  );
}
