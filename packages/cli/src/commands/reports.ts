/**
 * `safecity feedback --scores DIR --out DIR` and `safecity report --scores DIR [--before DIR]
 * [--self-scores F] --out F.html`: feedback lists per unit, and the city's self-evaluation report.
 */
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Ruleset, ScoreCard } from '@safecity/engine';
import { cityReport, compareMarkdown, compareRounds, feedbackMarkdown, feedbackWorkbook } from '@safecity/report';
import { rulesets as xian, units as xianUnits } from '@safecity/ruleset-xian-2022';
import { InputProblems, UsageError, type Io, type Problem } from '../io.js';

/** Every `*.scorecard.json` under a folder (recursively), read and minimally checked. */
function readCards(dir: string, io: Io): ScoreCard[] {
  const root = resolve(io.cwd, dir);
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    throw new InputProblems('Cannot read the scorecards', [{ place: dir, message: 'no such folder' }]);
  }
  if (!isDir) throw new UsageError(`--scores must be a folder of *.scorecard.json files, found a file "${dir}"`);
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.scorecard.json')) files.push(join(d, e.name));
    }
  };
  walk(root);
  const problems: Problem[] = [];
  const cards: ScoreCard[] = [];
  for (const f of files) {
    const place = relative(io.cwd, f) || f;
    try {
      const card = JSON.parse(readFileSync(f, 'utf8')) as ScoreCard;
      if (card === null || typeof card !== 'object' || typeof card.unit?.id !== 'string' || !Array.isArray(card.nodes) || typeof card.ruleset?.id !== 'string') {
        problems.push({ place, message: 'not a ScoreCard (expected ruleset, unit, nodes, … as `safecity score` writes them)' });
      } else cards.push(card);
    } catch (e) {
      problems.push({ place, message: `not valid JSON: ${(e as Error).message}` });
    }
  }
  if (problems.length > 0) throw new InputProblems('Problems in the scorecards', problems);
  if (cards.length === 0) throw new InputProblems('No scorecards', [{ place: dir, message: 'no *.scorecard.json files in this folder (write them with `safecity score --out DIR`)' }]);
  return cards;
}

/** The shipped ruleset a card was scored under, when it is one of ours and the version matches. */
function rulesetOf(card: ScoreCard): Ruleset | undefined {
  const r = (xian as Record<string, Ruleset>)[card.ruleset.id];
  return r !== undefined && r.version === card.ruleset.version ? r : undefined;
}

function reportError(e: unknown): never {
  // The report package says which card and where, as a TypeError: that is a problem in the input.
  if (e instanceof TypeError) throw new InputProblems('Problems in the scorecards', [{ place: 'scorecards', message: e.message }]);
  throw e;
}

export async function feedback(opts: { scores: string; out: string; deadline?: string; json?: boolean }, io: Io): Promise<void> {
  const cards = readCards(opts.scores, io);
  const out = resolve(io.cwd, opts.out);
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  for (const card of cards) {
    const ruleset = rulesetOf(card);
    const options = { units: xianUnits, ...(ruleset ? { ruleset } : {}), ...(opts.deadline ? { deadline: opts.deadline } : {}) };
    try {
      writeFileSync(join(out, `${card.unit.id}.md`), feedbackMarkdown(card, options));
      writeFileSync(join(out, `${card.unit.id}.xlsx`), await feedbackWorkbook(card, options));
    } catch (e) {
      reportError(e);
    }
    written.push(`${card.unit.id}.md`, `${card.unit.id}.xlsx`);
  }
  if (opts.json) io.stdout(JSON.stringify({ ok: true, units: cards.length, out: opts.out, written }, null, 2) + '\n');
  else io.stdout(`wrote feedback lists (意见反馈清单, 问题反馈清单) for ${cards.length} unit${cards.length === 1 ? '' : 's'} to ${opts.out} (.md and .xlsx)\n`);
}

export async function report(
  opts: { scores: string; before?: string; selfScores?: string; out: string; title?: string; json?: boolean },
  io: Io,
): Promise<void> {
  if (extname(opts.out).toLowerCase() !== '.html') throw new UsageError(`--out must end in .html (the Markdown twin is written beside it), found "${opts.out}"`);
  const cards = readCards(opts.scores, io);
  const before = opts.before === undefined ? undefined : readCards(opts.before, io);
  let selfScores: Record<string, number> | undefined;
  if (opts.selfScores !== undefined) {
    try {
      selfScores = JSON.parse(readFileSync(resolve(io.cwd, opts.selfScores), 'utf8')) as Record<string, number>;
    } catch (e) {
      throw new InputProblems('Cannot read the self-scores', [{ place: opts.selfScores, message: (e as Error).message }]);
    }
    const bad = Object.entries(selfScores ?? {}).filter(([, v]) => typeof v !== 'number' || !Number.isFinite(v));
    if (selfScores === null || typeof selfScores !== 'object' || Array.isArray(selfScores) || bad.length > 0) {
      throw new InputProblems('Invalid self-scores', bad.length > 0 ? bad.map(([k, v]) => ({ place: `${opts.selfScores}#/${k}`, message: `expected a number, found ${JSON.stringify(v)}` })) : [{ place: opts.selfScores, message: 'expected { "<unit id>": <self-evaluated score> }' }]);
    }
  }
  const rulesets = [...new Set(cards.map(rulesetOf).filter((r): r is Ruleset => r !== undefined))];
  let result: { html: string; markdown: string };
  try {
    result = cityReport(cards, { rulesets, ...(before ? { before } : {}), ...(selfScores ? { selfScores } : {}), ...(opts.title ? { title: opts.title } : {}) });
  } catch (e) {
    reportError(e);
  }
  const html = resolve(io.cwd, opts.out);
  mkdirSync(dirname(html), { recursive: true });
  writeFileSync(html, result.html);
  const md = html.slice(0, -'.html'.length) + '.md';
  writeFileSync(md, result.markdown);
  const written = [opts.out, join(dirname(opts.out), basename(md))];
  if (before !== undefined) {
    const cmp = join(dirname(html), basename(md, '.md') + '.rectification.md');
    writeFileSync(cmp, compareMarkdown(compareRounds(before, cards)));
    written.push(join(dirname(opts.out), basename(cmp)));
  }
  if (opts.json) io.stdout(JSON.stringify({ ok: true, units: cards.length, written }, null, 2) + '\n');
  else io.stdout(`wrote the city report for ${cards.length} units: ${written.join(', ')}\n`);
}
