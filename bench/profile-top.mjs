// The functions with the most self time in the newest .cpuprofile of a folder:
//   node bench/profile-top.mjs DIR [N]
import { readFileSync, readdirSync } from 'node:fs';

const dir = process.argv[2] ?? '.';
const top = Number(process.argv[3] ?? 25);
const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort().pop();
if (file === undefined) {
  console.error(`no .cpuprofile in ${dir}`);
  process.exit(1);
}
const profile = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
const timeOf = new Map();
profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const self = new Map();
let total = 0;
for (const n of profile.nodes) {
  const t = timeOf.get(n.id) ?? 0;
  total += t;
  const { functionName, url, lineNumber } = n.callFrame;
  const key = `${functionName || '(anonymous)'}  ${url.split('/').slice(-2).join('/')}${url ? `:${lineNumber + 1}` : ''}`;
  self.set(key, (self.get(key) ?? 0) + t);
}
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}`);
}
