/**
 * `safecity feedback --scores DIR --out DIR` and `safecity report --scores DIR [--before DIR]
 * [--self-scores F…] --out F.html|F.docx`: feedback lists per unit (md, xlsx, docx), and the city's
 * self-evaluation report (html with its md twin, or a Word document in 公文 form).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Ruleset, ScoreCard } from '@safecity/engine';
import { cityReport, cityReportDocx, compareMarkdown, compareRounds, feedbackDocx, feedbackMarkdown, feedbackWorkbook, markdownDocx } from '@safecity/report';
import { cityUnit, rulesets as xian, units as xianUnits } from '@safecity/ruleset-xian-2022';
import { readCardFiles, type CardFile } from '../cards.js';
import { checkDate, InputProblems, UsageError, type Io } from '../io.js';
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

/**
 * The 落款 of the Word documents: `--issuer`, else, when every card was scored under one of the
 * shipped Xi'an rubrics, the city's 安委会办公室 (西安市安全生产委员会办公室); else none.
 */
function issuerOf(cards: readonly ScoreCard[], issuer: string | undefined): string | undefined {
  if (issuer !== undefined) return issuer;
  return cards.length > 0 && cards.every((c) => rulesetOf(c) !== undefined) ? `${cityUnit.name}安全生产委员会办公室` : undefined;
}

function reportError(e: unknown): never {
  // The report package says which card and where, as a TypeError: that is a problem in the input.
  if (e instanceof TypeError) throw new InputProblems('Problems in the scorecards', [{ place: 'scorecards', message: e.message }]);
  throw e;
}

export async function feedback(opts: { scores: string; out: string; deadline?: string; date?: string; issuer?: string; json?: boolean }, io: Io): Promise<void> {
  checkDate(opts.date);
  // The city's own card is not a unit's: its points are lost in the units, whose lists say what to rectify.
  const cards = readCards(opts.scores, io)
    .map((c) => c.card)
    .filter((c) => c.unit.kind !== 'city');
  if (cards.length === 0) throw new InputProblems('No unit scorecards', [{ place: opts.scores, message: 'only a city card here; feedback lists are per unit' }]);
  const out = resolve(io.cwd, opts.out);
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const issuer = issuerOf(cards, opts.issuer);
  for (const card of cards) {
    const ruleset = rulesetOf(card);
    const options = { units: xianUnits, ...(ruleset ? { ruleset } : {}), ...(opts.deadline ? { deadline: opts.deadline } : {}), ...(opts.date ? { date: opts.date } : {}) };
    try {
      writeFileSync(join(out, `${card.unit.id}.md`), feedbackMarkdown(card, options));
      writeFileSync(join(out, `${card.unit.id}.xlsx`), await feedbackWorkbook(card, options));
      writeFileSync(join(out, `${card.unit.id}.docx`), await feedbackDocx(card, { ...options, ...(issuer !== undefined ? { issuer } : {}) }));
    } catch (e) {
      reportError(e);
    }
    written.push(`${card.unit.id}.md`, `${card.unit.id}.xlsx`, `${card.unit.id}.docx`);
  }
  if (opts.json) io.stdout(JSON.stringify({ ok: true, units: cards.length, out: opts.out, written }, null, 2) + '\n');
  else io.stdout(`已将${cards.length}个单位的意见反馈清单、问题反馈清单（即问题整改台账）写入 ${opts.out}（.xlsx、.md、.docx）\n`);
}

export async function report(
  opts: { scores: string; before?: string; selfScores?: string[]; out: string; title?: string; date?: string; issuer?: string; json?: boolean },
  io: Io,
): Promise<void> {
  const ext = extname(opts.out).toLowerCase();
  if (ext !== '.html' && ext !== '.docx')
    throw new UsageError(`--out 应以 .html（同时写出同名 .md）或 .docx（公文格式的 Word 文档）结尾，收到“${opts.out}”`);
  checkDate(opts.date);
  const { units: cards, city, inconsistencies } = cityOf(readCards(opts.scores, io), io);
  if (cards.length === 0) throw new InputProblems('No unit scorecards', [{ place: opts.scores, message: 'only a city card here; the report is on the units’ cards' }]);
  const before = opts.before === undefined ? undefined : readCards(opts.before, io).map((c) => c.card).filter((c) => c.unit.kind !== 'city');
  const self = opts.selfScores !== undefined && opts.selfScores.length > 0 ? await readSelfScoreFiles(opts.selfScores, io) : {};
  const rulesets = [...new Set([...cards, ...(city ? [city] : [])].map(rulesetOf).filter((r): r is Ruleset => r !== undefined))];
  const reportOptions = {
    rulesets,
    ...(before ? { before } : {}),
    ...(self.selfScores ? { selfScores: self.selfScores } : {}),
    ...(self.selfEvaluations ? { selfEvaluations: self.selfEvaluations } : {}),
    ...(opts.title ? { title: opts.title } : {}),
    ...(opts.date ? { date: opts.date } : {}),
    ...(city ? { city } : {}),
    ...(inconsistencies ? { inconsistencies } : {}),
  };
  const file = resolve(io.cwd, opts.out);
  const stem = basename(file, extname(file));
  const written = [opts.out];
  mkdirSync(dirname(file), { recursive: true });
  if (ext === '.docx') {
    // the Word version: the report's Markdown in 公文 form (tables where the HTML has charts), and the comparison likewise
    const issuer = issuerOf([...cards, ...(city ? [city] : [])], opts.issuer);
    const docx = { ...(issuer !== undefined ? { issuer } : {}) };
    try {
      writeFileSync(file, await cityReportDocx(cards, { ...reportOptions, ...docx }));
      if (before !== undefined) {
        const cmp = join(dirname(file), `${stem}.rectification.docx`);
        writeFileSync(cmp, await markdownDocx(compareMarkdown(compareRounds(before, cards, { rulesets })), { ...docx, ...(opts.date ? { date: opts.date } : {}) }));
        written.push(join(dirname(opts.out), basename(cmp)));
      }
    } catch (e) {
      reportError(e);
    }
  } else {
    let result: { html: string; markdown: string };
    try {
      result = cityReport(cards, reportOptions);
    } catch (e) {
      reportError(e);
    }
    writeFileSync(file, result.html);
    const md = join(dirname(file), `${stem}.md`);
    writeFileSync(md, result.markdown);
    written.push(join(dirname(opts.out), basename(md)));
    if (before !== undefined) {
      const cmp = join(dirname(file), `${stem}.rectification.md`);
      writeFileSync(cmp, compareMarkdown(compareRounds(before, cards, { rulesets })));
      written.push(join(dirname(opts.out), basename(cmp)));
    }
  }
  if (opts.json) io.stdout(JSON.stringify({ ok: true, units: cards.length, city: city?.unit.id ?? null, written }, null, 2) + '\n');
  else io.stdout(`已写出自评报告（${cards.length}个单位${city ? `及${city.unit.name}城市自评结果` : ''}）：${written.join('、')}\n`);
}
