/**
 * Run-time helpers shared by the compiled JsonLogic closures. Pure functions, no state.
 * @module
 */

import type { LogicFn, LogicFrame } from './types.js';
import { pointerToken } from '../pointer.js';

/** `Object.prototype.hasOwnProperty`, so that data is only ever read through own properties. */
const hasOwn = Object.prototype.hasOwnProperty;

/**
 * JsonLogic truthiness (as json-logic-js `truthy`): JavaScript truthiness, except that an
 * empty array is falsy.
 */
export function truthy(value: unknown): boolean {
  if (value === true) return true; // the common case: a comparison
  if (!value) return false;
  return !Array.isArray(value) || value.length !== 0;
}

/**
 * `parseFloat(x)` as json-logic-js's `+` and `*` apply it, with a fast path for numbers:
 * `parseFloat(String(n)) === n` for every number except `-0`, which becomes `0`.
 */
export function toNum(x: unknown): number {
  if (typeof x === 'number') return x === 0 ? 0 : x;
  return parseFloat(x as string);
}

/**
 * The `var` path of an already evaluated path value: `null` means "the whole data"
 * (`undefined`, `""` or `null`), otherwise the dotted path split on `"."`.
 */
export function pathSegments(path: unknown): string[] | null {
  if (path === undefined || path === '' || path === null) return null;
  return String(path).split('.');
}

/**
 * Descends `segments` into `data` through OWN properties only (so `__proto__`, `constructor`,
 * `toString`… are never reached through a prototype). Arrays are indexed by numeric segments,
 * and `length` works for arrays and strings because it is an own property of both.
 * Like json-logic-js, a missing or `undefined` step gives `notFound`, while a `null` reached at
 * the end is returned as `null`.
 */
export function readPath(
  data: unknown,
  segments: readonly (string | number)[],
  notFound: unknown,
): unknown {
  let cur = data;
  for (let i = 0; i < segments.length; i++) {
    if (cur === null || cur === undefined) return notFound;
    const key = segments[i] as string | number;
    if (!hasOwn.call(cur, key)) return notFound;
    cur = (cur as Record<string | number, unknown>)[key];
    if (cur === undefined) return notFound;
  }
  return cur;
}

/**
 * A path segment as a property key: a canonical array index (`"0"`, `"12"`) becomes a number,
 * which names the same property (`a[0]` is `a["0"]`) and is faster on arrays and strings.
 */
function propertyKey(segment: string): string | number {
  return /^(?:0|[1-9][0-9]{0,8})$/.test(segment) ? Number(segment) : segment;
}

/** A closure reading a literal path (`null` = the whole data) with a constant default. */
export function pathGetter(segments: readonly string[] | null, notFound: unknown): LogicFn {
  if (segments === null) return (data) => data;
  const keys = segments.map(propertyKey);
  if (keys.length === 1) {
    const k = keys[0] as string | number;
    return (data) => {
      if (data === null || data === undefined || !hasOwn.call(data, k)) return notFound;
      const v = (data as Record<string | number, unknown>)[k];
      return v === undefined ? notFound : v;
    };
  }
  if (keys.length === 2) {
    const k0 = keys[0] as string | number;
    const k1 = keys[1] as string | number;
    return (data) => {
      if (data === null || data === undefined || !hasOwn.call(data, k0)) return notFound;
      const v = (data as Record<string | number, unknown>)[k0];
      if (v === null || v === undefined || !hasOwn.call(v, k1)) return notFound;
      const w = (v as Record<string | number, unknown>)[k1];
      return w === undefined ? notFound : w;
    };
  }
  return (data) => readPath(data, keys, notFound);
}

/**
 * A closure reading a declared field from a `LogicFrame`'s slot `slot`, then `rest` of the path
 * inside it. A slot holding `undefined` or `null` is a field not reported: the default.
 */
export function slotGetter(slot: number, rest: readonly string[], notFound: unknown): LogicFn {
  if (rest.length === 0) {
    return (f) => {
      const v = (f as LogicFrame).values[slot];
      return v === undefined || v === null ? notFound : v;
    };
  }
  const keys = rest.map(propertyKey);
  return (f) => {
    const v = (f as LogicFrame).values[slot];
    return v === undefined || v === null ? notFound : readPath(v, keys, notFound);
  };
}

/** `String(x)` for a `cat` argument, `""` for null / undefined (as `Array.prototype.join`). */
export function catPart(x: unknown): string {
  if (typeof x === 'string') return x;
  return x === null || x === undefined ? '' : String(x);
}

/**
 * What json-logic-js's `missing` does for one key, `{"var": key}`: an array key is read as
 * `[path, default]`; anything else is the path. (json-logic-js would also evaluate a key that
 * happens to be a one-key object as a rule; we never evaluate data as logic.)
 */
export function lookupKey(data: unknown, key: unknown): unknown {
  let path = key;
  let notFound: unknown = null;
  if (Array.isArray(key)) {
    path = key[0];
    const b: unknown = key[1];
    notFound = b === undefined ? null : b;
  }
  const segs = pathSegments(path);
  return segs === null ? data : readPath(data, segs, notFound);
}

/** json-logic-js `missing` over evaluated keys: the keys whose value is `null` or `""`. */
export function missingOf(data: unknown, keys: ArrayLike<unknown>): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const v = lookupKey(data, key);
    if (v === null || v === '') out.push(key);
  }
  return out;
}

/** The keys `missing` checks given its evaluated arguments (json-logic-js semantics). */
export function missingKeys(args: readonly unknown[]): ArrayLike<unknown> {
  const first = args[0];
  return Array.isArray(first) ? (first as unknown[]) : args;
}

/** The keys `missing_some` checks given its evaluated options argument. */
export function missingSomeKeys(options: unknown): ArrayLike<unknown> {
  if (!Array.isArray(options)) return [options];
  const first: unknown = options[0];
  return Array.isArray(first) ? (first as unknown[]) : (options as unknown[]);
}

/** json-logic-js `substr`, including its PHP-like negative length. */
export function substr(source: unknown, start: unknown, end: unknown): string {
  if ((end as number) < 0) {
    const temp = String(source).substr(start as number);
    return temp.substr(0, temp.length + (end as number));
  }
  return String(source).substr(start as number, end as number);
}

/** json-logic-js `in`: substring or array membership; `false` for anything without `indexOf`. */
export function inOp(a: unknown, b: unknown): boolean {
  if (!b) return false;
  if (Array.isArray(b)) return b.indexOf(a) !== -1;
  if (typeof b === 'string') return b.indexOf(a as string) !== -1;
  if (typeof (b as { indexOf?: unknown }).indexOf === 'undefined') return false;
  // Same as json-logic-js: whatever `indexOf` is, call it (throws if it is not a function).
  return (b as { indexOf: (x: unknown) => number }).indexOf(a) !== -1;
}

/** json-logic-js `cat`: `Array.prototype.join.call(args, "")`. */
export function cat(values: ArrayLike<unknown>): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    s += catPart(values[i]);
  }
  return s;
}

/** Copies nested arrays (not objects), as json-logic-js's array evaluation does. */
export function copyArrays(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  const out = new Array<unknown>(value.length);
  for (let i = 0; i < value.length; i++) out[i] = copyArrays(value[i]);
  return out;
}

/** RFC 6901 escaping of one reference token. */
export const escapePointer: (token: string) => string = pointerToken;
