/** Reading evidence files for the commands: .json and .xlsx, every problem with its file. */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { DEFAULT_LIMITS, EvidenceError, groupDigits, SafecityError, findTooDeep, mergeEvidence, pointerToken, unitIdProblem, type CompiledRuleset, type EvidencePart, type EvidenceRecord, type Finding, type Issue, type Unit, type UnitEvidence } from '@safecity/engine';
import { InputProblems, recordedPath, type Io, type Problem } from './io.js';

/** An evidence file read from disk, not yet parsed. */
export interface EvidenceFile {
  file: string;
  ext: '.json' | '.xlsx' | '.xls' | '.xlsm';
  input: Uint8Array;
}

/** Why a file the user named could not be read, in Chinese: never a raw `ENOENT: …` line. */
export function fileError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return '找不到该文件';
  if (code === 'EISDIR') return '这是一个文件夹，应为文件';
  if (code === 'EACCES' || code === 'EPERM') return '没有读取该文件的权限';
  return `无法读取：${(e as Error).message}`;
}

/** A JSON-pointer token of a key from the input, cut to 80 characters for messages. */
const placeToken = (key: string): string => pointerToken(key.length > 80 ? `${key.slice(0, 80)}…` : key);

/** Append a list to another one by one: `push(...list)` fails on a list of some 100,000. */
export function append<T>(to: T[], list: readonly T[]): void {
  for (let i = 0; i < list.length; i++) to.push(list[i] as T);
}

/** Engine issues as the command's problems (their paths already name the file and place). */
export const toProblems = (issues: readonly Issue[]): Problem[] => issues.map((i) => ({ place: i.path, message: i.message }));

/**
 * Read a file the user named as evidence: a problem (pushed onto `problems`) when it is missing
 * or of a type no adapter reads. `.xls` and `.xlsm` go to the Excel reader, which explains why
 * it refuses them.
 */
export function readEvidenceFile(file: string, io: Io, problems: Problem[], baseDir?: string): EvidenceFile | undefined {
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.xlsx' && ext !== '.xls' && ext !== '.xlsm') {
    // Clerks meet this one (a workbook saved as .ods or .csv): in Chinese, with what to do.
    const how = ext === '.ods' || ext === '.csv' || ext === '.et' || ext === '.numbers' ? `；请用 WPS、Excel 或 LibreOffice 打开后另存为 Excel 工作簿（.xlsx）` : '';
    problems.push({ place: file, message: `不支持的佐证文件类型“${ext || '（无扩展名）'}”：请提交 Excel 工作簿（.xlsx）或 JSON 文件（.json）${how}` });
    return undefined;
  }
  try {
    // What the card records is the path relative to the base, never as typed (see recordedPath).
    return { file: recordedPath(file, io.cwd, baseDir), ext, input: readFileSync(resolve(io.cwd, file)) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push({ place: file, message: fileError(e) });
    return undefined;
  }
}

/** Parse one evidence file with the adapter for its type; throws EvidenceError with every problem. */
export async function parseEvidenceFile(
  f: EvidenceFile,
  ruleset: CompiledRuleset,
  units: readonly Unit[] | undefined,
): Promise<{ part: EvidencePart; records: EvidenceRecord[]; warnings: Issue[] }> {
  const options = { file: f.file, ruleset, ...(units !== undefined && units.length > 0 ? { units } : {}) };
  // Each reader loads with the first file of its type: JSON evidence alone never loads exceljs.
  if (f.ext === '.json') return (await import('@safecity/evidence-json')).parseJsonEvidence(f.input, options);
  return (await import('@safecity/evidence-excel')).parseWorkbook(f.input, options);
}

/**
 * Units whose evidence has no value at all (a blank template, an empty JSON file): each a
 * warning naming its file(s), `临潼区：未填写任何填报值，按未提供计分`. They are still scored (as
 * nothing provided), so the round goes on; the warning says the 0 is not a bad result but no result.
 */
export function blankUnits(units: readonly UnitEvidence[], records: readonly EvidenceRecord[]): Problem[] {
  return units
    .filter((u) => Object.keys(u.values).length === 0)
    .map((u) => {
      const files = [...new Set(records.filter((r) => r.unit === u.unit.id).map((r) => /^(.*?\.(?:json|xlsx|xlsm|xls))(?:[#!]|$)/i.exec(r.place)?.[1] ?? r.place))];
      return { place: files.join('、') || u.unit.id, message: `${u.unit.name}：未填写任何填报值，按未提供计分` };
    });
}

/** The title of the evidence's problems: `佐证材料有问题（共3个文件）`. */
export const evidenceTitle = (files: number): string => `佐证材料有问题（共${files}个文件）`;

/**
 * Read and parse every evidence file, then merge them by unit: every problem of every file at
 * once (InputProblems, with the warnings), or each unit's evidence, every record, and the
 * warnings. With `warnBlank`, a unit with no value at all is one of them (see `blankUnits`).
 */
export async function readAllEvidence(
  files: readonly string[],
  ruleset: CompiledRuleset,
  units: readonly Unit[] | undefined,
  io: Io,
  options: { warnBlank?: boolean; baseDir?: string } = {},
): Promise<{ units: UnitEvidence[]; records: EvidenceRecord[]; warnings: Problem[] }> {
  const parts: EvidencePart[] = [];
  const records: EvidenceRecord[] = [];
  const warnings: Problem[] = [];
  const problems: Problem[] = [];
  const total = files.length;
  for (const [n, file] of files.entries()) {
    if (io.isTTY && total > 3) io.stderr(`\r正在读取佐证材料 ${n + 1}/${total} …`);
    const f = readEvidenceFile(file, io, problems, options.baseDir);
    if (f === undefined) continue;
    try {
      const parsed = await parseEvidenceFile(f, ruleset, units);
      parts.push(parsed.part);
      append(records, parsed.records);
      append(warnings, toProblems(parsed.warnings));
    } catch (e) {
      if (!(e instanceof SafecityError)) throw e;
      append(problems, toProblems(e.issues));
      // What the reader noticed besides, shown with the errors (提醒) so one round of fixing is enough.
      if (e instanceof EvidenceError) append(warnings, toProblems(e.warnings));
    }
  }
  if (io.isTTY && total > 3) io.stderr('\r' + ' '.repeat(40) + '\r');
  const merged = mergeEvidence(parts, ruleset.fields);
  append(problems, toProblems(merged.issues));
  if (options.warnBlank === true) {
    const blank = blankUnits(merged.units, records);
    // The per-unit warning names the unit; the readers' per-file one for the same files would say it twice.
    const said = new Set(blank.flatMap((b) => b.place.split('、')));
    const kept = warnings.filter((w) => !(w.message.startsWith('未填写任何填报值') && said.has(w.place)));
    warnings.length = 0;
    warnings.push(...kept, ...blank);
  }
  if (problems.length > 0) throw new InputProblems(evidenceTitle(total), problems, warnings);
  return { units: merged.units, records, warnings };
}

/**
 * Read evidence files that may be of several rulesets (a round's units, each under its own
 * rubric): each file is parsed with the ruleset it names first (a JSON file's `ruleset.id`),
 * then the others; a file no ruleset reads has the problems of the first it was tried with.
 * Returns the parts, the files each unit came from, the problems (not thrown) and the warnings
 * (of the files read, and of those that failed, to show with their problems).
 */
export async function readEvidenceOfRulesets(
  files: readonly string[],
  rulesets: readonly CompiledRuleset[],
  units: readonly Unit[] | undefined,
  io: Io,
  baseDir?: string,
): Promise<{ parts: EvidencePart[]; filesOf: Map<string, string[]>; problems: Problem[]; warnings: Problem[] }> {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const parts: EvidencePart[] = [];
  const filesOf = new Map<string, string[]>();
  for (const file of files) {
    const f = readEvidenceFile(file, io, problems, baseDir);
    if (f === undefined) continue;
    let claimed: string | undefined;
    if (f.ext === '.json') {
      try {
        const root = JSON.parse(Buffer.from(f.input).toString('utf8').replace(/^\uFEFF/, '')) as { ruleset?: { id?: unknown } };
        if (typeof root?.ruleset?.id === 'string') claimed = root.ruleset.id;
      } catch {
        // the parser reports it, with its place
      }
    }
    // The named one first, the others in the order given.
    const order = [...rulesets].sort((a, b) => Number(b.id === claimed) - Number(a.id === claimed));
    let first: { problems: Problem[]; warnings: Problem[] } | undefined;
    for (const r of order) {
      try {
        const parsed = await parseEvidenceFile(f, r, units);
        parts.push(parsed.part);
        append(warnings, toProblems(parsed.warnings));
        filesOf.set(parsed.part.unit.id, [...(filesOf.get(parsed.part.unit.id) ?? []), f.file]);
        first = undefined;
        break;
      } catch (e) {
        if (!(e instanceof SafecityError)) throw e;
        first ??= { problems: toProblems(e.issues), warnings: e instanceof EvidenceError ? toProblems(e.warnings) : [] };
      }
    }
    if (first !== undefined) {
      append(problems, first.problems);
      append(warnings, first.warnings);
    }
  }
  return { parts, filesOf, problems, warnings };
}

/**
 * Read a findings file: `{ "<unit id>": [finding, …] }`, for units that have evidence. A unit
 * `elsewhere` says is scored under another ruleset (a check's file covers all units) is left
 * out with a warning naming it, pushed onto `warnings`; any other unit without evidence is a
 * problem (named by `nameOf` when given).
 */
export function readFindings(
  file: string,
  io: Io,
  unitIds: ReadonlySet<string>,
  elsewhere?: (unit: string) => string | undefined,
  warnings?: Problem[],
  nameOf?: (unit: string) => string | undefined,
): Map<string, Finding[]> {
  let data: unknown;
  try {
    const text = readFileSync(resolve(io.cwd, file), 'utf8');
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new InputProblems('无法读取核查发现', [{ place: file, message: e instanceof SyntaxError ? `不是有效的 JSON：${e.message}` : fileError(e) }]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputProblems('核查发现的格式不对', [{ place: file, message: '应为按单位编号列出核查发现的对象：{ "yanta": [ { item, source, type, … } ] }' }]);
  }
  // Nesting and counts before anything is built per finding (the engine checks them again).
  const deep = findTooDeep(data, DEFAULT_LIMITS.maxJsonDepth);
  if (deep !== undefined) {
    throw new InputProblems('核查发现有问题', [{ place: `${file}#${deep.pointer}`, message: `对象和数组层层相套超过 ${DEFAULT_LIMITS.maxJsonDepth} 层（上限 maxJsonDepth），无法读取；核查发现应为 { "单位编号": [ { item, source, type, … } ] }` }]);
  }
  const out = new Map<string, Finding[]>();
  const problems: Problem[] = [];
  const skipped: string[] = [];
  const maxFindings = DEFAULT_LIMITS.maxFindings;
  for (const [unit, list] of Object.entries(data)) {
    const at = `${file}#/${placeToken(unit)}`;
    // Findings are keyed by unit id: a key outside the grammar is named, never used.
    const idProblem = unitIdProblem(unit, '核查发现的单位编号');
    if (idProblem !== undefined) {
      problems.push({ place: at, message: idProblem });
      continue;
    }
    const other = unitIds.has(unit) ? undefined : elsewhere?.(unit);
    if (other !== undefined) skipped.push(other);
    else if (!unitIds.has(unit)) problems.push({ place: at, message: `${nameOf?.(unit) ?? '单位'}（${unit}）的佐证材料未在本次给出：请一并给出其佐证材料，或从核查发现中删去该单位` });
    else if (!Array.isArray(list)) problems.push({ place: at, message: '应为核查发现的数组：[ { item, source, type, … } ]' });
    else if (list.length > maxFindings) {
      problems.push({ place: at, message: `${nameOf?.(unit) ?? '该单位'}的核查发现有 ${groupDigits(list.length)} 条，超过每个单位 ${groupDigits(maxFindings)} 条的上限（maxFindings）：请核对文件是否有误，或分轮核查` });
    } else out.set(unit, list as Finding[]);
  }
  if (problems.length > 0) throw new InputProblems('核查发现有问题', problems);
  if (skipped.length > 0) warnings?.push({ place: file, message: `${skipped.length}个单位按其他评价细则计分，其核查发现此处未采用：${skipped.join('、')}` });
  return out;
}
