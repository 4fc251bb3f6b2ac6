/**
 * JSON pointers ↔ places in the editor's text. The engine names every problem by JSON pointer
 * (`/tree/0/children/2/max`); the editor needs character offsets. jsonc-parser gives the node
 * tree with offsets, and the path at a cursor.
 */
import { DEFAULT_LIMITS, findTooDeepText } from '@safecity/engine';
import { findNodeAtLocation, getLocation, parseTree, type Node as JsonNode, type ParseError, printParseErrorCode } from 'jsonc-parser';

/** A place in the text, in characters from the start. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** The segments of a JSON pointer (`/a~1b/0` → `['a/b', 0]`); numbers where they index. */
export function pointerSegments(pointer: string): Array<string | number> {
  if (pointer === '' || pointer === '#') return [];
  const p = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** A pointer from segments (`['a/b', 0]` → `/a~1b/0`). */
export function toPointer(segments: ReadonlyArray<string | number>): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** The parsed text: its node tree (with offsets) and its syntax errors. */
export interface ParsedText {
  readonly root: JsonNode | undefined;
  readonly errors: ReadonlyArray<{ readonly span: Span; readonly message: string }>;
}

const SYNTAX: Record<string, string> = {
  InvalidSymbol: '无效的字符',
  InvalidNumberFormat: '数字格式不正确',
  PropertyNameExpected: '此处应为属性名（加双引号）',
  ValueExpected: '此处应为一个值',
  ColonExpected: '此处应为冒号 :',
  CommaExpected: '此处应为逗号 ,',
  CloseBraceExpected: '缺少右花括号 }',
  CloseBracketExpected: '缺少右方括号 ]',
  EndOfFileExpected: '此处之后不应再有内容',
  InvalidCommentToken: 'JSON 不允许注释',
  UnexpectedEndOfComment: '注释没有结束',
  UnexpectedEndOfString: '字符串没有结束（缺少右引号）',
  UnexpectedEndOfNumber: '数字没有结束',
  InvalidUnicode: '无效的 Unicode 转义',
  InvalidEscapeCharacter: '无效的转义字符',
  InvalidCharacter: '字符串中有无效的字符',
};

/**
 * Parses the text as strict JSON (no comments, no trailing commas), keeping the offsets. Text
 * nested deeper than `maxDepth` (the engine's `maxJsonDepth`) is refused before parsing, at the
 * first level too deep: the parser recurses, and 100,000 `[` would overflow its stack.
 */
export function parseText(text: string, maxDepth: number = DEFAULT_LIMITS.maxJsonDepth): ParsedText {
  const deep = findTooDeepText(text, maxDepth);
  if (deep >= 0) return { root: undefined, errors: [{ span: { from: deep, to: deep + 1 }, message: `JSON 嵌套超过 ${maxDepth} 层（maxJsonDepth），不再读取` }] };
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  return {
    root,
    errors: errors.map((e) => {
      const code = printParseErrorCode(e.error);
      return { span: { from: e.offset, to: e.offset + Math.max(1, e.length) }, message: `JSON 语法错误：${SYNTAX[code] ?? code}` };
    }),
  };
}

/**
 * Where a pointer is in the text: the value it names, or, for a property the value lacks (a
 * `required` problem), the nearest ancestor that exists. For an object member the span covers
 * the key too (`"max": 3`), so the squiggle sits where the author reads the name.
 */
export function spanOf(root: JsonNode | undefined, pointer: string): Span | undefined {
  if (root === undefined) return undefined;
  const segments = pointerSegments(pointer);
  for (let k = segments.length; k >= 0; k--) {
    const node = findNodeAtLocation(root, segments.slice(0, k));
    if (node === undefined) continue;
    const member = node.parent !== undefined && node.parent.type === 'property' ? node.parent : node;
    // A whole object or array is too long to underline: its key (or its opening bracket) is enough.
    if (node.type === 'object' || node.type === 'array') {
      const key = member !== node ? member.children?.[0] : undefined;
      return key !== undefined ? { from: key.offset, to: key.offset + key.length } : { from: node.offset, to: node.offset + 1 };
    }
    return { from: member.offset, to: member.offset + member.length };
  }
  return { from: root.offset, to: root.offset + 1 };
}

/** The JSON pointer of the value at (or the property being written at) a place in the text. */
export function locationAt(text: string, offset: number): { path: Array<string | number>; atKey: boolean } {
  const loc = getLocation(text, offset);
  return { path: loc.path as Array<string | number>, atKey: loc.isAtPropertyKey };
}
