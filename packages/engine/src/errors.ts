/** Errors that name the place of each problem (a JSON pointer), never a bare stack trace. */
import { jsonPointer } from './pointer.js';

/** One problem, at a JSON pointer (RFC 6901) into the input. */
export interface Issue {
  path: string;
  message: string;
}

function describe(title: string, issues: readonly Issue[]): string {
  const lines = issues.slice(0, 50).map((i) => `  ${i.path || '/'}: ${i.message}`);
  if (issues.length > 50) lines.push(`  … and ${issues.length - 50} more`);
  return `${title} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

/** Base class of the errors a user of the engine is meant to read. */
export class SafecityError extends Error {
  /** What went wrong, in a few words (the first line of `message`, without the count). */
  readonly title: string;
  readonly issues: readonly Issue[];
  constructor(title: string, issues: readonly Issue[]) {
    super(describe(title, issues));
    this.name = 'SafecityError';
    this.title = title;
    this.issues = Object.freeze(issues.slice());
  }
}

/** A ruleset that does not validate or does not make sense; lists every problem at once. */
export class RulesetError extends SafecityError {
  constructor(issues: readonly Issue[], title = 'Invalid ruleset') {
    super(title, issues);
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
  constructor(issues: readonly Issue[], title = 'Invalid evidence', warnings: readonly Issue[] = []) {
    super(title, issues);
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
