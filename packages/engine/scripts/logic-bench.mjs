#!/usr/bin/env node
/**
 * Benchmark of the JsonLogic closure compiler (src/logic) against json-logic-engine and
 * json-logic-js, on ~20 realistic scoring rules × 100k evaluations each.
 *
 *   node packages/engine/scripts/logic-bench.mjs [evaluationsPerRule]
 *
 * It bundles src/logic/index.ts with esbuild to /tmp/logic.mjs first (the same as
 * `npx esbuild packages/engine/src/logic/index.ts --bundle --format=esm --outfile=/tmp/logic.mjs`),
 * then imports it. Set LOGIC_BENCH_NO_BUILD=1 to reuse an existing /tmp/logic.mjs.
 */
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import jsonLogic from 'json-logic-js';
import { LogicEngine } from 'json-logic-engine';

const OUT = '/tmp/logic.mjs';
if (process.env.LOGIC_BENCH_NO_BUILD !== '1') {
  await build({
    entryPoints: [fileURLToPath(new URL('../src/logic/index.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: OUT,
    logLevel: 'warning',
  });
}
const { createLogicCompiler } = await import(OUT);

const N = Number(process.argv[2] ?? 100_000);

// Evidence is complete enough that no rule gives NaN: json-logic-engine throws on NaN where
// json-logic-js returns it, and that would not be a speed comparison.

/** Realistic rules: thresholds, if-chains giving points, and/or, arithmetic, missing. */
const RULES = [
  { '<=': [{ var: 'renovationRate' }, 80] },
  { '>=': [{ var: 'hydrant.rate' }, 0.95] },
  { '==': [{ var: 'hasPlan' }, true] },
  { '<=': [0, { var: 'renovationRate' }, 100] },
  { if: [{ '>=': [{ var: 'drills' }, 4] }, 10, { '>=': [{ var: 'drills' }, 2] }, 5, 0] },
  {
    if: [
      { missing: ['hydrant.rate'] }, 0,
      { '>=': [{ var: 'hydrant.rate' }, 0.95] }, 5,
      { '>=': [{ var: 'hydrant.rate' }, 0.8] }, 3,
      0,
    ],
  },
  { and: [{ '>=': [{ var: 'inspectionRate' }, 90] }, { '<': [{ var: 'accidents' }, 3] }] },
  { or: [{ '==': [{ var: 'level' }, 'A'] }, { '==': [{ var: 'level' }, 'B'] }] },
  { and: [{ '!!': { var: 'hasPlan' } }, { '>': [{ var: 'drills' }, 0] }, { '<=': [{ var: 'accidents' }, 1] }] },
  { '!': { var: 'closedCase' } },
  { '*': [{ '/': [{ var: 'covered' }, { var: 'total' }] }, 100] },
  { '-': [10, { '*': [{ var: 'violations' }, 2] }] },
  { max: [0, { '-': [20, { '*': [{ var: 'accidents' }, 5] }] }] },
  { min: [10, { '*': [{ var: 'drills' }, 2.5] }] },
  { '+': [{ var: 'scores.0' }, { var: 'scores.1' }, { var: 'scores.2' }] },
  { missing: ['renovationRate', 'hydrant.rate', 'drills'] },
  { missing_some: [2, ['hasPlan', 'drills', 'training']] },
  { in: [{ var: 'district' }, ['东城', '西城', '朝阳', '海淀']] },
  { cat: ['grade-', { var: 'level' }] },
  { some: [{ var: 'hydrants' }, { '<': [{ var: 'pressure' }, 0.1] }] },
];

const DATA = [
  {
    renovationRate: 72, hydrant: { rate: 0.97 }, hasPlan: true, drills: 5, inspectionRate: 95,
    accidents: 0, level: 'A', closedCase: false, covered: 180, total: 200, violations: 1,
    scores: [3, 4, 5], district: '朝阳', training: 'yes',
    hydrants: [{ pressure: 0.3 }, { pressure: 0.25 }],
  },
  {
    renovationRate: 91, hydrant: { rate: 0.85 }, hasPlan: false, drills: 2, inspectionRate: 80,
    accidents: 4, level: 'C', closedCase: true, covered: 50, total: 200, violations: 6,
    scores: [1, 2, 0], district: '丰台', hydrants: [{ pressure: 0.2 }, { pressure: 0.05 }],
  },
  { renovationRate: 60, drills: 3, accidents: 1, level: 'B', covered: 10, total: 20, violations: 3, scores: [5, 5, 5] },
  {
    renovationRate: 80, hydrant: { rate: 0.5 }, hasPlan: true, drills: 0, inspectionRate: 90,
    accidents: 2, level: 'A', covered: 0, total: 12, violations: 0, scores: [0, 1, 2], district: '西城',
    hydrants: [],
  },
];

const compiler = createLogicCompiler();
const interp = new LogicEngine(undefined, { disableInterpretedOptimization: true });
const optimised = new LogicEngine();
const builder = new LogicEngine();

/** name → per-rule evaluators `(data) => result`. */
const IMPLS = [
  ['closures (src/logic compile)', RULES.map((r) => {
    const { fn, issues } = compiler.compile(r);
    if (issues.length) throw new Error(JSON.stringify(issues));
    return fn;
  })],
  ['json-logic-engine run, interpreter', RULES.map((r) => (d) => interp.run(r, d))],
  ['json-logic-engine run, optimised (default, no build)', RULES.map((r) => (d) => optimised.run(r, d))],
  ['json-logic-engine build (reference only)', RULES.map((r) => builder.build(r))],
  ['json-logic-js apply', RULES.map((r) => (d) => jsonLogic.apply(r, d))],
];

// Sanity: every implementation against json-logic-js on the bench data.
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b) || (Number.isNaN(a) && Number.isNaN(b));
for (const [name, fns] of IMPLS) {
  let diff = 0;
  RULES.forEach((r, i) => {
    for (const d of DATA) {
      const want = jsonLogic.apply(r, d);
      let got;
      try {
        got = fns[i](d);
      } catch (e) {
        got = `threw ${e instanceof Error ? e.message : JSON.stringify(e)}`;
      }
      if (!same(want, got)) {
        diff++;
        if (diff <= 3) console.log(`  [${name}] differs on ${JSON.stringify(r)}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
      }
    }
  });
  if (diff) console.log(`  [${name}] ${diff} result(s) differ from json-logic-js`);
}

let sink = 0;
function consume(v) {
  sink = (sink + (typeof v === 'number' ? v : v ? 1 : 0)) | 0;
}

/** Runs every rule N times (data cycled); returns seconds. */
function runAll(fns, n) {
  const t0 = performance.now();
  for (let r = 0; r < fns.length; r++) {
    const fn = fns[r];
    for (let i = 0; i < n; i++) consume(fn(DATA[i & 3]));
  }
  return (performance.now() - t0) / 1000;
}

// Warm-up, then best of 3 rounds (implementations interleaved per round).
for (const [, fns] of IMPLS) runAll(fns, Math.min(N, 20_000));
const best = new Map(IMPLS.map(([name]) => [name, Infinity]));
for (let round = 0; round < 3; round++) {
  for (const [name, fns] of IMPLS) best.set(name, Math.min(best.get(name), runAll(fns, N)));
}

const total = RULES.length * N;
const ours = total / best.get(IMPLS[0][0]);
console.log(`\n${RULES.length} rules × ${N.toLocaleString('en')} evaluations = ${total.toLocaleString('en')} per implementation (best of 3), node ${process.version}\n`);
console.log(`${'implementation'.padEnd(54)}${'ops/sec'.padStart(14)}${'closures ÷ this'.padStart(18)}`);
for (const [name] of IMPLS) {
  const ops = total / best.get(name);
  console.log(`${name.padEnd(54)}${Math.round(ops).toLocaleString('en').padStart(14)}${(ours / ops).toFixed(2).padStart(17)}×`);
}
if (sink === 0.5) console.log(sink);
