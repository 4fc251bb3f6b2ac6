// The second workload: different from the city one on purpose, so that a speed tuned to one
// rubric shows up as a miss on the other. 48 units × 150 items of presence, per-finding, tiers,
// a linear rate deduction written as JsonLogic, and document lists (per-missing over a
// `documents` field); items in a drawn order (not cycling), ten to an indicator, three
// categories; every unit's values in a shuffled key order. Its own hand-written scorer, and its
// own JsonLogic rules (points, as safecity's logic items give them), over the same values.
import { prng } from './workload.mjs';

export const SECOND_SEED = 7_919;
const KINDS = ['presence', 'per-finding', 'tiers', 'linear', 'documents'];
const DOCS = ['安全生产责任制', '应急预案', '隐患排查台账', '风险分级管控清单', '安全培训记录', '执法检查记录', '值班值守制度', '应急演练记录', '事故调查报告'];
const TITLES = {
  presence: '专项制度建立情况',
  'per-finding': '检查发现问题',
  tiers: '专项检查次数',
  linear: '隐患整改完成率',
  documents: '制度文件齐备情况',
};
const MAXES = [1, 1.5, 2, 2.5, 3, 4]; // points

/** Points as a JS number → integer thousandths (exact for ≤ 3 decimals). */
const milli = (p) => Math.round(p * 1000);

/** Draw the spec: method in a seeded order, params in points (as written in the ruleset). */
export function makeSecondSpec(items, rnd) {
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const spec = [];
  for (let i = 0; i < items; i++) {
    const kind = KINDS[Math.floor(rnd() * KINDS.length)];
    const n = String(i + 1).padStart(4, '0');
    const max = pick(MAXES);
    const s = { index: i, kind, max, title: `${TITLES[kind]}（第${i + 1}项）` };
    switch (kind) {
      case 'presence':
        s.field = { name: `has_${n}`, type: 'boolean' };
        s.deduct = rnd() < 0.4 ? max : max / 2;
        break;
      case 'per-finding':
        s.field = { name: `found_${n}`, type: 'integer', unit: '处', minimum: 0 };
        s.per = pick([0.2, 0.25, 0.5, 1]);
        s.cap = rnd() < 0.5 ? max : max / 2;
        break;
      case 'tiers': {
        s.field = { name: `times_${n}`, type: 'integer', unit: '次', minimum: 0 };
        s.by = rnd() < 0.6 ? 'atLeast' : 'atMost';
        const bounds = s.by === 'atLeast' ? [10, 6, 3] : [1, 3, 6];
        s.bands = [1, 0.6, 0.3].map((f, j) => ({ bound: bounds[j], points: Math.round(max * f * 10) / 10 }));
        break;
      }
      case 'linear':
        s.field = { name: `done_${n}`, type: 'rate', unit: '%' };
        s.target = pick([90, 95, 100]);
        s.per = pick([0.1, 0.2, 0.25, 0.5]); // points per percentage point below target
        break;
      case 'documents': {
        s.field = { name: `docs_${n}`, type: 'documents' };
        const pool = DOCS.slice();
        s.required = [];
        for (let j = 0, c = 2 + Math.floor(rnd() * 5); j < c; j++) s.required.push(pool.splice(Math.floor(rnd() * pool.length), 1)[0]);
        s.per = pick([0.25, 0.5]);
        s.cap = max;
        break;
      }
    }
    spec.push(s);
  }
  return spec;
}

/** The linear deduction as JsonLogic, in points: max(0, M − per × max(0, target − v)). */
export function linearLogic(s) {
  return { max: [0, { '-': [s.max, { '*': [s.per, { max: [0, { '-': [s.target, { var: s.field.name }] }] }] }] }] };
}

/** The safecity ruleset JSON: three categories, indicators of ten items. */
export function makeSecondRuleset(spec) {
  const toItem = (s, id) => {
    const field = s.field.name;
    let scoring;
    switch (s.kind) {
      case 'presence':
        scoring = { method: 'presence', params: { field, deduct: s.deduct } };
        break;
      case 'per-finding':
        scoring = { method: 'per-finding', params: { field, per: s.per, cap: s.cap } };
        break;
      case 'tiers':
        scoring = { method: 'tiers', params: { field, by: s.by, bands: s.bands } };
        break;
      case 'linear':
        scoring = { logic: linearLogic(s) };
        break;
      case 'documents':
        scoring = { method: 'per-missing', params: { field, required: s.required, per: s.per, cap: s.cap } };
        break;
    }
    return { id, title: { zh: s.title }, max: s.max, content: `${s.title}达到要求`, standard: `${s.max}分，扣完为止`, evidenceKinds: ['ledger'], checkMethods: ['data-check'], scoring };
  };
  const sum = (nodes) => nodes.reduce((t, n) => t + milli(n.max), 0) / 1000;
  const indicators = [];
  for (let i = 0; i < spec.length; i += 10) indicators.push(spec.slice(i, i + 10));
  const per = Math.ceil(indicators.length / 3);
  const tree = [];
  for (let c = 0; c * per < indicators.length; c++) {
    const children = indicators.slice(c * per, (c + 1) * per).map((items, j) => {
      const kids = items.map((s, k) => toItem(s, `${c + 1}.${j + 1}.${k + 1}`));
      return { id: `${c + 1}.${j + 1}`, title: { zh: `专项指标${c + 1}.${j + 1}` }, max: sum(kids), children: kids };
    });
    tree.push({ id: String(c + 1), title: { zh: `评价类别${c + 1}` }, max: sum(children), children });
  }
  const total = sum(tree);
  return {
    id: 'bench/second',
    version: '2.1.0',
    edition: 2023,
    title: { zh: '基准测试：第二套评价细则', en: 'Bench: a second rubric' },
    unitKinds: ['county'],
    fields: spec.map((s) => {
      const f = { name: s.field.name, type: s.field.type, title: { zh: TITLES[s.kind] } };
      if (s.field.unit) f.unit = s.field.unit;
      if (s.field.minimum !== undefined) f.minimum = s.field.minimum;
      return f;
    }),
    tree,
    grades: [
      { id: 'good', title: { zh: '良好' }, min: Math.round(total * 0.8) },
      { id: 'ok', title: { zh: '合格' }, min: Math.round(total * 0.5) },
      { id: 'poor', title: { zh: '不合格' }, min: 0 },
    ],
  };
}

/** Evidence: values in a shuffled key order, some fields not reported or reported empty. */
export function makeSecondEvidence(spec, units, rnd) {
  const out = [];
  for (let u = 0; u < units; u++) {
    const order = spec.map((s) => s);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const values = {};
    for (const s of order) {
      const r = rnd();
      if (r < 0.04) continue;
      if (r < 0.06) {
        values[s.field.name] = null;
        continue;
      }
      switch (s.kind) {
        case 'presence':
          values[s.field.name] = rnd() < 0.8;
          break;
        case 'per-finding':
          values[s.field.name] = rnd() < 0.5 ? 0 : 1 + Math.floor(rnd() * 6);
          break;
        case 'tiers':
          values[s.field.name] = Math.floor(rnd() * 13);
          break;
        case 'linear':
          values[s.field.name] = Math.round((s.target - 20 + rnd() * 20 + (rnd() < 0.3 ? 20 : 0)) * 10) / 10;
          if (values[s.field.name] > 100) values[s.field.name] = 100;
          break;
        case 'documents': {
          const v = s.required.filter(() => rnd() < 0.75);
          if (rnd() < 0.3) v.unshift('其他材料');
          values[s.field.name] = v;
          break;
        }
      }
    }
    out.push({ unit: { id: `c${String(u + 1).padStart(2, '0')}`, name: `第${u + 1}县`, kind: 'county' }, values });
  }
  return out;
}

/** The whole second workload. */
export function makeSecondWorkload({ units = 48, items = 150, seed = SECOND_SEED } = {}) {
  const rnd = prng(seed);
  const spec = makeSecondSpec(items, rnd);
  return { name: 'second', seed, units, items, spec, ruleset: makeSecondRuleset(spec), evidence: makeSecondEvidence(spec, units, rnd) };
}

/**
 * Its own hand-written scorer: items grouped by kind into flat arrays (thousandths), one loop
 * per kind. A missing or empty value earns 0 (the item's max is lost).
 */
export function secondHand({ spec, evidence }) {
  const by = (k) => spec.filter((s) => s.kind === k);
  const presence = by('presence').map((s) => [s.field.name, milli(s.max), milli(s.max) - milli(s.deduct)]);
  const findings = by('per-finding').map((s) => [s.field.name, milli(s.max), milli(s.per), milli(s.cap)]);
  const tiers = by('tiers').map((s) => [s.field.name, s.by === 'atLeast', s.bands.map((b) => b.bound), s.bands.map((b) => Math.min(milli(b.points), milli(s.max)))]);
  const linear = by('linear').map((s) => [s.field.name, s.max, s.per, s.target, milli(s.max)]);
  const docs = by('documents').map((s) => [s.field.name, milli(s.max), s.required, milli(s.per), milli(s.cap)]);
  return () => {
    const totals = new Array(evidence.length);
    for (let u = 0; u < evidence.length; u++) {
      const values = evidence[u].values;
      let t = 0;
      for (const [f, max, lower] of presence) {
        const v = values[f];
        if (v != null) t += v ? max : lower;
      }
      for (const [f, max, per, cap] of findings) {
        const v = values[f];
        if (v != null) t += max - Math.min(v * per, cap, max);
      }
      for (const [f, atLeast, bounds, points] of tiers) {
        const v = values[f];
        if (v == null) continue;
        for (let b = 0; b < bounds.length; b++) {
          if (atLeast ? v >= bounds[b] : v <= bounds[b]) {
            t += points[b];
            break;
          }
        }
      }
      for (const [f, max, per, target, maxMilli] of linear) {
        const v = values[f];
        if (v == null) continue;
        // The same float operations as the JsonLogic, in the same order, then to thousandths.
        const earned = Math.round(Math.max(0, max - per * Math.max(0, target - v)) * 1000);
        t += Math.max(0, Math.min(maxMilli, earned));
      }
      for (const [f, max, required, per, cap] of docs) {
        const v = values[f];
        if (v == null) continue;
        let missing = 0;
        for (const d of required) if (!v.includes(d)) missing++;
        t += max - Math.min(missing * per, cap, max);
      }
      totals[u] = t;
    }
    return totals;
  };
}

/** The JsonLogic rule of one item, in points (0 without evidence). */
export function secondLogicRule(s) {
  const v = { var: s.field.name };
  let expr;
  switch (s.kind) {
    case 'presence':
      expr = { if: [v, s.max, s.max - s.deduct] };
      break;
    case 'per-finding':
      expr = { '-': [s.max, { min: [s.cap, s.max, { '*': [v, s.per] }] }] };
      break;
    case 'tiers': {
      const branches = [];
      for (const b of s.bands) branches.push({ [s.by === 'atLeast' ? '>=' : '<=']: [v, b.bound] }, Math.min(b.points, s.max));
      branches.push(0);
      expr = { if: branches };
      break;
    }
    case 'linear':
      expr = linearLogic(s);
      break;
    case 'documents': {
      const present = { reduce: [{ filter: [v, { in: [{ var: '' }, s.required] }] }, { '+': [{ var: 'accumulator' }, 1] }, 0] };
      expr = { '-': [s.max, { min: [s.cap, s.max, { '*': [s.per, { '-': [s.required.length, present] }] }] }] };
      break;
    }
  }
  return { if: [{ '===': [v, null] }, 0, expr] };
}
