/**
 * `safecity city --ruleset R --scores DIR [--evidence FILES…] [--base FILES…] --out DIR`: the
 * city's own result (城市自评, for the province's re-check) from the units' scorecards. Every
 * `*.scorecard.json` under DIR is read (the city's own cards skipped), each card's ruleset is
 * resolved by id, the evidence files (when given) are read with the ruleset their unit is scored
 * under; the city ruleset's consistency checks run on the evidence, and the city's card is
 * computed (`roundEvidence`, then `score`). Writes `<city>.scorecard.json`, `consistency.json`
 * and `consistency-findings.json` (`{ unit: Finding[] }`, for `safecity score --findings`).
 * Inconsistencies are findings, not errors: exit 0.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import {
  EvidenceError,
  checkConsistency,
  mergeEvidence,
  roundEvidence,
  type ConsistencyResult,
  type Finding,
  type Issue,
  type ScoreCard,
  type ScoreNode,
  type Unit,
  type UnitEvidence,
} from '@safecity/engine';
import { readEvidenceOfRulesets, toProblems } from '../evidence-files.js';
import { loadRuleset, type LoadedRuleset } from '../resolve.js';
import { readCardFiles } from '../cards.js';
import { InputProblems, UsageError, type Io, type Problem } from '../io.js';
import { OutputFolder } from '../output.js';

export interface CityOptions {
  ruleset: string;
  scores: string;
  evidence?: string[];
  base?: string[];
  out: string;
  units?: string;
  unit?: string;
  lang?: string;
  /** Folder evidence paths are recorded relative to in what is written (default the working folder). */
  baseDir?: string;
  json?: boolean;
}

/** A ruleset package's `cityUnit` export, for a ruleset id `<line>/<name>` of an installed `@safecity/ruleset-<line>`. */
function packageCityUnit(id: string, io: Io): Unit | undefined {
  const line = id.split('/')[0] ?? '';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(line) || !id.includes('/')) return undefined;
  const name = `@safecity/ruleset-${line}`;
  for (const from of [join(io.cwd, 'package.json'), import.meta.url]) {
    try {
      const require = createRequire(from);
      const manifest = require.resolve(`${name}/package.json`);
      const main = (JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string }).main ?? 'index.js';
      const pkg = require(join(dirname(manifest), main)) as { cityUnit?: Unit };
      if (pkg.cityUnit !== undefined) return pkg.cityUnit;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') continue;
      throw e;
    }
  }
  return undefined;
}

/** The city under evaluation: from --units (and --unit), else the ruleset package's `cityUnit`. */
function cityUnitOf(loaded: LoadedRuleset, opts: CityOptions, io: Io): Unit {
  const kinds = loaded.ruleset.unitKinds;
  const candidates = loaded.units.filter((u) => kinds.includes(u.kind));
  if (opts.unit !== undefined) {
    const u = candidates.find((x) => x.id === opts.unit) ?? (packageCityUnit(loaded.ruleset.id, io)?.id === opts.unit ? packageCityUnit(loaded.ruleset.id, io) : undefined);
    if (u === undefined) throw new UsageError(`unit "${opts.unit}" is not a ${kinds.join(' or ')} of ${loaded.name}${candidates.length > 0 ? `; its units are: ${candidates.map((c) => `${c.id} (${c.name})`).join(', ')}` : ''}`);
    return u;
  }
  if (candidates.length === 1) return candidates[0] as Unit;
  if (candidates.length > 1) throw new UsageError(`${loaded.name} evaluates ${candidates.length} units (${candidates.map((c) => c.id).join(', ')}): say which with --unit ID`);
  const fromPackage = packageCityUnit(loaded.ruleset.id, io);
  if (fromPackage !== undefined) return fromPackage;
  throw new UsageError(`no city unit for ${loaded.name}: pass --units FILE with the city as a unit of kind ${kinds.join(' or ')}`);
}

/** Display width: CJK characters take two columns. */
const width = (s: string): number => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
const pad = (s: string, w: number, right = false): string => (right ? ' '.repeat(Math.max(0, w - width(s))) + s : s + ' '.repeat(Math.max(0, w - width(s))));

export async function city(opts: CityOptions, io: Io): Promise<void> {
  const lang = opts.lang === 'en' ? 'en' : 'zh';
  const bases = opts.base ?? [];
  const loaded = loadRuleset(opts.ruleset, io, { ...(opts.units === undefined ? {} : { units: opts.units }), bases: opts.base ?? [] });
  const cityRuleset = loaded.ruleset;
  if (!cityRuleset.fields.some((f) => f.aggregate !== undefined)) {
    throw new UsageError(`${opts.ruleset} is not a city ruleset: none of its fields is computed from the units' results ("aggregate"); score units with \`safecity score\``);
  }
  const cityUnit = cityUnitOf(loaded, opts, io);

  // The units' cards (the city's own skipped), and the rulesets they were scored under.
  const read = readCardFiles(opts.scores, io).filter(({ card }) => card.ruleset.id !== cityRuleset.id && !cityRuleset.unitKinds.includes(card.unit.kind) && card.unit.id !== cityUnit.id);
  if (read.length === 0) {
    throw new InputProblems('No scorecards', [{ place: opts.scores, message: 'no units\' *.scorecard.json files in this folder (write them with `safecity score --out DIR`)' }]);
  }
  const problems: Problem[] = [];
  const rulesets = new Map<string, LoadedRuleset>();
  // The rulesets the cards were scored under, and those the city ruleset names leads of (even with no card of theirs).
  const named = [
    ...cityRuleset.fields.flatMap((f) => (f.aggregate?.from.lead === true && f.aggregate.from.ruleset !== undefined ? [f.aggregate.from.ruleset] : [])),
    ...(cityRuleset.source.consistency ?? []).flatMap((c) => (c.figure.leadOf !== undefined ? [c.figure.ruleset] : [])),
  ];
  for (const id of [...new Set([...read.map((c) => c.card.ruleset.id), ...named])].sort()) {
    const using = read.filter((c) => c.card.ruleset.id === id);
    try {
      rulesets.set(id, loadRuleset(id, io, { bases }));
    } catch (e) {
      if (e instanceof UsageError) {
        const message = `a ruleset that is not installed (no @safecity/ruleset-${id.split('/')[0]} package has it)`;
        for (const c of using) problems.push({ place: `${c.file}#/ruleset/id`, message: `scored under "${id}", ${message}` });
        if (using.length === 0) problems.push({ place: opts.ruleset, message: `reads the leads (牵头单位) of "${id}", ${message}` });
      } else if (e instanceof InputProblems) problems.push(...e.problems);
      else throw e;
    }
  }
  for (const c of read) {
    const r = rulesets.get(c.card.ruleset.id)?.ruleset;
    if (r !== undefined && r.version !== c.card.ruleset.version) {
      problems.push({ place: `${c.file}#/ruleset/version`, message: `scored under ${r.id} ${c.card.ruleset.version}, but ${r.version} is installed: score the unit again under ${r.version}` });
    }
  }
  if (problems.length > 0) throw new InputProblems('Problems in the scorecards', problems);
  const compiled = [...rulesets.values()].map((l) => l.ruleset);
  const registry = [...rulesets.values()].flatMap((l) => l.units);

  // The evidence, each file read with the ruleset it names (its unit's).
  let evidence: UnitEvidence[] | undefined;
  let filesOf = new Map<string, string[]>();
  if (opts.evidence !== undefined) {
    const got = await readEvidenceOfRulesets(opts.evidence, [...compiled].sort((a, b) => (a.id < b.id ? -1 : 1)), registry, io, opts.baseDir);
    const { parts } = got;
    filesOf = got.filesOf;
    problems.push(...got.problems);
    const merged = mergeEvidence(parts);
    problems.push(...toProblems(merged.issues));
    const carded = new Map(read.map((c) => [c.card.unit.id, c]));
    for (const u of merged.units) {
      const c = carded.get(u.unit.id);
      if (c === undefined) {
        for (const file of filesOf.get(u.unit.id) ?? []) {
          problems.push({ place: file, message: `evidence of ${u.unit.name} (${u.unit.id}), which has no scorecard under ${opts.scores}: score it first, or leave the file out` });
        }
      } else if (!rulesets.get(c.card.ruleset.id)?.ruleset.unitKinds.includes(u.unit.kind)) {
        problems.push({ place: (filesOf.get(u.unit.id) ?? [])[0] ?? u.unit.id, message: `evidence of ${u.unit.name} (${u.unit.id}) is not of the ruleset its card was scored under (${c.card.ruleset.id})` });
      }
    }
    if (problems.length > 0) throw new InputProblems(`Problems in the evidence (${opts.evidence.length} file${opts.evidence.length === 1 ? '' : 's'})`, problems);
    evidence = merged.units;
  }

  const cards = read.map((c) => c.card);
  const round = { cards, rulesets: compiled, lang, ...(evidence === undefined ? {} : { evidence }) } as const;
  /** An engine issue's path into the round, as the file it came from. */
  const place = (issue: Issue): Problem => {
    // Positions in the round's list of cards are files to the user, in the message too.
    const i = { path: issue.path, message: issue.message.replace(/\/cards\/(\d+)/g, (m, n: string) => read[Number(n)]?.file ?? m) };
    const card = /^\/cards\/(\d+)(.*)$/.exec(i.path);
    if (card) return { place: `${read[Number(card[1])]?.file ?? opts.scores}${card[2] ? `#${card[2]}` : ''}`, message: i.message };
    const ev = /^\/evidence\/(\d+)(.*)$/.exec(i.path);
    if (ev && evidence !== undefined) {
      const unit = evidence[Number(ev[1])]?.unit.id;
      return { place: `${(unit && filesOf.get(unit)?.join(', ')) || '--evidence'}${ev[2] ? `#${ev[2]}` : ''}`, message: i.message };
    }
    if (i.path === '/evidence') return { place: '--evidence', message: i.message };
    if (i.path === '/rulesets') return { place: opts.scores, message: i.message };
    return { place: i.path.startsWith(`${cityRuleset.id}#`) ? `${opts.ruleset}${i.path.slice(cityRuleset.id.length)}` : i.path, message: i.message };
  };
  let cityEvidence: UnitEvidence;
  let consistency: ConsistencyResult | undefined;
  const hasChecks = (cityRuleset.source.consistency ?? []).length > 0;
  try {
    cityEvidence = roundEvidence(cityRuleset, cityUnit, round);
    if (evidence !== undefined && hasChecks) consistency = checkConsistency(cityRuleset, round);
  } catch (e) {
    if (e instanceof EvidenceError) throw new InputProblems('The scorecards and evidence do not fit the city ruleset', e.issues.map(place));
    throw e;
  }
  let card: ScoreCard;
  try {
    card = cityRuleset.score(cityEvidence, { lang });
  } catch (e) {
    if (e instanceof EvidenceError) throw new InputProblems('The city\'s computed evidence does not fit its ruleset', e.issues.map((i) => ({ place: `${opts.ruleset}#/fields${i.path.replace(/^\/values/, '')}`, message: i.message })));
    throw e;
  }

  // Write the city's card beside the units' (a ScoreCard like theirs), and the consistency results.
  const folder = new OutputFolder(io, opts.out);
  const cardFile = folder.unitFile(cityUnit.id, '.scorecard.json');
  const skippedAll = evidence === undefined && hasChecks ? { zh: '未提供佐证材料（--evidence），未做一致性核查', en: 'no --evidence given: the consistency checks were not run' } : undefined;
  const consistencyJson = {
    ruleset: { id: cityRuleset.id, version: cityRuleset.version },
    checked: consistency !== undefined,
    ...(skippedAll ? { reason: skippedAll } : {}),
    inconsistencies: consistency?.inconsistencies ?? [],
    passed: consistency?.passed ?? [],
    skipped: consistency?.skipped ?? [],
  };
  // The three belong together: written as one set, with their manifest last.
  const { written } = folder.writeSet(
    [
      { name: cardFile, data: JSON.stringify(card, null, 2) + '\n' },
      { name: 'consistency.json', data: JSON.stringify(consistencyJson, null, 2) + '\n' },
      { name: 'consistency-findings.json', data: JSON.stringify(consistency?.findings ?? {}, null, 2) + '\n' },
    ],
    { command: 'city', rulesets: [{ id: cityRuleset.id, version: cityRuleset.version, hash: cityRuleset.hash }] },
  );

  const areas = card.nodes.map((n) => ({ id: n.id, title: n.title, max: n.max, earned: n.earned }));
  if (opts.json) {
    const body = {
      ok: true,
      ruleset: card.ruleset,
      unit: card.unit,
      units: { cards: cards.length, evidence: evidence?.length ?? 0 },
      max: card.max,
      earned: card.earned,
      bonus: card.bonus,
      total: card.total,
      normalized: card.normalized,
      grade: card.grade,
      gradeTitle: card.gradeTitle,
      vetoed: card.vetoed,
      vetoes: card.vetoes,
      areas,
      consistency: consistencyJson,
      written,
    };
    io.stdout(JSON.stringify(body, null, 2) + '\n');
    return;
  }
  const en = lang === 'en';
  const byKind = new Map<string, number>();
  for (const c of cards) byKind.set(c.ruleset.id, (byKind.get(c.ruleset.id) ?? 0) + 1);
  io.stdout(`${cityRuleset.id} ${cityRuleset.version} · ${card.unit.name} (${card.unit.id}) from ${cards.length} units' scorecards (${[...byKind].map(([id, n]) => `${n} ${id}`).join(', ')})${evidence ? ` and ${evidence.length} units' evidence` : ''}\n`);
  const rows = areas.map((a) => [a.id, a.title, String(a.earned), String(a.max)]);
  const head = ['', en ? 'item' : '项目', en ? 'earned' : '得分', en ? 'max' : '满分'];
  const w = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  for (const r of [head, ...rows]) io.stdout('  ' + r.map((c, i) => pad(c, w[i] as number, i >= 2)).join('  ').trimEnd() + '\n');
  io.stdout(
    `${en ? 'city result' : '城市自评结果'}: total ${card.total} (earned ${card.earned} of ${card.max} + bonus ${card.bonus})` +
      `${card.normalized === undefined ? '' : `, normalized ${card.normalized}`}, grade ${card.gradeTitle ?? card.grade ?? '—'}${card.vetoed ? (en ? ' (vetoed)' : '（否决）') : ''}\n`,
  );
  for (const v of card.vetoes) {
    io.stdout(`  ${en ? 'veto' : '否决'}: ${v.title} — ${v.reason}\n`);
    for (const x of v.evidence ?? []) io.stdout(`    ${x}\n`);
  }
  if (consistency === undefined) {
    if (skippedAll) io.stdout(`${en ? skippedAll.en : skippedAll.zh}\n`);
  } else {
    const n = consistency.inconsistencies.length;
    io.stdout(
      en
        ? `consistency: ${n} problem${n === 1 ? '' : 's'}, ${consistency.passed.length} passed, ${consistency.skipped.length} not run\n`
        : `一致性核查：${n}处不一致，${consistency.passed.length}项通过，${consistency.skipped.length}项未核查\n`,
    );
    // A finding already on the unit's card (it was re-scored with consistency-findings.json).
    const applied = (unitId: string, f: Finding): boolean => {
      const c = read.find((x) => x.card.unit.id === unitId)?.card;
      const find = (ns: readonly ScoreNode[]): ScoreNode | undefined => {
        for (const n of ns) {
          if (n.id === f.item) return n;
          const k = find(n.children ?? []);
          if (k !== undefined) return k;
        }
        return undefined;
      };
      const node = c === undefined ? undefined : find(c.nodes);
      return f.type === 'rejected' && (node?.deductions ?? []).some((d) => d.code === 'rejected' && d.source === f.source && d.reason.includes(f.reason));
    };
    let pending = 0;
    for (const i of consistency.inconsistencies) {
      io.stdout(`  ✗ ${en ? i.message.en : i.message.zh}\n`);
      if (i.finding) {
        const f = i.finding.finding;
        const done = applied(i.finding.unit, f);
        if (!done) pending += 1;
        const note = done ? (en ? ' (already on its scorecard)' : '（已计入该单位评分卡）') : '';
        io.stdout(en ? `    → a data-check rejection (accuracy) of ${i.figure.unit.name}'s ${f.item} (${i.field})${note}\n` : `    → 数据核查（准确性）：${i.figure.unit.name} ${f.item} 项的${i.field}不予认定${note}\n`);
      }
    }
    for (const s of consistency.skipped) io.stdout(`  – ${s.title}: ${en ? s.reason.en : s.reason.zh}\n`);
    if (pending > 0) {
      io.stdout(
        en
          ? `re-score the units named with their findings and ${folder.show('consistency-findings.json')} (safecity score --findings), then run this again\n`
          : `请将 ${folder.show('consistency-findings.json')} 与各单位其他核查意见一并用于重新评分（safecity score --findings），再重新计算城市结果\n`,
      );
    }
  }
  io.stdout(`已写出 ${written.join('、')}\n`);
}
