/**
 * The ids of the rulesets that ship with the command, without loading them: the help text names
 * them, and `safecity --version` or `--help` must not pay for the rubrics and the engine.
 * `resolve.ts` maps each to its rubric (a test checks the two agree).
 */
export const builtinRulesets: string[] = ['xian-2022/municipal', 'xian-2022/district', 'xian-2022/city'];
