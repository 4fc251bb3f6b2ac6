/**
 * The compiler: validate a ruleset's shape (ajv, from the TypeBox schema), then its meaning,
 * reporting every problem at once with its JSON pointer; then build what scores. Each pass is
 * one file of `compile/`:
 *
 * 1. `shape.ts` — the ruleset schema (stops here on a wrong shape);
 * 2. `fields.ts` — evidence fields: names, enum values, ranges, value checkers, positions;
 * 3. `tree.ts` and `items.ts` — groups and items: ids, points, maxima, each item's scoring
 *    (method params or JsonLogic, see `logic.ts`), messages (`text.ts`), applicability, roles;
 * 4. `vetoes.ts` — grade bands and vetoes;
 * 5. `checks.ts` — coverage, rectification, a city ruleset's aggregates and consistency checks;
 * 6. `plan.ts` — when no pass found a problem: the compiled model and its scoring plan.
 * @module
 */
import { RulesetError } from './errors.js';
import { rulesetDepthIssue } from './depth.js';
import { checkShape } from './compile/shape.js';
import { compileFields } from './compile/fields.js';
import { logicChecker } from './compile/logic.js';
import { itemCompiler } from './compile/items.js';
import { compileTree } from './compile/tree.js';
import { compileGradesAndVetoes } from './compile/vetoes.js';
import { checkRulesetRules } from './compile/checks.js';
import { compiledModel } from './compile/plan.js';
import type { CompileContext } from './compile/context.js';
import type { CompiledModel, CompilerParts } from './compile/types.js';

export * from './compile/types.js';
export { ENGINE_MESSAGES } from './compile/items.js';
export { compileTemplate } from './compile/text.js';

/** Validate and compile a ruleset; throws RulesetError listing every problem. */
export function compileModel(json: unknown, parts: CompilerParts): CompiledModel {
  // Nesting first: the schema's validator and the passes recurse over the tree.
  const deep = rulesetDepthIssue(json, parts.limits);
  if (deep !== undefined) throw new RulesetError([deep]);
  const rs = checkShape(json, parts);
  const ctx: CompileContext = { rs, parts, issues: [] };
  const fields = compileFields(ctx);
  const logic = logicChecker(ctx, fields);
  const tree = compileTree(ctx, itemCompiler(ctx, fields, logic));
  const gradesAndVetoes = compileGradesAndVetoes(ctx, logic);
  checkRulesetRules(ctx, tree.ids);
  if (ctx.issues.length > 0) throw new RulesetError(ctx.issues, undefined, { maxProblems: parts.limits.maxProblems });
  return compiledModel(rs, fields, logic, tree, gradesAndVetoes, parts.limits);
}
