/**
 * The engine's limits on untrusted input: rulesets, evidence and findings come from files other
 * people edit, so every kind of work they can multiply is bounded, checked before the work is
 * done, and answered with the limit and the place (never a stack overflow, never a hang).
 * Each engine instance carries its own limits (`createEngine({ limits })`); docs/security.md
 * states them and the cost model for rules.
 */
export interface EngineLimits {
  /** Deepest nesting of groups in a ruleset's tree (after `extends`); default 32. */
  maxGroupDepth: number;
  /** Deepest nesting of any JSON value the engine walks (ruleset, evidence, findings, JsonLogic); default 64. */
  maxJsonDepth: number;
  /** Findings for one unit; default 10,000. */
  maxFindings: number;
  /** Problems listed in one error before the rest are counted ("还有 N 处同类问题"); default 100. */
  maxProblems: number;
  /** A JsonLogic rule's worst-case cost, estimated at compile time from literal sizes and nesting; default 1,000,000. */
  maxLogicCost: number;
  /** Steps one evaluation of one JsonLogic rule may take before it ends in an `EvaluationError`; default 1,000,000. */
  maxLogicSteps: number;
  /**
   * The length the cost estimate assumes for a list or a text a rule reads from evidence (`var`)
   * or gets from a plugin operator, and for each text in such a list; default 1,000. An
   * assumption, not a check of the evidence: a longer list is still bounded by `maxLogicSteps`.
   */
  maxLogicInputLength: number;
}

/** The defaults: generous for every real rubric (the 2022 ones use well under a tenth of each). */
export const DEFAULT_LIMITS: Readonly<EngineLimits> = Object.freeze({
  maxGroupDepth: 32,
  maxJsonDepth: 64,
  maxFindings: 10_000,
  maxProblems: 100,
  maxLogicCost: 1_000_000,
  maxLogicSteps: 1_000_000,
  maxLogicInputLength: 1_000,
});

/**
 * An engine's limits: the defaults with the caller's overrides; each must be a positive whole
 * number (a limit of 0, NaN or Infinity would switch the protection off without a word).
 */
export function resolveLimits(limits: Partial<EngineLimits> | undefined): Readonly<EngineLimits> {
  if (limits === undefined) return DEFAULT_LIMITS;
  const out: EngineLimits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits)) {
    if (!Object.prototype.hasOwnProperty.call(DEFAULT_LIMITS, key)) throw new TypeError(`createEngine: unknown limit "${key}" (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new TypeError(`createEngine: limit "${key}" must be a positive whole number, got ${String(value)}`);
    out[key as keyof EngineLimits] = value;
  }
  return Object.freeze(out);
}
