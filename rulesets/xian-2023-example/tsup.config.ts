// The shared library build (see the repository root).
export { default } from '../../tsup.library.js';
