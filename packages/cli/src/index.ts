/**
 * `@safecity/cli` — the `safecity` command, also callable in-process with `run(argv, io)`.
 * @packageDocumentation
 */
export { run } from './run.js';
export { EXIT, InputProblems, UsageError, type Io, type Problem } from './io.js';
export { terminalText, terminalJson, terminalIo } from './terminal.js';
export { loadRuleset, findUnit, builtinRulesets, type LoadedRuleset } from './resolve.js';
