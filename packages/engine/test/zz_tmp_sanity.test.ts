import fc from 'fast-check';
import { it } from 'vitest';
import { createEngine } from '/work/main/packages/engine/src/index.js';
import { arbScenario } from '/work/main/packages/engine/test/arbitraries.js';
it('sanity', () => {
  const e = createEngine();
  const t0 = Date.now();
  const s = fc.sample(arbScenario(), 2000);
  const t1 = Date.now();
  let items = 0;
  for (const x of s) { const rs = e.compile(x.ruleset); items += rs.items.length; rs.score(x.evidence, { findings: x.findings }); }
  console.log('gen', t1 - t0, 'compile+score', Date.now() - t1, 'avg items', items / s.length);
});
