/**
 * The unit-id grammar (单位编号). A unit id names a unit in evidence, registries, findings and
 * scorecards, and the CLI builds file names from it (`<id>.scorecard.json`): so an id is a
 * plain, portable file-name stem, checked wherever an id enters. Today's ids are pinyin
 * (`lintong`, `weishengjiankangwei`, `xixian`).
 * @module
 */

/**
 * A unit id: 1 to 64 characters, lower-case ASCII letters, digits, `-` and `_`, starting with a
 * letter or a digit. The pattern is linear (no nested quantifier), so it is safe on any text.
 */
export const UNIT_ID_PATTERN = '^[a-z0-9][a-z0-9_-]{0,63}$';

/** Longest unit id, in characters. */
export const UNIT_ID_MAX_LENGTH = 64;

const UNIT_ID_RE = new RegExp(UNIT_ID_PATTERN);

/**
 * Names Windows reserves for devices (with any extension): a file `con.scorecard.json` cannot
 * be created or opened there, so such an id is refused everywhere, for portable folders.
 */
const WINDOWS_DEVICE_RE = /^(?:con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

/** What a unit id may contain, for messages (zh for clerks, en for developers). */
export const UNIT_ID_RULE = {
  zh: '单位编号只能由小写英文字母、数字、“-”和“_”组成，以字母或数字开头，最长64个字符（如 lintong、xixian），且不能是 con、prn、aux、nul、com1–com9、lpt1–lpt9',
  en: 'a unit id is 1–64 characters of lower-case ASCII letters, digits, "-" and "_", starting with a letter or digit (e.g. lintong), and not a Windows device name (con, prn, aux, nul, com1–9, lpt1–9)',
} as const;

/** Whether `s` is a unit id by the grammar (`UNIT_ID_PATTERN`, and not a Windows device name). */
export function isUnitId(s: unknown): s is string {
  return typeof s === 'string' && s.length <= UNIT_ID_MAX_LENGTH && UNIT_ID_RE.test(s) && !WINDOWS_DEVICE_RE.test(s);
}

/** `s` shown safely in a message: quoted, control characters escaped, cut at 80 characters. */
export function showId(s: unknown): string {
  if (typeof s !== 'string') return s === null ? 'null' : typeof s;
  const cut = s.length > 80 ? `${s.slice(0, 80)}…（共${s.length}个字符）` : s;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Why `s` is not a unit id, in Chinese (with what an id may contain), or undefined when it is
 * one. `what` names the id in the message (default 单位编号).
 */
export function unitIdProblem(s: unknown, what = '单位编号'): string | undefined {
  if (isUnitId(s)) return undefined;
  if (typeof s !== 'string') return `${what}应为文本，实为 ${showId(s)}；${UNIT_ID_RULE.zh}`;
  const why = s === '' ? '为空' : WINDOWS_DEVICE_RE.test(s) ? '是 Windows 保留的设备名' : s.length > UNIT_ID_MAX_LENGTH ? `过长（${s.length}个字符）` : '含不允许的字符';
  return `${what} ${showId(s)} ${why}：${UNIT_ID_RULE.zh}`;
}
