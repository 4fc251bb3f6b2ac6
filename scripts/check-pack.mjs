// What each published package would ship (`npm pack --dry-run`), checked as a careful consumer
// would: its LICENSE, a built dist/, and no content shipped twice — two identical files, or a
// data file (.json) also carried inside another file: inlined in the JavaScript (as an object
// literal or a `JSON.parse("…")` string) or in a source map's `sourcesContent`. Run by
// `npm run lint:pkg` after the build.
//
//   node scripts/check-pack.mjs            every non-private workspace package
//   node scripts/check-pack.mjs DIR…       those package folders
//
// Exit 1 with every problem listed, each naming the package and the files.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Files smaller than this are not compared (empty source maps, one-line re-exports). */
const MIN_BYTES = 1024;
/** A data file's string values at least this long anchor the search for a copy of it. */
const MIN_ANCHOR = 24;
/** How many keys and values after an anchor must follow it, in order, close together. */
const RUN = 6;
/** How close (characters) each of them must follow the one before. */
const GAP = 200;
/**
 * Share of the anchors followed by their run that makes another file a copy. Code generated from
 * the same source as a data file (the engine's TypeBox model beside its JSON Schema) shares
 * strings with it, but not runs of them in the data's order, side by side.
 */
const COPY_SHARE = 0.8;
/** At least this many anchors, or the data file is too small to judge. */
const MIN_ANCHORS = 8;
/**
 * Data files a package ships on purpose beside the code they are generated from, by package: the
 * engine's JSON Schema of a ruleset (for editors, from `$schema`) is written from its TypeBox
 * model, which the code needs at run time; the two say the same things in two forms.
 */
const DERIVED = { '@safecity/engine': ['schema/ruleset.schema.json'] };

/** The files `npm pack` would put in the package at `dir` (paths relative to it). */
export function packedFiles(dir) {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const [info] = JSON.parse(out);
  return info.files.map((f) => f.path);
}

/** The keys and string values of a parsed JSON value, in document order. */
function tokens(value, out = []) {
  if (typeof value === 'string') {
    if (value.length >= 6) out.push(value);
  } else if (Array.isArray(value)) for (const v of value) tokens(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.length >= 4) out.push(k);
      tokens(v, out);
    }
  }
  return out;
}

/**
 * Whether `text` carries the data whose keys and string values are `toks`: most long values are
 * followed, closely, by the next keys and values in the data's order — as an object
 * literal, a `JSON.parse` string or a source map's copy of the file all are.
 */
function carries(text, toks) {
  const seq = toks.filter((v) => !/["\\\n]/.test(v));
  const anchors = [];
  for (let i = 0; i + RUN < seq.length; i++) if (seq[i].length >= MIN_ANCHOR) anchors.push(i);
  if (anchors.length < MIN_ANCHORS) return false;
  // At most 64 anchors, spread over the file.
  const sample = anchors.filter((_, k) => k % Math.ceil(anchors.length / 64) === 0);
  let followed = 0;
  for (const i of sample) {
    let from = 0;
    for (let tries = 0; tries < 8; tries++) {
      const at = text.indexOf(seq[i], from);
      if (at < 0) break;
      let cursor = at + seq[i].length;
      let ok = true;
      for (let j = 1; j <= RUN; j++) {
        const next = text.indexOf(seq[i + j], cursor);
        if (next < 0 || next - cursor > GAP) {
          ok = false;
          break;
        }
        cursor = next + seq[i + j].length;
      }
      if (ok) {
        followed++;
        break;
      }
      from = at + 1;
    }
  }
  return followed / sample.length >= COPY_SHARE;
}

/** A file's text as a reader of escapes would see it: `\uXXXX`, `\u{…}` and `\xNN` decoded (esbuild's ASCII output). */
function decoded(text) {
  return text.replace(/\\(?:u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]+)\}|x([0-9a-fA-F]{2}))/g, (_, u, cp, x) => String.fromCodePoint(parseInt(u ?? cp ?? x, 16)));
}

/**
 * The problems of the package at `dir` as it would be packed, each a sentence naming the
 * package and the files. `files` defaults to what `npm pack --dry-run` lists.
 */
export function checkPackage(dir, files = packedFiles(dir)) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const name = manifest.name ?? relative(ROOT, dir);
  const problems = [];
  if (!files.some((f) => /^(LICENSE|LICENCE)(\.(md|txt))?$/i.test(f))) problems.push(`${name}: ships no LICENSE (add one at the package's root)`);
  if (typeof manifest.scripts?.build === 'string' && !files.some((f) => f.startsWith('dist/'))) {
    problems.push(`${name}: ships no dist/ (build it first: npm run build)`);
  }
  if (typeof manifest.scripts?.build === 'string' && typeof manifest.scripts?.prepack !== 'string') {
    problems.push(`${name}: has a build but no prepack script, so npm pack may ship it unbuilt`);
  }

  const texts = new Map();
  const bytes = new Map();
  for (const f of files) {
    const buf = readFileSync(join(dir, f));
    bytes.set(f, buf);
    if (/\.(json|js|mjs|cjs|map|ts|md|txt)$/.test(f)) texts.set(f, buf.toString('utf8'));
  }

  // Two files with the same bytes.
  const byHash = new Map();
  for (const [f, buf] of bytes) {
    if (buf.length < MIN_BYTES) continue;
    const h = createHash('sha256').update(buf).digest('hex');
    const seen = byHash.get(h);
    if (seen !== undefined) problems.push(`${name}: ${seen} and ${f} are the same file (${buf.length} bytes) shipped twice`);
    else byHash.set(h, f);
  }

  // A data file carried again inside another file.
  for (const [f, text] of texts) {
    if (!f.endsWith('.json') || f === 'package.json' || bytes.get(f).length < MIN_BYTES || DERIVED[name]?.includes(f)) continue;
    let value;
    try {
      value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      continue;
    }
    const compact = JSON.stringify(value);
    const toks = tokens(value);
    for (const [other, otherText] of texts) {
      // Two rubrics share wording; only code and maps are searched for a copy of a data file
      // (identical data files are caught above).
      if (other === f || other.endsWith('.json')) continue;
      const plain = decoded(otherText);
      if (plain.includes(compact) || plain.includes(JSON.stringify(compact).slice(1, -1)) || plain.includes(text.trim()) || carries(plain, toks)) {
        problems.push(`${name}: ${other} carries a copy of ${f}`);
      }
    }
  }
  return problems;
}

/** The folders of the root package.json's workspaces whose package is not private. */
export function publishedPackages() {
  const { workspaces = [] } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  return workspaces
    .flatMap((p) => {
      if (!p.endsWith('/*')) return [p];
      const parent = p.slice(0, -2);
      return readdirSync(join(ROOT, parent), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => `${parent}/${d.name}`);
    })
    .map((p) => join(ROOT, p))
    .filter((d) => existsSync(join(d, 'package.json')) && JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')).private !== true);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => resolve(d)) : publishedPackages();
  const problems = dirs.flatMap((d) => checkPackage(d));
  for (const p of problems) process.stderr.write(`check-pack: ${p}\n`);
  if (problems.length > 0) process.exit(1);
  process.stdout.write(`check-pack: ${dirs.length} packages ship their LICENSE, a dist/ and nothing twice\n`);
}
