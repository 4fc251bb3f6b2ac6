import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';
import library from '../tsup.library.js';

/**
 * The shared library build (see the repository root) for a ruleset package, whose rubrics are
 * large JSON files. esbuild turns an imported .json into a JavaScript object literal, which V8
 * parses several times slower than the same text given to `JSON.parse` (a string literal is
 * scanned, not parsed into an AST); the rubrics are ~1 MB, most of loading the package. So each
 * .json becomes `JSON.parse("…")`: the same value, read at import as before.
 */
const jsonAsParse: Plugin = {
  name: 'json-as-parse',
  setup(build) {
    build.onLoad({ filter: /\.json$/ }, async ({ path }) => {
      const text = await readFile(path, 'utf8');
      // Parsed here once, so a broken file fails the build, and written back compact.
      const compact = JSON.stringify(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));
      return { contents: `export default JSON.parse(${JSON.stringify(compact)});\n`, loader: 'js' };
    });
  },
};

export default defineConfig({
  ...library,
  esbuildPlugins: [jsonAsParse],
  // The rubrics' Chinese as UTF-8, not `\uXXXX` escapes (a third of the file's size).
  esbuildOptions(options) {
    options.charset = 'utf8';
  },
});
