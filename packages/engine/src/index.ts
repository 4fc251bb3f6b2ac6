/**
 * `@safecity/engine` — compile a 评价细则 ruleset once, score each unit's evidence into an
 * explained ScoreCard.
 *
 * ```ts
 * import { createEngine } from '@safecity/engine';
 * const engine = createEngine();
 * const ruleset = engine.compile(rulesetJson);
 * const card = ruleset.score({ unit, values }, { findings });
 * const result = ruleset.evaluate({ unit, values }, { findings }); // totals now, card on demand
 * result.total; result.toScoreCard('zh');
 * ```
 * @packageDocumentation
 */
export { createEngine, type Engine, type EngineOptions, type CompileOptions, type CompiledRuleset, type CheckedEvidence, type ItemSummary } from './engine.js';
export {
  diffRulesets,
  diffMarkdown,
  describeChange,
  checkVersion,
  versionBump,
  atLeast,
  VERSION_POLICY,
  type RulesetDiff,
  type DiffSide,
  type Bump,
  type Verdict,
  type VersionCheck,
  type Change,
  type Entry,
  type Changed,
  type Renamed,
  type Moved,
  type Section,
} from './edition/diff.js';
export {
  migrateEvidence,
  type MigrateOptions,
  type MigratedEvidence,
  type MigrationReport,
  type ValueNotCarried,
  type FindingNotCarried,
  type NotCarriedReason,
} from './edition/migrate.js';
export { migrationMarkdown } from './edition/migration-report.js';
export { changesetText, rulesetPackageName } from './edition/changeset.js';
export { isPatch, type ResolveOptions, type Resolved, type Migration, type ItemMigration } from './edition/resolve.js';
export {
  definePlugin,
  defineMethod,
  type Plugin,
  type ScoringMethod,
  type ScoreContext,
  type MethodMessage,
  type FieldRef,
  type ItemInfo,
  type MergePolicy,
  type DeductionDraft,
  type EvidenceParser,
  type Reporter,
} from './plugin.js';
export { DEFAULT_LIMITS, type EngineLimits } from './limits.js';
export { UNIT_ID_PATTERN, UNIT_ID_MAX_LENGTH, UNIT_ID_RULE, isUnitId, unitIdProblem, showId } from './ids.js';
export { markdownText, markdownCell, markdownCode, spreadsheetText, spreadsheetTextBack, looksLikeFormula, stampZipEntries } from './output.js';
export {
  SafecityError,
  RulesetError,
  EvidenceError,
  PluginError,
  LogicError,
  EvaluationError,
  capProblems,
  omittedLine,
  groupDigits,
  type Issue,
  type CappedProblems,
  type ListingOptions,
} from './errors.js';
export { findTooDeep, findTooDeepText, type TooDeep } from './depth.js';
export {
  RulesetSchema,
  NodeSchema,
  EvidenceFieldSchema,
  FindingSchema,
  FindingsSchema,
  UnitSchema,
  rulesetJsonSchema,
  LocalTextSchema,
  FieldTypeSchema,
  EvidenceKindSchema,
  CheckMethodSchema,
  ApplicabilitySchema,
  ScoringSchema,
  BonusSchema,
  VetoSchema,
  VetoEffectSchema,
  GradeBandSchema,
  RulesetPatchSchema,
  RulesetFileSchema,
  RulesetRefSchema,
  PatchOpSchema,
  MigrationMapSchema,
  PartnerSchema,
  AggregateSchema,
  ComparisonSchema,
  ConsistencySchema,
  CoverageSchema,
  RectificationSchema,
  type Rectification,
  DocumentEntrySchema,
  type DocumentEntry,
  type Partner,
  type Aggregate,
  type Consistency,
  type RulesetPatch,
  type RulesetRef,
  type PatchOp,
  type MigrationMap,
  type Ruleset,
  type Node,
  type EvidenceField,
  type FieldType,
  type FieldValue,
  type Finding,
  type Unit,
  type UnitEvidence,
  type EvidenceKind,
  type CheckMethod,
  type Bonus,
  type Veto,
  type VetoEffect,
  type GradeBand,
  type Applicability,
  type Scoring,
} from './model.js';
export {
  documentsFromRegister,
  entryLacks,
  lacksText,
  missingDocumentText,
  registerValue,
  takesRegister,
  type DocumentLack,
  type IncompleteDocument,
  type RegisterReading,
} from './register.js';
export type { ScoreCard, ScoreNode, Deduction, VetoResult, Evaluation, Coverage } from './scorecard.js';
export type { FieldKernel, FieldText } from './kernel.js';
export { responsibilityConflicts, type ResponsibilityConflict, type ReportedFigure } from './responsibility.js';
export {
  evidenceLayout,
  mergeEvidence,
  type EvidenceLayout,
  type LayoutItem,
  type EvidenceBundle,
  type EvidenceRecord,
  type EvidencePart,
} from './evidence.js';
export type { ScoreOptions } from './score.js';
export type { LogicFn, LogicOperator, LogicRule } from './logic/types.js';
export type { LocalText, Lang } from './text.js';
export { builtinMethods } from './methods/builtins.js';
export { builtinMergePolicies } from './merge.js';
export { toMilli, fromMilli, hasAtMostThreeDecimals } from './points.js';
export { pointerToken, unescapePointerToken, jsonPointer, parsePointer } from './pointer.js';
export { isIsoDate, parseIsoDate, type IsoDate } from './dates.js';
export { seededRandom } from './random.js';
export { contentHash, stableJson } from './hash.js';
export { itemRectifications, rectificationIssues, rectificationDue, IMMEDIATE_DAYS, RECTIFICATION_TYPE_TITLES } from './rectification.js';
export { roundEvidence, checkConsistency, type Round, type Inconsistency, type ConsistencyFigure, type ConsistencyResult } from './round.js';
