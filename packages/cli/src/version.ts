// The package's own manifest, bundled into the built chunk by tsup (esbuild inlines an imported
// .json): the version is read from package.json at build time, so it cannot drift from it, and
// `--version` still loads nothing else.
import manifest from '../package.json' with { type: 'json' };

/** The command's version, as `safecity --version` prints it: package.json's `version`, read at build time. */
export const VERSION: string = manifest.version;
