/**
 * The rows of a unit's workbook, as both the template writer and the reader see them: which
 * sheet row holds which item, field and (for per-document questions) which document.
 * @module
 */
import {
  evidenceLayout, takesRegister, type CompiledRuleset, type EvidenceField, type EvidenceLayout, type LayoutItem, type Node, type Unit } from '@safecity/engine';

export const GUIDE_SHEET = '填报说明';
export const ITEM_SHEET = '评分项';
export const GENERAL_SHEET = '基本情况';
export const META_SHEET = '_meta';
/** The evidence register (佐证材料清单): one row per required document, and room for more. */
export const REGISTER_SHEET = '佐证材料清单';
export const LISTS_SHEET = '_lists';
/** What `_meta` says the workbook is. */
export const FORMAT = 'safecity-evidence-xlsx';
/**
 * Version of the workbook format (sheets, columns, `_meta` layout). 2: the 佐证材料清单 sheet
 * and the 不适用原因 column of 评分项 (version 1 workbooks are still read).
 */
export const FORMAT_VERSION = 2;

/** The columns of `评分项` and `基本情况`, left to right (A–I; 不适用原因 since format 2, on 评分项 only). */
export const HEADERS = ['评分项编号', '评价内容', '评分标准', '分值', '佐证项', '计量单位', '填报值', '备注（说明）', '不适用原因'] as const;
export const COL = { id: 1, content: 2, standard: 3, max: 4, label: 5, unit: 6, value: 7, note: 8, claim: 9 } as const;
/** The headers a sheet has in a workbook of a format version (基本情况 has no 不适用原因). */
export function headersOf(version: number, sheet: string): readonly string[] {
  return version < 2 || sheet !== '评分项' ? HEADERS.slice(0, 8) : HEADERS;
}

/** The columns of 佐证材料清单 (A–I). */
export const REGISTER_HEADERS = ['评分项', '材料要求', '证明材料名称', '文号', '印发日期', '是否归档', '附件路径或链接', '提供单位', '联系人'] as const;
export const RCOL = { item: 1, requirement: 2, title: 3, number: 4, date: 5, archived: 6, link: 7, provider: 8, contact: 9 } as const;
/** Blank rows at the end of 佐证材料清单 for documents beyond the pre-filled ones (default). */
export const REGISTER_EXTRA_ROWS = 20;

/** A pre-filled row of 佐证材料清单: which item, field and required document it answers. */
export interface RegisterRow {
  row: number;
  item: string;
  field: EvidenceField;
  /** The required document (a per-missing name), the field's name (a document yes/no field), or '' (a free documents list: the title names it). */
  document: string;
}

/**
 * The pre-filled rows of 佐证材料清单: per applicable item, per field that takes a register,
 * one row per required document (per-missing), else one row for the field.
 */
export function planRegister(ruleset: CompiledRuleset, plan: WorkbookPlan): RegisterRow[] {
  const nodes = nodesById(ruleset);
  const out: RegisterRow[] = [];
  let r = HEADER_ROW + 1;
  const unit = plan.layout.unit;
  for (const it of plan.layout.items) {
    for (const f of it.fields) {
      if (!takesRegister(f)) continue;
      const req = f.type === 'documents' ? requiredDocuments(ruleset, unit, f.name, nodes) : undefined;
      if (req !== undefined) for (const d of req) out.push({ row: r++, item: it.id, field: f, document: d });
      else out.push({ row: r++, item: it.id, field: f, document: f.type === 'boolean' ? f.name : '' });
    }
  }
  for (const f of plan.layout.general) if (takesRegister(f)) out.push({ row: r++, item: '', field: f, document: f.type === 'boolean' ? f.name : '' });
  return out;
}

/** The 材料要求 text of a register row. */
export function requirementText(r: Pick<RegisterRow, 'field' | 'document'>): string {
  return r.document === '' || r.document === r.field.name ? r.field.title.zh : r.document;
}
export const VALUE_LETTER = 'G';
/** The header row; input rows start below it. */
export const HEADER_ROW = 1;

/** One row of a workbook sheet, below the header. */
export interface PlannedRow {
  sheet: typeof ITEM_SHEET | typeof GENERAL_SHEET;
  row: number;
  /** value: one field's value; document: 是/否 for one required document; info: nothing to fill. */
  kind: 'value' | 'document' | 'info';
  /** Item id (empty on 基本情况). */
  item: string;
  field?: EvidenceField;
  document?: string;
}

/** An item's block of rows on 评分项. */
export interface PlannedItem {
  item: LayoutItem;
  first: number;
  last: number;
  /** Text of the G cell on an info row. */
  info?: string;
}

export interface WorkbookPlan {
  layout: EvidenceLayout;
  items: PlannedItem[];
  rows: PlannedRow[];
  general: PlannedRow[];
}

export const KIND_LABEL: Readonly<Record<string, string>> = {
  municipal: '市级成员单位',
  district: '区',
  county: '县',
  'development-zone': '开发区',
};

export const TYPE_LABEL: Readonly<Record<EvidenceField['type'], string>> = {
  boolean: '是/否',
  integer: '整数',
  number: '数值',
  rate: '比率（0–100）',
  date: '日期（YYYY-MM-DD）',
  enum: '选项',
  documents: '文件',
};

/** Every node of a ruleset's tree and bonus bucket by id. */
export function nodesById(ruleset: CompiledRuleset): Map<string, Node> {
  const out = new Map<string, Node>();
  const walk = (nodes: readonly Node[] | undefined) => {
    for (const n of nodes ?? []) {
      out.set(n.id, n);
      walk(n.children as Node[] | undefined);
    }
  };
  walk(ruleset.source.tree as Node[]);
  walk(ruleset.source.bonus?.items as Node[] | undefined);
  return out;
}

/**
 * The documents a `documents` field must list for this unit: the `required` lists of the
 * per-missing items that score it and apply to the unit (in ruleset order, each name once);
 * undefined when no such item scores it (then it is a free list of names).
 */
export function requiredDocuments(ruleset: CompiledRuleset, unit: Unit, field: string, nodes = nodesById(ruleset)): string[] | undefined {
  let out: string[] | undefined;
  for (const i of ruleset.itemsFor(unit)) {
    const s = nodes.get(i.id)?.scoring;
    const params = s?.params as { field?: unknown; required?: unknown } | undefined;
    if (s?.method !== 'per-missing' || params?.field !== field || !Array.isArray(params.required)) continue;
    out ??= [];
    for (const d of params.required) if (typeof d === 'string' && !out.includes(d)) out.push(d);
  }
  return out;
}

/** The 佐证项 text of a field's row (and of one document's row). */
export function rowLabel(field: EvidenceField, document?: string): string {
  if (document !== undefined) return `${field.title.zh}：${document}`;
  return field.description === undefined ? field.title.zh : `${field.title.zh}\n（${field.description.zh}）`;
}

/** The 计量单位 text of a row. */
export function unitLabel(field: EvidenceField, kind: PlannedRow['kind']): string {
  if (kind === 'document') return '是/否';
  if (field.unit !== undefined && field.unit !== '') return field.unit;
  switch (field.type) {
    case 'boolean':
      return '是/否';
    case 'rate':
      return '%';
    case 'date':
      return '日期';
    case 'enum':
      return '选项';
    case 'documents':
      return '文件名称';
    default:
      return '';
  }
}

/** How many rows a free documents list gets. */
function docRowCount(n: number | undefined): number {
  return n === undefined || !Number.isInteger(n) || n < 1 ? 1 : Math.min(n, 50);
}

/** Lay out a unit's workbook: items in layout order, one row per field (or per required document). */
export function planWorkbook(ruleset: CompiledRuleset, unit: Unit, documentRows?: number): WorkbookPlan {
  const layout = evidenceLayout(ruleset, unit);
  const nodes = nodesById(ruleset);
  const perDocRows = docRowCount(documentRows);
  const summaries = new Map(ruleset.items.map((i) => [i.id, i]));
  const firstItemOf = new Map<string, string>();
  for (const it of layout.items) for (const f of it.fields) firstItemOf.set(f.name, it.id);
  const items: PlannedItem[] = [];
  const rows: PlannedRow[] = [];
  let r = HEADER_ROW + 1;
  const fieldRows = (sheet: PlannedRow['sheet'], item: string, f: EvidenceField): PlannedRow[] => {
    const out: PlannedRow[] = [];
    const req = f.type === 'documents' ? requiredDocuments(ruleset, unit, f.name, nodes) : undefined;
    if (req !== undefined) for (const d of req) out.push({ sheet, row: r++, kind: 'document', item, field: f, document: d });
    else {
      const n = f.type === 'documents' ? perDocRows : 1;
      for (let k = 0; k < n; k++) out.push({ sheet, row: r++, kind: 'value', item, field: f });
    }
    return out;
  };
  for (const it of layout.items) {
    const first = r;
    const own: PlannedRow[] = [];
    for (const f of it.fields) own.push(...fieldRows(ITEM_SHEET, it.id, f));
    const planned: PlannedItem = { item: it, first, last: first };
    if (own.length === 0) {
      // Nothing to fill: show the item anyway, so the sheet is the whole rubric.
      const s = summaries.get(it.id);
      const elsewhere = [...new Set([...(s?.fields ?? []), ...(s?.conditionFields ?? [])].map((n) => firstItemOf.get(n)).filter((x): x is string => x !== undefined && x !== it.id))];
      planned.info =
        s?.method === 'expert-grade'
          ? '本项由评估组评定等级，无需填报'
          : elsewhere.length > 0
            ? `本项依据评分项 ${elsewhere.join('、')} 中已填报的数据计分，无需重复填报`
            : '本项无需填报数据';
      own.push({ sheet: ITEM_SHEET, row: r++, kind: 'info', item: it.id });
    }
    planned.last = r - 1;
    items.push(planned);
    rows.push(...own);
  }
  r = HEADER_ROW + 1;
  const general: PlannedRow[] = [];
  for (const f of layout.general) general.push(...fieldRows(GENERAL_SHEET, '', f));
  return { layout, items, rows, general };
}

/** Vetoes (否决项) whose condition reads a field: what 基本情况 rows explain. */
export function vetoesReading(ruleset: CompiledRuleset, field: string): Array<{ id: string; title: string; reason: string }> {
  const reads = (logic: unknown): boolean => {
    if (Array.isArray(logic)) return logic.some(reads);
    if (logic === null || typeof logic !== 'object') return false;
    for (const [k, v] of Object.entries(logic)) {
      if (k === 'var') {
        const path = Array.isArray(v) ? v[0] : v;
        if (typeof path === 'string' && (path === field || path.startsWith(field + '.'))) return true;
      }
      if (reads(v)) return true;
    }
    return false;
  };
  return (ruleset.source.vetoes ?? []).filter((v) => reads(v.when)).map((v) => ({ id: v.id, title: v.title.zh, reason: v.reason.zh }));
}

function numText(n: number): string {
  return String(n);
}

/** What a field's values must be, in words (used in prompts and the guide). */
export function expectation(field: EvidenceField): string {
  const min = field.minimum;
  const max = field.maximum;
  switch (field.type) {
    case 'boolean':
      return '“是”或“否”';
    case 'integer': {
      const lo = min ?? 0;
      return max === undefined ? (lo === 0 ? '不小于 0 的整数' : `不小于 ${numText(lo)} 的整数`) : `${numText(lo)}–${numText(max)} 的整数`;
    }
    case 'number':
      return min !== undefined && max !== undefined
        ? `${numText(min)}–${numText(max)} 的数`
        : min !== undefined
          ? `不小于 ${numText(min)} 的数`
          : max !== undefined
            ? `不大于 ${numText(max)} 的数`
            : '数值';
    case 'rate':
      return `${numText(Math.max(0, min ?? 0))}–${numText(Math.min(100, max ?? 100))} 的数`;
    case 'date':
      return '日期（YYYY-MM-DD）';
    case 'enum':
      return `以下之一：${(field.values ?? []).join('、')}`;
    case 'documents':
      return '文件名称（多个用“；”分隔）';
  }
}


/** "应为 {expected}" with a space before a leading number or Latin letter, as the messages write it. */
export function shouldBe(expected: string): string {
  return /^[0-9A-Za-z-]/.test(expected) ? `应为 ${expected}` : `应为${expected}`;
}
