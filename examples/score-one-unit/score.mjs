// The engine's API on one Xi'an district, 临潼区 (lintong): compile the district rubric, build
// the evidence in code, score it with two check findings, read the numbers without rendering,
// see what the unit's template asks for, and catch a bad value with its place.
// Run from the repo root: npm run start -w @safecity/example-score-one-unit  (add -- --en for English)
import { createEngine, evidenceLayout, EvidenceError, SafecityError } from '@safecity/engine';
import { district, unitById } from '@safecity/ruleset-xian-2022';

const lang = process.argv.includes('--en') ? 'en' : 'zh';

// One engine (built-in methods, no plugins); the rubric is compiled once and reused for every unit.
const engine = createEngine();
const ruleset = engine.compile(district); // throws RulesetError (issues with JSON pointers) if the rubric is broken
const unit = unitById('lintong'); // { id: 'lintong', name: '临潼区', kind: 'district', nameEn: … }

// The values of a handful of items, as the unit's staff would report them. Every other item
// is left unreported, and so loses its points with 未提供佐证材料 (no evidence).
const values = {
  leadingGroupDoc: true, // 1.1.1 领导小组: the document setting up the leading group exists (presence)
  policyDocs: ['安全发展规划', '安全生产责任制规定', '考核奖惩办法'], // 1.2.1: 3 of the 4 required policy documents (隐患排查治理制度 missing)
  hydrantDefects: 3, // 3.1.2.4.1: 3 hydrants found not in good order (每发现一处扣0.2分)
  oldPipeRenovationRate: 78.5, // 3.1.2.4.2: 78.5 % of old pipes renovated (≤80% loses the point)
  geohazardSites: 37, // condition of 3.2.4.27: 37 geohazard sites, so the item applies (0 would make it 不适用)
  geohazardMonitoringRate: 100, // 3.2.4.27: reported: every site monitored (the check below rejects it)
  drillsPerYear: 1, // 3.5.2.49: one emergency drill this year (2 or more for full points)
};
const evidence = { unit, values };

// The two check methods' findings: an on-site deduction, and a data-check rejection of a value.
const findings = [
  { item: '3.1.2.4.1', source: 'onsite', type: 'deduction', points: 0.4, reason: '现场抽查市政消火栓15处，其中2处出水压力不足', suggestion: '建立维护保养台账，限期修复' },
  { item: '3.2.4.27', source: 'data-check', type: 'rejected', field: 'geohazardMonitoringRate', check: 'accuracy', reason: '填报覆盖率100%与监测平台台账（6处中2处未接入）不符' },
];

const touched = ['1.1.1', '1.2.1', '3.1.2.4.1', '3.1.2.4.2', '3.2.4.27', '3.5.2.49'];
const byId = new Map();
const index = (nodes) => { for (const n of nodes) { byId.set(n.id, n); index(n.children ?? []); } };

try {
  // 1. score: the rendered ScoreCard, every deduction with its reason and suggestion.
  const card = ruleset.score(evidence, { findings, lang });
  index(card.nodes);
  console.log(`== score: ${card.unit.name} (${card.unit.id}) under ${card.ruleset.id}@${card.ruleset.version}`);
  console.log(`total ${card.total} / ${card.max}, normalized ${card.normalized}, grade ${card.gradeTitle}`);
  for (const id of touched) {
    const n = byId.get(id);
    console.log(`\n${n.id} ${n.title}  ${n.earned} / ${n.max}`);
    for (const d of n.deductions ?? []) {
      // A deduction a merge policy set aside (the check's count replaced the unit's own) counts 0.
      const kept = d.superseded ? (lang === 'en' ? ' (set aside: the check’s count stands)' : '（已被核查结果取代，不计分）') : '';
      console.log(`    −${d.points} [${d.source}] ${d.reason}${kept}`);
      if (d.suggestion) console.log(`       → ${d.suggestion}`);
    }
  }

  // 2. evaluate: the same scoring and checks, numbers only (nothing rendered until asked).
  const ev = ruleset.evaluate(evidence, { findings });
  console.log(`\n== evaluate: total ${ev.total}, normalized ${ev.normalized}, grade ${ev.grade}, vetoed ${ev.vetoed}`);
  console.log(`earnedOf('3.1.2.4.1') = ${ev.earnedOf('3.1.2.4.1')}; deductionsOf('3.1.2.4.2')[0].reason = ${ev.deductionsOf('3.1.2.4.2', lang)[0].reason}`);

  // 3. evidenceLayout: what this unit's evidence template asks for (the Excel and JSON templates are built from it).
  const layout = evidenceLayout(ruleset, unit);
  const fieldCount = layout.items.reduce((s, i) => s + i.fields.length, 0) + layout.general.length;
  console.log(`\n== evidenceLayout: ${layout.items.length} items, ${fieldCount} fields (${layout.general.length} general) for ${layout.unit.name}`);
} catch (err) {
  if (err instanceof SafecityError) { console.error(err.message); process.exit(1); }
  throw err;
}

// 4. A bad value: a rate of 120 (rates are 0–100). score and evaluate throw EvidenceError, listing
// every problem with its place (a JSON pointer into the evidence).
try {
  ruleset.score({ unit, values: { ...values, oldPipeRenovationRate: 120 } }, { findings, lang });
  console.error('expected an EvidenceError');
  process.exit(1);
} catch (err) {
  if (!(err instanceof EvidenceError)) throw err;
  console.log(`\n== EvidenceError: ${err.title}`);
  for (const i of err.issues) console.log(`  ${i.path}: ${i.message}`);
}
