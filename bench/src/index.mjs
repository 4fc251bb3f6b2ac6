// npm run bench: score one seeded city with every engine, check they agree on every unit's
// total (in thousandths), and time them as ms per city with ratios to the hand-written code.
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createEngine } from '@safecity/engine';
import { ENGINES } from './engines.mjs';
import { makeWorkload, DEFAULT_SEED } from './workload.mjs';

export { makeWorkload } from './workload.mjs';
export { ENGINES } from './engines.mjs';

/** What the headline ratios (`ratioVsHand`, `ratioVsJsonLogicEngine`) measure. */
export const SAFECITY_MODE = 'evaluate (explanations recorded; rendered on demand)';

/** Smoke size: small, one round (used by the test). */
export const SMOKE = { units: 6, items: 40, rounds: 1 };

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Score the workload once with every engine and compare each unit's total (thousandths) with
 * the hand-written reference. Returns the totals and every disagreement.
 */
export async function checkAgreement(workload, engines = ENGINES) {
  const totals = {};
  for (const e of engines) totals[e.name] = await e.prepare(workload)();
  const ref = engines[0].name;
  const disagreements = [];
  for (const e of engines.slice(1)) {
    workload.evidence.forEach((ev, u) => {
      const a = totals[ref][u];
      const b = totals[e.name][u];
      if (a !== b) disagreements.push({ unit: ev.unit.id, engine: e.name, expected: a, actual: b, reference: ref });
    });
  }
  return { totals, disagreements };
}

/** Median ms of `rounds` calls of `fn` (after one warm-up call). */
function timeCompile(fn, rounds) {
  fn();
  const t = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/**
 * Run the bench. Options: `units`, `items`, `seed`, `rounds` (measured rounds, default 9),
 * `warmup` (rounds, default 3), `minRoundMs` (each round repeats the city until it lasts about
 * this long, default 150; 0 = one city per round), `smoke` (small sizes, one round).
 */
export async function runBench(options = {}) {
  const smoke = options.smoke === true;
  const units = options.units ?? (smoke ? SMOKE.units : 48);
  const items = options.items ?? (smoke ? SMOKE.items : 150);
  const rounds = Math.max(1, options.rounds ?? (smoke ? SMOKE.rounds : 9));
  const warmup = options.warmup ?? (smoke ? 0 : 3);
  const minRoundMs = options.minRoundMs ?? (smoke ? 0 : 150);
  const seed = options.seed ?? DEFAULT_SEED;
  const workload = makeWorkload({ units, items, seed });

  // 1. Agreement, before any timing.
  const { disagreements } = await checkAgreement(workload);
  const mix = methodMix(workload.spec);
  if (disagreements.length > 0) return { workload: { units, items, seed, methods: mix }, agree: false, disagreements };

  // 2. Prepare each engine (timed once) and calibrate repetitions per round.
  const runs = [];
  for (const e of ENGINES) {
    const t0 = performance.now();
    const city = e.prepare(workload);
    const prepareMs = performance.now() - t0;
    // Async engines are awaited city by city; sync ones run in a plain loop (no promise per city).
    const first = city();
    const isAsync = first instanceof Promise;
    if (isAsync) await first;
    const one = isAsync ? async () => await city() : city;
    await one();
    const t1 = performance.now();
    await one();
    const est = performance.now() - t1;
    const reps = minRoundMs > 0 ? Math.max(1, Math.round(minRoundMs / Math.max(est, 1e-3))) : 1;
    const round = isAsync
      ? async () => {
          const t = performance.now();
          for (let k = 0; k < reps; k++) await one();
          return (performance.now() - t) / reps;
        }
      : async () => {
          const t = performance.now();
          for (let k = 0; k < reps; k++) one();
          return (performance.now() - t) / reps;
        };
    runs.push({ engine: e, prepareMs, reps, round, samples: [] });
  }
  // References, not engines, timed the same way:
  // - card floor: JSON.parse of the city's cards as safecity writes them, i.e. just building an
  //   object graph of the card's size (what a full ScoreCard costs at the very least);
  // - keys floor: Object.keys of every unit's values, the one allocation the evidence check needs
  //   (an undeclared field is an error), i.e. what checking the input costs at the very least.
  const reference = (fn) => {
    fn();
    const t1 = performance.now();
    fn();
    const est = performance.now() - t1;
    const reps = minRoundMs > 0 ? Math.max(1, Math.round(minRoundMs / Math.max(est, 1e-3))) : 1;
    return {
      samples: [],
      round: async () => {
        const t = performance.now();
        for (let k = 0; k < reps; k++) fn();
        return (performance.now() - t) / reps;
      },
    };
  };
  const compiled = createEngine().compile(workload.ruleset);
  const texts = workload.evidence.map((ev) => JSON.stringify(compiled.score(ev)));
  const floor = reference(() => {
    for (const t of texts) JSON.parse(t);
  });
  let keyCount = 0; // read below, so the keys are not optimised away
  const keysFloor = reference(() => {
    for (const ev of workload.evidence) keyCount += Object.keys(ev.values).length;
  });
  const refs = [floor, keysFloor];
  for (let w = 0; w < warmup; w++) {
    for (const r of runs) await r.round();
    for (const r of refs) await r.round();
  }
  const notes = [];
  // Measured rounds, round-robin over the engines so drift hits them all alike.
  for (let k = 0; k < rounds; k++) {
    for (const r of runs) r.samples.push(await r.round());
    for (const r of refs) r.samples.push(await r.round());
  }

  if (keyCount === 0 && units > 0 && items > 0) notes.push('the keys floor read no keys');
  const scored = units * items;
  const ms = Object.fromEntries(runs.map((r) => [r.engine.name, median(r.samples)]));
  const engines = {};
  for (const r of runs) {
    const m = ms[r.engine.name];
    engines[r.engine.name] = {
      label: r.engine.label,
      msPerCity: m,
      ratioVsHand: m / ms.hand,
      ratioVsJsonLogicEngine: m / ms['json-logic-engine'],
      itemScoresPerSecond: scored / (m / 1000),
      prepareMs: r.prepareMs,
      citiesPerRound: r.reps,
      samplesMs: r.samples,
    };
  }

  // 3. safecity's compile time: the workload ruleset, and the Xi'an rulesets when present.
  const engine = createEngine();
  const compileRounds = smoke ? 1 : 7;
  const compile = { workload: { ms: timeCompile(() => engine.compile(workload.ruleset), compileRounds), items } };
  for (const which of ['municipal', 'district']) {
    const key = `xian-2022/${which}`;
    const file = new URL(`../../rulesets/xian-2022/${which}.json`, import.meta.url);
    if (!existsSync(file)) {
      compile[key] = null;
      notes.push(`rulesets/xian-2022/${which}.json not present: compile time skipped`);
      continue;
    }
    try {
      const json = JSON.parse(readFileSync(file, 'utf8'));
      const c = engine.compile(json);
      compile[key] = { ms: timeCompile(() => engine.compile(json), compileRounds), items: c.items.length };
    } catch (err) {
      compile[key] = null;
      notes.push(`rulesets/xian-2022/${which}.json did not compile (${err.message.split('\n')[0]}): compile time skipped`);
    }
  }

  return {
    workload: { units, items, seed, methods: mix },
    machine: { node: process.version, nproc: availableParallelism(), cpu: cpus()[0]?.model ?? 'unknown' },
    rounds,
    warmup,
    safecityMode: SAFECITY_MODE,
    ratioVsHand: engines.safecity.ratioVsHand,
    ratioVsJsonLogicEngine: engines.safecity.ratioVsJsonLogicEngine,
    renderedMode: 'score (full ScoreCard rendered)',
    ratioVsHandRendered: engines['safecity-score'].ratioVsHand,
    ratioVsJsonLogicEngineRendered: engines['safecity-score'].ratioVsJsonLogicEngine,
    handVsJsonLogicEngine: ms['json-logic-engine'] / ms.hand,
    engines,
    cardFloor: {
      what: "JSON.parse of safecity's cards for the city: the cost of just building objects of the card's size",
      msPerCity: median(floor.samples),
      cardBytesPerUnit: Math.round(texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / texts.length),
      safecityOverFloor: ms['safecity-score'] / median(floor.samples),
      ratioVsHand: median(floor.samples) / ms.hand,
    },
    keysFloor: {
      what: "Object.keys of every unit's values: the one allocation checking the evidence needs (an undeclared field is an error)",
      msPerCity: median(keysFloor.samples),
      keysPerUnit: workload.evidence.reduce((n, ev) => n + Object.keys(ev.values).length, 0) / workload.evidence.length,
      ratioVsHand: median(keysFloor.samples) / ms.hand,
      safecityOverFloor: ms.safecity / median(keysFloor.samples),
    },
    compile,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    agree: disagreements.length === 0,
    disagreements,
    notes,
  };
}

function methodMix(spec) {
  const mix = {};
  for (const s of spec) mix[s.method] = (mix[s.method] ?? 0) + 1;
  return mix;
}

const fmt = (n, d = 2) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/** The human-readable report. */
export function formatReport(r) {
  const lines = [];
  const w = r.workload;
  lines.push(`workload: ${w.units} units × ${w.items} items (seed ${w.seed}; ${Object.entries(w.methods).map(([m, n]) => `${m} ${n}`).join(', ')})`);
  lines.push(`machine: ${r.machine.cpu}, ${r.machine.nproc} cores, Node ${r.machine.node}; median of ${r.rounds} rounds after ${r.warmup} warm-up`);
  lines.push('');
  const rows = [['engine', 'ms / city', '× hand', '× json-logic-engine', 'item scores / s']];
  for (const e of Object.values(r.engines)) {
    rows.push([e.label, fmt(e.msPerCity, 3), fmt(e.ratioVsHand), fmt(e.ratioVsJsonLogicEngine), Math.round(e.itemScoresPerSecond).toLocaleString('en-US')]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const line = (row) => `| ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
  lines.push(line(rows[0]));
  lines.push(`|${widths.map((x, c) => (c === 0 ? '-'.repeat(x + 2) : '-'.repeat(x + 1) + ':')).join('|')}|`);
  for (const row of rows.slice(1)) lines.push(line(row));
  lines.push('');
  lines.push(`safecity ${r.safecityMode}: ${fmt(r.ratioVsHand)}× hand-written, ${fmt(r.ratioVsJsonLogicEngine)}× json-logic-engine`);
  lines.push(`safecity ${r.renderedMode}: ${fmt(r.ratioVsHandRendered)}× hand-written, ${fmt(r.ratioVsJsonLogicEngineRendered)}× json-logic-engine`);
  lines.push(`hand-written is ${fmt(r.handVsJsonLogicEngine, 1)}× faster than json-logic-engine`);
  const f = r.cardFloor;
  lines.push(`card floor: JSON.parse of the city's ${Math.round(f.cardBytesPerUnit / 1024)} KiB-per-unit cards takes ${fmt(f.msPerCity, 3)} ms (${fmt(f.ratioVsHand)}× hand-written); score() is ${fmt(f.safecityOverFloor)}× that`);
  const kf = r.keysFloor;
  lines.push(`keys floor: Object.keys of each unit's values (${fmt(kf.keysPerUnit, 0)} keys) takes ${fmt(kf.msPerCity, 3)} ms (${fmt(kf.ratioVsHand)}× hand-written); evaluate() is ${fmt(kf.safecityOverFloor)}× that`);
  const c = Object.entries(r.compile)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k} (${v.items} items) ${fmt(v.ms)} ms`);
  lines.push(`safecity compile: ${c.join('; ')}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  lines.push(`peak RSS: ${fmt(r.maxRssMiB, 1)} MiB`);
  lines.push(r.agree ? `all ${Object.keys(r.engines).length} engines agree on every unit's total` : `ENGINES DISAGREE: ${r.disagreements.length} totals`);
  return lines.join('\n');
}
