/** Errors that name the place of each problem (a JSON pointer), never a bare stack trace. */
import { jsonPointer } from './pointer.js';
import { DEFAULT_LIMITS } from './limits.js';

/** One problem, at a JSON pointer (RFC 6901) into the input. */
export interface Issue {
  path: string;
  message: string;
}

/** What `capProblems` keeps of a long list of problems. */
export interface CappedProblems<T> {
  /** The first ones, in the order given (at most the cap). */
  listed: T[];
  /** How many were left out. */
  omitted: number;
  /** Whether every one left out reads like one listed (the same message but for quoted names and numbers). */
  sameKind: boolean;
}

// A message with what varies between problems of one kind (quoted names, numbers) taken out.
// Linear: each alternative starts with its own character and no quantifier can overlap another.
const VARYING = /"[^"]*"|“[^“”]*”|《[^《》]*》|\d+/g;
// Only the start of a message is compared: it says the kind; its tail may be a long user text.
const kindOf = (message: string): string => message.slice(0, 200).replace(VARYING, '·');

/**
 * The first `max` problems of a list and a count of the rest, in time linear in the list: how
 * an error, or the command, lists a file's problems without printing 100,000 lines.
 */
export function capProblems<T extends { message: string }>(list: readonly T[], max: number): CappedProblems<T> {
  if (list.length <= max) return { listed: list.slice(), omitted: 0, sameKind: true };
  const listed = list.slice(0, max);
  const kinds = new Set(listed.map((p) => kindOf(p.message)));
  let sameKind = true;
  for (let i = max; i < list.length && sameKind; i++) sameKind = kinds.has(kindOf((list[i] as T).message));
  return { listed, omitted: list.length - max, sameKind };
}

/** A count with thousands separators (99,950), the same in every runtime and locale. */
export function groupDigits(n: number): string {
  const s = String(Math.trunc(n));
  let out = '';
  for (let i = 0; i < s.length; i++) out += (i > 0 && (s.length - i) % 3 === 0 && s[i - 1] !== '-' ? ',' : '') + s[i];
  return out;
}

/**
 * The line that stands for the problems left out: `还有 99,950 处同类问题` (or, when some are of
 * other kinds, `还有 99,950 处问题未列出（含其他类问题）`); in English `… and 99,950 more of the same kind`.
 */
export function omittedLine(omitted: number, sameKind: boolean, lang: 'zh' | 'en' = 'zh'): string {
  const n = groupDigits(omitted);
  if (lang === 'en') return sameKind ? `… and ${n} more of the same kind` : `… and ${n} more`;
  return sameKind ? `还有 ${n} 处同类问题` : `还有 ${n} 处问题未列出（含其他类问题）`;
}

function describe(title: string, issues: readonly Issue[], max: number): string {
  const { listed, omitted, sameKind } = capProblems(issues, max);
  const lines = listed.map((i) => `  ${i.path || '/'}: ${i.message}`);
  if (omitted > 0) lines.push(`  ${omittedLine(omitted, sameKind, 'en')}`);
  return `${title} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** How an error lists its problems in its message. */
export interface ListingOptions {
  /** List at most this many in the message, then count the rest (the engine's `maxProblems`; default 100). */
  maxProblems?: number;
}

/** Base class of the errors a user of the engine is meant to read. */
export class SafecityError extends Error {
  /** What went wrong, in a few words (the first line of `message`, without the count). */
  readonly title: string;
  /** Every problem (the message lists the first `maxProblems` of them). */
  readonly issues: readonly Issue[];
  constructor(title: string, issues: readonly Issue[], listing: ListingOptions = {}) {
    super(describe(title, issues, listing.maxProblems ?? DEFAULT_LIMITS.maxProblems));
    this.name = 'SafecityError';
    this.title = title;
    this.issues = Object.freeze(issues.slice());
  }
}

/** A ruleset that does not validate or does not make sense; lists every problem at once. */
export class RulesetError extends SafecityError {
  constructor(issues: readonly Issue[], title = 'Invalid ruleset', listing: ListingOptions = {}) {
    super(title, issues, listing);
    this.name = 'RulesetError';
  }
}

/** Evidence or findings that do not fit the compiled ruleset. */
export class EvidenceError extends SafecityError {
  /**
   * What the reader also noticed in the same input and would have warned about had there been
   * no errors, so that a clerk fixes both in one round.
   */
  readonly warnings: readonly Issue[];
  constructor(issues: readonly Issue[], title = 'Invalid evidence', warnings: readonly Issue[] = [], listing: ListingOptions = {}) {
    super(title, issues, listing);
    this.name = 'EvidenceError';
    this.warnings = Object.freeze(warnings.slice());
  }
}

/** A plugin set that conflicts (a part named twice without a declared override). */
export class PluginError extends SafecityError {
  constructor(issues: readonly Issue[]) {
    super('Invalid plugins', issues);
    this.name = 'PluginError';
  }
}

/** A JsonLogic rule given to `engine.compileLogic` that does not compile. */
export class LogicError extends SafecityError {
  constructor(issues: readonly Issue[]) {
    super('Invalid JsonLogic rule', issues);
    this.name = 'LogicError';
  }
}

/**
 * A JsonLogic rule stopped while it was being evaluated because it ran over its step budget
 * (`EngineLimits.maxLogicSteps`). Each issue's `path` is the JSON pointer of the rule (of the
 * operator that ran over); when the rule was scored for a unit, `unit` names it and the message
 * names the unit and the item, so that the place is plain without a stack trace.
 */
export class EvaluationError extends SafecityError {
  /** The unit being scored when the rule stopped (absent for `engine.compileLogic`'s closures). */
  readonly unit: { readonly id: string; readonly name: string } | undefined;
  /** The item (or veto) whose rule stopped, when known. */
  readonly item: string | undefined;
  constructor(issues: readonly Issue[], unit?: { id: string; name: string }, item?: string) {
    super('Evaluation stopped', issues);
    this.name = 'EvaluationError';
    this.unit = unit === undefined ? undefined : Object.freeze({ id: unit.id, name: unit.name });
    this.item = item;
  }
}

/** A JSON pointer (RFC 6901) from its segments, each escaped (the engine's short name for `jsonPointer`). */
export function ptr(...segments: Array<string | number>): string {
  return jsonPointer(...segments);
}
