/**
 * The generated schema as a second opinion, interpreted by @cfworker/json-schema: only the
 * errors that explain the others (leaves), each at the JSON pointer the reader's own checks
 * use, in Chinese; and keys the validator cannot walk (lone surrogates) end in a clear problem,
 * never a crash.
 */
import { Validator } from '@cfworker/json-schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EvidenceError } from '@safecity/engine';
import { jsonTemplate, parseJsonEvidence } from '../src/index.js';
import { pointer } from '../src/json-text.js';
import { schemaErrorPointer, schemaErrorText, schemaLeaves } from '../src/parse.js';
import { rulesetEvidenceSchema } from '../src/schema.js';
import { allTypes, clone, districtRs, issuesOf, unit, units } from './helpers.js';

type Json = Record<string, any>;

const validatorOf = (rs: typeof districtRs) => new Validator(rulesetEvidenceSchema(rs, rs.items.map((i) => i.id)) as never, '7', false);
const district = validatorOf(districtRs);
const types = validatorOf(allTypes);

/** The value at a JSON pointer (test-side, with no escapes in the keys used). */
function at(doc: unknown, p: string): unknown {
  return p === '' ? doc : p.slice(1).split('/').reduce<any>((v, t) => (v === undefined || v === null ? undefined : v[t]), doc);
}

/** The leaves of a value's errors as `pointer: text`. */
function leaves(v: Validator, doc: unknown): string[] {
  const r = v.validate(doc);
  return schemaLeaves(r.errors).map((e) => `${schemaErrorPointer(e)}: ${schemaErrorText(e, at(doc, schemaErrorPointer(e)))}`);
}

describe('the schema errors reported (leaves only)', () => {
  const template = jsonTemplate(districtRs, unit('yanta')) as Json;
  const [firstItem, firstFields] = Object.entries(template['items'] as Record<string, Json>)[0]!;
  const firstField = Object.keys(firstFields)[0]!;

  it('a valid template has none', () => {
    expect(district.validate(template).valid).toBe(true);
  });

  it('names the value, not every ancestor; a missing or extra key at the key itself', () => {
    const t = clone(template);
    t['ruleset'].version = '9.9.9';
    delete t['unit'].kind;
    t['items'][firstItem]['a b#%/~'] = 1;
    t['items']['9.9'] = {};
    const got = leaves(district, t);
    expect(got).toEqual([
      `/ruleset/version: 应为 "${districtRs.version}"，实为 "9.9.9"`,
      '/unit/kind: 缺少必填的键 "kind"',
      `${pointer('items', firstItem, 'a b#%/~')}: 不允许有此键`,
      '/items/9.9: 不允许有此键',
    ]);
    // None at an ancestor: no '', no /items, no /items/<id> alone.
    expect(got.some((g) => /^(|\/items|\/ruleset|\/unit): /.test(g))).toBe(false);
  });

  it('under anyOf: the branch the value was meant for, or one error naming every type', () => {
    const t = clone(jsonTemplate(allTypes, { id: 'x', name: 'X区', kind: 'district' })) as Json;
    const docs = allTypes.fields.find((f) => f.type === 'documents')!;
    const home = Object.entries(t['items'] as Record<string, Json>).find(([, o]) => docs.name in o)![0];
    // A register entry with a bad date and an unknown key; an empty name; a number.
    t['items'][home][docs.name] = [{ document: 'd', title: 't', date: '2023-3-1', extra: 1 }, '', 5];
    const got = leaves(types, t);
    expect(got).toEqual([
      `${pointer('items', home, docs.name, 0, 'date')}: 格式不符，实为 "2023-3-1"`,
      `${pointer('items', home, docs.name, 0, 'extra')}: 不允许有此键`,
      `${pointer('items', home, docs.name, 1)}: 文本过短，实为 ""`,
      `${pointer('items', home, docs.name, 2)}: 应为文本、对象，实为数 5`,
    ]);
  });

  it('the pointer of a key is the reader’s pointer, whatever the key (URI-encoded by the validator, decoded back)', () => {
    const key = fc.array(fc.oneof(fc.constantFrom('/', '~', '%', '#', ' ', '?', '"', '\\', '雁', '塔', '😀', '%2F', '~1', '~0'), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })), { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(key, (k) => {
        fc.pre(!(k in (template['items'][firstItem] as Json)));
        const t = clone(template);
        Object.defineProperty(t['items'][firstItem], k, { value: 1, enumerable: true, configurable: true, writable: true });
        const r = district.validate(t);
        expect(schemaLeaves(r.errors).map(schemaErrorPointer)).toEqual([pointer('items', firstItem, k)]);
      }),
      { numRuns: 300 },
    );
  });

  it('in the reader, a schema problem the own checks already named is not repeated', () => {
    const t = clone(template);
    t['items'][firstItem][firstField] = '约九十';
    const issues = issuesOf(() => parseJsonEvidence(JSON.stringify(t), { file: 'y.json', ruleset: districtRs, units }));
    expect(issues.map((i) => i.path)).toEqual([`y.json#${pointer('items', firstItem, firstField)}`]);
    expect(issues[0]!.message).not.toContain('evidenceJsonSchema');
  });
});

describe('keys the validator cannot walk', () => {
  const template = JSON.stringify(jsonTemplate(districtRs, unit('yanta')), null, 2);
  // A lone surrogate is valid JSON (`"\ud800"`) but not encodable in a URI: the validator throws on it.
  const lone = fc.constantFrom('\\ud800', '\\udfff', 'a\\udc00b', '\\ud83d');
  const where = fc.constantFrom('top', 'items', 'item', 'general', 'unit');

  it('end in a problem naming the place, never an exception', () => {
    fc.assert(
      fc.property(lone, where, (k, w) => {
        const entry = `"${k}": 1,`;
        const text =
          w === 'top'
            ? template.replace('{\n', `{\n  ${entry}\n`)
            : w === 'items'
              ? template.replace('"items": {', `"items": { ${entry}`)
              : w === 'general'
                ? template.replace('"general": {', `"general": { ${entry}`)
                : w === 'unit'
                  ? template.replace('"unit": {', `"unit": { ${entry}`)
                  : template.replace(/("items": \{\s*"[^"]+": \{)/, `$1 ${entry}`);
        let error: unknown;
        try {
          parseJsonEvidence(text, { file: 'y.json', ruleset: districtRs, units });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(EvidenceError);
        const issues = (error as EvidenceError).issues;
        expect(issues.length).toBeGreaterThan(0);
        for (const i of issues) {
          expect(i.path.startsWith('y.json')).toBe(true);
          expect(i.message).not.toMatch(/URI|malformed|at .*\.js/);
        }
      }),
      { numRuns: 60 },
    );
  });
});
