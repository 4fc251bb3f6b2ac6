/**
 * Scoring: one unit's evidence and the check findings → a ScoreCard. Pure and
 * deterministic. Points are integer thousandths until the card is rendered.
 *
 * Each job in its own file under `score/`:
 * - `score/check.ts`: the input check (evidence values, register, claims; findings grouped per item);
 * - `score/evaluate.ts`: the item loop (kernels, JsonLogic, the general way), groups, totals, vetoes, grade;
 * - `score/render.ts`: the card and its deductions' words, rendered from the numbers;
 * - `score/hash.ts`: the evidence hash;
 * - `score/shared.ts`: what they share (findings per item, an item's result, markers).
 * @module
 */
import type { Validator } from './validators/index.js';
import type { UnitEvidence } from './model.js';
import type { ScoreCard } from './scorecard.js';
import type { CompiledModel } from './compile.js';
import { evaluateUnit, type ScoreOptions } from './score/evaluate.js';

export { evaluateUnit, type ScoreOptions } from './score/evaluate.js';
export { checkUnitEvidence } from './score/check.js';

/** Score one unit and render its card (`evaluateUnit(…).toScoreCard(lang)`). */
export function scoreUnit(
  model: CompiledModel,
  evidence: UnitEvidence,
  options: ScoreOptions,
  validateFindings: Validator,
  checked?: WeakMap<object, unknown[]>,
): ScoreCard {
  return evaluateUnit(model, evidence, options, validateFindings, checked).toScoreCard(options.lang ?? 'zh');
}
