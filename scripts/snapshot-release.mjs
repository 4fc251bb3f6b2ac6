#!/usr/bin/env node
// Keep a copy of each ruleset file of a ruleset package as it was published, under
// released/<version>/, so the release checks (rulesets/release-check.ts) compare the next
// change against it. Run after `changeset publish`: node scripts/snapshot-release.mjs rulesets/xian-2022
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const dir = process.argv[2];
if (dir === undefined) {
  console.error('usage: node scripts/snapshot-release.mjs <ruleset package folder>');
  process.exit(2);
}
const pkgDir = resolve(dir);
const { name, version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const isRuleset = (file) => {
  try {
    const j = JSON.parse(readFileSync(join(pkgDir, file), 'utf8'));
    return j !== null && typeof j === 'object' && typeof j.id === 'string' && (Array.isArray(j.tree) || typeof j.extends === 'object');
  } catch {
    return false;
  }
};
const files = readdirSync(pkgDir).filter((f) => f.endsWith('.json') && isRuleset(f));
if (files.length === 0) {
  console.error(`${name}: no ruleset .json files in ${pkgDir}`);
  process.exit(1);
}
const out = join(pkgDir, 'released', version);
mkdirSync(out, { recursive: true });
let failed = false;
for (const f of files) {
  const target = join(out, f);
  if (existsSync(target) && readFileSync(target, 'utf8') !== readFileSync(join(pkgDir, f), 'utf8')) {
    console.error(`${name} ${version}: released/${version}/${f} exists and differs: a published version never changes; bump the version`);
    failed = true;
    continue;
  }
  copyFileSync(join(pkgDir, f), target);
  console.log(`${name} ${version}: released/${version}/${f}`);
}
process.exit(failed ? 1 : 0);
