/**
 * Each unit's self-evaluation (单位自评), item by item: an xlsx template to fill in
 * ({@link selfEvaluationWorkbook}), its reader ({@link readSelfEvaluation}), the JSON form
 * ({@link parseSelfEvaluation}), and the unit's 单位自评报告 comparing self and evaluated scores
 * item by item ({@link unitSelfReport}).
 * @module
 */
import type ExcelJS from 'exceljs';
import { EvidenceError, pointerToken, type CompiledRuleset, type Issue, type Ruleset, type ScoreCard, type Unit } from '@safecity/engine';
import type { CellValue, WorkbookLimits } from '@safecity/evidence-excel';
import { cardItems, clipText, documentTime, quoteWorkbookText, spreadsheetTextBack, escapeMarkdown, escapeMarkdownCell, fmtDate, stampZipEntries, fmtPoints, fmtSigned, milli, neutraliseFormula, points, rulesetOf, today, loadExcel } from './util.js';

/** One item's self score and the unit's explanation. */
export interface SelfItem {
  /** 自评分 (points, 0 ≤ score ≤ the item's 分值). */
  score: number;
  /** 自评说明. */
  note?: string;
}

/**
 * A unit's self-evaluation, item by item: the JSON form is exactly this
 * (`{ unit, ruleset, items: { "<item id>": { score, note } } }`).
 */
export interface SelfEvaluation {
  /** The unit's id. */
  unit: string;
  /** The ruleset's id (e.g. `xian-2022/district`). */
  ruleset: string;
  /** The ruleset's version, when known (the workbook records it). */
  version?: string;
  /** Self scores by item id; items left blank are absent. */
  items: Record<string, SelfItem>;
}

/** The template's sheet the unit fills in. */
export const SELF_SHEET = '自评表';
/** The hidden sheet naming unit and ruleset. */
export const SELF_META_SHEET = '_meta';
/** Columns of {@link SELF_SHEET}. */
export const SELF_HEADERS = ['评分项', '评分项名称', '分值', '评分标准', '自评分', '自评说明'] as const;
const FORMAT = 'safecity-self-evaluation-xlsx';
const HEADER_ROW = 3;
const WIDTHS = [10, 30, 7, 48, 9, 40];
const FONT = '宋体';
const MAX_BYTES = 20 * 1024 * 1024;

/** Options of {@link selfEvaluationWorkbook}. */
export interface SelfEvaluationWorkbookOptions {
  /** Date in the title (`YYYY-MM-DD`); default today. */
  date?: string;
}

/**
 * The self-evaluation template of one unit: sheet 自评表 listing the items that apply to the unit
 * (as `ruleset.itemsFor(unit)` says, so as the engine scores it; bonus items last, marked
 * 加分项) with 评分项, 评分项名称, 分值, 评分标准, then 自评分 and 自评说明 to fill in; a hidden `_meta`
 * naming the unit, the ruleset (id, version, hash) and each item's 分值, which
 * {@link readSelfEvaluation} reads it back by.
 */
export async function selfEvaluationWorkbook(ruleset: CompiledRuleset, unit: Pick<Unit, 'id' | 'name' | 'kind'>, options: SelfEvaluationWorkbookOptions = {}): Promise<Uint8Array> {
  const items = ruleset.itemsFor(unit);
  const ordered = [...items.filter((i) => !i.bonus), ...items.filter((i) => i.bonus)];
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'safecity';
  const date = options.date ?? today();
  // the document's date, not the time of writing: same input, same bytes
  wb.created = documentTime(date);
  wb.modified = documentTime(date);
  const ws = wb.addWorksheet(SELF_SHEET, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, topLeftCell: `A${HEADER_ROW + 1}` }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}` },
  });
  ws.columns = WIDTHS.map((width) => ({ width }));
  ws.mergeCells('A1:F1');
  const t = ws.getCell('A1');
  t.value = neutraliseFormula(`${unit.name}自评表`);
  t.font = { name: FONT, size: 16, bold: true };
  t.alignment = { horizontal: 'center' };
  ws.mergeCells('A2:F2');
  const info = ws.getCell('A2');
  info.value = neutraliseFormula(
    `评价细则：${ruleset.title.zh}    日期：${fmtDate(date)}    请在“自评分”列填写各评分项的自评得分（不超过分值），在“自评说明”列说明依据；加分项按实际取得的成果自评。`,
  );
  info.font = { name: FONT, size: 10 };
  info.alignment = { wrapText: true, vertical: 'middle' };
  ws.getRow(2).height = 30;
  const header = ws.getRow(HEADER_ROW);
  header.values = [...SELF_HEADERS];
  header.eachCell((c) => {
    c.font = { name: FONT, size: 11, bold: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7ECF3' } };
    c.alignment = { horizontal: 'center', vertical: 'middle' };
  });
  for (const [i, item] of ordered.entries()) {
    const row = ws.getRow(HEADER_ROW + 1 + i);
    row.values = [item.id, neutraliseFormula(item.bonus ? `${item.title.zh}（加分项）` : item.title.zh), item.max, neutraliseFormula(item.standard ?? ''), null, null];
    row.eachCell({ includeEmpty: true }, (c, col) => {
      c.font = { name: FONT, size: 10 };
      c.alignment = { vertical: 'top', wrapText: true };
      if (col >= 5) c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF8DC' } };
    });
    // the unit fills 自评分 with a number between 0 and the item's 分值
    row.getCell(5).dataValidation = {
      type: 'decimal',
      operator: 'between',
      allowBlank: true,
      formulae: [0, item.max],
      showErrorMessage: true,
      errorTitle: '自评分',
      error: `自评分应在 0 到 ${fmtPoints(item.max)} 之间`,
    };
  }
  const meta = wb.addWorksheet(SELF_META_SHEET, { state: 'veryHidden' });
  meta.addRow(['format', FORMAT]);
  meta.addRow(['unit', unit.id]);
  meta.addRow(['unitName', unit.name]);
  meta.addRow(['ruleset', ruleset.id]);
  meta.addRow(['version', ruleset.version]);
  meta.addRow(['hash', ruleset.hash]);
  meta.addRow(['items', ordered.length]);
  for (const item of ordered) meta.addRow(['item', item.id, item.max]);
  quoteWorkbookText(wb);
  const buf = await wb.xlsx.writeBuffer();
  return stampZipEntries(new Uint8Array(buf as ArrayBuffer), date);
}

/** Options of {@link readSelfEvaluation} and {@link parseSelfEvaluation}. */
export interface ReadSelfEvaluationOptions {
  /** The unit the file must be of (its id): a file naming another unit is refused. */
  unit?: string;
  /** The compiled ruleset: items and 分值 are checked against it (else against the workbook's `_meta`; the JSON form then only checks numbers). */
  ruleset?: CompiledRuleset;
  /** Limits on the workbook (sizes, rows, cells, text, problems listed), as for evidence workbooks; the defaults are generous for any self-evaluation. */
  limits?: WorkbookLimits;
}

function fail(issues: Issue[], file: string): never {
  throw new EvidenceError(issues, `自评文件有误：${file}`);
}

function cellNumber(v: ExcelJS.CellValue | CellValue): number | string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return null;
    const n = Number(s);
    return /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(s) && Number.isFinite(n) ? n : s;
  }
  if (typeof v === 'object' && 'result' in v) return cellNumber((v as { result?: ExcelJS.CellValue }).result ?? null);
  if (typeof v === 'object' && 'richText' in v) return cellNumber((v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join(''));
  return String(v);
}

function cellText(v: ExcelJS.CellValue | CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && 'richText' in v) return (v as ExcelJS.CellRichTextValue).richText.map((r) => r.text).join('').trim();
  if (typeof v === 'object' && 'result' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
  if (typeof v === 'object' && 'text' in v) return String((v as { text: unknown }).text).trim();
  // what quoteWorkbookText quoted (an id starting with `-`) reads back as written
  return spreadsheetTextBack(String(v)).trim();
}

/**
 * Read a filled {@link selfEvaluationWorkbook} back. Blank 自评分 cells are items not
 * self-evaluated (absent from `items`).
 *
 * @throws EvidenceError listing every problem at once, each placed as `file!自评表!E7`, in
 *   Chinese: not a workbook, not a self-evaluation template (no `_meta`), a file of another
 *   unit, a 自评分 that is not a number, negative, or above the item's 分值, an unknown item.
 */
export async function readSelfEvaluation(bytes: Uint8Array, fileName: string, options: ReadSelfEvaluationOptions = {}): Promise<SelfEvaluation> {
  if (!(bytes instanceof Uint8Array)) fail([{ path: fileName, message: '输入应为文件的字节' }], fileName);
  if (bytes.byteLength > (options.limits?.maxFileBytes ?? MAX_BYTES)) fail([{ path: fileName, message: `文件过大（${Math.round(bytes.byteLength / 1048576)} MB），自评表不应超过 20 MB` }], fileName);
  if (bytes.byteLength < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    fail([{ path: fileName, message: '不是 .xlsx 工作簿；请用 safecity self-template 生成的自评表填写，另存为 .xlsx' }], fileName);
  // Loaded here, not with the package: the HTML report never reads a workbook.
  const { openWorkbook, ProblemList, resolveWorkbookLimits } = await import('@safecity/evidence-excel');
  // The bounded reader of evidence workbooks: sizes, rows, cells and text capped while it streams.
  const wb = openWorkbook(bytes, { file: fileName, ...(options.limits === undefined ? {} : { limits: options.limits }), sheets: [SELF_META_SHEET, SELF_SHEET] });
  const meta = wb.getWorksheet(SELF_META_SHEET);
  const ws = wb.getWorksheet(SELF_SHEET);
  if (meta === undefined || ws === undefined)
    fail([{ path: fileName, message: `不是自评表模板：缺少工作表“${meta === undefined ? SELF_META_SHEET : SELF_SHEET}”；请用 safecity self-template 生成的自评表填写` }], fileName);
  const m = new Map<string, string>();
  const metaMax = new Map<string, number>();
  meta.eachRow((row) => {
    const k = cellText(row.getCell(1).value);
    if (k === 'item') metaMax.set(cellText(row.getCell(2).value), Number(cellNumber(row.getCell(3).value)));
    else m.set(k, cellText(row.getCell(2).value));
  });
  if (m.get('format') !== FORMAT || !m.get('unit') || !m.get('ruleset')) fail([{ path: `${fileName}!${SELF_META_SHEET}`, message: '自评表的隐藏信息（_meta）不完整或已被修改；请重新生成自评表' }], fileName);
  const unit = m.get('unit')!;
  const rulesetId = m.get('ruleset')!;
  const version = m.get('version');
  if (options.unit !== undefined && options.unit !== unit)
    fail([{ path: `${fileName}!${SELF_META_SHEET}`, message: `这是“${clipText(m.get('unitName') || unit)}”的自评表，不是本单位的；请使用本单位的自评表` }], fileName);
  if (options.ruleset !== undefined && options.ruleset.id !== rulesetId)
    fail([{ path: `${fileName}!${SELF_META_SHEET}`, message: `自评表按另一评价细则生成（${clipText(rulesetId)}），应为“${options.ruleset.title.zh}”` }], fileName);
  const maxOf = options.ruleset !== undefined ? new Map(options.ruleset.items.map((i) => [i.id, i.max])) : metaMax;
  const issues = new ProblemList(resolveWorkbookLimits(options.limits).maxProblems);
  const items: Record<string, SelfItem> = {};
  const seen = new Set<string>();
  ws.eachRow((row, r) => {
    if (r <= HEADER_ROW) return;
    const id = cellText(row.getCell(1).value);
    const raw = cellNumber(row.getCell(5).value);
    const note = cellText(row.getCell(6).value);
    const place = (col: string) => `${fileName}!${SELF_SHEET}!${col}${r}`;
    if (id === '') {
      if (raw !== null || note !== '') issues.push({ path: place('A'), message: '有自评分或说明，但没有评分项编号' });
      return;
    }
    const max = maxOf.get(id);
    if (max === undefined || Number.isNaN(max)) {
      issues.push({ path: place('A'), message: `评分项“${clipText(id)}”不在本单位适用的评分项中` });
      return;
    }
    if (seen.has(id)) {
      issues.push({ path: place('A'), message: `评分项“${clipText(id)}”重复出现` });
      return;
    }
    seen.add(id);
    if (raw === null) {
      if (note !== '') issues.push({ path: place('E'), message: '填写了自评说明，但自评分为空' });
      return;
    }
    if (typeof raw !== 'number') {
      issues.push({ path: place('E'), message: `自评分应为数字，填写的是“${clipText(raw)}”` });
      return;
    }
    if (raw < 0) issues.push({ path: place('E'), message: `自评分不能为负数，填写的是 ${raw}` });
    else if (milli(raw) > milli(max)) issues.push({ path: place('E'), message: `自评分 ${raw} 超过该项分值 ${fmtPoints(max)}` });
    else items[id] = note === '' ? { score: points(milli(raw)) } : { score: points(milli(raw)), note };
  });
  if (issues.length > 0) fail(issues.list(fileName), fileName);
  const out: SelfEvaluation = { unit, ruleset: rulesetId, items };
  if (version) out.version = version;
  return out;
}

/**
 * Read the JSON form `{ unit, ruleset, version?, items: { "<item id>": { score, note? } } }`.
 *
 * @throws EvidenceError listing every problem, each placed as `file#/items/1.1.1/score`.
 */
export function parseSelfEvaluation(json: unknown, file: string, options: ReadSelfEvaluationOptions = {}): SelfEvaluation {
  const issues: Issue[] = [];
  const at = (p: string) => `${file}#${p}`;
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    fail([{ path: at(''), message: '自评文件应为 { "unit": 单位编号, "ruleset": 评价细则编号, "items": { 评分项编号: { "score": 自评分, "note": 自评说明 } } }' }], file);
  const o = json as Record<string, unknown>;
  if (typeof o['unit'] !== 'string' || o['unit'] === '') issues.push({ path: at('/unit'), message: '应为单位编号（文本）' });
  if (typeof o['ruleset'] !== 'string' || o['ruleset'] === '') issues.push({ path: at('/ruleset'), message: '应为评价细则编号（文本）' });
  if (o['version'] !== undefined && typeof o['version'] !== 'string') issues.push({ path: at('/version'), message: '应为版本号（文本）' });
  const rawItems = o['items'];
  if (rawItems === null || typeof rawItems !== 'object' || Array.isArray(rawItems)) issues.push({ path: at('/items'), message: '应为 { 评分项编号: { "score": 自评分, "note": 自评说明 } }' });
  if (issues.length > 0) fail(issues, file);
  const unit = o['unit'] as string;
  if (options.unit !== undefined && options.unit !== unit) fail([{ path: at('/unit'), message: `这是另一单位（${unit}）的自评，应为 ${options.unit}` }], file);
  if (options.ruleset !== undefined && options.ruleset.id !== o['ruleset'])
    fail([{ path: at('/ruleset'), message: `自评按另一评价细则（${String(o['ruleset'])}），应为“${options.ruleset.title.zh}”` }], file);
  // the unit's kind is not in the file: items are checked against the whole ruleset
  const maxOf = options.ruleset !== undefined ? new Map(options.ruleset.items.map((i) => [i.id, i.max])) : undefined;
  const items: Record<string, SelfItem> = {};
  for (const [id, v] of Object.entries(rawItems as Record<string, unknown>)) {
    const p = `/items/${pointerToken(id)}`;
    const max = maxOf?.get(id);
    if (maxOf !== undefined && max === undefined) {
      issues.push({ path: at(p), message: `评分项“${id}”不在本单位适用的评分项中` });
      continue;
    }
    const entry = typeof v === 'number' ? { score: v } : v;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      issues.push({ path: at(p), message: `应为 { "score": 自评分, "note": 自评说明 }，实际为 ${JSON.stringify(v)}` });
      continue;
    }
    const e = entry as Record<string, unknown>;
    const score = e['score'];
    if (typeof score !== 'number' || !Number.isFinite(score)) issues.push({ path: at(`${p}/score`), message: `自评分应为数字，实际为 ${JSON.stringify(score)}` });
    else if (score < 0) issues.push({ path: at(`${p}/score`), message: `自评分不能为负数，实际为 ${score}` });
    else if (max !== undefined && milli(score) > milli(max)) issues.push({ path: at(`${p}/score`), message: `自评分 ${score} 超过该项分值 ${fmtPoints(max)}` });
    if (e['note'] !== undefined && typeof e['note'] !== 'string') issues.push({ path: at(`${p}/note`), message: '自评说明应为文本' });
    if (typeof score === 'number' && Number.isFinite(score)) items[id] = typeof e['note'] === 'string' && e['note'] !== '' ? { score, note: e['note'] } : { score };
  }
  if (issues.length > 0) fail(issues, file);
  const out: SelfEvaluation = { unit, ruleset: o['ruleset'] as string, items };
  if (typeof o['version'] === 'string') out.version = o['version'];
  return out;
}

/** One item of a self vs evaluated comparison. */
export interface SelfItemRow {
  id: string;
  /** Path of titles (`工作机制 › 组织领导 › 成立创建工作领导小组`). */
  path: string;
  title: string;
  max: number;
  bonus: boolean;
  /** 自评分 (undefined when the unit left it blank). */
  self?: number;
  note?: string;
  /** 评估得分. */
  evaluated: number;
  /** self − evaluated (undefined without a self score). */
  difference?: number;
  /** The evaluation's deduction reasons on the item (what explains a lower score). */
  reasons: string[];
  applicable: boolean;
}

/** A unit's self-evaluation set against its card. */
export interface SelfComparison {
  unit: { id: string; name: string; kind: string };
  rows: SelfItemRow[];
  /** Sum of the self scores given, and of the evaluated scores of the same items. */
  selfTotal: number;
  evaluatedTotal: number;
  /** Items with self − evaluated above the tolerance (自评偏高). */
  over: number;
  /** Items with evaluated − self above the tolerance (自评偏低). */
  under: number;
  /** Items of the card without a self score. */
  blank: number;
  /** Self scores for items not on the card (ids). */
  unknown: string[];
}

/**
 * Set a unit's self-evaluation against its card, item by item (tree order; bonus items last as
 * on the card). `tolerance` (default 0): a difference above it counts as over- or under-rated.
 */
export function compareSelfEvaluation(card: ScoreCard, self: SelfEvaluation, options: { tolerance?: number; ruleset?: Ruleset } = {}): SelfComparison {
  const tol = milli(options.tolerance ?? 0);
  const rows: SelfItemRow[] = [];
  let selfSum = 0;
  let evalSum = 0;
  let over = 0;
  let under = 0;
  let blank = 0;
  const onCard = new Set<string>();
  for (const { node, ancestors, bonus } of cardItems(card, options.ruleset)) {
    onCard.add(node.id);
    const s = self.items[node.id];
    const reasons = [...new Set((node.deductions ?? []).filter((d) => d.superseded !== true && milli(d.points) > 0).map((d) => d.reason))];
    const row: SelfItemRow = {
      id: node.id,
      path: [...ancestors, node].map((n) => n.title).join(' › '),
      title: node.title,
      max: node.max,
      bonus,
      evaluated: node.earned,
      reasons,
      applicable: node.applicable,
    };
    if (s !== undefined && Number.isFinite(s.score)) {
      row.self = s.score;
      if (s.note !== undefined) row.note = s.note;
      const d = milli(s.score) - milli(node.earned);
      row.difference = points(d);
      selfSum += milli(s.score);
      evalSum += milli(node.earned);
      if (d > tol) over += 1;
      else if (-d > tol) under += 1;
    } else if (node.applicable) blank += 1;
    rows.push(row);
  }
  return {
    unit: { id: card.unit.id, name: card.unit.name, kind: card.unit.kind },
    rows,
    selfTotal: points(selfSum),
    evaluatedTotal: points(evalSum),
    over,
    under,
    blank,
    unknown: Object.keys(self.items).filter((id) => !onCard.has(id)).sort(),
  };
}

/** Options of {@link unitSelfReport}. */
export interface UnitSelfReportOptions {
  /** The ruleset (source JSON) the card was scored under: its title names the rubric, its bonus bucket is known for sure. */
  ruleset?: Ruleset;
  /** Date (`YYYY-MM-DD`); default today. */
  date?: string;
  /** A difference above this is called 自评偏高 / 自评偏低; default 0. */
  tolerance?: number;
}

/**
 * The unit's 单位自评报告 as Markdown: its self-evaluation item by item against the evaluated
 * score, each difference explained by the evaluation's deduction reasons, with totals and the
 * items rated higher than evaluated listed first.
 */
export function unitSelfReport(card: ScoreCard, selfEvaluation: SelfEvaluation, options: UnitSelfReportOptions = {}): string {
  const rs = options.ruleset ?? undefined;
  const cmp = compareSelfEvaluation(card, selfEvaluation, { ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}), ...(rs ? { ruleset: rs } : {}) });
  const rubric = rulesetOf(card, rs ? [rs] : undefined)?.title.zh ?? rs?.title.zh;
  const tol = options.tolerance ?? 0;
  const out: string[] = [`# ${escapeMarkdown(card.unit.name)}单位自评报告`, ''];
  out.push(`${rubric !== undefined ? `评价细则：${escapeMarkdown(rubric)} · ` : ''}${fmtDate(options.date ?? today())}`, '');
  out.push('## 一、自评与评估总体情况', '');
  const given = cmp.rows.filter((r) => r.self !== undefined).length;
  out.push(
    escapeMarkdown(
      `本单位对 ${given} 个评分项作了自评，自评合计 ${fmtPoints(cmp.selfTotal)} 分，评估得分（同一评分项）合计 ${fmtPoints(cmp.evaluatedTotal)} 分，差值 ${fmtSigned(points(milli(cmp.selfTotal) - milli(cmp.evaluatedTotal)))} 分。` +
        `自评高于评估${tol > 0 ? `超过 ${fmtPoints(tol)} 分` : ''}的评分项 ${cmp.over} 个，低于评估的 ${cmp.under} 个${cmp.blank > 0 ? `，未自评的适用评分项 ${cmp.blank} 个` : ''}。` +
        `本单位评估总分 ${fmtPoints(card.total)} 分${card.normalized !== undefined ? `，折算得分 ${fmtPoints(card.normalized)} 分` : ''}${card.gradeTitle ? `，评价等级“${card.gradeTitle}”` : ''}。`,
    ),
    '',
  );
  const overRows = cmp.rows.filter((r) => r.difference !== undefined && milli(r.difference) > milli(tol)).sort((a, b) => b.difference! - a.difference!);
  if (overRows.length > 0) {
    out.push('## 二、自评高于评估的评分项', '', '| 评分项 | 评分项名称 | 分值 | 自评分 | 评估得分 | 差值 | 评估扣分原因 |', '|---|---|---:|---:|---:|---:|---|');
    for (const r of overRows)
      out.push(`| ${escapeMarkdownCell(r.id)} | ${escapeMarkdownCell(r.title)} | ${fmtPoints(r.max)} | ${fmtPoints(r.self!)} | ${fmtPoints(r.evaluated)} | ${fmtSigned(r.difference!)} | ${escapeMarkdownCell(r.reasons.join('\n') || (r.bonus ? '加分项未取得评估认可的成果' : '—'))} |`);
    out.push('');
  }
  out.push(`## ${overRows.length > 0 ? '三' : '二'}、逐项自评与评估得分`, '', '| 评分项 | 评分项名称 | 分值 | 自评分 | 评估得分 | 差值 | 自评说明 | 评估扣分原因 |', '|---|---|---:|---:|---:|---:|---|---|');
  for (const r of cmp.rows) {
    const name = r.bonus ? `${r.path}（加分项）` : r.path;
    out.push(
      `| ${escapeMarkdownCell(r.id)} | ${escapeMarkdownCell(name)} | ${r.applicable ? fmtPoints(r.max) : '不适用'} | ${r.self === undefined ? '未自评' : fmtPoints(r.self)} | ${fmtPoints(r.evaluated)} | ${r.difference === undefined ? '—' : fmtSigned(r.difference)} | ${escapeMarkdownCell(r.note ?? '')} | ${escapeMarkdownCell(r.reasons.join('\n'))} |`,
    );
  }
  out.push('');
  if (cmp.unknown.length > 0) out.push(escapeMarkdown(`自评中有 ${cmp.unknown.length} 个评分项不在本单位的评估结果中（${cmp.unknown.join('、')}），未比较。`), '');
  return out.join('\n');
}
