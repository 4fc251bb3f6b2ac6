#!/usr/bin/env node
// npm run bench [-- --json] [--rounds N] [--smoke] [--seed N] [--units N] [--items N] [--skip bundle,excel,json,cli] [--demo] [--rules-engine] [--wall]
import { runBench, formatReport, OUTSIDE } from './src/index.mjs';

const args = process.argv.slice(2);
const opts = {};
const num = (flag) => {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`${flag} needs a positive integer`);
    process.exit(2);
  }
  return n;
};
for (const [flag, key] of [['--rounds', 'rounds'], ['--seed', 'seed'], ['--units', 'units'], ['--items', 'items']]) {
  const n = num(flag);
  if (n !== undefined) opts[key] = n;
}
if (args.includes('--smoke')) opts.smoke = true;
if (args.includes('--demo')) opts.demo = true;
if (args.includes('--rules-engine')) opts.rulesEngine = true;
if (args.includes('--wall')) opts.clock = 'wall';
const skipAt = args.indexOf('--skip');
if (skipAt >= 0) {
  opts.skip = (args[skipAt + 1] ?? '').split(',').filter(Boolean);
  const unknown = opts.skip.filter((s) => !OUTSIDE.includes(s));
  if (opts.skip.length === 0 || unknown.length > 0) {
    console.error(`--skip takes a comma-separated list of ${OUTSIDE.join(', ')}`);
    process.exit(2);
  }
}
const json = args.includes('--json');

const result = await runBench(opts);
if (!result.agree) {
  for (const d of result.disagreements) {
    console.error(`${d.workload ?? 'city'} workload, unit ${d.unit}: ${d.engine} gives ${d.actual / 1000}, ${d.reference} gives ${d.expected / 1000}`);
  }
  console.error(`engines disagree on ${result.disagreements.length} unit totals`);
  if (json) console.log(JSON.stringify(result));
  process.exit(1);
}
console.log(json ? JSON.stringify(result, null, 2) : formatReport(result));
