/**
 * What changed between two editions of a ruleset — items, groups and fields added, removed,
 * renamed, moved and changed; vetoes, grades and the ruleset's own properties — and the
 * semver bump that calls for, by a stated policy (`VERSION_POLICY`).
 * @module
 */
import semver from 'semver';
import { stableJson } from '../hash.js';
import { markdownCell, markdownCode, markdownText } from '../output.js';
import type { EvidenceField, GradeBand, Node, Ruleset, RulesetRef, Veto } from '../model.js';
import type { Migration } from './resolve.js';

/** A semver bump, smallest first. */
export type Bump = 'none' | 'patch' | 'minor' | 'major';
const ORDER: readonly Bump[] = ['none', 'patch', 'minor', 'major'];
const larger = (a: Bump, b: Bump): Bump => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);
/** Whether bump `a` is at least bump `b`. */
export const atLeast = (a: Bump, b: Bump): boolean => ORDER.indexOf(a) >= ORDER.indexOf(b);

/**
 * The version policy, as data (the docs and `safecity diff` print it):
 * - **patch**: wording only — titles, 评价内容, 评分标准 text, reasons, suggestions, provenance,
 *   evidence kinds, how a field's 否 and count read, the rectification deadline and the 整改类型
 *   and 整改时限 (`rectification`) of items, groups and the ruleset. No score can
 *   change.
 * - **minor**: new items, groups, fields, vetoes or grades; points moved between items or
 *   groups with the totals kept; items moved; scoring methods, params, logic, applicability,
 *   merge policies, lead and partner units and how partners are scored, a check method added,
 *   veto conditions, grade thresholds, coverage and consistency checks changed; a field
 *   loosened. The same evidence may score differently, but last year's evidence still fits.
 * - **major**: items, groups, fields or grades removed or renamed; the totals changed (the
 *   ruleset's max, the bonus cap, the normalisation scale); a field's type or unit changed or
 *   its accepted values narrowed; a check method dropped from an item; a unit kind dropped.
 *   Evidence, findings or reports keyed by the old names no longer fit.
 */
export const VERSION_POLICY: Readonly<Record<Exclude<Bump, 'none'>, string>> = {
  patch: 'wording only (titles, 评价内容, 评分标准 text, reasons, suggestions, provenance): no score can change',
  minor: 'new items, fields, vetoes or grades; points moved with the totals kept; items moved; scoring rules changed (lead and partners, coverage and consistency checks included); a check method added; fields loosened',
  major: 'items, groups, fields or grades removed or renamed; totals changed (max, bonus cap, scale); a field’s type or unit changed or narrowed; a check method dropped; a unit kind dropped',
};

/** One property that changed, with its old and new value (absent: not set) and the bump it needs. */
export interface Change {
  property: string;
  from?: unknown;
  to?: unknown;
  bump: Bump;
}
/** Something added or removed: its id, title and a short description. */
export interface Entry {
  id: string;
  title?: string;
  detail?: string;
  bump: Bump;
}
/** Something whose properties changed (keeping its id). */
export interface Changed extends Entry {
  changes: Change[];
}
/** Something that got a new id (from the `rename` of the patch that made the new edition). */
export interface Renamed extends Changed {
  from: string;
}
/** An item or group now under another parent (`''`: the top of the tree). */
export interface Moved extends Entry {
  fromParent: string;
  toParent: string;
}
export interface Section {
  added: Entry[];
  removed: Entry[];
  renamed: Renamed[];
  moved: Moved[];
  changed: Changed[];
}
/** The bump the differences call for, with the reason for each level found. */
export interface Verdict {
  bump: Bump;
  /** Why, most severe first: e.g. `major: item 2.3.2 removed`. */
  reasons: Array<{ bump: Exclude<Bump, 'none'>; reason: string }>;
}
export interface RulesetDiff {
  from: RulesetRef & { hash?: string };
  to: RulesetRef & { hash?: string };
  identical: boolean;
  /** The ruleset's own properties: max, bonusCap, normalize, unitKinds, edition, id, title, … */
  ruleset: Change[];
  items: Section;
  groups: Section;
  fields: Section;
  vetoes: Section;
  grades: Section;
  verdict: Verdict;
}

/** What `diffRulesets` compares: a ruleset JSON (whole) or a compiled ruleset. */
export interface DiffSide {
  source: Ruleset;
  hash?: string;
  max?: number;
  bonusCap?: number;
  migration?: Migration | undefined;
  extends?: RulesetRef | undefined;
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
  walk(r.tree, '');
  if (r.bonus !== undefined) walk(r.bonus.items, r.bonus.id);
  return out;
}

const same = (a: unknown, b: unknown): boolean => stableJson(a ?? null) === stableJson(b ?? null);
type Prop<T> = readonly [string, (x: T) => unknown, Bump | ((from: unknown, to: unknown) => Bump)];

const ITEM_PROPS: ReadonlyArray<Prop<Node>> = [
  ['max', (n) => n.max, 'minor'],
  ['method', (n) => n.scoring?.method, 'minor'],
  ['params', (n) => n.scoring?.params, 'minor'],
  ['logic', (n) => n.scoring?.logic, 'minor'],
  ['applicability', (n) => n.applicability, 'minor'],
  ['merge', (n) => n.merge, 'minor'],
  ['title', (n) => n.title, 'patch'],
  ['content', (n) => n.content, 'patch'],
  ['standard', (n) => n.standard, 'patch'],
  ['messages', (n) => n.messages, 'patch'],
  ['suggestion', (n) => n.suggestion, 'patch'],
  ['evidenceKinds', (n) => n.evidenceKinds, 'patch'],
  // A check method dropped: that check's findings on the item no longer fit.
  // (No list accepts both.)
  ['checkMethods', (n) => n.checkMethods, (a, b) => {
    const all = ['data-check', 'onsite'];
    const was = Array.isArray(a) ? a : all;
    const now = Array.isArray(b) ? b : all;
    return was.some((m) => !now.includes(m)) ? 'major' : 'minor';
  }],
  // Who leads and who partners decides how each unit is scored (责任唯一).
  ['lead', (n) => n.lead, 'minor'],
  ['partners', (n) => n.partners, 'minor'],
  ['partner', (n) => n.partner, 'minor'],
  ['monotonic', (n) => n.monotonic, 'patch'],
  ['provenance', (n) => n.provenance, 'patch'],
  // 整改类型 and 整改时限 say when a problem is due, not what it scores.
  ['rectification', (n) => n.rectification, 'patch'],
];
const GROUP_PROPS: ReadonlyArray<Prop<Node>> = [
  ['max', (n) => n.max, 'minor'],
  ['childrenMax', (n) => n.childrenMax, 'minor'],
  ['title', (n) => n.title, 'patch'],
  ['rectification', (n) => n.rectification, 'patch'],
];
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const FIELD_PROPS: ReadonlyArray<Prop<EvidenceField>> = [
  ['type', (f) => f.type, 'major'],
  ['unit', (f) => f.unit, 'major'],
  // Values dropped from an enum: last year's answers may no longer fit.
  ['values', (f) => f.values, (a, b) => (Array.isArray(a) && (!Array.isArray(b) || a.some((v) => !b.includes(v))) ? 'major' : 'minor')],
  ['minimum', (f) => f.minimum, (a, b) => (num(b) !== undefined && (num(a) === undefined || (num(b) as number) > (num(a) as number)) ? 'major' : 'minor')],
  ['maximum', (f) => f.maximum, (a, b) => (num(b) !== undefined && (num(a) === undefined || (num(b) as number) < (num(a) as number)) ? 'major' : 'minor')],
  ['aggregate', (f) => f.aggregate, 'minor'],
  ['title', (f) => f.title, 'patch'],
  ['description', (f) => f.description, 'patch'],
  ['negative', (f) => f.negative, 'patch'],
  ['count', (f) => f.count, 'patch'],
];
const VETO_PROPS: ReadonlyArray<Prop<Veto>> = [
  ['when', (v) => v.when, 'minor'],
  ['effect', (v) => v.effect, 'minor'],
  ['title', (v) => v.title, 'patch'],
  ['reason', (v) => v.reason, 'patch'],
  ['provenance', (v) => v.provenance, 'patch'],
];
const GRADE_PROPS: ReadonlyArray<Prop<GradeBand>> = [
  ['min', (g) => g.min, 'minor'],
  ['title', (g) => g.title, 'patch'],
];

function changesOf<T>(props: ReadonlyArray<Prop<T>>, a: T, b: T): Change[] {
  const out: Change[] = [];
  for (const [property, get, level] of props) {
    const from = get(a);
    const to = get(b);
    if (same(from, to)) continue;
    out.push({ property, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }), bump: typeof level === 'function' ? level(from, to) : level });
  }
  return out;
}

const maxBump = (changes: readonly { bump: Bump }[]): Bump => changes.reduce<Bump>((m, c) => larger(m, c.bump), 'none');

interface Kinds<T> {
  entry: (x: T) => Omit<Entry, 'id' | 'bump'>;
  compare: (x: T, y: T) => Change[];
  added: Bump;
  removed: Bump;
  renamed?: ReadonlyMap<string, string>;
  retired?: ReadonlySet<string>;
  parentOf?: (x: T) => string;
  sameParent?: (from: string, to: string) => boolean;
}

function section<T>(a: ReadonlyMap<string, T>, b: ReadonlyMap<string, T>, k: Kinds<T>): Section {
  const s: Section = { added: [], removed: [], renamed: [], moved: [], changed: [] };
  const renamedTo = new Set<string>();
  // An id the migration map retires is removed, even when another item now wears it.
  const retired = k.retired ?? new Set<string>();
  const kept = (id: string) => b.has(id) && !retired.has(id);
  for (const [id, x] of a) {
    if (kept(id)) continue;
    const to = k.renamed?.get(id);
    const y = to !== undefined ? b.get(to) : undefined;
    if (to !== undefined && y !== undefined && (!a.has(to) || retired.has(to))) {
      renamedTo.add(to);
      const changes = k.compare(x, y);
      s.renamed.push({ id: to, from: id, ...k.entry(y), changes, bump: 'major' });
      pushMove(s, to, x, y, k);
    } else s.removed.push({ id, ...k.entry(x), bump: k.removed });
  }
  for (const [id, y] of b) {
    const x = retired.has(id) ? undefined : a.get(id);
    if (x === undefined) {
      if (!renamedTo.has(id)) s.added.push({ id, ...k.entry(y), bump: k.added });
      continue;
    }
    const changes = k.compare(x, y);
    if (changes.length > 0) s.changed.push({ id, ...k.entry(y), changes, bump: maxBump(changes) });
    pushMove(s, id, x, y, k);
  }
  return s;
}

function pushMove<T>(s: Section, id: string, x: T, y: T, k: Kinds<T>): void {
  if (k.parentOf === undefined) return;
  const fromParent = k.parentOf(x);
  const toParent = k.parentOf(y);
  if (!(k.sameParent ?? ((p, q) => p === q))(fromParent, toParent)) s.moved.push({ id, ...k.entry(y), fromParent, toParent, bump: 'minor' });
}

const retirements = (m: Readonly<Record<string, { to: string | null } | string | null>> | undefined): Set<string> =>
  new Set(Object.entries(m ?? {}).filter(([, v]) => (v !== null && typeof v === 'object' ? v.to : v) === null).map(([id]) => id));

const renames = (m: Readonly<Record<string, { to: string | null } | string | null>> | undefined): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [from, v] of Object.entries(m ?? {})) {
    const to = v !== null && typeof v === 'object' ? v.to : v;
    if (typeof to === 'string') out.set(from, to);
  }
  return out;
};

const sum = (nodes: readonly Node[]): number => nodes.reduce((s, n) => s + Math.round(n.max * 1000), 0) / 1000;

/**
 * The differences between two rulesets, and the bump they call for. Renames are recognised
 * when `b` extends `a` (its migration map names them); otherwise a renamed item shows as one
 * removed and one added, which is also major.
 */
export function diffRulesets(a: DiffSide, b: DiffSide): RulesetDiff {
  const ra = a.source;
  const rb = b.source;
  const direct = b.extends !== undefined && b.extends.id === ra.id && b.extends.version === ra.version;
  const migration = direct ? b.migration : undefined;
  const fa = flatten(ra);
  const fb = flatten(rb);
  const pick = (m: Map<string, Flat>, group: boolean) => new Map([...m].filter(([, f]) => f.group === group));
  const entry = (f: Flat): Omit<Entry, 'id' | 'bump'> => ({ title: f.node.title.zh, detail: `${f.node.max} 分${f.parent ? ` · in ${f.parent}` : ''}` });
  const nodeKinds = (props: ReadonlyArray<Prop<Node>>, renamed: Map<string, string>, retired: Set<string>): Kinds<Flat> => ({
    entry,
    retired,
    compare: (x, y) => changesOf(props, x.node, y.node),
    added: 'minor',
    removed: 'major',
    renamed,
    parentOf: (f) => f.parent,
    // A parent that was renamed is the same parent.
    sameParent: (from, to) => (renamesGroups.get(from) ?? from) === to,
  });
  const renamesGroups = renames(migration?.groups);
  const items = section(pick(fa, false), pick(fb, false), nodeKinds(ITEM_PROPS, renames(migration?.items), retirements(migration?.items)));
  const groups = section(pick(fa, true), pick(fb, true), nodeKinds(GROUP_PROPS, renamesGroups, retirements(migration?.groups)));

  const fieldsOf = (r: Ruleset) => new Map(r.fields.map((f) => [f.name, f]));
  const fields = section(fieldsOf(ra), fieldsOf(rb), {
    entry: (f: EvidenceField) => ({ title: f.title.zh, detail: f.type + (f.unit ? ` (${f.unit})` : '') }),
    compare: (x, y) => changesOf(FIELD_PROPS, x, y),
    added: 'minor',
    removed: 'major',
    renamed: renames(migration?.fields),
    retired: retirements(migration?.fields),
  });
  const vetoesOf = (r: Ruleset) => new Map((r.vetoes ?? []).map((v) => [v.id, v]));
  const vetoes = section(vetoesOf(ra), vetoesOf(rb), {
    entry: (v: Veto) => ({ title: v.title.zh, detail: `effect ${v.effect.type}` }),
    compare: (x, y) => changesOf(VETO_PROPS, x, y),
    added: 'minor',
    removed: 'minor',
  });
  const gradesOf = (r: Ruleset) => new Map((r.grades ?? []).map((g) => [g.id, g]));
  const grades = section(gradesOf(ra), gradesOf(rb), {
    entry: (g: GradeBand) => ({ title: g.title.zh, detail: `≥ ${g.min}` }),
    compare: (x, y) => changesOf(GRADE_PROPS, x, y),
    added: 'minor',
    removed: 'major',
  });

  const maxA = a.max ?? sum(ra.tree);
  const maxB = b.max ?? sum(rb.tree);
  const capA = a.bonusCap ?? ra.bonus?.cap ?? 0;
  const capB = b.bonusCap ?? rb.bonus?.cap ?? 0;
  const kindsDropped = ra.unitKinds.some((k) => !rb.unitKinds.includes(k));
  const ruleset = changesOf<{ r: Ruleset; max: number; cap: number }>(
    [
      ['max', (x) => x.max, 'major'],
      ['bonusCap', (x) => x.cap, 'major'],
      ['normalize', (x) => x.r.normalize?.scale, 'major'],
      ['coverage', (x) => x.r.normalize?.coverage, 'minor'],
      ['consistency', (x) => x.r.consistency, 'minor'],
      ['unitKinds', (x) => x.r.unitKinds, kindsDropped ? 'major' : 'minor'],
      ['childrenMax', (x) => x.r.childrenMax, 'minor'],
      ['id', (x) => x.r.id, 'patch'],
      ['edition', (x) => x.r.edition, 'patch'],
      ['title', (x) => x.r.title, 'patch'],
      ['description', (x) => x.r.description, 'patch'],
      ['rectificationDeadline', (x) => x.r.rectificationDeadline, 'patch'],
      ['rectification', (x) => x.r.rectification, 'patch'],
      ['bonusTitle', (x) => x.r.bonus?.title, 'patch'],
    ],
    { r: ra, max: maxA, cap: capA },
    { r: rb, max: maxB, cap: capB },
  );

  const sections = { items, groups, fields, vetoes, grades };
  const reasons: Verdict['reasons'] = [];
  const LABEL: Record<keyof typeof sections, string> = { items: 'item', groups: 'group', fields: 'field', vetoes: 'veto', grades: 'grade' };
  for (const c of ruleset) if (c.bump !== 'none') reasons.push({ bump: c.bump, reason: `ruleset ${c.property} changed${typeof c.from === 'number' ? ` (${c.from} → ${String(c.to)})` : ''}` });
  for (const [key, s] of Object.entries(sections) as Array<[keyof typeof sections, Section]>) {
    const what = LABEL[key];
    for (const e of s.removed) reasons.push({ bump: e.bump as Exclude<Bump, 'none'>, reason: `${what} ${e.id} removed` });
    for (const e of s.renamed) reasons.push({ bump: 'major', reason: `${what} ${e.from} renamed to ${e.id}` });
    for (const e of s.added) reasons.push({ bump: e.bump as Exclude<Bump, 'none'>, reason: `${what} ${e.id} added` });
    for (const e of s.moved) reasons.push({ bump: 'minor', reason: `${what} ${e.id} moved from ${e.fromParent || '(top)'} to ${e.toParent || '(top)'}` });
    for (const e of s.changed) for (const c of e.changes) reasons.push({ bump: c.bump as Exclude<Bump, 'none'>, reason: `${what} ${e.id}: ${c.property} changed` });
  }
  reasons.sort((x, y) => ORDER.indexOf(y.bump) - ORDER.indexOf(x.bump));
  const bump = reasons.reduce<Bump>((m, r) => larger(m, r.bump), 'none');
  const empty = (s: Section) => s.added.length + s.removed.length + s.renamed.length + s.moved.length + s.changed.length === 0;
  const side = (r: Ruleset, hash: string | undefined) => ({ id: r.id, version: r.version, ...(hash !== undefined ? { hash } : {}) });
  return {
    from: side(ra, a.hash),
    to: side(rb, b.hash),
    identical: ruleset.length === 0 && Object.values(sections).every(empty),
    ruleset,
    ...sections,
    verdict: { bump, reasons },
  };
}

/** The bump from one version to the next; `'downgrade'` when it goes back. */
export function versionBump(from: string, to: string): Bump | 'downgrade' {
  if (!semver.valid(from) || !semver.valid(to)) throw new TypeError(`not semver versions: ${from}, ${to}`);
  if (semver.lt(to, from)) return 'downgrade';
  if (semver.eq(to, from)) return 'none';
  if (semver.major(to) > semver.major(from)) return 'major';
  if (semver.minor(to) > semver.minor(from)) return 'minor';
  return 'patch';
}

/** The outcome of `checkVersion`. */
export interface VersionCheck {
  ok: boolean;
  /** What the differences call for. */
  required: Bump;
  /** What the versions say. */
  actual: Bump | 'downgrade';
  /** One sentence: why it passes or fails, with the most severe reasons. */
  message: string;
  diff: RulesetDiff;
}

/**
 * Whether `current`'s version is bumped enough over `previous` for what changed. Below 1.0.0
 * a minor bump may break (as npm's `^0.x` ranges assume): it satisfies a required major, and
 * a patch bump satisfies a required minor.
 */
export function checkVersion(previous: DiffSide, current: DiffSide): VersionCheck {
  const diff = diffRulesets(previous, current);
  const from = previous.source.version;
  const to = current.source.version;
  const actual = versionBump(from, to);
  const required = diff.verdict.bump;
  const effective: Bump | 'downgrade' = actual !== 'downgrade' && semver.major(from) === 0 && actual !== 'none' ? (actual === 'minor' ? 'major' : actual === 'patch' ? 'minor' : actual) : actual;
  const ok = effective !== 'downgrade' && atLeast(effective, required);
  const why = diff.verdict.reasons.filter((r) => r.bump === required).slice(0, 3).map((r) => r.reason);
  const more = diff.verdict.reasons.filter((r) => r.bump === required).length - why.length;
  const because = why.length > 0 ? ` (${why.join('; ')}${more > 0 ? `; and ${more} more` : ''})` : '';
  const name = `${current.source.id} ${to} over ${previous.source.id} ${from}`;
  const message = ok
    ? `${name}: ${actual === 'none' ? 'the version is unchanged' : `a ${actual} bump`}, and the changes need ${required === 'none' ? 'none' : `at least ${required}`}${because}`
    : actual === 'downgrade'
      ? `${name}: the version goes back`
      : `${name}: ${actual === 'none' ? 'the version is unchanged' : `a ${actual} bump`}, but the changes need ${required}${because}`;
  return { ok, required, actual, message, diff };
}

const zh = (t: unknown): string | undefined =>
  t !== null && typeof t === 'object' && typeof (t as { zh?: unknown }).zh === 'string' ? (t as { zh: string }).zh : undefined;

/** A value short enough to show as old → new; otherwise undefined. */
function short(v: unknown): string | undefined {
  if (v === undefined) return '(none)';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const text = typeof v === 'string' ? v : (zh(v) ?? (Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join(', ') : stableJson(v)));
  return [...text].length <= 40 ? (typeof v === 'string' || zh(v) !== undefined ? `「${text}」` : text) : undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && zh(v) === undefined;

/** `max 2 → 3`; objects (params, effect, …) key by key: `params.per 0.5 → 1`; long text: `standard changed`. */
export function describeChange(c: Pick<Change, 'property' | 'from' | 'to'>): string {
  if (isPlainObject(c.from) && isPlainObject(c.to)) {
    const from = c.from;
    const to = c.to;
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].filter((k) => !same(from[k], to[k]));
    return keys.map((k) => describeChange({ property: `${c.property}.${k}`, from: from[k], to: to[k] })).join('; ');
  }
  const from = short(c.from);
  const to = short(c.to);
  return from !== undefined && to !== undefined ? `${c.property} ${from} → ${to}` : `${c.property} changed`;
}

const KIND_LABELS: ReadonlyArray<[keyof Pick<RulesetDiff, 'items' | 'groups' | 'fields' | 'vetoes' | 'grades'>, string]> = [
  ['items', '评分项 item'],
  ['groups', '指标 group'],
  ['fields', '字段 field'],
  ['vetoes', '否决项 veto'],
  ['grades', '等级 grade'],
];

/**
 * The diff as Markdown for a changelog: the verdict with its reasons, then one table row per
 * change (新增 added, 删除 removed, 更名 renamed, 移动 moved, 修改 changed). Text from the
 * rulesets (ids, titles, values) is escaped ({@link markdownText}, {@link markdownCell},
 * {@link markdownCode}): it renders as text, never as markup, and never splits a row.
 */
export function diffMarkdown(d: RulesetDiff): string {
  const lines: string[] = [`## ${markdownText(`${d.from.id} ${d.from.version} → ${d.to.id} ${d.to.version}`)}`, ''];
  if (d.identical) return [...lines, '无差异 (No differences).', ''].join('\n');
  const v = d.verdict;
  lines.push(`版本判定 (semver verdict): **${v.bump}**${v.bump === 'none' ? '' : ` — ${VERSION_POLICY[v.bump]}`}`, '');
  const top = v.reasons.filter((r) => r.bump === v.bump);
  for (const r of top.slice(0, 8)) lines.push(`- ${markdownText(r.reason)}`);
  if (top.length > 8) lines.push(`- … and ${top.length - 8} more`);
  lines.push('', '| 变更 Change | 类别 Kind | Id | 名称 Title | 说明 Detail | 级别 Bump |', '|---|---|---|---|---|---|');
  const code = (id: string) => markdownCode(id, true);
  const row = (change: string, kind: string, id: string, title: string | undefined, detail: string, bump: Bump) =>
    lines.push(`| ${change} | ${kind} | ${id} | ${markdownCell(title ?? '')} | ${markdownCell(detail)} | ${bump} |`);
  for (const c of d.ruleset) row('修改 changed', '细则 ruleset', '', '', describeChange(c), c.bump);
  for (const [k, label] of KIND_LABELS) {
    const s = d[k];
    for (const e of s.added) row('新增 added', label, code(e.id), e.title, e.detail ?? '', e.bump);
    for (const e of s.removed) row('删除 removed', label, code(e.id), e.title, e.detail ?? '', e.bump);
    for (const e of s.renamed) row('更名 renamed', label, `${code(e.from)} → ${code(e.id)}`, e.title, e.changes.map(describeChange).join('; '), e.bump);
    for (const e of s.moved) row('移动 moved', label, code(e.id), e.title, `${e.fromParent || '(top)'} → ${e.toParent || '(top)'}`, e.bump);
    for (const e of s.changed) row('修改 changed', label, code(e.id), e.title, e.changes.map(describeChange).join('; '), e.bump);
  }
  lines.push('');
  return lines.join('\n');
}
