// The precompiled validators (ajv's standalone code, slimmed) and the interpreted ones (TypeBox,
// for plugin params) against run-time ajv with the options the engine used to compile with:
// same verdicts, same errors where the engine reads them, same issues and messages.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { Type } from 'typebox';
import { Errors } from 'typebox/schema';
import { describe, expect, it } from 'vitest';
import { ajvIssues, ajvMessage, type SchemaError } from '../src/ajv-issues.js';
import { createEngine, definePlugin, defineMethod, RulesetError, type Issue } from '../src/index.js';
import { builtinMethods } from '../src/methods/builtins.js';
import { FindingsSchema, RulesetPatchSchema, RulesetSchema } from '../src/model.js';
import { interpretedValidator } from '../src/validators/interpret.js';
import { methodParamValidators, validateFindings, validatePatch, validateRuleset } from '../src/validators/precompiled.js';
import type { Validator } from '../src/validators/index.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
addFormats(ajv);

type Json = unknown;
const read = (path: string): Json => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
const root = '../../../';

const rulesets: Json[] = [
  read(`${root}rulesets/xian-2022/district.json`),
  read(`${root}rulesets/xian-2022/municipal.json`),
  read(`${root}rulesets/xian-2022/city.json`),
  read(`${root}examples/basic/ruleset.json`),
];
const patches: Json[] = [read(`${root}rulesets/xian-2023-example/district.json`), read(`${root}rulesets/xian-2023-example/municipal.json`)];
const findingsDir = new URL(`${root}examples/xian-2022-city/findings/`, import.meta.url);
const findings: Json[] = [
  read(`${root}examples/basic/findings.json`),
  ...readdirSync(findingsDir)
    .filter((f) => f.endsWith('.json'))
    .slice(0, 4)
    // Findings by unit: each unit's list.
    .flatMap((f) => Object.values(JSON.parse(readFileSync(new URL(f, findingsDir), 'utf8')) as Record<string, Json>).slice(0, 3)),
];

/** What the engine reads of an error, as the precompiled validators keep it. */
function slim(e: SchemaError | ErrorObject): Record<string, unknown> {
  const out: Record<string, unknown> = { instancePath: e.instancePath, keyword: e.keyword, params: e.params };
  if (e.schemaPath?.includes('/anyOf')) out['schemaPath'] = e.schemaPath;
  if (e.keyword === 'anyOf') out['schema'] = e.schema;
  return out;
}

/** Every path into a JSON value (arrays by index), the root included. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((c, i) => paths(c, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const [k, c] of Object.entries(v)) paths(c, [...at, k], out);
  return out;
}

type Mutation = { pick: number; op: 'set' | 'delete' | 'extra' | 'empty'; value: Json };
const mutation = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom<Mutation['op']>('set', 'set', 'delete', 'extra', 'empty'),
  value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('', -1, 0.5, 'x', [], {}, null, true, 'presence', 'rejected', 'onsite')),
});

/** A copy of `doc` with each mutation applied at a path picked among the copy's paths. */
function mutate(doc: Json, ms: readonly Mutation[]): Json {
  let copy = structuredClone(doc);
  for (const m of ms) {
    const all = paths(copy);
    const at = all[m.pick % all.length] as (string | number)[];
    if (at.length === 0) {
      if (m.op === 'set') copy = m.value;
      continue;
    }
    const parent = at.slice(0, -1).reduce<Json>((o, k) => (o as Record<string | number, Json>)[k], copy) as Record<string | number, Json>;
    const key = at[at.length - 1] as string | number;
    if (m.op === 'set') parent[key] = m.value;
    else if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (m.op === 'empty') parent[key] = Array.isArray(parent[key]) ? [] : typeof parent[key] === 'string' ? '' : {};
    else if (parent[key] !== null && typeof parent[key] === 'object' && !Array.isArray(parent[key])) (parent[key] as Record<string, Json>)['zz_extra'] = m.value;
  }
  return copy;
}

/** The precompiled validator and run-time ajv agree on `data`, error for error and issue for issue. */
function agree(precompiled: Validator, schema: object, data: Json): void {
  const reference = ajv.compile(schema);
  const ok = reference(data);
  expect(precompiled(data)).toBe(ok);
  if (ok) return;
  const theirs = reference.errors ?? [];
  expect((precompiled.errors ?? []).map(slim)).toEqual(theirs.map(slim));
  expect(ajvIssues(precompiled.errors, data, '/x')).toEqual(ajvIssues(theirs, data, '/x'));
  // The message the generated code leaves out is the one ajvMessage gives back.
  for (const e of theirs) expect(ajvMessage(e.keyword, e.params as Record<string, unknown>)).toBe(e.message);
}

describe('precompiled validators', () => {
  it('are what scripts/write-validators.mjs writes from the current schemas (no drift)', () => {
    const script = new URL('../scripts/write-validators.mjs', import.meta.url);
    // Exits 1, naming the command to run, when src/validators/precompiled.js is stale.
    expect(() => execFileSync(process.execPath, [script.pathname, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('generate no code and need nothing at run time: no require, eval, Function or import', () => {
    const text = readFileSync(new URL('../src/validators/precompiled.js', import.meta.url), 'utf8');
    expect(text).not.toMatch(/\brequire\(|\beval\(|\bFunction\(|^import /m);
    expect(Object.keys(methodParamValidators).sort()).toEqual(Object.keys(builtinMethods.methods ?? {}).sort());
  });

  it('accept every shipped ruleset, patch and findings file', () => {
    for (const r of rulesets) agree(validateRuleset, RulesetSchema, r);
    for (const p of patches) agree(validatePatch, RulesetPatchSchema, p);
    for (const f of findings) agree(validateFindings, FindingsSchema, f);
    for (const r of rulesets) expect(validateRuleset(r)).toBe(true);
    for (const p of patches) expect(validatePatch(p)).toBe(true);
  });

  it('report the same errors as run-time ajv on broken rulesets, patches and findings', () => {
    const docs: [Validator, object, Json][] = [
      ...rulesets.map((r): [Validator, object, Json] => [validateRuleset, RulesetSchema, r]),
      ...patches.map((p): [Validator, object, Json] => [validatePatch, RulesetPatchSchema, p]),
      ...findings.map((f): [Validator, object, Json] => [validateFindings, FindingsSchema, f]),
      // A patch checked as a ruleset and the reverse: every union branch fails somewhere.
      [validateRuleset, RulesetSchema, patches[0]],
      [validatePatch, RulesetPatchSchema, rulesets[3]],
    ];
    fc.assert(
      fc.property(fc.nat({ max: docs.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (d, ms) => {
        const [v, schema, doc] = docs[d] as [Validator, object, Json];
        agree(v, schema, mutate(doc, ms));
      }),
      { numRuns: 400 },
    );
  });

  it("report the same errors as run-time ajv on every built-in method's params", () => {
    const methods = Object.entries(builtinMethods.methods ?? {});
    fc.assert(
      fc.property(fc.nat({ max: methods.length - 1 }), fc.dictionary(fc.constantFrom('field', 'fields', 'deduct', 'per', 'max', 'tiers', 'points', 'grades', 'op', 'value', 'zz'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), (m, params) => {
        const [name, method] = methods[m] as [string, { params: object }];
        agree(methodParamValidators[name] as Validator, method.params, params);
      }),
      { numRuns: 400 },
    );
  });
});

// Schemas a plugin might give: the built-ins' own, and shapes they do not use.
const pluginSchemas: Record<string, object> = {
  ...Object.fromEntries(Object.entries(builtinMethods.methods ?? {}).map(([n, m]) => [n, m.params as object])),
  overdue: Type.Object({ field: Type.String(), per: Type.Number({ exclusiveMinimum: 0 }) }, { additionalProperties: false }),
  tagged: Type.Object(
    {
      rule: Type.Union([
        Type.Object({ type: Type.Literal('count'), min: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        Type.Object({ type: Type.Literal('share'), rate: Type.Number({ minimum: 0, maximum: 1 }) }, { additionalProperties: false }),
      ]),
      level: Type.Optional(Type.Union([Type.Literal('市级'), Type.Literal('区县')])),
      tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 8 }), { minItems: 1, maxItems: 3, uniqueItems: true })),
      weights: Type.Optional(Type.Record(Type.String(), Type.Number({ maximum: 10 }))),
    },
    { additionalProperties: false },
  ),
};
const pluginValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom('field', 'per', 'rule', 'level', 'tags', 'weights', 'deduct', 'tiers', 'points', 'grades', 'zz'),
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ type: fc.constantFrom('count', 'share', 'x'), min: fc.integer({ min: -2, max: 3 }), rate: fc.double({ min: -1, max: 2, noNaN: true }) }, { requiredKeys: ['type'] }), fc.array(fc.constantFrom('a', '', 'a', 'longer than eight'), { maxLength: 5 })),
    { maxKeys: 4 },
  ),
);

const sortIssues = (list: Issue[]) => [...list].sort((a, b) => (a.path + a.message).localeCompare(b.path + b.message));
// ajv names the first duplicate pair it finds (its scan order depends on the item type); the
// interpreted check says only that there are duplicates.
const withoutPair = (list: Issue[]) => list.map((i) => ({ ...i, message: i.message.replace(/ \(items ## \d+ and \d+ are identical\)/, '') }));

describe('interpreted validators (plugin params: TypeBox, no generated code)', () => {
  it('give the issues run-time ajv gives (the first eight problems when there are more)', () => {
    const names = Object.keys(pluginSchemas);
    fc.assert(
      fc.property(fc.constantFrom(...names), pluginValue, (name, data) => {
        const schema = pluginSchemas[name] as object;
        const reference = ajv.compile(schema);
        const v = interpretedValidator(schema);
        const ok = reference(data);
        expect(v(data)).toBe(ok);
        if (ok) {
          expect(v.errors).toBeNull();
          return;
        }
        const mine = sortIssues(ajvIssues(v.errors, data));
        const theirs = sortIssues(withoutPair(ajvIssues(reference.errors, data)));
        // TypeBox stops at its error cap (8): then what it reports is a part of ajv's.
        if (Errors(schema, data)[1].length < 8) expect(mine).toEqual(theirs);
        else for (const i of mine) expect(theirs).toContainEqual(i);
      }),
      { numRuns: 1000 },
    );
  });

  it("a plugin method's bad params are issues at their pointer, with ajv's wording", () => {
    const overdue = defineMethod<{ field: string; per: number }>({
      meta: { description: { zh: '逾期' }, monotonic: false, fields: (p) => [{ field: p.field, path: '/field', types: ['integer'] }] },
      params: pluginSchemas['overdue'] as never,
      messages: { late: { reason: { zh: '逾期{days}天' }, data: ['days'] } },
      score: () => {},
    });
    const engine = createEngine({ plugins: [definePlugin({ name: 'late', methods: { overdue } })] });
    const ruleset = {
      id: 'test/one',
      version: '1.0.0',
      edition: 2022,
      title: { zh: '测试细则' },
      unitKinds: ['district'],
      fields: [{ name: 'days', type: 'integer', title: { zh: '逾期天数' } }],
      tree: [{ id: 'g', title: { zh: '组' }, max: 1, children: [{ id: 'i', title: { zh: '整改时限' }, max: 1, scoring: { method: 'overdue', params: { field: 'days', per: -0.1, extra: 1 } } }] }],
    };
    let issues: readonly Issue[] = [];
    try {
      engine.compile(ruleset);
    } catch (e) {
      expect(e).toBeInstanceOf(RulesetError);
      issues = (e as RulesetError).issues;
    }
    expect(sortIssues([...issues])).toEqual([
      { path: '/tree/0/children/0/scoring/params/extra', message: 'unknown property "extra"' },
      { path: '/tree/0/children/0/scoring/params/per', message: 'must be > 0, found number -0.1' },
    ]);
  });

  it('a plugin that replaces a built-in method with other params is checked against its own', () => {
    const presence = { ...builtinMethods.methods!['presence']!, params: Type.Object({ field: Type.String(), weight: Type.Number() }, { additionalProperties: false }) };
    const engine = createEngine({ plugins: [definePlugin({ name: 'p', methods: { presence }, overrides: ['methods/presence'] })] });
    const ruleset = {
      id: 'test/one',
      version: '1.0.0',
      edition: 2022,
      title: { zh: '测试细则' },
      unitKinds: ['district'],
      fields: [{ name: 'plan', type: 'boolean', title: { zh: '方案' } }],
      tree: [{ id: 'g', title: { zh: '组' }, max: 1, children: [{ id: 'i', title: { zh: '方案' }, max: 1, scoring: { method: 'presence', params: { field: 'plan', deduct: 1 } } }] }],
    };
    expect(() => engine.compile(ruleset)).toThrow(RulesetError);
    try {
      engine.compile(ruleset);
    } catch (e) {
      expect(sortIssues([...(e as RulesetError).issues])).toEqual([
        { path: '/tree/0/children/0/scoring/params/deduct', message: 'unknown property "deduct"' },
        { path: '/tree/0/children/0/scoring/params', message: 'missing required property "weight"' },
      ]);
    }
  });
});
