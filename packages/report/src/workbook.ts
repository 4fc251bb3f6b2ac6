/**
 * The feedback lists as a print-ready xlsx workbook that is also the rectification ledger
 * (问题整改台账): the office's columns, then the unit's to fill in, then the office's review.
 * `readLedger` (ledger.ts) reads a filled one back.
 * @module
 */
import type ExcelJS from 'exceljs';
import { parseIsoDate, type ScoreCard } from '@safecity/engine';
import {
  bonusLine,
  pendingLine,
  claimsLine,
  deadlineLine,
  DEFAULT_DEADLINE,
  LEDGER_ISSUED_HEADERS,
  RECTIFICATION_TYPES,
  FEEDBACK_LIST_SOURCES,
  FEEDBACK_LIST_TITLES,
  feedbackRows,
  feedbackTotals,
  fieldTitles,
  placesText,
  rowReason,
  rulesetLine,
  scoreLine,
  totalsLine,
  type FeedbackList,
  type FeedbackOptions,
  type FeedbackRow,
} from './feedback.js';
import { deflateStoredZip, documentTime, quoteWorkbookText, fmtDate, spreadsheetText, stampZipEntries, today, loadExcel } from './util.js';

/** The unit's columns (由单位填写), in order. */
export const LEDGER_UNIT_HEADERS = ['责任人', '整改措施', '进度', '整改佐证'] as const;
/** The office's review columns (由市安委办填写), in order. */
export const LEDGER_OFFICE_HEADERS = ['复核意见', '销号日期'] as const;
/** 进度: the values a unit may choose. */
export const LEDGER_PROGRESS = ['未开始', '整改中', '已完成'] as const;
/** 进度 of a ledger row. */
export type LedgerProgress = (typeof LEDGER_PROGRESS)[number];

/** Column headers of both sheets, in order: issued by the office, filled in by the unit, reviewed by the office. */
export const WORKBOOK_HEADERS: readonly string[] = [...LEDGER_ISSUED_HEADERS, ...LEDGER_UNIT_HEADERS, ...LEDGER_OFFICE_HEADERS];

/** The hidden sheet that names the unit, the ruleset, the round and each row's key. */
export const LEDGER_META_SHEET = '_meta';
/** The hidden column (after the office's) holding each row's key, so re-sorted rows still match. */
export const LEDGER_KEY_COLUMN = WORKBOOK_HEADERS.length + 1;
/** The marker in `_meta!A1` (and its format version in B1). */
export const LEDGER_MARK = 'safecity-ledger';

/** Column widths (characters), in header order. */
const WIDTHS = [5, 9, 22, 32, 6, 26, 18, 14, 9, 11, 9, 24, 8, 16, 16, 11];
/** Columns (1-based) of numbers and short centred values. */
const CENTRED = new Set([1, 5, 9, 10, 13, 16]);
/** Rows of the band (who fills what) and of the header; rows 1–2 are the title. */
const BAND_ROW = 3;
const HEADER_ROW = 4;
/** Fills: the office's issued columns, the unit's, the office's review. */
const FILL_ISSUED = 'FFE7ECF3';
const FILL_UNIT = 'FFFFF4CC';
const FILL_OFFICE = 'FFE2F0D9';

/**
 * Lines a wrapped text takes in a column `width` characters wide, as LibreOffice and Excel lay
 * it out in a 10-point CJK font: a CJK character is two character widths, anything else one,
 * less a character and a half of cell padding; each `\n` starts a line.
 */
export function wrappedLines(text: string, width: number): number {
  const usable = Math.max(1, width - 1.5);
  let lines = 0;
  for (const line of text.split('\n')) {
    let w = 0;
    for (const ch of line) w += ch.charCodeAt(0) > 0x2e7f ? 2 : 1;
    lines += Math.max(1, Math.ceil(w / usable));
  }
  return lines;
}

/**
 * Height (points) of a row of 10-point wrapped text whose tallest cell takes `lines` lines:
 * measured on LibreOffice's print of CJK text (a line takes about 16 points with the CJK
 * fallback fonts, not Excel's 13.5), plus the cell's padding.
 */
export const rowHeight = (lines: number): number => Math.max(18, Math.ceil(lines * 16 + 6));

const THIN = { style: 'thin' as const, color: { argb: 'FF808080' } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FONT = 'SimSun';
const col = (n: number): string => (n <= 26 ? String.fromCharCode(64 + n) : `${String.fromCharCode(64 + Math.floor((n - 1) / 26))}${String.fromCharCode(65 + ((n - 1) % 26))}`);

/** Options of {@link feedbackWorkbook}: those of the feedback lists. */
export type LedgerWorkbookOptions = FeedbackOptions;

/**
 * Both feedback lists of one card as an xlsx workbook that is the unit's rectification ledger
 * (问题整改台账), print-ready: sheets 意见反馈清单 and 问题反馈清单, each with a title (unit,
 * ruleset, date), a band saying who fills which columns, the Chinese headers, wrapped text,
 * column widths and row heights from the wrapped text of every cell (printed rows never
 * overlap), A4 landscape fitted to the page width, the band and header rows repeated on every
 * printed page and frozen on screen.
 *
 * Columns: 序号, 评分项, 评分项名称, 问题描述, 扣分, 整改建议, 佐证/位置, 责任单位, 整改类型,
 * 整改时限 (the office's); 责任人, 整改措施, 进度 (a list: 未开始/整改中/已完成), 整改佐证
 * (由单位填写); 复核意见, 销号日期 (a date; 由市安委办填写). A hidden, protected sheet `_meta`
 * names the unit, the ruleset (id, version, title), the card's evidence hash and each row's key
 * (item id, deduction message id, source); each row also carries its key in a hidden column,
 * so `readLedger` matches rows even when a clerk re-sorts them.
 *
 * Every text cell is neutralised against formula injection ({@link spreadsheetText}): text
 * starting with `=`, `+`, `-`, `@`, a tab, a carriage return or `'` is written with a leading `'`.
 * Same input, same bytes: the workbook's and its zip entries' dates are the document's date.
 *
 * `options.date` (the feedback's date, shown in the title; declared days count from it)
 * defaults to today; dates are written as officials write them (2023年4月15日), evidence places
 * in JSON as the file and the field's title. Bonus items (加分项) have no rows (see
 * {@link feedbackRows}).
 */
export async function feedbackWorkbook(card: ScoreCard, options: LedgerWorkbookOptions = {}): Promise<Uint8Array> {
  const date = options.date ?? today();
  const rows = options.rows ?? feedbackRows(card, { ...options, date });
  const deadline = options.deadline ?? options.ruleset?.rectificationDeadline ?? DEFAULT_DEADLINE;
  const fields = fieldTitles(options.ruleset);
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'safecity';
  // the document's date, not the time of writing: same input, same bytes
  wb.created = documentTime(date);
  wb.modified = documentTime(date);
  const text = (s: string): string => spreadsheetText(s);
  const lastCol = col(WORKBOOK_HEADERS.length);
  const issuedEnd = LEDGER_ISSUED_HEADERS.length;
  const unitEnd = issuedEnd + LEDGER_UNIT_HEADERS.length;
  const placed: Array<{ row: FeedbackRow; sheet: string; at: number }> = [];
  // The rows' cell styles, one object per column (and per greyed superseded row): exceljs
  // recognises a style object it has seen and does not work out its style again for each cell.
  const rowStyle = (k: number, superseded: boolean): Partial<ExcelJS.Style> => ({
    font: { name: FONT, size: 10, ...(superseded ? { color: { argb: 'FF808080' } } : {}) },
    alignment: { vertical: 'top', wrapText: true, horizontal: CENTRED.has(k) ? 'center' : 'left' },
    border: BORDER,
    ...(k > issuedEnd ? { fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: k > unitEnd ? 'FFF4FAF0' : 'FFFFFBEA' } } } : {}),
    // 评分项 扣分 in General, not 0.##: Excel shows 2 as "2." under 0.##; 销号日期 as officials write dates
    ...(k === 5 ? { numFmt: 'General' } : k === WORKBOOK_HEADERS.length ? { numFmt: 'yyyy"年"m"月"d"日"' } : {}),
  });
  const rowStyles = {
    current: WORKBOOK_HEADERS.map((_, i) => rowStyle(i + 1, false)),
    superseded: WORKBOOK_HEADERS.map((_, i) => rowStyle(i + 1, true)),
  };

  for (const list of ['data-check', 'onsite'] as FeedbackList[]) {
    const title = FEEDBACK_LIST_TITLES[list];
    const ws = wb.addWorksheet(title, {
      views: [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROW, topLeftCell: `A${HEADER_ROW + 1}`, activeCell: `A${HEADER_ROW + 1}` }],
      pageSetup: {
        paperSize: 9,
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        horizontalCentered: true,
        printTitlesRow: `${BAND_ROW}:${HEADER_ROW}`,
        margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      },
      headerFooter: { oddFooter: text(`${card.unit.name} ${title}（问题整改台账）  第 &P 页，共 &N 页`) },
    });
    ws.columns = [...WIDTHS.map((width) => ({ width })), { width: 10, hidden: true }];

    ws.mergeCells(`A1:${lastCol}1`);
    const t = ws.getCell('A1');
    t.value = text(`${card.unit.name} ${title}（${FEEDBACK_LIST_SOURCES[list]}）· 问题整改台账`);
    t.font = { name: FONT, size: 16, bold: true };
    t.alignment = { horizontal: 'center', vertical: 'middle' };
    ws.getRow(1).height = 30;

    ws.mergeCells(`A2:${lastCol}2`);
    const info = [
      `评价对象：${card.unit.name}`,
      `评价细则：${rulesetLine(card, options.ruleset)}`,
      `得分：${scoreLine(card, options.ruleset)}`,
      ...[bonusLine(card, options.ruleset)].filter((b) => b !== undefined).map((b) => `加分项：${b}`),
      ...[pendingLine(card)].filter((b) => b !== undefined).map((b) => `待评定：${b}`),
      ...[claimsLine(card)].filter((b) => b !== undefined).map((b) => `单位称不适用：${b}`),
      ...card.vetoes.map((v) => `否决项：${v.title}——${v.reason}`),
      `日期：${fmtDate(date)}`,
      `整改时限：${deadlineLine(deadline)}`,
    ].join('    ');
    const i = ws.getCell('A2');
    i.value = text(info);
    i.font = { name: FONT, size: 10 };
    i.alignment = { horizontal: 'left', vertical: 'middle', wrapText: true };
    // Printed rows never overlap: each row is as tall as its longest wrapped text.
    ws.getRow(2).height = rowHeight(wrappedLines(info, WIDTHS.reduce((a, b) => a + b, 0)));

    // Who fills what: the band over the columns, in the columns' colours.
    const bands: Array<[number, number, string, string]> = [
      [1, issuedEnd, '问题及整改要求（市安委办下发）', FILL_ISSUED],
      [issuedEnd + 1, unitEnd, '整改落实情况（由单位填写）', FILL_UNIT],
      [unitEnd + 1, WORKBOOK_HEADERS.length, '复核销号（由市安委办填写）', FILL_OFFICE],
    ];
    const fillOf = (c: number): string => (bands.find(([a, b]) => c >= a && c <= b) as (typeof bands)[number])[3];
    for (const [a, b, label, fill] of bands) {
      ws.mergeCells(`${col(a)}${BAND_ROW}:${col(b)}${BAND_ROW}`);
      const c = ws.getCell(`${col(a)}${BAND_ROW}`);
      c.value = label;
      c.font = { name: FONT, size: 11, bold: true };
      c.alignment = { horizontal: 'center', vertical: 'middle' };
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fill } };
      for (let k = a; k <= b; k++) ws.getCell(`${col(k)}${BAND_ROW}`).border = BORDER;
    }
    ws.getRow(BAND_ROW).height = 22;

    const header = ws.getRow(HEADER_ROW);
    header.values = WORKBOOK_HEADERS.map(text);
    header.height = rowHeight(Math.max(...WORKBOOK_HEADERS.map((h, k) => wrappedLines(h, WIDTHS[k] ?? 10))));
    header.eachCell((c, k) => {
      c.font = { name: FONT, size: 11, bold: true };
      c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: fillOf(k) } };
      c.border = BORDER;
    });

    const listRows = rows.filter((r) => r.list === list);
    let r = HEADER_ROW + 1;
    for (const row of listRows) {
      const x = ws.getRow(r);
      x.values = [
        row.no,
        text(row.itemId),
        text(row.itemTitle),
        text(rowReason(row)),
        Math.round(row.points * 100) / 100,
        text(row.suggestion),
        text(placesText(row.evidence, fields, card.unit.id).join('\n')),
        text(row.responsible),
        RECTIFICATION_TYPES[row.rectification],
        text(row.deadlineText),
        ...WORKBOOK_HEADERS.slice(issuedEnd).map(() => null),
        row.key,
      ];
      const styles = row.superseded ? rowStyles.superseded : rowStyles.current;
      for (let k = 1; k <= WORKBOOK_HEADERS.length; k++) x.getCell(k).style = styles[k - 1]!;
      const progress = x.getCell(issuedEnd + 3);
      progress.dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [`"${LEDGER_PROGRESS.join(',')}"`],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '进度',
        error: `请选择：${LEDGER_PROGRESS.join('、')}`,
      };
      const closed = x.getCell(WORKBOOK_HEADERS.length);
      closed.dataValidation = {
        type: 'date',
        operator: 'greaterThan',
        allowBlank: true,
        formulae: [new Date(Date.UTC(2000, 0, 1))],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '销号日期',
        error: '请填写日期，如 2023-05-20',
      };
      let lines = 1;
      for (let k = 1; k <= WORKBOOK_HEADERS.length; k++) {
        const v = x.getCell(k).value;
        if (typeof v === 'string') lines = Math.max(lines, wrappedLines(v, WIDTHS[k - 1] ?? 10));
      }
      // Blank unit columns get room to write in by hand on the printed copy.
      x.height = rowHeight(Math.max(lines, 3));
      placed.push({ row, sheet: title, at: r });
      r += 1;
    }
    if (listRows.length === 0) {
      ws.mergeCells(`A${r}:${lastCol}${r}`);
      const c = ws.getCell(`A${r}`);
      c.value = '无扣分项';
      c.font = { name: FONT, size: 10 };
      c.alignment = { horizontal: 'center', vertical: 'middle' };
      c.border = BORDER;
      r += 1;
    }
    ws.mergeCells(`A${r}:${lastCol}${r}`);
    const total = ws.getCell(`A${r}`);
    total.value = text(totalsLine(feedbackTotals(rows, list)));
    total.font = { name: FONT, size: 10, bold: true };
    total.alignment = { horizontal: 'left', vertical: 'middle' };
    ws.pageSetup.printArea = `A1:${lastCol}${r}`;
  }

  // _meta: what the ledger is of, and each row's key, for readLedger. Hidden and protected.
  const meta = wb.addWorksheet(LEDGER_META_SHEET, { state: 'veryHidden' });
  const ruleset = options.ruleset;
  meta.addRows([
    [LEDGER_MARK, 1],
    ['unitId', card.unit.id],
    ['unitName', card.unit.name],
    ['unitKind', card.unit.kind],
    ['rulesetId', card.ruleset.id],
    ['rulesetVersion', card.ruleset.version],
    ['rulesetTitle', ruleset !== undefined ? ruleset.title.zh : ''],
    ['rulesetHash', card.ruleset.hash],
    ['evidenceHash', card.evidenceHash],
    ['date', date],
    ['deadline', deadline],
    ['rows', placed.length],
    ['sheet', 'row', 'no', 'key', 'itemId', 'code', 'source', 'rectification', 'due', 'points', 'superseded', 'itemTitle', 'reason'],
    ...placed.map(({ row, sheet, at }) => [
      sheet,
      at,
      row.no,
      row.key,
      row.itemId,
      row.code,
      row.source,
      row.rectification,
      row.deadline,
      row.points,
      row.superseded ? 1 : 0,
      text(row.itemTitle),
      text(rowReason(row)),
    ]),
  ]);
  // Not a secret (no password): it keeps a clerk from editing the keys by mistake.
  await meta.protect('', { selectLockedCells: false, selectUnlockedCells: false });
  quoteWorkbookText(wb);
  // stored by exceljs, deflated here in one call per entry (see deflateStoredZip)
  const [buf, { deflateRawSync }] = await Promise.all([wb.xlsx.writeBuffer({ zip: { compression: 'STORE' } }), import('node:zlib')]);
  return stampZipEntries(deflateStoredZip(new Uint8Array(buf as ArrayBuffer), (data) => deflateRawSync(data)), date);
}
