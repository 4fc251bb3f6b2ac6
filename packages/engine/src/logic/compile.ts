/**
 * A JsonLogic compiler that turns a rule into a tree of closures, once. No `eval`, no
 * `new Function`, no parsing at run time: each node of the rule becomes a `(data) => unknown`
 * closure built from its children's closures, operators are looked up at compile time only,
 * literals become constants.
 *
 * Semantics are those of json-logic-js 2.0.5 for every built-in operator, with these
 * deliberate differences:
 * - data is read through OWN properties only (`var`, `missing`, `missing_some`): a path never
 *   reaches a prototype (`__proto__`, `constructor`, `toString`… give the default / `null`).
 *   Arrays are indexed by numeric segments, and `length` works for arrays and strings (it is an
 *   own property of both), e.g. `{"var": "items.length"}`;
 * - `log` returns its argument WITHOUT printing anything;
 * - `method` (and json-logic-js's dotted `a.b` operator lookup) is not supported: unknown operator;
 * - `missing` / `missing_some` never evaluate a key taken from the data as a rule (json-logic-js
 *   re-applies `{"var": key}`, so a key that is a one-key object coming from the data would be
 *   run as logic); array keys keep json-logic-js's `[path, default]` meaning;
 * - custom operators are called with their evaluated arguments only (no `this` = data), so the
 *   paths a rule reads are exactly its `var` / `missing` / `missing_some` paths;
 * - a rule with issues (unknown operator, definitely wrong arity) compiles to a function that
 *   throws; json-logic-js would only throw when (and if) it reaches the bad node.
 * @module
 */

import {
  cat,
  catPart,
  copyArrays,
  escapePointer,
  inOp,
  missingKeys,
  missingOf,
  missingSomeKeys,
  pathGetter,
  pathSegments,
  slotGetter,
  readPath,
  substr,
  toNum,
  truthy,
} from './runtime.js';
import { EvaluationError } from '../errors.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { checkStructure, estimateCost, fmt, overBudget, type LogicLimits } from './cost.js';
import type {
  LogicFrame,
  LogicCompileResult,
  LogicCompiler,
  LogicFn,
  LogicIssue,
  LogicOperator,
  LogicRule,
  LogicVarRef,
} from './types.js';

/** A compiled node: its closure, and whether it is a literal (no operator anywhere inside). */
interface Node {
  readonly fn: LogicFn;
  /** True when the node holds no operator, so its value is known at compile time. */
  readonly lit: boolean;
  /** The literal value as written in the rule (only meaningful when `lit`). */
  readonly value: unknown;
}

/** Compilation state of one `compile` call. */
interface State {
  readonly custom: ReadonlyMap<string, LogicOperator>;
  readonly issues: LogicIssue[];
  readonly vars: LogicVarRef[];
  readonly dynamicVars: string[];
  /** > 0 inside the per-element rule of map / filter / reduce / all / none / some. */
  scoped: number;
  /** Objects and arrays on the path from the root, to detect cyclic rules. */
  readonly ancestors: Set<object>;
  /**
   * Slot compilation (see `LogicFrame`): a declared field's position; undefined when the rule
   * reads plain data objects.
   */
  readonly slots: ReadonlyMap<string, number> | undefined;
  readonly limits: LogicLimits;
  /**
   * Steps known at compile time of the scope being compiled (the rule, or the per-element rule
   * of the innermost iterating operator): 1 per operator, the length of each array written.
   */
  flat: number;
  /** Whether some closure counts steps at run time (then the rule's closure resets the meter). */
  dynamic: boolean;
  /**
   * Whether the per-element rule being compiled reads its whole data or `accumulator` (in a
   * `reduce`, carrying the accumulator is then counted at its size).
   */
  readsAccumulator: boolean;
  /** Steps left in the current evaluation of this rule; shared by its closures, never global. */
  readonly meter: Meter;
}

/** The step meter of one compiled rule. */
interface Meter {
  left: number;
}

/** An argument of an operator as written: the rule and its JSON pointer. */
interface Arg {
  readonly rule: unknown;
  readonly ptr: string;
}

type EagerFactory = (args: readonly Node[]) => LogicFn;

const BUILTINS: readonly string[] = Object.freeze([
  '!', '!!', '!=', '!==', '%', '*', '+', '-', '/', '<', '<=', '==', '===', '>', '>=', '?:',
  'all', 'and', 'cat', 'filter', 'if', 'in', 'log', 'map', 'max', 'merge', 'min', 'missing',
  'missing_some', 'none', 'or', 'reduce', 'some', 'substr', 'var',
]);
const BUILTIN_SET: ReadonlySet<string> = new Set(BUILTINS);

/**
 * Argument counts that are definitely wrong for a built-in (checked only when the arguments are
 * written as a literal list; a non-array argument counts as one). Conservative: every arity that
 * json-logic-js's shared test suite uses is accepted.
 */
const ARITY: ReadonlyMap<string, readonly [min: number, max: number]> = new Map([
  ['var', [0, 2]],
  ['missing_some', [2, 2]],
  ['==', [2, 2]],
  ['===', [2, 2]],
  ['!=', [2, 2]],
  ['!==', [2, 2]],
  ['>', [2, 2]],
  ['>=', [2, 2]],
  ['<', [2, 3]],
  ['<=', [2, 3]],
  ['/', [2, 2]],
  ['%', [2, 2]],
  ['-', [1, 2]],
  ['*', [1, Infinity]],
  ['!', [1, 1]],
  ['!!', [1, 1]],
  ['in', [2, 2]],
  ['substr', [1, 3]],
  ['log', [1, 1]],
  ['map', [2, 2]],
  ['filter', [2, 2]],
  ['all', [2, 2]],
  ['none', [2, 2]],
  ['some', [2, 2]],
  ['reduce', [2, 3]],
]);

/** What a framed getter returns for "not found" when the default is computed at run time. */
const NOT_FOUND: unknown = Object.freeze({});

const UNDEFINED: Node = { fn: () => undefined, lit: true, value: undefined };

function constant(value: unknown): Node {
  return { fn: () => value, lit: true, value };
}

/** A literal that can be embedded in a closure as is (not an object: nothing to copy). */
function isPrim(n: Node): boolean {
  return n.lit && (n.value === null || (typeof n.value !== 'object' && typeof n.value !== 'function'));
}

function isLogic(rule: unknown): rule is Record<string, unknown> {
  return typeof rule === 'object' && rule !== null && !Array.isArray(rule) && Object.keys(rule).length === 1;
}

/** Exactly `n` nodes: missing arguments are `undefined` (extra ones are an arity issue). */
function pad(args: readonly Node[], n: number): Node[] {
  const out = args.slice(0, n);
  while (out.length < n) out.push(UNDEFINED);
  return out;
}

function fnsOf(args: readonly Node[]): LogicFn[] {
  return args.map((a) => a.fn);
}

function evalAll(fns: readonly LogicFn[], data: unknown): unknown[] {
  const out = new Array<unknown>(fns.length);
  for (let i = 0; i < fns.length; i++) out[i] = (fns[i] as LogicFn)(data);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Eager built-ins: arguments evaluated depth-first, in order, then the operation applied.

type Cmp = '==' | '===' | '!=' | '!==' | '>' | '>=' | '<' | '<=';

/** Two-argument comparison, with a fast path for a literal right-hand side. */
function compare(op: Cmp, args: readonly Node[]): LogicFn {
  const [a, b] = pad(args, 2) as [Node, Node];
  const af = a.fn;
  if (isPrim(b)) {
    const k = b.value as number;
    switch (op) {
      case '==': return (d) => af(d) == k;
      case '===': return (d) => af(d) === k;
      case '!=': return (d) => af(d) != k;
      case '!==': return (d) => af(d) !== k;
      case '>': return (d) => (af(d) as number) > k;
      case '>=': return (d) => (af(d) as number) >= k;
      case '<': return (d) => (af(d) as number) < k;
      case '<=': return (d) => (af(d) as number) <= k;
    }
  }
  const bf = b.fn;
  switch (op) {
    case '==': return (d) => af(d) == bf(d);
    case '===': return (d) => af(d) === bf(d);
    case '!=': return (d) => af(d) != bf(d);
    case '!==': return (d) => af(d) !== bf(d);
    case '>': return (d) => (af(d) as number) > (bf(d) as number);
    case '>=': return (d) => (af(d) as number) >= (bf(d) as number);
    case '<': return (d) => (af(d) as number) < (bf(d) as number);
    case '<=': return (d) => (af(d) as number) <= (bf(d) as number);
  }
}

/** `<` / `<=`: binary, or the 3-argument "between" form (binary if the 3rd is `undefined`). */
function between(op: '<' | '<=', args: readonly Node[]): LogicFn {
  if (args.length < 3) return compare(op, args);
  const [a, b, c] = args as [Node, Node, Node];
  const af = a.fn;
  const bf = b.fn;
  if (isPrim(a) && isPrim(c) && c.value !== undefined) {
    const lo = a.value as number;
    const hi = c.value as number;
    return op === '<'
      ? (d) => { const y = bf(d) as number; return lo < y && y < hi; }
      : (d) => { const y = bf(d) as number; return lo <= y && y <= hi; };
  }
  const cf = c.fn;
  return op === '<'
    ? (d) => {
        const x = af(d) as number, y = bf(d) as number, z = cf(d) as number | undefined;
        return z === undefined ? x < y : x < y && y < z;
      }
    : (d) => {
        const x = af(d) as number, y = bf(d) as number, z = cf(d) as number | undefined;
        return z === undefined ? x <= y : x <= y && y <= z;
      };
}

function plus(args: readonly Node[]): LogicFn {
  const fns = fnsOf(args);
  if (fns.length === 0) return () => 0;
  if (fns.length === 1) {
    const a = fns[0] as LogicFn;
    return (d) => 0 + toNum(a(d));
  }
  if (fns.length === 2) {
    const a = fns[0] as LogicFn;
    const b = args[1] as Node;
    if (isPrim(b)) {
      const kb = toNum(b.value);
      return (d) => 0 + toNum(a(d)) + kb;
    }
    const bf = b.fn;
    return (d) => 0 + toNum(a(d)) + toNum(bf(d));
  }
  if (fns.length === 3) {
    const a = fns[0] as LogicFn;
    const b = fns[1] as LogicFn;
    const c = fns[2] as LogicFn;
    return (d) => 0 + toNum(a(d)) + toNum(b(d)) + toNum(c(d));
  }
  return (d) => {
    let acc = 0;
    for (let i = 0; i < fns.length; i++) acc += toNum((fns[i] as LogicFn)(d));
    return acc;
  };
}

function times(args: readonly Node[]): LogicFn {
  const fns = fnsOf(args);
  if (fns.length === 0) {
    return () => {
      throw new TypeError('JsonLogic "*" needs at least one argument');
    };
  }
  // json-logic-js reduces without an initial value: one argument is returned as is.
  if (fns.length === 1) return fns[0] as LogicFn;
  if (fns.length === 2) {
    const [a, b] = args as [Node, Node];
    const af = a.fn;
    const bf = b.fn;
    if (isPrim(b)) {
      const kb = toNum(b.value);
      return (d) => toNum(af(d)) * kb;
    }
    if (isPrim(a)) {
      const ka = toNum(a.value);
      return (d) => ka * toNum(bf(d));
    }
    return (d) => toNum(af(d)) * toNum(bf(d));
  }
  return (d) => {
    let acc = (fns[0] as LogicFn)(d);
    for (let i = 1; i < fns.length; i++) acc = toNum(acc) * toNum((fns[i] as LogicFn)(d));
    return acc;
  };
}

function minus(args: readonly Node[]): LogicFn {
  const [a, b] = pad(args, 2) as [Node, Node];
  const af = a.fn;
  if (isPrim(b) && b.value !== undefined) {
    const k = b.value as number;
    return (d) => (af(d) as number) - k;
  }
  const bf = b.fn;
  if (isPrim(a)) {
    const k = a.value as number;
    return (d) => {
      const y = bf(d) as number | undefined;
      return y === undefined ? -k : k - y;
    };
  }
  return (d) => {
    const x = af(d) as number;
    const y = bf(d) as number | undefined;
    return y === undefined ? -x : x - y;
  };
}

function divide(args: readonly Node[]): LogicFn {
  const [a, b] = pad(args, 2) as [Node, Node];
  const af = a.fn;
  if (isPrim(b)) {
    const k = b.value as number;
    return (d) => (af(d) as number) / k;
  }
  const bf = b.fn;
  return (d) => (af(d) as number) / (bf(d) as number);
}

function modulo(args: readonly Node[]): LogicFn {
  const [a, b] = pad(args, 2) as [Node, Node];
  const af = a.fn;
  const bf = b.fn;
  return (d) => (af(d) as number) % (bf(d) as number);
}

function extremum(which: 'max' | 'min', args: readonly Node[]): LogicFn {
  const max = which === 'max';
  const fns = fnsOf(args);
  if (fns.length === 0) {
    const v = max ? -Infinity : Infinity;
    return () => v;
  }
  if (fns.length === 1) {
    const a = fns[0] as LogicFn;
    return max ? (d) => Math.max(a(d) as number) : (d) => Math.min(a(d) as number);
  }
  if (fns.length === 2) {
    const [a, b] = args as [Node, Node];
    const bf = b.fn;
    if (isPrim(a)) {
      const k = a.value as number;
      return max ? (d) => Math.max(k, bf(d) as number) : (d) => Math.min(k, bf(d) as number);
    }
    const af = a.fn;
    return max
      ? (d) => Math.max(af(d) as number, bf(d) as number)
      : (d) => Math.min(af(d) as number, bf(d) as number);
  }
  return max
    ? (d) => Math.max(...(evalAll(fns, d) as number[]))
    : (d) => Math.min(...(evalAll(fns, d) as number[]));
}

/**
 * The function a counting closure calls when the rule's steps are spent: an EvaluationError at
 * `ptr` (the operator that ran over). Marks the rule as counting at run time.
 */
function exhausted(st: State, ptr: string): () => never {
  st.dynamic = true;
  const steps = st.limits.maxLogicSteps;
  return () => {
    throw new EvaluationError([{ path: ptr, message: `规则运算超过 ${fmt(steps)} 步的上限（maxLogicSteps），在此处停止` }]);
  };
}

/** `cat`: the text it builds costs one step per 16 characters (`CHARS_PER_STEP`), and one. */
function catOp(st: State, args: readonly Node[], ptr: string): LogicFn {
  const m = st.meter;
  const over = exhausted(st, ptr);
  const fns = fnsOf(args);
  if (fns.length === 2) {
    const [a, b] = args as [Node, Node];
    const bf = b.fn;
    if (isPrim(a)) {
      const k = catPart(a.value);
      return (d) => {
        const s = k + catPart(bf(d));
        if ((m.left -= (s.length >>> 4) + 1) < 0) over();
        return s;
      };
    }
    const af = a.fn;
    return (d) => {
      const s = catPart(af(d)) + catPart(bf(d));
      if ((m.left -= (s.length >>> 4) + 1) < 0) over();
      return s;
    };
  }
  return (d) => {
    const s = cat(evalAll(fns, d));
    if ((m.left -= (s.length >>> 4) + 1) < 0) over();
    return s;
  };
}

/** `in`: searching costs the length of the list searched (of a text: per 16 characters). */
function inFn(st: State, args: readonly Node[], ptr: string): LogicFn {
  const [a, b] = pad(args, 2) as [Node, Node];
  const af = a.fn;
  // A literal list (of literals) is only read: no need for a fresh copy per call.
  if (b.lit && Array.isArray(b.value) && b.value.length > 0) {
    const list = copyArrays(b.value) as unknown[];
    st.flat += list.length;
    return (d) => list.indexOf(af(d)) !== -1;
  }
  if (b.lit && typeof b.value === 'string' && b.value !== '') {
    const s = b.value;
    st.flat += (s.length >>> 4) + 1;
    return (d) => s.indexOf(af(d) as string) !== -1;
  }
  const m = st.meter;
  const over = exhausted(st, ptr);
  const bf = b.fn;
  return (d) => {
    const x = af(d);
    const y = bf(d);
    if (Array.isArray(y)) {
      if ((m.left -= y.length) < 0) over();
    } else if (typeof y === 'string' && (m.left -= (y.length >>> 4) + 1) < 0) over();
    return inOp(x, y);
  };
}

/** How many elements `[].concat(v)` adds. */
function spread(v: unknown): number {
  return Array.isArray(v) ? v.length : 1;
}

/** `merge`: the array it builds costs its length, counted before it is built. */
function mergeOp(st: State, args: readonly Node[], ptr: string): LogicFn {
  const m = st.meter;
  const over = exhausted(st, ptr);
  const fns = fnsOf(args);
  if (fns.length === 1) {
    const a = fns[0] as LogicFn;
    return (d) => {
      const x = a(d);
      if ((m.left -= spread(x)) < 0) over();
      return ([] as unknown[]).concat(x);
    };
  }
  if (fns.length === 2) {
    const a = fns[0] as LogicFn;
    const b = fns[1] as LogicFn;
    return (d) => {
      const x = a(d);
      const y = b(d);
      if ((m.left -= spread(x) + spread(y)) < 0) over();
      return ([] as unknown[]).concat(x, y);
    };
  }
  return (d) => {
    const xs = evalAll(fns, d);
    let n = 0;
    for (let i = 0; i < xs.length; i++) n += spread(xs[i]);
    if ((m.left -= n) < 0) over();
    return ([] as unknown[]).concat(...xs);
  };
}

const EAGER: ReadonlyMap<string, EagerFactory> = new Map<string, EagerFactory>([
  ['==', (a) => compare('==', a)],
  ['===', (a) => compare('===', a)],
  ['!=', (a) => compare('!=', a)],
  ['!==', (a) => compare('!==', a)],
  ['>', (a) => compare('>', a)],
  ['>=', (a) => compare('>=', a)],
  ['<', (a) => between('<', a)],
  ['<=', (a) => between('<=', a)],
  ['!', (args) => { const f = (pad(args, 1)[0] as Node).fn; return (d) => !truthy(f(d)); }],
  ['!!', (args) => { const f = (pad(args, 1)[0] as Node).fn; return (d) => truthy(f(d)); }],
  ['+', plus],
  ['-', minus],
  ['*', times],
  ['/', divide],
  ['%', modulo],
  ['max', (a) => extremum('max', a)],
  ['min', (a) => extremum('min', a)],
  ['substr', (args) => {
    const [a, b, c] = fnsOf(pad(args, 3)) as [LogicFn, LogicFn, LogicFn];
    return (d) => substr(a(d), b(d), c(d));
  }],
  /** `log` returns its argument and, unlike json-logic-js, prints nothing. */
  ['log', (args) => (pad(args, 1)[0] as Node).fn],
]);

/** A custom operator: eager, called with the evaluated arguments only. */
function customCall(op: LogicOperator, args: readonly Node[]): LogicFn {
  const fns = fnsOf(args);
  switch (fns.length) {
    case 0: return () => op();
    case 1: { const a = fns[0] as LogicFn; return (d) => op(a(d)); }
    case 2: { const a = fns[0] as LogicFn; const b = fns[1] as LogicFn; return (d) => op(a(d), b(d)); }
    case 3: {
      const a = fns[0] as LogicFn; const b = fns[1] as LogicFn; const c = fns[2] as LogicFn;
      return (d) => op(a(d), b(d), c(d));
    }
    default: return (d) => op(...evalAll(fns, d));
  }
}

// ---------------------------------------------------------------------------------------------
// The compiler.

function compileNode(st: State, rule: unknown, ptr: string): Node {
  if (Array.isArray(rule)) {
    if (st.ancestors.has(rule)) {
      st.issues.push({ path: ptr, message: 'cyclic JsonLogic rule' });
      return UNDEFINED;
    }
    st.ancestors.add(rule);
    st.flat += Math.max(1, rule.length);
    const items: Node[] = [];
    for (let i = 0; i < rule.length; i++) items.push(compileNode(st, rule[i], `${ptr}/${i}`));
    st.ancestors.delete(rule);
    return arrayNode(rule, items);
  }
  if (isLogic(rule)) {
    if (st.ancestors.has(rule)) {
      st.issues.push({ path: ptr, message: 'cyclic JsonLogic rule' });
      return UNDEFINED;
    }
    st.ancestors.add(rule);
    try {
      return compileOperation(st, rule, ptr);
    } finally {
      st.ancestors.delete(rule);
    }
  }
  return constant(rule);
}

/** An array in the rule is evaluated element-wise into a fresh array (as json-logic-js does). */
function arrayNode(rule: readonly unknown[], items: readonly Node[]): Node {
  const lit = items.every((n) => n.lit);
  if (lit && items.every(isPrim)) {
    const snapshot = rule.slice();
    return { fn: () => snapshot.slice(), lit, value: snapshot };
  }
  const fns = fnsOf(items);
  const value = lit ? copyArrays(rule) : undefined;
  return { fn: (d) => evalAll(fns, d), lit, value };
}

function compileOperation(st: State, rule: Record<string, unknown>, ptr: string): Node {
  const op = Object.keys(rule)[0] as string;
  const raw = rule[op];
  const opPtr = `${ptr}/${escapePointer(op)}`;
  const args: Arg[] = Array.isArray(raw)
    ? raw.map((r: unknown, i) => ({ rule: r, ptr: `${opPtr}/${i}` }))
    : [{ rule: raw, ptr: opPtr }];
  const compileArgs = (list: readonly Arg[]): Node[] => list.map((a) => compileNode(st, a.rule, a.ptr));
  st.flat++;

  const custom = st.custom.get(op);
  if (custom !== undefined) return { fn: customCall(custom, compileArgs(args)), lit: false, value: undefined };

  if (!BUILTIN_SET.has(op)) {
    st.issues.push({ path: opPtr, message: `unknown JsonLogic operator ${JSON.stringify(op)}` });
    compileArgs(args); // still report what is wrong inside
    return { fn: unknownOperator(op), lit: false, value: undefined };
  }

  const arity = ARITY.get(op);
  if (arity !== undefined && (args.length < arity[0] || args.length > arity[1])) {
    const [min, max] = arity;
    const want =
      min === max ? `exactly ${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    st.issues.push({
      path: opPtr,
      message: `JsonLogic operator ${JSON.stringify(op)} takes ${want} argument${max === 1 ? '' : 's'}, got ${args.length}`,
    });
  }

  let fn: LogicFn;
  switch (op) {
    case 'var': fn = compileVar(st, args, opPtr); break;
    case 'missing': fn = compileMissing(st, args, opPtr); break;
    case 'missing_some': fn = compileMissingSome(st, args, opPtr); break;
    case 'in': fn = inFn(st, compileArgs(args), opPtr); break;
    case 'merge': fn = mergeOp(st, compileArgs(args), opPtr); break;
    case 'cat': fn = catOp(st, compileArgs(args), opPtr); break;
    case 'if':
    case '?:': fn = compileIf(compileArgs(args)); break;
    case 'and': fn = compileAnd(compileArgs(args)); break;
    case 'or': fn = compileOr(compileArgs(args)); break;
    case 'map':
    case 'filter':
    case 'reduce':
    case 'all':
    case 'none':
    case 'some': fn = compileIteration(st, op, args, opPtr); break;
    default: fn = (EAGER.get(op) as EagerFactory)(compileArgs(args));
  }
  return { fn, lit: false, value: undefined };
}

function unknownOperator(op: string): LogicFn {
  return () => {
    throw new Error(`unknown JsonLogic operator ${JSON.stringify(op)}`);
  };
}

function recordVar(st: State, path: string, pointer: string): void {
  if (st.scoped === 0) st.vars.push({ path, pointer });
}

function recordDynamic(st: State, pointer: string): void {
  if (st.scoped === 0) st.dynamicVars.push(pointer);
}

/**
 * Whether the rule being compiled reads a `LogicFrame` here: slot compilation, outside the
 * per-element rule of an iteration (which reads the element).
 */
function framed(st: State): boolean {
  return st.slots !== undefined && st.scoped === 0;
}

/**
 * The getter of a literal path: on a frame, a declared field's head is read from its slot by
 * index (no data object, no property lookup), anything else from the frame's `data`.
 */
function getterOf(st: State, segs: readonly string[] | null, notFound: unknown): LogicFn {
  if (!framed(st)) return pathGetter(segs, notFound);
  if (segs !== null) {
    const slot = (st.slots as ReadonlyMap<string, number>).get(segs[0] as string);
    if (slot !== undefined) return slotGetter(slot, segs.slice(1), notFound);
  }
  const g = pathGetter(segs, notFound);
  return (f) => g((f as LogicFrame).data);
}

/** On a frame, the data a computed path (or the whole data) is read from: its `data`. */
function dataOf(st: State): (d: unknown) => unknown {
  return framed(st) ? (f) => (f as LogicFrame).data : (d) => d;
}

/** `var`: `[path, default]`; a literal path is split once, at compile time. */
function compileVar(st: State, args: readonly Arg[], opPtr: string): LogicFn {
  const nodes = args.map((a) => compileNode(st, a.rule, a.ptr));
  const whole = dataOf(st);
  if (nodes.length === 0) {
    recordVar(st, '', opPtr);
    if (st.scoped > 0) st.readsAccumulator = true;
    return whole;
  }
  const [p, b] = pad(nodes, 2) as [Node, Node];
  const bf = b.fn;
  if (p.lit) {
    const segs = pathSegments(p.value);
    if (st.scoped > 0 && (segs === null || segs[0] === 'accumulator')) st.readsAccumulator = true;
    recordVar(st, segs === null ? '' : segs.join('.'), (args[0] as Arg).ptr);
    if (segs === null) {
      if (b.lit) return whole;
      return (d) => {
        bf(d);
        return whole(d);
      };
    }
    if (isPrim(b)) return getterOf(st, segs, b.value === undefined ? null : b.value);
    if (framed(st)) {
      // A computed default: the path's getter with a marker, then the default if not found.
      const g = getterOf(st, segs, NOT_FOUND);
      return (d) => {
        const nf = bf(d);
        const v = g(d);
        return v === NOT_FOUND ? (nf === undefined ? null : nf) : v;
      };
    }
    return (d) => {
      const nf = bf(d);
      return readPath(d, segs, nf === undefined ? null : nf);
    };
  }
  recordDynamic(st, (args[0] as Arg).ptr);
  if (st.scoped > 0) st.readsAccumulator = true;
  const pf = p.fn;
  // A one-entry cache of the last split path (per closure, not global).
  let lastPath = '';
  let lastSegs: string[] = [''];
  return (d) => {
    const path = pf(d);
    const dv = bf(d);
    const data = whole(d);
    if (path === undefined || path === '' || path === null) return data;
    const s = String(path);
    if (s !== lastPath) {
      lastSegs = s.split('.');
      lastPath = s;
    }
    return readPath(data, lastSegs, dv === undefined ? null : dv);
  };
}

/** Records the literal keys of `missing` / `missing_some`; `ptrOf(i)` is the pointer of key i. */
function recordKeys(st: State, keys: ArrayLike<unknown>, ptrOf: (i: number) => string): void {
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const segs = pathSegments(Array.isArray(key) ? (key[0] as unknown) : key);
    recordVar(st, segs === null ? '' : segs.join('.'), ptrOf(i));
  }
}

/** The `missing` of a list of literal keys: each key's getter is built once. */
function staticMissing(st: State, keys: ArrayLike<unknown>): (d: unknown) => unknown[] {
  const list: unknown[] = [];
  const getters: LogicFn[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    list.push(copyArrays(key));
    if (Array.isArray(key)) {
      const nf: unknown = key[1];
      getters.push(getterOf(st, pathSegments(key[0]), nf === undefined ? null : copyArrays(nf)));
    } else {
      getters.push(getterOf(st, pathSegments(key), null));
    }
  }
  if (getters.length === 1) {
    const g = getters[0] as LogicFn;
    const k = list[0];
    return (d) => {
      const v = g(d);
      return v === null || v === '' ? [copyArrays(k)] : [];
    };
  }
  return (d) => {
    const out: unknown[] = [];
    for (let i = 0; i < getters.length; i++) {
      const v = (getters[i] as LogicFn)(d);
      if (v === null || v === '') out.push(copyArrays(list[i]));
    }
    return out;
  };
}

function compileMissing(st: State, args: readonly Arg[], opPtr: string): LogicFn {
  const nodes = args.map((a) => compileNode(st, a.rule, a.ptr));
  const first = nodes[0];
  if (first !== undefined && first.lit && Array.isArray(first.value)) {
    // The first argument is a literal list: it is the key list, whatever follows.
    const firstPtr = (args[0] as Arg).ptr;
    st.flat += first.value.length;
    recordKeys(st, first.value, (i) => `${firstPtr}/${i}`);
    const run = staticMissing(st, first.value);
    if (nodes.length === 1) return run;
    const rest = fnsOf(nodes.slice(1));
    return (d) => {
      for (let i = 0; i < rest.length; i++) (rest[i] as LogicFn)(d);
      return run(d);
    };
  }
  if (nodes.every((n) => n.lit)) {
    const keys = nodes.map((n) => n.value);
    st.flat += keys.length;
    recordKeys(st, keys, (i) => (args[i] as Arg).ptr);
    return staticMissing(st, keys);
  }
  // Computed keys: the literal ones may still be read, the computed ones are dynamic.
  nodes.forEach((n, i) => {
    const ptr = (args[i] as Arg).ptr;
    if (n.lit) recordKeys(st, [n.value], () => ptr);
    else recordDynamic(st, ptr);
  });
  const fns = fnsOf(nodes);
  const whole = dataOf(st);
  const m = st.meter;
  const over = exhausted(st, opPtr);
  return (d) => {
    const keys = missingKeys(evalAll(fns, d));
    if ((m.left -= keys.length) < 0) over();
    return missingOf(whole(d), keys);
  };
}

function compileMissingSome(st: State, args: readonly Arg[], opPtr: string): LogicFn {
  const nodes = args.map((a) => compileNode(st, a.rule, a.ptr));
  const [need, options] = pad(nodes, 2) as [Node, Node];
  const needFn = need.fn;
  const optArg = args[1];
  if (options.lit && options.value !== null && options.value !== undefined && optArg !== undefined) {
    const o = options.value;
    const keys = missingSomeKeys(o);
    const nested = Array.isArray(o) && Array.isArray(o[0]);
    recordKeys(st, keys, (i) => (Array.isArray(o) ? (nested ? `${optArg.ptr}/0/${i}` : `${optArg.ptr}/${i}`) : optArg.ptr));
    st.flat += keys.length;
    const run = staticMissing(st, keys);
    const optLen = (o as { length?: unknown }).length as number;
    return (d) => {
      const n = needFn(d) as number;
      const miss = run(d);
      return optLen - miss.length >= n ? [] : miss;
    };
  }
  if (optArg !== undefined) recordDynamic(st, optArg.ptr);
  const optFn = options.fn;
  const whole = dataOf(st);
  const m = st.meter;
  const over = exhausted(st, opPtr);
  return (d) => {
    const n = needFn(d) as number;
    const o = optFn(d);
    const keys = missingSomeKeys(o);
    if ((m.left -= keys.length) < 0) over();
    const miss = missingOf(whole(d), keys);
    return (o as { length: number }).length - miss.length >= n ? [] : miss;
  };
}

/** `if` / `?:`: a chain of `cond ? then : rest`, built as nested closures. */
function compileIf(nodes: readonly Node[]): LogicFn {
  return ifChain(nodes, 0);
}

function ifChain(nodes: readonly Node[], start: number): LogicFn {
  const left = nodes.length - start;
  if (left <= 0) return () => null;
  if (left === 1) return (nodes[start] as Node).fn;
  const c = (nodes[start] as Node).fn;
  const then = nodes[start + 1] as Node;
  const t = then.fn;
  const rest = left === 2 ? null : nodes[start + 2] as Node;
  const e = left === 2 ? () => null : left === 3 ? (rest as Node).fn : ifChain(nodes, start + 2);
  // Constant consequents (typically points) are embedded.
  if (isPrim(then)) {
    const k = then.value;
    if (left === 3 && isPrim(rest as Node)) {
      const ke = (rest as Node).value;
      return (d) => (truthy(c(d)) ? k : ke);
    }
    return (d) => (truthy(c(d)) ? k : e(d));
  }
  return (d) => (truthy(c(d)) ? t(d) : e(d));
}

function compileAnd(nodes: readonly Node[]): LogicFn {
  const fns = fnsOf(nodes);
  if (fns.length === 0) return () => undefined;
  if (fns.length === 1) return fns[0] as LogicFn;
  if (fns.length === 2) {
    const a = fns[0] as LogicFn;
    const b = fns[1] as LogicFn;
    return (d) => {
      const x = a(d);
      return truthy(x) ? b(d) : x;
    };
  }
  return (d) => {
    let cur: unknown;
    for (let i = 0; i < fns.length; i++) {
      cur = (fns[i] as LogicFn)(d);
      if (!truthy(cur)) return cur;
    }
    return cur;
  };
}

function compileOr(nodes: readonly Node[]): LogicFn {
  const fns = fnsOf(nodes);
  if (fns.length === 0) return () => undefined;
  if (fns.length === 1) return fns[0] as LogicFn;
  if (fns.length === 2) {
    const a = fns[0] as LogicFn;
    const b = fns[1] as LogicFn;
    return (d) => {
      const x = a(d);
      return truthy(x) ? x : b(d);
    };
  }
  return (d) => {
    let cur: unknown;
    for (let i = 0; i < fns.length; i++) {
      cur = (fns[i] as LogicFn)(d);
      if (truthy(cur)) return cur;
    }
    return cur;
  };
}

/**
 * map / filter / reduce / all / none / some: the first argument is evaluated against the data;
 * the second is a rule run against each element (for reduce: `{current, accumulator}`), so its
 * `var`s are not evidence paths and are not recorded.
 */
function compileIteration(st: State, op: string, args: readonly Arg[], opPtr: string): LogicFn {
  const source = args[0] === undefined ? UNDEFINED : compileNode(st, args[0].rule, args[0].ptr);
  // The per-element rule is a scope of its own: its known steps are counted per element.
  const outer = st.flat;
  const outerReads = st.readsAccumulator;
  st.flat = 0;
  st.readsAccumulator = false;
  st.scoped++;
  const inner = args[1] === undefined ? UNDEFINED : compileNode(st, args[1].rule, args[1].ptr);
  st.scoped--;
  const per = 1 + st.flat;
  const readsAccumulator = st.readsAccumulator;
  st.flat = outer;
  st.readsAccumulator = outerReads;
  const rest = args.slice(2).map((a) => compileNode(st, a.rule, a.ptr));
  const src = source.fn;
  const f = inner.fn;
  const m = st.meter;
  const over = exhausted(st, opPtr);
  // map / filter / reduce visit every element: their steps are counted once, before the work.
  switch (op) {
    case 'map':
      return (d) => {
        const arr = src(d);
        if (!Array.isArray(arr)) return [];
        if ((m.left -= arr.length * per) < 0) over();
        return arr.map((x: unknown) => f(x));
      };
    case 'filter':
      return (d) => {
        const arr = src(d);
        if (!Array.isArray(arr)) return [];
        if ((m.left -= arr.length * per) < 0) over();
        return arr.filter((x: unknown) => truthy(f(x)));
      };
    case 'reduce': {
      const init = rest[0];
      // json-logic-js: no (or an `undefined`) third argument means an initial value of null.
      const initFn = init === undefined || (init.lit && init.value === undefined) ? () => null : init.fn;
      return (d) => {
        const arr = src(d);
        const initial = initFn(d);
        if (!Array.isArray(arr)) return initial;
        if ((m.left -= arr.length * per) < 0) over();
        if (!readsAccumulator) return arr.reduce((accumulator: unknown, current: unknown) => f({ current, accumulator }), initial);
        return arr.reduce((accumulator: unknown, current: unknown) => {
          // Carrying a list or a text into the next step costs its length (else a rule could
          // coerce one big accumulator at every step for one step each).
          if (Array.isArray(accumulator)) {
            if ((m.left -= accumulator.length) < 0) over();
          } else if (typeof accumulator === 'string' && (m.left -= (accumulator.length >>> 4) + 1) < 0) over();
          return f({ current, accumulator });
        }, initial);
      };
    }
    // all / none / some may stop early: counted per element visited.
    case 'all':
      return (d) => {
        const arr = src(d);
        if (!Array.isArray(arr) || arr.length === 0) return false;
        for (let i = 0; i < arr.length; i++) {
          if ((m.left -= per) < 0) over();
          if (!truthy(f(arr[i]))) return false;
        }
        return true;
      };
    case 'none':
      return (d) => {
        const arr = src(d);
        if (!Array.isArray(arr) || arr.length === 0) return true;
        for (let i = 0; i < arr.length; i++) {
          if ((m.left -= per) < 0) over();
          if (truthy(f(arr[i]))) return false;
        }
        return true;
      };
    default: // some
      return (d) => {
        const arr = src(d);
        if (!Array.isArray(arr) || arr.length === 0) return false;
        for (let i = 0; i < arr.length; i++) {
          if ((m.left -= per) < 0) over();
          if (truthy(f(arr[i]))) return true;
        }
        return false;
      };
  }
}

function failing(issues: readonly LogicIssue[]): LogicFn {
  const list = issues.map((i) => `${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('; ');
  const message = `JsonLogic rule has ${issues.length} issue${issues.length === 1 ? '' : 's'} and cannot run: ${list}`;
  return () => {
    throw new Error(message);
  };
}

function compileRule(
  custom: ReadonlyMap<string, LogicOperator>,
  limits: LogicLimits,
  rule: LogicRule,
  basePointer: string,
  slots: ReadonlyMap<string, number> | undefined,
): LogicCompileResult {
  const st: State = {
    slots,
    custom,
    issues: [],
    vars: [],
    dynamicVars: [],
    scoped: 0,
    ancestors: new Set(),
    limits,
    flat: 0,
    dynamic: false,
    readsAccumulator: false,
    meter: { left: 0 },
  };
  let fn: LogicFn;
  let cost = 0;
  // Depth, cycles and size first, without recursion: only a rule that passes is walked.
  const structure = checkStructure(rule, basePointer, limits.maxJsonDepth, limits.maxLogicCost);
  if (structure !== undefined) {
    st.issues.push(structure);
    return { fn: failing(st.issues), issues: st.issues, vars: st.vars, dynamicVars: st.dynamicVars, cost: Infinity };
  }
  try {
    fn = compileNode(st, rule, basePointer).fn;
    if (st.issues.length === 0) {
      const estimate = estimateCost(rule, basePointer, (op) => custom.has(op), limits);
      cost = estimate.cost;
      if (cost > limits.maxLogicCost) st.issues.push(overBudget(basePointer, estimate, limits));
      else if (st.flat > limits.maxLogicSteps) {
        st.issues.push({ path: basePointer, message: `the JsonLogic rule takes ${fmt(st.flat)} steps each time, more than the ${fmt(limits.maxLogicSteps)} allowed (maxLogicSteps)` });
      }
    }
  } catch (e) {
    // e.g. a throwing getter in a hand-built rule object.
    st.issues.push({
      path: basePointer,
      message: `cannot compile the JsonLogic rule: ${e instanceof Error ? e.message : String(e)}`,
    });
    fn = () => undefined;
  }
  if (st.issues.length > 0) fn = failing(st.issues);
  else if (st.dynamic) {
    // The meter is filled at each evaluation with the budget less the steps known in advance.
    const root = fn;
    const m = st.meter;
    const start = limits.maxLogicSteps - st.flat;
    fn = (d) => {
      m.left = start;
      return root(d);
    };
  }
  return { fn, issues: st.issues, vars: st.vars, dynamicVars: st.dynamicVars, cost };
}

/**
 * Creates a JsonLogic compiler with its own operator table: the json-logic-js 2.0.5 built-ins
 * (see the module comment for the few deliberate differences, e.g. `log` does not print) plus
 * `custom` operators, which are eager (they get evaluated arguments) and override a built-in of
 * the same name in this compiler only. Nothing is shared between compilers. Rules are held to
 * `limits` (the engine's; `DEFAULT_LIMITS` when not given): depth, estimated cost and steps.
 */
export function createLogicCompiler(custom?: Readonly<Record<string, LogicOperator>>, limits: LogicLimits = DEFAULT_LIMITS): LogicCompiler {
  const table = new Map<string, LogicOperator>();
  if (custom !== undefined && custom !== null) {
    for (const name of Object.keys(custom)) {
      const op = custom[name];
      if (typeof op !== 'function') {
        throw new TypeError(`custom JsonLogic operator ${JSON.stringify(name)} is not a function`);
      }
      table.set(name, op);
    }
  }
  const names = [...new Set([...BUILTINS, ...table.keys()])].sort();
  return {
    compile: (rule: LogicRule, basePointer = '', slots?: ReadonlyMap<string, number>) => compileRule(table, limits, rule, basePointer, slots),
    has: (operator: string) => table.has(operator) || BUILTIN_SET.has(operator),
    operators: () => names.slice(),
    limits,
  };
}
