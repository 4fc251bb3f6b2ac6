/**
 * What the studio computes, without the page: compile the editor's text (every problem placed
 * in the text), score every loaded unit the rubric applies to, and compare two runs. The UI
 * calls these; the Node tests call them too, so the page shows what Node computes.
 */
import { migrateEvidence, RulesetError, SafecityError, type CompiledRuleset, type Engine, type Finding, type Ruleset, type ScoreCard, type UnitEvidence } from '@safecity/engine';
import { parseText, spanOf, type Span } from './pointer.js';

/** One problem of the text, where the author sees it. */
export interface TextProblem {
  readonly span: Span;
  /** The JSON pointer the engine named (absent for a syntax error). */
  readonly pointer?: string;
  readonly message: string;
}

/** The editor's text, compiled. */
export interface Compiled {
  /** The compiled rubric, when the text has no problem. */
  readonly ruleset: CompiledRuleset | undefined;
  readonly problems: readonly TextProblem[];
  /** Milliseconds the compile took. */
  readonly ms: number;
}

/** Compiles the editor's text with the engine; a patch (`extends`) against `bases`. */
export function compileText(engine: Engine, text: string, bases: readonly Ruleset[]): Compiled {
  const t0 = performance.now();
  const parsed = parseText(text, engine.limits.maxJsonDepth);
  if (parsed.errors.length > 0 || parsed.root === undefined) {
    return { ruleset: undefined, problems: parsed.errors.map((e) => ({ span: e.span, message: e.message })), ms: performance.now() - t0 };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // jsonc-parser accepted what JSON.parse refuses (it should not): say so at the start.
    return { ruleset: undefined, problems: [{ span: { from: 0, to: 1 }, message: `JSON 语法错误：${(e as Error).message}` }], ms: performance.now() - t0 };
  }
  try {
    const ruleset = engine.compile(value, { bases });
    return { ruleset, problems: [], ms: performance.now() - t0 };
  } catch (e) {
    if (!(e instanceof SafecityError)) throw e;
    const problems = e.issues.map((i) => {
      const pointer = i.path.startsWith('/') || i.path === '' ? i.path : '';
      return { span: spanOf(parsed.root, pointer) ?? { from: 0, to: 1 }, pointer, message: i.message };
    });
    return { ruleset: undefined, problems: e instanceof RulesetError || problems.length > 0 ? problems : [{ span: { from: 0, to: 1 }, message: e.message }], ms: performance.now() - t0 };
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** One unit's result under the rubric, or why it has none. */
export type UnitResult =
  | {
      readonly unit: UnitEvidence['unit'];
      readonly ok: true;
      readonly total: number;
      /** Points lost on the applicable items (their max − earned): what the deductions add up to. */
      readonly lost: number;
      readonly grade: string | null;
      readonly vetoed: boolean;
      /** Set when the evidence was written for another edition and carried over to this one. */
      readonly migrated?: Migrated;
    }
  | { readonly unit: UnitEvidence['unit']; readonly ok: false; readonly problems: ReadonlyArray<{ readonly path: string; readonly message: string }> };

/** The evidence the studio scores: each unit's values, and both checks' findings by unit id. */
export interface EvidenceSet {
  readonly units: readonly UnitEvidence[];
  readonly findings: Readonly<Record<string, readonly Finding[]>>;
  /**
   * The edition each unit's evidence was written for, by unit id: under a rubric with another
   * id (next year's edition), the evidence is carried over first, as `safecity migrate` does.
   */
  readonly writtenFor?: ReadonlyMap<string, CompiledRuleset>;
}

/** How a unit's evidence was carried over from the edition it was written for. */
export interface Migrated {
  /** `xian-2022/district 2.0.0` */
  readonly from: string;
  /** Values that did not carry over (a retired field, a value that no longer fits). */
  readonly notCarried: number;
  /** Fields the new edition asks for that the evidence has no value for. */
  readonly missing: number;
}

/**
 * A unit's evidence and findings as `ruleset` takes them: as they are, or, when they were written
 * for an edition with another id, carried over by `migrateEvidence` (throws EvidenceError when
 * the unit is not evaluated under `ruleset`).
 */
export function carryOver(ruleset: CompiledRuleset, evidence: EvidenceSet, e: UnitEvidence): { evidence: UnitEvidence; findings: readonly Finding[]; migrated?: Migrated } {
  const findings = evidence.findings[e.unit.id] ?? [];
  const from = evidence.writtenFor?.get(e.unit.id);
  if (from === undefined || from.id === ruleset.id) return { evidence: e, findings };
  const m = migrateEvidence(e, ruleset, { from, findings });
  return { evidence: m.evidence, findings: m.findings, migrated: { from: `${from.id} ${from.version}`, notCarried: m.report.notCarried.length, missing: m.report.missing.length } };
}

/** How `scoreAll` takes a unit's evidence (`carryOver`, or a cache of it). */
export type CarryOver = typeof carryOver;

/**
 * `carryOver` with a memory: carrying a unit's evidence over depends only on the edition's id,
 * edition year, migration map, fields and the items the unit is scored on (their ids and
 * the fields they read) — not on points, thresholds or texts. An edit that changes none of
 * those (most edits) reuses last compile's result instead of migrating every unit again.
 */
export function carryOverCache(): CarryOver {
  const keys = new WeakMap<CompiledRuleset, string>();
  const memo = new Map<string, { key: string; e: UnitEvidence; findings: readonly Finding[] | undefined; from: CompiledRuleset | undefined; out: ReturnType<typeof carryOver> }>();
  const rulesetKey = (r: CompiledRuleset): string => {
    let k = keys.get(r);
    if (k === undefined) {
      // Not the version: what is carried and what is reported does not name it.
      k = JSON.stringify([r.id, r.edition, r.migration ?? null, r.fields, r.generalFields, r.items.map((i) => [i.id, i.fields, i.conditionFields])]);
      keys.set(r, k);
    }
    return k;
  };
  return (ruleset, evidence, e) => {
    const from = evidence.writtenFor?.get(e.unit.id);
    if (from === undefined || from.id === ruleset.id) return carryOver(ruleset, evidence, e);
    const key = `${rulesetKey(ruleset)}\u0000${ruleset.itemsFor(e.unit).map((i) => i.id).join(',')}`;
    const findings = evidence.findings[e.unit.id];
    const hit = memo.get(e.unit.id);
    if (hit !== undefined && hit.key === key && hit.e === e && hit.findings === findings && hit.from === from) return hit.out;
    const out = carryOver(ruleset, evidence, e);
    memo.set(e.unit.id, { key, e, findings, from, out });
    return out;
  };
}

/** Every loaded unit the rubric applies to (by kind), scored; and how long it took. */
export function scoreAll(ruleset: CompiledRuleset, evidence: EvidenceSet, carry: CarryOver = carryOver): { results: UnitResult[]; ms: number } {
  const t0 = performance.now();
  const kinds = new Set(ruleset.unitKinds);
  const results: UnitResult[] = [];
  for (const e of evidence.units) {
    if (!kinds.has(e.unit.kind)) continue;
    try {
      const c = carry(ruleset, evidence, e);
      const r = ruleset.evaluate(c.evidence, { findings: c.findings });
      results.push({ unit: e.unit, ok: true, total: r.total, lost: round2(r.max - r.earned), grade: r.grade, vetoed: r.vetoed, ...(c.migrated ? { migrated: c.migrated } : {}) });
    } catch (err) {
      if (!(err instanceof SafecityError)) throw err;
      results.push({ unit: e.unit, ok: false, problems: err.issues.map((i) => ({ path: i.path, message: i.message })) });
    }
  }
  return { results, ms: performance.now() - t0 };
}

/** One unit's card (reasons and suggestions in `lang`), or the problems that stop it. */
export function cardOf(ruleset: CompiledRuleset, evidence: UnitEvidence, findings: readonly Finding[], lang: 'zh' | 'en'): { card: ScoreCard } | { problems: Array<{ path: string; message: string }> } {
  try {
    return { card: ruleset.score(evidence, { findings, lang }) };
  } catch (err) {
    if (!(err instanceof SafecityError)) throw err;
    return { problems: err.issues.map((i) => ({ path: i.path, message: i.message })) };
  }
}

/** A unit's row in the table: its result now, and the change from the rubric as opened. */
export interface Movement {
  readonly unit: UnitEvidence['unit'];
  readonly now: UnitResult;
  readonly before: UnitResult | undefined;
  /** now − before, in points (two decimals); undefined when either has no total. */
  readonly delta: number | undefined;
  /** Rank now (1 = highest total), among units with a total. */
  readonly rank: number | undefined;
  readonly rankBefore: number | undefined;
}

function ranks(results: readonly UnitResult[]): Map<string, number> {
  const sorted = results.filter((r): r is Extract<UnitResult, { ok: true }> => r.ok).sort((a, b) => b.total - a.total);
  const out = new Map<string, number>();
  // Equal totals share a rank (1, 2, 2, 4), as a ranking table prints them.
  sorted.forEach((r, i) => out.set(r.unit.id, i > 0 && sorted[i - 1]!.total === r.total ? out.get(sorted[i - 1]!.unit.id)! : i + 1));
  return out;
}

/**
 * The units now against the rubric as opened: every unit now scored, with its change in total
 * and rank, sorted by total (highest first; units without a total last, by id).
 */
export function movements(now: readonly UnitResult[], before: readonly UnitResult[] | undefined): Movement[] {
  const old = new Map((before ?? []).map((r) => [r.unit.id, r]));
  const rankNow = ranks(now);
  const rankOld = ranks(before ?? []);
  const out = now.map((r): Movement => {
    const b = old.get(r.unit.id);
    const delta = r.ok && b !== undefined && b.ok ? round2(r.total - b.total) : undefined;
    return { unit: r.unit, now: r, before: b, delta, rank: rankNow.get(r.unit.id), rankBefore: rankOld.get(r.unit.id) };
  });
  return out.sort((a, b) => (a.now.ok ? a.now.total : -Infinity) === (b.now.ok ? b.now.total : -Infinity) ? a.unit.id.localeCompare(b.unit.id) : (b.now.ok ? b.now.total : -Infinity) - (a.now.ok ? a.now.total : -Infinity));
}

/** Points as officials read them: at most two decimals, no trailing zeros (`3`, `2.5`, `0.25`). */
export function points(x: number): string {
  return String(round2(x));
}

/** A change in points with its sign (`+1.5`, `−2`, `0`). */
export function signed(x: number): string {
  return x > 0 ? `+${points(x)}` : x < 0 ? `−${points(-x)}` : '0';
}
