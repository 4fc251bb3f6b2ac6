// npm run bench: every goal of issue 13 as a ratio or a figure, in one run. Three workloads are
// checked for agreement (every engine gives every unit the same total, in thousandths) before
// anything is timed; then each workload's engines and references are timed interleaved (see
// timing.mjs), and the figures outside the engine are taken (bundle, ingest, command, demo).
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createEngine } from '@safecity/engine';
import {
  ENGINES,
  safecity,
  safecityCard,
  safecityChecked,
  pointsJsonLogicEngine,
  pointsJsonLogicJs,
  inputCheckRunners,
  cardFloors,
} from './engines.mjs';
import { makeWorkload, makeSpec, makeRuleset, prng, DEFAULT_SEED } from './workload.mjs';
import { makeSecondWorkload, secondHand, secondLogicRule, SECOND_SEED } from './workload-second.mjs';
import { makeLogicWorkload, LOGIC_SEED } from './workload-logic.mjs';
import { interleave, ratioOf, differenceRatio, medianMs, median, CLOCKS } from './timing.mjs';
import { browserBundle, excelIngest, jsonEvidence, cliWall, demoRun, xianRulesets } from './outside.mjs';

export { makeWorkload } from './workload.mjs';
export { makeSecondWorkload } from './workload-second.mjs';
export { makeLogicWorkload } from './workload-logic.mjs';
export { ENGINES } from './engines.mjs';
export { interleave, ratioOf, summarize } from './timing.mjs';

/** Smoke size: small, one round, no warm-up (what the test runs). */
export const SMOKE = { units: 6, items: 40, rounds: 1, compileItems: [150, 1500] };

/** The figures outside the engine; each can be left out with `skip`. */
export const OUTSIDE = ['bundle', 'excel', 'json', 'cli'];

/** The second workload's engines (its own hand-written scorer first). */
export const SECOND_ENGINES = [
  { name: 'hand', label: 'hand-written JS, its own (no explanations)', prepare: secondHand },
  safecity,
  safecityChecked,
  safecityCard,
  pointsJsonLogicEngine(secondLogicRule),
  pointsJsonLogicJs(secondLogicRule),
];

/** The all-JsonLogic workload's engines: safecity and the JsonLogic engines on identical rules. */
export const LOGIC_ENGINES = [safecity, pointsJsonLogicEngine((s) => s.rule), pointsJsonLogicJs((s) => s.rule)];

/**
 * Score the workload once with every engine and compare each unit's total (thousandths) with
 * the first engine's. Returns the totals and every disagreement.
 */
export async function checkAgreement(workload, engines = ENGINES, engine = createEngine()) {
  const totals = {};
  // An engine other than the reference that throws (e.g. the plugin copies, should the method
  // contract change) is a failure to report, not a crash; the reference must run.
  const failures = [];
  for (const [i, e] of engines.entries()) {
    try {
      totals[e.name] = await e.prepare(workload, engine)();
    } catch (err) {
      if (i === 0) throw err;
      failures.push({ ...(workload.name ? { workload: workload.name } : {}), engine: e.name, error: err instanceof Error ? err.message.split('\n')[0] : String(err) });
    }
  }
  const ref = engines[0].name;
  const disagreements = [];
  for (const e of engines.slice(1)) {
    if (totals[e.name] === undefined) continue;
    workload.evidence.forEach((ev, u) => {
      const a = totals[ref][u];
      const b = totals[e.name][u];
      if (a !== b) disagreements.push({ ...(workload.name ? { workload: workload.name } : {}), unit: ev.unit.id, engine: e.name, expected: a, actual: b, reference: ref });
    });
  }
  return { totals, disagreements, failures };
}

/** One goal: `ok` is `value ≤ target` (null without a target or a value). */
function goal(id, what, unit, target, m, extra = {}) {
  const value = m === null || m === undefined ? null : typeof m === 'number' ? m : m.value;
  const g = { id, what, value: Number.isFinite(value) ? value : null, unit, target, ok: target === null || !Number.isFinite(value) ? null : value <= target };
  if (m && typeof m === 'object' && Number.isFinite(m.p25)) g.spread = { p25: m.p25, p75: m.p75 };
  return { ...g, ...extra };
}

/** Time one workload's engines and references interleaved; per-engine figures and the ratios. */
async function timeWorkload(workload, engines, engine, timing) {
  const runners = [];
  const prepareMs = {};
  for (const e of engines) {
    const t0 = performance.now();
    const fn = e.prepare(workload, engine);
    prepareMs[e.name] = performance.now() - t0;
    runners.push({ name: e.name, fn });
  }
  const check = inputCheckRunners(workload, engine);
  const floors = cardFloors(workload, engine);
  let keys = 0;
  runners.push(
    { name: 'check-full', fn: check.full },
    { name: 'check-base', fn: check.base },
    { name: 'check-once', fn: check.once },
    { name: 'card-floor', fn: floors.build },
    { name: 'card-parse', fn: floors.parse },
    {
      name: 'keys-floor',
      fn: () => {
        for (const ev of workload.evidence) keys += Object.keys(ev.values).length;
        return keys;
      },
    },
  );
  const timed = await interleave(runners, timing);
  const ref = engines[0].name;
  const perEngine = {};
  for (const r of runners) {
    const ms = median(timed.samples[r.name]);
    perEngine[r.name] = {
      label: engines.find((e) => e.name === r.name)?.label ?? r.name,
      msPerCity: ms,
      ratioVsHand: ratioOf(timed, r.name, ref).value,
      ...(timed.samples['json-logic-engine'] ? { ratioVsJsonLogicEngine: ratioOf(timed, r.name, 'json-logic-engine').value } : {}),
      ...(prepareMs[r.name] !== undefined ? { prepareMs: prepareMs[r.name] } : {}),
      callsPerRound: timed.reps[r.name],
      samplesMs: timed.samples[r.name],
    };
  }
  return {
    timed,
    perEngine,
    check: { ...differenceRatio(timed, 'check-full', 'check-base', ref), checkedFields: check.checkedFields },
    cardBytesPerUnit: floors.bytesPerUnit,
    cardFloorByHand: floors.equivalent,
  };
}

/** Median compile time (on `clock`) of a ruleset of `items` generated items: repeats while cheap. */
function compileTime(engine, items, seed, maxRounds, clock) {
  const json = makeRuleset(makeSpec(items, prng(seed)));
  const now = CLOCKS[clock];
  const t = [];
  const t0 = performance.now();
  while (t.length < maxRounds && (t.length === 0 || performance.now() - t0 < 3_000)) {
    const t1 = now();
    engine.compile(json);
    t.push(now() - t1);
  }
  return { value: median(t), samples: t, items };
}

/**
 * Run the bench. Options: `units`, `items`, `seed` (of the city workload), `rounds` (measured,
 * default 15), `warmup` (default 3), `minSlotMs` (each engine's slot in a round repeats the city
 * until it lasts about this long; default 25; 0 = once), `smoke` (small sizes, one round), `clock`
 * (`cpu`, the default: this process's CPU time per slot; or `wall`, the default at smoke size),
 * `skip` (names from OUTSIDE), `demo` (also time `npm run demo`), `rulesEngine` (also time
 * json-rules-engine; it always takes part in the agreement).
 */
export async function runBench(options = {}) {
  const started = performance.now();
  const smoke = options.smoke === true;
  const units = options.units ?? (smoke ? SMOKE.units : 48);
  const items = options.items ?? (smoke ? SMOKE.items : 150);
  const rounds = Math.max(1, options.rounds ?? (smoke ? SMOKE.rounds : 15));
  const warmup = options.warmup ?? (smoke ? 0 : 3);
  const minSlotMs = options.minSlotMs ?? (smoke ? 0 : 25);
  const seed = options.seed ?? DEFAULT_SEED;
  const skip = new Set(options.skip ?? []);
  // A smoke slot is one call of well under a millisecond: wall time, finer than CPU accounting.
  const clock = options.clock ?? (smoke ? 'wall' : 'cpu');
  const timing = { rounds, warmup, minSlotMs, clock };
  const notes = [];
  // Seconds each part of the run took (to keep the whole bench near two minutes).
  const phases = {};
  let mark = performance.now();
  const phase = (name) => {
    const now = performance.now();
    phases[name] = (now - mark) / 1000;
    mark = now;
  };

  const city = { ...makeWorkload({ units, items, seed }), name: 'city' };
  const second = makeSecondWorkload({ units, items, seed: SECOND_SEED });
  const logic = makeLogicWorkload({ units, items, seed: LOGIC_SEED });
  const workloads = [
    [city, ENGINES],
    [second, SECOND_ENGINES],
    [logic, LOGIC_ENGINES],
  ];
  const described = Object.fromEntries(workloads.map(([w, es]) => [w.name, { units: w.units, items: w.items, seed: w.seed, methods: mixOf(w.spec), engines: es.map((e) => e.name) }]));

  // 1. Agreement, before any timing.
  const engine = createEngine();
  const disagreements = [];
  const failed = new Set();
  for (const [w, es] of workloads) {
    const a = await checkAgreement(w, es, engine);
    disagreements.push(...a.disagreements);
    for (const f of a.failures) {
      failed.add(`${w.name}/${f.engine}`);
      notes.push(`${w.name} workload: ${f.engine} failed (${f.error}); not timed`);
    }
  }
  const runs = (w, es) => es.filter((e) => !failed.has(`${w.name}/${e.name}`));
  if (disagreements.length > 0) return { workloads: described, agree: false, disagreements, goals: [], notes };
  phase('agreement');

  // 2. Scoring, interleaved per workload.
  // json-rules-engine (async, ~100× slower) takes part in the agreement; timed only when asked.
  const timedCity = runs(city, options.rulesEngine === true ? ENGINES : ENGINES.filter((e) => e.name !== 'json-rules-engine'));
  const A = await timeWorkload(city, timedCity, engine, timing);
  const B = await timeWorkload(second, runs(second, SECOND_ENGINES), engine, timing);
  for (const [w, T] of [['city', A], ['second', B]]) {
    if (!T.cardFloorByHand) notes.push(`${w} workload: the hand-built card is not the card (a field it does not know); the card floor is a generic deep copy`);
  }
  const L = await interleave(
    runs(logic, LOGIC_ENGINES).map((e) => ({ name: e.name, fn: e.prepare(logic, engine) })),
    timing,
  );
  const r = (t, a, b) => ratioOf(t.timed ?? t, a, b);
  const goals = [];
  for (const [w, T] of [
    ['city', A],
    ['second', B],
  ]) {
    goals.push(goal(`evaluate-vs-hand.${w}`, `evaluate() over hand-written scoring, ${w} workload`, 'ratio', 2, r(T, 'safecity', 'hand')));
    goals.push(goal(`evaluate-vs-json-logic-engine.${w}`, `evaluate() over json-logic-engine's build, ${w} workload`, 'ratio', null, r(T, 'safecity', 'json-logic-engine')));
    goals.push(goal(`score-vs-card-floor.${w}`, `score() over building an equivalent plain card by hand, ${w} workload`, 'ratio', 1, r(T, 'safecity-score', 'card-floor')));
    goals.push(
      goal(`input-check.${w}`, `the input check (evaluate() of every field minus of one item's) over hand-written scoring, ${w} workload`, 'ratio', 0.5, T.check, {
        method: 'difference',
      }),
    );
    goals.push(goal(`evaluate-checked-vs-hand.${w}`, `evaluate() of evidence checked once (checkEvidence, as the adapters hand it) over hand-written scoring, ${w} workload`, 'ratio', 2, r(T, 'safecity-checked', 'hand')));
    goals.push(goal(`check-once-vs-hand.${w}`, `checkEvidence alone (every problem found, a frozen copy made; paid once where evidence is read) over hand-written scoring, ${w} workload`, 'ratio', null, r(T, 'check-once', 'hand')));
  }
  goals.push(goal('logic-vs-json-logic-engine', 'all-JsonLogic ruleset: evaluate() over json-logic-engine build on identical rules and data', 'ratio', 1, ratioOf(L, 'safecity', 'json-logic-engine')));
  goals.push(goal('logic-vs-json-logic-js', 'all-JsonLogic ruleset: evaluate() over json-logic-js apply on identical rules and data', 'ratio', null, ratioOf(L, 'safecity', 'json-logic-js')));
  goals.push(goal('plugin-method-vs-builtin', "a plugin's copy of each built-in method (defineMethod) over the built-in, city workload", 'ratio', 1.1, r(A, 'safecity-plugin', 'safecity'), { targetText: '≈ 1.0' }));

  phase('scoring');

  // 3. Compile and start-up.
  const [small, large] = smoke ? SMOKE.compileItems : [1_500, 15_000];
  compileTime(engine, 150, seed, 1, clock); // warm the compiler
  const cSmall = compileTime(engine, small, seed, smoke ? 1 : 5, clock);
  const cLarge = compileTime(engine, large, seed, smoke ? 1 : 3, clock);
  goals.push(goal(`compile.${large}`, `compile a generated ruleset of ${large.toLocaleString('en-US')} items`, 'ms', smoke ? null : 300, cLarge, { items: large }));
  goals.push(goal(`compile.${small}`, `compile a generated ruleset of ${small.toLocaleString('en-US')} items`, 'ms', null, cSmall, { items: small }));
  goals.push(goal('compile-growth', `compile time at ${large.toLocaleString('en-US')} items over ${small.toLocaleString('en-US')} (linear ≈ ${large / small}×)`, 'ratio', (large / small) * 1.2, cLarge.value / cSmall.value, { targetText: `≈ ${large / small}` }));
  const first = performance.now();
  createEngine();
  const once = performance.now() - first;
  const ce = await medianMs(() => createEngine(), smoke ? 3 : Math.max(5, Math.min(50, Math.round(3_000 / Math.max(once, 1)))), 0, Infinity, clock);
  goals.push(goal('create-engine', 'createEngine()', 'ms', 10, ce));
  phase('compile');

  // 4. Outside the engine.
  const outside = {};
  let xian;
  const xianOnce = async () => (xian ??= await xianRulesets(engine));
  const attempt = async (name, fn) => {
    if (skip.has(name)) return null;
    try {
      return (outside[name] = await fn());
    } catch (err) {
      notes.push(`${name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      outside[name] = { error: err instanceof Error ? err.message : String(err) };
      return null;
    } finally {
      phase(name);
    }
  };
  if (!skip.has('bundle')) {
    const b = await attempt('bundle', browserBundle);
    goals.push(
      goal('bundle-gzip', `@safecity/engine for the browser (esbuild, minified), gzipped; ok when it imports no Node built-in`, 'bytes', null, b?.gzipBytes, {
        ok: b === null ? null : b.nodeBuiltins.length === 0,
        nodeBuiltins: b?.nodeBuiltins ?? null,
      }),
    );
    goals.push(goal('bundle-min', '@safecity/engine for the browser (esbuild, minified)', 'bytes', null, b?.minBytes));
    if (b && b.nodeBuiltins.length > 0) notes.push(`the browser bundle imports Node built-ins: ${b.nodeBuiltins.join(', ')} (a browser bundler fails on them)`);
  }
  if (!skip.has('excel')) {
    const x = await attempt('excel', async () => excelIngest({ rounds: smoke ? 1 : 5, warmup: smoke ? 0 : 1, clock, xian: await xianOnce() }));
    goals.push(goal('excel-vs-exceljs', `readWorkbooks of the demo's ${x?.workbooks ?? ''} workbooks over a bare exceljs load of the same bytes`.replace('  ', ' '), 'ratio', 1, x?.readWorkbooksVsExceljs));
    goals.push(goal('unzip-vs-exceljs', 'the unzip floor (fflate unzipSync of the same workbooks) over a bare exceljs load', 'ratio', null, x?.unzipVsExceljs));
  }
  if (!skip.has('json')) {
    const j = await attempt('json', async () => jsonEvidence({ ...(smoke ? { times: 1, limit: 6 } : { times: 7 }), clock, xian: await xianOnce() }));
    goals.push(goal('json-evidence-per-unit', "parseJsonEvidence of the demo's JSON evidence, per unit (file)", 'ms', null, j?.perUnitMs, { files: j?.files ?? null }));
  }
  if (!skip.has('cli')) {
    const c = await attempt('cli', () => cliWall({ times: smoke ? 1 : 5, warm: 0 }));
    goals.push(goal('cli-version', 'safecity --version, wall time (spawned)', 'ms', 150, c?.version));
    goals.push(goal('cli-validate', 'safecity validate xian-2022/district, wall time (spawned)', 'ms', 400, c?.validate));
  }
  if (options.demo === true) {
    const d = await attempt('demo', demoRun);
    goals.push(goal('demo-wall', 'npm run demo, wall time', 'ms', 3_000, d?.wallMs));
    goals.push(goal('demo-rss', 'npm run demo, peak RSS', 'MB', 300, d?.peakRssMB));
  }

  return {
    goals,
    workloads: described,
    machine: { node: process.version, nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown' },
    timing,
    details: {
      city: { engines: A.perEngine, cardBytesPerUnit: A.cardBytesPerUnit, cardFloorByHand: A.cardFloorByHand, checkedFields: A.check.checkedFields },
      second: { engines: B.perEngine, cardBytesPerUnit: B.cardBytesPerUnit, cardFloorByHand: B.cardFloorByHand, checkedFields: B.check.checkedFields },
      logic: {
        engines: Object.fromEntries(
          runs(logic, LOGIC_ENGINES).map((e) => [
            e.name,
            { label: e.label, msPerCity: median(L.samples[e.name]), ratioVsJsonLogicEngine: ratioOf(L, e.name, 'json-logic-engine').value, callsPerRound: L.reps[e.name], samplesMs: L.samples[e.name] },
          ]),
        ),
      },
      compile: { small: cSmall, large: cLarge },
      createEngine: ce,
      outside,
    },
    seconds: (performance.now() - started) / 1000,
    phases,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    agree: true,
    disagreements,
    notes,
  };
}

function mixOf(spec) {
  const mix = {};
  for (const s of spec) {
    const m = s.method ?? s.kind ?? s.shape;
    mix[m] = (mix[m] ?? 0) + 1;
  }
  return mix;
}

const fmt = (n, d = 2) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '—');

/** How the report groups the goals, by id prefix. */
const GROUPS = [
  ['Scoring: the city workload', (id) => id.endsWith('.city') || id.startsWith('plugin-')],
  ['Scoring: the second workload', (id) => id.endsWith('.second')],
  ['Scoring: an all-JsonLogic ruleset', (id) => id.startsWith('logic-')],
  ['Compile and start', (id) => id.startsWith('compile') || id === 'create-engine'],
  ['Anywhere: the browser bundle', (id) => id.startsWith('bundle')],
  ['Evidence ingest', (id) => id.includes('exceljs') || id.startsWith('json-evidence')],
  ['The command and the demo', (id) => id.startsWith('cli') || id.startsWith('demo')],
];

function show(g) {
  const v = g.value;
  if (v === null) return 'not measured';
  if (g.unit === 'ratio') return `${fmt(v)}×${g.spread ? ` (p25–p75 ${fmt(g.spread.p25)}–${fmt(g.spread.p75)})` : ''}`;
  if (g.unit === 'bytes') return `${Math.round(v).toLocaleString('en-US')} bytes`;
  if (g.unit === 'MB') return `${fmt(v, 1)} MB`;
  return `${fmt(v, v < 10 ? 2 : 0)} ms`;
}

function target(g) {
  if (g.targetText) return `target ${g.targetText}`;
  if (g.target === null) return g.ok === null ? '' : '';
  return `target ≤ ${g.unit === 'ratio' ? `${fmt(g.target, 1)}×` : g.unit === 'ms' ? `${g.target} ms` : `${g.target} ${g.unit}`}`;
}

/** The human-readable report: the goals by group, then each workload's engines. */
export function formatReport(r) {
  const lines = [];
  const t = r.timing;
  lines.push(`machine: ${r.machine.cpu}, ${r.machine.nproc} cores, Node ${r.machine.node}`);
  lines.push(`ratios: median over ${t.rounds} rounds of the per-round ratio (engines interleaved, order rotated; ${t.clock === 'cpu' ? 'CPU time of this process' : 'wall time'}), after ${t.warmup} warm-up rounds; p25–p75 in brackets`);
  for (const [name, w] of Object.entries(r.workloads)) {
    lines.push(`workload ${name}: ${w.units} units × ${w.items} items (seed ${w.seed}; ${Object.entries(w.methods).map(([m, n]) => `${m} ${n}`).join(', ')})`);
  }
  const placed = new Set();
  for (const [title, test] of GROUPS) {
    const gs = r.goals.filter((g) => test(g.id));
    if (gs.length === 0) continue;
    lines.push('', `## ${title}`);
    for (const g of gs) {
      placed.add(g.id);
      const mark = g.ok === null ? ' ' : g.ok ? '✓' : '✗';
      const tt = target(g);
      lines.push(`${mark} ${g.what}: ${show(g)}${tt ? `  [${tt}]` : ''}`);
      if (g.nodeBuiltins && g.nodeBuiltins.length > 0) lines.push(`    imports Node built-ins: ${g.nodeBuiltins.join(', ')}`);
    }
  }
  for (const g of r.goals.filter((x) => !placed.has(x.id))) lines.push(`  ${g.what}: ${show(g)}`);
  for (const name of ['city', 'second', 'logic']) {
    const d = r.details[name];
    if (!d) continue;
    lines.push('', `## ${name} workload, ms per city (median${t.clock === 'cpu' ? ', CPU' : ''}) and ratios (median of per-round ratios)`);
    const rows = [['runner', 'ms / city', '× hand', '× json-logic-engine']];
    for (const [n, e] of Object.entries(d.engines)) rows.push([n === e.label ? n : `${n}: ${e.label}`, fmt(e.msPerCity, 3), fmt(e.ratioVsHand), fmt(e.ratioVsJsonLogicEngine)]);
    const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
    const line = (row) => `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
    lines.push(line(rows[0]));
    lines.push(`|${widths.map((x, c) => (c === 0 ? '-'.repeat(x + 2) : '-'.repeat(x + 1) + ':')).join('|')}|`);
    for (const row of rows.slice(1)) lines.push(line(row));
  }
  lines.push('');
  for (const n of r.notes) lines.push(`note: ${n}`);
  lines.push(`bench: ${fmt(r.seconds, 1)} s, peak RSS ${fmt(r.maxRssMB, 1)} MB`);
  lines.push(r.agree ? 'every engine agrees on every unit total, on every workload' : `ENGINES DISAGREE: ${r.disagreements.length} totals`);
  return lines.join('\n');
}
