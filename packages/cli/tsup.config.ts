import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/bin.ts', 'src/index.ts'],
  format: ['esm'],
  // Each command is its own chunk, loaded by `import()` when it runs (run.ts): the command
  // starts without the engine, the rubrics, exceljs, docx or echarts.
  splitting: true,
  dts: { entry: 'src/index.ts', compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  silent: true,
});
