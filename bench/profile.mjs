// Score the bench city with safecity over and over, for a CPU profile:
//   node --cpu-prof --cpu-prof-dir=prof bench/profile.mjs [seconds] && node bench/profile-top.mjs prof
// (or open the .cpuprofile in Chrome DevTools → Performance).
import { createEngine } from '@safecity/engine';
import { makeWorkload } from './src/workload.mjs';

const seconds = Number(process.argv[2] ?? 5);
const w = makeWorkload();
const ruleset = createEngine().compile(w.ruleset);
let cities = 0;
const t0 = performance.now();
while (performance.now() - t0 < seconds * 1000) {
  for (const ev of w.evidence) ruleset.score(ev);
  cities++;
}
console.log(`${cities} cities in ${seconds} s: ${((performance.now() - t0) / cities).toFixed(2)} ms per city`);
