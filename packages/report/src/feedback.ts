/**
 * Feedback lists per unit: 意见反馈清单 (from the data check) and 问题反馈清单 (from the
 * on-site check), one row per deduction.
 * @module
 */
import { IMMEDIATE_DAYS, itemRectifications, rectificationDue, RECTIFICATION_TYPE_TITLES, unescapePointerToken, type Deduction, type Node, type Rectification, type Ruleset, type ScoreCard, type ScoreNode, type Unit } from '@safecity/engine';
import {
  assertCard,
  bonusNodeId,
  cardItems,
  escapeMarkdown,
  escapeMarkdownCell,
  fmtDate,
  fmtPoints,
  milli,
  points,
  rulesetNodes,
  today,
} from './util.js';

/** 整改类型: 立行立改 (`immediate`), 限期整改 (`deadline`) or 长期坚持 (`ongoing`). */
export type RectificationType = Rectification['type'];

/** The Chinese names of the rectification types (立行立改, 限期整改, 长期坚持). */
export const RECTIFICATION_TYPES: Readonly<Record<RectificationType, string>> = RECTIFICATION_TYPE_TITLES;

/** Which feedback list a row belongs to: 意见反馈清单 (`data-check`) or 问题反馈清单 (`onsite`). */
export type FeedbackList = 'data-check' | 'onsite';

/** The plan's rectification deadline (整改提升: 4月15日前完成问题整改). */
export const DEFAULT_DEADLINE = '2023-04-15';

/** Chinese names of the two lists, as the plan writes them. */
export const FEEDBACK_LIST_TITLES: Readonly<Record<FeedbackList, string>> = {
  'data-check': '意见反馈清单',
  onsite: '问题反馈清单',
};

/** What each list comes from (shown after the list's name). */
export const FEEDBACK_LIST_SOURCES: Readonly<Record<FeedbackList, string>> = {
  'data-check': '数据核查',
  onsite: '现场检查',
};

/** Options of {@link feedbackRows}, {@link feedbackMarkdown} and `feedbackWorkbook`. */
export interface FeedbackOptions {
  /**
   * The ruleset the card was scored under (its source JSON). Gives item titles from the
   * rubric and the lead (牵头) and partner (配合) units of municipal items. Must have the
   * card's ruleset id and version.
   */
  ruleset?: Ruleset;
  /**
   * The round's 整改时限: the due date of rows whose item declares no rectification, and the
   * date 长期坚持 rows are next reviewed by; default the ruleset's `rectificationDeadline`, else
   * `2023-04-15` (the plan's 4月15日). Rows whose item declares days are due that many days
   * after `date`.
   */
  deadline?: string;
  /** 责任单位 to show instead of the unit's name (e.g. a department within it). */
  responsible?: string;
  /** Unit registry, to name lead and partner units (the ruleset names them by id). */
  units?: readonly Pick<Unit, 'id' | 'name'>[];
  /**
   * The date the feedback is issued (下发日期, YYYY-MM-DD), shown in titles: a declared
   * rectification's days count from it. Default today.
   */
  date?: string;
  /**
   * The card's rows as {@link feedbackRows} gives them with these same options: a caller that
   * writes one card in several formats (Markdown, xlsx, Word) works them out once and passes
   * them to each. Default: worked out here.
   */
  rows?: readonly FeedbackRow[];
}

/** A unit named by id and name. */
export interface UnitName {
  id: string;
  name: string;
}

/** One row of a feedback list: one deduction of one item. */
export interface FeedbackRow {
  /** The list it goes to: rule and data-check deductions → `data-check`, on-site ones → `onsite`. */
  list: FeedbackList;
  /** 序号: 1-based, per list. */
  no: number;
  /** 评分项: the item id. */
  itemId: string;
  /** 评分项名称: the full path of titles, `工作成效 › 城市安全源头治理 › …`. */
  itemTitle: string;
  /** The same path as a list, top-level first, the item last. */
  path: string[];
  /** 扣分: points deducted (0 for a superseded deduction). */
  points: number;
  /** What the deduction asked for when bounding by the item's max (or a merge policy) cut it. */
  requested?: number;
  /** 扣分原因. */
  reason: string;
  /** 整改建议 (the deduction's, else the item's on the card or in the ruleset; '' when none). */
  suggestion: string;
  /** 佐证/位置: where the evidence came from (file, sheet, cell). */
  evidence: string[];
  /** Who found it. */
  source: Deduction['source'];
  /** The deduction's message id. */
  code: string;
  /** Kept for the record by a merge policy; counts 0 points. */
  superseded: boolean;
  /**
   * The unit's claim that the item does not apply to it (不适用原因, from its evidence): the
   * item is scored as the rubric says, and the row says what the unit claimed, for the checker.
   */
  claim?: string;
  /**
   * 责任单位: the unit itself (or `options.responsible`); on an item with a lead unit (责任唯一)
   * marked with its part: `市城管局（牵头）`, or `市水务局（配合，牵头单位：市城管局）` for a
   * partner (配合单位).
   */
  responsible: string;
  /**
   * The unit's part in an item with a lead unit: `lead` (scored on the city-wide indicator
   * itself) or `partner` (配合单位, scored on its own contribution). From the card's
   * `node.role`, else from the ruleset's `lead` and `partners`.
   */
  role?: 'lead' | 'partner';
  /** 牵头单位 of the item, from the ruleset. */
  lead?: UnitName;
  /** 配合单位 of the item, from the ruleset. */
  partners?: UnitName[];
  /**
   * 整改时限 (YYYY-MM-DD): the row's own due date — the feedback date plus its item's declared
   * days, else the round's deadline; for 长期坚持 (no end date) the round's deadline, when it is
   * next reviewed.
   */
  deadline: string;
  /** 整改类型: declared on the item (or a group above it, or the ruleset); `deadline` when none is. */
  rectification: RectificationType;
  /** The declared days from the feedback date (立行立改 and 限期整改); absent when the round's deadline applies. */
  rectificationDays?: number;
  /** 整改时限 as people read it: `2023年4月30日`, or `长期坚持，每轮复核` for 长期坚持. */
  deadlineText: string;
  /**
   * The row's key in a ledger: item id, deduction message id and source, with a running number
   * when one item has several such deductions (`3.2.2.17|finding|onsite|2`). Stable across
   * re-sorting; the ledger workbook keeps it so a filled ledger is matched row by row.
   */
  key: string;
}

/** Totals of one feedback list. */
export interface FeedbackTotals {
  /** Rows that count (not superseded). */
  rows: number;
  /** Points deducted, all rows. */
  points: number;
  /** Superseded rows (kept for the record). */
  superseded: number;
}

/**
 * The rows of both feedback lists for one card: one per deduction with points > 0, and
 * one per superseded deduction (marked, 0 points), in tree order. Each deduction goes to the
 * list of whoever made it (its `source`): rule deductions and data-check findings to
 * 意见反馈清单 (`list: 'data-check'`), on-site findings — an on-site group's expert grade
 * included — to 问题反馈清单 (`list: 'onsite'`). Not-applicable items have no rows, and
 * neither do the items of the bonus bucket (加分项): a bonus not earned is neither a
 * deduction nor a problem to rectify.
 *
 * @throws TypeError when `card` is not a ScoreCard, or `options.ruleset` is another ruleset.
 */
export function feedbackRows(card: ScoreCard, options: FeedbackOptions = {}): FeedbackRow[] {
  assertCard(card, 'card');
  const ruleset = options.ruleset;
  if (ruleset !== undefined && (ruleset.id !== card.ruleset.id || ruleset.version !== card.ruleset.version))
    throw new TypeError(
      `options.ruleset is ${ruleset.id} ${ruleset.version}, but the card of ${card.unit.name} was scored under ${card.ruleset.id} ${card.ruleset.version}`,
    );
  const rsNodes = ruleset !== undefined ? rulesetNodes(ruleset) : undefined;
  const names = new Map((options.units ?? []).map((u) => [u.id, u.name]));
  const unitName = (id: string): UnitName => ({ id, name: names.get(id) ?? (id === card.unit.id ? card.unit.name : id) });
  const deadline = options.deadline ?? options.ruleset?.rectificationDeadline ?? DEFAULT_DEADLINE;
  const issued = options.date ?? today();
  const declared = ruleset !== undefined ? itemRectifications(ruleset) : new Map<string, Rectification>();
  const keys = new Map<string, number>();
  const self = options.responsible ?? card.unit.name;
  const counters: Record<FeedbackList, number> = { 'data-check': 0, onsite: 0 };
  const rows: FeedbackRow[] = [];

  for (const { node, ancestors, bonus } of cardItems(card, ruleset)) {
    if (!node.applicable || bonus) continue;
    const title = (n: { id: string; title: string }): string => rsNodes?.get(n.id)?.title.zh ?? n.title;
    const path = [...ancestors.map(title), title(node)];
    const rsNode: Node | undefined = rsNodes?.get(node.id);
    const lead = rsNode?.lead !== undefined ? unitName(rsNode.lead) : undefined;
    const partners = rsNode?.partners !== undefined && rsNode.partners.length > 0 ? rsNode.partners.map(unitName) : undefined;
    const role: FeedbackRow['role'] =
      node.role ?? (lead === undefined ? undefined : lead.id === card.unit.id ? 'lead' : partners?.some((p) => p.id === card.unit.id) ? 'partner' : undefined);
    let responsible = self;
    if (role === 'lead') responsible = `${self}（牵头）`;
    else if (role === 'partner') responsible = lead !== undefined && lead.id !== card.unit.id ? `${self}（配合，牵头单位：${lead.name}）` : `${self}（配合）`;
    else if (lead !== undefined) responsible = lead.id === card.unit.id ? `${self}（牵头）` : `${self}（牵头单位：${lead.name}）`;
    for (const d of node.deductions ?? []) {
      const superseded = d.superseded === true;
      if (!superseded && !(milli(d.points) > 0)) continue;
      // Not yet graded by the assessors: their task, not the unit's to rectify (see pendingLine).
      if (d.code === 'ungraded' && d.source === 'rule') continue;
      const list: FeedbackList = d.source === 'onsite' ? 'onsite' : 'data-check';
      counters[list] += 1;
      const r = declared.get(node.id);
      const type: RectificationType = r?.type ?? 'deadline';
      const due = r !== undefined ? rectificationDue(r, issued) : undefined;
      const baseKey = `${node.id}|${d.code}|${d.source}`;
      const nth = (keys.get(baseKey) ?? 0) + 1;
      keys.set(baseKey, nth);
      const row: FeedbackRow = {
        list,
        no: counters[list],
        itemId: node.id,
        itemTitle: path.join(' › '),
        path,
        points: superseded ? 0 : d.points,
        reason: d.reason,
        suggestion: d.suggestion ?? node.suggestion ?? rsNode?.suggestion?.zh ?? '',
        evidence: [...(d.evidence ?? [])],
        source: d.source,
        code: d.code,
        superseded,
        responsible,
        deadline: due ?? deadline,
        rectification: type,
        deadlineText: type === 'ongoing' ? '长期坚持，每轮复核' : fmtDate(due ?? deadline),
        key: nth === 1 ? baseKey : `${baseKey}|${nth}`,
      };
      if (r !== undefined && r.type !== 'ongoing') row.rectificationDays = r.days ?? rectificationDays(r);
      if (d.requested !== undefined) row.requested = d.requested;
      if (role !== undefined) row.role = role;
      if (lead !== undefined) row.lead = lead;
      if (partners !== undefined) row.partners = partners;
      if (node.claim !== undefined) row.claim = node.claim.notApplicable;
      rows.push(row);
    }
  }
  return [...rows.filter((r) => r.list === 'data-check'), ...rows.filter((r) => r.list === 'onsite')];
}

const rectificationDays = (r: Rectification): number | undefined => (r.type === 'immediate' ? IMMEDIATE_DAYS : r.days);

/** Totals of the rows of one list. */
export function feedbackTotals(rows: readonly FeedbackRow[], list: FeedbackList): FeedbackTotals {
  let n = 0;
  let all = 0;
  let superseded = 0;
  for (const r of rows) {
    if (r.list !== list) continue;
    if (r.superseded) {
      superseded += 1;
      continue;
    }
    n += 1;
    all += milli(r.points);
  }
  return { rows: n, points: points(all), superseded };
}

/**
 * Items the assessors have not graded yet (an expert grade no check gave): their points are
 * not earned, but there is nothing for the unit to rectify, so they are not rows of either list.
 * One line naming them, or undefined when there are none.
 */
export function pendingLine(card: ScoreCard): string | undefined {
  const pending: string[] = [];
  const walk = (nodes: readonly ScoreNode[]) => {
    for (const n of nodes) {
      if (n.children !== undefined) walk(n.children);
      for (const d of n.deductions ?? []) if (d.code === 'ungraded' && d.source === 'rule' && milli(d.points) > 0) pending.push(`${n.id} ${n.title}（${fmtPoints(d.points)}分）`);
    }
  };
  walk(card.nodes);
  return pending.length === 0 ? undefined : `${pending.join('、')}尚无专家评定等级，待评估组评定后计分`;
}

/**
 * The items the unit claims do not apply to it (不适用原因, from its evidence) though the rubric
 * scores them: for the checker to confirm or reject, whether or not the item lost points.
 * `undefined` when the unit claims none.
 */
export function claimsLine(card: ScoreCard): string | undefined {
  const claims: string[] = [];
  const walk = (nodes: readonly ScoreNode[]) => {
    for (const n of nodes) {
      if (n.children !== undefined) walk(n.children);
      if (n.claim !== undefined) claims.push(`${n.id} ${n.title}（${n.claim.notApplicable}）`);
    }
  };
  walk(card.nodes);
  return claims.length === 0 ? undefined : `${claims.join('；')}，按评价细则仍予评分，请核查组核实`;
}

/** The text of a row's 扣分原因, marked when superseded. */
export function rowReason(row: FeedbackRow): string {
  const prefix = row.superseded ? '【已被取代，不计分】' : '';
  const bounded = row.requested !== undefined && !row.superseded ? `（应扣${fmtPoints(row.requested)}分，以本项分值为限）` : '';
  const claim = row.claim !== undefined ? `（单位称本项不适用：${row.claim}）` : '';
  return `${prefix}${row.reason}${bounded}${claim}`;
}

/**
 * The bonus bucket's cap (加分项上限): the ruleset's `bonus.cap` when given, else the maximum
 * of the card's bonus node; undefined when there is no bonus bucket.
 */
export function bonusCap(card: ScoreCard, ruleset?: Ruleset): number | undefined {
  if (ruleset !== undefined) return ruleset.bonus?.cap;
  const id = bonusNodeId(card);
  return id === undefined ? undefined : card.nodes.find((n) => n.id === id)?.max;
}

/** The card's score in one line: total, base and bonus (never above its cap), normalised, grade; at most two decimals. */
export function scoreLine(card: ScoreCard, ruleset?: Ruleset): string {
  const cap = bonusCap(card, ruleset);
  const bonus = cap !== undefined ? Math.min(card.bonus, cap) : card.bonus;
  const parts = [`总分 ${fmtPoints(card.total)}（基础 ${fmtPoints(card.earned)} / ${fmtPoints(card.max)}，加分 ${fmtPoints(bonus)}）`];
  if (card.normalized !== undefined) parts.push(`折算 ${fmtPoints(card.normalized)}`);
  if (card.gradeTitle !== null) parts.push(`等级 ${card.gradeTitle}`);
  return parts.join('；');
}

/**
 * The bonus in one neutral line, `得3分（上限5分）`, when the card has a bonus bucket (a bonus
 * not earned is not a deduction: the lists have no rows for it); undefined without one.
 */
export function bonusLine(card: ScoreCard, ruleset?: Ruleset): string | undefined {
  const cap = bonusCap(card, ruleset);
  return cap === undefined ? undefined : `得${fmtPoints(Math.min(card.bonus, cap))}分（上限${fmtPoints(cap)}分）`;
}

/**
 * The rubric a card was scored under, for people: the ruleset's title and version when the
 * ruleset is given, else its id and version.
 */
export function rulesetLine(card: ScoreCard, ruleset?: Ruleset): string {
  return ruleset !== undefined ? `${ruleset.title.zh}（版本 ${card.ruleset.version}）` : `${card.ruleset.id} ${card.ruleset.version}`;
}

/**
 * The words for a JSON pointer into a unit's evidence file, without the file: `评分项 1.2.1「创建配套政策文件」`
 * (`/items/1.2.1/policyDocs`, also with `/values/`), `评分项 1.2.1` (`/items/1.2.1`),
 * `基本情况「较大及以上生产安全事故死亡人数」` (`/general/…`), `「…」` (a top-level field); `undefined`
 * for any other pointer. Field names become their titles when `fields` has them.
 */
export function pointerWords(pointer: string, fields?: ReadonlyMap<string, string>): string | undefined {
  const parts = pointer.split('/').slice(1).map(unescapePointerToken);
  const title = (f: string) => `「${fields?.get(f) ?? f}」`;
  const field = (rest: readonly string[]) => (rest[0] === 'values' ? rest.slice(1) : rest);
  if (parts[0] === 'items' && parts.length >= 2) {
    const f = field(parts.slice(2));
    return f.length === 0 ? `评分项 ${parts[1]}` : f.length === 1 ? `评分项 ${parts[1]}${title(f[0]!)}` : undefined;
  }
  if (parts[0] === 'general' && parts.length === 2) return `基本情况${title(parts[1]!)}`;
  const f = field(parts);
  return f.length === 1 && f[0] !== '' ? title(f[0]!) : undefined;
}

/** A file's name as a place shows it: none for the unit's own file (named by its id, its pinyin: no word for a clerk). */
function fileShown(path: string, ownUnit: string | undefined): string {
  const file = path.split('/').pop() ?? path;
  return ownUnit !== undefined && /^(.*)\.(xlsx|json)$/.exec(file)?.[1] === ownUnit ? '' : `${file}：`;
}

/**
 * An evidence place for people: a JSON pointer into a unit's JSON evidence
 * (`…/yanta.json#/items/1.2.1/policyDocs`, `…#/values/policyDocs`, `…#/general/…`) becomes the
 * file's name and the field's title (`yanta.json：评分项 1.2.1「创建配套政策文件」`); other places (a
 * workbook's sheet and cell, a photo) are kept as they are. With `ownUnit`, a place in the
 * unit's own file drops the file's name.
 */
export function placeText(place: string, fields?: ReadonlyMap<string, string>, ownUnit?: string): string {
  const m = /^(.*?)#(\/.*)$/s.exec(place);
  const words = m === null ? undefined : pointerWords(m[2]!, fields);
  return words === undefined ? place : `${fileShown(m![1]!, ownUnit)}${words}`;
}

/**
 * The places of a row's evidence as a clerk finds them: JSON places as `file：评分项 1.2.1「field title」`,
 * workbook cells (`lintong.xlsx!评分项!G6`) by file, sheet and row, consecutive rows joined
 * (`lintong.xlsx：工作表“评分项”第6–9行`), in the order first given. With `ownUnit` (the
 * card's unit id), places in the unit's own file (named by its id) drop the file's name:
 * `工作表“评分项”第6–9行`, as the unit's documents say them.
 */
export function placesText(places: readonly string[], fields?: ReadonlyMap<string, string>, ownUnit?: string): string[] {
  const out: string[] = [];
  const sheets = new Map<string, { at: number; rows: number[] }>();
  for (const p of places) {
    const m = /^(.*)!([^!]+)![A-Z]+(\d+)$/.exec(p);
    if (m === null) {
      out.push(placeText(p, fields, ownUnit));
      continue;
    }
    const key = `${fileShown(m[1]!, ownUnit)}工作表“${m[2]}”`;
    let s = sheets.get(key);
    if (s === undefined) {
      s = { at: out.length, rows: [] };
      sheets.set(key, s);
      out.push(key);
    }
    s.rows.push(Number(m[3]));
  }
  for (const [key, s] of sheets) {
    const rows = [...new Set(s.rows)].sort((a, b) => a - b);
    const runs: string[] = [];
    for (let i = 0; i < rows.length; i++) {
      let j = i;
      while (j + 1 < rows.length && rows[j + 1] === (rows[j] as number) + 1) j++;
      runs.push(j > i ? `${rows[i]}–${rows[j]}` : String(rows[i]));
      i = j;
    }
    out[s.at] = `${key}第${runs.join('、')}行`;
  }
  return out;
}

/** Evidence field name → title (zh) of a ruleset. */
export function fieldTitles(ruleset?: Ruleset): Map<string, string> {
  return new Map((ruleset?.fields ?? []).map((f) => [f.name, f.title.zh]));
}

/** The header of a feedback table, in order (the workbook adds 整改情况). */
export const FEEDBACK_HEADERS = ['序号', '评分项', '评分项名称', '扣分', '扣分原因', '整改建议', '佐证/位置', '责任单位', '整改时限'] as const;

/**
 * The columns of the feedback table as the ledger (问题整改台账) has them, for reading
 * ({@link feedbackMarkdown}): the problem, its points, what to do, who, the type and its own due date.
 */
export const LEDGER_ISSUED_HEADERS = ['序号', '评分项', '评分项名称', '问题描述', '扣分', '整改建议', '佐证/位置', '责任单位', '整改类型', '整改时限'] as const;

/** The info line on the round's deadline: rows carry their own; this is for those without. */
export function deadlineLine(deadline: string): string {
  return `各项按整改类型自下发之日起计（立行立改、限期整改见各项，长期坚持每轮复核）；未另行规定的，${fmtDate(deadline)}前完成`;
}

/**
 * Both feedback lists of one card as Markdown: a heading for the unit, its ruleset (id and
 * version) and score, then 意见反馈清单 and 问题反馈清单 each as a table with its totals.
 * Cell text is escaped (`|`, newlines, Markdown and HTML punctuation).
 */
export function feedbackMarkdown(card: ScoreCard, options: FeedbackOptions = {}): string {
  const rows = options.rows ?? feedbackRows(card, options);
  const deadline = options.deadline ?? options.ruleset?.rectificationDeadline ?? DEFAULT_DEADLINE;
  const out: string[] = [];
  const fields = fieldTitles(options.ruleset);
  out.push(`# 反馈清单 · ${escapeMarkdown(card.unit.name)}`, '');
  out.push(`- 评价对象：${escapeMarkdown(card.unit.name)}`);
  out.push(`- 评价细则：${escapeMarkdown(rulesetLine(card, options.ruleset))}`);
  out.push(`- 得分：${escapeMarkdown(scoreLine(card, options.ruleset))}`);
  const bonus = bonusLine(card, options.ruleset);
  if (bonus !== undefined) out.push(`- 加分项：${escapeMarkdown(bonus)}`);
  const pending = pendingLine(card);
  if (pending !== undefined) out.push(`- 待评定：${escapeMarkdown(pending)}`);
  const claims = claimsLine(card);
  if (claims !== undefined) out.push(`- 单位称不适用：${escapeMarkdown(claims)}`);
  for (const v of card.vetoes) out.push(`- 否决项：${escapeMarkdown(v.title)}——${escapeMarkdown(v.reason)}`);
  out.push(`- 日期：${escapeMarkdown(fmtDate(options.date ?? today()))}`);
  out.push(`- 整改时限：${escapeMarkdown(deadlineLine(deadline))}`, '');
  for (const list of ['data-check', 'onsite'] as const) {
    const listRows = rows.filter((r) => r.list === list);
    out.push(`## ${FEEDBACK_LIST_TITLES[list]}（${FEEDBACK_LIST_SOURCES[list]}）`, '');
    if (listRows.length === 0) {
      out.push('无扣分项。', '');
      continue;
    }
    out.push(`| ${LEDGER_ISSUED_HEADERS.join(' | ')} |`);
    out.push('|---:|---|---|---|---:|---|---|---|---|---|');
    for (const r of listRows) {
      const cells = [
        String(r.no),
        r.itemId,
        r.itemTitle,
        rowReason(r),
        fmtPoints(r.points),
        r.suggestion,
        placesText(r.evidence, fields, card.unit.id).join('\n'),
        r.responsible,
        RECTIFICATION_TYPES[r.rectification],
        r.deadlineText,
      ];
      out.push(`| ${cells.map(escapeMarkdownCell).join(' | ')} |`);
    }
    out.push('', totalsLine(feedbackTotals(rows, list)), '');
  }
  return out.join('\n');
}

/** 合计 of one list as a sentence. */
export function totalsLine(t: FeedbackTotals): string {
  let s = `合计：${t.rows} 项，扣 ${fmtPoints(t.points)} 分`;
  if (t.superseded > 0) s += `；另有 ${t.superseded} 项已被取代，不计分`;
  return `${s}。`;
}
