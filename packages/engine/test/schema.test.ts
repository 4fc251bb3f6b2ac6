// The shipped JSON Schema is generated from the TypeBox model and never drifts from it.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { Ajv } from 'ajv';
import { rulesetJsonSchema } from '../src/index.js';

const shipped = JSON.parse(readFileSync(new URL('../schema/ruleset.schema.json', import.meta.url), 'utf8'));
const example = JSON.parse(readFileSync(new URL('../../../examples/basic/ruleset.json', import.meta.url), 'utf8'));

describe('schema/ruleset.schema.json', () => {
  it('equals the schema generated from the model (run `npm run build` to regenerate)', () => {
    expect(shipped).toEqual(rulesetJsonSchema());
  });
  it('is plain draft-07 that a stock validator (and an editor) uses: accepts the example, refuses a broken one', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(shipped);
    expect(validate(example)).toBe(true);
    const broken = structuredClone(example);
    broken.tree[0].children[0].children[0].max = '2';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.[0]?.instancePath).toBe('/tree/0/children/0/children/0/max');
  });
  it('accepts a patch on an earlier edition (the example 2023 district rubric), refuses a broken operation', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(shipped);
    const patch = JSON.parse(readFileSync(new URL('../../../rulesets/xian-2023-example/district.json', import.meta.url), 'utf8'));
    expect(validate(patch), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const broken = structuredClone(patch);
    broken.patch[0].op = 'insert';
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.some((e) => e.instancePath === '/patch/0/op')).toBe(true);
  });
});
