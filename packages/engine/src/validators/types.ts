import type { SchemaError } from '../ajv-issues.js';

/**
 * A schema check: true when the data is valid; otherwise false, with the problems in `errors`
 * (ajv's shape, read by `ajvIssues`). Precompiled (ajv's standalone code) or interpreted
 * (TypeBox), never code generated at run time.
 */
export interface Validator {
  (data: unknown): boolean;
  /** The last call's problems, or null when it passed. */
  errors?: SchemaError[] | null;
}
