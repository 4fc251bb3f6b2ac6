/**
 * `@safecity/report` — reports from safecity ScoreCards, as pure functions:
 *
 * - per-unit feedback lists, 意见反馈清单 (data check) and 问题反馈清单 (on-site check):
 *   {@link feedbackRows}, {@link feedbackMarkdown}, {@link feedbackWorkbook} (xlsx, which is
 *   also the rectification ledger 问题整改台账), {@link feedbackDocx} (Word, 公文);
 * - the ledger over time: {@link readLedger} (a filled ledger back), {@link rectificationStatus}
 *   (against the re-scored round), {@link rectificationMarkdown} (the rectification report);
 * - before/after rectification: {@link compareRounds}, {@link compareMarkdown};
 * - the city's self-evaluation report (自评报告): {@link cityReport} (self-contained HTML
 *   with server-side ECharts SVG charts, and Markdown), {@link cityReportData}, {@link cityReportDocx} (Word);
 * - any of our Markdown as a 公文-style Word document: {@link markdownDocx}.
 *
 * ```ts
 * import { feedbackWorkbook, cityReport } from '@safecity/report';
 * const xlsx = await feedbackWorkbook(card, { ruleset, deadline: '2023-04-15' });
 * const { html, markdown } = cityReport(cards, { city: '西安市', before, selfScores, rulesets: [municipal, district] });
 * ```
 * @packageDocumentation
 */
export {
  feedbackRows,
  feedbackMarkdown,
  feedbackTotals,
  pendingLine,
  claimsLine,
  placesText,
  DEFAULT_DEADLINE,
  FEEDBACK_HEADERS,
  FEEDBACK_LIST_TITLES,
  FEEDBACK_LIST_SOURCES,
  LEDGER_ISSUED_HEADERS,
  RECTIFICATION_TYPES,
  type RectificationType,
  type FeedbackList,
  type FeedbackOptions,
  type FeedbackRow,
  type FeedbackTotals,
  type UnitName,
} from './feedback.js';
export {
  feedbackWorkbook,
  WORKBOOK_HEADERS,
  LEDGER_UNIT_HEADERS,
  LEDGER_OFFICE_HEADERS,
  LEDGER_PROGRESS,
  LEDGER_META_SHEET,
  LEDGER_KEY_COLUMN,
  type LedgerProgress,
  type LedgerWorkbookOptions,
} from './workbook.js';
export {
  readLedger,
  rectificationStatus,
  rectificationMarkdown,
  rectificationStatusRows,
  parseLedgerDate,
  quoteCell,
  unquoteCell,
  type Ledger,
  type LedgerRow,
  type ReadLedgerOptions,
  type RectificationItem,
  type RectificationState,
  type RectificationStatus,
  type RectificationStatusOptions,
  type RectificationMarkdownOptions,
  type NewProblem,
} from './ledger.js';
export {
  compareRounds,
  compareMarkdown,
  type RoundComparison,
  type UnitComparison,
  type ItemChange,
  type ItemStatus,
  type RoundScore,
  type UnitRef,
  type ComparisonTotals,
  type CompareMarkdownOptions,
  type CompareOptions,
} from './compare.js';
export {
  cityReport,
  REPORT_CSP,
  cityReportData,
  type CityReport,
  type CityReportOptions,
  type CityReportData,
  type AreaAverage,
  type RankingRow,
  type RankingGroup,
  type GradeCount,
  type CityResult,
  type InconsistencyRow,
  type DeductedItem,
  type SelfScoreRow,
  type ReportUnit,
  placeholder,
} from './city.js';
export {
  type RectificationStatusRow,
  type FeatureItem,
  type ProblemAspect,
  type OpenItem,
  type StrongIndicator,
} from './narrative.js';
export {
  selfEvaluationWorkbook,
  readSelfEvaluation,
  parseSelfEvaluation,
  compareSelfEvaluation,
  unitSelfReport,
  SELF_SHEET,
  SELF_META_SHEET,
  SELF_HEADERS,
  type SelfEvaluation,
  type SelfItem,
  type SelfItemRow,
  type SelfComparison,
  type SelfEvaluationWorkbookOptions,
  type ReadSelfEvaluationOptions,
  type UnitSelfReportOptions,
} from './self-evaluation.js';
export {
  markdownDocx,
  markdownBlocks,
  blocksDocx,
  textRuns,
  type DocxOptions,
  type DocxOrientation,
  type DocBlock,
  type DocRun,
  type DocAlign,
  type MarkdownBlocks,
} from './docx.js';
export { feedbackDocx, cityReportDocx, cityReportMarkdownDocx, type FeedbackDocxOptions, type CityReportDocxOptions } from './docx-reports.js';
export {
  escapeHtml,
  escapeMarkdown,
  escapeMarkdownCell,
  fmtDate,
  neutraliseFormula,
  markdownText,
  markdownCell,
  markdownCode,
  spreadsheetText,
  spreadsheetTextBack,
  stampZipEntries,
} from './util.js';
