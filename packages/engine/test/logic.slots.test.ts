import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLogicCompiler } from '../src/logic/index.js';
import type { LogicFrame } from '../src/logic/index.js';

// Rules compiled with slots read declared fields from an array by position; every result must be
// the one the same rule gives on the data object (fields not reported, or null, left out).
const FIELDS = ['a', 'b', 'docs', 'rate'];
const slots = new Map(FIELDS.map((f, i) => [f, i]));
const RULES: unknown[] = [
  { var: 'a' },
  { var: ['a', 7] },
  { var: ['b', { '+': [1, 2] }] },
  { var: 'docs.length' },
  { var: ['docs.0', 'none'] },
  { var: 'unit.kind' },
  { var: ['unit.nothing', 'x'] },
  { missing: ['a', 'b', 'rate'] },
  { missing: [['a', 'b']] },
  { missing_some: [1, ['a', 'b', 'rate']] },
  { max: [0, { '-': [3, { '*': [{ '-': [100, { var: 'rate' }] }, 0.05] }] }] },
  { if: [{ '>=': [{ var: 'rate' }, 95] }, 2, { '<': [50, { var: 'rate' }, 95] }, 1, 0] },
  { map: [{ var: 'docs' }, { cat: [{ var: '' }, '!'] }] },
  { reduce: [{ var: 'docs' }, { '+': [{ var: 'accumulator' }, 1] }, { var: ['a', 0] }] },
  { some: [{ var: 'docs' }, { '==': [{ var: '' }, 'plan'] }] },
  { and: [{ var: 'b' }, { '!': { missing: 'a' } }, { in: ['plan', { var: 'docs' }] }] },
];

const value = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -5, max: 200 }),
  fc.boolean(),
  fc.constant(''),
  fc.array(fc.constantFrom('plan', 'ledger', 'report'), { maxLength: 3 }),
);

describe('JsonLogic compiled with slots', () => {
  const compiler = createLogicCompiler();
  it('gives what the rule gives on the data object, for every rule and any values', () => {
    const compiled = RULES.map((r) => ({ slot: compiler.compile(r, '', slots), plain: compiler.compile(r) }));
    for (const c of compiled) expect(c.slot.issues).toEqual([]);
    fc.assert(
      fc.property(fc.array(value, { minLength: FIELDS.length, maxLength: FIELDS.length }), (values) => {
        const unit = { id: 'yanta', name: '雁塔区', kind: 'district' };
        const data: Record<string, unknown> = { unit };
        FIELDS.forEach((f, i) => {
          if (values[i] !== undefined && values[i] !== null) data[f] = values[i];
        });
        const frame: LogicFrame = { values, data: { unit } };
        for (const c of compiled) expect(c.slot.fn(frame)).toEqual(c.plain.fn(data));
      }),
    );
  });

  it('reports the same paths read as without slots', () => {
    for (const r of RULES) {
      const a = compiler.compile(r, '/x', slots);
      const b = compiler.compile(r, '/x');
      expect(a.vars).toEqual(b.vars);
      expect(a.dynamicVars).toEqual(b.dynamicVars);
    }
  });

  it('reads a computed path and the whole data from the frame\'s data', () => {
    const frame: LogicFrame = { values: [1, 2, 3, 4], data: { unit: { kind: 'district' }, a: 'not the slot' } };
    expect(compiler.compile({ var: { cat: ['un', 'it.kind'] } }, '', slots).fn(frame)).toBe('district');
    expect(compiler.compile({ var: '' }, '', slots).fn(frame)).toBe(frame.data);
    expect(compiler.compile({ var: 'a' }, '', slots).fn(frame)).toBe(1);
  });
});
