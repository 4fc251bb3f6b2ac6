/**
 * The ruleset model (评价细则 as data). TypeBox is the one source of truth: the TypeScript
 * types below are derived from these schemas, and `schema/ruleset.schema.json` is
 * generated from them at build time.
 * @module
 */
import { Type, type Static } from 'typebox';
import { UNIT_ID_MAX_LENGTH, UNIT_ID_PATTERN, UNIT_ID_RULE } from './ids.js';

const Id = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$',
  description: 'A stable id, e.g. "3.2.1" or "bonus.culture"',
});

/** Chinese text with an optional English version. */
export const LocalTextSchema = Type.Object(
  {
    zh: Type.String({ minLength: 1 }),
    en: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

const Points = Type.Number({ minimum: 0, description: 'Points (分值); at most three decimals' });

/** Value types an evidence field can have. */
export const FieldTypeSchema = Type.Union([
  Type.Literal('boolean'),
  Type.Literal('integer'),
  Type.Literal('number'),
  Type.Literal('rate'),
  Type.Literal('date'),
  Type.Literal('enum'),
  Type.Literal('documents'),
]);
export type FieldType = Static<typeof FieldTypeSchema>;

/** Comparison of a value with a bar. */
export const ComparisonSchema = Type.Union([Type.Literal('<'), Type.Literal('<='), Type.Literal('>'), Type.Literal('>='), Type.Literal('=')]);

/**
 * A field of a ruleset whose evidence is other units' results (the city's own rubric): how
 * its value is computed from the units' scorecards and evidence. Declared as data; the
 * engine's `roundEvidence` computes it, and cites the units it came from.
 */
export const AggregateSchema = Type.Object(
  {
    from: Type.Object(
      {
        ruleset: Type.Optional(Type.String({ minLength: 1, description: 'Only cards scored under this ruleset id, e.g. "xian-2022/district"' })),
        kinds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Only units of these kinds' })),
        units: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Only these units' })),
        lead: Type.Optional(
          Type.Boolean({ description: 'Per item under `of.node`, only the unit that leads it (the item\'s `lead`, 牵头单位): one value per city-wide indicator' }),
        ),
      },
      { additionalProperties: false, description: 'Which units\' results' },
    ),
    of: Type.Union(
      [
        Type.Object({ node: Type.String({ minLength: 1, description: 'An item or group id: its earned points as % of its applicable max (units where it does not apply are left out)' }) }, { additionalProperties: false }),
        Type.Object({ field: Type.String({ minLength: 1, description: 'A reported evidence field (units that did not report it are left out)' }) }, { additionalProperties: false }),
        Type.Object({ score: Type.Union([Type.Literal('normalized'), Type.Literal('total'), Type.Literal('earned')]) }, { additionalProperties: false }),
        Type.Object({ veto: Type.String({ minLength: 1, description: 'A veto id, or "*" for any: 1 when it fired, else 0' }) }, { additionalProperties: false }),
      ],
      { description: 'What is read of each unit' },
    ),
    op: Type.Union(
      [
        Type.Literal('sum'),
        Type.Literal('mean'),
        Type.Literal('pooled'),
        Type.Literal('min'),
        Type.Literal('max'),
        Type.Literal('share'),
        Type.Literal('count'),
        Type.Literal('any'),
      ],
      {
        description:
          "sum, mean, min, max of the values; pooled: Σ earned ÷ Σ applicable max × 100 (of.node only); share: % of units meeting `bar`; count: units meeting `bar` (all units with a value without one); any: whether any unit's value is true or above 0",
      },
    ),
    bar: Type.Optional(Type.Object({ op: ComparisonSchema, value: Type.Number() }, { additionalProperties: false, description: 'The bar a unit meets (share, count)' })),
  },
  { additionalProperties: false },
);
export type Aggregate = Static<typeof AggregateSchema>;

/** A declared evidence field: what a unit reports, with its type and unit of measure. */
export const EvidenceFieldSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Field name, used by `var` and method params' }),
    type: FieldTypeSchema,
    title: LocalTextSchema,
    description: Type.Optional(LocalTextSchema),
    unit: Type.Optional(Type.String({ description: 'Unit of measure, e.g. "%", "处", "份"' })),
    values: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Allowed values (enum fields)' })),
    minimum: Type.Optional(Type.Number()),
    maximum: Type.Optional(Type.Number()),
    negative: Type.Optional(
      Type.Object(LocalTextSchema.properties, {
        additionalProperties: false,
        description: 'How the answer 否 (false, 0 or none) reads in a deduction, e.g. "道路交通事故万车死亡率较上年未下降"; without it: "{title}：否"',
      }),
    ),
    count: Type.Optional(
      Type.Object(LocalTextSchema.properties, {
        additionalProperties: false,
        description: 'How a count of this field reads, with {count}: e.g. zh "{count}项", en "{count} overdue tasks"; without it: zh "{count}{unit}" (unit default 处), en "{count}"',
      }),
    ),
    aggregate: Type.Optional(AggregateSchema),
    document: Type.Optional(
      Type.Boolean({
        description:
          'Whether units list this field in the evidence register (佐证材料清单: 证明材料名称, 文号, 印发日期, …), where a document counts only when named and dated or numbered. true on a yes/no field that stands for one document (e.g. 实施方案); `documents` fields take a register unless false (a list of names that are not documents, e.g. 备检单位).',
      }),
    ),
  },
  { additionalProperties: false },
);
export type EvidenceField = Static<typeof EvidenceFieldSchema>;

/** The four kinds of 佐证材料. */
export const EvidenceKindSchema = Type.Union([
  Type.Literal('policy'), // 政策文件
  Type.Literal('ledger'), // 台账报表
  Type.Literal('process'), // 过程资料
  Type.Literal('facility'), // 设施建设
]);
export type EvidenceKind = Static<typeof EvidenceKindSchema>;

/** The two check methods: 数据核查 and 现场检查. */
export const CheckMethodSchema = Type.Union([Type.Literal('data-check'), Type.Literal('onsite')]);
export type CheckMethod = Static<typeof CheckMethodSchema>;

/** Which units an item applies to; anything else is 不适用, with the reason shown. */
export const ApplicabilitySchema = Type.Object(
  {
    kinds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    units: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    exceptUnits: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    when: Type.Optional(Type.Unknown({ description: 'JsonLogic over { unit, ...evidence fields }: applicable when truthy' })),
    reason: LocalTextSchema,
  },
  { additionalProperties: false },
);
export type Applicability = Static<typeof ApplicabilitySchema>;

/** How an item is scored: a named method with params, or a JsonLogic expression. */
export const ScoringSchema = Type.Object(
  {
    method: Type.Optional(Type.String({ minLength: 1 })),
    params: Type.Optional(Type.Unknown()),
    logic: Type.Optional(
      Type.Unknown({ description: 'JsonLogic giving the points earned (clamped to [0, max]); the escape hatch' }),
    ),
  },
  { additionalProperties: false },
);
export type Scoring = Static<typeof ScoringSchema>;

/** Override of a method message's reason / suggestion for one item. */
export const MessageOverrideSchema = Type.Object(
  {
    reason: Type.Optional(LocalTextSchema),
    suggestion: Type.Optional(LocalTextSchema),
  },
  { additionalProperties: false },
);

/** Where an item's text and numbers come from. */
export const ProvenanceSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('quoted'), Type.Literal('modelled')]),
    source: Type.Optional(Type.String()),
    note: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

/**
 * How a partner unit (配合单位) of a city-wide indicator is judged (责任唯一): on its own
 * contribution, never on the lead's indicator. The item's own `scoring` is the lead's; a unit in
 * `partners` is scored by this instead, and the fields the lead's scoring reads are not read
 * for it (a partner's own figure for the indicator is not scored).
 */
export const PartnerSchema = Type.Object(
  {
    content: Type.Optional(Type.String({ description: '配合单位的评价内容: what is asked of a partner' })),
    standard: Type.String({ minLength: 1, description: '配合单位的评分标准' }),
    scoring: ScoringSchema,
    messages: Type.Optional(Type.Record(Type.String(), MessageOverrideSchema)),
    suggestion: Type.Optional(LocalTextSchema),
  },
  { additionalProperties: false },
);
export type Partner = Static<typeof PartnerSchema>;

/**
 * How a problem found on an item is rectified (整改类型) and by when (整改时限): 立行立改
 * (`immediate`, due a few days after the feedback, `days` or 7), 限期整改 (`deadline`, due `days`
 * after the feedback date) or 长期坚持 (`ongoing`: no end date, reviewed each round). Declared on
 * an item or a group (inherited by the nodes under it), with a default for the whole ruleset.
 */
export const RectificationSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('immediate'), Type.Literal('deadline'), Type.Literal('ongoing')], {
      description: "'immediate' 立行立改 (due in a few days), 'deadline' 限期整改 (due `days` after the feedback date), 'ongoing' 长期坚持 (no end date: reviewed each round)",
    }),
    days: Type.Optional(Type.Integer({ minimum: 1, description: 'Days from the feedback date to the due date (required for deadline; immediate defaults to 7; not for ongoing)' })),
    note: Type.Optional(LocalTextSchema),
  },
  { additionalProperties: false },
);
export type Rectification = Static<typeof RectificationSchema>;

/** A node's properties (shared by the node schema and a patch's `update` operation). */
const NODE_PROPS = {
  id: Id,
  title: LocalTextSchema,
  max: Points,
  // group
  children: Type.Optional(Type.Array(Type.Ref('Node'), { minItems: 1 })),
  childrenMax: Type.Optional(
    Type.Union([Type.Literal('equal'), Type.Literal('cap')], {
      description: "'equal': children's maxima sum to this max; 'cap': they may sum to more, earned is capped",
    }),
  ),
  // item
  content: Type.Optional(Type.String({ description: '评价内容, verbatim' })),
  standard: Type.Optional(Type.String({ description: '评分标准, verbatim' })),
  evidenceKinds: Type.Optional(Type.Array(EvidenceKindSchema, { minItems: 1 })),
  checkMethods: Type.Optional(Type.Array(CheckMethodSchema, { minItems: 1 })),
  applicability: Type.Optional(ApplicabilitySchema),
  scoring: Type.Optional(ScoringSchema),
  messages: Type.Optional(Type.Record(Type.String(), MessageOverrideSchema)),
  suggestion: Type.Optional(LocalTextSchema),
  merge: Type.Optional(Type.String({ minLength: 1, description: 'Merge policy for check findings' })),
  monotonic: Type.Optional(Type.Boolean({ description: 'false: more evidence may lower the score (declared)' })),
  provenance: Type.Optional(ProvenanceSchema),
  lead: Type.Optional(Type.String({ description: '牵头单位 (unit id)' })),
  partners: Type.Optional(Type.Array(Type.String(), { description: '配合单位 (unit ids)' })),
  partner: Type.Optional(PartnerSchema),
  rectification: Type.Optional(RectificationSchema),
};
/**
 * A node of the tree: a group (category / indicator, with `children`) or a scored item
 * (三级指标, with `scoring`). Any depth.
 */
const NodeDef = Type.Object(NODE_PROPS, { additionalProperties: false });
export const NodeSchema = Type.Cyclic({ Node: NodeDef }, 'Node');

/** The bonus bucket (加分项 / 鼓励项, e.g. 先进经验): items add points up to the cap. */
export const BonusSchema = Type.Object(
  {
    id: Id,
    title: LocalTextSchema,
    cap: Points,
    items: Type.Array(Type.Ref('Node'), { minItems: 1 }),
  },
  { additionalProperties: false },
);

/** What a veto (否决项) does to the card. */
export const VetoEffectSchema = Type.Union([
  Type.Object({ type: Type.Literal('zero') }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('cap'), total: Points }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('grade'), grade: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('flag') }, { additionalProperties: false }),
]);

/** A veto condition: JsonLogic on evidence; when truthy the card is vetoed. */
export const VetoSchema = Type.Object(
  {
    id: Id,
    title: LocalTextSchema,
    when: Type.Unknown({ description: 'JsonLogic over { unit, ...evidence fields }' }),
    reason: LocalTextSchema,
    effect: VetoEffectSchema,
    provenance: Type.Optional(ProvenanceSchema),
  },
  { additionalProperties: false },
);

/** A grade band: cards at or above `min` (on the grade basis) get this grade. */
export const GradeBandSchema = Type.Object(
  {
    id: Id,
    title: LocalTextSchema,
    min: Type.Number(),
  },
  { additionalProperties: false },
);

/**
 * How `normalized` weighs thin coverage: a unit with fewer than `min` applicable points under
 * `node` (e.g. 工作成效) has the shortfall counted at `rate` % — neither earned nor lost, but
 * assumed at that rate — so a unit judged on a handful of points cannot top the ranking on them.
 */
export const CoverageSchema = Type.Object(
  {
    node: Id,
    min: Type.Number({ exclusiveMinimum: 0, description: 'Applicable points under `node` below which coverage is thin' }),
    rate: Type.Number({ minimum: 0, maximum: 100, description: 'The score rate (%) the shortfall is counted at' }),
    reason: Type.Optional(LocalTextSchema),
  },
  { additionalProperties: false },
);

/** One end of a consistency check: a figure reported by one unit. */
const FigureSchema = Type.Object(
  {
    ruleset: Type.String({ minLength: 1, description: 'The ruleset id the unit is scored under' }),
    unit: Type.Optional(Type.String({ minLength: 1, description: 'The unit id' })),
    leadOf: Type.Optional(Type.String({ minLength: 1, description: 'Or: the lead unit (牵头单位) of this item of that ruleset' })),
    field: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

/**
 * A cross-unit consistency check (数据核查·准确性) of a round: a city-wide figure against the
 * sum or range of other units' figures. A figure that fails is reported with both places, and
 * may become a data-check rejection of the figure on the reporting unit's card.
 */
export const ConsistencySchema = Type.Object(
  {
    id: Id,
    title: LocalTextSchema,
    figure: FigureSchema,
    against: Type.Object(
      {
        ruleset: Type.Optional(Type.String({ minLength: 1 })),
        kinds: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
        field: Type.String({ minLength: 1 }),
        op: Type.Union([Type.Literal('sum'), Type.Literal('min'), Type.Literal('max')], { description: 'What of the units\' figures the figure is compared with' }),
        label: Type.Optional(
          Type.Object(LocalTextSchema.properties, { additionalProperties: false, description: 'What the units are called in messages, e.g. "区县（开发区）" (default 单位)' }),
        ),
      },
      { additionalProperties: false },
    ),
    expect: Type.Union([Type.Literal('>='), Type.Literal('<='), Type.Literal('='), Type.Literal('within')], {
      description: "figure op against; 'within': between the units' lowest and highest figure",
    }),
    finding: Type.Optional(
      Type.Object(
        { item: Type.String({ minLength: 1, description: 'The item of the figure\'s ruleset that reads it' }) },
        { additionalProperties: false, description: 'When it fails: a data-check rejection (准确性) of the figure on this item of the reporting unit' },
      ),
    ),
    provenance: Type.Optional(ProvenanceSchema),
  },
  { additionalProperties: false },
);
export type Consistency = Static<typeof ConsistencySchema>;

/** A ruleset (评价细则): one rubric, one edition, one package version. */
const RulesetDef = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$', description: 'e.g. "xian-2022/district"' }),
    version: Type.String({
      pattern: '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?$',
      description: 'semver',
    }),
    edition: Type.Integer({ minimum: 2000, maximum: 2100, description: 'Edition year, e.g. 2022' }),
    title: LocalTextSchema,
    description: Type.Optional(LocalTextSchema),
    unitKinds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    fields: Type.Array(EvidenceFieldSchema),
    childrenMax: Type.Optional(Type.Union([Type.Literal('equal'), Type.Literal('cap')])),
    tree: Type.Array(Type.Ref('Node'), { minItems: 1 }),
    bonus: Type.Optional(BonusSchema),
    vetoes: Type.Optional(Type.Array(VetoSchema)),
    grades: Type.Optional(Type.Array(GradeBandSchema)),
    consistency: Type.Optional(Type.Array(ConsistencySchema, { description: 'Cross-unit consistency checks of a round (a city ruleset)' })),
    rectificationDeadline: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: '整改时限: the date by which units rectify what the checks found (YYYY-MM-DD); feedback lists show it',
      }),
    ),
    rectification: Type.Optional(
      Type.Object(RectificationSchema.properties, {
        additionalProperties: false,
        description: 'The default 整改类型 and 整改时限 of items that declare none (neither they nor a group above them)',
      }),
    ),
    normalize: Type.Optional(
      Type.Object(
        {
          scale: Type.Number({ exclusiveMinimum: 0, description: 'e.g. 100' }),
          coverage: Type.Optional(CoverageSchema),
        },
        { additionalProperties: false, description: 'Rescale earned points over applicable items' },
      ),
    ),
  },
  { additionalProperties: false },
);
/** The whole ruleset schema; the tree's nodes are one recursive definition. */
export const RulesetSchema = Type.Cyclic({ Node: NodeDef, Ruleset: RulesetDef }, 'Ruleset');

/** A ruleset named by id and exact version, e.g. the edition a patch extends. */
export const RulesetRefSchema = Type.Object(
  {
    id: RulesetDef.properties.id,
    version: RulesetDef.properties.version,
  },
  { additionalProperties: false },
);
export type RulesetRef = Static<typeof RulesetRefSchema>;

const optional = <T extends Record<string, import('typebox').TSchema>>(props: T) =>
  Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof T]: import('typebox').TOptional<T[K]> };

const { id: _nodeId, children: _children, ...NODE_SETTABLE } = NODE_PROPS;
/** Node properties an `update` may remove (the required ones, id and children cannot be). */
const NODE_UNSETTABLE = ['childrenMax', 'content', 'standard', 'evidenceKinds', 'checkMethods', 'applicability', 'scoring', 'messages', 'suggestion', 'merge', 'monotonic', 'provenance', 'lead', 'partners', 'partner', 'rectification'] as const;
const { name: _fieldName, ...FIELD_SETTABLE } = EvidenceFieldSchema.properties;
const FIELD_UNSETTABLE = ['description', 'unit', 'values', 'minimum', 'maximum', 'negative', 'count', 'aggregate', 'document'] as const;
const literals = (names: readonly string[]) => Type.Union(names.map((n) => Type.Literal(n)));

/** Where an added or moved node goes: under `parent` (a group or the bonus bucket; default the top of the tree), before or after a sibling (default last). */
const PLACE = {
  parent: Type.Optional(Type.String({ minLength: 1, description: 'Id of a group, or of the bonus bucket; omitted: the top of the tree' })),
  before: Type.Optional(Type.String({ minLength: 1, description: 'Id of the sibling to go before' })),
  after: Type.Optional(Type.String({ minLength: 1, description: 'Id of the sibling to go after' })),
};

/**
 * One operation of a patch. Items, groups and fields are named by id (not by position), so a
 * patch reads like the change it makes and survives renumbering elsewhere in the tree.
 */
export const PatchOpSchema = Type.Union([
  Type.Object({ op: Type.Literal('add'), ...PLACE, node: Type.Ref('Node') }, { additionalProperties: false, description: 'Add an item or group (新增)' }),
  Type.Object(
    { op: Type.Literal('remove'), id: Type.String({ minLength: 1 }), reason: Type.Optional(LocalTextSchema) },
    { additionalProperties: false, description: 'Retire an item or group (删除); the reason is shown where last year’s evidence is not carried over' },
  ),
  Type.Object(
    { op: Type.Literal('replace'), id: Type.String({ minLength: 1 }), node: Type.Ref('Node') },
    { additionalProperties: false, description: 'Replace an item or group whole; a new id renames it' },
  ),
  Type.Object(
    {
      op: Type.Literal('update'),
      id: Type.String({ minLength: 1 }),
      set: Type.Optional(
        Type.Object({ ...optional(NODE_SETTABLE), cap: Type.Optional(Points) }, { additionalProperties: false, description: 'Properties to set (cap: the bonus bucket only)' }),
      ),
      unset: Type.Optional(Type.Array(literals(NODE_UNSETTABLE), { minItems: 1 })),
    },
    { additionalProperties: false, description: 'Change some properties of an item, a group or the bonus bucket (修改)' },
  ),
  Type.Object({ op: Type.Literal('move'), id: Type.String({ minLength: 1 }), ...PLACE }, { additionalProperties: false, description: 'Move an item or group to another place' }),
  Type.Object({ op: Type.Literal('rename'), id: Type.String({ minLength: 1 }), to: Id }, { additionalProperties: false, description: 'Give an item or group a new id' }),
  Type.Object(
    { op: Type.Literal('add-field'), field: EvidenceFieldSchema, after: Type.Optional(Type.String({ minLength: 1 })) },
    { additionalProperties: false, description: 'Declare a new evidence field' },
  ),
  Type.Object({ op: Type.Literal('remove-field'), name: Type.String({ minLength: 1 }) }, { additionalProperties: false, description: 'Remove an evidence field' }),
  Type.Object(
    {
      op: Type.Literal('update-field'),
      name: Type.String({ minLength: 1 }),
      set: Type.Optional(Type.Object(optional(FIELD_SETTABLE), { additionalProperties: false })),
      unset: Type.Optional(Type.Array(literals(FIELD_UNSETTABLE), { minItems: 1 })),
    },
    { additionalProperties: false, description: 'Change an evidence field' },
  ),
  Type.Object(
    { op: Type.Literal('rename-field'), name: Type.String({ minLength: 1 }), to: EvidenceFieldSchema.properties.name },
    { additionalProperties: false, description: 'Give an evidence field a new name (last year’s values carry over under it)' },
  ),
]);

/** How last year's evidence maps onto this edition, beyond what the operations already say. */
export const MigrationMapSchema = Type.Object(
  {
    items: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String({ minLength: 1 }), Type.Null()]), {
        description: 'Old item id → new item id (its evidence and findings go there), or null: not carried over',
      }),
    ),
    fields: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.String({ minLength: 1 }), Type.Null()]), {
        description: 'Old field name → new field name, or null: not carried over',
      }),
    ),
  },
  { additionalProperties: false },
);
export type MigrationMap = Static<typeof MigrationMapSchema>;

const { $schema: _s, id: _i, version: _v, edition: _e, title: _t, fields: _f, tree: _tr, bonus: _b, ...INHERITABLE } = RulesetDef.properties;

/**
 * A ruleset that extends an earlier edition: the base's id and exact version, a list of
 * operations, and optionally new values for the ruleset's own properties (vetoes, grades, …:
 * given here, they replace the base's whole).
 */
const RulesetPatchDef = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: RulesetDef.properties.id,
    version: RulesetDef.properties.version,
    edition: RulesetDef.properties.edition,
    title: LocalTextSchema,
    extends: RulesetRefSchema,
    ...optional(INHERITABLE),
    patch: Type.Array(PatchOpSchema),
    migrate: Type.Optional(MigrationMapSchema),
  },
  { additionalProperties: false },
);
/** A ruleset file that extends an earlier edition (`extends` + `patch`). */
export const RulesetPatchSchema = Type.Cyclic({ Node: NodeDef, RulesetPatch: RulesetPatchDef }, 'RulesetPatch');
/** A ruleset file: a whole ruleset, or a patch on an earlier edition. */
export const RulesetFileSchema = Type.Cyclic(
  { Node: NodeDef, Ruleset: RulesetDef, RulesetPatch: RulesetPatchDef, RulesetFile: Type.Union([Type.Ref('Ruleset'), Type.Ref('RulesetPatch')]) },
  'RulesetFile',
);
/** One operation of a patch (`add`, `remove`, `replace`, `update`, `move`, `rename`, and the same for fields). */
export type PatchOp = RulesetPatch['patch'][number];
export type RulesetPatch = Static<typeof RulesetPatchSchema>;

export type LocalTextJson = Static<typeof LocalTextSchema>;
export type Node = Static<typeof NodeSchema>;
export type Bonus = Static<typeof BonusSchema>;
export type Veto = Static<typeof VetoSchema>;
export type VetoEffect = Static<typeof VetoEffectSchema>;
export type GradeBand = Static<typeof GradeBandSchema>;
export type Ruleset = Static<typeof RulesetSchema>;

/** A finding from the data check (数据核查) or the on-site check (现场检查). */
export const FindingSchema = Type.Union([
  Type.Object(
    {
      item: Type.String({ minLength: 1 }),
      source: CheckMethodSchema,
      type: Type.Literal('rejected'),
      field: Type.Optional(Type.String({ minLength: 1 })),
      check: Type.Union([
        Type.Literal('authenticity'), // 真实性
        Type.Literal('accuracy'), // 准确性
        Type.Literal('completeness'), // 完整性
        Type.Literal('compliance'), // 达标率
      ]),
      reason: Type.String({ minLength: 1 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      item: Type.String({ minLength: 1 }),
      source: CheckMethodSchema,
      type: Type.Literal('deduction'),
      points: Type.Number({ exclusiveMinimum: 0 }),
      reason: Type.String({ minLength: 1 }),
      suggestion: Type.Optional(Type.String()),
      evidence: Type.Optional(Type.Array(Type.String())),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      item: Type.String({ minLength: 1 }),
      source: CheckMethodSchema,
      type: Type.Literal('grade'),
      grade: Type.String({ minLength: 1 }),
      reason: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
]);
export type Finding = Static<typeof FindingSchema>;
export const FindingsSchema = Type.Array(FindingSchema);

/** A unit under evaluation (评价对象). */
export const UnitSchema = Type.Object(
  {
    id: Type.String({ pattern: UNIT_ID_PATTERN, maxLength: UNIT_ID_MAX_LENGTH, description: UNIT_ID_RULE.en }),
    name: Type.String({ minLength: 1 }),
    kind: Type.String({ minLength: 1 }),
    nameEn: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Unit = Static<typeof UnitSchema>;

/** A field value as reported: boolean, number, date (ISO `YYYY-MM-DD`), enum value, or document list. */
export type FieldValue = boolean | number | string | readonly string[] | null;

/**
 * One row of the evidence register (佐证材料清单): a document a unit submits for a field.
 * It counts (the field has the document) when it is named (`title`) and dated or numbered
 * (`date` or `number`); otherwise it is registered but incomplete, and what it lacks is named
 * on the deduction.
 */
export const DocumentEntrySchema = Type.Object(
  {
    document: Type.String({
      minLength: 1,
      description: 'Which required document it answers: for a `documents` field one of the names the item requires (or another name); for a document yes/no field, the field itself',
    }),
    title: Type.Optional(Type.String({ minLength: 1, description: '证明材料名称: the document\'s own title' })),
    number: Type.Optional(Type.String({ minLength: 1, description: '文号, e.g. 市安委办发〔2022〕12号' })),
    date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: '印发日期 (YYYY-MM-DD)' })),
    archived: Type.Optional(Type.Boolean({ description: '是否归档' })),
    link: Type.Optional(Type.String({ minLength: 1, description: '附件路径或链接' })),
    provider: Type.Optional(Type.String({ minLength: 1, description: '提供单位' })),
    contact: Type.Optional(Type.String({ minLength: 1, description: '联系人' })),
  },
  { additionalProperties: false },
);
export type DocumentEntry = Static<typeof DocumentEntrySchema>;

/** One unit's evidence (佐证材料) as values of the ruleset's declared fields. */
export interface UnitEvidence {
  unit: Unit;
  values: Readonly<Record<string, FieldValue>>;
  /** Where each value came from (e.g. `"yanta.xlsx!评分项!F7"`), shown on deductions. */
  sources?: Readonly<Record<string, readonly string[]>>;
  /**
   * The evidence register (佐证材料清单) by field name: the documents given for a `documents`
   * field or a document yes/no field (`document: true`). Adapters derive the field's value
   * from it (`documentsFromRegister`); the card names the missing and incomplete documents.
   * Scoring reads `values` only.
   */
  register?: Readonly<Record<string, readonly DocumentEntry[]>>;
  /**
   * 不适用 claims by item id: the reason the unit gives for an item it says does not apply to
   * it. A claim does not change the score (only the ruleset's applicability does); the card's
   * item node carries it (`claim`) for the checker to decide.
   */
  claims?: Readonly<Record<string, string>>;
}

/**
 * The JSON Schema of a ruleset file, as shipped in `schema/ruleset.schema.json`: the
 * TypeBox schema in plain draft-07 form (`definitions` and `#/definitions/…` refs, which
 * every editor resolves), so editors validate ruleset files as authors type.
 */
export function rulesetJsonSchema(): Record<string, unknown> {
  const names = new Set<string>();
  const plain = JSON.parse(JSON.stringify(RulesetFileSchema), function (this: unknown, key, value: unknown) {
    if (key === '$defs' && value !== null && typeof value === 'object') for (const n of Object.keys(value)) names.add(n);
    return value;
  }) as Record<string, unknown>;
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v === null || typeof v !== 'object') return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === '$id') continue;
      if (k === '$ref' && typeof x === 'string' && names.has(x)) out[k] = `#/definitions/${x}`;
      else out[k === '$defs' ? 'definitions' : k] = rewrite(x);
    }
    return out;
  };
  const body = rewrite(plain) as Record<string, unknown>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'safecity ruleset (评价细则)',
    description: 'A versioned rubric for the National Safe Development Demonstration City self-inspection evaluation.',
    ...body,
  };
}
