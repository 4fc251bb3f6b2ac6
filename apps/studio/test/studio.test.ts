/**
 * The studio's logic in Node: problems placed at the line the author reads, scores equal to
 * the engine's, movements and ranks as a ranking table prints them, completion from the
 * ruleset's JSON Schema, and pointers that round-trip.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createEngine, migrateEvidence, rulesetJsonSchema, type Finding, type UnitEvidence } from '@safecity/engine';
import { district, municipal } from '@safecity/ruleset-xian-2022';
import { district as district2023, bases } from '@safecity/ruleset-xian-2023-example';
import { EDITIONS, editionText, isPatch, loadBases } from '../src/lib/editions.js';
import { carryOver, carryOverCache, compileText, movements, points, scoreAll, signed, type UnitResult } from '../src/lib/studio.js';
import { pointerSegments, spanOf, parseText, toPointer } from '../src/lib/pointer.js';
import { propertySuggestions, valueSuggestions } from '../src/lib/complete.js';
import { demoEvidence } from './demo.js';

const engine = createEngine();
const text = JSON.stringify(district, null, 2) + '\n';
const lineOf = (s: string, offset: number) => s.slice(0, offset).split('\n').length;
/** The line of the first occurrence of `needle` after `after` (both as text). */
const lineAfter = (s: string, after: string, needle: string) => lineOf(s, s.indexOf(needle, s.indexOf(after)));

describe('compileText', () => {
  it('compiles every bundled edition (patches against their bases)', async () => {
    for (const e of EDITIONS) {
      const json = await e.load();
      const c = compileText(engine, editionText(json), isPatch(json) ? await loadBases() : []);
      expect(c.problems).toEqual([]);
      expect(c.ruleset?.id).toBe(e.key);
    }
    expect(compileText(engine, JSON.stringify(district2023), bases).ruleset?.id).toBe('xian-2023-example/district');
  });

  it('places a schema error at the line of the property', () => {
    const bad = text.replace('"max": 2,', '"max": "two",');
    const c = compileText(engine, bad, []);
    expect(c.ruleset).toBeUndefined();
    expect(c.problems.length).toBeGreaterThan(0);
    const p = c.problems[0]!;
    expect(lineOf(bad, p.span.from)).toBe(lineOf(bad, bad.indexOf('"max": "two"')));
    expect(p.pointer).toMatch(/\/max$/);
  });

  it('places a group whose children no longer add up at the group\'s max', () => {
    const json = structuredClone(district) as { tree: Array<{ children: Array<{ id: string; children: Array<{ id: string; max: number }> }> }> };
    json.tree[0]!.children[0]!.children[0]!.max += 1;
    const s = JSON.stringify(json, null, 2);
    const c = compileText(engine, s, []);
    expect(c.problems.map((p) => p.pointer)).toEqual(['/tree/0/children/0/max']);
    // The group 1.1's own "max", not its first child's.
    const group = json.tree[0]!.children[0]!;
    expect(lineOf(s, c.problems[0]!.span.from)).toBe(lineAfter(s, `"id": "${group.id}"`, '"max"'));
    expect(c.problems[0]!.message).toContain('childrenMax');
  });

  it('places a JSON syntax error where it is, in Chinese', () => {
    const bad = text.replace('"version": "2.0.0",', '"version": "2.0.0"');
    const c = compileText(engine, bad, []);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0]!.message).toBe('JSON 语法错误：此处应为逗号 ,');
    expect(lineOf(bad, c.problems[0]!.span.from)).toBe(lineOf(bad, bad.indexOf('"edition"')));
  });

  it('refuses text nested deeper than maxJsonDepth at the first level too deep, without recursion', () => {
    for (const depth of [65, 100_000]) {
      const deep = '['.repeat(depth) + ']'.repeat(depth);
      const c = compileText(engine, deep, []);
      expect(c.problems).toEqual([{ span: { from: 64, to: 65 }, message: 'JSON 嵌套超过 64 层（maxJsonDepth），不再读取' }]);
    }
    expect(compileText(engine, '['.repeat(64) + ']'.repeat(64), []).problems[0]!.message).not.toContain('嵌套');
  });

  it('places any generated pointer at an existing node or its nearest ancestor', () => {
    const root = parseText(text).root;
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('tree', 'children', 'max', 'fields', 'nope', 'title', 'zh'), fc.nat(6)), { maxLength: 8 }), (segs) => {
        const span = spanOf(root, toPointer(segs));
        expect(span).toBeDefined();
        expect(span!.from).toBeGreaterThanOrEqual(0);
        expect(span!.to).toBeGreaterThan(span!.from);
        expect(span!.to).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('pointers', () => {
  it('round-trip through segments (generated keys with / and ~)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: fc.constantFrom('a', '/', '~', '0', '1', '中'), minLength: 1, maxLength: 4 }), fc.nat(20))), (segs) => {
        const p = toPointer(segs);
        const back = pointerSegments(p);
        // A numeric-looking string comes back as an index (it names the same element).
        expect(back.map(String)).toEqual(segs.map(String));
      }),
    );
  });
});

describe('scoreAll and movements', () => {
  const { units, findings } = demoEvidence();
  const compiled = engine.compile(district);

  it('scores every unit the rubric applies to, with the engine\'s totals', () => {
    const { results } = scoreAll(compiled, { units, findings });
    const districts = units.filter((u) => compiled.unitKinds.includes(u.unit.kind));
    expect(results).toHaveLength(districts.length);
    expect(results.length).toBe(20);
    for (const r of results) {
      const e = districts.find((u) => u.unit.id === r.unit.id)!;
      const card = compiled.score(e, { findings: findings[e.unit.id] ?? [] });
      expect(r.ok).toBe(true);
      if (r.ok) expect([r.total, r.grade, r.vetoed, r.lost]).toEqual([card.total, card.grade, card.vetoed, Math.round((card.max - card.earned) * 100) / 100]);
    }
  });

  it('says which units move, and by how much, after an item\'s max changes (hand-checked against the engine)', () => {
    const json = structuredClone(district) as any;
    // 1.1.1 (领导小组成立文件) 2 → 3, its aspect 1.1 5 → 6 and its area 1 20 → 21.
    json.tree[0].children[0].children[0].max = 3;
    json.tree[0].children[0].max = 6;
    json.tree[0].max = 21;
    const edited = engine.compile(json);
    const before = scoreAll(compiled, { units, findings }).results;
    const now = scoreAll(edited, { units, findings }).results;
    const rows = movements(now, before);
    for (const row of rows) {
      const e = units.find((u) => u.unit.id === row.unit.id)!;
      const a = compiled.score(e, { findings: findings[e.unit.id] ?? [] });
      const b = edited.score(e, { findings: findings[e.unit.id] ?? [] });
      expect(row.delta).toBe(Math.round((b.total - a.total) * 100) / 100);
      // Earned on 1.1.1 moves by at most the point added.
      expect(Math.abs(row.delta!)).toBeLessThanOrEqual(1);
    }
    expect(rows.some((r) => r.delta !== 0)).toBe(true);
    // Sorted by total, ranks shared by equal totals.
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!.now, rows[i]!.now];
      if (a.ok && b.ok) expect(a.total).toBeGreaterThanOrEqual(b.total);
    }
  });

  it('carries last year\'s evidence over to the next edition before scoring, as safecity migrate does', () => {
    const next = engine.compile(district2023, { bases });
    const writtenFor = new Map(units.filter((u) => compiled.unitKinds.includes(u.unit.kind)).map((u) => [u.unit.id, compiled]));
    const set = { units, findings, writtenFor };
    // Without knowing what it was written for, the retired field stops most units.
    expect(scoreAll(next, { units, findings }).results.filter((r) => !r.ok).length).toBeGreaterThan(10);
    const { results } = scoreAll(next, set);
    expect(results).toHaveLength(20);
    for (const r of results) {
      expect(r.ok).toBe(true);
      const e = units.find((u) => u.unit.id === r.unit.id)!;
      const m = migrateEvidence(e, next, { from: compiled, findings: findings[e.unit.id] ?? [] });
      const card = next.score(m.evidence, { findings: m.findings });
      if (r.ok) {
        expect(r.total).toBe(card.total);
        expect(r.migrated).toEqual({ from: 'xian-2022/district 2.0.0', notCarried: m.report.notCarried.length, missing: m.report.missing.length });
      }
    }
    // Under the edition it was written for, nothing is carried.
    expect(scoreAll(compiled, set).results.every((r) => r.ok && r.migrated === undefined)).toBe(true);
  });

  it('reuses a carry-over while the edit leaves what it depends on alone, and redoes it when not', () => {
    const writtenFor = new Map(units.filter((u) => compiled.unitKinds.includes(u.unit.kind)).map((u) => [u.unit.id, compiled]));
    const set = { units, findings, writtenFor };
    const e = units.find((u) => u.unit.id === 'baqiao')!;
    const carry = carryOverCache();
    const a = engine.compile(district2023, { bases });
    // A scoring standard reworded: the items read the same fields.
    const pointsOnly = structuredClone(district2023) as any;
    pointsOnly.patch.push({ op: 'update', id: '1.1.1', set: { standard: '未成立创建工作领导小组的，扣2分（改写）。' } });
    const b = engine.compile(pointsOnly, { bases });
    const first = carry(a, set, e);
    expect(carry(b, set, e)).toBe(first);
    expect(carry(b, set, e)).toEqual(carryOver(b, set, e));
    expect(scoreAll(b, set, carry).results).toEqual(scoreAll(b, set).results);
    // A field's title is in the report's words: redone.
    const retitled = structuredClone(district2023) as any;
    retitled.patch.push({ op: 'update-field', name: 'leadingGroupDoc', set: { title: { zh: '领导小组文件' } } });
    const c = engine.compile(retitled, { bases });
    const third = carry(c, set, e);
    expect(third).not.toBe(first);
    expect(third).toEqual(carryOver(c, set, e));
    // Other evidence for the unit (an edit in the form): redone.
    const edited = { ...e, values: { ...e.values, leadingGroupDoc: false } };
    const set2 = { units: units.map((u) => (u === e ? edited : u)), findings, writtenFor };
    expect(carry(c, set2, edited).evidence.values['leadingGroupDoc']).toBe(false);
  });

  it('ranks equal totals together and puts units without a total last', () => {
    const u = (id: string) => ({ id, name: id, kind: 'district' });
    const ok = (id: string, total: number): UnitResult => ({ unit: u(id), ok: true, total, lost: 0, grade: null, vetoed: false });
    const rows = movements([ok('a', 90), { unit: u('x'), ok: false, problems: [{ path: '', message: 'bad' }] }, ok('b', 95), ok('c', 90)], [ok('a', 80), ok('b', 95), ok('c', 90)]);
    expect(rows.map((r) => [r.unit.id, r.rank, r.rankBefore, r.delta])).toEqual([
      ['b', 1, 1, 0],
      ['a', 2, 3, 10],
      ['c', 2, 2, 0],
      ['x', undefined, undefined, undefined],
    ]);
  });

  it('names a unit whose evidence no longer fits, instead of scoring it', () => {
    const json = structuredClone(municipal) as any;
    const m = engine.compile(json);
    const one = units.find((u) => m.unitKinds.includes(u.unit.kind))!;
    const bad: UnitEvidence = { ...one, values: { ...one.values, notAField: 1 } };
    const { results } = scoreAll(m, { units: [bad], findings: {} as Record<string, Finding[]> });
    expect(results).toHaveLength(1);
    expect(results[0]!.ok).toBe(false);
    if (!results[0]!.ok) expect(results[0]!.problems.map((p) => p.message).join('\n')).toContain('notAField');
  });

  it('writes points as officials read them', () => {
    expect([points(3), points(2.5), points(0.1 + 0.2), points(118.149999)]).toEqual(['3', '2.5', '0.3', '118.15']);
    expect([signed(1.5), signed(-2), signed(0)]).toEqual(['+1.5', '−2', '0']);
  });
});

describe('completion from the ruleset schema', () => {
  const schema = rulesetJsonSchema();
  it('offers a node\'s missing properties with their descriptions', () => {
    const s = propertySuggestions(schema, ['tree', 0], new Set(['id', 'title', 'max']));
    const names = s.map((x) => x.label);
    expect(names).toEqual(expect.arrayContaining(['"children"', '"childrenMax"', '"scoring"', '"provenance"', '"lead"', '"partners"']));
    expect(names).not.toContain('"id"');
    expect(s.find((x) => x.label === '"childrenMax"')?.info).toMatch(/equal/);
    expect(s.find((x) => x.label === '"lead"')?.insert).toBe('"lead": ');
  });
  it('follows children to any depth', () => {
    const deep = propertySuggestions(schema, ['tree', 0, 'children', 1, 'children', 0], new Set());
    expect(deep.map((x) => x.label)).toContain('"scoring"');
  });
  it('offers the values a property allows', () => {
    expect(valueSuggestions(schema, ['tree', 0, 'childrenMax']).map((x) => x.label)).toEqual(['"equal"', '"cap"']);
    expect(valueSuggestions(schema, ['tree', 2, 'children', 0, 'provenance', 'kind']).map((x) => x.label)).toEqual(['"quoted"', '"modelled"']);
    expect(valueSuggestions(schema, ['fields', 0, 'type']).map((x) => x.label)).toEqual(expect.arrayContaining(['"boolean"', '"documents"', '"rate"']));
    expect(valueSuggestions(schema, ['nowhere', 3])).toEqual([]);
  });
});
