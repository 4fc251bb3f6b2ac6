import { readFileSync } from 'node:fs';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

/**
 * `src/version.ts` imports this package's package.json for its `version`: bundled as a module
 * with that one field, not the whole manifest (its scripts, dependencies…), read at build time.
 */
const versionOnly: Plugin = {
  name: 'package-version-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]cli[\\/]package\.json$/ }, ({ path }) => {
      const { version } = JSON.parse(readFileSync(path, 'utf8')) as { version: string };
      return { contents: `export default { version: ${JSON.stringify(version)} };\n`, loader: 'js' };
    });
  },
};

export default defineConfig({
  entry: ['src/bin.ts', 'src/index.ts'],
  format: ['esm'],
  // Each command is its own chunk, loaded by `import()` when it runs (run.ts): the command
  // starts without the engine, the rubrics, exceljs, docx or echarts.
  splitting: true,
  // commander bundled into the chunk that parses the command line: as a package it is seven
  // CommonJS files, each resolved, read and scanned for its exports at every start (half the
  // cost of loading it). Its `require`s of Node built-ins need a `require` in ESM: the banner.
  noExternal: ['commander'],
  banner: { js: "import { createRequire as __safecityCreateRequire } from 'node:module';\nconst require = __safecityCreateRequire(import.meta.url);" },
  dts: { entry: 'src/index.ts', compilerOptions: { composite: false } },
  esbuildPlugins: [versionOnly],
  sourcemap: true,
  clean: true,
  target: 'node20',
  silent: true,
});
