/**
 * The engine: configured once with its plugins, then frozen. Each engine owns its parts;
 * two engines never see each other's methods, operators or policies.
 * @module
 */
import { LogicError, PluginError, RulesetError, type Issue } from './errors.js';
import { compileModel, type CompiledItem, type CompiledModel } from './compile.js';
import { createLogicCompiler } from './logic/index.js';
import type { LogicFn, LogicOperator } from './logic/types.js';
import { type EvidenceField, type Rectification, type Ruleset, type RulesetRef, type UnitEvidence, type Unit } from './model.js';
import { isPatch, resolveRuleset, type Migration, type Resolved, type ResolveOptions } from './edition/resolve.js';
import type { EvidenceParser, MergePolicy, Plugin, Reporter, ScoringMethod } from './plugin.js';
import type { FieldKernel } from './kernel.js';
import { builtinMethods } from './methods/builtins.js';
import { builtinMergePolicies } from './merge.js';
import { checkUnitEvidence, evaluateUnit, scoreUnit, type ScoreOptions } from './score.js';
import type { Evaluation, ScoreCard } from './scorecard.js';
import { fromMilli } from './points.js';
import { paramsValidator, validateFindings, validatePatch, validateRuleset, type Validator } from './validators/index.js';
import { itemRectifications } from './rectification.js';
import type { LocalText } from './text.js';
import { resolveLimits, type EngineLimits } from './limits.js';

/** Options of `createEngine`. */
export interface EngineOptions {
  /** Plugins, applied in order after the built-ins. */
  plugins?: readonly Plugin[];
  /** Include the built-in scoring methods and merge policies (default true). */
  builtins?: boolean;
  /** Limits on untrusted input (depths, counts, the cost of rules); the defaults are `DEFAULT_LIMITS`. */
  limits?: Partial<EngineLimits>;
}

/** What an item looks like from outside (points as numbers). */
export interface ItemSummary {
  id: string;
  title: LocalText;
  max: number;
  bonus: boolean;
  method: string;
  /** The evidence fields the item is scored on. */
  fields: readonly string[];
  /** Fields its applicability condition reads (e.g. a count whose 0 makes it 不适用). */
  conditionFields: readonly string[];
  pointer: string;
  content?: string;
  standard?: string;
  evidenceKinds: readonly string[];
  checkMethods: readonly string[];
  /** On an item with a lead (责任唯一): `lead` for the indicator itself, `partner` for a partner's own contribution (its own fields and standard). */
  role?: 'lead' | 'partner';
  /** The lead unit (牵头单位) and the partners (配合单位), where the item names them. */
  lead?: string;
  partners?: readonly string[];
  /**
   * 整改类型 and 整改时限 of a problem found on it: its own `rectification`, else the nearest
   * group's above it, else the ruleset's default; absent when none is declared (the round's
   * `rectificationDeadline` applies).
   */
  rectification?: Rectification;
}

/** A ruleset compiled by one engine: pure functions, built once. */
export interface CompiledRuleset {
  readonly id: string;
  readonly version: string;
  readonly edition: number;
  readonly title: LocalText;
  /** Content hash of the ruleset (without `$schema`), computed when first read. */
  readonly hash: string;
  /** Maximum of the base tree (all items applicable). */
  readonly max: number;
  /** Cap of the bonus bucket (0 when none). */
  readonly bonusCap: number;
  readonly unitKinds: readonly string[];
  readonly fields: readonly EvidenceField[];
  readonly items: readonly ItemSummary[];
  /** Declared fields no item is scored on or conditioned by (e.g. those only vetoes read). */
  readonly generalFields: readonly string[];
  /**
   * The ruleset as scored (frozen): as given, or, for a patch, the whole ruleset it resolves to.
   * The frozen copy is taken when first read (the compiled ruleset reads the object given to
   * `compile` as it was then: do not change it afterwards).
   */
  readonly source: Readonly<Ruleset>;
  /** The edition this one extends (its `extends`), or undefined for a whole ruleset. */
  readonly extends: RulesetRef | undefined;
  /**
   * What the evidence of the edition this one extends becomes here: items and fields renamed
   * or retired. Undefined for a whole ruleset. `migrateEvidence` uses it.
   */
  readonly migration: Migration | undefined;
  /**
   * Items that apply to a unit by kind and id (evidence-dependent conditions are not evaluated),
   * as they are scored for it: for a partner (配合单位) of an item, the partner's own scoring.
   */
  itemsFor(unit: Pick<Unit, 'id' | 'kind'>): ItemSummary[];
  /** Score one unit's evidence. Throws EvidenceError listing every problem of the input. */
  score(evidence: UnitEvidence, options?: ScoreOptions): ScoreCard;
  /**
   * Check one unit's evidence once, as `score` does (throws EvidenceError listing every problem),
   * and return a deeply frozen copy that this ruleset's `score` and `evaluate` trust without
   * checking it again: for an adapter that hands the same evidence to scoring more than once,
   * or checks it where it is read. The card is the same as for the evidence given.
   */
  checkEvidence(evidence: unknown): CheckedEvidence;
  /**
   * Score one unit's evidence with every explanation recorded as data, rendered only when
   * asked: `evaluate(e, o).toScoreCard(lang)` is the card `score(e, { ...o, lang })` gives.
   * Throws EvidenceError, as `score` does. `options.lang` is `toScoreCard`'s default language.
   */
  evaluate(evidence: UnitEvidence, options?: ScoreOptions): Evaluation;
}

declare const checkedBrand: unique symbol;
/** Unit evidence a compiled ruleset has checked and frozen (`checkEvidence`). */
export type CheckedEvidence = Readonly<UnitEvidence> & { readonly [checkedBrand]: true };

/** Options of `engine.compile`: where the editions a ruleset extends come from. */
export type CompileOptions = ResolveOptions;

/** An engine: compile rulesets and JsonLogic with this engine's parts only. */
export interface Engine {
  /**
   * Validate and compile a ruleset; throws RulesetError with every issue and its JSON pointer.
   * A ruleset that `extends` an earlier edition is resolved first: give the earlier editions in
   * `options.bases` (or a `resolve` function); problems point into the patch as written.
   */
  compile(ruleset: unknown, options?: CompileOptions): CompiledRuleset;
  /**
   * Resolve a ruleset file that extends an earlier edition into the whole ruleset it stands for,
   * with its migration map, without compiling it (a whole ruleset is returned as it is).
   * Throws RulesetError for a missing base, a cycle or an operation that names nothing.
   */
  resolve(ruleset: unknown, options?: CompileOptions): Resolved;
  /**
   * Compile a JsonLogic rule into a closure; throws LogicError for unknown operators, a rule
   * nested deeper than `limits.maxJsonDepth` or whose estimated cost is over
   * `limits.maxLogicCost`. The closure throws EvaluationError past `limits.maxLogicSteps`.
   */
  compileLogic(rule: unknown): LogicFn;
  readonly plugins: readonly string[];
  readonly methods: ReadonlyMap<string, ScoringMethod>;
  readonly operators: readonly string[];
  readonly mergePolicies: ReadonlyMap<string, MergePolicy>;
  readonly parsers: ReadonlyMap<string, EvidenceParser>;
  readonly reporters: ReadonlyMap<string, Reporter>;
  /** This engine's limits on untrusted input. */
  readonly limits: Readonly<EngineLimits>;
}

type Kind = 'methods' | 'operators' | 'parsers' | 'reporters' | 'mergePolicies';
const KINDS: readonly Kind[] = ['methods', 'operators', 'parsers', 'reporters', 'mergePolicies'];

/** Create an engine with its plugins; the result is frozen. */
export function createEngine(options: EngineOptions = {}): Engine {
  const limits = resolveLimits(options.limits);
  const issues: Issue[] = [];
  const tables: Record<Kind, Map<string, unknown>> = {
    methods: new Map(),
    operators: new Map(),
    parsers: new Map(),
    reporters: new Map(),
    mergePolicies: new Map(),
  };
  const baseline = createLogicCompiler();
  const isBuiltinOperator = (name: string) => baseline.has(name);
  const plugins: Plugin[] = [];
  if (options.builtins !== false) plugins.push(builtinMethods, { name: 'safecity:builtin-merge', mergePolicies: builtinMergePolicies });
  plugins.push(...(options.plugins ?? []));
  const names = new Set<string>();
  plugins.forEach((p, i) => {
    const at = `/plugins/${i}`;
    if (p === null || typeof p !== 'object' || typeof p.name !== 'string' || p.name === '') {
      issues.push({ path: at, message: 'a plugin is an object with a non-empty "name"' });
      return;
    }
    if (names.has(p.name)) issues.push({ path: `${at}/name`, message: `plugin "${p.name}" is used twice` });
    names.add(p.name);
    const overrides = new Set(p.overrides ?? []);
    const used = new Set<string>();
    for (const kind of KINDS) {
      const parts = p[kind] as Record<string, unknown> | undefined;
      if (parts === undefined) continue;
      for (const [name, part] of Object.entries(parts)) {
        const key = `${kind}/${name}`;
        const exists = tables[kind].has(name) || (kind === 'operators' && isBuiltinOperator(name));
        if (exists && !overrides.has(key)) {
          issues.push({ path: `${at}/${kind}/${name}`, message: `plugin "${p.name}" redefines ${key}; declare "${key}" in its overrides to replace it` });
          continue;
        }
        if (overrides.has(key)) used.add(key);
        if (kind === 'operators' && typeof part !== 'function') {
          issues.push({ path: `${at}/${kind}/${name}`, message: 'an operator is a function of its evaluated arguments' });
          continue;
        }
        if (kind === 'methods') {
          const m = part as ScoringMethod;
          const k = m?.kernel as Partial<FieldKernel> | undefined;
          const kernelOk = k !== undefined && k !== null && typeof k === 'object' && typeof k.deduct === 'function' && typeof k.explain === 'function' && typeof k.messageId === 'string';
          if (m === null || typeof m !== 'object' || (typeof m.score !== 'function' && !kernelOk) || typeof m.meta?.fields !== 'function' || m.params === undefined || m.messages === undefined) {
            issues.push({ path: `${at}/${kind}/${name}`, message: 'a scoring method is { meta: { description, monotonic, fields }, params, messages, and kernel: { messageId, deduct, explain } or score }' });
            continue;
          }
        }
        tables[kind].set(name, part);
      }
    }
    for (const o of overrides) {
      if (!used.has(o)) issues.push({ path: `${at}/overrides`, message: `"${o}" overrides nothing: no earlier part has that name` });
    }
  });
  if (issues.length > 0) throw new PluginError(issues);

  const logic = createLogicCompiler(Object.fromEntries(tables.operators) as Record<string, LogicOperator>, limits);
  // No code is generated here (a strict Content-Security-Policy forbids it, and it cost
  // 160–325 ms): the engine's own schemas and the built-in methods' params are checked by
  // validators precompiled at build time; a plugin method's params, by TypeBox's interpreter.
  // Validators are per schema, so one engine's methods never leak into another's.
  const methods = tables.methods as Map<string, ScoringMethod>;
  const paramValidators = new Map<string, Validator>();
  for (const [name, m] of methods) paramValidators.set(name, paramsValidator(m));
  const parts = {
    validateRuleset,
    methods,
    paramValidators,
    mergePolicies: tables.mergePolicies as Map<string, MergePolicy>,
    logic,
    limits,
  };

  const engine: Engine = {
    compile(json, options = {}) {
      if (!isPatch(json)) return wrap(compileModel(json, parts), validateFindings, undefined, undefined);
      const resolved = resolveRuleset(json, { validateRuleset, validatePatch, limits }, options);
      let model: CompiledModel;
      try {
        model = compileModel(resolved.ruleset, parts);
      } catch (e) {
        if (!(e instanceof RulesetError)) throw e;
        const seen = new Set<string>();
        const issues = e.issues.map(resolved.remap).filter((i) => !seen.has(i.path + '\u0000' + i.message) && seen.add(i.path + '\u0000' + i.message));
        throw new RulesetError(issues, undefined, { maxProblems: limits.maxProblems });
      }
      return wrap(model, validateFindings, resolved.extends, resolved.migration);
    },
    resolve(json, options = {}) {
      return resolveRuleset(json, { validateRuleset, validatePatch, limits }, options);
    },
    compileLogic(rule) {
      const r = logic.compile(rule);
      if (r.issues.length > 0) throw new LogicError(r.issues);
      return r.fn;
    },
    plugins: Object.freeze(plugins.map((p) => p.name)),
    methods: readonlyMap(methods),
    operators: Object.freeze(logic.operators()),
    mergePolicies: readonlyMap(parts.mergePolicies),
    parsers: readonlyMap(tables.parsers as Map<string, EvidenceParser>),
    reporters: readonlyMap(tables.reporters as Map<string, Reporter>),
    limits,
  };
  return Object.freeze(engine);
}

function readonlyMap<K, V>(m: Map<K, V>): ReadonlyMap<K, V> {
  const copy = new Map(m);
  return Object.freeze({
    get: (k: K) => copy.get(k),
    has: (k: K) => copy.has(k),
    get size() {
      return copy.size;
    },
    keys: () => copy.keys(),
    values: () => copy.values(),
    entries: () => copy.entries(),
    forEach: (cb: (v: V, k: K, map: ReadonlyMap<K, V>) => void) => copy.forEach((v, k) => cb(v, k, copy)),
    [Symbol.iterator]: () => copy[Symbol.iterator](),
  }) as ReadonlyMap<K, V>;
}

/** The empty list of a summary without conditions, evidence kinds or check methods (one for all). */
const NONE: readonly string[] = Object.freeze([]);

function summary(i: CompiledItem, rectification: ReadonlyMap<string, Rectification>): ItemSummary {
  const s: ItemSummary = {
    id: i.id,
    title: i.title,
    max: fromMilli(i.max),
    bonus: i.bonus,
    method: i.methodName ?? 'logic',
    fields: i.fields,
    conditionFields: i.applicability?.fields ?? NONE,
    pointer: i.pointer,
    evidenceKinds: i.node.evidenceKinds ?? NONE,
    checkMethods: i.node.checkMethods ?? NONE,
  };
  const content = i.role === 'partner' ? i.node.partner?.content : i.node.content;
  const standard = i.role === 'partner' ? i.node.partner?.standard : i.node.standard;
  if (content !== undefined) s.content = content;
  if (standard !== undefined) s.standard = standard;
  if (i.role !== undefined) s.role = i.role;
  if (i.node.lead !== undefined) s.lead = i.node.lead;
  if (i.node.partners !== undefined) s.partners = Object.freeze(i.node.partners.slice());
  const r = rectification.get(i.id);
  if (r !== undefined) s.rectification = deepFreeze(structuredClone(r));
  return Object.freeze(s);
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

/** What a compiled ruleset says about its items from outside, built when first asked for. */
interface Summaries {
  readonly items: readonly ItemSummary[];
  readonly byId: ReadonlyMap<string, ItemSummary>;
  readonly partnerSummary: ReadonlyMap<string, ItemSummary>;
  readonly generalFields: readonly string[];
}

function summaries(model: CompiledModel): Summaries {
  const rectification = itemRectifications(model.json);
  const list: ItemSummary[] = [];
  const byId = new Map<string, ItemSummary>();
  const partnerSummary = new Map<string, ItemSummary>();
  // Every field an item reads (in any role) or its applicability condition reads.
  const read = new Set<string>();
  for (const i of model.items) {
    const s = summary(i, rectification);
    list.push(s);
    byId.set(i.id, s);
    for (const f of i.fields) read.add(f);
    if (i.partner !== undefined) {
      partnerSummary.set(i.id, summary(i.partner, rectification));
      for (const f of i.partner.fields) read.add(f);
    }
    if (i.applicability !== undefined) for (const f of i.applicability.fields) read.add(f);
  }
  return {
    items: Object.freeze(list),
    byId,
    partnerSummary,
    generalFields: Object.freeze(model.json.fields.map((f) => f.name).filter((n) => !read.has(n))),
  };
}

function wrap(model: CompiledModel, validateFindings: Validator, base: RulesetRef | undefined, migration: Migration | undefined): CompiledRuleset {
  // The items' frozen summaries are made when first read (as `source` is): a summary per item
  // costs a large ruleset a fifth of its compile time, and scoring never reads them.
  let made: Summaries | undefined;
  const summarized = (): Summaries => (made ??= summaries(model));
  // The frozen copy is made when first read: cloning and freezing a large ruleset costs more
  // than compiling it, and scoring never reads it.
  let source: Readonly<Ruleset> | undefined;
  // Evidence this ruleset checked and froze → its values by field index.
  const checked = new WeakMap<object, unknown[]>();
  return Object.freeze({
    id: model.json.id,
    version: model.json.version,
    edition: model.json.edition,
    title: model.json.title,
    get hash() {
      return model.hash;
    },
    max: fromMilli(model.max),
    bonusCap: fromMilli(model.bonus?.cap ?? 0),
    unitKinds: Object.freeze(model.json.unitKinds.slice()),
    fields: Object.freeze(model.json.fields.slice()),
    get items() {
      return summarized().items;
    },
    get generalFields() {
      return summarized().generalFields;
    },
    get source() {
      return (source ??= deepFreeze(structuredClone(model.json)));
    },
    extends: base,
    migration: migration === undefined ? undefined : deepFreeze(migration),
    itemsFor(unit: Pick<Unit, 'id' | 'kind'>) {
      const { byId, partnerSummary } = summarized();
      return model.items
        .filter((i) => {
          const a = i.applicability;
          if (a === undefined) return true;
          if (a.kinds !== undefined && !a.kinds.has(unit.kind)) return false;
          if (a.units !== undefined && !a.units.has(unit.id)) return false;
          return !(a.except !== undefined && a.except.has(unit.id));
        })
        .map((i) => (i.partners?.has(unit.id) === true ? (partnerSummary.get(i.id) as ItemSummary) : (byId.get(i.id) as ItemSummary)));
    },
    score(evidence: UnitEvidence, options: ScoreOptions = {}) {
      return scoreUnit(model, evidence, options, validateFindings, checked);
    },
    evaluate(evidence: UnitEvidence, options: ScoreOptions = {}) {
      return evaluateUnit(model, evidence, options, validateFindings, checked);
    },
    checkEvidence(evidence: unknown) {
      return checkUnitEvidence(model, evidence, checked) as CheckedEvidence;
    },
  });
}

