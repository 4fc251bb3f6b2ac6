import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLogicCompiler } from '../src/logic/index.js';

type Case = [rule: unknown, data: unknown, expected: unknown];

const entries = JSON.parse(
  readFileSync(new URL('./fixtures/jsonlogic/tests.json', import.meta.url), 'utf8'),
) as unknown[];

/** The cases grouped under their section titles (strings in tests.json). */
const sections: { title: string; cases: Case[] }[] = [];
for (const entry of entries) {
  if (typeof entry === 'string') sections.push({ title: entry.replace(/^#\s*/, ''), cases: [] });
  else {
    if (sections.length === 0) sections.push({ title: '(untitled)', cases: [] });
    (sections[sections.length - 1] as { cases: Case[] }).cases.push(entry as Case);
  }
}

describe('JsonLogic shared test suite (tests.json)', () => {
  const compiler = createLogicCompiler();

  it('has 280 cases', () => {
    expect(sections.reduce((n, s) => n + s.cases.length, 0)).toBe(280);
  });

  // Section titles without cases (the trailing "EOF" marker) make no suite.
  for (const { title, cases } of sections.filter((s) => s.cases.length > 0)) {
    describe(title, () => {
      cases.forEach(([rule, data, expected], i) => {
        it(`${title} #${i} ${JSON.stringify(rule)}`, () => {
          const { fn, issues } = compiler.compile(rule);
          expect(issues).toEqual([]);
          expect(fn(data)).toEqual(expected);
        });
      });
    });
  }
});
