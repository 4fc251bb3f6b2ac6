/**
 * The migration report as one Markdown document (`migration.md` of `safecity migrate`, the
 * studio's download): per unit, what of last year's evidence did not carry over to the new
 * edition and why, and what the new edition asks for that it lacks.
 * @module
 */
import { markdownCell, markdownCode, markdownText } from '../output.js';
import type { MigrationReport } from './migrate.js';

const shownValue = (v: unknown): string => (Array.isArray(v) ? v.join('、') : typeof v === 'boolean' ? (v ? '是' : '否') : String(v));

/**
 * The reports as one Markdown document: per unit, what did not carry and what is missing.
 * Text from the evidence and the rulesets is escaped for Markdown (one helper per context, from
 * the engine): a value or a name renders as text, never as markup, and never splits a row.
 */
export function migrationMarkdown(reports: readonly MigrationReport[]): string {
  const first = reports[0];
  const lines = [`# 佐证材料迁移报告 Evidence migration`, ''];
  if (first === undefined) return [...lines, '（无单位 no units）', ''].join('\n');
  const unitName = (r: MigrationReport) => `${r.unit.name} (${r.unit.id})`;
  lines.push(`${markdownText(`${first.from.id} ${first.from.version} → ${first.to.id} ${first.to.version}`)} · ${reports.length} 个单位 units`, '');
  lines.push('| 单位 Unit | 沿用 carried | 未沿用 not carried | 需补充 missing | 核查意见 findings carried / not |', '|---|---|---|---|---|');
  for (const r of reports) lines.push(`| ${markdownCell(unitName(r))} | ${r.carried.length} | ${r.notCarried.length} | ${r.missing.length} | ${r.findings.carried} / ${r.findings.notCarried.length} |`);
  for (const r of reports) {
    if (r.notCarried.length + r.missing.length + r.findings.notCarried.length === 0) continue;
    lines.push('', `## ${markdownText(unitName(r))}`, '');
    if (r.notCarried.length > 0) {
      lines.push('未沿用的填报值 (values not carried over):', '', '| 字段 Field | 原值 Value | 原评分项 Items | 原因 Reason | 来源 Source |', '|---|---|---|---|---|');
      for (const n of r.notCarried)
        lines.push(`| ${markdownCode(n.field, true)} | ${markdownCell(shownValue(n.value))} | ${markdownCell(n.items.join(', '))} | ${markdownCell(n.message.zh)} | ${markdownCell((n.sources ?? []).join(', '))} |`);
      lines.push('');
    }
    if (r.missing.length > 0) {
      lines.push('新版需要补充 (to report under the new edition):', '');
      for (const m of r.missing) lines.push(`- ${markdownCode(m.field)}${m.added ? ' (新增 new)' : ''}: ${markdownText(m.message.zh)}`);
      lines.push('');
    }
    if (r.findings.notCarried.length > 0) {
      lines.push('未沿用的核查意见 (findings not carried over):', '');
      for (const f of r.findings.notCarried) lines.push(`- #${f.index} (${markdownText(`${f.finding.item}, ${f.finding.source}`)}): ${markdownText(f.message.zh)}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
