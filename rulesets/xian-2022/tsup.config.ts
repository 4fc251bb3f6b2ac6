// The shared build of a ruleset package (rulesets/tsup.ruleset.ts): the library build, rubrics read with JSON.parse.
export { default } from '../tsup.ruleset.js';
