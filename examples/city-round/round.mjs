// An evaluation round with the `safecity` command, step by step, as an evaluator would run it:
// validate the rubric, write a unit's templates, score six districts' evidence with the check
// findings, write the feedback lists, score a rectification round, write the city report, and
// check the units' self-scores against the evaluated scores on the same (normalised) scale.
// The command runs in-process (`run(argv, io)` from '@safecity/cli'); each step prints the
// equivalent shell command. Everything is written to examples/city-round/out/ (gitignored).
// Run from the repo root: npm run start -w @safecity/example-city-round
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '@safecity/cli';

const HERE = dirname(fileURLToPath(import.meta.url));
const CITY = '../xian-2022-city'; // the bundled (fictional) round, relative to this folder
const OUT = join(HERE, 'out');

// The command's io: where it writes, and the folder its relative paths start from.
const io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: false, // no progress lines
  cwd: HERE,
};

let step = 0;
async function safecity(title, argv) {
  step += 1;
  console.log(`\n── ${step}. ${title}\n$ npx safecity ${argv.map((a) => (/[\s*]/.test(a) ? `'${a}'` : a)).join(' ')}`);
  const code = await run(argv, io);
  if (code !== 0) {
    console.error(`step ${step} (${title}) failed with exit code ${code}`);
    process.exit(code);
  }
}
const readJson = (p) => JSON.parse(readFileSync(join(HERE, p), 'utf8'));
const writeJson = (p, data) => writeFileSync(join(HERE, p), JSON.stringify(data, null, 2) + '\n');

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// Six districts, three filled workbooks and three JSON files, four of them with check findings.
const UNITS = ['beilin', 'lintong', 'yanta', 'huyi', 'lianhu', 'weiyang'];
const fileOf = (id) => `${CITY}/evidence/district/${id}.${['beilin', 'lintong', 'yanta'].includes(id) ? 'xlsx' : 'json'}`;

// 1. The rubric compiles: every method, field and JsonLogic operator checked.
await safecity('check the district rubric (评价细则)', ['validate', 'xian-2022/district']);

// 2. The templates a unit's staff fill in: a workbook, and JSON with its generated JSON Schema.
await safecity('evidence template for 临潼区, as a workbook', ['template', '--ruleset', 'xian-2022/district', '--unit', 'lintong', '--out', 'out/templates/lintong.xlsx']);
await safecity('evidence template for 临潼区, as JSON', ['template', '--ruleset', 'xian-2022/district', '--unit', 'lintong', '--out', 'out/templates/lintong.json']);

// 3. The findings of both checks (数据核查, 现场检查) for these units, merged into one file by unit id.
const findings = {};
for (const source of [readJson(`${CITY}/findings/data-check.json`), readJson(`${CITY}/findings/onsite.json`)]) {
  for (const [unit, list] of Object.entries(source)) if (UNITS.includes(unit)) (findings[unit] ??= []).push(...list);
}
writeJson('out/findings.json', findings);
console.log(`\n(merged ${Object.values(findings).flat().length} findings of ${Object.keys(findings).sort().join(', ')} into out/findings.json)`);

await safecity('score the first round', ['score', '--ruleset', 'xian-2022/district', '--evidence', ...UNITS.map(fileOf), '--findings', 'out/findings.json', '--out', 'out/scores']);

// 4. Each unit's 意见反馈清单 and 问题反馈清单 (.md, print-ready .xlsx and a Word .docx in 公文 form).
await safecity('feedback lists for every unit', ['feedback', '--scores', 'out/scores', '--out', 'out/feedback']);

// 5. Rectification (整改): two units fix some of what was deducted and report again.
const FIXES = {
  weiyang: {
    '1.2.1': { policyDocs: ['安全发展规划', '安全生产责任制规定', '隐患排查治理制度', '考核奖惩办法'] }, // the missing 考核奖惩办法 issued
    '2.2.2': { planTaskCompletionRate: 100 }, // the plan's overdue tasks finished
    '2.4.1': { ledgers: ['任务清单', '责任清单', '问题清单', '整改清单'] }, // all four ledgers kept
    '3.3.2.32': { riskMap: true }, // the risk map drawn
  },
  huyi: {
    '1.3.2': { expertSupport: true }, // an expert panel engaged
    '3.1.2.4.2': { oldPipeRenovationRate: 86 }, // old pipes renovated past 80 %
    '3.2.1.11': { hazmatMonitoringRate: 100 }, // monitoring installed at every major hazmat site
    '3.3.2.31': { riskAssessmentReport: true }, // the city risk assessment done
  },
};
step += 1;
console.log(`\n── ${step}. rectification: copy two units' JSON evidence to out/rectified/ and improve some values`);
mkdirSync(join(OUT, 'rectified'), { recursive: true });
for (const [unit, items] of Object.entries(FIXES)) {
  const evidence = readJson(fileOf(unit));
  evidence.$schema = `../../${CITY}/evidence/schemas/${unit}.schema.json`; // keep the editor's validation working from the new place
  for (const [item, values] of Object.entries(items)) {
    for (const [field, value] of Object.entries(values)) {
      console.log(`  ${unit} ${item} ${field}: ${JSON.stringify(evidence.items[item][field])} → ${JSON.stringify(value)}`);
      evidence.items[item][field] = value;
    }
  }
  writeJson(`out/rectified/${unit}.json`, evidence);
}
const after = UNITS.map((id) => (id in FIXES ? `out/rectified/${id}.json` : fileOf(id)));
await safecity('score the round after rectification (same findings)', ['score', '--ruleset', 'xian-2022/district', '--evidence', ...after, '--findings', 'out/findings.json', '--out', 'out/scores-after']);

// 6. The city's 自评报告, with the rectification comparison and the units' self-scores.
const selfScores = Object.fromEntries(Object.entries(readJson(`${CITY}/self-scores.json`)).filter(([id]) => UNITS.includes(id)));
writeJson('out/self-scores.json', selfScores);
await safecity('the city report (自评报告)', ['report', '--scores', 'out/scores-after', '--before', 'out/scores', '--self-scores', 'out/self-scores.json', '--out', 'out/report/city.html']);

// 7. The self-scores against the evaluated scores, like with like: the units self-evaluate on the
// normalised 100 scale (折算得分), so they are compared with the card's `normalized`, never with
// its raw `total` (points out of up to 140); the report's section 自评与评估得分对比 does the same.
step += 1;
// A unit self-evaluates before the checks: its self-score is compared with the first round.
console.log(`\n── ${step}. self-scores against the first round's evaluated scores (both 折算得分, 百分制)`);
const TOLERANCE = 5;
const fmt = (n) => String(Math.round(n * 100) / 100);
for (const id of UNITS) {
  const card = readJson(`out/scores/${id}.scorecard.json`);
  const self = selfScores[id];
  if (typeof self !== 'number') {
    console.log(`  ${id.padEnd(8)} ${card.unit.name}: no self-score`);
    continue;
  }
  // a card without a normalised score has nothing on the self-score's scale to compare with
  if (typeof card.normalized !== 'number') {
    console.log(`  ${id.padEnd(8)} ${card.unit.name}: self ${fmt(self)}, no normalised score to compare with`);
    continue;
  }
  const gap = Math.round((self - card.normalized) * 1000) / 1000;
  const flag = Math.abs(gap) > TOLERANCE ? (gap > 0 ? '  自评偏高' : '  自评偏低') : '';
  console.log(`  ${id.padEnd(8)} ${card.unit.name}: self ${fmt(self)}, evaluated ${fmt(card.normalized)}, gap ${gap > 0 ? '+' : ''}${fmt(gap)}${flag}`);
}

console.log('\nall steps passed; open examples/city-round/out/report/city.html in a browser');
