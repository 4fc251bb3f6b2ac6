import { defineConfig } from 'tsup';

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
  sourcemap: true,
  clean: true,
  target: 'node20',
  silent: true,
});
