/**
 * JsonLogic, compiled into closures. Types shared by the compiler and the engine.
 * @module
 */

import type { LogicLimits } from './cost.js';

/** A JsonLogic rule as parsed JSON. */
export type LogicRule = unknown;

/** A compiled rule: a pure function of the data it reads through `var`. */
export type LogicFn = (data: unknown) => unknown;

/**
 * A custom operator, contributed by a plugin to one engine only. It receives its
 * arguments already evaluated (like json-logic-js's `add_operation`).
 */
export type LogicOperator = (...args: unknown[]) => unknown;

/** A problem found while compiling a rule; `path` is a JSON pointer. */
export interface LogicIssue {
  path: string;
  message: string;
}

/** A `var` (or `missing` / `missing_some`) path that is a literal in the rule. */
export interface LogicVarRef {
  /** The dotted path as written, e.g. `"hydrant.rate"`; `""` means the whole data. */
  path: string;
  /** Where it stands in the rule, as a JSON pointer (prefixed by the base pointer). */
  pointer: string;
}

/** What compiling a rule gives: the closure, all problems at once, and what it reads. */
export interface LogicCompileResult {
  fn: LogicFn;
  issues: LogicIssue[];
  vars: LogicVarRef[];
  /** Pointers of `var`s whose path is computed at run time (cannot be checked statically). */
  dynamicVars: string[];
  /**
   * The rule's estimated worst-case steps for one evaluation (see `cost.ts`); `Infinity` when it
   * could not be estimated (a rule with structural issues).
   */
  cost: number;
}

/**
 * What a rule compiled with slots reads instead of a data object: the declared fields' values
 * by position (a `var` of a declared field is a read at an index fixed at compile time), and
 * `data` for every other path (e.g. `unit.kind`). A slot holding `undefined` or `null` reads as
 * a field not reported. The per-element rule of `map`, `filter`, … reads the element as usual.
 */
export interface LogicFrame {
  readonly values: ArrayLike<unknown>;
  readonly data: unknown;
}

/** A JsonLogic compiler with its own operator table (never global). */
export interface LogicCompiler {
  /**
   * Compile a rule; never throws for a bad rule, reports issues instead. With `slots` (a field
   * name → its position), the closure takes a `LogicFrame` instead of a data object.
   */
  compile(rule: LogicRule, basePointer?: string, slots?: ReadonlyMap<string, number>): LogicCompileResult;
  /** Whether this compiler knows an operator. */
  has(operator: string): boolean;
  /** All operator names this compiler knows, sorted. */
  operators(): string[];
  /** The limits every rule compiled here is held to. */
  readonly limits: LogicLimits;
}
