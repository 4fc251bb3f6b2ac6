import { defineConfig } from 'tsup';

/**
 * The build every library package shares: ESM and CJS with .d.ts from src/index.ts.
 * `composite: false` for the d.ts build avoids TS6307 under project references (TOOLING.md).
 */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: { compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Quiet on success; errors still print.
  silent: true,
});
