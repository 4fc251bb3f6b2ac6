// Next year's edition, end to end through the API: the example 2023 district rubric extends the
// 2022 one with a patch; the engine resolves it, says what changed and which version that needs,
// carries last year's city evidence over (reporting what does not carry), and scores every
// district under both editions.
// Run from the repo root: npm run start -w @safecity/example-next-edition
import { readFileSync, readdirSync } from 'node:fs';
import { checkVersion, createEngine, migrateEvidence } from '@safecity/engine';
import { readJsonEvidence } from '@safecity/evidence-json';
import { readWorkbooks } from '@safecity/evidence-excel';
import * as xian2022 from '@safecity/ruleset-xian-2022';
import * as xian2023 from '@safecity/ruleset-xian-2023-example';

const engine = createEngine();
const r2022 = engine.compile(xian2022.district);
// A patch is compiled with the editions it may extend; problems would point into the patch.
const r2023 = engine.compile(xian2023.district, { bases: xian2023.bases });

console.log(`== ${r2023.id} ${r2023.version} extends ${r2023.extends.id} ${r2023.extends.version}`);
console.log(`   ${r2022.items.length} → ${r2023.items.length} scored items, max ${r2022.max} → ${r2023.max}, bonus cap ${r2022.bonusCap} → ${r2023.bonusCap}`);

// What changed, and the semver bump that needs (patch: wording; minor: new items, points moved;
// major: items removed or renamed, totals changed).
const check = checkVersion(r2022, r2023);
const { items, fields } = check.diff;
console.log(`\n== diff: ${items.added.length} items added, ${items.removed.length} removed, ${items.renamed.length} renamed, ${items.moved.length} moved, ${items.changed.length} changed; ${fields.added.length} fields added, ${fields.removed.length} removed`);
console.log(`   verdict ${check.diff.verdict.bump}: ${check.diff.verdict.reasons.filter((r) => r.bump === 'major').map((r) => r.reason).join('; ')}`);
console.log(`   ${check.ok ? '✓' : '✗'} ${check.message}`);

// Last year's evidence of the 20 districts (JSON and Excel files), read under 2022.
const dir = new URL('../xian-2022-city/evidence/district/', import.meta.url);
const files = readdirSync(dir).sort();
const read = (ext) => files.filter((f) => f.endsWith(ext)).map((f) => ({ file: f, input: readFileSync(new URL(f, dir)) }));
const units = xian2022.units;
const fromJson = readJsonEvidence(read('.json'), { ruleset: r2022, units });
const fromXlsx = await readWorkbooks(read('.xlsx'), { ruleset: r2022, units });
const evidence2022 = [...fromJson.units, ...fromXlsx.units].sort((a, b) => a.unit.id.localeCompare(b.unit.id));

// Carried over to 2023 and scored under both editions.
console.log('\n== last year\'s evidence under both editions: normalized 2022 → 2023, and what migrateEvidence reports');
const pad = (s, n) => String(s).padEnd(n);
let notCarried = 0;
const reasons = new Map();
for (const e of evidence2022) {
  const { evidence, report } = migrateEvidence(e, r2023, { from: r2022 });
  const before = r2022.evaluate(e);
  const after = r2023.evaluate(evidence);
  notCarried += report.notCarried.length;
  for (const n of report.notCarried) reasons.set(n.message.zh, (reasons.get(n.message.zh) ?? 0) + 1);
  const added = report.missing.filter((m) => m.added).length;
  console.log(`${pad(e.unit.id, 10)} ${pad(e.unit.name, 8)} ${pad(before.normalized, 7)} → ${pad(after.normalized, 7)} carried ${report.carried.length}, not carried ${report.notCarried.length}; to complete ${added} new + ${report.missing.length - added} left blank last year`);
}
console.log(`\n${evidence2022.length} districts, ${notCarried} values not carried over:`);
for (const [reason, n] of reasons) console.log(`  ${n} × ${reason}`);
