/**
 * `safecity ledger --ledgers FILES… --scores DIR --date YYYY-MM-DD --out F.md [--json]`: the
 * filled rectification ledgers (问题整改台账, the feedback .xlsx the units and the office filled
 * in) read back, each set against its unit's re-scored card, and the rectification report for
 * officials: what is 销号, what is overdue, what still loses points, what is new.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { EvidenceError, SafecityError, type Ruleset, type ScoreCard } from '@safecity/engine';
import { readLedger, rectificationMarkdown, rectificationStatus, type Ledger, type RectificationStatus } from '@safecity/report';
import { rulesets as xian, units as xianUnits } from '@safecity/ruleset-xian-2022';
import { writeFiles } from '../output.js';
import { readCardFiles, type CardFile } from '../cards.js';
import { toProblems } from '../evidence-files.js';
import { checkDate, InputProblems, UsageError, type Io, type Problem } from '../io.js';

/** Options of `safecity ledger`. */
export interface LedgerCommandOptions {
  ledgers: string[];
  scores: string;
  date: string;
  out: string;
  json?: boolean;
}

/** The shipped ruleset a card was scored under, when it is one of ours and the version matches. */
function rulesetOf(card: ScoreCard): Ruleset | undefined {
  const r = (xian as Record<string, Ruleset>)[card.ruleset.id];
  return r !== undefined && r.version === card.ruleset.version ? r : undefined;
}


const warningLines = (io: Io, warnings: readonly Problem[]): void => {
  for (const w of warnings) io.stderr(`提醒：${w.place}: ${w.message}\n`);
};

export async function ledger(opts: LedgerCommandOptions, io: Io): Promise<void> {
  checkDate(opts.date, '复核日期，如 2023-05-20');
  if (extname(opts.out).toLowerCase() !== '.md') throw new UsageError(`--out 应以 .md 结尾（问题整改情况报告），收到“${opts.out}”`);

  // The re-scored round: one card per unit (the city's own card has no ledger).
  const cards = new Map<string, CardFile>();
  const problems: Problem[] = [];
  for (const c of readCardFiles(opts.scores, io)) {
    if (c.card.unit.kind === 'city') continue;
    const twin = cards.get(c.card.unit.id);
    if (twin !== undefined) problems.push({ place: c.file, message: `与 ${twin.file} 是同一单位（${c.card.unit.name}）的评分卡：复核评分卡每个单位只能有一张` });
    else cards.set(c.card.unit.id, c);
  }
  if (cards.size === 0 && problems.length === 0) throw new InputProblems('没有复核评分卡', [{ place: opts.scores, message: '目录中没有单位的复核评分卡（*.scorecard.json，由 `safecity score --out` 写出）' }]);

  // Every ledger, every problem of every one at once.
  const warnings: Problem[] = [];
  const ledgers: Ledger[] = [];
  const seenPath = new Map<string, string>();
  const seenUnit = new Map<string, string>();
  for (const file of opts.ledgers) {
    const path = resolve(io.cwd, file);
    if (seenPath.has(path)) {
      problems.push({ place: file, message: `同一台账文件给了两次（已作为 ${seenPath.get(path)} 读取）` });
      continue;
    }
    seenPath.set(path, file);
    if (extname(file).toLowerCase() !== '.xlsx') {
      problems.push({ place: file, message: `整改台账应为下发的 .xlsx 文件，发现“${extname(file) || '（无扩展名）'}”` });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      problems.push({ place: file, message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? '文件不存在' : (e as Error).message });
      continue;
    }
    let l: Ledger;
    try {
      l = await readLedger(bytes, file);
    } catch (e) {
      if (!(e instanceof SafecityError)) throw e;
      problems.push(...toProblems(e.issues));
      if (e instanceof EvidenceError) warnings.push(...toProblems(e.warnings));
      continue;
    }
    warnings.push(...toProblems(l.warnings));
    const twin = seenUnit.get(l.unit.id);
    if (twin !== undefined) {
      problems.push({ place: file, message: `与 ${twin} 是同一单位（${l.unit.name}）的整改台账：每个单位只给一份` });
      continue;
    }
    seenUnit.set(l.unit.id, file);
    const card = cards.get(l.unit.id);
    if (card === undefined) {
      problems.push({ place: `${l.file}!_meta`, message: `这是${l.unit.name}的整改台账，但 ${opts.scores} 中没有${l.unit.name}的复核评分卡（${l.unit.id}.scorecard.json）：请先复核评分（safecity score --out）` });
      continue;
    }
    if (card.card.ruleset.id !== l.ruleset.id) {
      problems.push({ place: card.file, message: `${l.unit.name}的复核评分卡按 ${card.card.ruleset.id} 评分，而整改台账 ${l.file} 按 ${l.ruleset.id} 下发：不是同一评价细则` });
      continue;
    }
    ledgers.push(l);
  }
  if (problems.length > 0) {
    // With the warnings of the same files (提醒, after the errors), so a clerk fixes both in one round.
    throw new InputProblems(`整改台账有问题（共${opts.ledgers.length}个文件）`, problems, warnings);
  }

  const statuses: RectificationStatus[] = ledgers.map((l) => {
    const card = (cards.get(l.unit.id) as CardFile).card;
    const ruleset = rulesetOf(card);
    return rectificationStatus(l, card, { date: opts.date, feedback: { units: xianUnits, ...(ruleset ? { ruleset } : {}) } });
  });
  const md = rectificationMarkdown(statuses.length === 1 ? (statuses[0] as RectificationStatus) : statuses);
  writeFiles(io, opts.out, [{ data: md }]);

  if (opts.json) {
    io.stdout(JSON.stringify({ ok: true, date: opts.date, written: [opts.out], warnings, units: statuses }, null, 2) + '\n');
    return;
  }
  warningLines(io, warnings);
  for (const s of statuses) {
    const c = s.counts;
    io.stdout(`${s.unit.name}: ${c.rows} 项 · 已销号 ${c.已销号} · 逾期 ${c.逾期} · 仍扣分 ${c.仍扣分} · 待销号 ${c.待销号} · 整改中 ${c.整改中} · 未开始 ${c.未开始} · 长期坚持 ${c.长期坚持} · 新增 ${c.added}\n`);
  }
  io.stdout(`已写出 ${statuses.length} 个单位的问题整改情况报告：${opts.out}\n`);
}
