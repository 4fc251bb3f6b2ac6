/**
 * Validators for schemas known only at run time (a plugin method's params): TypeBox's schema
 * interpreter walks the schema for each check, so no code is generated (it works under a
 * `script-src 'self'` Content-Security-Policy). Its errors are put in ajv's shape (ajv's
 * keywords and params), so `ajvIssues` reports them as it reports the precompiled validators'.
 * @module
 */
import { Check, Errors } from 'typebox/schema';
import type { SchemaError } from '../ajv-issues.js';
import type { Validator } from './types.js';
import { unescapePointerToken } from '../pointer.js';

/** TypeBox's error: ajv's fields, but the schema path stops before the keyword. */
interface TypeBoxError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** The value at a `#/a/b` schema path (TypeBox does not escape its segments: best effort). */
function schemaAt(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const seg of path.replace(/^#\/?/, '').split('/')) {
    if (seg === '') continue;
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** TypeBox's errors → ajv's: one error per missing or unknown property, keyword-ended paths. */
export function ajvShaped(schema: unknown, errors: readonly TypeBoxError[]): SchemaError[] {
  const out: SchemaError[] = [];
  // Objects whose unknown keys TypeBox listed in one `additionalProperties` error.
  const listed = new Set(errors.filter((e) => e.keyword === 'additionalProperties').map((e) => e.instancePath));
  const add = (e: TypeBoxError, keyword: string, params: Record<string, unknown>, schemaPath = `${e.schemaPath}/${keyword}`) => {
    const err: SchemaError = { keyword, instancePath: e.instancePath, schemaPath, params };
    if (keyword === 'anyOf') err.schema = (schemaAt(schema, e.schemaPath) as { anyOf?: unknown } | undefined)?.anyOf;
    out.push(err);
  };
  for (const e of errors) {
    const p = e.params;
    switch (e.keyword) {
      case 'required':
        for (const k of list(p['requiredProperties'])) {
          out.push({ keyword: 'required', instancePath: e.instancePath, schemaPath: `${e.schemaPath}/required`, params: { missingProperty: k } });
        }
        break;
      case 'additionalProperties':
        for (const k of list(p['additionalProperties'])) add(e, 'additionalProperties', { additionalProperty: k });
        break;
      case 'boolean': {
        if (!e.schemaPath.endsWith('/additionalProperties')) {
          add(e, 'false schema', {}, e.schemaPath);
          break;
        }
        // `additionalProperties: false` fails once per unknown key as a false schema, then once
        // on the object listing them all (ajv's form), unless TypeBox stopped at its error cap.
        const cut = e.instancePath.lastIndexOf('/');
        const object = e.instancePath.slice(0, cut);
        if (listed.has(object)) break;
        const key = unescapePointerToken(e.instancePath.slice(cut + 1));
        add({ ...e, instancePath: object, schemaPath: e.schemaPath.slice(0, -'/additionalProperties'.length) }, 'additionalProperties', { additionalProperty: key });
        break;
      }
      case 'propertyNames':
        for (const k of list(p['propertyNames'])) add(e, 'propertyNames', { propertyName: k });
        break;
      case 'pattern':
        add(e, 'pattern', { pattern: p['pattern'] instanceof RegExp ? p['pattern'].source : p['pattern'] });
        break;
      case 'unevaluatedProperties':
        for (const k of list(p['unevaluatedProperties'])) add(e, 'unevaluatedProperties', { unevaluatedProperty: k });
        break;
      default:
        add(e, e.keyword, { ...p });
    }
  }
  // At its error cap TypeBox may stop between a union's branch errors and the union's own:
  // branch errors without their union would read as demands of every branch, so they go.
  const unions = out.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath ?? ''}/`);
  return out.filter((e) => e.keyword === 'anyOf' || !(e.schemaPath ?? '').includes('/anyOf/') || unions.some((u) => (e.schemaPath ?? '').startsWith(u)));
}

/**
 * A validator that interprets `schema` (a TypeBox or plain JSON Schema) on each call, with
 * ajv's error shape. TypeBox stops after a few errors (its `maxErrors` setting, 8 by default):
 * an author sees the first problems of one item's params, then the rest once fixed.
 */
export function interpretedValidator(schema: object): Validator {
  const validate: Validator = Object.assign(
    (data: unknown): boolean => {
      if (Check(schema, data)) {
        validate.errors = null;
        return true;
      }
      const [, errors] = Errors(schema, data);
      validate.errors = ajvShaped(schema, errors as unknown as TypeBoxError[]);
      return false;
    },
    { errors: null as SchemaError[] | null },
  );
  return validate;
}
