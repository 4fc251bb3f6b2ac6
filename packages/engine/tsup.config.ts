import { defineConfig } from 'tsup';
import library from '../../tsup.library.js';

/**
 * The shared library build (see the repository root), with the engine's run-time dependencies
 * bundled in: as separate packages TypeBox alone is ~370 files and semver ~50 CommonJS ones, each
 * resolved, read and compiled by Node at `import` (most of `safecity validate`'s start-up); one
 * file, tree-shaken, loads in a fraction of that. They stay `dependencies`: the .d.ts still names
 * TypeBox's types (the declaration build keeps every dependency external), and a plugin brings
 * its own TypeBox, whose schemas are plain JSON Schema objects either copy reads alike.
 *
 * Minified: V8 parses the module at every start (`safecity validate` included), and most of it is
 * the precompiled validators (src/validators/precompiled.js), generated code nobody reads in
 * dist; minified it parses in about two thirds of the time. The source map beside it names the
 * source (`node --enable-source-maps`); the error classes set their `name` themselves.
 */
export default defineConfig({
  ...library,
  noExternal: ['typebox', 'semver', 'safe-stable-stringify', '@noble/hashes'],
  minify: true,
});
