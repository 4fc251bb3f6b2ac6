/**
 * `extends`: a ruleset file may extend an earlier edition (by id and exact version) with a
 * patch. Resolving it gives a whole ruleset, the map of what last year's evidence becomes
 * (migration), and a way to point every later problem back at the file the author wrote.
 * @module
 */
import { DEFAULT_LIMITS, type EngineLimits } from '../limits.js';
import { findTooDeep, jsonDepthIssue, rulesetDepthIssue } from '../depth.js';
import semver from 'semver';
import { RulesetError, ptr, type Issue } from '../errors.js';
import { ajvIssues, shown } from '../ajv-issues.js';
import type { Validator } from '../validators/index.js';
import type { EvidenceField, LocalTextJson, Node, Ruleset, RulesetPatch, RulesetRef, PatchOp } from '../model.js';
import { unescapePointerToken } from '../pointer.js';

/** Where `compile` finds the editions a patch extends. */
export interface ResolveOptions {
  /**
   * Earlier editions a ruleset may extend: ruleset JSON (whole, or itself a patch) or
   * compiled rulesets. Matched by `id` and exact `version`.
   */
  bases?: readonly unknown[];
  /** Asked for a base that is not in `bases`; return its JSON (or a compiled ruleset), or undefined. */
  resolve?: (ref: RulesetRef) => unknown;
}

/** What an old item becomes in this edition. Items that keep their id are not listed. */
export interface ItemMigration {
  /** The new id, or null: retired, its evidence is not carried over. */
  readonly to: string | null;
  /** Why it is not carried over (the `remove` operation's reason), when retired. */
  readonly reason?: LocalTextJson;
  /** The patch operation (or `/migrate` entry) that says so. */
  readonly pointer: string;
}

/**
 * How the evidence of the edition a ruleset extends maps onto it: items and fields that were
 * renamed or retired (everything else keeps its id or name), and groups that were renamed.
 */
export interface Migration {
  readonly from: RulesetRef;
  readonly items: Readonly<Record<string, ItemMigration>>;
  readonly fields: Readonly<Record<string, string | null>>;
  readonly groups: Readonly<Record<string, string | null>>;
}

/** A ruleset file resolved into a whole ruleset. */
export interface Resolved {
  readonly ruleset: Ruleset;
  readonly extends: RulesetRef | undefined;
  readonly migration: Migration | undefined;
  /** Point an issue found in the resolved ruleset at the file as written. */
  remap(issue: Issue): Issue;
}

/** What resolution needs from an engine. */
export interface ResolveParts {
  validateRuleset: Validator;
  validatePatch: Validator;
  /** The engine's depth limits, checked on every file before its schema (default `DEFAULT_LIMITS`). */
  limits?: Pick<EngineLimits, 'maxGroupDepth' | 'maxJsonDepth'>;
}

const keyOf = (r: RulesetRef): string => `${r.id}@${r.version}`;
const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
const isCompiled = (v: unknown): v is { source: Ruleset; id: string; version: string } =>
  isObject(v) && typeof v['score'] === 'function' && isObject(v['source']);

/** Whether a ruleset file extends an earlier edition. */
export function isPatch(json: unknown): boolean {
  return isObject(json) && has(json, 'extends');
}

/** The id and version a base candidate declares, if it declares them. */
function refOf(candidate: unknown): RulesetRef | undefined {
  const j = isCompiled(candidate) ? candidate.source : candidate;
  if (!isObject(j) || typeof j['id'] !== 'string' || typeof j['version'] !== 'string') return undefined;
  return { id: j['id'], version: j['version'] };
}

/** Where a node, field or property of the resolved ruleset came from. */
type Origin = { kind: 'patch'; pointer: string } | { kind: 'base'; pointer: string };

interface Place {
  node: Node;
  siblings: Node[];
  index: number;
  /** The parent group's id, the bonus bucket's id, or '' for the top of the tree. */
  parent: string;
}

/**
 * Resolve a ruleset file (whole, or a patch on an earlier edition) into a whole ruleset.
 * Throws RulesetError for a patch that cannot be applied: a missing base, a cycle, an
 * operation naming what does not exist, each with its JSON pointer.
 */
export function resolveRuleset(json: unknown, parts: ResolveParts, options: ResolveOptions = {}): Resolved {
  const pool = new Map<string, unknown>();
  for (const b of options.bases ?? []) {
    const r = refOf(b);
    if (r !== undefined && !pool.has(keyOf(r))) pool.set(keyOf(r), b);
  }
  return resolveIn(json, parts, options, pool, []);
}

function identity(ruleset: Ruleset): Resolved {
  return { ruleset, extends: undefined, migration: undefined, remap: (i) => i };
}

/**
 * A file's nesting past the engine's limits, checked before any recursive work (its schema,
 * a clone). A patch's operations carry whole subtrees, so its values may nest two levels per
 * group deeper; the resolved ruleset is checked as a whole ruleset when compiled.
 */
function depthIssue(json: unknown, parts: ResolveParts): Issue | undefined {
  const limits = parts.limits ?? DEFAULT_LIMITS;
  if (!isPatch(json)) return rulesetDepthIssue(json, limits);
  const t = findTooDeep(json, limits.maxJsonDepth + 2 * limits.maxGroupDepth);
  return t === undefined ? undefined : jsonDepthIssue(t);
}

function resolveIn(json: unknown, parts: ResolveParts, options: ResolveOptions, pool: Map<string, unknown>, chain: readonly string[]): Resolved {
  const deep = depthIssue(json, parts);
  if (deep !== undefined) throw new RulesetError([deep]);
  if (!isPatch(json)) {
    // A whole ruleset: compileModel validates it (as the top file) or the caller (as a base).
    return identity(json as Ruleset);
  }
  if (!parts.validatePatch(json)) throw new RulesetError(ajvIssues(parts.validatePatch.errors, json));
  const doc = json as RulesetPatch;
  const self = keyOf(doc);
  const baseKey = keyOf(doc.extends);

  // The base: find it, refuse cycles, resolve it in turn.
  if (baseKey === self || chain.includes(baseKey)) {
    const cycle = [...chain, self, baseKey].slice(Math.max(0, chain.indexOf(baseKey)));
    throw new RulesetError([{ path: '/extends', message: `extends itself through a cycle: ${cycle.join(' → ')}` }]);
  }
  let candidate = pool.get(baseKey);
  if (candidate === undefined && options.resolve !== undefined) candidate = options.resolve({ ...doc.extends });
  if (candidate === undefined || candidate === null) {
    const known = [...pool.keys()].filter((k) => k.startsWith(doc.extends.id + '@')).map((k) => k.slice(doc.extends.id.length + 1));
    throw new RulesetError([
      {
        path: '/extends',
        message:
          `base ${baseKey} is not available` +
          (known.length > 0 ? `; the versions given of ${doc.extends.id} are ${known.join(', ')}` : '') +
          ' (pass the earlier edition in the `bases` option of compile, or install its package)',
      },
    ]);
  }
  const found = refOf(candidate);
  if (found === undefined || keyOf(found) !== baseKey) {
    throw new RulesetError([{ path: '/extends', message: `the base given for ${baseKey} is ${found === undefined ? shown(candidate) : keyOf(found)}` }]);
  }
  let base: Ruleset;
  if (isCompiled(candidate)) base = candidate.source;
  else {
    try {
      base = resolveIn(candidate, parts, options, pool, [...chain, self]).ruleset;
    } catch (e) {
      if (!(e instanceof RulesetError)) throw e;
      throw new RulesetError(e.issues.map((i) => ({ path: '/extends', message: `in base ${baseKey}: ${i.path || '/'}: ${i.message}` })));
    }
    if (!isPatch(candidate) && !parts.validateRuleset(candidate)) {
      throw new RulesetError(ajvIssues(parts.validateRuleset.errors, candidate).map((i) => ({ path: '/extends', message: `in base ${baseKey}: ${i.path || '/'}: ${i.message}` })));
    }
  }
  return applyPatch(doc, base, baseKey, parts.limits ?? DEFAULT_LIMITS);
}

/** Apply a patch document's operations to a copy of its (resolved) base. */
function applyPatch(doc: RulesetPatch, baseRuleset: Ruleset, baseKey: string, limits: Pick<EngineLimits, 'maxGroupDepth' | 'maxJsonDepth'>): Resolved {
  const issues: Issue[] = [];
  const flat = structuredClone(baseRuleset) as Ruleset & Record<string, unknown>;
  delete flat.$schema;

  // Where each node and field came from, and what each was called in the base.
  const origin = new WeakMap<object, Origin>();
  const setBy = new WeakMap<object, Map<string, string>>();
  const baseIdOf = new WeakMap<object, string>();
  const baseIsItem = new Map<string, boolean>();
  const markBase = (nodes: readonly Node[], at: string): void =>
    nodes.forEach((n, i) => {
      origin.set(n, { kind: 'base', pointer: `${at}/${i}` });
      baseIdOf.set(n, n.id);
      const group = Array.isArray(n.children);
      baseIsItem.set(n.id, !group);
      if (group) markBase(n.children as Node[], `${at}/${i}/children`);
    });
  markBase(flat.tree, '/tree');
  if (flat.bonus !== undefined) {
    origin.set(flat.bonus, { kind: 'base', pointer: '/bonus' });
    markBase(flat.bonus.items, '/bonus/items');
  }
  flat.fields.forEach((f, i) => {
    origin.set(f, { kind: 'base', pointer: `/fields/${i}` });
    baseIdOf.set(f, f.name);
  });
  const markPatch = (n: Node, at: string): void => {
    origin.set(n, { kind: 'patch', pointer: at });
    (n.children as Node[] | undefined)?.forEach((c, i) => markPatch(c, `${at}/children/${i}`));
  };
  const retiredReason = new Map<string, { reason?: LocalTextJson; pointer: string }>();

  const find = (id: string): Place | undefined => {
    const walk = (nodes: Node[], parent: string): Place | undefined => {
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i] as Node;
        if (node.id === id) return { node, siblings: nodes, index: i, parent };
        if (Array.isArray(node.children)) {
          const r = walk(node.children as Node[], node.id);
          if (r !== undefined) return r;
        }
      }
      return undefined;
    };
    return walk(flat.tree, '') ?? (flat.bonus !== undefined ? walk(flat.bonus.items, flat.bonus.id) : undefined);
  };
  const allIds = (): Set<string> => {
    const ids = new Set<string>();
    const walk = (nodes: readonly Node[]): void =>
      nodes.forEach((n) => {
        ids.add(n.id);
        if (Array.isArray(n.children)) walk(n.children as Node[]);
      });
    walk(flat.tree);
    if (flat.bonus !== undefined) {
      ids.add(flat.bonus.id);
      walk(flat.bonus.items);
    }
    return ids;
  };
  const subtreeIds = (n: Node, at: string): Array<{ id: string; pointer: string }> => [
    { id: n.id, pointer: `${at}/id` },
    ...((n.children as Node[] | undefined) ?? []).flatMap((c, i) => subtreeIds(c, `${at}/children/${i}`)),
  ];
  /** Ids and field names an earlier operation took away: what it did, and where. */
  const goneIds = new Map<string, string>();
  const goneFields = new Map<string, string>();
  const unknownNode = (id: string, at: string): void => {
    const gone = goneIds.get(id);
    issues.push({ path: at, message: gone !== undefined ? `no item or group "${id}" any more: ${gone}` : `no item or group "${id}" in ${baseKey} (after the operations before this one)` });
  };
  const unknownField = (name: string, at: string): void => {
    const gone = goneFields.get(name);
    issues.push({ path: at, message: gone !== undefined ? `no field "${name}" any more: ${gone}` : `no field "${name}" in ${baseKey} (after the operations before this one)` });
  };
  /** Operations that changed a group's list of children (add, remove, move, replace). */
  const childrenBy = new WeakMap<object, string[]>();
  const touchChildren = (parentId: string, at: string): void => {
    const target: object | undefined = parentId === '' ? undefined : flat.bonus !== undefined && parentId === flat.bonus.id ? flat.bonus : find(parentId)?.node;
    if (target === undefined) return;
    childrenBy.set(target, [...(childrenBy.get(target) ?? []), at]);
  };
  /** The operation that gave a base node or field its present id (rename, or replace with a new id). */
  const renamedBy = new WeakMap<object, string>();
  /** The children list an `add` or `move` puts a node into, or undefined (an issue is recorded). */
  const container = (parent: string | undefined, at: string): { list: Node[]; id: string; node?: Node } | undefined => {
    if (parent === undefined) return { list: flat.tree, id: '' };
    if (flat.bonus !== undefined && parent === flat.bonus.id) return { list: flat.bonus.items, id: parent };
    const p = find(parent);
    if (p === undefined) {
      unknownNode(parent, `${at}/parent`);
      return undefined;
    }
    if (!Array.isArray(p.node.children)) {
      issues.push({ path: `${at}/parent`, message: `"${parent}" is an item, not a group: items go under a group or the bonus bucket` });
      return undefined;
    }
    return { list: p.node.children as Node[], id: parent, node: p.node };
  };
  /** The index to insert at for `before` / `after`, or undefined (an issue is recorded). */
  const position = (op: { before?: string; after?: string }, list: readonly Node[], parentId: string, at: string): number | undefined => {
    if (op.before !== undefined && op.after !== undefined) {
      issues.push({ path: `${at}/after`, message: 'give "before" or "after", not both' });
      return undefined;
    }
    const sibling = op.before ?? op.after;
    if (sibling === undefined) return list.length;
    const i = list.findIndex((n) => n.id === sibling);
    if (i < 0) {
      issues.push({ path: `${at}/${op.before !== undefined ? 'before' : 'after'}`, message: `"${sibling}" is not a child of ${parentId === '' ? 'the top of the tree' : `"${parentId}"`}` });
      return undefined;
    }
    return op.before !== undefined ? i : i + 1;
  };
  /** Whether taking a node out leaves its parent without children (an issue is recorded). */
  const wouldEmpty = (p: Place, at: string, verb: string): boolean => {
    if (p.siblings.length > 1) return false;
    const where = p.parent === '' ? 'the tree' : p.parent === flat.bonus?.id ? `the bonus bucket "${p.parent}"` : `group "${p.parent}"`;
    issues.push({ path: at, message: `${verb} "${p.node.id}" would leave ${where} without children; ${p.parent === '' ? 'add another node first' : `remove "${p.parent}" instead, or add another child first`}` });
    return true;
  };
  const clashes = (n: Node, at: string, except: ReadonlySet<string> = new Set()): boolean => {
    const ids = allIds();
    let clash = false;
    const seen = new Set<string>();
    for (const { id, pointer } of subtreeIds(n, at)) {
      if ((ids.has(id) && !except.has(id)) || seen.has(id)) {
        issues.push({ path: pointer, message: `id "${id}" is already used in this edition` });
        clash = true;
      }
      seen.add(id);
    }
    return clash;
  };
  const fieldIndex = (name: string): number => flat.fields.findIndex((f) => f.name === name);
  const applySet = (target: object, set: Record<string, unknown> | undefined, unset: readonly string[] | undefined, at: string): void => {
    const record = target as Record<string, unknown>;
    const by = setBy.get(target) ?? new Map<string, string>();
    for (const [k, v] of Object.entries(set ?? {})) {
      record[k] = structuredClone(v);
      by.set(k, `${at}/set/${k}`);
    }
    for (const k of unset ?? []) {
      delete record[k];
      by.delete(k);
    }
    setBy.set(target, by);
  };

  doc.patch.forEach((rawOp, i) => {
    const op = rawOp as PatchOp;
    const at = ptr('patch', i);
    switch (op.op) {
      case 'add': {
        const c = container(op.parent, at);
        if (c === undefined) return;
        const pos = position(op, c.list, c.id, at);
        if (pos === undefined || clashes(op.node, `${at}/node`)) return;
        const node = structuredClone(op.node);
        markPatch(node, `${at}/node`);
        for (const { id } of subtreeIds(node, '')) goneIds.delete(id);
        c.list.splice(pos, 0, node);
        touchChildren(c.id, at);
        return;
      }
      case 'remove': {
        const p = find(op.id);
        if (p === undefined) return unknownNode(op.id, `${at}/id`);
        if (wouldEmpty(p, `${at}/id`, 'removing')) return;
        p.siblings.splice(p.index, 1);
        touchChildren(p.parent, at);
        for (const { id } of subtreeIds(p.node, '')) {
          retiredReason.set(id, { ...(op.reason ? { reason: op.reason } : {}), pointer: at });
          goneIds.set(id, `${at} removed it`);
        }
        return;
      }
      case 'replace': {
        const p = find(op.id);
        if (p === undefined) return unknownNode(op.id, `${at}/id`);
        const old = subtreeIds(p.node, '').map((x) => x.id);
        if (clashes(op.node, `${at}/node`, new Set(old))) return;
        const node = structuredClone(op.node);
        markPatch(node, `${at}/node`);
        // The replacement stands where the old node stood: what it keeps of the old ids is the same item.
        const oldById = new Map<string, Node>();
        const collect = (n: Node): void => {
          oldById.set(n.id, n);
          (n.children as Node[] | undefined)?.forEach(collect);
        };
        collect(p.node);
        const carry = (n: Node, old: Node | undefined): void => {
          const b = old !== undefined ? baseIdOf.get(old) : undefined;
          if (b !== undefined) baseIdOf.set(n, b);
          (n.children as Node[] | undefined)?.forEach((c) => carry(c, oldById.get(c.id)));
        };
        carry(node, p.node);
        for (const id of old) {
          if (subtreeIds(node, '').some((x) => x.id === id)) continue;
          retiredReason.set(id, { pointer: at });
          goneIds.set(id, `${at} replaced it`);
        }
        if (node.id !== op.id) renamedBy.set(node, at);
        p.siblings.splice(p.index, 1, node);
        touchChildren(p.parent, at);
        return;
      }
      case 'update': {
        const bonus = flat.bonus !== undefined && op.id === flat.bonus.id;
        const target: object | undefined = bonus ? flat.bonus : find(op.id)?.node;
        if (target === undefined) return unknownNode(op.id, `${at}/id`);
        const set = op.set as Record<string, unknown> | undefined;
        if (set === undefined && op.unset === undefined) {
          issues.push({ path: at, message: 'an update needs "set" or "unset"' });
          return;
        }
        const bad = Object.keys(set ?? {}).filter((k) => (bonus ? k !== 'title' && k !== 'cap' : k === 'cap'));
        for (const k of bad) issues.push({ path: `${at}/set/${k}`, message: bonus ? `the bonus bucket has only "title" and "cap"; "${k}" is set on its items` : '"cap" is the bonus bucket\'s; an item or group has "max"' });
        if (bonus && op.unset !== undefined) issues.push({ path: `${at}/unset`, message: 'the bonus bucket has nothing to unset' });
        if (bad.length > 0 || (bonus && op.unset !== undefined)) return;
        applySet(target, set, op.unset, at);
        return;
      }
      case 'move': {
        const p = find(op.id);
        if (p === undefined) return unknownNode(op.id, `${at}/id`);
        if (op.parent !== undefined && subtreeIds(p.node, '').some((x) => x.id === op.parent)) {
          issues.push({ path: `${at}/parent`, message: `cannot move "${op.id}" into itself` });
          return;
        }
        const c = container(op.parent, at);
        if (c === undefined || (c.list !== p.siblings && wouldEmpty(p, `${at}/id`, 'moving'))) return;
        p.siblings.splice(p.index, 1);
        const pos = position(op, c.list, c.id, at);
        if (pos === undefined) {
          p.siblings.splice(p.index, 0, p.node);
          return;
        }
        c.list.splice(pos, 0, p.node);
        touchChildren(p.parent, at);
        touchChildren(c.id, at);
        return;
      }
      case 'rename': {
        const p = find(op.id);
        if (p === undefined) return unknownNode(op.id, `${at}/id`);
        if (allIds().has(op.to)) {
          issues.push({ path: `${at}/to`, message: `id "${op.to}" is already used in this edition` });
          return;
        }
        goneIds.set(p.node.id, `${at} renamed it to "${op.to}"`);
        goneIds.delete(op.to);
        p.node.id = op.to;
        renamedBy.set(p.node, at);
        const by = setBy.get(p.node) ?? new Map<string, string>();
        by.set('id', `${at}/to`);
        setBy.set(p.node, by);
        return;
      }
      case 'add-field': {
        if (fieldIndex(op.field.name) >= 0) {
          issues.push({ path: `${at}/field/name`, message: `field "${op.field.name}" is already declared` });
          return;
        }
        let pos = flat.fields.length;
        if (op.after !== undefined) {
          const j = fieldIndex(op.after);
          if (j < 0) {
            unknownField(op.after, `${at}/after`);
            return;
          }
          pos = j + 1;
        }
        const field = structuredClone(op.field);
        goneFields.delete(field.name);
        origin.set(field, { kind: 'patch', pointer: `${at}/field` });
        flat.fields.splice(pos, 0, field);
        return;
      }
      case 'remove-field': {
        const j = fieldIndex(op.name);
        if (j < 0) return unknownField(op.name, `${at}/name`);
        flat.fields.splice(j, 1);
        goneFields.set(op.name, `${at} removed it`);
        return;
      }
      case 'update-field': {
        const j = fieldIndex(op.name);
        if (j < 0) return unknownField(op.name, `${at}/name`);
        if (op.set === undefined && op.unset === undefined) return void issues.push({ path: at, message: 'an update needs "set" or "unset"' });
        applySet(flat.fields[j] as EvidenceField, op.set as Record<string, unknown> | undefined, op.unset, at);
        return;
      }
      case 'rename-field': {
        const j = fieldIndex(op.name);
        if (j < 0) return unknownField(op.name, `${at}/name`);
        if (fieldIndex(op.to) >= 0) return void issues.push({ path: `${at}/to`, message: `field "${op.to}" is already declared` });
        const f = flat.fields[j] as EvidenceField;
        goneFields.set(f.name, `${at} renamed it to "${op.to}"`);
        goneFields.delete(op.to);
        f.name = op.to;
        renamedBy.set(f, at);
        const by = setBy.get(f) ?? new Map<string, string>();
        by.set('name', `${at}/to`);
        setBy.set(f, by);
        return;
      }
    }
  });

  // The ruleset's own properties: the patch's, where it gives them.
  const own = ['id', 'version', 'edition', 'title', 'description', 'unitKinds', 'childrenMax', 'vetoes', 'grades', 'rectificationDeadline', 'rectification', 'normalize'] as const;
  for (const k of own) if (has(doc, k)) (flat as Record<string, unknown>)[k] = structuredClone((doc as Record<string, unknown>)[k]);
  if (doc.edition < baseRuleset.edition) issues.push({ path: '/edition', message: `edition ${doc.edition} is before the edition it extends (${baseRuleset.edition})` });
  if (doc.id === doc.extends.id && semver.valid(doc.version) && semver.valid(doc.extends.version) && !semver.gt(doc.version, doc.extends.version)) {
    issues.push({ path: '/version', message: `version ${doc.version} must be above the version it extends (${doc.extends.version})` });
  }

  // What last year's items, fields and groups became.
  const finalNodes: Node[] = [];
  const walk = (nodes: readonly Node[]): void =>
    nodes.forEach((n) => {
      finalNodes.push(n);
      if (Array.isArray(n.children)) walk(n.children as Node[]);
    });
  walk(flat.tree);
  if (flat.bonus !== undefined) walk(flat.bonus.items);
  const finalItems = new Set(finalNodes.filter((n) => !Array.isArray(n.children)).map((n) => n.id));
  const becameOf = new Map<string, string>();
  for (const n of finalNodes) {
    const b = baseIdOf.get(n);
    if (b !== undefined) becameOf.set(b, n.id);
  }
  const items: Record<string, ItemMigration> = {};
  const groups: Record<string, string | null> = {};
  for (const [id, isItem] of baseIsItem) {
    // Every base node that survives is tracked (moves, updates and renames keep the object), so
    // a base id now worn by another node (re-used after a removal or rename) is not the same item.
    const to = becameOf.get(id) ?? null;
    if (to === id) continue;
    if (isItem) {
      const why = retiredReason.get(id);
      const by = finalNodes.find((n) => n.id === to && baseIdOf.get(n) === id);
      items[id] = to === null ? { to, ...(why?.reason ? { reason: why.reason } : {}), pointer: why?.pointer ?? '/patch' } : { to, pointer: (by && renamedBy.get(by)) ?? '/patch' };
    } else groups[id] = to;
  }
  const fields: Record<string, string | null> = {};
  const finalFieldOf = new Map<string, string>();
  for (const f of flat.fields) {
    const b = baseIdOf.get(f);
    if (b !== undefined) finalFieldOf.set(b, f.name);
  }
  const finalFields = new Set(flat.fields.map((f) => f.name));
  for (const f of baseRuleset.fields) {
    const to = finalFieldOf.get(f.name) ?? null;
    if (to !== f.name) fields[f.name] = to;
  }
  // The explicit map says what the operations cannot (an item split, merged or retired into another).
  for (const [old, to] of Object.entries(doc.migrate?.items ?? {})) {
    const at = ptr('migrate', 'items', old);
    if (!baseIsItem.get(old)) issues.push({ path: at, message: `no item "${old}" in ${baseKey}` });
    else if (to !== null && !finalItems.has(to)) issues.push({ path: at, message: `no item "${to}" in this edition` });
    else items[old] = { to, pointer: at };
  }
  const baseFieldNames = new Set(baseRuleset.fields.map((f) => f.name));
  for (const [old, to] of Object.entries(doc.migrate?.fields ?? {})) {
    const at = ptr('migrate', 'fields', old);
    if (!baseFieldNames.has(old)) issues.push({ path: at, message: `no field "${old}" in ${baseKey}` });
    else if (to !== null && !finalFields.has(to)) issues.push({ path: at, message: `no field "${to}" in this edition` });
    else fields[old] = to;
  }
  if (issues.length > 0) throw new RulesetError(issues);

  const ruleset = flat as Ruleset;
  // Operations that insert under inserted nodes can nest the tree past the limit: say so before
  // anything walks the tree (the migration map, a patch extending this one, the compiler).
  const deep = rulesetDepthIssue(ruleset, limits);
  if (deep !== undefined) throw new RulesetError([{ path: '/patch', message: `applied to ${baseKey}, the operations make a ruleset ${deep.message.replace(/^the tree is/, 'whose tree is')}, at ${deep.path}` }]);
  return {
    ruleset,
    extends: { ...doc.extends },
    migration: { from: { ...doc.extends }, items, fields, groups },
    remap: remapper(ruleset, doc, baseKey, origin, setBy, childrenBy, goneFields),
  };
}

/** Maps a pointer into the resolved ruleset back to the patch file, or names the inherited place. */
function remapper(
  ruleset: Ruleset,
  doc: RulesetPatch,
  baseKey: string,
  origin: WeakMap<object, Origin>,
  setBy: WeakMap<object, Map<string, string>>,
  childrenBy: WeakMap<object, string[]>,
  goneFields: ReadonlyMap<string, string>,
): (i: Issue) => Issue {
  const places: Array<{ at: string; target: object; what: string }> = [];
  const walk = (nodes: readonly Node[], at: string): void =>
    nodes.forEach((n, i) => {
      places.push({ at: `${at}/${i}`, target: n, what: `${Array.isArray(n.children) ? 'group' : 'item'} ${n.id}` });
      if (Array.isArray(n.children)) walk(n.children as Node[], `${at}/${i}/children`);
    });
  walk(ruleset.tree, '/tree');
  if (ruleset.bonus !== undefined) {
    places.push({ at: '/bonus', target: ruleset.bonus, what: `bonus bucket ${ruleset.bonus.id}` });
    walk(ruleset.bonus.items, '/bonus/items');
  }
  ruleset.fields.forEach((f, i) => places.push({ at: `/fields/${i}`, target: f, what: `field ${f.name}` }));
  places.sort((a, b) => b.at.length - a.at.length);
  // A field an operation removed or renamed, named in a message: say which operation.
  // By the names quoted in the message, looked up (a scan of every gone field per issue was
  // quadratic in a patch with many operations and many problems).
  const why = (message: string): string => {
    const notes: string[] = [];
    const said = new Set<string>();
    for (let a = message.indexOf('"'); a >= 0; ) {
      const b = message.indexOf('"', a + 1);
      if (b < 0) break;
      const name = message.slice(a + 1, b);
      const what = goneFields.get(name);
      if (what !== undefined && !said.has(name)) {
        said.add(name);
        notes.push(`"${name}": ${what}`);
      }
      a = what !== undefined ? message.indexOf('"', b + 1) : b;
    }
    return notes.length === 0 ? message : `${message} (${notes.join('; ')})`;
  };
  // The deepest place a pointer lies in, by its prefixes (not a scan of every place per issue).
  const placeAt = new Map<string, (typeof places)[number]>();
  for (const x of places) if (!placeAt.has(x.at)) placeAt.set(x.at, x);
  const placeOf = (p: string): (typeof places)[number] | undefined => {
    const exact = placeAt.get(p);
    if (exact !== undefined) return exact;
    for (let k = p.lastIndexOf('/'); k > 0; k = p.lastIndexOf('/', k - 1)) {
      const x = placeAt.get(p.slice(0, k));
      if (x !== undefined) return x;
    }
    return undefined;
  };
  const opOf = (pointer: string): string => pointer.replace(/\/(set|to|node)(\/.*)?$/s, '');
  return (issue) => {
    const p = issue.path;
    const message = why(issue.message);
    const place = placeOf(p);
    if (place === undefined) {
      const top = p.split('/')[1] ?? '';
      return top === '' || has(doc, top) ? { path: p, message } : { path: '/extends', message: `${message} (ruleset property ${top}, inherited from ${baseKey} at #${p})` };
    }
    const rest = p.slice(place.at.length);
    const token = rest.split('/')[1] ?? '';
    const prop = unescapePointerToken(token);
    const set = setBy.get(place.target)?.get(prop);
    if (set !== undefined) return { path: set + rest.slice(1 + token.length), message };
    const o = origin.get(place.target);
    if (o === undefined || o.kind === 'patch') return { path: (o?.pointer ?? place.at) + rest, message };
    // Inherited: point at the operations that changed it (its properties, its children), if any.
    const ops = [...new Set([...(setBy.get(place.target)?.values() ?? []), ...(childrenBy.get(place.target) ?? [])].map(opOf))].sort((x, y) => Number(x.split('/')[2]) - Number(y.split('/')[2]));
    const inherited = `${place.what}, inherited from ${baseKey} at #${o.pointer}${rest}`;
    if (ops.length === 0) return { path: '/extends', message: `${message} (${inherited})` };
    return { path: ops[ops.length - 1] as string, message: `${message} (${inherited}; changed by ${ops.join(', ')})` };
  };
}
