// Smoke test of `npm run bench`: the workloads, every engine agreeing on every unit's total, the
// interleaving, and every goal present with a number at smoke size. It never asserts a time
// (nor whether a target is met). Needs the build (the command and the bundle run from dist).
import { describe, expect, it } from 'vitest';
import { createEngine } from '@safecity/engine';
import {
  ENGINES,
  LOGIC_ENGINES,
  SECOND_ENGINES,
  SMOKE,
  checkAgreement,
  interleave,
  makeLogicWorkload,
  makeSecondWorkload,
  makeWorkload,
  ratioOf,
  runBench,
} from '../src/index.mjs';

describe('bench workload', () => {
  it('is the same for the same seed, and a valid ruleset with the method mix asked for', () => {
    const a = makeWorkload({ units: 48, items: 150, seed: 7 });
    const b = makeWorkload({ units: 48, items: 150, seed: 7 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(makeWorkload({ units: 48, items: 150, seed: 8 }))).not.toBe(JSON.stringify(a));
    const compiled = createEngine().compile(a.ruleset);
    expect(compiled.items).toHaveLength(150);
    const mix: Record<string, number> = {};
    for (const i of compiled.items) mix[i.method] = (mix[i.method] ?? 0) + 1;
    expect(mix['logic']).toBe(15);
    for (const m of ['presence', 'per-finding', 'per-missing', 'threshold', 'rate', 'tiers']) expect(mix[m]).toBeGreaterThanOrEqual(22);
    // Realistic spread: deductions of every kind, and some items without evidence.
    const codes = new Set<string>();
    const walk = (n: { deductions?: Array<{ code: string }>; children?: unknown[] }) => {
      for (const d of n.deductions ?? []) codes.add(d.code);
      for (const c of n.children ?? []) walk(c as typeof n);
    };
    for (const ev of a.evidence) for (const n of compiled.score(ev).nodes) walk(n);
    expect([...codes].sort()).toEqual(['absent', 'below', 'breached', 'findings', 'logic', 'missing', 'no-evidence', 'tier']);
  });

  it("is scored the same by evaluate() and score(): totals, and evaluate's card is score's", () => {
    const w = makeWorkload({ units: 12, items: 150, seed: 3 });
    const compiled = createEngine().compile(w.ruleset);
    for (const ev of w.evidence) {
      const e = compiled.evaluate(ev);
      const card = compiled.score(ev);
      expect([e.max, e.earned, e.bonus, e.total, e.grade, e.vetoed]).toEqual([card.max, card.earned, card.bonus, card.total, card.grade, card.vetoed]);
      expect(JSON.stringify(e.toScoreCard())).toBe(JSON.stringify(card));
    }
  });
});

describe('the second and the all-JsonLogic workloads', () => {
  it('are deterministic, valid rulesets of the shapes asked for, and differ from the city', () => {
    const a = makeSecondWorkload({ units: 48, items: 150 });
    expect(JSON.stringify(makeSecondWorkload({ units: 48, items: 150 }))).toBe(JSON.stringify(a));
    const compiled = createEngine().compile(a.ruleset);
    expect(compiled.items).toHaveLength(150);
    const mix: Record<string, number> = {};
    for (const i of compiled.items) mix[i.method] = (mix[i.method] ?? 0) + 1;
    expect(Object.keys(mix).sort()).toEqual(['logic', 'per-finding', 'per-missing', 'presence', 'tiers']);
    for (const n of Object.values(mix)) expect(n).toBeGreaterThanOrEqual(15);
    // Document lists: documents fields, scored per missing document.
    expect(a.ruleset.fields.filter((f) => f.type === 'documents').length).toBe(mix['per-missing']);
    // Keys not in declared order (the city's are), and gaps.
    const declared = a.ruleset.fields.map((f) => f.name);
    const keys = Object.keys(a.evidence[0]!.values);
    expect(keys).not.toEqual(declared.filter((n) => keys.includes(n)));
    expect(a.evidence.some((ev) => Object.keys(ev.values).length < 150)).toBe(true);

    const l = makeLogicWorkload({ units: 48, items: 150 });
    const cl = createEngine().compile(l.ruleset);
    expect(cl.items.every((i) => i.method === 'logic')).toBe(true);
    // Every field reported, none empty: the same data means the same to every JsonLogic engine.
    for (const ev of l.evidence) expect(Object.values(ev.values).filter((v) => v === null || v === undefined)).toEqual([]);
    expect(Object.keys(l.evidence[0]!.values)).toHaveLength(l.ruleset.fields.length);
  });

  it('agree: every engine gives every unit the same total', async () => {
    for (const [w, engines] of [
      [makeSecondWorkload({ units: 10, items: 150 }), SECOND_ENGINES],
      [makeLogicWorkload({ units: 10, items: 150 }), LOGIC_ENGINES],
    ] as const) {
      const { totals, disagreements } = await checkAgreement(w, engines);
      expect(disagreements).toEqual([]);
      // Not all units score the same (the workload discriminates).
      expect(new Set(totals['safecity']).size).toBeGreaterThan(1);
    }
  });
});

describe('bench --smoke', () => {
  it('every engine agrees on every unit total', async () => {
    const w = makeWorkload({ units: SMOKE.units, items: SMOKE.items });
    const { totals, disagreements } = await checkAgreement(w);
    expect(disagreements).toEqual([]);
    expect(Object.keys(totals)).toEqual(ENGINES.map((e) => e.name));
    // evaluate(), score() and the plugin copies all take part, and give the same totals.
    expect(totals['safecity']).toEqual(totals['safecity-score']);
    expect(totals['safecity']).toEqual(totals['safecity-plugin']);
    for (const t of Object.values(totals)) expect(t).toHaveLength(SMOKE.units);
  });

  it('reports a disagreement, naming the unit and the engine', async () => {
    const w = makeWorkload({ units: 3, items: 20 });
    const off = { name: 'off-by-one', prepare: (wl: typeof w) => () => wl.evidence.map((_, u) => (u === 1 ? 1 : 0)) };
    const zero = { name: 'zero', prepare: (wl: typeof w) => () => wl.evidence.map(() => 0) };
    const { disagreements } = await checkAgreement(w, [zero, off]);
    expect(disagreements).toEqual([{ unit: 'd02', engine: 'off-by-one', expected: 0, actual: 1, reference: 'zero' }]);
    // An engine that throws is a failure named in the result, not a crash (the reference must run).
    const boom = {
      name: 'boom',
      prepare: () => {
        throw new Error('unknown method "bench-presence"\nat …');
      },
    };
    const withBoom = await checkAgreement({ ...w, name: 'city' }, [zero, boom, off]);
    expect(withBoom.failures).toEqual([{ workload: 'city', engine: 'boom', error: 'unknown method "bench-presence"' }]);
    expect(withBoom.disagreements).toHaveLength(1);
    await expect(checkAgreement(w, [boom, zero])).rejects.toThrow(/unknown method/);
  });

  it('interleaves: a ratio is the median of per-round ratios, with its spread', async () => {
    const timed = { samples: { a: [2, 9, 4, 100], b: [1, 3, 1, 50] }, reps: {}, rounds: 4, warmup: 0, clock: 'cpu' as const };
    // Per round 2, 3, 4, 2: median 2.5 (the ratio of medians would be 6.5 / 2 = 3.25).
    expect(ratioOf(timed, 'a', 'b')).toMatchObject({ value: 2.5, rounds: [2, 3, 4, 2] });
    const order: string[] = [];
    const t = await interleave(
      ['x', 'y', 'z'].map((name) => ({ name, fn: () => order.push(name) })),
      { rounds: 3, warmup: 1, minSlotMs: 0 },
    );
    // One calibration call each, then rounds starting at a rotated runner.
    expect(order.join('')).toBe('xyz' + 'zxy' + 'xyz' + 'yzx' + 'zxy');
    expect(Object.values(t.samples).map((s) => s.length)).toEqual([3, 3, 3]);
  });

  it('runs end to end: every goal present with a number, ratios positive', async () => {
    const r = await runBench({ smoke: true });
    expect(r.agree).toBe(true);
    expect(r.disagreements).toEqual([]);
    const ids = r.goals.map((g) => g.id);
    expect(ids).toEqual([
      'evaluate-vs-hand.city',
      'evaluate-vs-json-logic-engine.city',
      'score-vs-card-floor.city',
      'input-check.city',
      'evaluate-checked-vs-hand.city',
      'check-once-vs-hand.city',
      'evaluate-vs-hand.second',
      'evaluate-vs-json-logic-engine.second',
      'score-vs-card-floor.second',
      'input-check.second',
      'evaluate-checked-vs-hand.second',
      'check-once-vs-hand.second',
      'logic-vs-json-logic-engine',
      'logic-vs-json-logic-js',
      'plugin-method-vs-builtin',
      `compile.${SMOKE.compileItems[1]}`,
      `compile.${SMOKE.compileItems[0]}`,
      'compile-growth',
      'create-engine',
      'bundle-gzip',
      'bundle-min',
      'excel-vs-exceljs',
      'unzip-vs-exceljs',
      'json-evidence-per-unit',
      'cli-version',
      'cli-validate',
    ]);
    expect(r.notes.filter((n) => !n.startsWith('the browser bundle imports'))).toEqual([]);
    for (const g of r.goals) {
      expect(Object.keys(g)).toEqual(expect.arrayContaining(['id', 'what', 'value', 'unit', 'target', 'ok']));
      expect(['ratio', 'ms', 'bytes', 'MB']).toContain(g.unit);
      expect(Number.isFinite(g.value), g.id).toBe(true);
      // The input check is a difference of two timings, which noise can make negative at this size.
      if (g.id.startsWith('input-check')) continue;
      expect(g.value, g.id).toBeGreaterThan(0);
      if (g.target !== null) expect(g.ok).toBe((g.value as number) <= g.target);
    }
    // The browser bundle lists the Node built-ins it imports (none is the goal).
    expect(Array.isArray(r.goals.find((g) => g.id === 'bundle-gzip')?.nodeBuiltins)).toBe(true);
    expect(r.details.city.cardFloorByHand).toBe(true);
    expect(r.details.second.cardFloorByHand).toBe(true);
    expect(r.workloads['city']?.engines).toContain('json-rules-engine');
    expect(Object.keys(r.details.city.engines)).not.toContain('json-rules-engine');
    expect(r.maxRssMB).toBeGreaterThan(0);
    // About 15 s on a quiet 2-core machine; the margin is for a busy one (the command is spawned).
  }, 240_000);
});
