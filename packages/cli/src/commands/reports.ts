/**
 * `safecity feedback --scores DIR --out DIR` and `safecity report --scores DIR [--before DIR]
 * [--self-scores F…] --out F.html`: feedback lists per unit, and the city's self-evaluation report.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Ruleset, ScoreCard } from '@safecity/engine';
import { cityReport, compareMarkdown, compareRounds, feedbackMarkdown, feedbackWorkbook } from '@safecity/report';
import { rulesets as xian, units as xianUnits } from '@safecity/ruleset-xian-2022';
import { readCardFiles, type CardFile } from '../cards.js';
import { InputProblems, UsageError, type Io } from '../io.js';
import { readSelfScoreFiles } from '../self-evaluation.js';

/**
 * The city's own card (unit kind `city`, written by `safecity city`) among the cards, apart from
 * the units' (it is not ranked with them and has no feedback list), with the consistency checks
 * written beside it (`consistency.json`), as the report shows them.
 */
function cityOf(cards: readonly CardFile[], io: Io): { units: ScoreCard[]; city?: ScoreCard; inconsistencies?: { id: string; title: string; message: string; places: string[] }[] } {
  const cities = cards.filter((c) => c.card.unit.kind === 'city');
  const units = cards.filter((c) => c.card.unit.kind !== 'city').map((c) => c.card);
  if (cities.length === 0) return { units };
  if (cities.length > 1) {
    throw new InputProblems('More than one city card', cities.map((c) => ({ place: c.file, message: `a city's own card (${c.card.unit.name}); give one city's cards per report` })));
  }
  const city = cities[0] as CardFile;
  const out: ReturnType<typeof cityOf> = { units, city: city.card };
  const path = join(dirname(resolve(io.cwd, city.file)), 'consistency.json');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return out;
  }
  const list = (data as { inconsistencies?: unknown }).inconsistencies;
  if (!Array.isArray(list)) throw new InputProblems('Invalid consistency.json', [{ place: relative(io.cwd, path) || path, message: 'expected { inconsistencies: [...] } as `safecity city` writes it' }]);
  out.inconsistencies = list.map((x: { id?: unknown; title?: unknown; message?: unknown; figure?: { places?: unknown }; against?: { units?: Array<{ places?: unknown }> } }) => ({
    id: String(x.id ?? ''),
    title: typeof x.title === 'string' ? x.title : String((x.title as { zh?: string } | undefined)?.zh ?? ''),
    message: typeof x.message === 'string' ? x.message : String((x.message as { zh?: string } | undefined)?.zh ?? ''),
    places: [
      ...(Array.isArray(x.figure?.places) ? (x.figure!.places as unknown[]).map(String) : []),
      ...(x.against?.units ?? []).flatMap((u) => (Array.isArray(u.places) ? (u.places as unknown[]).map(String) : [])),
    ],
  }));
  return out;
}

/** Every `*.scorecard.json` under a folder (recursively), read and minimally checked; at least one. */
function readCards(dir: string, io: Io): CardFile[] {
  const cards = readCardFiles(dir, io);
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

export async function feedback(opts: { scores: string; out: string; deadline?: string; date?: string; json?: boolean }, io: Io): Promise<void> {
  if (opts.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(opts.date)) throw new UsageError(`--date must be YYYY-MM-DD (the feedback's date), found "${opts.date}"`);
  // The city's own card is not a unit's: its points are lost in the units, whose lists say what to rectify.
  const cards = readCards(opts.scores, io)
    .map((c) => c.card)
    .filter((c) => c.unit.kind !== 'city');
  if (cards.length === 0) throw new InputProblems('No unit scorecards', [{ place: opts.scores, message: 'only a city card here; feedback lists are per unit' }]);
  const out = resolve(io.cwd, opts.out);
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  for (const card of cards) {
    const ruleset = rulesetOf(card);
    const options = { units: xianUnits, ...(ruleset ? { ruleset } : {}), ...(opts.deadline ? { deadline: opts.deadline } : {}), ...(opts.date ? { date: opts.date } : {}) };
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
  opts: { scores: string; before?: string; selfScores?: string[]; out: string; title?: string; json?: boolean },
  io: Io,
): Promise<void> {
  if (extname(opts.out).toLowerCase() !== '.html') throw new UsageError(`--out must end in .html (the Markdown twin is written beside it), found "${opts.out}"`);
  const { units: cards, city, inconsistencies } = cityOf(readCards(opts.scores, io), io);
  if (cards.length === 0) throw new InputProblems('No unit scorecards', [{ place: opts.scores, message: 'only a city card here; the report is on the units’ cards' }]);
  const before = opts.before === undefined ? undefined : readCards(opts.before, io).map((c) => c.card).filter((c) => c.unit.kind !== 'city');
  const self = opts.selfScores !== undefined && opts.selfScores.length > 0 ? await readSelfScoreFiles(opts.selfScores, io) : {};
  const rulesets = [...new Set([...cards, ...(city ? [city] : [])].map(rulesetOf).filter((r): r is Ruleset => r !== undefined))];
  let result: { html: string; markdown: string };
  try {
    result = cityReport(cards, {
      rulesets,
      ...(before ? { before } : {}),
      ...(self.selfScores ? { selfScores: self.selfScores } : {}),
      ...(self.selfEvaluations ? { selfEvaluations: self.selfEvaluations } : {}),
      ...(opts.title ? { title: opts.title } : {}),
      ...(city ? { city } : {}),
      ...(inconsistencies ? { inconsistencies } : {}),
    });
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
    writeFileSync(cmp, compareMarkdown(compareRounds(before, cards, { rulesets })));
    written.push(join(dirname(opts.out), basename(cmp)));
  }
  if (opts.json) io.stdout(JSON.stringify({ ok: true, units: cards.length, city: city?.unit.id ?? null, written }, null, 2) + '\n');
  else io.stdout(`wrote the city report for ${cards.length} units${city ? ` and the city's own result (${city.unit.name})` : ''}: ${written.join(', ')}\n`);
}
