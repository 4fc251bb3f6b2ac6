/** Reading evidence files for the commands: .json and .xlsx, every problem with its file. */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import type { CompiledRuleset, EvidencePart, EvidenceRecord, Issue, Unit } from '@safecity/engine';
import { parseJsonEvidence } from '@safecity/evidence-json';
import { parseWorkbook } from '@safecity/evidence-excel';
import type { Io, Problem } from './io.js';

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
    problems.push({ place: file, message: `unsupported evidence file type "${ext || '(none)'}": give .json or .xlsx files` });
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
