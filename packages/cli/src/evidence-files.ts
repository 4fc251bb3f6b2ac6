/** Reading evidence files for the commands: .json and .xlsx, every problem with its file. */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { SafecityError, mergeEvidence, type CompiledRuleset, type EvidencePart, type EvidenceRecord, type Finding, type Issue, type Unit, type UnitEvidence } from '@safecity/engine';
import { parseJsonEvidence } from '@safecity/evidence-json';
import { parseWorkbook } from '@safecity/evidence-excel';
import { InputProblems, type Io, type Problem } from './io.js';

/** An evidence file read from disk, not yet parsed. */
export interface EvidenceFile {
  file: string;
  ext: '.json' | '.xlsx' | '.xls' | '.xlsm';
  input: Uint8Array;
}

/** Engine issues as the command's problems (their paths already name the file and place). */
export const toProblems = (issues: readonly Issue[]): Problem[] => issues.map((i) => ({ place: i.path, message: i.message }));

/**
 * Read a file the user named as evidence: a problem (pushed onto `problems`) when it is missing
 * or of a type no adapter reads. `.xls` and `.xlsm` go to the Excel reader, which explains why
 * it refuses them.
 */
export function readEvidenceFile(file: string, io: Io, problems: Problem[]): EvidenceFile | undefined {
  const ext = extname(file).toLowerCase();
  if (ext !== '.json' && ext !== '.xlsx' && ext !== '.xls' && ext !== '.xlsm') {
    // Clerks meet this one (a workbook saved as .ods or .csv): in Chinese, with what to do.
    const how = ext === '.ods' || ext === '.csv' || ext === '.et' || ext === '.numbers' ? `；请用 WPS、Excel 或 LibreOffice 打开后另存为 Excel 工作簿（.xlsx）` : '';
    problems.push({ place: file, message: `不支持的佐证文件类型“${ext || '（无扩展名）'}”：请提交 Excel 工作簿（.xlsx）或 JSON 文件（.json）${how}` });
    return undefined;
  }
  try {
    return { file, ext, input: readFileSync(resolve(io.cwd, file)) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push({ place: file, message: code === 'ENOENT' ? 'no such file' : (e as Error).message });
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
  return f.ext === '.json' ? parseJsonEvidence(f.input, options) : parseWorkbook(f.input, options);
}

/**
 * Read and parse every evidence file, then merge them by unit: every problem of every file at
 * once (InputProblems), or each unit's evidence, every record, and the warnings.
 */
export async function readAllEvidence(
  files: readonly string[],
  ruleset: CompiledRuleset,
  units: readonly Unit[] | undefined,
  io: Io,
): Promise<{ units: UnitEvidence[]; records: EvidenceRecord[]; warnings: Problem[] }> {
  const parts: EvidencePart[] = [];
  const records: EvidenceRecord[] = [];
  const warnings: Problem[] = [];
  const problems: Problem[] = [];
  const total = files.length;
  for (const [n, file] of files.entries()) {
    if (io.isTTY && total > 3) io.stderr(`\r读取佐证材料 reading evidence ${n + 1}/${total} …`);
    const f = readEvidenceFile(file, io, problems);
    if (f === undefined) continue;
    try {
      const parsed = await parseEvidenceFile(f, ruleset, units);
      parts.push(parsed.part);
      records.push(...parsed.records);
      warnings.push(...toProblems(parsed.warnings));
    } catch (e) {
      if (e instanceof SafecityError) problems.push(...toProblems(e.issues));
      else throw e;
    }
  }
  if (io.isTTY && total > 3) io.stderr('\r' + ' '.repeat(40) + '\r');
  const merged = mergeEvidence(parts, ruleset.fields);
  problems.push(...toProblems(merged.issues));
  if (problems.length > 0) throw new InputProblems(`Problems in the evidence (${total} file${total === 1 ? '' : 's'})`, problems);
  return { units: merged.units, records, warnings };
}

/**
 * Read evidence files that may be of several rulesets (a round's units, each under its own
 * rubric): each file is parsed with the ruleset it names first (a JSON file's `ruleset.id`),
 * then the others; a file no ruleset reads has the problems of the first it was tried with.
 * Returns the parts, the files each unit came from, and the problems (not thrown).
 */
export async function readEvidenceOfRulesets(
  files: readonly string[],
  rulesets: readonly CompiledRuleset[],
  units: readonly Unit[] | undefined,
  io: Io,
): Promise<{ parts: EvidencePart[]; filesOf: Map<string, string[]>; problems: Problem[] }> {
  const problems: Problem[] = [];
  const parts: EvidencePart[] = [];
  const filesOf = new Map<string, string[]>();
  for (const file of files) {
    const f = readEvidenceFile(file, io, problems);
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
    let first: Problem[] | undefined;
    for (const r of order) {
      try {
        const parsed = await parseEvidenceFile(f, r, units);
        parts.push(parsed.part);
        filesOf.set(parsed.part.unit.id, [...(filesOf.get(parsed.part.unit.id) ?? []), file]);
        first = undefined;
        break;
      } catch (e) {
        if (!(e instanceof SafecityError)) throw e;
        first ??= toProblems(e.issues);
      }
    }
    if (first !== undefined) problems.push(...first);
  }
  return { parts, filesOf, problems };
}

/**
 * Read a findings file: `{ "<unit id>": [finding, …] }`, for units that have evidence. A unit
 * `elsewhere` says is scored under another ruleset (a check's file covers all units) is left
 * out with a warning naming it, pushed onto `warnings`; any other unit without evidence is a
 * problem.
 */
export function readFindings(
  file: string,
  io: Io,
  unitIds: ReadonlySet<string>,
  elsewhere?: (unit: string) => string | undefined,
  warnings?: Problem[],
): Map<string, Finding[]> {
  let data: unknown;
  try {
    const text = readFileSync(resolve(io.cwd, file), 'utf8');
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new InputProblems('Cannot read the findings', [{ place: file, message: (e as Error).message }]);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputProblems('Invalid findings', [{ place: file, message: 'expected an object of findings by unit id: { "yanta": [ { item, source, type, … } ] }' }]);
  }
  const out = new Map<string, Finding[]>();
  const problems: Problem[] = [];
  const skipped: string[] = [];
  for (const [unit, list] of Object.entries(data)) {
    const other = unitIds.has(unit) ? undefined : elsewhere?.(unit);
    if (other !== undefined) skipped.push(other);
    else if (!unitIds.has(unit)) problems.push({ place: `${file}#/${unit}`, message: `no evidence was given for unit "${unit}"` });
    else if (!Array.isArray(list)) problems.push({ place: `${file}#/${unit}`, message: 'expected an array of findings' });
    else out.set(unit, list as Finding[]);
  }
  if (problems.length > 0) throw new InputProblems('Invalid findings', problems);
  if (skipped.length > 0) warnings?.push({ place: file, message: `findings of ${skipped.length} unit${skipped.length === 1 ? '' : 's'} scored under another ruleset not applied here: ${skipped.join('、')}` });
  return out;
}
