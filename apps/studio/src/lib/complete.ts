/**
 * Completion from the ruleset's JSON Schema (the one `rulesetJsonSchema()` gives editors): at a
 * property name, the properties the schema allows there that the object lacks, each with its
 * description; at a value, the values the schema lists (`enum`, `const`, booleans).
 * Schemas are followed through `$ref`, `anyOf`, `oneOf` and `allOf`.
 */
type Schema = Record<string, unknown>;

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The schema a `$ref` (`#/definitions/Node`) names, within `root`. */
function deref(root: Schema, s: Schema): Schema {
  let cur = s;
  for (let hops = 0; hops < 16 && typeof cur['$ref'] === 'string'; hops++) {
    const ref = cur['$ref'] as string;
    if (!ref.startsWith('#/')) return cur;
    let at: unknown = root;
    for (const seg of ref.slice(2).split('/')) at = isSchema(at) ? at[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    if (!isSchema(at)) return cur;
    cur = at;
  }
  return cur;
}

/** The schema and every alternative it allows, flattened (`anyOf`, `oneOf`, `allOf`). */
function expand(root: Schema, s: Schema, depth = 0): Schema[] {
  const d = deref(root, s);
  if (depth > 8) return [d];
  const out: Schema[] = [d];
  for (const k of ['anyOf', 'oneOf', 'allOf']) {
    const list = d[k];
    if (Array.isArray(list)) for (const x of list) if (isSchema(x)) out.push(...expand(root, x, depth + 1));
  }
  return out;
}

/** The schemas a value under `segment` may have, within a value of schema `s`. */
function child(root: Schema, s: Schema, segment: string | number): Schema[] {
  const out: Schema[] = [];
  for (const e of expand(root, s)) {
    if (typeof segment === 'number') {
      if (isSchema(e['items'])) out.push(e['items']);
      else if (Array.isArray(e['items']) && isSchema(e['items'][segment])) out.push(e['items'][segment] as Schema);
      continue;
    }
    const props = e['properties'];
    if (isSchema(props) && isSchema(props[segment])) {
      out.push(props[segment] as Schema);
      continue;
    }
    const patterns = e['patternProperties'];
    if (isSchema(patterns)) for (const [p, ps] of Object.entries(patterns)) if (isSchema(ps) && safeTest(p, segment)) out.push(ps);
    if (isSchema(e['additionalProperties'])) out.push(e['additionalProperties']);
  }
  return out;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return false;
  }
}

/** The schemas that may describe the value at `path` (empty when the path leaves the schema). */
export function schemasAt(root: Schema, path: ReadonlyArray<string | number>): Schema[] {
  let cur: Schema[] = [root];
  for (const seg of path) {
    const next: Schema[] = [];
    for (const s of cur) next.push(...child(root, s, seg));
    cur = next;
    if (cur.length === 0) break;
  }
  return cur.flatMap((s) => expand(root, s));
}

/** One completion: what is shown, what is inserted, and the schema's words for it. */
export interface Suggestion {
  readonly label: string;
  readonly insert: string;
  readonly detail?: string;
  readonly info?: string;
}

const typeOf = (s: Schema): string | undefined => (typeof s['type'] === 'string' ? (s['type'] as string) : Array.isArray(s['type']) ? (s['type'] as string[]).join(' | ') : undefined);

/** The properties the object at `path` may have and does not (`present`), as `"name": ` insertions. */
export function propertySuggestions(root: Schema, path: ReadonlyArray<string | number>, present: ReadonlySet<string>): Suggestion[] {
  const seen = new Map<string, Suggestion>();
  for (const s of schemasAt(root, path)) {
    const props = s['properties'];
    if (!isSchema(props)) continue;
    const required = new Set(Array.isArray(s['required']) ? (s['required'] as string[]) : []);
    for (const [name, ps] of Object.entries(props)) {
      if (present.has(name) || seen.has(name) || !isSchema(ps)) continue;
      const d = expand(root, ps)[0] as Schema;
      const type = typeOf(d) ?? (Array.isArray(d['anyOf']) ? 'union' : undefined);
      const description = typeof ps['description'] === 'string' ? ps['description'] : typeof d['description'] === 'string' ? (d['description'] as string) : undefined;
      seen.set(name, {
        label: `"${name}"`,
        insert: `"${name}": `,
        ...(type !== undefined || required.has(name) ? { detail: [type, required.has(name) ? 'required' : undefined].filter(Boolean).join(' · ') } : {}),
        ...(description !== undefined ? { info: description } : {}),
      });
    }
  }
  return [...seen.values()];
}

/** The values the schema lists for the value at `path`, as JSON text. */
export function valueSuggestions(root: Schema, path: ReadonlyArray<string | number>): Suggestion[] {
  const seen = new Map<string, Suggestion>();
  const add = (v: unknown, info?: string) => {
    const text = JSON.stringify(v);
    if (!seen.has(text)) seen.set(text, { label: text, insert: text, ...(info !== undefined ? { info } : {}) });
  };
  for (const s of schemasAt(root, path)) {
    const info = typeof s['description'] === 'string' ? (s['description'] as string) : undefined;
    if ('const' in s) add(s['const'], info);
    if (Array.isArray(s['enum'])) for (const v of s['enum']) add(v, info);
    if (s['type'] === 'boolean') {
      add(true, info);
      add(false, info);
    }
  }
  return [...seen.values()];
}
