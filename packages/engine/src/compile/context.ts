/**
 * What the compile passes share: the ruleset (its shape already checked), the engine's parts,
 * and the one list every pass adds its issues to (in pass order, so the issues keep the order
 * in which an author reads the ruleset).
 * @module
 */
import type { Issue } from '../errors.js';
import type { Ruleset } from '../model.js';
import { hasAtMostThreeDecimals } from '../points.js';
import type { CompilerParts } from './types.js';

/** The state of one `compileModel` call, shared by its passes. */
export interface CompileContext {
  readonly rs: Ruleset;
  readonly parts: CompilerParts;
  readonly issues: Issue[];
}

/** Points are written with at most three decimals (they are kept as thousandths). */
export function checkPoints(n: number, path: string, issues: Issue[]): void {
  if (!hasAtMostThreeDecimals(n)) issues.push({ path, message: `points have at most three decimals, found ${n}` });
}
