// The demo city's evidence for the studio, read in Node at build time: the 48 units' evidence
// files of examples/xian-2022-city (JSON and xlsx, read and checked by the same readers
// `safecity score` uses) merged per unit, and both checks' findings by unit. The page loads
// the result as one JSON file; the studio never ships the readers' Node-only paths for it.
//
//   node scripts/demo-data.mjs            (writes src/generated/demo-city.json)
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, mergeEvidence, SafecityError } from '@safecity/engine';
import { parseJsonEvidence } from '@safecity/evidence-json';
import { parseWorkbook } from '@safecity/evidence-excel';
import { rulesets, units } from '@safecity/ruleset-xian-2022';

const HERE = dirname(fileURLToPath(import.meta.url));
const CITY = join(HERE, '../../../examples/xian-2022-city');
const OUT = join(HERE, '../src/generated/demo-city.json');

const engine = createEngine();
const result = { source: 'examples/xian-2022-city', units: {}, findings: {} };
const problems = [];
for (const kind of ['district', 'municipal']) {
  const ruleset = engine.compile(rulesets[`xian-2022/${kind}`]);
  const parts = [];
  for (const name of readdirSync(join(CITY, 'evidence', kind)).sort()) {
    if (!name.endsWith('.json') && !name.endsWith('.xlsx')) continue;
    const file = `evidence/${kind}/${name}`;
    const input = readFileSync(join(CITY, file));
    try {
      const parsed = name.endsWith('.json') ? parseJsonEvidence(input, { file, ruleset, units }) : await parseWorkbook(input, { file, ruleset, units });
      parts.push(parsed.part);
    } catch (e) {
      if (!(e instanceof SafecityError)) throw e;
      problems.push(...e.issues);
    }
  }
  const merged = mergeEvidence(parts);
  problems.push(...merged.issues);
  result.units[kind] = merged.units;
}
for (const name of ['data-check.json', 'onsite.json']) {
  const byUnit = JSON.parse(readFileSync(join(CITY, 'findings', name), 'utf8'));
  for (const [unit, list] of Object.entries(byUnit)) (result.findings[unit] ??= []).push(...list);
}
if (problems.length > 0) {
  console.error(`the demo city's evidence has ${problems.length} problem(s):`);
  for (const p of problems.slice(0, 20)) console.error(`  ${p.path}: ${p.message}`);
  process.exit(1);
}
mkdirSync(dirname(OUT), { recursive: true });
const text = JSON.stringify(result);
// Written only when it changed, so a rebuild keeps the file's time (and vite's cache).
let old = '';
try {
  old = readFileSync(OUT, 'utf8');
} catch {
  // first build
}
if (old !== text) writeFileSync(OUT, text);
const n = result.units.district.length + result.units.municipal.length;
console.log(`studio: the demo city's evidence, ${n} units (${Math.round(text.length / 1024)} KB) → src/generated/demo-city.json`);
