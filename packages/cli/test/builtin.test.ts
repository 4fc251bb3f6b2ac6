import { describe, expect, it } from 'vitest';
import { rulesets } from '@safecity/ruleset-xian-2022';
import { builtinRulesets } from '../src/index.js';

describe('builtinRulesets', () => {
  it('names exactly the rubrics of @safecity/ruleset-xian-2022, in its order', () => {
    expect(builtinRulesets).toEqual(Object.keys(rulesets));
  });
});
