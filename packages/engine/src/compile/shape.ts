/**
 * Pass 1, the shape: the ruleset is an object that fits the ruleset schema (ajv's validator,
 * precompiled at build time). Nothing after this pass runs on a ruleset of the wrong shape.
 * @module
 */
import { RulesetError } from '../errors.js';
import { ajvIssues, shown } from '../ajv-issues.js';
import type { Ruleset } from '../model.js';
import type { CompilerParts } from './types.js';

/** Check the ruleset's shape; throws RulesetError with every schema problem. */
export function checkShape(json: unknown, parts: CompilerParts): Ruleset {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new RulesetError([{ path: '', message: `expected a ruleset object, found ${shown(json)}` }]);
  }
  if (!parts.validateRuleset(json)) {
    throw new RulesetError(ajvIssues(parts.validateRuleset.errors, json), undefined, { maxProblems: parts.limits.maxProblems });
  }
  return json as Ruleset;
}
