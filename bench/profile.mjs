// Score the bench city with safecity over and over, for a CPU profile:
//   node --cpu-prof --cpu-prof-dir=prof bench/profile.mjs [seconds] [--score] && node bench/profile-top.mjs prof
// Profiles evaluate() (explanations recorded, not rendered) by default; --score profiles
// score() (the full rendered ScoreCard). Or open the .cpuprofile in Chrome DevTools → Performance.
import { createEngine } from '@safecity/engine';
import { makeWorkload } from './src/workload.mjs';

const args = process.argv.slice(2);
const score = args.includes('--score');
const seconds = Number(args.find((a) => !a.startsWith('--')) ?? 5);
const w = makeWorkload();
const ruleset = createEngine().compile(w.ruleset);
let cities = 0;
let sink = 0;
const t0 = performance.now();
while (performance.now() - t0 < seconds * 1000) {
  if (score) for (const ev of w.evidence) sink += ruleset.score(ev).total;
  else for (const ev of w.evidence) sink += ruleset.evaluate(ev).total;
  cities++;
}
console.log(`${score ? 'score()' : 'evaluate()'}: ${cities} cities in ${seconds} s: ${((performance.now() - t0) / cities).toFixed(3)} ms per city (checksum ${sink})`);
