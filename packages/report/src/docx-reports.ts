/**
 * The reports as Word documents in 公文 form: each unit's feedback lists, the city's
 * self-evaluation report.
 * @module
 */
import type { ScoreCard } from '@safecity/engine';
import { cityReportMarkdown, type CityReportOptions } from './city.js';
import { blocksDocx, markdownDocx, textRuns, type DocBlock, type DocRun, type DocxOptions } from './docx.js';
import {
  bonusLine,
  DEFAULT_DEADLINE,
  LEDGER_ISSUED_HEADERS,
  RECTIFICATION_TYPES,
  deadlineLine,
  FEEDBACK_LIST_SOURCES,
  FEEDBACK_LIST_TITLES,
  feedbackRows,
  feedbackTotals,
  fieldTitles,
  pendingLine,
  claimsLine,
  placesText,
  rowReason,
  rulesetLine,
  scoreLine,
  totalsLine,
  type FeedbackList,
  type FeedbackOptions,
} from './feedback.js';
import { fmtDate, fmtPoints, today } from './util.js';

/** Options of {@link feedbackDocx}: those of the other feedback formats, and the document's. */
export interface FeedbackDocxOptions extends FeedbackOptions, Omit<DocxOptions, 'date'> {
  /**
   * The lists in the document, in order; default both. With one list the title names it
   * (`临潼区意见反馈清单（数据核查）`).
   */
  lists?: readonly FeedbackList[];
}

/**
 * Relative widths of the feedback table's columns (序号 · 评分项 · 评分项名称 · 扣分 · 扣分原因 ·
 * 整改建议 · 佐证/位置 · 责任单位 · 整改时限) on a landscape page: the reasons and suggestions get
 * the room, a date fits on one line.
 */
// 序号 评分项 评分项名称 问题描述 扣分 整改建议 佐证/位置 责任单位 整改类型 整改时限 (mm-ish weights)
const FEEDBACK_WIDTHS = [32, 54, 86, 118, 32, 92, 72, 58, 44, 80];

/**
 * Both feedback lists of one card (意见反馈清单 from the data check, 问题反馈清单 from the
 * on-site check) as a Word document in 公文 form, landscape A4: the title (`雁塔区反馈清单`, or
 * with one list `雁塔区意见反馈清单（数据核查）`), the rubric's title, the score, the bonus and
 * its cap, items awaiting a grade, vetoes and the deadline, then per list a heading, its table
 * (header row repeated on every page) and its totals, then the 落款 (`options.issuer`) and the
 * date (`options.date`, default today). The same rows, reasons and places as
 * `feedbackMarkdown`; places in the unit's own evidence file without the file's name. Give
 * `options.ruleset`: without it the rubric can only be named by its id and version.
 *
 * @throws TypeError when `card` is not a ScoreCard, or `options.ruleset` is another ruleset.
 */
export async function feedbackDocx(card: ScoreCard, options: FeedbackDocxOptions = {}): Promise<Uint8Array> {
  const rows = options.rows ?? feedbackRows(card, options);
  const lists = options.lists ?? (['data-check', 'onsite'] as const);
  const deadline = options.deadline ?? options.ruleset?.rectificationDeadline ?? DEFAULT_DEADLINE;
  const fields = fieldTitles(options.ruleset);
  const unit = card.unit.name;
  const only = lists.length === 1 ? lists[0]! : undefined;
  const title = options.title ?? (only !== undefined ? `${unit}${FEEDBACK_LIST_TITLES[only]}（${FEEDBACK_LIST_SOURCES[only]}）` : `${unit}反馈清单`);
  const para = (label: string, text: string): DocBlock => ({ kind: 'paragraph', runs: textRuns(`${label}：${text}`) });

  const blocks: DocBlock[] = [];
  const rubric = options.ruleset !== undefined ? `《${options.ruleset.title.zh}》（版本 ${card.ruleset.version}）` : rulesetLine(card);
  blocks.push(para('评价对象', unit));
  blocks.push(para('评价细则', rubric));
  blocks.push(para('得分', scoreLine(card, options.ruleset).replace(/ /g, '')));
  const bonus = bonusLine(card, options.ruleset);
  if (bonus !== undefined) blocks.push(para('加分项', bonus));
  const claims = claimsLine(card);
  if (claims !== undefined) blocks.push(para('单位称不适用', claims));
  const pending = pendingLine(card);
  if (pending !== undefined) blocks.push(para('待评定', pending));
  for (const v of card.vetoes) blocks.push(para('否决项', `${v.title}——${v.reason}`));
  blocks.push(para('整改时限', deadlineLine(deadline)));

  const numerals = ['一', '二', '三', '四'];
  lists.forEach((list, i) => {
    const listRows = rows.filter((r) => r.list === list);
    const heading = `${FEEDBACK_LIST_TITLES[list]}（${FEEDBACK_LIST_SOURCES[list]}）`;
    if (only === undefined) blocks.push({ kind: 'heading', level: 1, runs: [{ text: `${numerals[i] ?? i + 1}、${heading}` }] });
    if (listRows.length === 0) {
      blocks.push({ kind: 'paragraph', runs: [{ text: '无扣分项。' }] });
      return;
    }
    const cell = (text: string): DocRun[] => textRuns(text);
    blocks.push({
      kind: 'table',
      header: LEDGER_ISSUED_HEADERS.map((h) => cell(h)),
      rows: listRows.map((r) => [
        cell(String(r.no)),
        cell(r.itemId),
        cell(r.path.join(' › ')),
        cell(rowReason(r)),
        cell(fmtPoints(r.points)),
        cell(r.suggestion),
        cell(placesText(r.evidence, fields, card.unit.id).join('\n')),
        cell(r.responsible),
        cell(RECTIFICATION_TYPES[r.rectification]),
        cell(r.deadlineText),
      ]),
      align: ['center', 'left', 'left', 'left', 'right', 'left', 'left', 'left', 'center', 'center'],
      widths: FEEDBACK_WIDTHS,
    });
    blocks.push({ kind: 'paragraph', runs: textRuns(totalsLine(feedbackTotals(rows, list)).replace(/(\d) (项|分)/g, '$1$2').replace(/(扣|有) (\d)/g, '$1$2')) });
  });

  const { lists: _lists, ruleset: _r, deadline: _d, responsible: _p, units: _u, rows: _rows, date, ...docx } = options;
  return blocksDocx(blocks, { ...docx, title, orientation: docx.orientation ?? 'landscape', date: date ?? today() });
}

/** Options of {@link cityReportDocx}: the report's and the document's. */
export interface CityReportDocxOptions extends CityReportOptions, Omit<DocxOptions, 'title' | 'date'> {}

/**
 * The city's self-evaluation report (自评报告) as a Word document in 公文 form:
 * `cityReport`'s Markdown laid out by {@link markdownDocx} — the same sections and tables (the
 * Word version has tables where the HTML has charts), wide tables in landscape sections, the
 * 落款 (default `<city>安全生产委员会办公室` when the city is named) and the report's date.
 */
export async function cityReportDocx(cards: readonly ScoreCard[], options: CityReportDocxOptions = {}): Promise<Uint8Array> {
  return cityReportMarkdownDocx(cityReportMarkdown(cards, options), options);
}

/**
 * {@link cityReportDocx} from the report's Markdown already built (`cityReport(cards, options).markdown`,
 * or `cityReportMarkdown`): the same document, without building the report a second time when
 * its HTML and Markdown are written too. `options` are those the Markdown was built with (the
 * city names the default 落款; the date is the report's).
 */
export async function cityReportMarkdownDocx(markdown: string, options: CityReportDocxOptions = {}): Promise<Uint8Array> {
  const city = typeof options.city === 'string' ? options.city : options.city?.unit.name;
  const issuer = options.issuer ?? (city !== undefined ? `${city}安全生产委员会办公室` : undefined);
  const docx: DocxOptions = {
    date: options.date ?? today(),
    ...(issuer !== undefined ? { issuer } : {}),
  };
  for (const k of ['subtitle', 'docNumber', 'addressee', 'orientation', 'wideTables', 'header', 'footer', 'language'] as const) {
    const v = options[k];
    if (v !== undefined) (docx as Record<string, unknown>)[k] = v;
  }
  return markdownDocx(markdown, docx);
}
