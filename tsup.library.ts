import { defineConfig } from 'tsup';

/**
 * The build every library package shares: ESM only, with .d.ts, from src/index.ts. One module
 * format, so no dual-package hazard (a CommonJS copy whose classes differ from the ESM one's);
 * Node ≥ 20.19 `require`s ESM.
 * `composite: false` for the d.ts build avoids TS6307 under project references (TOOLING.md).
 */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: { compilerOptions: { composite: false } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Quiet on success; errors still print.
  silent: true,
});
