/**
 * `@safecity/evidence-excel` — Excel evidence for safecity: reading filled workbooks back into
 * evidence with every row accounted for. The fill-in template writer is the subpath
 * `@safecity/evidence-excel/template` (it needs exceljs; this entry does not, so a browser
 * bundle of the reader holds no exceljs and no Node built-in).
 *
 * ```ts
 * import { excelTemplate } from '@safecity/evidence-excel/template';
 * import { readWorkbooks } from '@safecity/evidence-excel';
 * const bytes = await excelTemplate(ruleset, unit);              // → yanta.xlsx, filled by the unit
 * const bundle = await readWorkbooks([{ file: 'yanta.xlsx', input }], { ruleset, units });
 * const card = ruleset.score(bundle.units[0]);
 * ```
 * @packageDocumentation
 */
export { openWorkbook, parseWorkbook, readWorkbooks, type OpenWorkbookOptions, type ParseWorkbookOptions, type ParsedWorkbook, type ReadWorkbooksOptions } from './parse.js';
export { Book, Sheet, SheetRow, SheetCell, type CellValue } from './xlsx.js';
export { ProblemList } from './problems.js';
export { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_UNCOMPRESSED_BYTES, DEFAULT_WORKBOOK_LIMITS, resolveWorkbookLimits, type WorkbookLimits } from './container.js';
export { BOOLEAN_LIST, BOOLEAN_PAIRS, BOOLEAN_WORDS } from './values.js';
export { FORMAT_VERSION } from './plan.js';
