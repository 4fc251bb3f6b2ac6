/**
 * Reading JSON evidence files: decode, parse, check against the generated schema and the
 * ruleset's meaning, and account for every field entry. Every problem of every file is
 * reported at once, each at `file#/json/pointer`.
 * @module
 */
import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import {
  DEFAULT_LIMITS,
  EvidenceError,
  evidenceLayout,
  hasAtMostThreeDecimals,
  isIsoDate,
  mergeEvidence,
  registerValue,
  unitIdProblem,
  takesRegister,
  unescapePointerToken,
  type CompiledRuleset,
  type DocumentEntry,
  type EvidenceBundle,
  type EvidenceField,
  type EvidencePart,
  type EvidenceRecord,
  type FieldValue,
  type Issue,
  type ListingOptions,
  type Node,
  type Unit,
} from '@safecity/engine';
import { JsonSyntaxError, JsonTooDeepError, parseJsonText, pointer, pointerSegment } from './json-text.js';
import { expectedText, rulesetEvidenceSchema } from './schema.js';

/** Default size limit of one evidence file: 20 MB. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** Options of `parseJsonEvidence`. */
export interface ParseJsonEvidenceOptions {
  /** The file's name as problems should show it, e.g. `yanta.json`. */
  file: string;
  /** The ruleset the file is read against. */
  ruleset: CompiledRuleset;
  /** The unit registry; when given, the file's unit must be one of these, with the same name and kind. */
  units?: readonly Unit[];
  /** Refuse larger input before parsing (default 20 MB). */
  maxBytes?: number;
  /** Refuse nesting of objects and arrays deeper than this, before parsing (default the engine's `maxJsonDepth`, 64). */
  maxDepth?: number;
  /** List at most this many problems in the error's message (default the engine's `maxProblems`, 100); `issues` has them all. */
  maxProblems?: number;
}

/** Options of `readJsonEvidence`. */
export type ReadJsonEvidenceOptions = Omit<ParseJsonEvidenceOptions, 'file'>;

/** One file read: its values for its unit, every field entry accounted for, and warnings. */
export interface JsonEvidence {
  part: EvidencePart;
  records: EvidenceRecord[];
  warnings: Issue[];
}

/**
 * The `EvidenceError` this package throws: every problem (`issues`, each at
 * `file#/pointer`) and, where the files could be read, the account of every field entry
 * (`records`, with the rejected ones' messages).
 */
export class JsonEvidenceError extends EvidenceError {
  readonly records: readonly EvidenceRecord[];
  constructor(issues: readonly Issue[], records: readonly EvidenceRecord[] = [], warnings: readonly Issue[] = [], listing: ListingOptions = {}) {
    super(issues, 'Invalid JSON evidence', warnings, listing);
    this.records = Object.freeze(records.slice());
  }
}

const TOP_KEYS = ['$schema', 'ruleset', 'unit', 'items', 'general'];
const RULESET_KEYS = ['id', 'version', 'hash'];
const UNIT_KEYS = ['id', 'name', 'kind', 'nameEn'];

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function has(o: Obj, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

function truncate(s: string, n = 80): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

/** A value as a person reads it in a message. */
function shown(v: unknown): string {
  if (v === undefined) return '（无）';
  if (v === null) return 'null';
  if (typeof v === 'string') return truncate(JSON.stringify(v));
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `数组 ${truncate(JSON.stringify(v))}`;
  return `对象 ${truncate(JSON.stringify(v))}`;
}

function kindOf(v: unknown): string {
  if (v === null) return ' null';
  if (Array.isArray(v)) return '数组';
  if (typeof v === 'string') return `文本 ${shown(v)}`;
  if (typeof v === 'number') return `数 ${v}`;
  if (typeof v === 'boolean') return ` ${v}`;
  return '对象';
}

/** A space between Chinese text and what follows when that starts with a digit, a letter or a sign. */
function spaced(s: string): string {
  return /^[\x21-\x7e≥≤]/.test(s) ? ' ' + s : s;
}

/**
 * Whether text is a number as a clerk types one in quotes: `12`, ` -3.5 `, `95 %`. Plain string
 * code and one unambiguous pattern: `\s*…\s*%?\s*` backtracked for minutes on `"1"` followed by
 * 320,000 spaces and `x`.
 */
function isQuotedNumber(v: string): boolean {
  let s = v.trim();
  if (s.endsWith('%')) s = s.slice(0, -1).trimEnd();
  return /^[-+]?\d+(?:\.\d+)?$/.test(s);
}

/** A hint for the usual slips: numbers in quotes, 是/否 for booleans. */
function hint(f: EvidenceField, v: unknown): string {
  if (typeof v !== 'string') return '';
  if ((f.type === 'integer' || f.type === 'number' || f.type === 'rate') && isQuotedNumber(v)) {
    return v.includes('%') ? '（数字不加引号，也不写 %）' : '（数字不加引号）';
  }
  if (f.type === 'boolean' && /^(是|否|有|无|true|false|yes|no)$/i.test(v.trim())) return '（是写 true，否写 false，不加引号）';
  return '';
}

/** Problems of one value: `[pointer suffix, what is wrong]`; none when fine. */
function checkValue(f: EvidenceField, v: unknown): Array<[string, string]> {
  const expected = spaced(expectedText(f));
  const wrong = (): Array<[string, string]> => [['', `应为${expected}，实为 ${shown(v)}${hint(f, v)}`]];
  const range = (n: number): Array<[string, string]> => {
    if (f.minimum !== undefined && n < f.minimum) return [['', `应不小于 ${f.minimum}，实为 ${n}`]];
    if (f.maximum !== undefined && n > f.maximum) return [['', `应不大于 ${f.maximum}，实为 ${n}`]];
    return [];
  };
  switch (f.type) {
    case 'boolean':
      return typeof v === 'boolean' ? [] : wrong();
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return wrong();
      if (!Number.isSafeInteger(v)) return [['', `应为${expected}，实为 ${shown(v)}：超出能精确表示的整数范围`]];
      if (f.minimum === undefined && v < 0) return wrong();
      return range(v);
    case 'number':
      if (typeof v !== 'number') return wrong();
      if (!Number.isFinite(v)) return [['', `应为${expected}，实为一个超出范围的数`]];
      return range(v);
    case 'rate':
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) return wrong();
      if (!hasAtMostThreeDecimals(v)) return [['', `应为${expected}，实为 ${v}（超过三位小数）`]];
      return range(v);
    case 'date':
      return isIsoDate(v) ? [] : wrong();
    case 'enum':
      return typeof v === 'string' && (f.values ?? []).includes(v) ? [] : wrong();
    case 'documents': {
      if (!Array.isArray(v)) return wrong();
      const out: Array<[string, string]> = [];
      const first = new Map<string, number>();
      v.forEach((d: unknown, i) => {
        if (typeof d !== 'string' || d.trim() === '') out.push([pointerSegment(i), `第 ${i + 1} 个文件名应为非空文本，实为 ${shown(d)}`]);
        else if (first.has(d)) out.push([pointerSegment(i), `文件 ${JSON.stringify(d)} 列出了两次（第 ${(first.get(d) as number) + 1} 个和第 ${i + 1} 个）`]);
        else first.set(d, i);
      });
      return out;
    }
  }
}

/** The key an item carries for the unit's 不适用 claim (field names never start with `$`). */
export const CLAIM_KEY = '$notApplicable';

const ENTRY_KEYS: Readonly<Record<string, string>> = {
  document: '对应材料',
  title: '证明材料名称',
  number: '文号',
  date: '印发日期',
  archived: '是否归档',
  link: '附件路径或链接',
  provider: '提供单位',
  contact: '联系人',
};

/**
 * A register field's value: a list of names (the legacy form) and/or register entries, or
 * for a document yes/no field true/false or entries. Problems as `[pointer suffix, message]`.
 */
function readRegisterValue(
  f: EvidenceField,
  v: unknown,
): { problems: Array<[string, string]>; value?: FieldValue; entries?: DocumentEntry[] } {
  if (!Array.isArray(v)) {
    if (f.type === 'boolean' && typeof v === 'boolean') return { problems: [], value: v };
    const want = f.type === 'boolean' ? 'true、false 或证明材料清单（对象数组）' : '文件名列表或证明材料清单（数组）';
    return { problems: [['', `应为${spaced(want)}，实为 ${shown(v)}${hint(f, v)}`]] };
  }
  const problems: Array<[string, string]> = [];
  const plain: string[] = [];
  const entries: DocumentEntry[] = [];
  const first = new Map<string, number>();
  v.forEach((d: unknown, i) => {
    const at = pointerSegment(i);
    if (typeof d === 'string') {
      if (f.type === 'boolean') problems.push([at, `第 ${i + 1} 项应为证明材料对象 {"title": …, "number": …, "date": …}，实为 ${shown(d)}`]);
      else if (d.trim() === '') problems.push([at, `第 ${i + 1} 个文件名应为非空文本，实为 ${shown(d)}`]);
      else if (first.has(d)) problems.push([at, `文件 ${JSON.stringify(d)} 列出了两次（第 ${(first.get(d) as number) + 1} 个和第 ${i + 1} 个）`]);
      else {
        first.set(d, i);
        plain.push(d);
      }
      return;
    }
    if (!isObject(d)) {
      problems.push([at, `第 ${i + 1} 项应为文件名或证明材料对象，实为${kindOf(d)}`]);
      return;
    }
    const before = problems.length;
    for (const k of Object.keys(d)) {
      if (!has(ENTRY_KEYS, k)) problems.push([at + pointerSegment(k), `证明材料中未知的键 ${JSON.stringify(k)}；只能有 ${Object.entries(ENTRY_KEYS).map(([a, b]) => `${a}（${b}）`).join('、')}`]);
    }
    const doc = d['document'] ?? (f.type === 'boolean' ? f.name : undefined);
    if (doc === undefined) problems.push([at + '/document', `第 ${i + 1} 项缺少 document：应写它对应的材料要求（如评分标准所列的文件名称）`]);
    else if (typeof doc !== 'string' || doc.trim() === '') problems.push([at + '/document', `document（对应材料）应为非空文本，实为 ${shown(doc)}`]);
    for (const k of ['title', 'number', 'link', 'provider', 'contact'] as const) {
      const x = d[k];
      if (x !== undefined && x !== null && (typeof x !== 'string' || x.trim() === '')) problems.push([at + '/' + k, `${k}（${ENTRY_KEYS[k]}）应为非空文本，实为 ${shown(x)}`]);
    }
    const date = d['date'];
    if (date !== undefined && date !== null && !isIsoDate(date)) problems.push([at + '/date', `date（印发日期）应为 YYYY-MM-DD 格式的日期，实为 ${shown(date)}`]);
    const archived = d['archived'];
    if (archived !== undefined && archived !== null && typeof archived !== 'boolean') {
      problems.push([at + '/archived', `archived（是否归档）应为 true 或 false，实为 ${shown(archived)}${typeof archived === 'string' ? '（不加引号）' : ''}`]);
    }
    if (problems.length > before) return;
    const e: DocumentEntry = { document: doc as string };
    for (const k of ['title', 'number', 'date', 'link', 'provider', 'contact'] as const) if (typeof d[k] === 'string') e[k] = d[k] as string;
    if (typeof archived === 'boolean') e.archived = archived;
    entries.push(e);
  });
  if (problems.length > 0) return { problems };
  if (entries.length === 0) return { problems, value: f.type === 'boolean' ? plain.length > 0 : plain };
  return { problems, value: registerValue(f, entries, f.type === 'documents' ? plain : undefined), entries };
}

/** The display form of a field: its Chinese title and its name. */
function fieldLabel(f: EvidenceField): string {
  return `“${f.title.zh}”（${f.name}）`;
}

// --- decoding -------------------------------------------------------------------------

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} 字节`;
}

/** Offset of the first byte that is not well-formed UTF-8, or -1. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    if (i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function decode(input: string | Uint8Array, file: string, maxBytes: number): string {
  const tooBig = (size: string) =>
    new JsonEvidenceError([{ path: file, message: `文件过大：${size}，超过上限 ${formatBytes(maxBytes)}（maxBytes）；请拆分文件，或调高上限` }]);
  if (typeof input === 'string') {
    // A UTF-16 code unit is at least one UTF-8 byte and at most three.
    if (input.length > maxBytes) throw tooBig(`至少 ${formatBytes(input.length)}`);
    if (input.length * 3 > maxBytes) {
      const size = new TextEncoder().encode(input).length;
      if (size > maxBytes) throw tooBig(formatBytes(size));
    }
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  if (!(input instanceof Uint8Array)) {
    throw new JsonEvidenceError([{ path: file, message: `输入应为文本或字节（Uint8Array），实为 ${typeof input}` }]);
  }
  if (input.length > maxBytes) throw tooBig(formatBytes(input.length));
  try {
    // fatal: invalid UTF-8 is an error, never replacement characters; a BOM is dropped.
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    const at = firstInvalidUtf8(input);
    throw new JsonEvidenceError([
      {
        path: file,
        message: `文件不是有效的 UTF-8 文本（第 ${at + 1} 字节起）；可能以 GBK 等编码保存，请另存为 UTF-8`,
      },
    ]);
  }
}

// --- the ruleset's shape, found once per compiled ruleset --------------------------------

interface RulesetIndex {
  fields: Map<string, EvidenceField>;
  /** Fields by lower-case name, to suggest the right spelling. */
  fieldsLower: Map<string, string>;
  items: Map<string, { title: string; reason?: string }>;
  groups: Map<string, string>;
}

const indexes = new WeakMap<CompiledRuleset, RulesetIndex>();

function indexOf(ruleset: CompiledRuleset): RulesetIndex {
  let ix = indexes.get(ruleset);
  if (ix !== undefined) return ix;
  const items = new Map<string, { title: string; reason?: string }>();
  const groups = new Map<string, string>();
  const walk = (nodes: readonly Node[]) => {
    for (const n of nodes) {
      if (n.children !== undefined) {
        groups.set(n.id, n.title.zh);
        walk(n.children as Node[]);
      } else {
        const e: { title: string; reason?: string } = { title: n.title.zh };
        if (n.applicability?.reason.zh !== undefined) e.reason = n.applicability.reason.zh;
        items.set(n.id, e);
      }
    }
  };
  walk(ruleset.source.tree as Node[]);
  if (ruleset.source.bonus !== undefined) {
    groups.set(ruleset.source.bonus.id, ruleset.source.bonus.title.zh);
    walk(ruleset.source.bonus.items as Node[]);
  }
  ix = {
    fields: new Map(ruleset.fields.map((f) => [f.name, f])),
    fieldsLower: new Map(ruleset.fields.map((f) => [f.name.toLowerCase(), f.name])),
    items,
    groups,
  };
  indexes.set(ruleset, ix);
  return ix;
}

// --- schema validation (interpreted), set up once per ruleset ----------------------------

// @cfworker/json-schema interprets the schema: no code generated from strings, so the reader
// runs under `Content-Security-Policy: script-src 'self'` and under
// `node --disallow-code-generation-from-strings` (ajv compiled each ruleset's schema with
// `new Function`). The schema depends on the ruleset, so it cannot be precompiled at build time.
const validators = new WeakMap<CompiledRuleset, Validator>();

/**
 * The validator of every unit's file of a ruleset, set up once (its schema dereferenced once;
 * per unit it was a quarter of a 48-unit round with ajv). Its schema is `rulesetEvidenceSchema`:
 * what depends on the unit (its identity, which items apply, where each field goes) the parser
 * checks in code, in its own words, so the schema only ever seconds it.
 */
function validatorFor(ruleset: CompiledRuleset, ix: RulesetIndex): Validator {
  let v = validators.get(ruleset);
  if (v === undefined) {
    // Draft-07 as the schema says; every error, not only the first (shortCircuit false).
    v = new Validator(rulesetEvidenceSchema(ruleset, [...ix.items.keys()]) as Schema, '7', false);
    validators.set(ruleset, v);
  }
  return v;
}

/**
 * Keywords whose error only says that a subschema failed: the subschema's own errors follow it
 * in the list and explain it, so it is not reported itself.
 */
const WRAPPERS = new Set([
  '$ref',
  '$recursiveRef',
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  'allOf',
  'if',
  'propertyNames',
  'dependentSchemas',
]);

interface ErrorNode {
  error: OutputUnit;
  /** Its keyword location, a `false` schema's made the child of its wrapper's (the validator gives it the instance location). */
  at: string;
  children: ErrorNode[];
}

/**
 * The validator's flat list as the tree it flattens: an applicator's error comes before the
 * errors of its subschema, whose keyword locations lie under its own.
 */
function errorTree(errors: readonly OutputUnit[]): ErrorNode[] {
  const roots: ErrorNode[] = [];
  const stack: ErrorNode[] = [];
  let previous: ErrorNode | undefined;
  for (const error of errors) {
    const at = error.keyword === 'false' && previous !== undefined && WRAPPERS.has(previous.error.keyword) ? `${previous.at}/false` : error.keywordLocation;
    const node: ErrorNode = { error, at, children: [] };
    while (stack.length > 0 && !at.startsWith((stack[stack.length - 1] as ErrorNode).at + '/')) stack.pop();
    (stack.length > 0 ? (stack[stack.length - 1] as ErrorNode).children : roots).push(node);
    stack.push(node);
    previous = node;
  }
  return roots;
}

/** The leaves under one error: see `schemaLeaves`. */
function leavesOf(node: ErrorNode, out: OutputUnit[]): void {
  const { error } = node;
  if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
    const branches = new Map<string, ErrorNode[]>();
    for (const c of node.children) {
      const branch = c.at.slice(node.at.length + 1).split('/')[0] as string;
      branches.set(branch, [...(branches.get(branch) ?? []), c]);
    }
    // A branch whose type the value does not even have is not what the file meant.
    const mistyped = (list: ErrorNode[]) => list.some((c) => c.error.keyword === 'type' && c.error.instanceLocation === error.instanceLocation);
    const meant = [...branches.values()].filter((list) => !mistyped(list));
    if (error.keyword === 'anyOf' && meant.length === 1 && branches.size > 1) {
      for (const c of meant[0] as ErrorNode[]) leavesOf(c, out);
      return;
    }
    if (error.keyword === 'anyOf' && meant.length === 0 && branches.size > 0) {
      // Of none of the types: one error naming them all.
      const types = new Set<string>();
      let found = '';
      for (const c of node.children) {
        if (c.error.keyword !== 'type') continue;
        const names = [...c.error.error.matchAll(/"([a-z]+)"/g)].map((m) => m[1] as string);
        found = names[0] ?? found;
        for (const t of names.slice(1)) types.add(t);
      }
      out.push({ ...error, keyword: 'type', error: `Instance type "${found}" is invalid. Expected ${[...types].map((t) => `"${t}"`).join(', ')}.` });
      return;
    }
    out.push(error);
    return;
  }
  // `dependencies` with a schema wraps that schema's errors; with a list of keys it is a leaf.
  const wraps = WRAPPERS.has(error.keyword) || (error.keyword === 'dependencies' && node.children.length > 0);
  if (wraps && node.children.length > 0) {
    for (const c of node.children) leavesOf(c, out);
    return;
  }
  out.push(error);
}

/**
 * The errors that explain the others. The validator lists an applicator's error (`properties`,
 * `$ref`, `items`, … at each ancestor) before the errors of its subschema, down to the leaf
 * (`type`, `minimum`, `required`, `false` for an additional property, …): only leaves are kept.
 * Under `anyOf`, the branches are alternatives: when the value has the type of one branch only,
 * that branch's leaves (a register entry's bad date, not "matches no form"); when it has the
 * type of none, one `type` error naming every branch's types; else the `anyOf` error itself.
 */
export function schemaLeaves(errors: readonly OutputUnit[]): OutputUnit[] {
  const out: OutputUnit[] = [];
  for (const node of errorTree(errors)) leavesOf(node, out);
  return out;
}

/**
 * A JSON pointer from the validator's `instanceLocation` (`#/items/3.1.1.1/x%20y`): its tokens
 * are RFC 6901-escaped and then URI-encoded. For a missing required property, the property's own
 * pointer (the object's plus the key), as the hand-written checks name it.
 */
export function schemaErrorPointer(e: OutputUnit): string {
  const raw = e.instanceLocation.startsWith('#') ? e.instanceLocation.slice(1) : e.instanceLocation;
  let p = raw
    .split('/')
    .map((t) => {
      try {
        return decodeURIComponent(t);
      } catch {
        return t;
      }
    })
    .join('/');
  if (e.keyword === 'required') {
    const m = /required property "(.*)"\.$/s.exec(e.error);
    if (m !== null) p += pointerSegment(m[1] as string);
  }
  return p;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: '文本',
  number: '数',
  integer: '整数',
  boolean: 'true/false',
  null: 'null',
  array: '数组',
  object: '对象',
};

/** The value at a pointer of the parsed file (undefined if there is none). */
function valueAt(root: unknown, p: string): unknown {
  let v = root;
  if (p === '') return v;
  for (const t of p.slice(1).split('/')) {
    const k = unescapePointerToken(t);
    if (Array.isArray(v)) v = v[Number(k)];
    else if (isObject(v) && has(v, k)) v = v[k];
    else return undefined;
  }
  return v;
}

/** What a schema error says, in Chinese, with the value found where that helps. */
export function schemaErrorText(e: OutputUnit, found: unknown): string {
  const quoted = (re: RegExp) => [...e.error.matchAll(re)].map((m) => m[1] as string);
  switch (e.keyword) {
    case 'type': {
      const want = quoted(/"([a-z]+)"/g).slice(1);
      return `应为${spaced(want.map((t) => TYPE_NAMES[t] ?? t).join('、'))}，实为${kindOf(found)}`;
    }
    case 'const':
      return `应为 ${e.error.replace(/^Instance does not match /, '').replace(/\.$/, '')}，实为 ${shown(found)}`;
    case 'enum':
      return `应为 ${e.error.replace(/^Instance does not match any of /, '').replace(/\.$/, '')} 之一，实为 ${shown(found)}`;
    case 'minimum':
    case 'exclusiveMinimum':
      return `${e.keyword === 'minimum' ? '应不小于' : '应大于'} ${e.error.replace(/^.* is less than (or equal to )?\s*/, '').replace(/\.$/, '')}，实为 ${shown(found)}`;
    case 'maximum':
    case 'exclusiveMaximum':
      return `${e.keyword === 'maximum' ? '应不大于' : '应小于'} ${e.error.replace(/^.* is greater than (or equal to )?\s*/, '').replace(/\.$/, '')}，实为 ${shown(found)}`;
    case 'minLength':
      return `文本过短，实为 ${shown(found)}`;
    case 'maxLength':
      return `文本过长，实为 ${shown(found)}`;
    case 'pattern':
      return `格式不符，实为 ${shown(found)}`;
    case 'required':
      return `缺少必填的键 ${JSON.stringify(quoted(/"(.*)"/g)[0] ?? '')}`;
    case 'false':
      return '不允许有此键';
    case 'anyOf':
    case 'oneOf':
      return `不符合任一允许的形式，实为${kindOf(found)}`;
    default:
      return e.error;
  }
}

/**
 * The pointers of the problems found so far, to tell whether another pointer is one of them, an
 * ancestor or a descendant of one, in time linear in the pointer's length (a scan over all of
 * them made 100,000 unknown item ids take minutes).
 */
class PointerSet {
  private readonly exact = new Set<string>();
  /** Every proper ancestor of a pointer in `exact` (`''` and `/items` for `/items/x`). */
  private readonly ancestors = new Set<string>();
  add(p: string): void {
    if (this.exact.has(p)) return;
    this.exact.add(p);
    for (let k = p.indexOf('/'); k >= 0; k = p.indexOf('/', k + 1)) this.ancestors.add(p.slice(0, k));
  }
  /** Whether `p` is a pointer of the set, or an ancestor or a descendant of one. */
  related(p: string): boolean {
    if (this.exact.has(p) || this.ancestors.has(p)) return true;
    for (let k = p.indexOf('/'); k >= 0; k = p.indexOf('/', k + 1)) if (this.exact.has(p.slice(0, k))) return true;
    return false;
  }
}

// --- parsing one file -------------------------------------------------------------------

/**
 * Read one unit's JSON evidence file. The input may be text or UTF-8 bytes (a BOM is
 * accepted; bytes that are not UTF-8 are an error). The file is checked against the schema
 * `evidenceJsonSchema` generates for its unit (interpreted: no code generation) and against the ruleset's meaning: the
 * ruleset id, version and hash, the unit (against `options.units` when given), that every
 * item applies to the unit, every field stands under the item the layout puts it under, and
 * every value has its field's type and range. Keys given twice in one object, and keys like
 * `__proto__`, are reported, never applied.
 *
 * Returns the unit's values (`part`, each with its source `file#/items/<id>/<field>`), one
 * record per field entry (`accepted`, or `empty` for `null`), and warnings. Throws a
 * `JsonEvidenceError` (an `EvidenceError`) listing every problem at once, each at
 * `file#/json/pointer`, with the records (rejected entries carry the message).
 */
export function parseJsonEvidence(input: string | Uint8Array, options: ParseJsonEvidenceOptions): JsonEvidence {
  const { file, ruleset } = options;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const listing: ListingOptions = { maxProblems: options.maxProblems ?? DEFAULT_LIMITS.maxProblems };
  const text = decode(input, file, maxBytes);
  let parsed: ReturnType<typeof parseJsonText>;
  try {
    parsed = parseJsonText(text, options.maxDepth ?? DEFAULT_LIMITS.maxJsonDepth);
  } catch (e) {
    if (e instanceof JsonTooDeepError) throw new JsonEvidenceError([{ path: `${file}#${e.pointer}`, message: e.message }]);
    if (e instanceof JsonSyntaxError) throw new JsonEvidenceError([{ path: file, message: e.message }]);
    throw e;
  }

  const ix = indexOf(ruleset);
  const issues: Issue[] = [];
  const pointers = new PointerSet();
  const warnings: Issue[] = [];
  const records: EvidenceRecord[] = [];
  const place = (p: string) => `${file}#${p}`;
  const add = (p: string, message: string) => {
    issues.push({ path: place(p), message });
    pointers.add(p);
  };
  const rulesetName = `${ruleset.id}@${ruleset.version}`;

  for (const d of parsed.duplicates) {
    add(d.pointer, `键 ${JSON.stringify(d.key)} 在同一对象中出现了两次（第 ${d.firstLine} 行和第 ${d.line} 行），只能保留一个`);
  }

  const root = parsed.value;
  if (!isObject(root)) {
    add('', `文件应为一个 JSON 对象 {"ruleset": …, "unit": …, "items": …}，实为${kindOf(root)}`);
    throw new JsonEvidenceError(issues, records, warnings, listing);
  }
  for (const k of Object.keys(root)) {
    if (!TOP_KEYS.includes(k)) add(pointer(k), `未知的键 ${JSON.stringify(k)}；顶层只能有 $schema、ruleset、unit、items、general`);
  }
  if (has(root, '$schema') && typeof root['$schema'] !== 'string') add('/$schema', `$schema 应为文本（schema 文件的路径），实为 ${shown(root['$schema'])}`);

  // The ruleset the file was made for. A file of another ruleset or version is not checked
  // item by item against this one (every difference would be reported as a problem).
  let foreign: string | undefined;
  const r = root['ruleset'];
  if (!has(root, 'ruleset')) add('/ruleset', `缺少 ruleset：应为 {"id": "${ruleset.id}", "version": "${ruleset.version}", "hash": "${ruleset.hash}"}`);
  else if (!isObject(r)) add('/ruleset', `ruleset 应为对象 {"id", "version", "hash"}，实为${kindOf(r)}`);
  else {
    for (const k of Object.keys(r)) if (!RULESET_KEYS.includes(k)) add(pointer('ruleset', k), `ruleset 中未知的键 ${JSON.stringify(k)}；只能有 id、version、hash`);
    const id = r['id'];
    const version = r['version'];
    const hash = r['hash'];
    for (const [k, v] of [['id', id], ['version', version]] as const) {
      if (v === undefined) add(pointer('ruleset', k), `缺少 ruleset.${k}（应为 ${JSON.stringify(k === 'id' ? ruleset.id : ruleset.version)}）`);
      else if (typeof v !== 'string') add(pointer('ruleset', k), `ruleset.${k} 应为文本，实为 ${shown(v)}`);
    }
    const fileVersion = typeof version === 'string' ? version : '?';
    if (typeof id === 'string' && id !== ruleset.id) {
      foreign = `此文件按评价细则 ${id}@${fileVersion} 填写，而读取所用的是 ${rulesetName}`;
      add('/ruleset/id', `${foreign}：请用对应的评价细则读取，或用 ${rulesetName} 的模板重新填写`);
    } else if (typeof version === 'string' && version !== ruleset.version) {
      // (Also when the id is not text: that is reported above, and a wrong version is a problem of its own.)
      foreign = `此文件按评价细则 ${ruleset.id} 的 ${version} 版填写，而读取所用的是 ${ruleset.version} 版`;
      add('/ruleset/version', `${foreign}：请用 ${version} 版读取，或用 ${ruleset.version} 版的模板重新填写`);
    } else if (hash === undefined) {
      warnings.push({ path: place('/ruleset'), message: `文件未写 ruleset.hash，无法确认它依据的评价细则内容未变（当前为 ${ruleset.hash}）` });
    } else if (typeof hash !== 'string') {
      add('/ruleset/hash', `ruleset.hash 应为文本，实为 ${shown(hash)}`);
    } else if (typeof id === 'string' && typeof version === 'string' && hash !== ruleset.hash) {
      add('/ruleset/hash', `评价细则 ${rulesetName} 的内容已改变（版本号相同）：文件依据的 hash 为 ${hash}，当前为 ${ruleset.hash}；请用当前评价细则重新生成模板并核对所填内容`);
    }
  }

  // The unit the file is for.
  let unit: Unit | undefined;
  let fileUnitId: string | undefined;
  const u = root['unit'];
  if (!has(root, 'unit')) add('/unit', '缺少 unit：应为评价对象 {"id": …, "name": …, "kind": …}');
  else if (!isObject(u)) add('/unit', `unit 应为对象 {"id", "name", "kind"}，实为${kindOf(u)}`);
  else {
    for (const k of Object.keys(u)) if (!UNIT_KEYS.includes(k)) add(pointer('unit', k), `unit 中未知的键 ${JSON.stringify(k)}；只能有 id、name、kind、nameEn`);
    let ok = true;
    for (const k of ['id', 'name', 'kind']) {
      const v = u[k];
      if (typeof v !== 'string' || v.trim() === '') {
        // A blank id is told what an id may contain, like any other id outside the grammar.
        add(pointer('unit', k), v === undefined ? `缺少 unit.${k}` : k === 'id' && typeof v === 'string' ? (unitIdProblem(v, 'unit.id') as string) : `unit.${k} 应为非空文本，实为 ${shown(v)}`);
        ok = false;
      }
    }
    if (has(u, 'nameEn') && typeof u['nameEn'] !== 'string') {
      add('/unit/nameEn', `unit.nameEn 应为文本，实为 ${shown(u['nameEn'])}`);
      ok = false;
    }
    // The unit id names output files (`<id>.scorecard.json`): only ids of the grammar are taken.
    const idProblem = typeof u['id'] === 'string' && u['id'].trim() !== '' ? unitIdProblem(u['id'], 'unit.id') : undefined;
    if (idProblem !== undefined) {
      add('/unit/id', idProblem);
      ok = false;
    } else if (typeof u['id'] === 'string') fileUnitId = u['id'];
    if (ok) {
      const given: Unit = { id: u['id'] as string, name: u['name'] as string, kind: u['kind'] as string };
      if (typeof u['nameEn'] === 'string') given.nameEn = u['nameEn'];
      unit = given;
      if (options.units !== undefined) {
        const reg = options.units.find((x) => x.id === given.id);
        const byName = options.units.find((x) => x.name === given.name);
        if (reg === undefined) {
          add('/unit/id', `单位 id ${JSON.stringify(given.id)} 不在单位名录中${byName !== undefined ? `；名录中“${byName.name}”的 id 是 ${JSON.stringify(byName.id)}` : ''}`);
        } else {
          if (reg.name !== given.name) {
            add(
              '/unit/name',
              `单位 ${JSON.stringify(reg.id)} 在名录中名为“${reg.name}”，文件中写作“${given.name}”` +
                (byName !== undefined ? `（“${byName.name}”在名录中的 id 是 ${JSON.stringify(byName.id)}：这是另一个单位的文件？）` : ''),
            );
          }
          if (reg.kind !== given.kind) add('/unit/kind', `单位 ${JSON.stringify(reg.id)}（${reg.name}）在名录中的类别是 ${JSON.stringify(reg.kind)}，文件中写作 ${JSON.stringify(given.kind)}`);
          if (given.nameEn !== undefined && given.nameEn !== reg.nameEn) {
            add('/unit/nameEn', `单位 ${JSON.stringify(reg.id)} 在名录中的英文名是 ${shown(reg.nameEn)}，文件中写作 ${shown(given.nameEn)}`);
          }
          unit = reg;
        }
      }
      if (!ruleset.unitKinds.includes(unit.kind)) {
        const which = unit === given ? '/unit/kind' : '/unit';
        add(
          which,
          `评价细则 ${rulesetName} 评价 ${ruleset.unitKinds.join('、')} 类单位，而${unit.name}（${unit.id}）是 ${JSON.stringify(unit.kind)} 类：这是另一评价细则的文件`,
        );
        unit = undefined;
      }
    }
  }

  // The items and general fields, against the unit's layout.
  const layout = unit !== undefined ? evidenceLayout(ruleset, unit) : undefined;
  const layoutItems = new Map(layout?.items.map((it) => [it.id, it]) ?? []);
  /** Where each field of the layout belongs: `/items/<id>` or `/general`. */
  const home = new Map<string, string>();
  for (const it of layout?.items ?? []) for (const f of it.fields) home.set(f.name, pointer('items', it.id));
  for (const f of layout?.general ?? []) home.set(f.name, '/general');
  /** A partner's item → the lead's figures it may report for cross-checking only (not scored). */
  const leadFigure = new Map<string, { item: string; lead: string | undefined }>();
  for (const it of layout?.items ?? []) {
    const rsItem = ruleset.items.find((x) => x.id === it.id);
    for (const f of it.leadFields ?? []) if (!home.has(f.name)) leadFigure.set(f.name, { item: it.id, lead: rsItem?.lead });
  }

  const values = Object.create(null) as Record<string, FieldValue>;
  const sources = Object.create(null) as Record<string, string[]>;
  const register = Object.create(null) as Record<string, DocumentEntry[]>;
  const claims = Object.create(null) as Record<string, string>;
  /** Register fields given a plain 是 or names with no register entry: one warning for the file. */
  const unregistered: string[] = [];
  /** Where each field name was seen, to tell a field given twice. */
  const seenAt = new Map<string, string>();
  const recordUnit = unit?.id ?? fileUnitId;
  const record = (p: string, item: string | undefined, field: string, status: EvidenceRecord['status'], message?: string) => {
    const rec: EvidenceRecord = { place: place(p), field, status };
    if (recordUnit !== undefined) rec.unit = recordUnit;
    if (item !== undefined) rec.item = item;
    if (message !== undefined) rec.message = message;
    records.push(rec);
  };

  const rootItems = root['items'];
  const rootGeneral = root['general'];
  const present = (container: unknown, name: string): boolean => isObject(container) && has(container, name);
  /** Is the field given at `home` (its own place)? */
  const givenAtHome = (name: string, homePtr: string): boolean => {
    if (homePtr === '/general') return present(rootGeneral, name);
    const id = unescapePointerToken(homePtr.slice('/items/'.length));
    return isObject(rootItems) && present(rootItems[id], name);
  };

  const entry = (containerPtr: string, item: string | undefined, name: string, v: unknown) => {
    const p = containerPtr + pointerSegment(name);
    const where = item !== undefined ? `评分项 ${item}` : '基本情况';
    const of = item !== undefined ? `评分项 ${item} 的` : '基本情况的';
    const f = ix.fields.get(name);
    let problem: string | undefined;
    if (f === undefined) {
      const expected = item !== undefined ? layoutItems.get(item)?.fields : layout?.general;
      const suggestion = ix.fieldsLower.get(name.toLowerCase());
      problem =
        `${where}${item !== undefined ? ' ' : ''}没有字段 ${JSON.stringify(name)}` +
        (suggestion !== undefined ? `；是否应为 ${JSON.stringify(suggestion)}？` : '') +
        (expected !== undefined ? (expected.length > 0 ? `；${of}字段：${expected.map((x) => x.name).join('、')}` : `；${where}没有要填的字段`) : '');
    } else if (layout !== undefined) {
      const h = home.get(name) ?? (leadFigure.get(name)?.item === item ? containerPtr : undefined);
      if (h === undefined) problem = `字段${fieldLabel(f)}只用于对本单位不适用的评分项，不应填写`;
      else if (h !== containerPtr) {
        const homeText = h === '/general' ? '基本情况 /general' : `评分项 ${h.slice('/items/'.length)}（${h}）`;
        problem = `字段${fieldLabel(f)}不属于${where}，应填在${homeText}下`;
        if (givenAtHome(name, h)) problem += `；它已在 ${h}${pointerSegment(name)} 填写，同一字段只能填一次`;
      }
    } else {
      const first = seenAt.get(name);
      if (first !== undefined) problem = `字段${fieldLabel(f)}已在 ${first} 填写，同一字段只能填一次`;
    }
    if (!seenAt.has(name)) seenAt.set(name, p);
    if (problem !== undefined || f === undefined) {
      add(p, problem as string);
      record(p, item, name, 'rejected', problem);
      return;
    }
    if (v === null) {
      record(p, item, name, 'empty');
      return;
    }
    let entries: DocumentEntry[] | undefined;
    let value: FieldValue | undefined;
    let problems: Array<[string, string]>;
    if (takesRegister(f)) {
      const r = readRegisterValue(f, v);
      problems = r.problems;
      entries = r.entries;
      value = r.value;
    } else problems = checkValue(f, v);
    if (problems.length > 0) {
      const messages = problems.map(([sub, m]) => {
        const message = `${of}“${f.title.zh}”${m}`;
        add(p + sub, message);
        return message;
      });
      record(p, item, name, 'rejected', messages.join('；'));
      return;
    }
    if (entries !== undefined) register[name] = entries;
    else if (takesRegister(f) && (value === true || (Array.isArray(value) && value.length > 0))) unregistered.push(f.title.zh);
    values[name] = value !== undefined ? value : Array.isArray(v) ? (v as string[]).slice() : (v as FieldValue);
    sources[name] = [place(p)];
    const lf = leadFigure.get(name);
    if (lf !== undefined && !home.has(name)) {
      // 责任唯一: the indicator's value is the lead's; a partner's own figure is kept only to be compared.
      const leadName = lf.lead === undefined ? '牵头单位' : (options.units?.find((u) => u.id === lf.lead)?.name ?? lf.lead);
      const note = `字段${fieldLabel(f)}是评分项 ${lf.item} 的城市指标，由${leadName}报送并据以计分；本单位为配合单位，不按此数计分，仅用于与牵头单位的数据核对`;
      warnings.push({ path: place(p), message: note });
      record(p, item, name, 'accepted', note);
      return;
    }
    record(p, item, name, 'accepted');
  };

  if (foreign !== undefined) {
    const why = `${foreign}，未逐项核对`;
    if (isObject(rootItems)) {
      for (const id of Object.keys(rootItems)) {
        const v = rootItems[id];
        if (isObject(v)) for (const name of Object.keys(v)) record(pointer('items', id, name), id, name, 'rejected', why);
      }
    }
    if (isObject(rootGeneral)) for (const name of Object.keys(rootGeneral)) record(pointer('general', name), undefined, name, 'rejected', why);
  } else if (!has(root, 'items')) add('/items', '缺少 items：应为 {"<评分项 id>": {"<字段>": 值, …}, …}（未填报的字段写 null）');
  else if (!isObject(rootItems)) add('/items', `items 应为对象 {"<评分项 id>": {…}}，实为${kindOf(rootItems)}`);
  else {
    for (const id of Object.keys(rootItems)) {
      const ip = pointer('items', id);
      const v = rootItems[id];
      let problem: string | undefined;
      const known = ix.items.get(id);
      if (known === undefined) {
        const group = ix.groups.get(id);
        problem =
          group !== undefined
            ? `“${id}”是指标分组（${group}），不是评分项：请填在它下面的评分项中`
            : `评价细则 ${rulesetName} 没有评分项 ${JSON.stringify(id)}`;
      } else if (layout !== undefined && !layoutItems.has(id)) {
        problem = `评分项 ${id}（${known.title}）不适用于${layout.unit.name}（${layout.unit.kind}）${known.reason !== undefined ? `：${known.reason}` : ''}；请删去此项`;
      }
      if (problem !== undefined) {
        add(ip, problem);
        if (isObject(v)) for (const name of Object.keys(v)) record(ip + pointerSegment(name), id, name, 'rejected', problem);
        continue;
      }
      if (!isObject(v)) {
        add(ip, `评分项 ${id} 应为对象 {"<字段>": 值}，实为${kindOf(v)}`);
        continue;
      }
      for (const name of Object.keys(v)) {
        if (name !== CLAIM_KEY) {
          entry(ip, id, name, v[name]);
          continue;
        }
        const reason = v[name];
        const cp = ip + pointerSegment(name);
        if (reason === null) continue;
        if (typeof reason !== 'string' || reason.trim() === '') add(cp, `评分项 ${id} 的不适用原因应为非空文本，实为 ${shown(reason)}（本单位认为适用的，写 null 或删去此键）`);
        else claims[id] = reason.trim();
      }
    }
  }
  if (foreign === undefined && has(root, 'general')) {
    if (!isObject(rootGeneral)) add('/general', `general 应为对象 {"<字段>": 值}，实为${kindOf(rootGeneral)}`);
    else for (const name of Object.keys(rootGeneral)) entry('/general', undefined, name, rootGeneral[name]);
  }
  // A field key given twice in one object: the earlier entry is accounted for too.
  for (const d of parsed.duplicates) {
    const m = /^\/items\/([^/]*)\/([^/]*)$/.exec(d.pointer) ?? /^\/general()\/([^/]*)$/.exec(d.pointer);
    if (m === null) continue;
    record(d.pointer, m[1] === '' ? undefined : unescapePointerToken(m[1] as string), unescapePointerToken(m[2] as string), 'rejected', `键 ${JSON.stringify(d.key)} 在同一对象中出现了两次（第 ${d.firstLine} 行和第 ${d.line} 行）`);
  }

  // The generated schema, as a second opinion: anything it finds that the checks above did
  // not already name is reported too.
  if (layout !== undefined && foreign === undefined) {
    let result: ReturnType<Validator['validate']> | undefined;
    try {
      result = validatorFor(ruleset, ix).validate(root);
    } catch (e) {
      // The validator URI-encodes every key it walks, and a key with a lone surrogate (`"\ud800"`,
      // valid JSON) makes that throw; so does spreading the errors of some 100,000 unknown keys
      // into one call. Such keys are unknown ones, which the checks above have named; if they
      // have not, the file is refused all the same, never passed unchecked.
      if (issues.length === 0) {
        add('', `不符合 evidenceJsonSchema：无法按此 schema 校验本文件（${e instanceof URIError ? '有含不成对 UTF-16 代理字符的键' : '错误过多'}）`);
      }
    }
    for (const e of result !== undefined && !result.valid ? schemaLeaves(result.errors) : []) {
      const p = schemaErrorPointer(e);
      if (pointers.related(p)) continue;
      add(p, `不符合 evidenceJsonSchema：${schemaErrorText(e, valueAt(root, p))}`);
    }
  }

  if (unregistered.length > 0) {
    warnings.push({
      path: file,
      message: `佐证材料清单为空：${unregistered.map((t) => `“${t}”`).join('、')}只填了“是”或文件名，未登记证明材料名称、文号和印发日期；暂按已提供计分，请补充登记（数据核查以清单为准）`,
    });
  }
  if (issues.length === 0 && Object.keys(values).length === 0 && foreign === undefined) {
    warnings.push({ path: file, message: `未填写任何填报值：本单位将按未提供计分（${file}）` });
  }
  if (issues.length > 0) throw new JsonEvidenceError(issues, records, warnings, listing);
  const part: EvidencePart = { unit: unit as Unit, values: { ...values }, sources: { ...sources } };
  if (Object.keys(register).length > 0) part.register = { ...register };
  if (Object.keys(claims).length > 0) part.claims = { ...claims };
  return { part, records, warnings };
}

/** Append a list to another one by one: `push(...list)` fails on a list of some 100,000. */
function append<T>(to: T[], list: readonly T[]): void {
  for (let i = 0; i < list.length; i++) to.push(list[i] as T);
}

/**
 * Read several JSON evidence files (one unit each; several files may share a unit) into one
 * `EvidenceBundle`. Every file is read and every problem of every file collected before one
 * `JsonEvidenceError` is thrown; the files are then merged with `mergeEvidence`, whose
 * conflicts (the same field given twice with different values, naming both places) are
 * errors too. The bundle's units are sorted by id; its records account for every field entry.
 */
export function readJsonEvidence(
  files: ReadonlyArray<{ file: string; input: string | Uint8Array }>,
  options: ReadJsonEvidenceOptions,
): EvidenceBundle {
  const issues: Issue[] = [];
  const records: EvidenceRecord[] = [];
  const warnings: Issue[] = [];
  const parts: EvidencePart[] = [];
  for (const { file, input } of files) {
    try {
      const r = parseJsonEvidence(input, { ...options, file });
      parts.push(r.part);
      append(records, r.records);
      append(warnings, r.warnings);
    } catch (e) {
      if (!(e instanceof EvidenceError)) throw e;
      append(issues, e.issues);
      append(warnings, e.warnings);
      if (e instanceof JsonEvidenceError) append(records, e.records);
    }
  }
  const merged = mergeEvidence(parts, options.ruleset.fields);
  append(issues, merged.issues);
  if (issues.length > 0) throw new JsonEvidenceError(issues, records, warnings, { maxProblems: options.maxProblems ?? DEFAULT_LIMITS.maxProblems });
  const { id, version, hash } = options.ruleset;
  return { ruleset: { id, version, hash }, units: merged.units, records, warnings };
}
