/** Reading scorecards for the commands that take a folder of them (report, feedback, city). */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ScoreCard } from '@safecity/engine';
import { InputProblems, UsageError, type Io, type Problem } from './io.js';

/** A scorecard and the file it was read from (relative to the working folder). */
export interface CardFile {
  card: ScoreCard;
  file: string;
}

/** Every `*.scorecard.json` under a folder (recursively, in name order), each with its file; not-a-card is a problem. */
export function readCardFiles(dir: string, io: Io): CardFile[] {
  const root = resolve(io.cwd, dir);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new InputProblems('无法读取评分卡', [{ place: dir, message: '找不到该文件夹' }]);
  }
  if (!isDir) throw new UsageError(`--scores 应为存放 *.scorecard.json 的文件夹，“${dir}”是一个文件`);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.scorecard.json')) files.push(join(d, e.name));
    }
  };
  walk(root);
  const problems: Problem[] = [];
  const out: CardFile[] = [];
  for (const f of files) {
    const place = relative(io.cwd, f) || f;
    let card: ScoreCard;
    try {
      const text = readFileSync(f, 'utf8');
      card = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as ScoreCard;
    } catch (e) {
      problems.push({ place, message: `不是有效的 JSON：${(e as Error).message}` });
      continue;
    }
    const c = card as unknown as Record<string, unknown> | null;
    const unit = c?.['unit'] as Record<string, unknown> | undefined;
    const rs = c?.['ruleset'] as Record<string, unknown> | undefined;
    if (c === null || typeof c !== 'object' || typeof unit?.['id'] !== 'string' || typeof unit['kind'] !== 'string' || typeof rs?.['id'] !== 'string' || typeof rs['version'] !== 'string' || !Array.isArray(c['nodes'])) {
      problems.push({ place, message: '不是评分卡（应含 ruleset、unit、nodes 等，即 `safecity score` 写出的格式）' });
      continue;
    }
    out.push({ card, file: place });
  }
  if (problems.length > 0) throw new InputProblems('评分卡有问题', problems);
  return out;
}
