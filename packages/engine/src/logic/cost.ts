/**
 * The cost model of JsonLogic rules, after CEL's: a rule's worst-case cost is estimated at
 * compile time from the sizes of its literals and the nesting of its operators, and a rule over
 * the budget (`EngineLimits.maxLogicCost`) is refused before it ever runs. Evaluation then
 * counts the same steps (see `compile.ts`) and stops at `maxLogicSteps`.
 *
 * What one step is (counted at run time, and bounded here):
 * - every operator in the rule: 1, each time the scope it stands in is evaluated (the rule once,
 *   or the per-element rule of an iterating operator once per element), whether or not a branch
 *   is taken; a plugin's operator is one step like any other;
 * - an array written in the rule: its length (it is built afresh each time);
 * - `map filter reduce all some none`: per element, 1 + the steps of the per-element rule;
 *   `reduce` also carries its accumulator into each step that reads it, at its size;
 * - `merge`: the length of the array it builds; `in`: the length of the list it searches;
 *   `missing`, `missing_some`: the number of keys they check;
 * - texts (`cat`'s result, the text `in` searches, a text accumulator): one step per 16
 *   characters, plus one (`CHARS_PER_STEP`, as CEL charges a fraction of a step per character).
 *
 * The estimate adds what the run-time count does not see: turning a list the rule built into
 * text (`cat`, comparisons, arithmetic and `substr` coerce their arguments); a list or text from
 * evidence is not counted when coerced or carried by `reduce` (evidence is bounded by its own
 * limits, and the run-time count sees what a rule does with it). Sizes are tracked as shapes
 * (length, element shape, text size); a list or text read from evidence, or given by a plugin's
 * operator, is assumed to hold at most `maxLogicInputLength` elements or characters (each element
 * a text of that length at most). For a rule that reads no evidence list, the counted steps never
 * exceed the estimate.
 * @module
 */
import type { LogicIssue } from './types.js';
import { escapePointer, pathSegments } from './runtime.js';
import { groupDigits } from '../errors.js';

/** The limits the compiler checks rules against (a subset of `EngineLimits`). */
export interface LogicLimits {
  readonly maxJsonDepth: number;
  readonly maxLogicCost: number;
  readonly maxLogicSteps: number;
  readonly maxLogicInputLength: number;
}

// ---------------------------------------------------------------------------------------------
// The rule's structure: depth, cycles and size, checked without recursion.

interface Visit {
  readonly v: unknown;
  readonly depth: number;
  readonly parent: Visit | null;
  readonly key: string;
  readonly exit: boolean;
}

function pointerOf(base: string, at: Visit): string {
  const keys: string[] = [];
  for (let e: Visit | null = at; e !== null && e.parent !== null; e = e.parent) keys.push(escapePointer(e.key));
  return base + (keys.length === 0 ? '' : '/' + keys.reverse().join('/'));
}

/**
 * Checks, with an explicit stack (so a rule 100,000 levels deep is an issue, not a stack
 * overflow), that the rule nests no deeper than `maxDepth` arrays and objects, has no cycle (a
 * hand-built rule object) and holds at most `maxValues` arrays and objects. Returns the first
 * problem, or undefined.
 */
export function checkStructure(rule: unknown, base: string, maxDepth: number, maxValues: number): LogicIssue | undefined {
  const stack: Visit[] = [{ v: rule, depth: 0, parent: null, key: '', exit: false }];
  const open = new Set<object>();
  let count = 0;
  while (stack.length > 0) {
    const e = stack.pop() as Visit;
    const v = e.v;
    if (e.exit) {
      open.delete(v as object);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (open.has(v)) return { path: pointerOf(base, e), message: 'cyclic JsonLogic rule' };
    const depth = e.depth + 1;
    if (depth > maxDepth) {
      return { path: pointerOf(base, e), message: `the JsonLogic rule nests arrays and objects deeper than ${maxDepth} levels (maxJsonDepth)` };
    }
    if (++count > maxValues) {
      return { path: base, message: `the JsonLogic rule holds more than ${fmt(maxValues)} arrays and objects (maxLogicCost)` };
    }
    open.add(v);
    stack.push({ v, depth: e.depth, parent: e.parent, key: e.key, exit: true });
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const x: unknown = v[i];
        if (typeof x === 'object' && x !== null) stack.push({ v: x, depth, parent: e, key: String(i), exit: false });
      }
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as string;
        const x: unknown = (v as Record<string, unknown>)[k];
        if (typeof x === 'object' && x !== null) stack.push({ v: x, depth, parent: e, key: k, exit: false });
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Shapes: an upper bound of the size of a value.

/** What is known of a value's size; every number is an upper bound. */
interface Shape {
  /** Its number in the table that interns shapes (equal shapes are one object). */
  readonly id: number;
  /** May be an array. */
  readonly arr: boolean;
  /** May be a string. */
  readonly str: boolean;
  /** Most elements, as an array. */
  readonly n: number;
  /** Most characters, as a string. */
  readonly sl: number;
  /** Most characters when turned into text (`String(x)`). */
  readonly t: number;
  /**
   * May be (or hold) a list or text the rule built or wrote. Only those are counted when they are
   * coerced or carried by `reduce`: evidence is bounded by its own limits, and the step budget
   * counts what a rule does with it.
   */
  readonly built: boolean;
  /** Nesting depth of arrays and objects. */
  readonly d: number;
  /** Shape of the elements, when it may be an array. */
  readonly e: Shape | null;
  /** Shape of the property values, when it may be an object. */
  readonly p: Shape | null;
}

type ShapeFields = Omit<Shape, 'id'>;

/** The longest `String(x)` of a number, boolean, null or plain object ("-1.2345678901234567e-308"). */
const SCALAR_TEXT = 24;
/** Deeper shapes collapse into TOP (whose size is unbounded, so its cost is refused). */
const MAX_SHAPE_DEPTH = 80;

const SCALAR: Shape = { id: 0, arr: false, str: false, n: 0, sl: 0, t: SCALAR_TEXT, built: false, d: 0, e: null, p: null };
const TOP: Shape = { id: 1, arr: true, str: true, n: Infinity, sl: Infinity, t: Infinity, built: true, d: 0, e: null, p: null };

/**
 * Characters of text that cost one step (as CEL charges a tenth of a step per character): a
 * text of `n` characters costs `floor(n / 16) + 1` steps to build, search or carry.
 */
export const CHARS_PER_STEP = 16;

/** Steps of handling a text of at most `t` characters. */
function chars(t: number): number {
  return Math.floor(t / CHARS_PER_STEP) + 1;
}

/** a × b, where 0 × ∞ is 0 (nothing repeated no times). */
function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : a * b;
}

/** Work of coercing a value to a primitive (`String(list)` for a list the rule built). */
function coercion(s: Shape): number {
  return s.arr && s.built ? chars(s.t) : 0;
}

/** Work of carrying a reduce's accumulator into a step (a list or text the rule built). */
function carry(s: Shape): number {
  if (!s.built) return 0;
  return (s.arr ? s.n : 0) + (s.str ? chars(s.sl) : 0);
}

/**
 * The operations on shapes of one estimate. Shapes are interned (hash-consed): equal shapes are
 * the same object, so `same` is `===`, and `join` and `anyInside` are memoised. Shapes form a
 * DAG (an element shape and a property shape are often one shape): without sharing, walking it
 * doubles at every level, and a reduce whose accumulator holds itself reaches 80 levels.
 */
function shapeAlgebra() {
  const table = new Map<string, Shape>();
  let next = 2;
  const keyOf = (f: ShapeFields): string =>
    `${f.arr ? 1 : 0}${f.str ? 1 : 0}${f.built ? 1 : 0},${f.n},${f.sl},${f.t},${f.d},${f.e === null ? -1 : f.e.id},${f.p === null ? -1 : f.p.id}`;
  const mk = (f: ShapeFields): Shape => {
    const key = keyOf(f);
    const known = table.get(key);
    if (known !== undefined) return known;
    const s: Shape = { id: next++, ...f };
    table.set(key, s);
    return s;
  };
  table.set(keyOf(SCALAR), SCALAR);
  table.set(keyOf(TOP), TOP);
  const joins = new Map<number, Shape>();
  const insides = new Map<number, Shape>();

  function text(n: number, built = true): Shape {
    return mk({ arr: false, str: true, n: 0, sl: n, t: n, built, d: 0, e: null, p: null });
  }

  function arrayOf(n: number, e: Shape, built = true): Shape {
    const d = e.d + 1;
    if (d > MAX_SHAPE_DEPTH) return TOP;
    // "a,b,c": each element's text and a comma.
    return mk({ arr: true, str: false, n, sl: 0, t: mul(n, e.t + 1), built, d, e, p: null });
  }

  function objectOf(p: Shape): Shape {
    // Objects nest only through reduce's `{current, accumulator}` (linear in memory, and printed
    // as "[object Object]"): a deep one keeps the sizes of all it holds, flattened.
    if (p.d + 1 > MAX_SHAPE_DEPTH) {
      const all = anyInside(p);
      p = mk({ arr: all.arr, str: all.str, n: all.n, sl: all.sl, t: all.t, built: all.built, d: 0, e: null, p: null });
    }
    return mk({ arr: false, str: false, n: 0, sl: 0, t: SCALAR_TEXT, built: p.built, d: p.d + 1, e: null, p });
  }

  function joinOpt(a: Shape | null, b: Shape | null): Shape | null {
    if (a === null) return b;
    if (b === null) return a;
    return join(a, b);
  }

  /** The least shape both fit in. */
  function join(a: Shape, b: Shape): Shape {
    if (a === b) return a;
    if (a === TOP || b === TOP) return TOP;
    // Join is symmetric: one memo entry per unordered pair. Ids stay far below 2^26.
    const key = a.id < b.id ? a.id * 0x4000000 + b.id : b.id * 0x4000000 + a.id;
    const known = joins.get(key);
    if (known !== undefined) return known;
    const d = Math.max(a.d, b.d);
    let out: Shape;
    if (d > MAX_SHAPE_DEPTH) out = TOP;
    else {
      const e = joinOpt(a.e, b.e);
      const p = joinOpt(a.p, b.p);
      out = mk({ arr: a.arr || b.arr, str: a.str || b.str, n: Math.max(a.n, b.n), sl: Math.max(a.sl, b.sl), t: Math.max(a.t, b.t), built: a.built || b.built, d, e, p });
    }
    joins.set(key, out);
    return out;
  }

  /** The part of `s` that is not an array (what `merge` keeps as one element). */
  function nonArray(s: Shape): Shape {
    if (!s.arr) return s;
    return mk({ arr: false, str: s.str, n: 0, sl: s.sl, t: Math.max(s.sl, SCALAR_TEXT), built: s.built, d: s.p === null ? 0 : s.p.d + 1, e: null, p: s.p });
  }

  /** Any value found inside `s` (what a computed path may read). */
  function anyInside(s: Shape): Shape {
    const known = insides.get(s.id);
    if (known !== undefined) return known;
    let out = s;
    if (s.e !== null) out = join(out, anyInside(s.e));
    if (s.p !== null) out = join(out, anyInside(s.p));
    insides.set(s.id, out);
    return out;
  }

  /** What `k` path segments may reach from `s` (an element, a property, or `length`). */
  function descend(s: Shape, k: number): Shape {
    let cur = s;
    for (let i = 0; i < k; i++) cur = join(joinOpt(cur.e, cur.p) ?? SCALAR, SCALAR);
    return cur;
  }

  return { mk, text, arrayOf, objectOf, join, nonArray, anyInside, descend };
}

// ---------------------------------------------------------------------------------------------
// The estimate.

/** What the per-element rule reads as its data. */
type Scope =
  | { readonly kind: 'data' }
  | { readonly kind: 'element'; readonly s: Shape }
  | { readonly kind: 'reduce'; readonly current: Shape; readonly accumulator: Shape; readsAccumulator: boolean };

interface Est {
  /** Most steps one evaluation takes. */
  readonly c: number;
  /** The shape of the value it gives. */
  readonly s: Shape;
}

/** The estimate of a rule, and the iterating operator most to blame when it is over budget. */
export interface CostEstimate {
  /** Most steps one evaluation of the rule may take (may be `Infinity`). */
  cost: number;
  /** The outermost operator whose own cost is over the budget, when the rule is. */
  hot: { pointer: string; op: string; elements: number; each: number } | undefined;
  /** The estimate gave up (nested `reduce`s followed for more than `MAX_ESTIMATE_WORK` steps). */
  tooComplex: boolean;
}

/** Most operators and arrays the estimate of one rule visits before it gives up (and refuses it). */
export const MAX_ESTIMATE_WORK = 1_000_000;

const COERCING: ReadonlySet<string> = new Set(['==', '!=', '>', '>=', '<', '<=', '+', '-', '*', '/', '%', 'max', 'min', 'substr']);
const ITERATING: ReadonlySet<string> = new Set(['map', 'filter', 'reduce', 'all', 'none', 'some']);

function isLogic(rule: unknown): rule is Record<string, unknown> {
  return typeof rule === 'object' && rule !== null && !Array.isArray(rule) && Object.keys(rule).length === 1;
}

/**
 * Estimates the worst-case steps of one evaluation of `rule` (already checked by
 * `checkStructure` and compiled without issues). `isCustom(op)` says whether an operator is a
 * plugin's (one step, its result assumed to be evidence-sized). Work stops early, with an
 * infinite cost, once `limits.maxLogicCost` is passed inside a `reduce`.
 */
export function estimateCost(rule: unknown, base: string, isCustom: (op: string) => boolean, limits: LogicLimits): CostEstimate {
  const { mk, text, arrayOf, objectOf, join, nonArray, anyInside, descend } = shapeAlgebra();
  const L = limits.maxLogicInputLength;
  const budget = limits.maxLogicCost;
  const inputText = text(L, false);
  // A field's value: a number, a boolean, a date or enum text, or a list of document names.
  const FIELD = join(join(SCALAR, inputText), arrayOf(L, join(SCALAR, inputText), false));
  // The data: fields by name, and `unit` (id, name, kind).
  const DATA = objectOf(join(FIELD, objectOf(inputText)));
  const literals = new WeakMap<object, Shape>();
  let hot: CostEstimate['hot'];
  // The estimate's own work is bounded too: a reduce is followed step by step until its
  // accumulator stops growing, and nested reduces multiply those steps.
  let work = 0;
  let tooComplex = false;

  const literal = (v: unknown): Shape => {
    if (typeof v === 'string') return text(v.length);
    if (typeof v !== 'object' || v === null) return SCALAR;
    const known = literals.get(v);
    if (known !== undefined) return known;
    let s: Shape;
    if (Array.isArray(v)) {
      let e = SCALAR;
      for (let i = 0; i < v.length; i++) e = join(e, literal(v[i]));
      s = arrayOf(v.length, e);
    } else {
      let p = SCALAR;
      for (const k of Object.keys(v)) p = join(p, literal((v as Record<string, unknown>)[k]));
      s = objectOf(p);
    }
    literals.set(v, s);
    return s;
  };

  const read = (scope: Scope, segs: string[] | null): Shape => {
    if (scope.kind === 'data') return segs === null ? DATA : descend(DATA, segs.length);
    if (scope.kind === 'element') return segs === null ? scope.s : descend(scope.s, segs.length);
    const whole = objectOf(join(scope.current, scope.accumulator));
    if (segs === null || segs[0] === 'accumulator') scope.readsAccumulator = true;
    if (segs === null) return whole;
    const head = segs[0] === 'current' ? scope.current : segs[0] === 'accumulator' ? scope.accumulator : SCALAR;
    return descend(head, segs.length - 1);
  };

  const everything = (scope: Scope): Shape => {
    if (scope.kind === 'data') return anyInside(DATA);
    if (scope.kind === 'element') return anyInside(scope.s);
    scope.readsAccumulator = true;
    return anyInside(objectOf(join(scope.current, scope.accumulator)));
  };

  const est = (rule: unknown, ptr: string, scope: Scope): Est => {
    if (++work > MAX_ESTIMATE_WORK) {
      tooComplex = true;
      return { c: Infinity, s: TOP };
    }
    if (Array.isArray(rule)) {
      let c = Math.max(1, rule.length);
      let e = SCALAR;
      for (let i = 0; i < rule.length; i++) {
        const x: unknown = rule[i];
        const r = typeof x === 'object' && x !== null ? est(x, `${ptr}/${i}`, scope) : { c: 0, s: literal(x) };
        c += r.c;
        e = join(e, r.s);
      }
      return { c, s: arrayOf(rule.length, e) };
    }
    if (!isLogic(rule)) return { c: 0, s: literal(rule) };
    const op = Object.keys(rule)[0] as string;
    const raw = rule[op];
    const opPtr = `${ptr}/${escapePointer(op)}`;
    const args: unknown[] = Array.isArray(raw) ? raw : [raw];
    const argPtr = (i: number): string => (Array.isArray(raw) ? `${opPtr}/${i}` : opPtr);
    const one = (i: number, sc: Scope = scope): Est => (i < args.length ? est(args[i], argPtr(i), sc) : { c: 0, s: SCALAR });
    const all = (): Est[] => args.map((_, i) => one(i));
    const sumC = (rs: readonly Est[]): number => rs.reduce((a, r) => a + r.c, 1);
    const joinS = (rs: readonly Est[]): Shape => rs.reduce((a, r) => join(a, r.s), SCALAR);

    if (isCustom(op)) {
      const rs = all();
      return { c: sumC(rs), s: FIELD };
    }
    if (ITERATING.has(op)) return iteration(op, opPtr, one, scope);
    switch (op) {
      case 'var': {
        const rs = all();
        const p: unknown = args[0];
        const path = args.length === 0 ? read(scope, null) : typeof p === 'object' && p !== null ? everything(scope) : read(scope, pathSegments(p));
        return { c: sumC(rs), s: join(join(path, rs[1]?.s ?? SCALAR), SCALAR) };
      }
      case 'missing': {
        const rs = all();
        const first = rs[0]?.s;
        const keys = first !== undefined && first.arr ? Math.max(first.n, args.length) : args.length;
        const keyShape = first !== undefined ? join(joinS(rs), first.e ?? SCALAR) : SCALAR;
        return { c: sumC(rs) + keys, s: arrayOf(keys, keyShape) };
      }
      case 'missing_some': {
        const rs = all();
        const o = rs[1]?.s ?? SCALAR;
        const keys = Math.max(1, o.arr ? o.n : 0, o.e !== null && o.e.arr ? o.e.n : 0);
        return { c: sumC(rs) + keys, s: arrayOf(keys, anyInside(o)) };
      }
      case 'merge': {
        const rs = all();
        let n = 0;
        let e = SCALAR;
        for (const r of rs) {
          n += r.s.arr ? Math.max(r.s.n, 1) : 1;
          e = join(e, join(r.s.e ?? SCALAR, nonArray(r.s)));
        }
        return { c: sumC(rs) + n, s: arrayOf(n, e) };
      }
      case 'cat': {
        const rs = all();
        let t = 0;
        for (const r of rs) t += r.s.t;
        return { c: sumC(rs) + chars(t), s: text(t) };
      }
      case 'in': {
        const rs = all();
        const hay = rs[1]?.s ?? SCALAR;
        const needle = rs[0]?.s ?? SCALAR;
        const c = sumC(rs) + (hay.arr ? hay.n : 0) + (hay.str ? chars(hay.sl) + coercion(needle) : 0);
        return { c, s: SCALAR };
      }
      case 'substr': {
        const rs = all();
        const src = rs[0]?.s ?? SCALAR;
        return { c: sumC(rs) + rs.reduce((a, r) => a + coercion(r.s), 0), s: text(src.t) };
      }
      case 'if':
      case '?:':
      case 'and':
      case 'or': {
        const rs = all();
        return { c: sumC(rs), s: joinS(rs) };
      }
      case 'log': {
        const rs = all();
        return { c: sumC(rs), s: rs[0]?.s ?? SCALAR };
      }
      default: {
        const rs = all();
        let c = sumC(rs);
        if (COERCING.has(op)) for (const r of rs) c += coercion(r.s);
        // `*` of one argument gives it back as it is.
        const s = op === '*' && rs.length === 1 ? (rs[0] as Est).s : SCALAR;
        return { c, s };
      }
    }
  };

  const iteration = (op: string, opPtr: string, one: (i: number, sc?: Scope) => Est, scope: Scope): Est => {
    const src = one(0);
    const n = src.s.arr ? src.s.n : 0;
    const elem = src.s.e ?? SCALAR;
    let c = 1 + src.c;
    let s: Shape = SCALAR;
    let each = 0;
    if (op === 'reduce') {
      const init = one(2);
      c += init.c;
      let acc = join(init.s, SCALAR);
      let total = 0;
      for (let k = 0; k < n; k++) {
        const sc: Scope = { kind: 'reduce', current: elem, accumulator: acc, readsAccumulator: false };
        const r = one(1, sc);
        // Carrying the accumulator costs its size, when the step reads it.
        const step = 1 + r.c + (sc.readsAccumulator ? carry(acc) : 0);
        each = Math.max(each, step);
        const next = join(acc, r.s);
        if (next === acc) {
          // Nothing grows any more: every step left costs the same.
          total += mul(n - k, step);
          break;
        }
        total += step;
        acc = next;
        if (total > budget || tooComplex) {
          total = Infinity;
          break;
        }
      }
      c += total;
      s = acc;
    } else {
      const inner = one(1, { kind: 'element', s: elem });
      each = 1 + inner.c;
      c += mul(n, each);
      if (op === 'map') s = arrayOf(n, inner.s);
      else if (op === 'filter') s = arrayOf(n, elem);
    }
    if (c > budget) hot = { pointer: opPtr, op, elements: n, each };
    return { c, s };
  };

  const cost = est(rule, base, { kind: 'data' }).c;
  return { cost: tooComplex ? Infinity : cost, hot: tooComplex ? undefined : hot, tooComplex };
}

/** A count with thousands separators ("1,000,000"), or "unbounded". */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return 'unbounded';
  if (n >= 1e15) return n.toExponential(1);
  return groupDigits(Math.round(n));
}

/** The issue of a rule whose estimate is over the budget, naming the operator most to blame. */
export function overBudget(base: string, e: CostEstimate, limits: LogicLimits): LogicIssue {
  if (e.tooComplex) {
    return { path: base, message: `the JsonLogic rule's cost cannot be estimated within ${fmt(MAX_ESTIMATE_WORK)} steps (nested "reduce"s whose accumulators keep growing); simplify it` };
  }
  let message = `the JsonLogic rule may take ${fmt(e.cost)} steps, more than the budget of ${fmt(limits.maxLogicCost)} (maxLogicCost)`;
  if (e.hot !== undefined) {
    message += `: "${e.hot.op}" at ${e.hot.pointer} runs over up to ${fmt(e.hot.elements)} elements, up to ${fmt(e.hot.each)} steps each`;
  }
  return { path: base, message };
}
