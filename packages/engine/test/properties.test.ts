/**
 * Property tests of the DESIGN.md invariants, on generated rulesets, evidence and findings
 * (see ./arbitraries.ts). Points are compared in integer thousandths.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, type FieldValue, type Finding, type Ruleset, type ScoreCard, type ScoreNode, type UnitEvidence } from '../src/index.js';
import {
  DEFAULT_GRADES,
  METHODS,
  arbEvidence,
  arbFieldValue,
  arbFindings,
  arbRuleset,
  arbScenario,
  arbSingleItemRuleset,
  arbUnit,
  itemsOf,
  prng,
  requiredDocs,
  shuffle,
  shuffleKeys,
  type MethodName,
  type Scenario,
} from './arbitraries.js';

const RUNS = { numRuns: 1000 };
const engine = createEngine();
const m = (x: number): number => Math.round(x * 1000);
const sum = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0);

type Json = Record<string, unknown>;

function score(s: Scenario): ScoreCard {
  return engine.compile(s.ruleset).score(s.evidence, { findings: s.findings });
}

/** Every node of the card, with the ruleset node it renders (bonus bucket: its `bonus` object). */
function* walk(card: ScoreCard, rs: Ruleset): Generator<{ node: ScoreNode; src: Json; depth: number }> {
  function* rec(node: ScoreNode, src: Json, depth: number): Generator<{ node: ScoreNode; src: Json; depth: number }> {
    yield { node, src, depth };
    const kids = (src['children'] ?? src['items']) as Json[] | undefined;
    if (node.children !== undefined) {
      expect(kids?.length).toBe(node.children.length);
      for (let i = 0; i < node.children.length; i++) yield* rec(node.children[i] as ScoreNode, (kids as Json[])[i] as Json, depth + 1);
    }
  }
  const tree = rs.tree as unknown as Json[];
  for (let i = 0; i < tree.length; i++) yield* rec(card.nodes[i] as ScoreNode, tree[i] as Json, 0);
  if (rs.bonus !== undefined) yield* rec(card.nodes[tree.length] as ScoreNode, rs.bonus as unknown as Json, 0);
}

const isItem = (n: ScoreNode) => n.children === undefined;

describe('generators', () => {
  it('generate rulesets that compile without issues', () => {
    for (const rs of fc.sample(arbRuleset(), { numRuns: 50, seed: 42 })) expect(() => engine.compile(rs)).not.toThrow();
    for (const rs of fc.sample(arbRuleset(), 50)) expect(() => engine.compile(rs)).not.toThrow();
    for (const method of [...METHODS, 'logic' as const]) for (const rs of fc.sample(arbSingleItemRuleset(method), 20)) expect(() => engine.compile(rs)).not.toThrow();
  });
  it('generate evidence and findings the engine accepts', () => {
    for (const s of fc.sample(arbScenario(), 200)) expect(() => score(s)).not.toThrow();
  });
});

describe('invariants (DESIGN.md)', () => {
  it('1. every node 0 ≤ earned ≤ max; bonus ≤ its cap; total ≤ max + bonus cap', () => {
    fc.assert(
      fc.property(arbScenario(), (s) => {
        const compiled = engine.compile(s.ruleset);
        const card = compiled.score(s.evidence, { findings: s.findings });
        for (const { node } of walk(card, s.ruleset)) {
          expect(node.earned).toBeGreaterThanOrEqual(0);
          expect(m(node.earned)).toBeLessThanOrEqual(m(node.max));
        }
        const cap = m(s.ruleset.bonus?.cap ?? 0);
        expect(m(card.bonus)).toBeGreaterThanOrEqual(0);
        expect(m(card.bonus)).toBeLessThanOrEqual(cap);
        expect(m(compiled.bonusCap)).toBe(cap);
        expect(m(card.earned)).toBeLessThanOrEqual(m(card.max));
        expect(m(card.max)).toBeLessThanOrEqual(m(compiled.max));
        expect(card.total).toBeGreaterThanOrEqual(0);
        expect(m(card.total)).toBeLessThanOrEqual(m(compiled.max) + cap);
      }),
      RUNS,
    );
  });

  it('2. per item: max − earned = Σ deductions exactly, each with a reason', () => {
    fc.assert(
      fc.property(arbScenario(), (s) => {
        const card = score(s);
        for (const { node } of walk(card, s.ruleset)) {
          if (!isItem(node)) continue;
          const ds = node.deductions ?? [];
          expect(m(node.max) - m(node.earned)).toBe(sum(ds.map((d) => m(d.points))));
          for (const d of ds) {
            expect(typeof d.reason).toBe('string');
            expect(d.reason.trim().length).toBeGreaterThan(0);
            expect(d.points).toBeGreaterThanOrEqual(0);
            if (d.points > 0) expect(m(node.earned)).toBeLessThan(m(node.max));
            if (d.superseded) expect(d.points).toBe(0);
            if (d.requested !== undefined) expect(m(d.requested)).toBeGreaterThan(m(d.points));
          }
          if (node.applicable) expect(node.method).toBeDefined();
        }
      }),
      RUNS,
    );
  });

  it('3. a parent is the bounded sum of its children; the card sums the top-level nodes', () => {
    fc.assert(
      fc.property(arbScenario(), (s) => {
        const card = score(s);
        const rootMode = s.ruleset.childrenMax ?? 'equal';
        for (const { node, src } of walk(card, s.ruleset)) {
          if (isItem(node)) continue;
          const kids = node.children as ScoreNode[];
          const sumMax = sum(kids.map((c) => m(c.max)));
          const sumEarned = sum(kids.map((c) => m(c.earned)));
          if (src['items'] !== undefined) {
            // The bonus bucket: capped by its own cap.
            expect(m(node.max)).toBe(m(src['cap'] as number));
          } else {
            const mode = (src['childrenMax'] as string | undefined) ?? rootMode;
            expect(m(node.max)).toBe(mode === 'cap' ? Math.min(m(src['max'] as number), sumMax) : sumMax);
            expect(node.applicable).toBe(kids.some((c) => c.applicable));
          }
          expect(m(node.earned)).toBe(Math.min(m(node.max), sumEarned));
        }
        const top = card.nodes.slice(0, s.ruleset.tree.length);
        expect(card.nodes.length).toBe(s.ruleset.tree.length + (s.ruleset.bonus ? 1 : 0));
        expect(m(card.earned)).toBe(sum(top.map((n) => m(n.earned))));
        expect(m(card.max)).toBe(sum(top.map((n) => m(n.max))));
        expect(m(card.bonus)).toBe(s.ruleset.bonus ? m((card.nodes.at(-1) as ScoreNode).earned) : 0);
        expect(m(card.total)).toBe(m(card.earned) + m(card.bonus)); // no vetoes generated
      }),
      RUNS,
    );
  });

  it('4. deterministic: key order, findings order and the engine instance do not change the bytes', () => {
    const other = createEngine();
    fc.assert(
      fc.property(arbScenario(), fc.integer(), (s, seed) => {
        const rand = prng(seed);
        const bytes = JSON.stringify(score(s));
        const shuffled: Scenario = {
          ruleset: shuffleKeys(s.ruleset, rand),
          evidence: shuffleKeys(s.evidence, rand),
          findings: shuffle(s.findings, rand).map((f) => shuffleKeys(f, rand)),
        };
        expect(JSON.stringify(score(shuffled))).toBe(bytes);
        expect(JSON.stringify(other.compile(s.ruleset).score(s.evidence, { findings: s.findings }))).toBe(bytes);
        // Scoring twice with one compiled ruleset (its context object is reused) gives the same bytes.
        const compiled = engine.compile(s.ruleset);
        compiled.score(shuffled.evidence, { findings: shuffled.findings });
        expect(JSON.stringify(compiled.score(s.evidence, { findings: s.findings }))).toBe(bytes);
      }),
      RUNS,
    );
  });

  describe('5. monotonicity: better evidence never lowers an item', () => {
    type Pair = { worse: UnitEvidence; better: UnitEvidence; worseFindings: Finding[]; betterFindings: Finding[] };
    const MISSING = undefined;
    const pairFor = (rs: Ruleset, method: MethodName): fc.Arbitrary<Pair> => {
      const [item] = itemsOf(rs);
      const p = item!.params;
      const field = rs.fields[0];
      const docs = requiredDocs(rs);
      /** Two values of the item's field, ordered worse-first by `rank`; missing is the worst evidence. */
      const ordered = (type: Parameters<typeof arbFieldValue>[0], rank: (v: FieldValue) => number) =>
        fc.tuple(fc.option(arbFieldValue(type, docs.get(field?.name ?? '') ?? []), { nil: MISSING, freq: 6 }), fc.option(arbFieldValue(type), { nil: MISSING, freq: 6 })).map(([a, b]) => {
          const r = (v: FieldValue | undefined) => (v === MISSING ? -Infinity : rank(v));
          return r(a) <= r(b) ? [a, b] : [b, a];
        });
      const one = (v: FieldValue | undefined): Json => (v === MISSING ? {} : { [field!.name]: v });
      let values: fc.Arbitrary<[Json, Json]>;
      const asc = (v: FieldValue) => v as number;
      const desc = (v: FieldValue) => -(v as number);
      switch (method) {
        case 'presence':
          values = ordered('boolean', (v) => (v ? 1 : 0)).map(([a, b]) => [one(a), one(b)]);
          break;
        case 'per-finding':
          values = ordered('integer', desc).map(([a, b]) => [one(a), one(b)]);
          break;
        case 'per-missing':
          values = fc
            .tuple(fc.option(arbFieldValue('documents', p['required'] as string[]), { nil: MISSING, freq: 6 }), arbFieldValue('documents', p['required'] as string[]))
            .map(([a, extra]) => [one(a), one([...new Set([...((a as string[] | undefined) ?? []), ...(extra as string[])])])]);
          break;
        case 'threshold':
          values = ordered(field!.type, ['<', '<='].includes(p['op'] as string) ? asc : desc).map(([a, b]) => [one(a), one(b)]);
          break;
        case 'rate':
          values = ordered('rate', asc).map(([a, b]) => [one(a), one(b)]);
          break;
        case 'tiers':
          values = ordered(field!.type, p['by'] === 'atLeast' ? asc : desc).map(([a, b]) => [one(a), one(b)]);
          break;
        case 'checklist':
          // Per sub-point: missing < false < true, the better side at least as good on each.
          values = fc
            .array(fc.tuple(fc.constantFrom(MISSING, false, true), fc.constantFrom(MISSING, false, true)), { minLength: rs.fields.length, maxLength: rs.fields.length })
            .map((pairs) => {
              const r = (v: boolean | undefined) => (v === MISSING ? 0 : v ? 2 : 1);
              const worse: Json = {};
              const better: Json = {};
              pairs.forEach(([a, b], i) => {
                const [w, bt] = r(a) <= r(b) ? [a, b] : [b, a];
                const name = rs.fields[i]!.name;
                if (w !== MISSING) worse[name] = w;
                if (bt !== MISSING) better[name] = bt;
              });
              return [worse, better];
            });
          break;
        case 'expert-grade':
          values = fc.constant([{}, {}]);
          break;
      }
      // Expert grades: the better side's grade is worth at least as much (no grade is the worst).
      const gradeTable = (p['grades'] as Record<string, number> | undefined) ?? DEFAULT_GRADES;
      const gradePair: fc.Arbitrary<[string | undefined, string | undefined]> =
        method === 'expert-grade'
          ? fc.tuple(fc.option(fc.constantFrom(...Object.keys(gradeTable)), { nil: undefined, freq: 5 }), fc.option(fc.constantFrom(...Object.keys(gradeTable)), { nil: undefined, freq: 5 })).map(([a, b]) => {
              const r = (g: string | undefined) => (g === undefined ? -1 : (gradeTable[g] as number));
              return r(a) <= r(b) ? [a, b] : [b, a];
            })
          : fc.constant([undefined, undefined]);
      return fc
        .record({
          unit: arbUnit(),
          values,
          grades: gradePair,
          gradeSource: fc.constantFrom<'data-check' | 'onsite'>('data-check', 'onsite'),
          findings: arbFindings(rs, { grades: false, maxLength: 2 }),
        })
        .map(({ unit, values: [w, b], grades: [gw, gb], gradeSource, findings }) => {
          const withGrade = (g: string | undefined): Finding[] =>
            g === undefined ? findings : [...findings, { item: item!.id, source: gradeSource, type: 'grade', grade: g }];
          return {
            worse: { unit, values: w as Record<string, FieldValue> },
            better: { unit, values: b as Record<string, FieldValue> },
            worseFindings: withGrade(gw),
            betterFindings: withGrade(gb),
          };
        });
    };

    for (const method of METHODS) {
      it(method, () => {
        fc.assert(
          fc.property(
            arbSingleItemRuleset(method).chain((rs) => fc.tuple(fc.constant(rs), pairFor(rs, method))),
            ([rs, pair]) => {
              const compiled = engine.compile(rs);
              const worse = compiled.score(pair.worse, { findings: pair.worseFindings }).nodes[0] as ScoreNode;
              const better = compiled.score(pair.better, { findings: pair.betterFindings }).nodes[0] as ScoreNode;
              expect(m(better.earned)).toBeGreaterThanOrEqual(m(worse.earned));
            },
          ),
          RUNS,
        );
      });
    }
  });

  it('6. not-applicable items leave the maximum and the normalised total consistent', () => {
    fc.assert(
      fc.property(arbScenario(), (s) => {
        const card = score(s);
        const kind = s.evidence.unit.kind;
        const rootMode = s.ruleset.childrenMax ?? 'equal';
        let allEqual = true;
        let applicableMax = 0;
        for (const { node, src } of walk(card, s.ruleset)) {
          if (!isItem(node)) {
            if (src['items'] === undefined && ((src['childrenMax'] as string | undefined) ?? rootMode) === 'cap') allEqual = false;
            continue;
          }
          const kinds = (src['applicability'] as { kinds?: string[] } | undefined)?.kinds;
          const applicable = kinds === undefined || kinds.includes(kind);
          expect(node.applicable).toBe(applicable);
          if (!applicable) {
            expect(node.max).toBe(0);
            expect(node.earned).toBe(0);
            expect(node.deductions ?? []).toEqual([]);
            expect(node.notApplicableReason).toBeTruthy();
          } else {
            expect(m(node.max)).toBe(m(src['max'] as number));
          }
        }
        for (const it of itemsOf(s.ruleset)) {
          const kinds = (it.node['applicability'] as { kinds?: string[] } | undefined)?.kinds;
          if (!it.bonus && (kinds === undefined || kinds.includes(kind))) applicableMax += m(it.node['max'] as number);
        }
        if (allEqual) expect(m(card.max)).toBe(applicableMax);
        const scale = s.ruleset.normalize?.scale;
        if (scale === undefined) expect(card.normalized).toBeUndefined();
        else {
          // With coverage: the shortfall under the node is counted at the declared rate.
          const cov = s.ruleset.normalize?.coverage;
          const nodeMax = cov === undefined ? 0 : (card.nodes.find((n) => n.id === cov.node)?.max ?? 0);
          const short = cov === undefined ? 0 : Math.max(0, cov.min - nodeMax);
          if (cov !== undefined) expect(card.coverage).toMatchObject({ node: cov.node, max: nodeMax, min: cov.min, rate: cov.rate, thin: short > 0 });
          const base = card.max + short;
          const expected = base === 0 ? card.bonus : ((card.earned + (short * (cov?.rate ?? 0)) / 100) / base) * scale + card.bonus;
          expect(card.normalized).toBeDefined();
          expect(Math.abs((card.normalized as number) - expected)).toBeLessThanOrEqual(0.001);
          if (base === 0) expect(m(card.normalized as number)).toBe(m(card.bonus));
        }
      }),
      RUNS,
    );
  });

  it('7. every number of points in the card has at most three decimals', () => {
    const three = (x: unknown, where: string) => {
      expect(typeof x, where).toBe('number');
      const n = x as number;
      expect(Number.isFinite(n), where).toBe(true);
      expect(Math.abs(n * 1000 - Math.round(n * 1000)), `${where} = ${n}`).toBeLessThan(1e-9);
    };
    fc.assert(
      fc.property(arbScenario(), (s) => {
        const card = score(s);
        for (const k of ['max', 'earned', 'bonus', 'total'] as const) three(card[k], k);
        if (card.normalized !== undefined) three(card.normalized, 'normalized');
        for (const { node } of walk(card, s.ruleset)) {
          three(node.max, `${node.id}.max`);
          three(node.earned, `${node.id}.earned`);
          for (const d of node.deductions ?? []) {
            three(d.points, `${node.id} deduction`);
            if (d.requested !== undefined) three(d.requested, `${node.id} requested`);
          }
        }
      }),
      RUNS,
    );
  });
});
