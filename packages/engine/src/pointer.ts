/**
 * JSON pointers (RFC 6901): every place the engine, the evidence readers, the reports and the
 * command name in a JSON input is one, so escaping lives here once.
 * @module
 */

/**
 * One reference token, escaped: `~` → `~0`, then `/` → `~1` (in that order: the text `~1` is
 * written `~01`, which reads back as `~1`, never as `/`). Without the leading slash.
 */
export function pointerToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * One reference token, unescaped: `~1` → `/`, `~0` → `~`, in one pass (so `~01` reads back as
 * `~1`). A `~` followed by anything else is left as it is (`parsePointer` refuses it).
 */
export function unescapePointerToken(token: string): string {
  return token.indexOf('~') < 0 ? token : token.replace(/~[01]/g, (m) => (m === '~0' ? '~' : '/'));
}

/** A JSON pointer from its reference tokens: `jsonPointer('items', 'a/b', 0)` → `/items/a~1b/0`; none → `''` (the whole document). */
export function jsonPointer(...tokens: Array<string | number>): string {
  let s = '';
  for (const t of tokens) s += '/' + pointerToken(t);
  return s;
}

/**
 * The reference tokens of a JSON pointer, unescaped: `''` → `[]`, `/` → `['']`, `/a~1b/0` →
 * `['a/b', '0']`; `undefined` when it is not one (does not start with `/`, or has a `~` not
 * followed by `0` or `1`). Array indices stay text.
 */
export function parsePointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (pointer.charCodeAt(0) !== 47 /* / */ || /~(?![01])/.test(pointer)) return undefined;
  return pointer.slice(1).split('/').map(unescapePointerToken);
}
