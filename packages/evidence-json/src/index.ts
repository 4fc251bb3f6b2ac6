/**
 * `@safecity/evidence-json` — one unit's evidence (佐证材料) as a JSON file: a JSON Schema and
 * a template generated from the ruleset for that unit, and a reader that checks every entry
 * and names every problem by `file#/json/pointer`.
 *
 * ```ts
 * import { jsonTemplate, evidenceJsonSchema, readJsonEvidence } from '@safecity/evidence-json';
 * const template = jsonTemplate(ruleset, unit);               // every field null
 * const schema = evidenceJsonSchema(ruleset, unit);           // for editors ($schema)
 * const bundle = readJsonEvidence([{ file: 'yanta.json', input }], { ruleset, units });
 * const card = ruleset.score(bundle.units[0]);
 * ```
 * @packageDocumentation
 */
export { evidenceJsonSchema, jsonTemplate, jsonEvidence, type JsonTemplateOptions } from './schema.js';
export {
  parseJsonEvidence,
  readJsonEvidence,
  JsonEvidenceError,
  DEFAULT_MAX_BYTES,
  type ParseJsonEvidenceOptions,
  type ReadJsonEvidenceOptions,
  type JsonEvidence,
} from './parse.js';
