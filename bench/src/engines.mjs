// Each engine expresses the same rules (from the workload's spec) and scores the whole city:
// `prepare(workload, engine?)` runs once (safecity's with the engine given, so one run creates
// one) and returns `scoreCity()`, which gives every unit's total in
// integer thousandths (a Promise for the async json-rules-engine).
import { createEngine, defineMethod, definePlugin } from '@safecity/engine';
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
  prepare({ ruleset, evidence }, engine = createEngine()) {
    const compiled = engine.compile(ruleset);
    return () => {
      const totals = new Array(evidence.length);
      for (let u = 0; u < evidence.length; u++) totals[u] = toMilli(compiled.evaluate(evidence[u]).total);
      return totals;
    };
  },
};

// evaluate() of evidence checked once (`checkEvidence`, as an adapter hands it over): the
// check is paid where the evidence is read, not per scoring; its cost is the `check-once` figure.
export const safecityChecked = {
  name: 'safecity-checked',
  label: 'safecity evaluate() of checked evidence',
  prepare({ ruleset, evidence }, engine = createEngine()) {
    const compiled = engine.compile(ruleset);
    const checked = evidence.map((e) => compiled.checkEvidence(e));
    return () => {
      const totals = new Array(checked.length);
      for (let u = 0; u < checked.length; u++) totals[u] = toMilli(compiled.evaluate(checked[u]).total);
      return totals;
    };
  },
};

export const safecityCard = {
  name: 'safecity-score',
  label: 'safecity score() (full ScoreCard rendered)',
  prepare({ ruleset, evidence }, engine = createEngine()) {
    const compiled = engine.compile(ruleset);
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

// ── a plugin's method vs the built-in one, on the same items ───────────────────────────────
/**
 * A plugin whose methods are the engine's built-in methods written out again through the public
 * contract (`defineMethod` on the same parts), named `bench-<name>`: exactly what the built-in
 * does, but reached the way any plugin's method is.
 */
export function copiedMethodsPlugin(engine = createEngine()) {
  const methods = {};
  for (const [name, m] of engine.methods) methods[`bench-${name}`] = defineMethod({ ...m });
  return definePlugin({ name: 'bench-copied-methods', methods });
}

/** The ruleset with every built-in `scoring.method` renamed to its plugin copy. */
export function withPluginMethods(ruleset) {
  const walk = (n) => {
    const out = { ...n };
    if (n.scoring?.method !== undefined) out.scoring = { ...n.scoring, method: `bench-${n.scoring.method}` };
    if (n.children) out.children = n.children.map(walk);
    return out;
  };
  return { ...ruleset, tree: ruleset.tree.map(walk) };
}

export const safecityPlugin = {
  name: 'safecity-plugin',
  label: 'safecity evaluate(), every method a plugin copy',
  prepare({ ruleset, evidence }, engine = createEngine()) {
    const compiled = createEngine({ plugins: [copiedMethodsPlugin(engine)] }).compile(withPluginMethods(ruleset));
    return () => {
      const totals = new Array(evidence.length);
      for (let u = 0; u < evidence.length; u++) totals[u] = toMilli(compiled.evaluate(evidence[u]).total);
      return totals;
    };
  },
};

// ── rules in points (the second and the all-JsonLogic workloads) ───────────────────────────
/**
 * One JsonLogic rule per item giving earned points, run by `compiler()(rule)` → `(values) => points`
 * (a fresh compiler per preparation);
 * each item's result to thousandths within [0, max], as safecity bounds a logic item's result.
 */
function pointsEngine(name, label, ruleOf, compiler) {
  return {
    name,
    label,
    prepare({ spec, evidence }) {
      const compile = compiler();
      const fns = spec.map((s) => compile(ruleOf(s)));
      const max = spec.map((s) => toMilli(s.max));
      return () => {
        const totals = new Array(evidence.length);
        for (let u = 0; u < evidence.length; u++) {
          const values = evidence[u].values;
          let total = 0;
          for (let i = 0; i < fns.length; i++) total += Math.max(0, Math.min(max[i], Math.round(fns[i](values) * 1000)));
          totals[u] = total;
        }
        return totals;
      };
    },
  };
}

/** json-logic-engine's `build` over one JsonLogic rule per item giving earned points. */
export function pointsJsonLogicEngine(ruleOf) {
  return pointsEngine('json-logic-engine', 'json-logic-engine 5.0.7 (build)', ruleOf, () => {
    const engine = new LogicEngine();
    return (rule) => engine.build(rule);
  });
}

/** json-logic-js (`apply`) over the same rules as {@link pointsJsonLogicEngine}. */
export function pointsJsonLogicJs(ruleOf) {
  return pointsEngine('json-logic-js', 'json-logic-js 2.0.5 (apply)', ruleOf, () => (rule) => (values) => jsonLogic.apply(rule, values));
}

// ── references (not engines): what the input check and the card cost ──────────────────────
/**
 * The input check as the public API allows measuring it today: a ruleset declaring the same
 * fields but scoring only its first item, evaluated on each unit's full values (`full`: every
 * field read and checked) and on the first item's values alone (`base`). `full − base` is the
 * check of the other fields. When the engine exposes a trusted path or the check alone, time it
 * here instead (the goal is computed from `full − base` over the hand-written time).
 */
export function inputCheckRunners({ ruleset, evidence }, engine = createEngine()) {
  let first = null;
  const findItem = (n) => {
    if (first === null && n.scoring !== undefined) first = n;
    for (const c of n.children ?? []) findItem(c);
  };
  ruleset.tree.forEach(findItem);
  const leaf = { ...first, id: '1.1.1' };
  const only = {
    ...ruleset,
    id: `${ruleset.id}-check`,
    tree: [{ id: '1', title: { zh: '核查' }, max: leaf.max, children: [{ id: '1.1', title: { zh: '核查' }, max: leaf.max, children: [leaf] }] }],
    grades: [{ id: 'pass', title: { zh: '合格' }, min: 0 }],
  };
  const compiled = engine.compile(only);
  const fields = new Set(compiled.items[0].fields);
  const base = evidence.map((ev) => ({ unit: ev.unit, values: Object.fromEntries(Object.entries(ev.values).filter(([k]) => fields.has(k))) }));
  const city = (list) => () => {
    let t = 0;
    for (let u = 0; u < list.length; u++) t += compiled.evaluate(list[u]).total;
    return t;
  };
  const full = engine.compile(ruleset);
  // The check alone, as an adapter pays it once per unit: every problem found, a frozen copy made.
  const once = () => {
    let n = 0;
    for (let u = 0; u < evidence.length; u++) if (full.checkEvidence(evidence[u]) !== null) n++;
    return n;
  };
  return { full: city(evidence), base: city(base), once, checkedFields: ruleset.fields.length - fields.size };
}

/** A plain object graph built anew from `v`: every object and array allocated (the fallback floor). */
function buildPlain(v) {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const a = new Array(v.length);
    for (let i = 0; i < v.length; i++) a[i] = buildPlain(v[i]);
    return a;
  }
  const o = {};
  for (const k in v) o[k] = buildPlain(v[k]);
  return o;
}

// A ScoreCard built by hand, field by field as its type declares them (object literals, the
// optional parts only when present): what building an equivalent plain card costs, with none of
// the scoring, checking or rendering. Every text rendered per unit (reasons, suggestions) is
// made anew from two parts, as a template fills it; titles (the ruleset's) are shared.
// `cardFloors` checks it gives the same JSON as the card.
const text = (s) => {
  const h = s.length >> 1;
  return s.slice(0, h) + s.slice(h);
};
const list = (xs, f) => {
  const a = new Array(xs.length);
  for (let i = 0; i < xs.length; i++) a[i] = f(xs[i]);
  return a;
};
function handDeduction(d) {
  const o = { points: d.points, reason: text(d.reason) };
  if (d.suggestion !== undefined) o.suggestion = text(d.suggestion);
  if (d.evidence !== undefined) o.evidence = d.evidence.slice();
  o.source = d.source;
  o.code = d.code;
  if (d.requested !== undefined) o.requested = d.requested;
  if (d.superseded !== undefined) o.superseded = d.superseded;
  return o;
}
function handNode(n) {
  const o = { id: n.id, title: n.title, max: n.max, earned: n.earned, applicable: n.applicable };
  for (const k in n) {
    switch (k) {
      case 'id':
      case 'title':
      case 'max':
      case 'earned':
      case 'applicable':
        break;
      case 'children':
        o.children = list(n.children, handNode);
        break;
      case 'deductions':
        o.deductions = list(n.deductions, handDeduction);
        break;
      case 'claim':
        o.claim = { notApplicable: n.claim.notApplicable };
        break;
      case 'suggestion':
      case 'notApplicableReason':
        o[k] = text(n[k]);
        break;
      default:
        o[k] = buildPlain(n[k]);
    }
  }
  return o;
}
function handCard(c) {
  const o = {
    ruleset: { id: c.ruleset.id, version: c.ruleset.version, hash: c.ruleset.hash },
    unit: { id: c.unit.id, name: c.unit.name, kind: c.unit.kind },
  };
  for (const k in c) {
    switch (k) {
      case 'ruleset':
      case 'unit':
        break;
      case 'nodes':
        o.nodes = list(c.nodes, handNode);
        break;
      case 'vetoes':
        o.vetoes = list(c.vetoes, (v) => ({ ...v, reason: text(v.reason), ...(v.evidence ? { evidence: v.evidence.slice() } : {}) }));
        break;
      default:
        o[k] = buildPlain(c[k]);
    }
  }
  return o;
}

/**
 * The card floors for a workload: `build` makes each unit's card again by hand as plain objects
 * (the cost of building an equivalent card, with none of the scoring or rendering); `parse` is
 * JSON.parse of the cards as safecity writes them (an object graph of the card's size from
 * text). `bytesPerUnit`: the card's JSON size. `equivalent`: the hand-built card's JSON is the
 * card's (else `build` falls back to a generic deep copy).
 */
export function cardFloors({ ruleset, evidence }, engine = createEngine()) {
  const compiled = engine.compile(ruleset);
  const cards = evidence.map((ev) => compiled.score(ev));
  const texts = cards.map((c) => JSON.stringify(c));
  const equivalent = cards.every((c, u) => JSON.stringify(handCard(c)) === texts[u]);
  const builder = equivalent ? handCard : buildPlain;
  return {
    build: () => {
      let n = 0;
      for (let u = 0; u < cards.length; u++) n += builder(cards[u]).nodes.length;
      return n;
    },
    parse: () => {
      let n = 0;
      for (let u = 0; u < texts.length; u++) n += JSON.parse(texts[u]).nodes.length;
      return n;
    },
    bytesPerUnit: Math.round(texts.reduce((n, t) => n + Buffer.byteLength(t), 0) / Math.max(1, texts.length)),
    equivalent,
  };
}

/** The city workload's engines, the reference (hand-written) first. */
export const ENGINES = [hand, safecity, safecityChecked, safecityCard, safecityPlugin, jsonLogicEngine, jsonLogicJs, jsonRulesEngine];
