/**
 * ajv errors → plain issues: one message per problem, at a JSON pointer, saying what was
 * expected and what was found. Unions are resolved so an author sees the branch they meant.
 */
import type { Issue } from './errors.js';
import { pointerToken, unescapePointerToken } from './pointer.js';

/**
 * One schema error, in ajv's shape: what the precompiled validators (ajv's standalone code) and
 * the interpreted ones (plugin params, see validators/interpret.ts) both report.
 */
export interface SchemaError {
  /** The JSON Schema keyword that failed, e.g. `required`, `type`, `anyOf`. */
  keyword: string;
  /** JSON pointer of the failing value in the data. */
  instancePath: string;
  /**
   * Where the keyword is in the schema (`#/properties/x/type`); read only to group the errors
   * of an `anyOf`'s branches, so the precompiled validators keep it only there.
   */
  schemaPath?: string;
  /** The keyword's details, e.g. `{ missingProperty }`, `{ type }`, `{ allowedValue }`. */
  params: Record<string, unknown>;
  /** ajv's English message; when absent, `ajvMessage` of the keyword and params. */
  message?: string;
  /** The keyword's value in the schema: kept for `anyOf` (its branches). */
  schema?: unknown;
}

function at(data: unknown, pointer: string): unknown {
  if (pointer === '') return data;
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = unescapePointerToken(raw);
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** A short rendering of a found value for a message. */
export function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array (${value.length} items)`;
  if (typeof value === 'object') return 'an object';
  const s = JSON.stringify(value);
  return typeof value === 'string' ? `a string ${s.length > 42 ? s.slice(0, 40) + '…"' : s}` : `${typeof value} ${s}`;
}

/**
 * ajv 8's English message for a keyword, from its params. The precompiled validators leave
 * `message` out (it is this function of the rest), and so do the interpreted ones.
 */
export function ajvMessage(keyword: string, p: Record<string, unknown>): string {
  switch (keyword) {
    case 'required':
      return `must have required property '${String(p['missingProperty'])}'`;
    case 'additionalProperties':
      return 'must NOT have additional properties';
    case 'type':
      return `must be ${Array.isArray(p['type']) ? p['type'].join(',') : String(p['type'])}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p['comparison'])} ${String(p['limit'])}`;
    case 'minLength':
      return `must NOT have fewer than ${String(p['limit'])} characters`;
    case 'maxLength':
      return `must NOT have more than ${String(p['limit'])} characters`;
    case 'minItems':
      return `must NOT have fewer than ${String(p['limit'])} items`;
    case 'maxItems':
      return `must NOT have more than ${String(p['limit'])} items`;
    case 'minProperties':
      return `must NOT have fewer than ${String(p['limit'])} properties`;
    case 'maxProperties':
      return `must NOT have more than ${String(p['limit'])} properties`;
    case 'multipleOf':
      return `must be multiple of ${String(p['multipleOf'])}`;
    case 'pattern':
      return `must match pattern "${String(p['pattern'])}"`;
    case 'format':
      return `must match format "${String(p['format'])}"`;
    case 'const':
      return 'must be equal to constant';
    case 'enum':
      return 'must be equal to one of the allowed values';
    case 'anyOf':
      return 'must match a schema in anyOf';
    case 'oneOf':
      return 'must match exactly one schema in oneOf';
    case 'not':
      return 'must NOT be valid';
    case 'if':
      return `must match "${String(p['failingKeyword'])}" schema`;
    case 'uniqueItems':
      return 'must NOT have duplicate items';
    case 'contains':
      return `must contain at least ${String(p['minContains'] ?? 1)} valid item(s)`;
    case 'dependencies':
    case 'dependentRequired': {
      const deps = Array.isArray(p['dependencies']) ? (p['dependencies'] as unknown[]) : [];
      return `must have ${deps.length === 1 ? 'property' : 'properties'} ${deps.join(', ')} when property ${String(p['property'])} is present`;
    }
    case 'false schema':
      return 'boolean schema is false';
    case 'propertyNames':
      return 'property name must be valid';
    case 'unevaluatedProperties':
      return 'must NOT have unevaluated properties';
    case 'unevaluatedItems':
      return 'must NOT have unevaluated items';
    case '~refine':
      return String(p['message'] ?? 'is not valid');
    default:
      return `must satisfy "${keyword}"`;
  }
}

function one(e: SchemaError, data: unknown): Issue {
  const found = at(data, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: e.instancePath, message: `missing required property "${String(p['missingProperty'])}"` };
    case 'additionalProperties':
      return {
        path: `${e.instancePath}/${pointerToken(String(p['additionalProperty']))}`,
        message: `unknown property "${String(p['additionalProperty'])}"`,
      };
    case 'type':
      return { path: e.instancePath, message: `expected ${String(p['type'])}, found ${shown(found)}` };
    case 'const':
      return { path: e.instancePath, message: `expected ${JSON.stringify(p['allowedValue'])}, found ${shown(found)}` };
    case 'pattern':
      return { path: e.instancePath, message: `expected text matching ${String(p['pattern'])}, found ${shown(found)}` };
    default:
      return { path: e.instancePath, message: `${e.message ?? ajvMessage(e.keyword, p)}, found ${shown(found)}` };
  }
}

/** Convert ajv errors (validated with `allErrors`) into issues, resolving `anyOf` unions. */
export function ajvIssues(errors: readonly SchemaError[] | null | undefined, data: unknown, base = ''): Issue[] {
  if (!errors || errors.length === 0) return [];
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const consumed = new Set<SchemaError>();
  const out: Issue[] = [];
  // Innermost unions first, so an outer union sees what its branches reduced to.
  for (const u of anyOfs.sort((a, b) => (b.schemaPath ?? '').length - (a.schemaPath ?? '').length)) {
    const prefix = (u.schemaPath ?? '').slice(0, -'/anyOf'.length) + '/anyOf/';
    const branches = new Map<string, SchemaError[]>();
    for (const e of errors) {
      if (e === u || consumed.has(e) || !(e.schemaPath ?? '').startsWith(prefix)) continue;
      // The same union in an array (one schema path) fails separately for each element.
      if (e.instancePath !== u.instancePath && !e.instancePath.startsWith(u.instancePath + '/')) continue;
      const n = (e.schemaPath ?? '').slice(prefix.length).split('/')[0] as string;
      const list = branches.get(n) ?? [];
      list.push(e);
      branches.set(n, list);
    }
    consumed.add(u);
    for (const list of branches.values()) list.forEach((e) => consumed.add(e));
    const isLiteral = (list: SchemaError[]) => list.length === 1 && list[0]!.keyword === 'const' && list[0]!.instancePath === u.instancePath;
    // A branch whose tag (`type`, or a patch operation's `op`) differs is not the one meant.
    const tag = [...branches.values()].some((l) => l.some((e) => e.keyword === 'const' && e.instancePath === `${u.instancePath}/op`)) ? 'op' : 'type';
    const tagMiss = (list: SchemaError[]) =>
      list.some((e) => e.keyword === 'const' && e.instancePath === `${u.instancePath}/${tag}`);
    const all = [...branches.values()];
    if (all.length > 0 && all.every(isLiteral)) {
      const allowed = all.map((l) => JSON.stringify((l[0]!.params as { allowedValue: unknown }).allowedValue));
      out.push({ path: u.instancePath, message: `expected one of ${allowed.join(', ')}, found ${shown(at(data, u.instancePath))}` });
      continue;
    }
    const live = all.filter((l) => !tagMiss(l));
    // A branch with no errors of its own here failed only inside a $ref (ajv's `verbose` gives
    // the branches): it is the one meant, and its errors are reported as they are.
    const refOnly = Array.isArray(u.schema) && branches.size < u.schema.length;
    if (live.length === 0 && refOnly) continue;
    if (live.length === 1) {
      for (const e of live[0]!) out.push(one(e, data));
    } else if (live.length === 0 && all.length > 0) {
      const tags = all
        .map((l) => l.find((e) => e.keyword === 'const' && e.instancePath === `${u.instancePath}/${tag}`))
        .filter((e): e is SchemaError => e !== undefined)
        .map((e) => JSON.stringify((e.params as { allowedValue: unknown }).allowedValue));
      out.push({
        path: `${u.instancePath}/${tag}`,
        message: `expected "${tag}" to be one of ${tags.join(', ')}, found ${shown(at(data, `${u.instancePath}/${tag}`))}`,
      });
    } else {
      out.push({ path: u.instancePath, message: `does not match any allowed form, found ${shown(at(data, u.instancePath))}` });
    }
  }
  for (const e of errors) if (!consumed.has(e)) out.push(one(e, data));
  const seen = new Set<string>();
  return out
    .map((i) => ({ path: base + i.path, message: i.message }))
    .filter((i) => {
      const k = `${i.path}\u0000${i.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
}
