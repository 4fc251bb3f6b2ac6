/**
 * Strict JSON (RFC 8259) for hand-filled evidence files, read with jsonc-parser's visitor
 * (comments and trailing commas refused) instead of `JSON.parse`, because we need:
 * - every object built with a null prototype (`__proto__`, `constructor`, `prototype` are
 *   plain own keys that never reach a prototype),
 * - a key given twice in one object reported (JSON.parse silently keeps the last),
 * - where a syntax error is (line and column) and, for the usual slips of hand editing
 *   (a trailing comma, full-width punctuation, comments, single quotes), what to fix.
 * @module
 */
import { visit, printParseErrorCode } from 'jsonc-parser';
import { DEFAULT_LIMITS, findTooDeep, findTooDeepText, pointerToken, type TooDeep } from '@safecity/engine';

/** jsonc-parser's error codes by name (its enum is `const`, unusable under isolatedModules). */
type Code = ReturnType<typeof printParseErrorCode>;

/** A key given twice in one object: the pointer of the key, and the lines of both. */
export interface DuplicateKey {
  pointer: string;
  key: string;
  firstLine: number;
  line: number;
}

/** A syntax error, with its 1-based line and column. */
export class JsonSyntaxError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.name = 'JsonSyntaxError';
    this.line = line;
    this.column = column;
  }
}

/** Text nested deeper than the limit: where, as a JSON pointer and as a line and column. */
export class JsonTooDeepError extends JsonSyntaxError {
  /** JSON pointer of the first value nested too deep. */
  readonly pointer: string;
  constructor(message: string, pointer: string, at: { line: number; column: number }) {
    super(message, at.line, at.column);
    this.name = 'JsonTooDeepError';
    this.pointer = pointer;
  }
}

/** Escape one JSON pointer segment (RFC 6901). */
export function pointerSegment(s: string | number): string {
  return '/' + pointerToken(s);
}

/** A JSON pointer (RFC 6901) from its segments. */
export function pointer(...segments: Array<string | number>): string {
  return segments.map(pointerSegment).join('');
}

const FULL_WIDTH: Readonly<Record<string, string>> = {
  '，': ',',
  '：': ':',
  '“': '"',
  '”': '"',
  '｛': '{',
  '｝': '}',
  '［': '[',
  '］': ']',
  '【': '[',
  '】': ']',
};

function describeChar(c: string | undefined): string {
  if (c === undefined) return '文件结尾';
  if (c === '\n' || c === '\r') return '换行';
  if (c === '\t') return '制表符';
  const cp = c.codePointAt(0) as number;
  if (cp < 0x20) return `控制字符 U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return `“${c}”`;
}

const EXPECTED: Partial<Record<Code, string>> = {
  InvalidSymbol: '一个值',
  PropertyNameExpected: '用双引号括起的键',
  ValueExpected: '一个值',
  ColonExpected: '冒号 :',
  CommaExpected: '“,”',
  CloseBraceExpected: '“,” 或 “}”',
  CloseBracketExpected: '“,” 或 “]”',
  EndOfFileExpected: '文件结尾（JSON 只能有一个顶层值）',
};

/** Say what is wrong at `at`, in the terms of someone editing the file by hand. */
function explain(text: string, code: Code, at: number): { message: string; at: number } {
  const c = text[at];
  if (code === 'UnexpectedEndOfString') return { message: '文本缺少结尾的双引号', at };
  if (code === 'InvalidEscapeCharacter' || code === 'InvalidUnicode') {
    return { message: '无效的转义；反斜杠本身请写作 \\\\，\\u 之后应为 4 位十六进制数', at };
  }
  if (code === 'InvalidCharacter') return { message: `文本中不能直接出现${describeChar(c)}；换行请写作 \\n`, at };
  if (code === 'InvalidNumberFormat' || code === 'UnexpectedEndOfNumber') {
    return { message: '数字的写法不合 JSON（如前导 0、多余的小数点或缺少的数字）', at };
  }
  const expected = EXPECTED[code] ?? '合法的 JSON';
  // A trailing comma: the parser stops at the closing bracket; point at the comma itself.
  if ((c === '}' || c === ']') && (code === 'PropertyNameExpected' || code === 'ValueExpected')) {
    let k = at - 1;
    while (k >= 0 && /\s/.test(text[k] as string)) k--;
    if (text[k] === ',') return { message: `${c === '}' ? '对象' : '数组'}的最后一项之后多了逗号`, at: k };
  }
  if (c !== undefined && FULL_WIDTH[c] !== undefined) return { message: `应为${expected}，实为全角字符${describeChar(c)}；JSON 只认半角的 ${FULL_WIDTH[c]}`, at };
  if (c === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) return { message: `应为${expected}，实为注释；JSON 不允许注释`, at };
  if (c === "'") return { message: `应为${expected}，实为单引号；JSON 的文本和键须用双引号 "…"`, at };
  if (code === 'CommaExpected' || code === 'CloseBraceExpected' || code === 'CloseBracketExpected') {
    if (c === '"' || c === '{' || c === '[') return { message: '两项之间缺少逗号', at };
  }
  if (c !== undefined && /[\p{L}_]/u.test(c) && code !== 'EndOfFileExpected') {
    const word = /^[\p{L}\p{N}_]+/u.exec(text.slice(at, at + 20))?.[0] ?? c;
    return { message: `应为${expected}，实为 ${word}；文本须用双引号 "…"，未填写请写 null`, at };
  }
  return { message: `应为${expected}，实为${describeChar(c)}`, at };
}

/**
 * Parse JSON text into plain values whose objects have null prototypes. Nesting deeper than
 * `maxDepth` levels of objects and arrays is refused before parsing (the parser recurses), with
 * the JSON pointer of the first value too deep when the text is otherwise JSON, else its line.
 */
export function parseJsonText(text: string, maxDepth: number = DEFAULT_LIMITS.maxJsonDepth): { value: unknown; duplicates: DuplicateKey[] } {
  // Offsets where lines start, found once when a line number is first needed.
  let starts: number[] | undefined;
  const lineCol = (at: number): { line: number; column: number } => {
    if (starts === undefined) {
      starts = [0];
      for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) starts.push(k + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - (starts[lo] as number) + 1 };
  };
  const fail = (message: string, at: number): never => {
    const { line, column } = lineCol(at);
    throw new JsonSyntaxError(`JSON 语法错误（第 ${line} 行第 ${column} 列）：${message}`, line, column);
  };
  if (text.trim() === '') fail('文件是空的；应为一个 JSON 对象 {…}', 0);
  const deepAt = findTooDeepText(text, maxDepth);
  if (deepAt >= 0) {
    const tooDeep = `嵌套超过 ${maxDepth} 层（对象和数组层层相套；上限 maxJsonDepth），无法读取；请检查文件是否由模板生成`;
    let deep: TooDeep | undefined;
    try {
      // The built-in parser does not recurse: it reads the text to find the pointer of the place.
      deep = findTooDeep(JSON.parse(text), maxDepth);
    } catch {
      // Not JSON besides: the line and column say where.
    }
    if (deep !== undefined) throw new JsonTooDeepError(`${tooDeep}（${deep.pointer}）`, deep.pointer, lineCol(deepAt));
    fail(tooDeep, deepAt);
  }

  type Frame = { container: Record<string, unknown> | unknown[]; path: string; seen?: Map<string, number>; key?: string };
  const duplicates: DuplicateKey[] = [];
  const stack: Frame[] = [];
  let root: unknown;
  let error: { code: Code; at: number } | undefined;

  const put = (v: unknown): string => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      root = v;
      return '';
    }
    if (Array.isArray(top.container)) {
      const path = top.path + pointerSegment(top.container.length);
      top.container.push(v);
      return path;
    }
    const key = top.key as string;
    Object.defineProperty(top.container, key, { value: v, enumerable: true, writable: true, configurable: true });
    return top.path + pointerSegment(key);
  };
  // No deeper than `maxDepth`: the text was measured above.
  const open = (container: Record<string, unknown> | unknown[]): void => {
    const path = put(container);
    stack.push(Array.isArray(container) ? { container, path } : { container, path, seen: new Map() });
  };

  visit(
    text,
    {
      onObjectBegin: () => open(Object.create(null) as Record<string, unknown>),
      onArrayBegin: () => open([]),
      onObjectEnd: () => void stack.pop(),
      onArrayEnd: () => void stack.pop(),
      onObjectProperty: (key, offset) => {
        const top = stack[stack.length - 1] as Frame;
        const first = top.seen?.get(key);
        if (first !== undefined) duplicates.push({ pointer: top.path + pointerSegment(key), key, firstLine: lineCol(first).line, line: lineCol(offset).line });
        else top.seen?.set(key, offset);
        top.key = key;
      },
      onLiteralValue: (value) => void put(value),
      onComment: (offset) => {
        error ??= { code: 'InvalidCommentToken', at: offset };
      },
      onError: (code, offset) => {
        error ??= { code: printParseErrorCode(code), at: offset };
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (error !== undefined) {
    const e = error.code === 'InvalidCommentToken' ? { message: '应为一个值，实为注释；JSON 不允许注释', at: error.at } : explain(text, error.code, error.at);
    fail(e.message, e.at);
  }
  return { value: root, duplicates };
}
