/**
 * Depth checks of untrusted JSON, done before any recursive work (a validator, a clone, a hash,
 * a compiler pass) so that nesting 200,000 deep ends in an error naming the limit and the place,
 * never in "Maximum call stack size exceeded". Iterative, linear in the size of the input.
 * @module
 */
import { ptr } from './errors.js';

/** Where a value nests too deep: the JSON pointer of the first value past the limit. */
export interface TooDeep {
  /** JSON pointer (RFC 6901) of the first value nested deeper than the limit. */
  pointer: string;
  /** The limit that was passed. */
  limit: number;
}

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string | number;
}

function pointerOf(frame: Frame): string {
  const segments: Array<string | number> = [];
  for (let f: Frame | undefined = frame; f !== undefined && f.parent !== undefined; f = f.parent) segments.push(f.key);
  return ptr(...segments.reverse());
}

/**
 * The first place where `value` nests objects and arrays deeper than `max` levels (the value
 * itself, when an object or array, is level 1), or undefined. `skip(key, depth)` may leave a
 * property out (a ruleset's `children`, whose nesting `maxGroupDepth` bounds instead). A
 * cycle is too deep (it never ends); a value shared by several parents is walked again only
 * when reached deeper than before, so the work stays linear.
 */
export function findTooDeep(value: unknown, max: number, skip?: (key: string, parent: object) => boolean): TooDeep | undefined {
  // Nearly every value is within the limit: a first walk keeps only values and depths (no frame
  // objects, no keys); the walk that names the place runs only when something is too deep.
  return exceedsDepth(value, max, skip) ? placeTooDeep(value, max, skip) : undefined;
}

/**
 * Values the cheap walk visits before it hands over to the walk that remembers what it has seen:
 * JSON has no shared values, so a walk longer than this is a JavaScript value whose parts are
 * shared many times over (a diamond, nested 64 deep, is 2⁶⁴ paths).
 */
const CHEAP_WALK_VISITS = 1_000_000;

/** Nodes of a ruleset's tree visited before the walk remembers them (a real rubric has a few thousand). */
const CHEAP_NODE_VISITS = 100_000;

/**
 * Whether `value` nests deeper than `max`: the cheap walk of {@link findTooDeep}. It remembers
 * nothing it has seen (a Map entry per object costs more than the walk), which is safe: a cycle
 * only ever goes deeper, so it ends at `max`; shared values are bounded by the visit count.
 */
function exceedsDepth(value: unknown, max: number, skip?: (key: string, parent: object) => boolean): boolean {
  if (value === null || typeof value !== 'object') return false;
  const values: object[] = [value];
  const depths: number[] = [1];
  let visits = 0;
  while (values.length > 0) {
    const v = values.pop() as object;
    const depth = depths.pop() as number;
    if (depth > max) return true;
    if (++visits > CHEAP_WALK_VISITS) return placeTooDeep(value, max, skip) !== undefined;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const c: unknown = v[i];
        if (c !== null && typeof c === 'object') {
          values.push(c);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const k in v) {
        if (!Object.prototype.hasOwnProperty.call(v, k) || skip?.(k, v) === true) continue;
        const c: unknown = (v as Record<string, unknown>)[k];
        if (c !== null && typeof c === 'object') {
          values.push(c);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/** The first place (in document order) past the limit, with its pointer. */
function placeTooDeep(value: unknown, max: number, skip?: (key: string, parent: object) => boolean): TooDeep | undefined {
  const deepest = new Map<object, number>();
  const stack: Frame[] = [{ value, depth: 1, parent: undefined, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const v = frame.value;
    if (v === null || typeof v !== 'object') continue;
    if (frame.depth > max) return { pointer: pointerOf(frame), limit: max };
    const seen = deepest.get(v);
    if (seen !== undefined && seen >= frame.depth) continue;
    deepest.set(v, frame.depth);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const c: unknown = v[i];
        if (c !== null && typeof c === 'object') stack.push({ value: c, depth: frame.depth + 1, parent: frame, key: i });
      }
    } else {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i] as string;
        if (skip?.(k, v) === true) continue;
        const c: unknown = (v as Record<string, unknown>)[k];
        if (c !== null && typeof c === 'object') stack.push({ value: c, depth: frame.depth + 1, parent: frame, key: k });
      }
    }
  }
  return undefined;
}

/**
 * The first place where JSON text nests objects and arrays deeper than `max`, as a character
 * offset, or -1; read before parsing (a recursive parser overflows the stack on 200,000 `[`).
 * Strings are skipped (a bracket inside one is text); the text need not be valid JSON.
 */
export function findTooDeepText(text: string, max: number): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) {
      if (depth > 0) depth--;
    }
  }
  return -1;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A ruleset's (or a patch's) nesting, checked before its schema is: the tree no deeper than
 * `maxGroupDepth` levels of nodes (a node of `tree` or of `bonus.items` is level 1), and every
 * other value no deeper than `maxJsonDepth`, counted from the ruleset or, inside the tree, from
 * the node it belongs to. The first place past a limit, as an issue; none when within them.
 * Works on any JSON (a wrong shape is left to the schema).
 */
export function rulesetDepthIssue(json: unknown, limits: { maxGroupDepth: number; maxJsonDepth: number }): { path: string; message: string } | undefined {
  if (!isPlainObject(json)) {
    const t = findTooDeep(json, limits.maxJsonDepth);
    return t === undefined ? undefined : jsonDepthIssue(t);
  }
  const lists: Array<{ list: unknown; at: string }> = [{ list: json['tree'], at: '/tree' }];
  const bonus = json['bonus'];
  if (isPlainObject(bonus)) lists.push({ list: bonus['items'], at: '/bonus/items' });
  // The ruleset without its tree: its own nesting.
  const top = findTooDeep(json, limits.maxJsonDepth, (k, parent) => (parent === json && k === 'tree' && Array.isArray(json['tree'])) || (parent === bonus && k === 'items' && Array.isArray((bonus as Record<string, unknown>)['items'])));
  if (top !== undefined) return jsonDepthIssue(top);
  // The tree, level by level, without recursion; each node's own values from the node.
  // A node's pointer is made only when it is reported: from its list's place and its index.
  interface NodeFrame {
    node: unknown;
    level: number;
    list: NodeFrame | string;
    index: number;
  }
  const at = (f: NodeFrame): string => `${typeof f.list === 'string' ? f.list : `${at(f.list)}/children`}/${f.index}`;
  const stack: NodeFrame[] = [];
  const pushList = (list: unknown, level: number, parent: NodeFrame | string) => {
    if (!Array.isArray(list)) return false;
    for (let i = list.length - 1; i >= 0; i--) stack.push({ node: list[i], level, list: parent, index: i });
    return true;
  };
  for (let i = lists.length - 1; i >= 0; i--) pushList((lists[i] as { list: unknown }).list, 1, (lists[i] as { at: string }).at);
  // Nodes seen, remembered only past the cheap walk's visits: a tree parsed from JSON shares no
  // node, and a cycle only goes deeper (ending at maxGroupDepth), so most trees never need it.
  let deepest: Map<object, number> | undefined;
  let visits = 0;
  while (stack.length > 0) {
    const f = stack.pop() as NodeFrame;
    const node = f.node;
    if (node === null || typeof node !== 'object') continue;
    if (f.level > limits.maxGroupDepth) {
      return { path: at(f), message: `the tree is nested deeper than ${limits.maxGroupDepth} levels (the engine's limit maxGroupDepth): this node is at level ${f.level}` };
    }
    if (++visits > CHEAP_NODE_VISITS) {
      deepest ??= new Map<object, number>();
      const seen = deepest.get(node);
      if (seen !== undefined && seen >= f.level) continue;
      deepest.set(node, f.level);
    }
    const children = isPlainObject(node) ? node['children'] : undefined;
    const own = findTooDeep(node, limits.maxJsonDepth, (k, parent) => parent === node && k === 'children' && Array.isArray(children));
    if (own !== undefined) return jsonDepthIssue({ pointer: at(f) + own.pointer, limit: own.limit });
    pushList(children, f.level + 1, f);
  }
  return undefined;
}

/** The issue of a value nested too deep. */
export function jsonDepthIssue(t: TooDeep): { path: string; message: string } {
  return { path: t.pointer, message: `nested deeper than ${t.limit} levels of objects and arrays (the engine's limit maxJsonDepth)` };
}
