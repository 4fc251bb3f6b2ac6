/**
 * The units' self-evaluations as `safecity report --self-scores` reads them: the legacy
 * `{ "<unit id>": score }` JSON, the item-by-item JSON `{ unit, ruleset, items }`, and filled
 * self-evaluation workbooks (.xlsx, from `safecity self-template`). Every problem of every file
 * is listed with its place; a missing file says so in Chinese, never as ENOENT.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pointerToken, SafecityError } from '@safecity/engine';
import { parseSelfEvaluation, readSelfEvaluation, type SelfEvaluation } from '@safecity/report';
import { InputProblems, type Io, type Problem } from './io.js';

/** What the self-score files give the report. */
export interface SelfScoreInput {
  /** Legacy one-number self scores by unit id (`selfScores` of the report). */
  selfScores?: Record<string, number>;
  /** Item-by-item self-evaluations (`selfEvaluations` of the report). */
  selfEvaluations?: SelfEvaluation[];
}

/** Read the bytes of a file, or say in Chinese that it is not there. */
function readBytes(file: string, io: Io): Uint8Array {
  try {
    return readFileSync(resolve(io.cwd, file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputProblems('找不到自评文件', [{ place: file, message: `找不到自评文件：${file}` }]);
    if (code === 'EISDIR') throw new InputProblems('自评文件有误', [{ place: file, message: `这是一个文件夹，不是自评文件：${file}` }]);
    throw new InputProblems('无法读取自评文件', [{ place: file, message: `无法读取自评文件：${file}（${code ?? (e as Error).message}）` }]);
  }
}

/**
 * Read every self-score file given to `--self-scores`: `.xlsx` workbooks and `.json` files of
 * either form, mixed. A unit may have one total (legacy form) and one item-by-item
 * self-evaluation; either given twice is a problem. Throws InputProblems listing every problem of every file.
 */
export async function readSelfScoreFiles(files: readonly string[], io: Io): Promise<SelfScoreInput> {
  const problems: Problem[] = [];
  const selfScores: Record<string, number> = {};
  const evaluations: SelfEvaluation[] = [];
  // a unit may give one total (legacy) and one item-by-item self-evaluation, each once
  const seen = new Map<string, string>();
  const claim = (unit: string, file: string, place: string, form: 'total' | 'items' = 'items'): boolean => {
    const key = `${form}\u0000${unit}`;
    const prev = seen.get(key);
    if (prev !== undefined) {
      problems.push({ place, message: `单位 ${unit} 的自评已在 ${prev} 中给出；每个单位只报送一份自评` });
      return false;
    }
    seen.set(key, file);
    return true;
  };
  for (const file of files) {
    try {
      const bytes = readBytes(file, io);
      if (extname(file).toLowerCase() === '.xlsx') {
        const e = await readSelfEvaluation(bytes, file);
        if (claim(e.unit, file, file)) evaluations.push(e);
        continue;
      }
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ''));
      } catch (e) {
        problems.push({ place: file, message: `不是有效的 JSON（${(e as Error).message}）；自评文件应为 .json 或 .xlsx` });
        continue;
      }
      if (json !== null && typeof json === 'object' && !Array.isArray(json) && 'items' in json) {
        const e = parseSelfEvaluation(json, file);
        if (claim(e.unit, file, `${file}#/unit`)) evaluations.push(e);
        continue;
      }
      if (json === null || typeof json !== 'object' || Array.isArray(json)) {
        problems.push({ place: file, message: '自评文件应为 { "单位编号": 自评得分 }，或 { "unit": 单位编号, "ruleset": 评价细则编号, "items": { 评分项编号: { "score": 自评分, "note": 自评说明 } } }' });
        continue;
      }
      for (const [unit, v] of Object.entries(json)) {
        const place = `${file}#/${pointerToken(unit)}`;
        if (typeof v !== 'number' || !Number.isFinite(v)) problems.push({ place, message: `自评得分应为数字，实际为 ${JSON.stringify(v)}` });
        else if (claim(unit, file, place, 'total')) selfScores[unit] = v;
      }
    } catch (e) {
      if (e instanceof InputProblems) problems.push(...e.problems);
      else if (e instanceof SafecityError) problems.push(...e.issues.map((i) => ({ place: i.path, message: i.message })));
      else throw e;
    }
  }
  if (problems.length > 0) throw new InputProblems('自评文件有误', problems);
  const out: SelfScoreInput = {};
  if (Object.keys(selfScores).length > 0) out.selfScores = selfScores;
  if (evaluations.length > 0) out.selfEvaluations = evaluations;
  return out;
}
