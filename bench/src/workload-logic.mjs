// A ruleset written entirely in JsonLogic: 48 units × 150 items, every item's scoring a JsonLogic
// expression giving earned points. safecity compiles them as items; json-logic-engine (`build`)
// and json-logic-js (`apply`) run the very same expressions on the very same values object.
// Every field is reported (no null, nothing missing), so the rules need no guard and mean the
// same to every engine.
import { prng } from './workload.mjs';

export const LOGIC_SEED = 104_729;
const SHAPES = ['switch', 'linear', 'chain', 'count', 'both'];

/**
 * Draw the items: each reads its own field, and `both` items also read an earlier item's
 * boolean field (two fields, `and`). Points ≤ 3 decimals.
 */
export function makeLogicSpec(items, rnd) {
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const spec = [];
  const booleans = [];
  for (let i = 0; i < items; i++) {
    const shape = i === 0 ? 'switch' : SHAPES[Math.floor(rnd() * SHAPES.length)];
    const n = String(i + 1).padStart(3, '0');
    const M = pick([1, 2, 2.5, 3, 5]);
    const s = { index: i, shape, max: M, title: `表达式评分项${n}` };
    switch (shape) {
      case 'switch':
        s.field = { name: `ok${n}`, type: 'boolean' };
        s.rule = { if: [{ var: s.field.name }, M, M / 2] };
        booleans.push(s.field.name);
        break;
      case 'linear': {
        s.field = { name: `pct${n}`, type: 'rate', unit: '%' };
        const target = pick([90, 95, 100]);
        s.rule = { max: [0, { '-': [M, { '*': [pick([0.1, 0.2, 0.5]), { max: [0, { '-': [target, { var: s.field.name }] }] }] }] }] };
        break;
      }
      case 'chain': {
        s.field = { name: `lvl${n}`, type: 'rate', unit: '%' };
        const t = pick([95, 98, 100]);
        s.rule = { if: [{ '>=': [{ var: s.field.name }, t] }, M, { '>=': [{ var: s.field.name }, t - 5] }, M * 0.6, { '>=': [{ var: s.field.name }, t - 15] }, M * 0.2, 0] };
        break;
      }
      case 'count':
        s.field = { name: `cnt${n}`, type: 'integer', unit: '处', minimum: 0 };
        s.rule = { '-': [M, { min: [M, { '*': [{ var: s.field.name }, pick([0.25, 0.5, 1])] }] }] };
        break;
      case 'both': {
        s.field = { name: `pass${n}`, type: 'rate', unit: '%' };
        const other = pick(booleans);
        s.rule = { if: [{ and: [{ var: other }, { '>=': [{ var: s.field.name }, 90] }] }, M, { or: [{ var: other }, { '>=': [{ var: s.field.name }, 80] }] }, M / 2, 0] };
        break;
      }
    }
    spec.push(s);
  }
  return spec;
}

/** The safecity ruleset: one category of indicators of five items, every item `scoring.logic`. */
export function makeLogicRuleset(spec) {
  const milli = (p) => Math.round(p * 1000);
  const sum = (nodes) => nodes.reduce((t, n) => t + milli(n.max), 0) / 1000;
  const indicators = [];
  for (let i = 0; i < spec.length; i += 5) {
    const kids = spec.slice(i, i + 5).map((s, k) => ({
      id: `1.${i / 5 + 1}.${k + 1}`,
      title: { zh: s.title },
      max: s.max,
      evidenceKinds: ['ledger'],
      checkMethods: ['data-check'],
      scoring: { logic: s.rule },
    }));
    indicators.push({ id: `1.${i / 5 + 1}`, title: { zh: `表达式指标${i / 5 + 1}` }, max: sum(kids), children: kids });
  }
  return {
    id: 'bench/logic',
    version: '1.0.0',
    edition: 2022,
    title: { zh: '基准测试：全表达式评价细则', en: 'Bench: an all-JsonLogic rubric' },
    unitKinds: ['district'],
    fields: spec.map((s) => {
      const f = { name: s.field.name, type: s.field.type, title: { zh: s.title } };
      if (s.field.unit) f.unit = s.field.unit;
      if (s.field.minimum !== undefined) f.minimum = s.field.minimum;
      return f;
    }),
    tree: [{ id: '1', title: { zh: '表达式类别' }, max: sum(indicators), children: indicators }],
    grades: [{ id: 'pass', title: { zh: '合格' }, min: 0 }],
  };
}

/** Every field reported, in declared order. */
export function makeLogicEvidence(spec, units, rnd) {
  const out = [];
  for (let u = 0; u < units; u++) {
    const values = {};
    for (const s of spec) {
      switch (s.field.type) {
        case 'boolean':
          values[s.field.name] = rnd() < 0.8;
          break;
        case 'integer':
          values[s.field.name] = rnd() < 0.4 ? 0 : Math.floor(rnd() * 9);
          break;
        default:
          values[s.field.name] = Math.round((70 + rnd() * 30) * 10) / 10;
      }
    }
    out.push({ unit: { id: `l${String(u + 1).padStart(2, '0')}`, name: `表达式区${u + 1}`, kind: 'district' }, values });
  }
  return out;
}

/** The whole all-JsonLogic workload. */
export function makeLogicWorkload({ units = 48, items = 150, seed = LOGIC_SEED } = {}) {
  const rnd = prng(seed);
  const spec = makeLogicSpec(items, rnd);
  return { name: 'logic', seed, units, items, spec, ruleset: makeLogicRuleset(spec), evidence: makeLogicEvidence(spec, units, rnd) };
}
