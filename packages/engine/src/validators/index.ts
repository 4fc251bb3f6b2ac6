/**
 * The engine's schema checks, with no code generated at run time: its own schemas (ruleset,
 * patch, findings, built-in methods' params) precompiled at build time by ajv
 * (`scripts/write-validators.mjs` → `precompiled.js`); a plugin method's params schema,
 * given only at run time, interpreted by TypeBox.
 * @module
 */
import { builtinMethods } from '../methods/builtins.js';
import type { ScoringMethod } from '../plugin.js';
import { interpretedValidator } from './interpret.js';
import { methodParamValidators, validateFindings, validatePatch, validateRuleset } from './precompiled.js';
import type { Validator } from './types.js';

export type { Validator } from './types.js';
export { validateFindings, validatePatch, validateRuleset };

// A built-in method's params schema object → its precompiled validator. Keyed by the schema
// itself, so a plugin that replaces a built-in method with other params is interpreted.
const precompiledParams = new WeakMap<object, Validator>();
for (const [name, method] of Object.entries(builtinMethods.methods ?? {})) {
  const validate = methodParamValidators[name];
  if (validate !== undefined) precompiledParams.set(method.params, validate);
}

/** The check of a method's params: precompiled for a built-in's schema, else interpreted. */
export function paramsValidator(method: ScoringMethod): Validator {
  return precompiledParams.get(method.params) ?? interpretedValidator(method.params);
}
