/**
 * A ruleset generated from a seed, of any size: groups of items scored by built-in
 * single-field methods (presence, per-finding, per-missing documents, threshold), a linear
 * rate deduction in JsonLogic and applicability conditions, each item on its own field. Used to
 * see how compile time grows with size, and as a second rubric beside the bench's. With
 * `logic`, every item is JsonLogic scoring as its method does (same totals).
 */
import type { FieldValue, Ruleset } from '../src/index.js';
import { prng as rng } from './arbitraries.js';

type Json = Record<string, unknown>;

/** Options of `generateRuleset`. */
export interface GenerateOptions {
  /** Items per group (default 50). */
  perGroup?: number;
  /** Every item written in JsonLogic, scoring exactly as the built-in method it replaces. */
  logic?: boolean;
}

const documentsOf = (i: number): string[] => ['方案', '台账', '总结'].map((d) => `${d}${i}`);

/**
 * A unit's values for a generated ruleset of `items` items (`unit` picks another unit): every
 * field reported, as the field's type asks.
 */
export function generateValues(items: number, seed: number, unit: number): Record<string, FieldValue> {
  const r = rng((seed * 7919 + unit * 104729) >>> 0);
  const values: Record<string, FieldValue> = {};
  for (let i = 0; i < items; i++) {
    const f = `f${i}`;
    switch (i % 6) {
      case 0:
        values[f] = r() < 0.7;
        break;
      case 1:
        values[f] = Math.floor(r() * 5);
        break;
      case 2:
        values[f] = documentsOf(i).filter(() => r() < 0.7);
        break;
      case 3:
      case 4:
        values[f] = Math.round(r() * 100000) / 1000;
        break;
      default:
        values[f] = Math.floor(r() * 3);
    }
  }
  return values;
}

/** A generated ruleset of `items` items in groups, and one unit's values for it. */
export function generateRuleset(items: number, seed = 1, options: GenerateOptions = {}): { ruleset: Ruleset; values: Record<string, FieldValue> } {
  const perGroup = options.perGroup ?? 50;
  const logic = options.logic === true;
  const r = rng(seed);
  const fields: Json[] = [];
  const values = generateValues(items, seed, 0);
  const groups: Json[] = [];
  let group: Json[] = [];
  const close = () => {
    const max = group.reduce((s, i) => s + (i['max'] as number), 0);
    groups.push({ id: `g${groups.length}`, title: { zh: `第${groups.length + 1}组` }, max, children: group });
    group = [];
  };
  for (let i = 0; i < items; i++) {
    const f = `f${i}`;
    const max = 1 + Math.floor(r() * 4);
    const kind = i % 6;
    let scoring: Json;
    const item: Json = { id: `i${i}`, title: { zh: `评分项${i}` }, max };
    switch (kind) {
      case 0:
        fields.push({ name: f, type: 'boolean', title: { zh: `是否落实${i}` } });
        scoring = logic ? { logic: { if: [{ var: f }, max, 0] } } : { method: 'presence', params: { field: f } };
        break;
      case 1:
        fields.push({ name: f, type: 'integer', title: { zh: `问题${i}` }, unit: '处' });
        scoring = logic ? { logic: { '-': [max, { min: [max, { '*': [{ var: f }, 0.5] }] }] } } : { method: 'per-finding', params: { field: f, per: 0.5 } };
        break;
      case 2: {
        const required = documentsOf(i);
        fields.push({ name: f, type: 'documents', title: { zh: `文件${i}` } });
        const missing = { '+': required.map((d) => ({ if: [{ in: [d, { var: f }] }, 0, 1] })) };
        scoring = logic ? { logic: { '-': [max, { min: [max, { '*': [0.5, missing] }] }] } } : { method: 'per-missing', params: { field: f, required, per: 0.5 } };
        break;
      }
      case 3:
        fields.push({ name: f, type: 'rate', title: { zh: `达标率${i}` }, unit: '%' });
        scoring = logic ? { logic: { if: [{ '<': [{ var: f }, 80] }, max - 1, max] } } : { method: 'threshold', params: { field: f, op: '<', value: 80, deduct: 1 } };
        break;
      case 4:
        fields.push({ name: f, type: 'rate', title: { zh: `完好率${i}` }, unit: '%' });
        // A linear rate deduction in JsonLogic: max − (100 − rate) × 0.05, not below 0.
        scoring = { logic: { max: [0, { '-': [max, { '*': [{ '-': [100, { var: f }] }, 0.05] }] }] } };
        break;
      default:
        fields.push({ name: f, type: 'integer', title: { zh: `数量${i}` } });
        scoring = logic ? { logic: { if: [{ '>': [{ var: f }, 0] }, max, 0] } } : { method: 'presence', params: { field: f } };
        item['applicability'] = { when: { '>': [{ var: f }, 0] }, reason: { zh: '无此类对象' } };
    }
    item['scoring'] = scoring;
    group.push(item);
    if (group.length === perGroup) close();
  }
  if (group.length > 0) close();
  const max = groups.reduce((s, g) => s + (g['max'] as number), 0);
  const ruleset = {
    id: 'test/generated',
    version: '1.0.0',
    edition: 2022,
    title: { zh: '生成的评价细则' },
    unitKinds: ['district'],
    fields,
    tree: [{ id: 'root', title: { zh: '全部' }, max, children: groups }],
  } as unknown as Ruleset;
  return { ruleset, values };
}
