import { describe, expect, it } from 'vitest';
import { createEngine } from '../src/index.js';
import { generateRuleset, generateValues } from './generate-ruleset.js';

// Compiling must stay linear in the ruleset's size: a generated 15,000-item ruleset compiles
// (its figures are in the bench, not here: no test asserts wall-clock time).
describe('a large generated ruleset', () => {
  it('compiles 15,000 items and scores a unit on every one of them', () => {
    const { ruleset, values } = generateRuleset(15_000, 7);
    const rs = createEngine().compile(ruleset);
    expect(rs.items).toHaveLength(15_000);
    expect(rs.fields).toHaveLength(15_000);
    expect(rs.generalFields).toEqual([]);
    expect(rs.items[4]!.method).toBe('logic');
    expect(rs.items[4]!.fields).toEqual(['f4']);
    expect(rs.items[5]!.conditionFields).toEqual(['f5']);
    const card = rs.score({ unit: { id: 'u', name: '单位', kind: 'district' }, values });
    const root = card.nodes[0]!;
    expect(root.children).toHaveLength(300);
    const leaves = root.children!.flatMap((g) => g.children!);
    expect(leaves).toHaveLength(15_000);
    // Every item's lost points are its deductions, and the total is the sum of the leaves.
    const drift = leaves.filter((l) => Math.round((l.max - l.earned) * 1000) !== Math.round((l.deductions ?? []).reduce((s, d) => s + d.points * 1000, 0)));
    expect(drift).toEqual([]);
    expect(Math.round(card.earned * 1000)).toBe(leaves.reduce((s, l) => s + Math.round(l.earned * 1000), 0));
    // Items with a count of 0 are not applicable (their condition reads the count).
    const zero = Object.keys(values).filter((k) => Number(k.slice(1)) % 6 === 5 && values[k] === 0).length;
    expect(leaves.filter((l) => !l.applicable)).toHaveLength(zero);
    expect(zero).toBeGreaterThan(0);
  }, 120_000);

  it('scores the same totals written entirely in JsonLogic as with the built-in methods', () => {
    const engine = createEngine();
    const methods = engine.compile(generateRuleset(120, 5).ruleset);
    const logic = engine.compile(generateRuleset(120, 5, { logic: true }).ruleset);
    expect(logic.items.every((i) => i.method === 'logic')).toBe(true);
    for (let u = 0; u < 12; u++) {
      const evidence = { unit: { id: `u${u}`, name: `单位${u}`, kind: 'district' }, values: generateValues(120, 5, u) };
      const a = methods.evaluate(evidence);
      const b = logic.evaluate(evidence);
      expect([b.total, b.max]).toEqual([a.total, a.max]);
    }
  });

  it('is the same ruleset for the same seed, and another for another seed', () => {
    expect(generateRuleset(60, 3)).toEqual(generateRuleset(60, 3));
    expect(generateRuleset(60, 3)).not.toEqual(generateRuleset(60, 4));
  });
});
