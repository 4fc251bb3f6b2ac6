// Build only the workspace packages whose build is missing or older than what it is built from,
// so that `npm run demo` and `npm run bench` do not rebuild a current tree (a full build takes
// a minute; checking takes milliseconds). `npm test` keeps its full build.
//
//   node scripts/build-if-stale.mjs            build what is stale, in dependency order
//   node scripts/build-if-stale.mjs --dry-run  only say what is stale, and why
//   node ../../scripts/build-if-stale.mjs --here  only the package in the current folder (and the
//                                              workspace packages it depends on): each published
//                                              package's `prepack`, so nothing packs unbuilt
//
// A package is stale when its dist/ is missing or empty, or when one of its inputs is newer than
// the oldest file of its dist/: src/ and scripts/, package.json, tsconfig.json, tsup.config.ts (an app's
// vite.config.ts and index.html),
// its data (top-level *.json but the *.schema.json its build writes), the shared
// tsup.library.ts and tsconfig.json at the root, and the dist/ of every workspace package it
// depends on (so a rebuilt engine rebuilds what uses it). Packages are built with their own
// `npm run build`, one at a time (the machine's cores go to tsup).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const dryRun = process.argv.includes('--dry-run');
const here = process.argv.includes('--here');

/** The workspace folders of the root package.json (`dir/*` globs expanded), in its order. */
function workspaces() {
  const { workspaces: patterns = [] } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return patterns.flatMap((p) => {
    if (!p.endsWith('/*')) return [p];
    const parent = p.slice(0, -2);
    return readdirSync(join(ROOT, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(ROOT, parent, d.name, 'package.json')))
      .map((d) => `${parent}/${d.name}`)
      .sort();
  });
}

/** Every file under `dir` (skipping node_modules), as [path, mtimeMs]. */
function files(dir, out = []) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') files(p, out);
    } else if (e.isFile()) out.push([p, statSync(p).mtimeMs]);
  }
  return out;
}

/** The newest of some files, as [path, mtimeMs] (undefined when there are none). */
function newest(list) {
  let best;
  for (const f of list) if (best === undefined || f[1] > best[1]) best = f;
  return best;
}

const ROOT_INPUTS = ['tsup.library.ts', 'tsconfig.json'].map((f) => join(ROOT, f)).filter((f) => existsSync(f));

/**
 * What a package is built from, besides its dependencies' builds. A package that reads more at
 * build time lists it in its package.json as `"buildInputs": ["../../examples/…/evidence"]`
 * (folders or files, relative to the package): the studio bundles the demo city's evidence.
 */
function inputs(dir) {
  const extra = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).buildInputs ?? []).flatMap((p) => {
    const path = join(dir, p);
    if (!existsSync(path)) return [];
    return statSync(path).isDirectory() ? files(path) : [[path, statSync(path).mtimeMs]];
  });
  const top = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && (['package.json', 'tsconfig.json', 'tsup.config.ts', 'vite.config.ts', 'index.html'].includes(e.name) || (e.name.endsWith('.json') && !e.name.endsWith('.schema.json'))))
    .map((e) => join(dir, e.name));
  return [...files(join(dir, 'src')), ...files(join(dir, 'scripts')), ...extra, ...[...top, ...ROOT_INPUTS].map((f) => [f, statSync(f).mtimeMs])];
}

const packages = workspaces().map((ws) => {
  const dir = join(ROOT, ws);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const deps = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies, ...manifest.peerDependencies });
  return { name: manifest.name, dir, builds: typeof manifest.scripts?.build === 'string', deps };
});
const byName = new Map(packages.map((p) => [p.name, p]));

// Dependencies first (depth-first over the workspace's own packages).
const order = [];
const visiting = new Set();
const visit = (p) => {
  if (order.includes(p) || visiting.has(p)) return;
  visiting.add(p);
  for (const d of p.deps) if (byName.has(d)) visit(byName.get(d));
  order.push(p);
};
if (here) {
  // npm runs `prepack` in the package's folder.
  const self = packages.find((p) => p.dir === process.cwd());
  if (self === undefined) {
    process.stderr.write(`build-if-stale: ${process.cwd()} is not a package of this repository\n`);
    process.exit(1);
  }
  visit(self);
} else packages.forEach(visit);

const rel = (f) => relative(ROOT, f);
/** Packages built (or, with --dry-run, to build) in this run. */
const rebuilt = new Set();
for (const p of order) {
  if (!p.builds) continue;
  const dist = files(join(p.dir, 'dist'));
  let why;
  const depRebuilt = p.deps.find((d) => rebuilt.has(d));
  if (dist.length === 0) why = 'no dist/';
  else if (depRebuilt !== undefined) why = `${depRebuilt} is rebuilt`;
  else {
    const builtAt = Math.min(...dist.map((f) => f[1]));
    const own = newest(inputs(p.dir));
    const dep = newest(p.deps.filter((d) => byName.get(d)?.builds).flatMap((d) => files(join(byName.get(d).dir, 'dist'))));
    if (own !== undefined && own[1] > builtAt) why = `${rel(own[0])} is newer than its build`;
    else if (dep !== undefined && dep[1] > builtAt) why = `${rel(dep[0])} is newer than its build`;
  }
  if (why === undefined) continue;
  process.stderr.write(`build-if-stale: ${dryRun ? 'would build' : 'building'} ${p.name} (${why})\n`);
  rebuilt.add(p.name);
  if (dryRun) continue;
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: p.dir, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`build-if-stale: the build of ${p.name} failed\n`);
    process.exit(r.status ?? 1);
  }
}

// Before packing, a build that left no dist/ is a refusal, not an empty package.
if (here && !dryRun) {
  const self = order[order.length - 1];
  if (self.builds && files(join(self.dir, 'dist')).length === 0) {
    process.stderr.write(`build-if-stale: ${self.name} has no dist/ after its build: not packing it\n`);
    process.exit(1);
  }
}
