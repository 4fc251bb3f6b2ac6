/**
 * Reading scorecards for the commands that take a folder of them (report, feedback, city,
 * ledger). A folder with a manifest (`safecity-manifest.json`, written last by `safecity score`
 * and `safecity city`) is read as it lists: only the cards it names, each checked against its
 * recorded SHA-256, so a card missing, changed or left half-written by an interrupted run is
 * named, and a stale card the manifest does not list is not counted (a warning names it). A
 * folder without one (cards written by hand, or by an older version) is read whole, with a warning.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { unitIdProblem, type ScoreCard } from '@safecity/engine';
import { InputProblems, UsageError, type Io, type Problem } from './io.js';
import { fileHash, MANIFEST, parseManifest, type Manifest } from './output.js';

/** A scorecard and the file it was read from (relative to the working folder). */
export interface CardFile {
  card: ScoreCard;
  file: string;
}

const CARD_SUFFIX = '.scorecard.json';

/**
 * The scorecards under a folder (recursively, in name order), each with its file: in each
 * folder, those its manifest lists (checked by hash), or every `*.scorecard.json` when it has
 * none. Not-a-card, a listed card missing or changed, and a unit id outside the grammar are
 * problems (InputProblems, all at once); an unlisted card and a folder without a manifest are
 * warnings, printed as `提醒：` lines on stderr.
 */
export function readCardFiles(dir: string, io: Io): CardFile[] {
  const root = resolve(io.cwd, dir);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new InputProblems('无法读取评分卡', [{ place: dir, message: '找不到该文件夹' }]);
  }
  if (!isDir) throw new UsageError(`--scores 应为存放 *.scorecard.json 的文件夹，“${dir}”是一个文件`);
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const placeOf = (f: string): string => relative(io.cwd, f) || f;
  /** The card files to read, each with the hash its manifest recorded (undefined: no manifest). */
  const files: { path: string; sha256?: string }[] = [];
  const walk = (d: string) => {
    const entries = readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const cards = entries.filter((e) => !e.isDirectory() && e.name.endsWith(CARD_SUFFIX)).map((e) => e.name);
    const hasManifest = entries.some((e) => e.name === MANIFEST && !e.isDirectory());
    let manifest: Manifest | undefined;
    /** The card files of this folder to read, by name, with the hash recorded (undefined: no manifest). */
    const here = new Map<string, string | undefined>();
    if (hasManifest) {
      manifest = parseManifest(readText(join(d, MANIFEST)) ?? '');
      if (manifest === undefined) problems.push({ place: placeOf(join(d, MANIFEST)), message: `不是 safecity 写出的文件清单（无法读取或格式不对）：请删除该文件夹后重新运行 safecity score，或删去此文件` });
    }
    if (manifest !== undefined) {
      const listed = new Map(manifest.files.filter((f) => f.name.endsWith(CARD_SUFFIX)).map((f) => [f.name, f]));
      for (const [name, f] of listed) here.set(name, f.sha256);
      const unlisted = cards.filter((c) => !listed.has(c));
      if (unlisted.length > 0) {
        warnings.push({
          place: placeOf(d),
          message: `${unlisted.length}份评分卡未列在 ${MANIFEST} 中，未读取（可能是此前某一轮留下的或手工放入的）：${unlisted.slice(0, 10).join('、')}${unlisted.length > 10 ? '等' : ''}`,
        });
      }
    } else if (!hasManifest && cards.length > 0) {
      warnings.push({ place: placeOf(d), message: `没有 ${MANIFEST}（评分卡为手工放入或由旧版本写出）：已读取其中全部${cards.length}份评分卡，无法核对是否齐全、是否被改动；用 safecity score --out 重新写出可核对` });
      for (const c of cards) here.set(c, undefined);
    }
    // Files and sub-folders in one name order (as before manifests); then listed cards that are missing.
    for (const e of entries) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (here.has(e.name)) {
        const sha256 = here.get(e.name);
        files.push({ path: join(d, e.name), ...(sha256 !== undefined ? { sha256 } : {}) });
        here.delete(e.name);
      }
    }
    for (const [name, sha256] of here) files.push({ path: join(d, name), ...(sha256 !== undefined ? { sha256 } : {}) });
  };
  walk(root);
  const out: CardFile[] = [];
  for (const f of files) {
    const place = placeOf(f.path);
    let bytes: Buffer;
    try {
      bytes = readFileSync(f.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({
        place,
        message: code === 'ENOENT' ? `${MANIFEST} 列出了这份评分卡，但文件不存在：本轮评分卡不齐全，请重新运行 safecity score` : `无法读取（${code ?? (e as Error).message}）`,
      });
      continue;
    }
    if (f.sha256 !== undefined && fileHash(bytes) !== f.sha256) {
      problems.push({ place, message: `与 ${MANIFEST} 记录的不一致：评分卡在写出后被改动过（或未写完）；请重新运行 safecity score 写出本轮评分卡；若是有意替换（如换上复核后的评分卡），请删去该文件夹中的 ${MANIFEST}，将按无清单读取` });
      continue;
    }
    let card: ScoreCard;
    try {
      const text = bytes.toString('utf8');
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
    // The unit id names the files written from the card (feedback lists): held to the grammar here.
    const idProblem = unitIdProblem(unit['id'], '评分卡的 unit.id');
    if (idProblem !== undefined) {
      problems.push({ place: `${place}#/unit/id`, message: idProblem });
      continue;
    }
    out.push({ card, file: place });
  }
  if (problems.length > 0) throw new InputProblems('评分卡有问题', problems, warnings);
  for (const w of warnings) io.stderr(`提醒：${w.place}: ${w.message}\n`);
  return out;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
