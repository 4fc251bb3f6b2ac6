/**
 * The feedback lists as a print-ready xlsx workbook.
 * @module
 */
import ExcelJS from 'exceljs';
import type { ScoreCard } from '@safecity/engine';
import {
  bonusLine,
  pendingLine,
  DEFAULT_DEADLINE,
  FEEDBACK_HEADERS,
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
} from './feedback.js';
import { fmtDate, neutraliseFormula, today } from './util.js';

/** Column headers of both sheets, in order. */
export const WORKBOOK_HEADERS: readonly string[] = [...FEEDBACK_HEADERS, '整改情况（由单位填写）'];

/** Column widths (characters), in header order. */
const WIDTHS = [6, 11, 34, 7, 44, 34, 24, 18, 12, 28];
/**
 * Lines a wrapped text takes in a column `width` characters wide: a CJK character is two
 * character widths, anything else one; each `\n` starts a line.
 */
export function wrappedLines(text: string, width: number): number {
  let lines = 0;
  for (const line of text.split('\n')) {
    let w = 0;
    for (const ch of line) w += ch.charCodeAt(0) > 0x2e7f ? 2 : 1;
    lines += Math.max(1, Math.ceil(w / Math.max(1, width - 1)));
  }
  return lines;
}

/** Height (points) of a row of 10-point wrapped text whose tallest cell takes `lines` lines. */
const rowHeight = (lines: number): number => Math.max(18, Math.ceil(lines * 13.5 + 4));

/** Row of the header (rows 1–2 are the title). */
const HEADER_ROW = 3;

const THIN = { style: 'thin' as const, color: { argb: 'FF808080' } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };
const FONT = 'SimSun';

/**
 * Both feedback lists of one card as an xlsx workbook, print-ready: sheets 意见反馈清单 and
 * 问题反馈清单, each with a title (unit, ruleset, date), Chinese headers, wrapped text,
 * column widths, A4 landscape fitted to the page width, the header row repeated on every
 * printed page and frozen on screen, and a blank 整改情况 column for the unit to fill in.
 *
 * Every text cell is neutralised against formula injection: text starting with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is written with a leading `'`.
 *
 * `options.date` (shown in the title) defaults to today; dates are written as officials write
 * them (2023年4月15日), evidence places in JSON as the file and the field's title. Bonus
 * items (加分项) have no rows (see {@link feedbackRows}).
 */
export async function feedbackWorkbook(card: ScoreCard, options: FeedbackOptions = {}): Promise<Uint8Array> {
  const rows = feedbackRows(card, options);
  const date = options.date ?? today();
  const deadline = options.deadline ?? options.ruleset?.rectificationDeadline ?? DEFAULT_DEADLINE;
  const fields = fieldTitles(options.ruleset);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'safecity';
  const created = /^\d{4}-\d{2}-\d{2}$/.test(date) ? new Date(`${date}T00:00:00Z`) : undefined;
  if (created !== undefined && !Number.isNaN(created.getTime())) {
    wb.created = created;
    wb.modified = created;
  }
  const text = (s: string): string => neutraliseFormula(s);
  const lastCol = String.fromCharCode(64 + WORKBOOK_HEADERS.length);

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
        printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
        margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      },
      headerFooter: { oddFooter: text(`${card.unit.name} ${title}  第 &P 页，共 &N 页`) },
    });
    ws.columns = WIDTHS.map((width) => ({ width }));

    ws.mergeCells(`A1:${lastCol}1`);
    const t = ws.getCell('A1');
    t.value = text(`${card.unit.name} ${title}（${FEEDBACK_LIST_SOURCES[list]}）`);
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
      ...card.vetoes.map((v) => `否决项：${v.title}——${v.reason}`),
      `日期：${fmtDate(date)}`,
      `整改时限：${fmtDate(deadline)}`,
    ].join('    ');
    const i = ws.getCell('A2');
    i.value = text(info);
    i.font = { name: FONT, size: 10 };
    i.alignment = { horizontal: 'left', vertical: 'middle', wrapText: true };
    // Printed rows never overlap: each row is as tall as its longest wrapped text.
    ws.getRow(2).height = rowHeight(wrappedLines(info, WIDTHS.reduce((a, b) => a + b, 0)));

    const header = ws.getRow(HEADER_ROW);
    header.values = WORKBOOK_HEADERS.map(text);
    header.height = 22;
    header.eachCell((c) => {
      c.font = { name: FONT, size: 11, bold: true };
      c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7ECF3' } };
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
        Math.round(row.points * 100) / 100,
        text(rowReason(row)),
        text(row.suggestion),
        text(placesText(row.evidence, fields).join('\n')),
        text(row.responsible),
        text(fmtDate(row.deadline)),
        '',
      ];
      x.eachCell({ includeEmpty: true }, (c, col) => {
        c.font = { name: FONT, size: 10, ...(row.superseded ? { color: { argb: 'FF808080' } } : {}) };
        c.alignment = { vertical: 'top', wrapText: true, horizontal: col === 1 || col === 4 ? 'center' : 'left' };
        c.border = BORDER;
      });
      // General, not 0.##: Excel shows 2 as "2." under 0.##
      x.getCell(4).numFmt = 'General';
      let lines = 1;
      x.eachCell((c, col) => {
        if (typeof c.value === 'string') lines = Math.max(lines, wrappedLines(c.value, WIDTHS[col - 1] ?? 10));
      });
      x.height = rowHeight(lines);
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
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}
