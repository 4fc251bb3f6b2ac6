import { describe, expect, it } from 'vitest';
import { createEngine, EvidenceError, migrateEvidence, type Finding } from '../src/index.js';
import { base, field, item, patch } from './edition-fixtures.js';

const engine = createEngine();
const b2022 = engine.compile(base);
const unit = { id: 'yanta', name: '雁塔区', kind: 'district' };

/** 2023: i4 retired (its field d removed), i1 renamed i1a, field a renamed a2, a new item i5 on a new field f, c now an integer. */
const b2023 = engine.compile(
  patch([
    { op: 'remove', id: 'i4', reason: { zh: '并入i3', en: 'merged into i3' } },
    { op: 'remove-field', name: 'd' },
    { op: 'update', id: 'i3', set: { max: 5 } },
    { op: 'add-field', field: field('f') },
    { op: 'add', parent: 'g2', node: item('i5', 5, 'f') },
    { op: 'rename', id: 'i1', to: 'i1a' },
    { op: 'rename-field', name: 'a', to: 'a2' },
    { op: 'update', id: 'i1a', set: { scoring: { method: 'presence', params: { field: 'a2' } } } },
    { op: 'update-field', name: 'b', set: { type: 'integer', title: { zh: 'b的次数', en: 'times of b' } } },
    { op: 'update', id: 'i2', set: { scoring: { method: 'threshold', params: { field: 'b', op: '>=', value: 1, deduct: 6 } } } },
  ]),
  { bases: [base] },
);

describe('migrateEvidence', () => {
  const evidence = {
    unit,
    values: { a: true, b: true, c: true, d: true, e: true },
    sources: { a: ['yanta.xlsx!评分项!F5'], d: ['yanta.xlsx!评分项!F8'] },
  };
  const findings: Finding[] = [
    { item: 'i1', source: 'onsite', type: 'deduction', points: 1, reason: '现场未见' },
    { item: 'i4', source: 'onsite', type: 'deduction', points: 1, reason: '台账不全' },
    { item: 'i3', source: 'data-check', type: 'rejected', field: 'c', check: 'authenticity', reason: '材料不实' },
  ];

  it('carries values by field and findings by item; reports what does not carry, and why', () => {
    const m = migrateEvidence(evidence, b2023, { from: b2022, findings });
    expect(m.evidence).toEqual({ unit, values: { a2: true, c: true, e: true }, sources: { a2: ['yanta.xlsx!评分项!F5'] } });
    expect(m.report.carried).toEqual([
      { field: 'a2', from: 'a' },
      { field: 'c', from: 'c' },
      { field: 'e', from: 'e' },
    ]);
    expect(m.report.notCarried).toEqual([
      {
        field: 'd',
        value: true,
        reason: 'item-retired',
        items: ['i4'],
        sources: ['yanta.xlsx!评分项!F8'],
        message: { zh: '评分项i4在2023版中已删除（并入i3），“d”不再填报', en: 'Item i4 was retired in the 2023 edition (merged into i3); "d" is no longer reported' },
      },
      {
        field: 'b',
        value: true,
        reason: 'invalid',
        items: ['i2'],
        message: { zh: '“b的次数”的填报值不符合2023版的要求：expected an integer, found boolean true', en: '"times of b" does not fit the 2023 edition: expected an integer, found boolean true' },
      },
    ]);
    expect(m.report.missing).toEqual([
      { field: 'b', added: false, items: ['i2'], message: { zh: '评分项i2需要“b的次数”，去年的材料中没有', en: 'Item i2 needs "times of b", which last year\'s evidence does not have' } },
      { field: 'f', added: true, items: ['i5'], message: { zh: '评分项i5需要新增的“f”', en: 'Item i5 needs "f", new in this edition' } },
    ]);
    expect(m.findings).toEqual([
      { item: 'i1a', source: 'onsite', type: 'deduction', points: 1, reason: '现场未见' },
      { item: 'i3', source: 'data-check', type: 'rejected', field: 'c', check: 'authenticity', reason: '材料不实' },
    ]);
    expect(m.report.findings).toMatchObject({ carried: 2, renamed: 1, notCarried: [{ index: 1, reason: 'item-retired' }] });
    expect(m.report).toMatchObject({ from: { id: 'test/district', version: '1.0.0' }, to: { id: 'test/district', version: '2.0.0' } });
  });

  it('the migrated evidence scores under the new edition: hand-computed', () => {
    const m = migrateEvidence(evidence, b2023, { from: b2022, findings });
    const card = b2023.score(m.evidence, { findings: m.findings });
    // g1: i1a 4 − 1 (on-site) = 3; i2 0 (b missing: 6 lost) → 3. g2: i3 rejected → 0; i5 0 (f missing) → 0. bonus x1 2.
    expect(card.total).toBe(5);
    expect(card.nodes.map((n) => n.earned)).toEqual([3, 0, 2]);
  });

  it('every value either carries or is reported (property over random evidence)', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.record({ a: fc.option(fc.boolean()), b: fc.option(fc.boolean()), c: fc.option(fc.boolean()), d: fc.option(fc.boolean()), e: fc.option(fc.boolean()) }), (raw) => {
        const values = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== null));
        const m = migrateEvidence({ unit, values }, b2023, { from: b2022 });
        const accounted = [...m.report.carried.map((c) => c.from), ...m.report.notCarried.map((n) => n.field)].sort();
        expect(accounted).toEqual(Object.keys(values).sort());
        expect(Object.keys(m.evidence.values).length).toBe(m.report.carried.length);
      }),
      { numRuns: 200 },
    );
  });

  it('between unrelated editions fields carry by name; a unit the new edition does not evaluate is an EvidenceError', () => {
    const same = migrateEvidence({ unit, values: { a: true } }, engine.compile(structuredClone(base)), { from: b2022 });
    expect(same.report.carried).toEqual([{ field: 'a', from: 'a' }]);
    expect(() => migrateEvidence({ unit: { ...unit, kind: 'municipal' }, values: { a: true } }, b2023, { from: b2022 })).toThrow(EvidenceError);
  });
});

describe('migrateEvidence: items that no longer apply to the unit', () => {
  it('a value whose items now apply to other units is reported, not carried', () => {
    const narrowed = engine.compile(
      patch([{ op: 'update', id: 'i3', set: { applicability: { units: ['beilin'], reason: { zh: '仅碑林区' } } } }]),
      { bases: [base] },
    );
    const m = migrateEvidence({ unit, values: { c: true, a: true } }, narrowed, { from: b2022 });
    expect(m.report.carried).toEqual([{ field: 'a', from: 'a' }]);
    expect(m.report.notCarried).toEqual([
      { field: 'c', value: true, reason: 'not-applicable', items: ['i3'], message: { zh: '2023版中“c”所属的评分项不适用于雁塔区', en: 'In the 2023 edition the items scored on "c" do not apply to 雁塔区' } },
    ]);
  });
});
