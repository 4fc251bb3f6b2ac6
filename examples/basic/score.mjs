// Score one unit (雁塔区) against a small ruleset and print, item by item, what was earned,
// what was deducted and why, and what to rectify. Run: npm run start -w @safecity/example-basic.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createEngine, SafecityError } from '@safecity/engine';

const read = (f) => JSON.parse(readFileSync(new URL(f, import.meta.url), 'utf8'));
const lang = process.argv.includes('--en') ? 'en' : 'zh';

try {
  const engine = createEngine();
  const ruleset = engine.compile(read('./ruleset.json'));
  const card = ruleset.score(read('./evidence.json'), { findings: read('./findings.json'), lang });

  const print = (node, depth) => {
    const pad = '  '.repeat(depth);
    if (!node.applicable) {
      console.log(`${pad}${node.id} ${node.title}  —  不适用 / n.a.: ${node.notApplicableReason}`);
      return;
    }
    console.log(`${pad}${node.id} ${node.title}  ${node.earned} / ${node.max}`);
    for (const d of node.deductions ?? []) {
      console.log(`${pad}    −${d.points} [${d.source}] ${d.reason}`);
      if (d.suggestion) console.log(`${pad}       → ${d.suggestion}`);
      if (d.evidence) console.log(`${pad}       ↳ ${d.evidence.join(', ')}`);
    }
    for (const c of node.children ?? []) print(c, depth + 1);
  };

  console.log(`${ruleset.title.zh} (${ruleset.id}@${ruleset.version})`);
  console.log(`${card.unit.name} (${card.unit.id})\n`);
  for (const n of card.nodes) print(n, 0);
  console.log(`\nearned ${card.earned} / ${card.max}, bonus ${card.bonus}, total ${card.total}` +
    (card.normalized !== undefined ? `, normalized ${card.normalized}` : '') + `, grade ${card.gradeTitle}` +
    (card.vetoed ? `, VETOED: ${card.vetoes.map((v) => v.reason).join('; ')}` : ''));

  mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./out/scorecard.json', import.meta.url), JSON.stringify(card, null, 2) + '\n');
  console.log('\nScoreCard JSON written to examples/basic/out/scorecard.json');
} catch (err) {
  // Input problems are listed with their places; anything else is a bug worth a stack trace.
  if (err instanceof SafecityError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
