import { defineConfig } from 'tsup';
import library from '../../tsup.library.js';

/**
 * The shared library build (see the repository root), with the engine's run-time dependencies
 * bundled in: as separate packages TypeBox alone is ~370 files and semver ~50 CommonJS ones, each
 * resolved, read and compiled by Node at `import` (most of `safecity validate`'s start-up); one
 * file, tree-shaken, loads in a fraction of that. They stay `dependencies`: the .d.ts still names
 * TypeBox's types (the declaration build keeps every dependency external), and a plugin brings
 * its own TypeBox, whose schemas are plain JSON Schema objects either copy reads alike.
 */
export default defineConfig({
  ...library,
  noExternal: ['typebox', 'semver', 'safe-stable-stringify', '@noble/hashes'],
});
