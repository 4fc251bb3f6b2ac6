/**
 * `@safecity/evidence-excel` — Excel evidence for safecity: a fill-in workbook template per
 * unit, and reading filled workbooks back into evidence with every row accounted for.
 *
 * ```ts
 * import { excelTemplate, readWorkbooks } from '@safecity/evidence-excel';
 * const bytes = await excelTemplate(ruleset, unit);              // → yanta.xlsx, filled by the unit
 * const bundle = await readWorkbooks([{ file: 'yanta.xlsx', input }], { ruleset, units });
 * const card = ruleset.score(bundle.units[0]);
 * ```
 * @packageDocumentation
 */
export { excelTemplate, type ExcelTemplateOptions } from './template.js';
export { openWorkbook, parseWorkbook, readWorkbooks, type OpenWorkbookOptions, type ParseWorkbookOptions, type ParsedWorkbook, type ReadWorkbooksOptions } from './parse.js';
export { Book, Sheet, SheetRow, SheetCell, type CellValue } from './xlsx.js';
export { ProblemList } from './problems.js';
export { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_UNCOMPRESSED_BYTES, DEFAULT_WORKBOOK_LIMITS, resolveWorkbookLimits, type WorkbookLimits } from './container.js';
export { BOOLEAN_LIST, BOOLEAN_PAIRS, BOOLEAN_WORDS } from './values.js';
export { FORMAT_VERSION } from './plan.js';
