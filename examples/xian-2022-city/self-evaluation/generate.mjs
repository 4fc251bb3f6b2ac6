// Item-by-item self-evaluations (单位自评) for a few units of the demo, made up like the rest of
// this example: most items self-rated at the score the evaluation gave, a few deducted items
// rated at full marks (自评偏高), one or two rated lower. Reads the demo's cards:
//   node examples/xian-2022-city/demo.mjs --out /tmp/demo
//   node examples/xian-2022-city/self-evaluation/generate.mjs /tmp/demo
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@safecity/engine';

const HERE = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2] ?? 'out';
const UNITS = { district: ['yanta', 'lintong', 'beilin'], municipal: ['shuiwuju', 'chengguanju'] };
const NOTES = {
  full: ['已按要求完成，相关材料已报送', '已印发文件并落实', '台账资料齐全'],
  over: ['已基本完成，部分材料正在补充', '工作已开展，佐证材料待归档', '已完成整改'],
  under: ['材料不全，自评从严'],
};

// The engine's seededRandom (mulberry32), seeded per unit: the same files on every run
function rng(seed) {
  return seededRandom([...seed].reduce((h, c) => (Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0), 2166136261));
}
const pick = (r, list) => list[Math.floor(r() * list.length)];

for (const [kind, ids] of Object.entries(UNITS)) {
  for (const id of ids) {
    const card = JSON.parse(readFileSync(join(out, 'scores', kind, `${id}.scorecard.json`), 'utf8'));
    const r = rng(`${id}/self-items`);
    const items = {};
    const walk = (nodes) => {
      for (const n of nodes) {
        if (n.children?.length) walk(n.children);
        else if (n.applicable) {
          const lost = n.max - n.earned;
          let score = n.earned;
          let note;
          if (lost > 0 && r() < 0.3) {
            score = n.max; // rated at full marks despite a deduction
            note = pick(r, NOTES.over);
          } else if (lost === 0 && n.max > 0 && r() < 0.04) {
            score = Math.round(n.max * 50) / 100;
            note = NOTES.under[0];
          } else if (r() < 0.2) note = pick(r, NOTES.full);
          items[n.id] = note === undefined ? { score } : { score, note };
        }
      }
    };
    walk(card.nodes);
    const self = { unit: id, ruleset: card.ruleset.id, version: card.ruleset.version, items };
    writeFileSync(join(HERE, `${id}.json`), JSON.stringify(self, null, 2) + '\n');
    console.log(`${card.unit.name} (${id}): ${Object.keys(items).length} items`);
  }
}
