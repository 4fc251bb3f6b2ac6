import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { createEngine } from '../src/index.js';

const load = (f: string) => JSON.parse(readFileSync(new URL(`../../../examples/basic/${f}`, import.meta.url), 'utf8'));
describe('smoke', () => {
  it('scores the example', () => {
    const engine = createEngine();
    const rs = engine.compile(load('ruleset.json'));
    const card = rs.score(load('evidence.json'), { findings: load('findings.json') });
    console.log(JSON.stringify(card, null, 1));
    expect(card.total).toBeGreaterThan(0);
  });
});
