/**
 * `safecity feedback --scores DIR --out DIR` and `safecity report --scores DIR [--before DIR]
 * [--self-scores F…] --out F.html|F.docx`: feedback lists per unit (md, xlsx, docx), and the city's
 * self-evaluation report (html with its md twin, or a Word document in 公文 form).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import type { Ruleset, ScoreCard } from '@safecity/engine';
import { cityReport, cityReportDocx, compareMarkdown, compareRounds, feedbackDocx, feedbackMarkdown, feedbackWorkbook, markdownDocx } from '@safecity/report';
import { cityUnit, rulesets as xian, units as xianUnits } from '@safecity/ruleset-xian-2022';
import { readCardFiles, type CardFile } from '../cards.js';
import { checkDate, InputProblems, UsageError, type Io } from '../io.js';
import { readSelfScoreFiles } from '../self-evaluation.js';
import { OutputFolder, type OutputFile } from '../output.js';

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
  // Every unit's documents are made (and every name checked) before the first file is written,
  // so a card that fails leaves nothing behind; then they are written as one set, manifest last.
  const folder = new OutputFolder(io, opts.out);
  const files: OutputFile[] = [];
  const issuer = issuerOf(cards, opts.issuer);
  for (const card of cards) {
    const ruleset = rulesetOf(card);
    const options = { units: xianUnits, ...(ruleset ? { ruleset } : {}), ...(opts.deadline ? { deadline: opts.deadline } : {}), ...(opts.date ? { date: opts.date } : {}) };
    const name = (ext: string) => folder.unitFile(card.unit.id, ext);
    try {
      files.push({ name: name('.md'), data: feedbackMarkdown(card, options) });
      files.push({ name: name('.xlsx'), data: await feedbackWorkbook(card, options) });
      files.push({ name: name('.docx'), data: await feedbackDocx(card, { ...options, ...(issuer !== undefined ? { issuer } : {}) }) });
    } catch (e) {
      reportError(e);
    }
  }
  const rulesets = [...new Map(cards.map((c) => [`${c.ruleset.id}@${c.ruleset.version}`, { id: c.ruleset.id, version: c.ruleset.version, hash: c.ruleset.hash }])).values()];
  folder.writeSet(files, { command: 'feedback', rulesets });
  const written = files.map((f) => f.name);
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
  const { folder, name } = OutputFolder.ofFile(io, opts.out);
  const stem = basename(name, extname(name));
  // The report and its twins, all made before the first is written.
  const files: OutputFile[] = [];
  if (ext === '.docx') {
    // the Word version: the report's Markdown in 公文 form (tables where the HTML has charts), and the comparison likewise
    const issuer = issuerOf([...cards, ...(city ? [city] : [])], opts.issuer);
    const docx = { ...(issuer !== undefined ? { issuer } : {}) };
    try {
      files.push({ name, data: await cityReportDocx(cards, { ...reportOptions, ...docx }) });
      if (before !== undefined) {
        files.push({ name: `${stem}.rectification.docx`, data: await markdownDocx(compareMarkdown(compareRounds(before, cards, { rulesets })), { ...docx, ...(opts.date ? { date: opts.date } : {}) }) });
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
    files.push({ name, data: result.html }, { name: `${stem}.md`, data: result.markdown });
    if (before !== undefined) files.push({ name: `${stem}.rectification.md`, data: compareMarkdown(compareRounds(before, cards, { rulesets })) });
  }
  const { written } = folder.writeSet(files);
  if (opts.json) io.stdout(JSON.stringify({ ok: true, units: cards.length, city: city?.unit.id ?? null, written }, null, 2) + '\n');
  else io.stdout(`已写出自评报告（${cards.length}个单位${city ? `及${city.unit.name}城市自评结果` : ''}）：${written.join('、')}\n`);
}
