import { copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';
import library from '../tsup.library.js';

/**
 * The shared library build (see the repository root) for a ruleset package, whose rubrics are
 * large JSON files shipped at the package's root (`municipal.json`, …, exported for tools and
 * editors). The entry imports them, and keeps importing them: each rubric ships once, as its
 * .json, read by Node's JSON module loader (one `JSON.parse` of the file, as fast as parsing a
 * string literal, far faster than an object literal) — not a second copy inlined in
 * dist/index.js and a third in its source map. `src/index.ts` imports `../x.json`, which from
 * `dist/index.js` is the same file.
 */
const rubricsStayFiles: Plugin = {
  name: 'rubrics-stay-files',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/[^/]+\.json$/ }, ({ path, importer }) => (importer.includes('/src/') || importer.includes('\\src\\') ? { path, external: true } : undefined));
  },
};

/**
 * The engine's JSON Schema of a ruleset, copied beside the rubrics as `ruleset.schema.json`
 * after each build (tsup runs in the package's folder): their `$schema` names
 * `./ruleset.schema.json`, which resolves in this repository and in an installed package alike
 * (a path into the engine's package would not: where npm puts it varies). Each package's
 * `test/rulesets.test.ts` fails if the committed copy differs from the engine's.
 */
function copyRulesetSchema(): void {
  const require = createRequire(import.meta.url);
  copyFileSync(require.resolve('@safecity/engine/schema/ruleset.schema.json'), join(process.cwd(), 'ruleset.schema.json'));
}

export default defineConfig({
  ...library,
  esbuildPlugins: [rubricsStayFiles],
  // The Chinese of the entry's strings as UTF-8, not `\uXXXX` escapes; and the import attributes
  // (`with { type: 'json' }`) Node needs for a .json import kept (Node ≥ 20.19 has them).
  esbuildOptions(options) {
    options.charset = 'utf8';
    options.supported = { ...options.supported, 'import-attributes': true };
  },
  onSuccess: async () => copyRulesetSchema(),
});
