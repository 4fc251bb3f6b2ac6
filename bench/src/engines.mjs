// Each engine expresses the same rules (from the workload's spec) and scores the whole city:
// `prepare(workload)` runs once and returns `scoreCity()`, which gives every unit's total in
// integer thousandths (a Promise for the async json-rules-engine).
import { createEngine } from '@safecity/engine';
import { LogicEngine } from 'json-logic-engine';
import jsonLogic from 'json-logic-js';
import { Engine as RulesEngine } from 'json-rules-engine';

const toMilli = (n) => Math.round(n * 1000);

// ── safecity: compile once, then per unit either ──────────────────────────────────────────
// evaluate(): the evidence checked, every item scored, every deduction recorded as data (item,
// message, points, source) — the explanations, not yet rendered as text; or
// score(): the same, then the full ScoreCard rendered (zh): every reason and suggestion written.
export const safecity = {
  name: 'safecity',
  label: 'safecity evaluate() (explanations recorded)',
  prepare({ ruleset, evidence }) {
    const compiled = createEngine().compile(ruleset);
    return () => {
      const totals = new Array(evidence.length);
      for (let u = 0; u < evidence.length; u++) totals[u] = toMilli(compiled.evaluate(evidence[u]).total);
      return totals;
    };
  },
};

export const safecityCard = {
  name: 'safecity-score',
  label: 'safecity score() (full ScoreCard rendered)',
  prepare({ ruleset, evidence }) {
    const compiled = createEngine().compile(ruleset);
    return () => {
      const totals = new Array(evidence.length);
      for (let u = 0; u < evidence.length; u++) totals[u] = toMilli(compiled.score(evidence[u]).total);
      return totals;
    };
  },
};

// ── hand-written: plain functions per method, integer thousandths, no explanations ─────────
const P = 0, PF = 1, PM = 2, TH = 3, RA = 4, TI = 5, LO = 6;
const CODE = { presence: P, 'per-finding': PF, 'per-missing': PM, threshold: TH, rate: RA, tiers: TI, logic: LO };

/** Earned thousandths of one item given its reported value (never null here). */
function handItem(it, v) {
  const max = it.max;
  switch (it.code) {
    case P: // 有/无
      return v === true ? max : max - it.deduct;
    case PF: // 每发现一处扣x分，y分扣完为止
      return v > 0 ? max - Math.min(v * it.per, it.cap) : max;
    case PM: {
      // 每缺一项扣x分
      let missing = 0;
      for (const r of it.required) if (!v.includes(r)) missing++;
      return max - Math.min(missing * it.per, it.cap);
    }
    case TH: {
      const breached = it.op === '<=' ? v <= it.value : v < it.value;
      return breached ? max - it.deduct : max;
    }
    case RA: {
      const value = Math.round(v * 1000);
      if (value >= it.target) return max;
      return max - (it.per === undefined ? it.cap : Math.min(Math.ceil((it.target - value) / it.step) * it.per, it.cap));
    }
    case TI: {
      for (const b of it.bands) if (it.atLeast ? v >= b.bound : v <= b.bound) return Math.min(b.points, max);
      return 0;
    }
    case LO: {
      for (const c of it.chain) if (v >= c.min) return c.points;
      return it.otherwise;
    }
  }
  throw new Error(`unknown method code ${it.code}`);
}

export const hand = {
  name: 'hand',
  label: 'hand-written JS (no explanations)',
  prepare({ spec, evidence }) {
    const items = spec.map((s) => ({
      code: CODE[s.method],
      field: s.field.name,
      max: s.max,
      deduct: s.deduct === undefined ? s.max : Math.min(s.deduct, s.max),
      per: s.per,
      cap: s.cap === undefined ? s.max : Math.min(s.cap, s.max),
      required: s.required,
      op: s.op,
      value: s.value,
      target: s.target === undefined ? undefined : s.target * 1000,
      step: s.step ?? 1000,
      bands: s.bands,
      atLeast: s.by === 'atLeast',
      chain: s.chain?.map((c) => ({ min: c.min, points: Math.max(0, Math.min(s.max, c.points)) })),
      otherwise: s.otherwise,
    }));
    return () => {
      const totals = new Array(evidence.length);
      for (let u = 0; u < evidence.length; u++) {
        const values = evidence[u].values;
        let total = 0;
        for (let i = 0; i < items.length; i++) {
          const it = items[i];
          const v = values[it.field];
          if (v === undefined || v === null) continue; // no evidence: the item's max is lost
          total += handItem(it, v);
        }
        totals[u] = total;
      }
      return totals;
    };
  },
};

// ── JsonLogic: one rule per item giving earned thousandths ──────────────────────────────────
/** The JsonLogic rule of one spec item: earned points in thousandths (0 without evidence). */
export function jsonLogicRule(s) {
  const v = { var: s.field.name };
  const M = s.max;
  let expr;
  switch (s.method) {
    case 'presence':
      expr = { if: [v, M, M - Math.min(s.deduct ?? M, M)] };
      break;
    case 'per-finding':
      expr = { max: [0, { '-': [M, { min: [Math.min(s.cap ?? M, M), { '*': [v, s.per] }] }] }] };
      break;
    case 'per-missing': {
      // Present required documents, counted; missing = required − present.
      const present = { reduce: [{ filter: [v, { in: [{ var: '' }, s.required] }] }, { '+': [{ var: 'accumulator' }, 1] }, 0] };
      expr = { '-': [M, { min: [Math.min(s.cap ?? M, M), { '*': [s.per, { '-': [s.required.length, present] }] }] }] };
      break;
    }
    case 'threshold':
      expr = { if: [{ [s.op]: [v, s.value] }, M - Math.min(s.deduct, M), M] };
      break;
    case 'rate':
      expr = { if: rateChain(s, (bound) => ({ '>=': [v, bound] })) };
      break;
    case 'tiers': {
      const branches = [];
      for (const b of s.bands) branches.push({ [s.by === 'atLeast' ? '>=' : '<=']: [v, b.bound] }, Math.min(b.points, M));
      branches.push(0);
      expr = { if: branches };
      break;
    }
    case 'logic': {
      const branches = [];
      for (const c of s.chain) branches.push({ '>=': [v, c.min] }, Math.max(0, Math.min(M, c.points)));
      branches.push(Math.max(0, Math.min(M, s.otherwise)));
      expr = { if: branches };
      break;
    }
  }
  // `===` null: json-logic-engine 5 throws NaN when `==` compares a list with null.
  return { if: [{ '===': [v, null] }, 0, expr] };
}

/**
 * The rate method as an if-chain (JsonLogic has no ceil): at or above target, full marks;
 * each started `step` below costs `per`, up to the cap. Bounds are exact decimals.
 */
function rateChain(s, atLeast) {
  const M = s.max;
  const cap = Math.min(s.cap ?? M, M);
  const target = s.target * 1000;
  const step = s.step ?? 1000;
  const branches = [atLeast(target / 1000), M];
  if (s.per !== undefined) {
    for (let k = 1; k * s.per < cap; k++) branches.push(atLeast((target - k * step) / 1000), M - k * s.per);
  }
  branches.push(M - cap);
  return branches;
}

export const jsonLogicEngine = {
  name: 'json-logic-engine',
  label: 'json-logic-engine 5.0.7 (build)',
  prepare({ spec, evidence }) {
    const engine = new LogicEngine();
    const fns = spec.map((s) => engine.build(jsonLogicRule(s)));
    return () => {
      const totals = new Array(evidence.length);
      for (let u = 0; u < evidence.length; u++) {
        const values = evidence[u].values;
        let total = 0;
        for (let i = 0; i < fns.length; i++) total += fns[i](values);
        totals[u] = total;
      }
      return totals;
    };
  },
};

export const jsonLogicJs = {
  name: 'json-logic-js',
  label: 'json-logic-js 2.0.5 (apply)',
  prepare({ spec, evidence }) {
    const rules = spec.map(jsonLogicRule);
    return () => {
      const totals = new Array(evidence.length);
      for (let u = 0; u < evidence.length; u++) {
        const values = evidence[u].values;
        let total = 0;
        for (let i = 0; i < rules.length; i++) total += jsonLogic.apply(rules[i], values);
        totals[u] = total;
      }
      return totals;
    };
  },
};

// ── json-rules-engine: rules whose events carry the deduction (thousandths) ───────────────
/**
 * The json-rules-engine rules of one spec item. Each event says `{ i, d, c }`: item index,
 * deduction, and the cap the item's deductions are bounded by. Absent evidence loses the max.
 */
export function rulesEngineRules(s) {
  const f = s.field.name;
  const M = s.max;
  const i = s.index;
  const rules = [];
  const rule = (all, d, c = M) => {
    if (d > 0) rules.push({ name: `${i}:${rules.length}`, conditions: { all }, event: { type: 'deduct', params: { i, d, c } } });
  };
  const fact = (operator, value) => ({ fact: f, operator, value });
  rule([fact('absent', true)], M);
  switch (s.method) {
    case 'presence':
      rule([fact('equal', false)], Math.min(s.deduct ?? M, M));
      break;
    case 'per-finding': {
      const cap = Math.min(s.cap ?? M, M);
      let k = 1;
      for (; k * s.per < cap; k++) rule([fact('equal', k)], k * s.per);
      rule([fact('greaterThanInclusive', k)], cap);
      break;
    }
    case 'per-missing':
      for (const doc of s.required) rule([fact('doesNotContain', doc)], s.per, Math.min(s.cap ?? M, M));
      break;
    case 'threshold':
      rule([fact(s.op === '<=' ? 'lessThanInclusive' : 'lessThan', s.value)], Math.min(s.deduct, M));
      break;
    case 'rate': {
      const chain = rateChain(s, (bound) => bound); // [bound, earned, bound, earned, …, earned]
      let upper;
      for (let j = 0; j + 1 < chain.length; j += 2) {
        const cond = [fact('greaterThanInclusive', chain[j])];
        if (upper !== undefined) cond.push(fact('lessThan', upper));
        rule(cond, M - chain[j + 1]);
        upper = chain[j];
      }
      rule([fact('lessThan', upper)], M - chain[chain.length - 1]);
      break;
    }
    case 'tiers':
    case 'logic': {
      const atLeast = s.method === 'logic' || s.by === 'atLeast';
      const bands = s.method === 'logic' ? s.chain.map((c) => ({ bound: c.min, points: c.points })) : s.bands;
      const otherwise = s.method === 'logic' ? s.otherwise : 0;
      let prev;
      for (const b of bands) {
        const cond = [fact(atLeast ? 'greaterThanInclusive' : 'lessThanInclusive', b.bound)];
        if (prev !== undefined) cond.push(fact(atLeast ? 'lessThan' : 'greaterThan', prev));
        rule(cond, M - Math.max(0, Math.min(M, b.points)));
        prev = b.bound;
      }
      rule([fact(atLeast ? 'lessThan' : 'greaterThan', prev)], M - Math.max(0, Math.min(M, otherwise)));
      break;
    }
  }
  return rules;
}

export const jsonRulesEngine = {
  name: 'json-rules-engine',
  label: 'json-rules-engine 7.3.1 (async)',
  prepare({ spec, evidence }) {
    const engine = new RulesEngine([], { allowUndefinedFacts: true });
    engine.addOperator('absent', (a) => a === undefined || a === null);
    for (const s of spec) for (const r of rulesEngineRules(s)) engine.addRule(r);
    const maxTotal = spec.reduce((t, s) => t + s.max, 0);
    return async () => {
      const totals = new Array(evidence.length);
      for (let u = 0; u < evidence.length; u++) {
        const { events } = await engine.run(evidence[u].values);
        const ded = new Map();
        for (const e of events) {
          const { i, d, c } = e.params;
          const cur = ded.get(i);
          ded.set(i, { d: (cur?.d ?? 0) + d, c });
        }
        let lost = 0;
        for (const { d, c } of ded.values()) lost += Math.min(d, c);
        totals[u] = maxTotal - lost;
      }
      return totals;
    };
  },
};

/** Every engine, the reference (hand-written) first. */
export const ENGINES = [hand, safecity, safecityCard, jsonLogicEngine, jsonLogicJs, jsonRulesEngine];
