// Score a whole (fictional) evaluation round for Xi'an: the 28 municipal units under
// xian-2022/municipal and the 20 districts, counties and development zones under
// xian-2022/district, from the evidence in ./evidence and the findings in ./findings. It does
// what `safecity score` does (read every file, check every value, merge per unit, score with
// the findings, write `<unit>.scorecard.json`) with the packages' APIs, writes the scorecards
// to <out>/scores/<kind>/ and prints a summary of all 48 units.
//
//   npm run demo                                  (from the repo root: out/ at the root)
//   node examples/xian-2022-city/demo.mjs [--out DIR] [--en]
//
// The same with the command, per kind (the merged findings are written to <out>/findings/):
//   cd examples/xian-2022-city && npx safecity score --ruleset xian-2022/district \
//     --evidence evidence/district/* --findings ../../out/findings/district.json --out ../../out/scores/district
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, mergeEvidence, SafecityError } from '@safecity/engine';
import { parseJsonEvidence } from '@safecity/evidence-json';
import { parseWorkbook } from '@safecity/evidence-excel';
import { rulesets, units, unitById } from '@safecity/ruleset-xian-2022';
import { cityReport, feedbackMarkdown, feedbackWorkbook } from '@safecity/report';

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

const readJson = (p) => JSON.parse(readFileSync(join(HERE, p), 'utf8'));
const onsite = readJson('findings/onsite.json');
const dataCheck = readJson('findings/data-check.json');
const selfScores = readJson('self-scores.json');

const engine = createEngine();
const problems = [];
const cards = [];
for (const kind of ['municipal', 'district']) {
  const ruleset = engine.compile(rulesets[`xian-2022/${kind}`]);
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
      const parsed = file.endsWith('.json')
        ? parseJsonEvidence(input, { file, ruleset, units })
        : await parseWorkbook(input, { file, ruleset, units });
      parts.push(parsed.part);
      accepted += parsed.records.filter((r) => r.status === 'accepted').length;
      empty += parsed.records.filter((r) => r.status === 'empty').length;
      for (const w of parsed.warnings) console.error(`warning: ${w.path}: ${w.message}`);
    } catch (e) {
      if (!(e instanceof SafecityError)) throw e;
      problems.push(...e.issues);
    }
  }
  const merged = mergeEvidence(parts);
  problems.push(...merged.issues);
  if (problems.length > 0) break;

  // Both checks' findings of this kind's units, also written as `safecity score --findings` wants them.
  const ids = new Set(merged.units.map((u) => u.unit.id));
  const findings = {};
  for (const source of [dataCheck, onsite]) {
    for (const [unit, list] of Object.entries(source)) if (ids.has(unit)) (findings[unit] ??= []).push(...list);
  }
  mkdirSync(join(out, 'findings'), { recursive: true });
  writeFileSync(join(out, 'findings', `${kind}.json`), JSON.stringify(findings, null, 2) + '\n');

  const dir = join(out, 'scores', kind);
  mkdirSync(dir, { recursive: true });
  for (const evidence of merged.units) {
    try {
      const card = ruleset.score(evidence, { findings: findings[evidence.unit.id] ?? [], lang });
      writeFileSync(join(dir, `${card.unit.id}.scorecard.json`), JSON.stringify(card, null, 2) + '\n');
      cards.push(card);
    } catch (e) {
      if (!(e instanceof SafecityError)) throw e;
      problems.push(...e.issues.map((i) => ({ path: `${evidence.unit.id}${i.path}`, message: i.message })));
    }
  }
  console.log(`${ruleset.id} ${ruleset.version}: ${merged.units.length} units, ${accepted} values accepted, ${empty} left blank → ${dir}`);
}
if (problems.length > 0) {
  console.error('problems in the evidence or findings:');
  for (const p of problems) console.error(`  ${p.path}: ${p.message}`);
  process.exit(1);
}

// Feedback lists per unit (意见反馈清单 from the data check, 问题反馈清单 from the on-site check),
// as Markdown and print-ready xlsx, and the city's self-evaluation report (自评报告).
const DATE = '2023-03-31'; // the end of the self-inspection's checks; fixed so the output is reproducible
const feedbackDir = join(out, 'feedback');
mkdirSync(feedbackDir, { recursive: true });
for (const card of cards) {
  const options = { ruleset: rulesets[card.ruleset.id], units, date: DATE };
  writeFileSync(join(feedbackDir, `${card.unit.id}.md`), feedbackMarkdown(card, options));
  writeFileSync(join(feedbackDir, `${card.unit.id}.xlsx`), await feedbackWorkbook(card, options));
}
const report = cityReport(cards, {
  title: '西安市创建国家安全发展示范城市自评报告（示例）',
  city: '西安市',
  date: '2023-04-28',
  selfScores,
  rulesets: Object.values(rulesets),
});
writeFileSync(join(out, 'city-report.html'), report.html);
writeFileSync(join(out, 'city-report.md'), report.markdown);

// The summary of all 48 units, best first.
const width = (s) => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
const pad = (s, w, right = false) => (right ? ' '.repeat(Math.max(0, w - width(s))) + s : s + ' '.repeat(Math.max(0, w - width(s))));
const gradeOf = (u) => u.gradeTitle ?? u.grade ?? '';
const summary = cards.map((c) => ({ unit: c.unit, kind: c.unit.kind, normalized: c.normalized, grade: c.grade, gradeTitle: c.gradeTitle, vetoed: c.vetoed }));
summary.sort((a, b) => b.normalized - a.normalized || a.unit.id.localeCompare(b.unit.id));
const rows = summary.map((u, i) => [
  String(i + 1),
  u.unit.id,
  lang === 'en' ? (unitById(u.unit.id)?.nameEn ?? u.unit.name) : u.unit.name,
  u.unit.kind,
  u.normalized.toFixed(2),
  gradeOf(u),
  u.vetoed ? (lang === 'en' ? 'VETOED' : '否决') : '',
]);
const head = ['#', 'unit', lang === 'en' ? 'name' : '单位', 'kind', 'normalized', 'grade', 'vetoed'];
const w = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i]))));
console.log('');
for (const r of [head, ...rows]) console.log(r.map((c, i) => pad(c, w[i], i === 0 || i === 4)).join('  ').trimEnd());
const avg = (list) => list.reduce((s, u) => s + u.normalized, 0) / list.length;
const byKind = (k) => summary.filter((u) => (k === 'municipal' ? u.kind === 'municipal' : u.kind !== 'municipal'));
const counts = {};
for (const u of summary) counts[gradeOf(u)] = (counts[gradeOf(u)] ?? 0) + 1;
console.log(
  `\ncity average ${avg(summary).toFixed(2)} over ${summary.length} units ` +
    `(municipal ${avg(byKind('municipal')).toFixed(2)}, districts ${avg(byKind('district')).toFixed(2)}); ` +
    Object.entries(counts).map(([g, n]) => `${g} ${n}`).join(', ') +
    `; ${summary.filter((u) => u.vetoed).length} vetoed`,
);
console.log(`\nwrote ${cards.length} scorecards to ${join(out, 'scores')}, feedback lists (.md, .xlsx) to ${feedbackDir},`);
console.log(`and the city report to ${join(out, 'city-report.html')} (+ .md)`);
