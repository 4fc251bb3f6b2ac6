/**
 * `safecity diff <rulesetA> <rulesetB>`: what changed between two editions of a ruleset — items,
 * groups, fields, vetoes, grades, bonus cap — as a changelog-ready text (新增 / 删除 / 修改) or JSON.
 * Both are compiled first, so a broken ruleset is reported with its places (exit 1). Differences
 * are a report, not a failure: exit 0.
 */
import { stableJson, type CompiledRuleset, type Node, type Ruleset } from '@safecity/engine';
import { loadRuleset } from '../resolve.js';
import { InputProblems, type Io, type Problem } from '../io.js';

/** One property that changed, with its old and new value (undefined: absent). */
export interface Change {
  property: string;
  from?: unknown;
  to?: unknown;
}
/** Something added or removed: its id, a title and a short description. */
export interface Entry {
  id: string;
  title?: string;
  detail?: string;
}
export interface Changed extends Entry {
  changes: Change[];
}
export interface Section {
  added: Entry[];
  removed: Entry[];
  changed: Changed[];
}
export interface RulesetDiff {
  identical: boolean;
  max?: { from: number; to: number };
  bonusCap?: { from: number; to: number };
  items: Section;
  groups: Section;
  fields: Section;
  vetoes: Section;
  grades: Section;
}

interface Flat {
  node: Node;
  parent: string;
  group: boolean;
}

function flatten(r: Ruleset): Map<string, Flat> {
  const out = new Map<string, Flat>();
  const walk = (nodes: readonly Node[], parent: string): void => {
    for (const n of nodes) {
      const group = Array.isArray(n.children) && n.children.length > 0;
      out.set(n.id, { node: n, parent, group });
      if (group) walk(n.children as Node[], n.id);
    }
  };
  walk(r.tree as Node[], '');
  if (r.bonus !== undefined) walk(r.bonus.items as Node[], r.bonus.id);
  return out;
}

const same = (a: unknown, b: unknown): boolean => stableJson(a ?? null) === stableJson(b ?? null);
const zh = (t: unknown): string | undefined => (t !== null && typeof t === 'object' && typeof (t as { zh?: unknown }).zh === 'string' ? (t as { zh: string }).zh : undefined);

const ITEM_PROPS: ReadonlyArray<[string, (n: Node) => unknown]> = [
  ['max', (n) => n.max],
  ['method', (n) => n.scoring?.method],
  ['params', (n) => n.scoring?.params],
  ['logic', (n) => n.scoring?.logic],
  ['title', (n) => n.title],
  ['content', (n) => n.content],
  ['standard', (n) => n.standard],
  ['applicability', (n) => n.applicability],
  ['evidenceKinds', (n) => n.evidenceKinds],
  ['checkMethods', (n) => n.checkMethods],
];

function changesOf(props: ReadonlyArray<[string, (x: never) => unknown]>, a: unknown, b: unknown): Change[] {
  const out: Change[] = [];
  for (const [property, get] of props) {
    const from = get(a as never);
    const to = get(b as never);
    if (!same(from, to)) out.push({ property, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) });
  }
  return out;
}

function section<T extends { id: string }>(
  a: ReadonlyMap<string, T>,
  b: ReadonlyMap<string, T>,
  entry: (x: T) => Omit<Entry, 'id'>,
  compare: (x: T, y: T) => Change[],
): Section {
  const s: Section = { added: [], removed: [], changed: [] };
  for (const [id, x] of a) if (!b.has(id)) s.removed.push({ id, ...entry(x) });
  for (const [id, y] of b) {
    const x = a.get(id);
    if (x === undefined) s.added.push({ id, ...entry(y) });
    else {
      const changes = compare(x, y);
      if (changes.length > 0) s.changed.push({ id, ...entry(y), changes });
    }
  }
  return s;
}

/** The differences between two rulesets (as given, after they compiled). */
export function diffRulesets(a: CompiledRuleset, b: CompiledRuleset): RulesetDiff {
  const fa = flatten(a.source);
  const fb = flatten(b.source);
  const pick = (m: Map<string, Flat>, group: boolean) => new Map([...m].filter(([, f]) => f.group === group).map(([id, f]) => [id, { id, ...f }]));
  const nodeEntry = (f: Flat): Omit<Entry, 'id'> => ({ title: f.node.title.zh, detail: `${f.node.max} 分${f.parent ? ` · in ${f.parent}` : ''}` });
  const withParent = (x: Flat, y: Flat, props: ReadonlyArray<[string, (n: Node) => unknown]>): Change[] => [
    ...changesOf(props, x.node, y.node),
    ...(x.parent === y.parent ? [] : [{ property: 'parent', from: x.parent || '(root)', to: y.parent || '(root)' }]),
  ];
  const items = section(pick(fa, false), pick(fb, false), nodeEntry, (x, y) => withParent(x, y, ITEM_PROPS));
  const groups = section(pick(fa, true), pick(fb, true), nodeEntry, (x, y) =>
    withParent(x, y, [['max', (n) => n.max], ['title', (n) => n.title], ['childrenMax', (n) => n.childrenMax]]),
  );
  type F = Ruleset['fields'][number] & { id: string };
  const fieldsOf = (r: Ruleset) => new Map(r.fields.map((f) => [f.name, { ...f, id: f.name } as F]));
  const fields = section(fieldsOf(a.source), fieldsOf(b.source), (f: F) => ({ title: f.title.zh, detail: f.type + (f.unit ? ` (${f.unit})` : '') }), (x, y) =>
    changesOf([['type', (f: F) => f.type], ['unit', (f: F) => f.unit], ['values', (f: F) => f.values], ['minimum', (f: F) => f.minimum], ['maximum', (f: F) => f.maximum], ['title', (f: F) => f.title]], x, y),
  );
  type V = NonNullable<Ruleset['vetoes']>[number];
  const vetoesOf = (r: Ruleset) => new Map((r.vetoes ?? []).map((v) => [v.id, v]));
  const vetoes = section(vetoesOf(a.source), vetoesOf(b.source), (v: V) => ({ title: v.title.zh, detail: `effect ${v.effect.type}` }), (x, y) =>
    changesOf([['when', (v: V) => v.when], ['effect', (v: V) => v.effect], ['title', (v: V) => v.title], ['reason', (v: V) => v.reason]], x, y),
  );
  type G = NonNullable<Ruleset['grades']>[number];
  const gradesOf = (r: Ruleset) => new Map((r.grades ?? []).map((g) => [g.id, g]));
  const grades = section(gradesOf(a.source), gradesOf(b.source), (g: G) => ({ title: g.title.zh, detail: `≥ ${g.min}` }), (x, y) =>
    changesOf([['min', (g: G) => g.min], ['title', (g: G) => g.title]], x, y),
  );
  const diff: RulesetDiff = {
    identical: false,
    ...(a.max === b.max ? {} : { max: { from: a.max, to: b.max } }),
    ...(a.bonusCap === b.bonusCap ? {} : { bonusCap: { from: a.bonusCap, to: b.bonusCap } }),
    items,
    groups,
    fields,
    vetoes,
    grades,
  };
  const sections = [items, groups, fields, vetoes, grades];
  diff.identical = diff.max === undefined && diff.bonusCap === undefined && sections.every((s) => s.added.length + s.removed.length + s.changed.length === 0);
  return diff;
}

/** A value short enough to show as old → new; otherwise undefined. */
function short(v: unknown): string | undefined {
  if (v === undefined) return '(none)';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const text = typeof v === 'string' ? v : zh(v) ?? (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(', ') : stableJson(v));
  return [...text].length <= 40 ? (typeof v === 'string' || zh(v) !== undefined ? `「${text}」` : text) : undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && zh(v) === undefined;

/** `max 2 → 3`; objects (params, effect, …) key by key: `params.per 0.5 → 1`; long text: `standard changed`. */
function describe(c: Change): string {
  if (isPlainObject(c.from) && isPlainObject(c.to)) {
    const from = c.from;
    const to = c.to;
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((k) => !same(from[k], to[k]));
    return keys.map((k) => describe({ property: `${c.property}.${k}`, from: from[k], to: to[k] })).join('; ');
  }
  const from = short(c.from);
  const to = short(c.to);
  return from !== undefined && to !== undefined ? `${c.property} ${from} → ${to}` : `${c.property} changed`;
}

const KINDS: ReadonlyArray<[keyof Pick<RulesetDiff, 'items' | 'groups' | 'fields' | 'vetoes' | 'grades'>, string]> = [
  ['items', '评分项 (item)'],
  ['groups', '指标 (group)'],
  ['fields', '字段 (field)'],
  ['vetoes', '否决项 (veto)'],
  ['grades', '等级 (grade)'],
];

/** The diff as Markdown, for a changelog. */
export function diffMarkdown(d: RulesetDiff, from: CompiledRuleset, to: CompiledRuleset): string {
  const lines: string[] = [`## ${from.id} ${from.version} → ${to.id} ${to.version}`, ''];
  if (d.identical) return [...lines, '无差异 (No differences).', ''].join('\n');
  const line = (kind: string, e: Entry, extra?: string) => `- ${kind} \`${e.id}\`${e.title ? ` ${e.title}` : ''}${e.detail ? ` (${e.detail})` : ''}${extra ? `: ${extra}` : ''}`;
  const block = (heading: string, rows: string[]) => (rows.length === 0 ? [] : [`### ${heading}`, '', ...rows, '']);
  lines.push(
    ...block('新增 (Added)', KINDS.flatMap(([k, label]) => d[k].added.map((e) => line(label, e)))),
    ...block('删除 (Removed)', KINDS.flatMap(([k, label]) => d[k].removed.map((e) => line(label, e)))),
    ...block('修改 (Changed)', [
      ...(d.max ? [`- 总分 (max): ${d.max.from} → ${d.max.to}`] : []),
      ...(d.bonusCap ? [`- 加分上限 (bonus cap): ${d.bonusCap.from} → ${d.bonusCap.to}`] : []),
      ...KINDS.flatMap(([k, label]) => d[k].changed.map((e) => line(label, { id: e.id, ...(e.title ? { title: e.title } : {}) }, e.changes.map(describe).join('; ')))),
    ]),
  );
  return lines.join('\n');
}

export function diff(a: string, b: string, opts: { json?: boolean }, io: Io): void {
  // Both are compiled before either is reported, so every problem of both is listed at once.
  const problems: Problem[] = [];
  const load = (name: string): CompiledRuleset | undefined => {
    try {
      return loadRuleset(name, io).ruleset;
    } catch (e) {
      if (!(e instanceof InputProblems)) throw e;
      problems.push(...e.problems);
      return undefined;
    }
  };
  const from = load(a);
  const to = load(b);
  if (from === undefined || to === undefined) throw new InputProblems(`Cannot compare ${a} and ${b}`, problems);
  const d = diffRulesets(from, to);
  if (opts.json) {
    const side = (r: CompiledRuleset, name: string) => ({ name, id: r.id, version: r.version, hash: r.hash });
    io.stdout(JSON.stringify({ ok: true, from: side(from, a), to: side(to, b), ...d }, null, 2) + '\n');
    return;
  }
  io.stdout(diffMarkdown(d, from, to));
}
