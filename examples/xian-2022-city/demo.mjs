// Score a whole (fictional) evaluation round for Xi'an, and the city's own result on the
// national rubric: the 28 municipal units under xian-2022/municipal and the 20 districts,
// counties and development zones under xian-2022/district, from the evidence in ./evidence and
// the findings in ./findings; then the city (西安市) under xian-2022/city, whose evidence is the
// units' results. It does what `safecity score` and `safecity city` do with the packages' APIs:
//
// 1. read every evidence file (xlsx and JSON), check every value, merge per unit;
// 2. score the districts and, a first time, the municipal units, with both checks' findings;
// 3. run the city rubric's consistency checks (a city-wide figure reported by its lead against
//    the districts' figures): a figure that does not add up becomes a data-check rejection;
// 4. score the municipal units again with their findings plus those rejections;
// 5. compute the city's card from all 48 cards and write it beside them;
// 6. write each unit's feedback lists, which are also its rectification ledger (问题整改台账), as
//    xlsx, Markdown and Word (公文);
// 7. read back the ledgers two districts filled in (./ledger) against the re-check's cards: the
//    rectification report (what is 销号, overdue, still deducted);
// 8. write five units' 单位自评报告 (their self-evaluations item by item, ./self-evaluation), the
//    city's 自评报告 (html, md, Word) and its 社会公示 version; print the city's result and the
//    rankings of the two groups (市级成员单位, 区县（开发区）) separately.
//
//   npm run demo                                  (from the repo root: out/ at the root)
//   node examples/xian-2022-city/demo.mjs [--out DIR] [--en]
//
// The same with the command (the merged findings are written to <out>/findings/):
//   cd examples/xian-2022-city && npx safecity score --ruleset xian-2022/district \
//     --evidence evidence/district/* --findings ../../out/findings/district.json --out ../../out/scores/district
//   npx safecity city --ruleset xian-2022/city --scores ../../out/scores --evidence evidence/municipal/* evidence/district/* \
//     --out ../../out/scores/city
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { checkConsistency, responsibilityConflicts, createEngine, mergeEvidence, roundEvidence, SafecityError } from '@safecity/engine';
import { parseJsonEvidence } from '@safecity/evidence-json';
import { parseWorkbook } from '@safecity/evidence-excel';
import { city as cityJson, cityUnit, rulesets, units, unitById } from '@safecity/ruleset-xian-2022';
import {
  cityReport,
  feedbackMarkdown,
  feedbackRows,
  feedbackWorkbook,
  parseSelfEvaluation,
  readLedger,
  rectificationMarkdown,
  rectificationStatus,
  rectificationStatusRows,
  unitSelfReport,
} from '@safecity/report';

const HERE = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const outAt = argv.indexOf('--out');
if (outAt >= 0 && (argv[outAt + 1] === undefined || argv[outAt + 1].startsWith('--'))) {
  console.error('usage: demo.mjs [--out DIR] [--en]');
  process.exit(2);
}
// npm runs a workspace's script in the workspace's folder; INIT_CWD is where npm was run.
const base = process.env.INIT_CWD ?? process.cwd();
const out = resolve(base, outAt >= 0 ? argv[outAt + 1] : 'out');
const lang = argv.includes('--en') ? 'en' : 'zh';
const en = lang === 'en';

// The Word documents are written by a worker thread (./docx-worker.mjs), on the machine's other
// core, while this thread does the rest; it loads the docx library while this thread reads the evidence.
// Its heap is capped so the two threads stay under 300 MB together (its live set peaks between 40
// and 64 MB, at the city report; uncapped, its heap grows to ~140 MB): a smaller young generation
// than 16 MB costs it a quarter of its time in GC.
const wordWriter = new Worker(new URL('./docx-worker.mjs', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 128 } });
const wordWritten = new Promise((done, failed) => {
  wordWriter.on('message', (m) => m.done && done());
  wordWriter.once('error', failed);
  wordWriter.once('exit', (code) => failed(new Error(`the Word writer stopped early (exit code ${code})`)));
});
wordWritten.catch(() => {}); // awaited at the end; a failure then stops the demo with its error
const writeWord = (path, job) => wordWriter.postMessage({ ...job, path });

const readJson = (p) => JSON.parse(readFileSync(join(HERE, p), 'utf8'));
const onsite = readJson('findings/onsite.json');
const dataCheck = readJson('findings/data-check.json');
const selfScores = readJson('self-scores.json');

const engine = createEngine();
const KINDS = ['municipal', 'district'];
const compiled = Object.fromEntries(KINDS.map((k) => [k, engine.compile(rulesets[`xian-2022/${k}`])]));
const city = engine.compile(cityJson);
// Five units' item-by-item self-evaluations (单位自评表, JSON form; the xlsx form reads the same),
// each checked against the rubric it was made for.
const selfEvaluations = readdirSync(join(HERE, 'self-evaluation'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const json = readJson(`self-evaluation/${f}`);
    return parseSelfEvaluation(json, `self-evaluation/${f}`, { unit: json.unit, ruleset: json.ruleset === 'xian-2022/municipal' ? compiled.municipal : compiled.district });
  });
const problems = [];
const fail = () => {
  console.error('problems in the evidence or findings:');
  for (const p of problems) console.error(`  ${p.path}: ${p.message}`);
  process.exit(1);
};

// 1. Every evidence file, read and checked first.
const evidence = {};
const warnings = [];
for (const kind of KINDS) {
  const ruleset = compiled[kind];
  // Places relative to this folder, so scorecards cite `evidence/district/yanta.xlsx!评分项!G7`.
  const files = readdirSync(join(HERE, 'evidence', kind))
    .filter((f) => f.endsWith('.json') || f.endsWith('.xlsx'))
    .sort()
    .map((f) => `evidence/${kind}/${f}`);
  const parts = [];
  let accepted = 0;
  let empty = 0;
  for (const file of files) {
    try {
      const input = readFileSync(join(HERE, file));
      const parsed = file.endsWith('.json') ? parseJsonEvidence(input, { file, ruleset, units }) : await parseWorkbook(input, { file, ruleset, units });
      parts.push(parsed.part);
      accepted += parsed.records.filter((r) => r.status === 'accepted').length;
      empty += parsed.records.filter((r) => r.status === 'empty').length;
      warnings.push(...parsed.warnings);
    } catch (e) {
      if (!(e instanceof SafecityError)) throw e;
      problems.push(...e.issues);
    }
  }
  const merged = mergeEvidence(parts);
  problems.push(...merged.issues);
  evidence[kind] = merged.units;
  console.log(`${ruleset.id} ${ruleset.version}: ${merged.units.length} units, ${accepted} values accepted, ${empty} left blank`);
}
if (problems.length > 0) fail();

// 责任唯一: a partner's own figure for a city-wide indicator is not scored; one that differs from
// the lead's is shown with both files (as `safecity score` does). Other warnings as they are.
const conflicts = KINDS.flatMap((k) => responsibilityConflicts(compiled[k], evidence[k]));
const explained = new Set(conflicts.flatMap((c) => c.partner.places));
for (const w of warnings) if (!explained.has(w.path)) console.error(`warning: ${w.path}: ${w.message}`);
if (conflicts.length > 0) {
  console.log(en ? `\n== 责任唯一: ${conflicts.length} partners' figures differ from their lead's (not scored; for the data check)` : `\n== 责任唯一：${conflicts.length}处配合单位报送的城市指标与牵头单位不一致（不计分，交数据核查核实）`);
  for (const c of conflicts) console.log(`  ✗ ${en ? c.message.en : c.message.zh}`);
}

// Both checks' findings by unit, per kind.
const findings = {};
for (const kind of KINDS) {
  const ids = new Set(evidence[kind].map((u) => u.unit.id));
  findings[kind] = {};
  for (const source of [dataCheck, onsite]) {
    for (const [unit, list] of Object.entries(source)) if (ids.has(unit)) (findings[kind][unit] ??= []).push(...list);
  }
}
const scoreAll = (kind, extra = {}) =>
  evidence[kind].flatMap((e) => {
    try {
      return [compiled[kind].score(e, { findings: [...(findings[kind][e.unit.id] ?? []), ...(extra[e.unit.id] ?? [])], lang })];
    } catch (err) {
      if (!(err instanceof SafecityError)) throw err;
      problems.push(...err.issues.map((i) => ({ path: `${e.unit.id}${i.path}`, message: i.message })));
      return [];
    }
  });

// 2. The districts, and the municipal units a first time.
const districtCards = scoreAll('district');
const firstMunicipal = scoreAll('municipal');
if (problems.length > 0) fail();

// 3. The consistency checks of the city rubric, on the units' evidence.
const allEvidence = [...evidence.municipal, ...evidence.district];
const roundRulesets = [compiled.municipal, compiled.district];
const consistency = checkConsistency(city, { cards: [...firstMunicipal, ...districtCards], evidence: allEvidence, rulesets: roundRulesets, lang });

// 4. The municipal units again, with their findings and the consistency rejections.
const municipalCards = scoreAll('municipal', consistency.findings);
if (problems.length > 0) fail();
const cards = [...municipalCards, ...districtCards];

// Write the cards, and the findings as `safecity score --findings` wants them (rejections included).
for (const [kind, list] of [['municipal', municipalCards], ['district', districtCards]]) {
  const dir = join(out, 'scores', kind);
  mkdirSync(dir, { recursive: true });
  for (const card of list) writeFileSync(join(dir, `${card.unit.id}.scorecard.json`), JSON.stringify(card, null, 2) + '\n');
  const merged = structuredClone(findings[kind]);
  for (const [unit, list2] of Object.entries(consistency.findings)) if (evidence[kind].some((e) => e.unit.id === unit)) (merged[unit] ??= []).push(...list2);
  mkdirSync(join(out, 'findings'), { recursive: true });
  writeFileSync(join(out, 'findings', `${kind}.json`), JSON.stringify(merged, null, 2) + '\n');
}

// 5. The city's own card on the national rubric, from the 48 cards (and their evidence).
const cityEvidence = roundEvidence(city, cityUnit, { cards, evidence: allEvidence, rulesets: roundRulesets, lang });
const cityCard = city.score(cityEvidence, { lang });
const cityDir = join(out, 'scores', 'city');
mkdirSync(cityDir, { recursive: true });
writeFileSync(join(cityDir, `${cityUnit.id}.scorecard.json`), JSON.stringify(cityCard, null, 2) + '\n');
writeFileSync(join(cityDir, 'consistency.json'), JSON.stringify({ ruleset: { id: city.id, version: city.version }, checked: true, ...consistency, findings: undefined }, null, 2) + '\n');
writeFileSync(join(cityDir, 'consistency-findings.json'), JSON.stringify(consistency.findings, null, 2) + '\n');

// 6. Feedback lists per unit (意见反馈清单 from the data check, 问题反馈清单 from the on-site check),
// as Markdown, print-ready xlsx (the ledger) and Word.
const DATE = '2023-03-31'; // the end of the self-inspection's checks; fixed so the output is reproducible
const feedbackDir = join(out, 'feedback');
mkdirSync(feedbackDir, { recursive: true });
const ISSUER = '西安市安全生产委员会办公室';
// Each card's rows worked out once, for the three formats; the Word lists handed out first, so
// the Word writer starts on them while this thread writes the rest.
const feedback = cards.map((card) => {
  const options = { ruleset: rulesets[card.ruleset.id], units, date: DATE };
  return { card, options: { ...options, rows: feedbackRows(card, options) } };
});
for (const { card, options } of feedback) writeWord(join(feedbackDir, `${card.unit.id}.docx`), { kind: 'feedback', card, rows: options.rows, date: DATE, issuer: ISSUER });
for (const { card, options } of feedback) {
  writeFileSync(join(feedbackDir, `${card.unit.id}.md`), feedbackMarkdown(card, options));
  // the xlsx is also the unit's rectification ledger (问题整改台账): its clerks fill in their columns
  writeFileSync(join(feedbackDir, `${card.unit.id}.xlsx`), await feedbackWorkbook(card, options));
}

// 7. The ledgers come back filled in (./ledger: 雁塔区 and 碑林区, as clerks and the office filled
// them), read against the re-check's cards on the day of the review: what is 销号, overdue, and
// still deducted. Their status drafts the city report's 下一步工作.
const REVIEW = '2023-05-20';
const ledgerFiles = readdirSync(join(HERE, 'ledger')).filter((f) => f.endsWith('.xlsx')).sort();
const statuses = [];
for (const f of ledgerFiles) {
  try {
    const ledger = await readLedger(readFileSync(join(HERE, 'ledger', f)), `ledger/${f}`);
    const rescored = readJson(`ledger/rescored/${ledger.unit.id}.scorecard.json`);
    statuses.push(rectificationStatus(ledger, rescored, { date: REVIEW, feedback: { ruleset: rulesets[rescored.ruleset.id], units } }));
  } catch (e) {
    if (!(e instanceof SafecityError)) throw e;
    problems.push(...e.issues);
  }
}
if (problems.length > 0) fail();
const rectification = rectificationMarkdown(statuses, { title: '问题整改情况报告（示例）' });
writeFileSync(join(out, 'rectification.md'), rectification);
writeWord(join(out, 'rectification.docx'), { kind: 'markdown', markdown: rectification, options: { issuer: ISSUER, date: REVIEW } });

// 8. The city's self-evaluation report (自评报告), after the review: html, md and Word.
const reportOptions = {
  title: '西安市创建国家安全发展示范城市自评报告（示例）',
  city: cityCard,
  date: '2023-05-26',
  rectificationStatus: rectificationStatusRows(statuses),
  selfScores,
  selfEvaluations,
  rulesets: [rulesets['xian-2022/municipal'], rulesets['xian-2022/district'], rulesets['xian-2022/city']],
  inconsistencies: consistency.inconsistencies.map((i) => ({
    id: i.id,
    title: i.title,
    message: en ? i.message.en : i.message.zh,
    places: [...i.figure.places, ...i.against.units.filter((u) => u.value !== 0).flatMap((u) => u.places)],
  })),
};
const report = cityReport(cards, reportOptions);
writeFileSync(join(out, 'city-report.html'), report.html);
writeFileSync(join(out, 'city-report.md'), report.markdown);
// the Word version from the same Markdown: the report is built once
const wordOptions = (o) => ({ city: cityCard.unit.name, date: o.date, issuer: ISSUER });
writeWord(join(out, 'city-report.docx'), { kind: 'city', markdown: report.markdown, options: wordOptions(reportOptions) });
// The 社会公示 version: the city's result, the areas and each unit's grade; nothing internal.
const publicOptions = {
  title: '西安市创建国家安全发展示范城市自评情况公示（示例）',
  audience: 'public',
  city: cityCard,
  date: '2023-05-26',
  publicity: { from: '2023-05-26', to: '2023-06-09' },
  contact: '西安市安全生产委员会办公室（示例），电话 029-00000000',
  rulesets: [rulesets['xian-2022/municipal'], rulesets['xian-2022/district'], rulesets['xian-2022/city']],
};
const publicReport = cityReport(cards, publicOptions);
writeFileSync(join(out, 'city-report-public.html'), publicReport.html);
writeFileSync(join(out, 'city-report-public.md'), publicReport.markdown);
writeWord(join(out, 'city-report-public.docx'), { kind: 'city', markdown: publicReport.markdown, options: wordOptions(publicOptions) });
// Each unit's 单位自评报告 (due before the city's): its self-evaluation item by item against the evaluation.
const selfDir = join(out, 'self-evaluation');
mkdirSync(selfDir, { recursive: true });
for (const self of selfEvaluations) {
  const card = cards.find((c) => c.unit.id === self.unit);
  if (card === undefined) continue;
  const selfReport = unitSelfReport(card, self, { ruleset: rulesets[card.ruleset.id], date: '2023-03-25' });
  writeFileSync(join(selfDir, `${self.unit}.md`), selfReport);
  writeWord(join(selfDir, `${self.unit}.docx`), { kind: 'markdown', markdown: selfReport, options: { issuer: card.unit.name, date: '2023-03-25' } });
}
wordWriter.postMessage({ kind: 'end' });
await wordWritten;

// ── printed ────────────────────────────────────────────────────────────────────────────────
const width = (s) => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
const pad = (s, w, right = false) => (right ? ' '.repeat(Math.max(0, w - width(s))) + s : s + ' '.repeat(Math.max(0, w - width(s))));
const table = (head, rows, right) => {
  const w = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
  for (const r of [head, ...rows]) console.log('  ' + r.map((c, i) => pad(c, w[i], right.includes(i))).join('  ').trimEnd());
};
const name = (u) => (en ? (unitById(u.id)?.nameEn ?? (u.id === cityUnit.id ? cityUnit.nameEn : u.name)) : u.name);
const gradeOf = (c) => c.gradeTitle ?? c.grade ?? '';
const r2 = (x) => (Math.round(x * 100) / 100).toFixed(2);

// The city's result on the national rubric (城市自评, for the province's re-check).
console.log(`\n== ${en ? "The city's own result on the national rubric" : '城市自评结果（国家评价细则：工作成效 + 鼓励项）'}: ${name(cityCard.unit)} · ${city.id} ${city.version}`);
table(
  ['', en ? 'item' : '项目', en ? 'earned' : '得分', en ? 'max' : '满分'],
  cityCard.nodes.map((n) => [n.id, n.title, String(n.earned), String(n.max)]),
  [2, 3],
);
console.log(
  `  total ${cityCard.total} (${en ? 'results' : '工作成效'} ${cityCard.earned}/${cityCard.max} + ${en ? 'encouragement' : '鼓励项'} ${cityCard.bonus}), normalized ${cityCard.normalized}, ` +
    `grade ${gradeOf(cityCard)}${cityCard.vetoed ? (en ? ' — VETOED' : '（否决）') : ''}`,
);
for (const v of cityCard.vetoes) console.log(`  ${en ? 'veto' : '否决'}: ${v.title} — ${(v.evidence ?? []).join(en ? '; ' : '；')}`);
// Where the city lost most, with the units each came from.
const lost = [];
const walk = (ns) => {
  for (const n of ns) {
    if (n.children) walk(n.children);
    else if (n.max - n.earned > 0) lost.push(n);
  }
};
walk(cityCard.nodes.filter((n) => n.id !== city.source.bonus?.id));
lost.sort((a, b) => b.max - b.earned - (a.max - a.earned) || (a.id < b.id ? -1 : 1));
console.log(`  ${en ? 'most points lost' : '失分最多的项'}:`);
for (const n of lost.slice(0, 5)) {
  const cited = (n.deductions ?? []).flatMap((d) => d.evidence ?? []).slice(0, 3);
  console.log(`    −${Math.round((n.max - n.earned) * 1000) / 1000} ${n.id} ${n.title}${cited.length > 0 ? ` ← ${cited.join('；')}` : ''}`);
}
const nInc = consistency.inconsistencies.length;
console.log(`  ${en ? `consistency checks: ${nInc} problem${nInc === 1 ? '' : 's'}, ${consistency.passed.length} passed, ${consistency.skipped.length} not run` : `一致性核查：${nInc}处不一致，${consistency.passed.length}项通过，${consistency.skipped.length}项未核查`}`);
for (const i of consistency.inconsistencies) {
  console.log(`    ✗ ${en ? i.message.en : i.message.zh}`);
  if (i.finding) {
    const card = municipalCards.find((c) => c.unit.id === i.finding.unit);
    const item = card && (function find(ns) {
      for (const n of ns) {
        if (n.id === i.finding.finding.item) return n;
        const c = n.children && find(n.children);
        if (c) return c;
      }
      return undefined;
    })(card.nodes);
    console.log(`      → ${en ? 'data-check rejection' : '数据核查（准确性）不予认定'}: ${name(i.figure.unit)} ${i.finding.finding.item} ${item ? `${item.earned}/${item.max}` : ''}`);
  }
}

// The rankings, one per group: never one table of municipal departments and districts together.
const worksRate = (c) => {
  const n = c.nodes.find((x) => x.id === '3');
  return n && n.max > 0 ? (n.earned / n.max) * 100 : undefined;
};
const GROUPS = [
  ['municipal', en ? 'Municipal member units (市级成员单位)' : '市级成员单位', (c) => c.unit.kind === 'municipal'],
  ['district', en ? 'Districts, counties and development zones (区县（开发区）)' : '区县（开发区）', (c) => c.unit.kind !== 'municipal'],
];
const averages = {};
for (const [key, title, pick] of GROUPS) {
  const list = cards.filter(pick).sort((a, b) => b.normalized - a.normalized || (a.unit.id < b.unit.id ? -1 : 1));
  console.log(`\n== ${title}: ${list.length} ${en ? 'units' : '个单位'}`);
  table(
    ['#', 'unit', en ? 'name' : '单位', en ? 'results (3) /100' : '工作成效/100', en ? 'applicable' : '适用分值', 'normalized', 'grade', ''],
    list.map((c, i) => {
      const w = worksRate(c);
      const n = c.nodes.find((x) => x.id === '3');
      // ※ thin coverage: the rubric counts the shortfall below its minimum at the declared rate
      const applicable = n === undefined ? '—' : `${r2(n.max)}${c.coverage?.thin ? '※' : ''}`;
      return [String(i + 1), c.unit.id, name(c.unit), w === undefined ? '—' : r2(w), applicable, r2(c.normalized), gradeOf(c), c.vetoed ? (en ? 'VETOED' : '否决') : ''];
    }),
    [0, 3, 4, 5],
  );
  const thin = list.find((c) => c.coverage?.thin)?.coverage;
  if (thin !== undefined) {
    console.log(
      en
        ? `  ※ fewer than ${thin.min} applicable points of ${thin.title}: the shortfall is counted at ${thin.rate}% in the normalized score`
        : `  ※ ${thin.title}适用分值不足${thin.min}分，不足部分按${thin.rate}%得分率计入折算得分`,
    );
  }
  // Averages and grade counts per group: the two rubrics are never averaged together.
  // In the rubric's band order (优秀, 良好, 合格, 不合格), not the ranking's.
  const bands = (rulesets[`xian-2022/${key}`].grades ?? []).map((g) => g.id);
  const counts = {};
  for (const c of [...list].sort((a, b) => bands.indexOf(a.grade) - bands.indexOf(b.grade))) counts[gradeOf(c)] = (counts[gradeOf(c)] ?? 0) + 1;
  averages[key] = list.reduce((s, c) => s + c.normalized, 0) / list.length;
  console.log(
    `  ${en ? 'average' : '平均'} ${r2(averages[key])}; ` +
      Object.entries(counts).map(([g, n]) => `${g} ${n}`).join(', ') +
      `; ${list.filter((c) => c.vetoed).length} ${en ? 'vetoed' : '个否决'}`,
  );
}
console.log(`\nwrote ${cards.length} scorecards to ${join(out, 'scores')} and the city's to ${join(cityDir, `${cityUnit.id}.scorecard.json`)},`);
console.log(`feedback lists and rectification ledgers (.xlsx, .md, .docx) to ${feedbackDir},`);
console.log(`the city report to ${join(out, 'city-report.html')} (+ .md, .docx; the 社会公示 version city-report-public.*),`);
console.log(`five units' 单位自评报告 to ${selfDir}, and the filled ledgers read back to ${join(out, 'rectification.md')} (+ .docx)`);
