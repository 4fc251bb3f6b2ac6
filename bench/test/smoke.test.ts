// Smoke test of `npm run bench`: the workload at smoke size, every engine agreeing on every
// unit's total. It never asserts a time.
import { describe, expect, it } from 'vitest';
import { createEngine } from '@safecity/engine';
import { ENGINES, SAFECITY_MODE, SMOKE, checkAgreement, makeWorkload, runBench } from '../src/index.mjs';

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

describe('bench --smoke', () => {
  it('every engine agrees on every unit total', async () => {
    const w = makeWorkload({ units: SMOKE.units, items: SMOKE.items });
    const { totals, disagreements } = await checkAgreement(w);
    expect(disagreements).toEqual([]);
    expect(Object.keys(totals)).toEqual(ENGINES.map((e) => e.name));
    // evaluate() and score() both take part, and give the same totals.
    expect(totals['safecity']).toEqual(totals['safecity-score']);
    for (const t of Object.values(totals)) expect(t).toHaveLength(SMOKE.units);
  });

  it('reports a disagreement, naming the unit and the engine', async () => {
    const w = makeWorkload({ units: 3, items: 20 });
    const off = { name: 'off-by-one', prepare: (wl: typeof w) => () => wl.evidence.map((_, u) => (u === 1 ? 1 : 0)) };
    const zero = { name: 'zero', prepare: (wl: typeof w) => () => wl.evidence.map(() => 0) };
    const { disagreements } = await checkAgreement(w, [zero, off]);
    expect(disagreements).toEqual([{ unit: 'd02', engine: 'off-by-one', expected: 0, actual: 1, reference: 'zero' }]);
  });

  it('runs end to end with every figure the report needs', async () => {
    const r = await runBench({ smoke: true });
    expect(r.agree).toBe(true);
    expect(r.rounds).toBe(1);
    expect(Object.keys(r.engines)).toEqual(['hand', 'safecity', 'safecity-score', 'json-logic-engine', 'json-logic-js', 'json-rules-engine']);
    for (const e of Object.values(r.engines)) {
      for (const k of ['msPerCity', 'ratioVsHand', 'ratioVsJsonLogicEngine', 'itemScoresPerSecond'] as const) expect(Number.isFinite(e[k])).toBe(true);
    }
    // The headline ratios are evaluate()'s, and say so; score()'s are reported beside them.
    expect(r.safecityMode).toBe(SAFECITY_MODE);
    expect(r.safecityMode).toMatch(/^evaluate/);
    expect(r.ratioVsHand).toBe(r.engines['safecity']?.ratioVsHand);
    expect(r.ratioVsJsonLogicEngine).toBe(r.engines['safecity']?.ratioVsJsonLogicEngine);
    expect(r.ratioVsHandRendered).toBe(r.engines['safecity-score']?.ratioVsHand);
    expect(r.ratioVsJsonLogicEngineRendered).toBe(r.engines['safecity-score']?.ratioVsJsonLogicEngine);
    for (const f of [r.cardFloor, r.keysFloor]) for (const k of ['msPerCity', 'ratioVsHand', 'safecityOverFloor'] as const) expect(Number.isFinite(f[k])).toBe(true);
    expect(r.keysFloor.keysPerUnit).toBeGreaterThan(0);
    expect(r.compile['workload']?.items).toBe(SMOKE.items);
    expect(r.maxRssMiB).toBeGreaterThan(0);
  });
});
