/**
 * Pass 3b, the items (三级指标): each item's scoring (a method with checked params, or
 * JsonLogic), its fields, message overrides, applicability, merge policy and roles (责任唯一).
 * @module
 */
import type { LogicFn } from '../logic/types.js';
import type { FieldType, Node } from '../model.js';
import type { MergePolicy, MethodMessage, ScoringMethod } from '../plugin.js';
import { builtinMergePolicies } from '../merge.js';
import { ajvIssues } from '../ajv-issues.js';
import { templateParams, type LocalText } from '../text.js';
import type { FieldKernel } from '../kernel.js';
import { checkPoints, type CompileContext } from './context.js';
import type { FieldTable } from './fields.js';
import type { LogicChecker } from './logic.js';
import { itemTexts, type ItemTexts } from './text.js';
import type { CompiledApplicability, CompiledItem } from './types.js';
import { pointerToken } from '../pointer.js';

/** Messages the engine itself uses on any item (a ruleset may override their text per item). */
export const ENGINE_MESSAGES: Readonly<Record<string, MethodMessage>> = {
  'no-evidence': {
    reason: { zh: '未提供佐证材料（{fields}）', en: 'No evidence provided ({fields})' },
    suggestion: { zh: '补充提供{fields}的佐证材料', en: 'Provide evidence for {fields}' },
    data: ['fields', 'points'],
  },
  rejected: {
    reason: { zh: '佐证材料未通过核查（{checks}）：{reasons}', en: 'Evidence rejected by the checks ({checks}): {reasons}' },
    suggestion: { zh: '按核查意见重新提交真实、准确、完整的佐证材料', en: 'Resubmit authentic, accurate and complete evidence' },
    data: ['checks', 'reasons', 'points'],
  },
  logic: {
    reason: { zh: '按评分标准得{earned}分（满分{max}分），扣{points}分', en: 'By the scoring standard: {earned} of {max}; {points} deducted' },
    data: ['earned', 'max', 'points'],
  },
};

const COMMON_DATA = ['item', 'title', 'max', 'points'];
/** Params every method's points are checked in (at most three decimals). */
const POINT_PARAMS = ['per', 'cap', 'deduct'] as const;
const LANGS = ['zh', 'en'] as const;
const PARTS = ['reason', 'suggestion'] as const;
const NO_IDS: readonly string[] = [];

/** The built-in merge policies: with no findings, each gives the rule deductions unchanged. */
const BUILTIN_MERGE: ReadonlySet<MergePolicy> = new Set(Object.values(builtinMergePolicies));

/** What scores an item for one role: its method or logic, the fields they read, its texts. */
interface Variant {
  methodName: string | undefined;
  method: ScoringMethod | undefined;
  prepared: unknown;
  logic: LogicFn | undefined;
  fields: string[];
  grades: Set<string> | undefined;
  messages: Record<string, MethodMessage>;
  suggestion: LocalText | undefined;
  monotonic: boolean;
  text: ItemTexts;
  kernel: FieldKernel | undefined;
  fieldIndexes: number[];
}

/** What one variant is compiled from: the item itself, or its partner scoring. */
interface VariantSpec {
  id: string;
  scoring?: Node['scoring'];
  messages?: Node['messages'];
  suggestion?: LocalText;
  monotonic?: boolean;
}

/** Compiles items in scoring order into `items` (an item's index is its position there). */
export interface ItemCompiler {
  readonly items: CompiledItem[];
  compileItem(node: Node, at: string, max: number, bonus: boolean): CompiledItem;
}

/** An item compiler adding its issues to `ctx`. */
export function itemCompiler(ctx: CompileContext, table: FieldTable, logic: LogicChecker): ItemCompiler {
  const { rs, parts, issues } = ctx;
  const { fields, fieldIndex, unitKinds } = table;
  const items: CompiledItem[] = [];
  const textOf = itemTexts();
  const engineMessages: Record<string, MethodMessage> = { ...ENGINE_MESSAGES };
  // One merged table per method, shared by its items (never changed after this).
  const baseMessages = new Map<ScoringMethod, Record<string, MethodMessage>>();
  const defaultMerge = parts.mergePolicies.get('both') as MergePolicy;

  const compileVariant = (spec: VariantSpec, at: string, max: number): Variant => {
    const scoring = spec.scoring ?? {};
    let method: ScoringMethod | undefined;
    let prepared: unknown;
    let logicFn: LogicFn | undefined;
    let messagesBase: Record<string, MethodMessage> = engineMessages;
    const itemFields: string[] = [];
    let grades: Set<string> | undefined;
    if (scoring.method !== undefined && scoring.logic !== undefined) {
      issues.push({ path: `${at}/scoring`, message: 'scoring has either "method" (with "params") or "logic", not both' });
    } else if (scoring.method === undefined && scoring.logic === undefined) {
      issues.push({ path: `${at}/scoring`, message: 'scoring needs "method" (with "params") or "logic"' });
    } else if (scoring.method !== undefined) {
      method = parts.methods.get(scoring.method);
      if (method === undefined) {
        issues.push({ path: `${at}/scoring/method`, message: `unknown scoring method "${scoring.method}"; this engine has ${[...parts.methods.keys()].sort().join(', ')}` });
      } else {
        const validate = parts.paramValidators.get(scoring.method)!; // one per method, made with the methods
        const params = scoring.params ?? {};
        if (!validate(params)) {
          issues.push(...ajvIssues(validate.errors, params, `${at}/scoring/params`));
        } else {
          const info = { id: spec.id, max };
          if (method.check !== undefined) {
            for (const i of method.check(params, info)) issues.push({ path: `${at}/scoring/params${i.path}`, message: i.message });
          }
          const refs = method.meta.fields(params);
          for (const ref of refs) {
            const f = fields.get(ref.field);
            if (f === undefined) issues.push({ path: `${at}/scoring/params${ref.path}`, message: `"${ref.field}" names no declared evidence field` });
            else if (!ref.types.includes(f.type as FieldType)) {
              issues.push({ path: `${at}/scoring/params${ref.path}`, message: `field "${ref.field}" is ${f.type}, but method "${scoring.method}" needs ${ref.types.join(' or ')}` });
            } else if (!itemFields.includes(ref.field)) itemFields.push(ref.field);
          }
          for (const k of POINT_PARAMS) {
            const v = (params as Record<string, unknown>)[k];
            if (typeof v === 'number') checkPoints(v, `${at}/scoring/params/${k}`, issues);
          }
          if (method.score === undefined && refs.length !== 1) {
            issues.push({ path: `${at}/scoring/method`, message: `method "${scoring.method}" scores one field (its kernel), but its params name ${refs.length}` });
          }
          prepared = method.prepare ? method.prepare(params, info) : params;
          const g = method.meta.grades?.(params);
          if (g !== undefined) grades = new Set(g);
        }
        const m = method;
        messagesBase = baseMessages.get(m) ?? baseMessages.set(m, { ...ENGINE_MESSAGES, ...m.messages }).get(m)!;
      }
    } else {
      if (scoring.params !== undefined) issues.push({ path: `${at}/scoring/params`, message: '"params" go with "method", not with "logic"' });
      const r = logic.check(scoring.logic, `${at}/scoring/logic`);
      logicFn = r.fn;
      for (const v of r.vars) itemFields.push(v);
    }

    // Message overrides: known ids, known template params.
    // Without overrides an item shares its method's table (and its split texts).
    let messages = messagesBase;
    if (spec.messages !== undefined) {
      messages = { ...messagesBase };
      for (const [id, o] of Object.entries(spec.messages)) {
        const base = messagesBase[id];
        const mAt = `${at}/messages/${pointerToken(id)}`;
        if (base === undefined) {
          issues.push({ path: mAt, message: `unknown message id "${id}"; this item's messages are ${Object.keys(messagesBase).sort().join(', ')}` });
          continue;
        }
        const known = new Set([...base.data, ...COMMON_DATA]);
        for (const part of PARTS) {
          const t = o[part];
          if (t === undefined) continue;
          for (const lang of LANGS) {
            const text = t[lang];
            if (text === undefined) continue;
            for (const p of templateParams(text)) {
              if (!known.has(p)) issues.push({ path: `${mAt}/${part}/${lang}`, message: `unknown template parameter {${p}}; "${id}" has ${[...known].map((k) => `{${k}}`).join(', ')}` });
            }
          }
        }
        messages[id] = { reason: o.reason ?? base.reason, suggestion: o.suggestion ?? base.suggestion, data: base.data } as MethodMessage;
      }
    }
    if (spec.suggestion !== undefined) {
      for (const lang of LANGS) {
        const t = spec.suggestion[lang];
        if (t === undefined) continue;
        for (const p of templateParams(t)) {
          if (!COMMON_DATA.includes(p)) issues.push({ path: `${at}/suggestion/${lang}`, message: `unknown template parameter {${p}}; an item suggestion has ${COMMON_DATA.map((k) => `{${k}}`).join(', ')}` });
        }
      }
    }
    const fieldIndexes: number[] = [];
    for (const f of itemFields) fieldIndexes.push(fieldIndex.get(f) as number);
    return {
      methodName: scoring.method,
      method,
      prepared,
      logic: logicFn,
      fields: itemFields,
      grades,
      messages,
      suggestion: spec.suggestion,
      monotonic: spec.monotonic ?? (method ? method.meta.monotonic : false),
      text: textOf(messages, spec.suggestion),
      kernel: method !== undefined && method.score === undefined && itemFields.length === 1 ? method.kernel : undefined,
      fieldIndexes,
    };
  };

  const compileApplicability = (node: Node, at: string): CompiledApplicability => {
    const a = node.applicability!;
    if (a.kinds !== undefined) {
      for (let i = 0; i < a.kinds.length; i++) {
        const k = a.kinds[i] as string;
        if (!unitKinds.has(k)) issues.push({ path: `${at}/applicability/kinds/${i}`, message: `unit kind "${k}" is not one of the ruleset's unitKinds (${rs.unitKinds.join(', ')})` });
      }
    }
    let when: LogicFn | undefined;
    let whenFields: string[] = [];
    if (a.when !== undefined) {
      const r = logic.check(a.when, `${at}/applicability/when`);
      when = r.fn;
      whenFields = r.vars;
    }
    if (node.partner !== undefined && a.units !== undefined) {
      const missing = [node.lead, ...(node.partners ?? [])].filter((u): u is string => u !== undefined && !a.units!.includes(u));
      if (missing.length > 0) issues.push({ path: `${at}/applicability/units`, message: `the lead and partners must be among the units the item applies to; missing ${missing.join(', ')}` });
    }
    return {
      fields: whenFields,
      kinds: a.kinds ? new Set(a.kinds) : undefined,
      units: a.units ? new Set(a.units) : undefined,
      except: a.exceptUnits ? new Set(a.exceptUnits) : undefined,
      when,
      reason: a.reason,
    };
  };

  const compileItem = (node: Node, at: string, max: number, bonus: boolean): CompiledItem => {
    const main = compileVariant(node, at, max);
    const applicability = node.applicability !== undefined ? compileApplicability(node, at) : undefined;

    let merge = defaultMerge;
    if (node.merge !== undefined) {
      const m = parts.mergePolicies.get(node.merge);
      if (m === undefined) issues.push({ path: `${at}/merge`, message: `unknown merge policy "${node.merge}"; this engine has ${[...parts.mergePolicies.keys()].sort().join(', ')}` });
      else merge = m;
    }

    // 责任唯一: one value per city-wide indicator, reported by its lead; partners are judged on
    // their own contribution, so an item that names partners must say how.
    const partnerIds = node.partners ?? NO_IDS;
    if (node.lead !== undefined && partnerIds.includes(node.lead)) {
      issues.push({ path: `${at}/partners`, message: `"${node.lead}" is the lead (牵头单位); it cannot also be a partner` });
    }
    if (partnerIds.length > 1) {
      const dup = partnerIds.find((p, i) => partnerIds.indexOf(p) !== i);
      if (dup !== undefined) issues.push({ path: `${at}/partners`, message: `partner "${dup}" is listed twice` });
    }
    if (node.partner !== undefined && node.lead === undefined) {
      issues.push({ path: `${at}/partner`, message: 'a partner scoring needs the item\'s "lead" (牵头单位)' });
    }
    if (node.partner !== undefined && partnerIds.length === 0) {
      issues.push({ path: `${at}/partner`, message: 'a partner scoring needs "partners" (配合单位) to apply to' });
    }
    if (node.partner === undefined && partnerIds.length > 0) {
      issues.push({
        path: `${at}/partners`,
        message:
          'an item with partners (配合单位) needs "partner": how a partner is judged on its own contribution (责任唯一: the indicator\'s value is the lead\'s alone)',
      });
    }
    const shared: Shared = {
      node,
      max,
      bonus,
      applicability,
      merge,
      builtinMerge: BUILTIN_MERGE.has(merge),
      checkMethods: node.checkMethods !== undefined ? new Set<string>(node.checkMethods) : undefined,
    };
    let partner: CompiledItem | undefined;
    if (node.partner !== undefined) {
      const p = node.partner;
      const v = compileVariant({ id: node.id, scoring: p.scoring, messages: p.messages, suggestion: p.suggestion, monotonic: node.monotonic }, `${at}/partner`, max);
      partner = makeItem(items.length, shared, v, `${at}/partner`, 'partner', undefined, undefined);
    }
    const item = makeItem(items.length, shared, main, at, node.lead !== undefined ? 'lead' : undefined, partner, partner !== undefined ? new Set(partnerIds) : undefined);
    items.push(item);
    return item;
  };

  return { items, compileItem };
}

/** What an item's lead and partner variants have in common. */
interface Shared {
  node: Node;
  max: number;
  bonus: boolean;
  applicability: CompiledApplicability | undefined;
  merge: MergePolicy;
  builtinMerge: boolean;
  checkMethods: ReadonlySet<string> | undefined;
}

/** One literal, so every compiled item has the same shape (the scorer's sites stay monomorphic). */
function makeItem(
  index: number,
  s: Shared,
  v: Variant,
  pointer: string,
  role: 'lead' | 'partner' | undefined,
  partner: CompiledItem | undefined,
  partners: ReadonlySet<string> | undefined,
): CompiledItem {
  return {
    kind: 'item',
    index,
    id: s.node.id,
    title: s.node.title,
    max: s.max,
    bonus: s.bonus,
    applicability: s.applicability,
    merge: s.merge,
    node: s.node,
    builtinMerge: s.builtinMerge,
    checkMethods: s.checkMethods,
    methodName: v.methodName,
    method: v.method,
    prepared: v.prepared,
    logic: v.logic,
    fields: v.fields,
    messages: v.messages,
    suggestion: v.suggestion,
    grades: v.grades,
    monotonic: v.monotonic,
    text: v.text,
    fieldIndexes: v.fieldIndexes,
    kernel: v.kernel,
    pointer,
    role,
    partner,
    partners,
  };
}
