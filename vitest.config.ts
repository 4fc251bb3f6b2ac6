import { defineConfig, defaultServerConditions } from 'vite';

export default defineConfig({
  ssr: { resolve: { conditions: ['@safecity/source', ...defaultServerConditions] } },
  test: {
    // Property tests run hundreds of generated cases; on a busy 2-core CI machine the default 5 s
    // is too tight. No test asserts time; this only stops a slow run from failing.
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'engine',
          root: 'packages/engine',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/build-tsc/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'ruleset-xian-2022',
          root: 'rulesets/xian-2022',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/build-tsc/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'ruleset-xian-2023-example',
          root: 'rulesets/xian-2023-example',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/build-tsc/**', '**/dist/**'],
        },
      },
      { extends: true, test: { name: 'bench', root: 'bench', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'evidence-json',
          root: 'packages/evidence-json',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/build-tsc/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'evidence-excel',
          root: 'packages/evidence-excel',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/build-tsc/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'cli',
          root: 'packages/cli',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/build-tsc/**', '**/dist/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'report',
          root: 'packages/report',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/build-tsc/**', '**/dist/**'],
        },
      },
      // The rule author's studio (apps/studio): its logic in Node, the built app in headless Chromium.
      {
        extends: true,
        test: {
          name: 'studio',
          root: 'apps/studio',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
        },
      },
      // The repository's own scripts (scripts/check-pack.mjs) and release configuration.
      { extends: true, test: { name: 'repo', root: 'scripts', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'examples',
          root: 'examples',
          include: ['examples.test.ts'],
        },
      },
    ],
  },
});
