/**
 * `ruleset.evaluate`: the scoring with every explanation recorded as data, rendered by
 * `toScoreCard` into exactly the card `ruleset.score` gives (the same JSON bytes), on the
 * property-test generators, the example and the Xi'an rulesets.
 */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  EvidenceError,
  builtinMethods,
  createEngine,
  defineMethod,
  definePlugin,
  type CompiledRuleset,
  type FieldValue,
  type Finding,
  type Ruleset,
  type ScoreNode,
  type UnitEvidence,
} from '../src/index.js';
import { arbScenario, itemsOf, prng } from './arbitraries.js';
import { field, rulesetOf, unit } from './helpers.js';

const engine = createEngine();
const read = (path: string) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const langs = ['zh', 'en'] as const;

/** Every node of a card by id. */
function nodesById(nodes: readonly ScoreNode[], out = new Map<string, ScoreNode>()): Map<string, ScoreNode> {
  for (const n of nodes) {
    out.set(n.id, n);
    if (n.children) nodesById(n.children, out);
  }
  return out;
}

/**
 * evaluate's card is score's, byte for byte, in both languages; its numbers are the card's;
 * `earnedOf` and `deductionsOf` are each item node's.
 */
function expectSame(rs: CompiledRuleset, evidence: UnitEvidence, findings: readonly Finding[], itemIds: readonly string[]): void {
  const e = rs.evaluate(evidence, { findings });
  for (const lang of langs) {
    const card = rs.score(evidence, { findings, lang });
    expect(JSON.stringify(e.toScoreCard(lang))).toBe(JSON.stringify(card));
    const nodes = nodesById(card.nodes);
    for (const id of itemIds) {
      const node = nodes.get(id) as ScoreNode;
      expect(e.earnedOf(id)).toBe(node.earned);
      expect(JSON.stringify(e.deductionsOf(id, lang))).toBe(JSON.stringify(node.deductions ?? []));
    }
    expect([e.unit, e.max, e.earned, e.bonus, e.total, e.normalized, e.grade, e.vetoed]).toEqual([
      card.unit,
      card.max,
      card.earned,
      card.bonus,
      card.total,
      card.normalized,
      card.grade,
      card.vetoed,
    ]);
  }
}

describe('evaluate(e, o).toScoreCard(lang) is score(e, { ...o, lang })', () => {
  it('on generated rulesets, evidence and findings (400 runs)', () => {
    fc.assert(
      fc.property(arbScenario(), fc.constantFrom(...langs), fc.boolean(), (s, lang, withFindings) => {
        const rs = engine.compile(s.ruleset);
        const o = withFindings ? { findings: s.findings } : {};
        expect(JSON.stringify(rs.evaluate(s.evidence, o).toScoreCard(lang))).toBe(JSON.stringify(rs.score(s.evidence, { ...o, lang })));
        expectSame(rs, s.evidence, s.findings, itemsOf(s.ruleset).map((i) => i.id));
      }),
      { numRuns: 400 },
    );
  });

  it('on the example (examples/basic), with its findings and sources', () => {
    const rs = engine.compile(read('../../../examples/basic/ruleset.json'));
    const evidence = read('../../../examples/basic/evidence.json') as UnitEvidence;
    const findings = read('../../../examples/basic/findings.json') as Finding[];
    const ids = rs.items.map((i) => i.id);
    expectSame(rs, evidence, findings, ids);
    expectSame(rs, evidence, [], ids);
    // Sources are cited on the rendered deductions.
    expect(JSON.stringify(rs.evaluate(evidence, { findings }).toScoreCard())).toContain('yanta.xlsx!评分项!F7');
  });

  describe("on the Xi'an 2022 rulesets", () => {
    const units = (read('../../../rulesets/xian-2022/units.json') as { units: Array<{ id: string; name: string; kind: string }> }).units;
    const compiled = {
      'xian-2022/municipal': engine.compile(read('../../../rulesets/xian-2022/municipal.json')),
      'xian-2022/district': engine.compile(read('../../../rulesets/xian-2022/district.json')),
    };
    const unitOf = (id: string) => {
      const u = units.find((x) => x.id === id) as { id: string; name: string; kind: string };
      return { id: u.id, name: u.name, kind: u.kind };
    };

    it('every hand-computed case (rulesets/xian-2022/cases)', () => {
      const dir = new URL('../../../rulesets/xian-2022/cases/', import.meta.url);
      const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const c = JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as { ruleset: keyof typeof compiled; unit: string; evidence: Record<string, FieldValue>; findings?: Finding[] };
        const rs = compiled[c.ruleset];
        expectSame(rs, { unit: unitOf(c.unit), values: c.evidence }, c.findings ?? [], rs.items.map((i) => i.id));
      }
    });

    it('every unit with random evidence, findings and sources (seeded)', () => {
      for (const rs of Object.values(compiled)) {
        const rnd = prng(rs.items.length);
        const ids = rs.items.map((i) => i.id);
        for (const u of units.filter((x) => rs.unitKinds.includes(x.kind))) {
          for (let k = 0; k < 4; k++) {
            const values: Record<string, FieldValue> = {};
            const sources: Record<string, string[]> = {};
            for (const f of rs.fields) {
              const r = rnd();
              if (r < 0.12) continue;
              if (r < 0.17) {
                values[f.name] = null;
                continue;
              }
              const lo = f.minimum ?? 0;
              const hi = f.maximum ?? (f.type === 'rate' ? 100 : 20);
              switch (f.type) {
                case 'boolean':
                  values[f.name] = rnd() < 0.7;
                  break;
                case 'integer':
                  values[f.name] = Math.floor(lo + rnd() * (Math.min(hi, lo + 12) - lo + 1));
                  break;
                case 'number':
                case 'rate':
                  values[f.name] = Math.round((lo + rnd() * (hi - lo)) * 10) / 10;
                  break;
                case 'documents':
                  values[f.name] = ['高层建筑', '电梯', '燃气工程', '轨道交通', '其他'].filter(() => rnd() < 0.6);
                  break;
                case 'enum':
                  values[f.name] = (f.values ?? [])[Math.floor(rnd() * (f.values ?? []).length)] as string;
                  break;
                case 'date':
                  values[f.name] = '2022-06-30';
                  break;
              }
              if (rnd() < 0.3) sources[f.name] = [`${u.id}.xlsx!评分项!F${Math.floor(rnd() * 90) + 2}`];
            }
            const findings: Finding[] = [];
            if (k % 2 === 1) {
              for (let j = 0; j < 3; j++) {
                const item = rs.items[Math.floor(rnd() * rs.items.length)]!;
                // From a check the item lists (a finding from another is refused).
                const methods = item.checkMethods.length > 0 ? item.checkMethods : ['data-check', 'onsite'];
                findings.push({ item: item.id, source: methods[Math.floor(rnd() * methods.length)] as 'onsite' | 'data-check', type: 'deduction', points: 0.5, reason: '现场发现问题' });
              }
            }
            expectSame(rs, { unit: { id: u.id, name: u.name, kind: u.kind }, values, sources }, findings, ids);
          }
        }
      }
    });
  });
});

describe('evaluate', () => {
  const rs = engine.compile(
    rulesetOf(
      [
        { id: 'a', title: { zh: '消火栓' }, max: 2, scoring: { method: 'per-finding', params: { field: 'defects', per: 0.5 } } },
        { id: 'b', title: { zh: '方案' }, max: 1, scoring: { method: 'presence', params: { field: 'plan' } } },
      ],
      [field('defects', 'integer', { minimum: 0 }), field('plan', 'boolean')],
    ),
  );

  it('gives the totals now, and renders the card only when asked (in the language asked, or the one given)', () => {
    const evidence = { unit, values: { defects: 3, plan: false } };
    const e = rs.evaluate(evidence);
    expect([e.max, e.earned, e.total, e.earnedOf('a'), e.earnedOf('b'), e.earnedOf('nope')]).toEqual([3, 0.5, 0.5, 0.5, 0, undefined]);
    expect(e.deductionsOf('a')).toEqual([{ points: 1.5, reason: '{field}：发现3处，每处扣0.5分，2分扣完为止，扣1.5分'.replace('{field}', 'defects'), suggestion: '逐一整改defects（3处）', source: 'rule', code: 'findings' }]);
    expect(e.deductionsOf('nope')).toBeUndefined();
    expect(JSON.stringify(rs.evaluate(evidence, { lang: 'en' }).toScoreCard())).toBe(JSON.stringify(rs.score(evidence, { lang: 'en' })));
    expect(JSON.stringify(e.toScoreCard())).toBe(JSON.stringify(rs.score(evidence)));
    // Every card is a fresh object: changing one changes nothing else.
    const first = e.toScoreCard();
    first.nodes[0]!.children![0]!.deductions![0]!.reason = 'changed';
    first.unit.id = 'changed';
    expect(JSON.stringify(e.toScoreCard())).toBe(JSON.stringify(rs.score(evidence)));
    // JSON of an evaluation is its numbers.
    expect(JSON.parse(JSON.stringify(e))).toEqual({ unit, max: 3, earned: 0.5, bonus: 0, total: 0.5, grade: null, vetoed: false });
  });

  it('checks the input as score does: the same EvidenceError, message for message', () => {
    const bad: unknown[] = [
      { unit, values: { defects: 3, plan: false, extra: 1 } },
      { unit, values: { defects: -1, plan: 'yes' } },
      { unit, values: { defects: 1.5 } },
      { unit, values: { defects: undefined } },
      { unit: { ...unit, kind: 'city' }, values: {} },
      { unit: { id: '', name: 'x' }, values: [] },
      null,
    ];
    for (const evidence of bad) {
      const message = (f: () => unknown) => {
        try {
          f();
        } catch (err) {
          expect(err).toBeInstanceOf(EvidenceError);
          return JSON.stringify([(err as EvidenceError).message, (err as EvidenceError).issues]);
        }
        throw new Error(`accepted ${JSON.stringify(evidence)}`);
      };
      expect(message(() => rs.evaluate(evidence as UnitEvidence))).toBe(message(() => rs.score(evidence as UnitEvidence)));
    }
    const findings = [{ item: 'zz', source: 'onsite', type: 'deduction', points: 1, reason: 'x' }] as Finding[];
    expect(() => rs.evaluate({ unit, values: {} }, { findings })).toThrow(EvidenceError);
  });

  it("scores a plugin's method through its context, and a changed copy of a built-in by its own score", () => {
    const halve = defineMethod<{ field: string }>({
      meta: { description: { zh: '减半' }, monotonic: true, fields: (p) => [{ field: p.field, path: '/field', types: ['integer'] }] },
      params: builtinMethods.methods!['presence']!.params,
      messages: { half: { reason: { zh: '{field}为{n}，扣一半' }, data: ['field', 'n'] } },
      score(ctx) {
        if (ctx.value(ctx.params.field) !== undefined) ctx.deduct('half', ctx.max / 2, { field: ctx.fieldTitle(ctx.params.field), n: ctx.value(ctx.params.field) }, [ctx.params.field]);
      },
    });
    // A copy of the built-in presence whose score does something else (always deducts its max): its own score counts.
    const inverted = {
      ...builtinMethods.methods!['presence']!,
      score(ctx: Parameters<NonNullable<(typeof halve)['score']>>[0]) {
        ctx.deduct('absent', ctx.max, { field: ctx.fieldTitle(ctx.params.field), statement: { zh: `未提供${ctx.fieldTitle(ctx.params.field).zh}` }, points: ctx.max / 1000 }, [ctx.params.field]);
      },
    };
    const plugin = definePlugin({ name: 'test', methods: { halve, 'presence-copy': inverted } });
    const withPlugin = createEngine({ plugins: [plugin] }).compile(
      rulesetOf(
        [
          { id: 'h', title: { zh: '减半项' }, max: 2, scoring: { method: 'halve', params: { field: 'n' } } },
          { id: 'c', title: { zh: '复制项' }, max: 2, scoring: { method: 'presence-copy', params: { field: 'n' } } },
        ],
        [field('n', 'integer')],
      ),
    );
    const evidence = { unit, values: { n: 3 } };
    const e = withPlugin.evaluate(evidence);
    expect(e.earnedOf('h')).toBe(1);
    // The built-in presence would keep the max for 3 (present); the copy's score takes it all.
    expect(e.earnedOf('c')).toBe(0);
    expect(e.deductionsOf('c')?.[0]?.reason).toBe('未提供n，扣2分');
    expect(JSON.stringify(e.toScoreCard())).toBe(JSON.stringify(withPlugin.score(evidence)));
    expect(e.deductionsOf('h')?.[0]?.reason).toBe('n为3，扣一半');
  });

  it('reads values the way score does: null is not reported, a non-enumerable own value is read, an inherited one is not', () => {
    const values: Record<string, FieldValue> = Object.create({ plan: true }) as Record<string, FieldValue>;
    Object.defineProperty(values, 'defects', { value: 2, enumerable: false });
    const evidence = { unit, values };
    const e = rs.evaluate(evidence);
    expect([e.earnedOf('a'), e.earnedOf('b')]).toEqual([1, 0]);
    expect(JSON.stringify(e.toScoreCard('en'))).toBe(JSON.stringify(rs.score(evidence, { lang: 'en' })));
    const nulls = { unit, values: { defects: null, plan: null } };
    expect(rs.evaluate(nulls).total).toBe(0);
    expect(rs.evaluate(nulls).deductionsOf('a')?.[0]?.code).toBe('no-evidence');
  });

  it('is re-entrant: a method may evaluate another unit while scoring', () => {
    let inner: number | undefined;
    let nested: CompiledRuleset | undefined;
    const probe = defineMethod<{ field: string }>({
      meta: { description: { zh: '探针' }, monotonic: true, fields: (p) => [{ field: p.field, path: '/field', types: ['integer'] }] },
      params: builtinMethods.methods!['presence']!.params,
      messages: {},
      score(ctx) {
        if (nested !== undefined && ctx.value(ctx.params.field) === 1) inner = nested.evaluate({ unit, values: { n: 2 } }).total;
      },
    });
    const json = rulesetOf(
      [
        { id: 'p', title: { zh: '探针' }, max: 1, scoring: { method: 'probe', params: { field: 'n' } } },
        { id: 'q', title: { zh: '次数' }, max: 1, scoring: { method: 'per-finding', params: { field: 'n', per: 0.25 } } },
        { id: 'l', title: { zh: '逻辑' }, max: 1, scoring: { logic: { if: [{ '>': [{ var: 'n' }, 1] }, 0, 1] } } },
      ],
      [field('n', 'integer')],
    ) as Ruleset;
    nested = createEngine({ plugins: [definePlugin({ name: 'probe', methods: { probe } })] }).compile(json);
    const outer = nested.evaluate({ unit, values: { n: 1 } });
    expect(inner).toBe(1 + 0.5 + 0);
    expect(outer.total).toBe(1 + 0.75 + 1);
  });
});
