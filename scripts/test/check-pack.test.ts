// scripts/check-pack.mjs, on packages built the ways that ship data twice (a rubric inlined as an
// object literal, as a JSON.parse string, in a source map's sourcesContent; a file copied) or
// without a LICENSE, a dist/ or a prepack: each is reported, naming the package and the files;
// the way the ruleset packages are built now (the entry imports the .json) is not.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script of this repository, without declarations
import { checkPackage } from '../check-pack.mjs';

const check = checkPackage as (dir: string, files?: string[]) => string[];
const root = new URL('../../', import.meta.url);
const work = mkdtempSync(join(tmpdir(), 'safecity-check-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const LICENSE = readFileSync(new URL('LICENSE', root), 'utf8');
const rubric = (f: string) => readFileSync(new URL(f, root), 'utf8');

/** esbuild's own JSON loading is an object literal; the old ruleset build's was JSON.parse("…"). */
const jsonAsParse: Plugin = {
  name: 'json-as-parse',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, ({ path }) => ({ contents: `export default JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(readFileSync(path, 'utf8'))))});`, loader: 'js' }));
  },
};
const keepJson: Plugin = { name: 'keep-json', setup: (b) => b.onResolve({ filter: /\.json$/ }, ({ path }) => ({ path, external: true })) };

type Style = 'object-literal' | 'object-literal-minified-utf8' | 'json-parse' | 'source-map-only' | 'import';

let n = 0;
/** A package at a fresh folder: data.json, and dist/index.js built from src/index.js in `style`. */
async function pkg(data: string, style: Style, options: { license?: boolean; prepack?: boolean } = {}): Promise<{ dir: string; files: string[] }> {
  const dir = join(work, `p${n++}`);
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `@fixture/p${n}`, version: '1.0.0', type: 'module', files: ['dist', 'data.json'], scripts: { build: 'tsup', ...(options.prepack === false ? {} : { prepack: 'node build.mjs' }) } }));
  if (options.license !== false) writeFileSync(join(dir, 'LICENSE'), LICENSE);
  writeFileSync(join(dir, 'data.json'), data);
  writeFileSync(join(dir, 'src/index.js'), "import data from '../data.json' with { type: 'json' };\nexport const rubric = data;\n");
  await build({
    entryPoints: [join(dir, 'src/index.js')],
    outfile: join(dir, 'dist/index.js'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'silent',
    minify: style === 'object-literal-minified-utf8',
    charset: style === 'object-literal-minified-utf8' ? 'utf8' : 'ascii',
    sourcemap: style === 'source-map-only' || style === 'json-parse',
    supported: { 'import-attributes': true },
    plugins: style === 'json-parse' ? [jsonAsParse] : style === 'import' || style === 'source-map-only' ? [keepJson] : [],
  });
  const files = ['package.json', 'data.json', 'dist/index.js', ...(options.license === false ? [] : ['LICENSE'])];
  if (style === 'source-map-only' || style === 'json-parse') files.push('dist/index.js.map');
  if (style === 'source-map-only') {
    // A map whose sourcesContent carries the data file (what a map of an inlined .json holds).
    const map = JSON.parse(readFileSync(join(dir, 'dist/index.js.map'), 'utf8'));
    map.sources.push('../data.json');
    map.sourcesContent.push(data);
    writeFileSync(join(dir, 'dist/index.js.map'), JSON.stringify(map));
  }
  return { dir, files };
}

const RUBRICS = ['rulesets/xian-2022/district.json', 'rulesets/xian-2022/municipal.json', 'rulesets/xian-2022/city.json', 'rulesets/xian-2023-example/district.json', 'rulesets/xian-2023-example/municipal.json'];
const COPIES: Style[] = ['object-literal', 'object-literal-minified-utf8', 'json-parse', 'source-map-only'];

describe('check-pack', () => {
  it.each(RUBRICS)('%s: a second copy in the entry or its map is reported, whatever the form; the entry importing it is not', async (file) => {
    for (const style of COPIES) {
      const { dir, files } = await pkg(rubric(file), style);
      const problems = check(dir, files);
      const where = style === 'source-map-only' ? 'dist/index.js.map' : 'dist/index.js';
      expect(problems, style).toContain(`@fixture/p${n}: ${where} carries a copy of data.json`);
      expect(problems.every((p) => p.startsWith(`@fixture/p${n}: `) && p.includes('data.json')), style).toBe(true);
    }
    const { dir, files } = await pkg(rubric(file), 'import');
    expect(check(dir, files)).toEqual([]);
  });

  it('generated data: every copy reported, no import reported', async () => {
    const text = fc.string({ unit: fc.constantFrom(...'安全发展示范城市评价细则整改台账应急救援风险防控abcdefgh0123456789'), minLength: 30, maxLength: 60 });
    const item = fc.record({ id: fc.stringMatching(/^[0-9](\.[0-9]{1,2}){2}$/), title: fc.record({ zh: text }), standard: text, max: fc.integer({ min: 1, max: 9 }), provenance: fc.record({ kind: fc.constantFrom('quoted', 'modelled'), note: text }) });
    const data = fc.record({ id: fc.constant('gen/one'), title: fc.record({ zh: text }), tree: fc.array(item, { minLength: 12, maxLength: 40 }) });
    await fc.assert(
      fc.asyncProperty(data, fc.constantFrom(...COPIES), async (d, style) => {
        const json = JSON.stringify(d, null, 2);
        const copy = await pkg(json, style);
        expect(check(copy.dir, copy.files).some((p) => p.includes('carries a copy of data.json')), style).toBe(true);
        const clean = await pkg(json, 'import');
        expect(check(clean.dir, clean.files)).toEqual([]);
      }),
      { numRuns: 12, seed: 14 },
    );
  });

  it('reports a missing LICENSE, a missing dist/, a missing prepack and a file shipped twice', async () => {
    const data = rubric(RUBRICS[3]!);
    const noLicense = await pkg(data, 'import', { license: false });
    expect(check(noLicense.dir, noLicense.files)).toEqual([`@fixture/p${n}: ships no LICENSE (add one at the package's root)`]);
    const noPrepack = await pkg(data, 'import', { prepack: false });
    expect(check(noPrepack.dir, noPrepack.files)).toEqual([`@fixture/p${n}: has a build but no prepack script, so npm pack may ship it unbuilt`]);
    const unbuilt = await pkg(data, 'import');
    expect(check(unbuilt.dir, unbuilt.files.filter((f) => !f.startsWith('dist/')))).toEqual([`@fixture/p${n}: ships no dist/ (build it first: npm run build)`]);
    const twice = await pkg(data, 'import');
    writeFileSync(join(twice.dir, 'dist/data.json'), data);
    expect(check(twice.dir, [...twice.files, 'dist/data.json'])).toEqual([`@fixture/p${n}: data.json and dist/data.json are the same file (${Buffer.byteLength(data)} bytes) shipped twice`]);
  });

  it('reads what npm pack would ship when no list is given', async () => {
    const { dir } = await pkg(rubric(RUBRICS[4]!), 'json-parse', { license: false });
    const problems = check(dir);
    expect(problems).toContain(`@fixture/p${n}: ships no LICENSE (add one at the package's root)`);
    expect(problems).toContain(`@fixture/p${n}: dist/index.js carries a copy of data.json`);
  });
});
