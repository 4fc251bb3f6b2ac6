/**
 * Pass 5, the checks across the ruleset: the coverage node (normalize.coverage), 整改类型 and
 * 整改时限 (rectification), the fields a city ruleset computes from its units' results
 * (aggregates), and the consistency checks between units' figures.
 * @module
 */
import type { Issue } from '../errors.js';
import type { EvidenceField } from '../model.js';
import { rectificationIssues } from '../rectification.js';
import { checkPoints, type CompileContext } from './context.js';

/** Check coverage, rectification, aggregates and consistency (issues into `ctx`); `ids`: node id → pointer. */
export function checkRulesetRules(ctx: CompileContext, ids: ReadonlyMap<string, string>): void {
  const { rs, issues } = ctx;
  // Coverage (normalize.coverage): a node of the base tree.
  const coverage = rs.normalize?.coverage;
  if (coverage !== undefined) {
    checkPoints(coverage.min, '/normalize/coverage/min', issues);
    const at = ids.get(coverage.node);
    if (at === undefined) issues.push({ path: '/normalize/coverage/node', message: `"${coverage.node}" names no item or group of the tree` });
    else if (!at.startsWith('/tree/')) issues.push({ path: '/normalize/coverage/node', message: `"${coverage.node}" is in the bonus bucket; coverage is of the base tree` });
  }

  // 整改类型 and 整改时限 (rectification): days where a due date needs them, none where there is no end.
  for (const i of rectificationIssues(rs)) issues.push(i);

  // Fields computed from other units' results (a city ruleset).
  rs.fields.forEach((f, i) => {
    if (f.aggregate !== undefined) issues.push(...checkAggregate(f, `/fields/${i}/aggregate`));
  });
  (rs.consistency ?? []).forEach((c, i) => {
    const at = `/consistency/${i}`;
    if ((c.figure.unit === undefined) === (c.figure.leadOf === undefined)) {
      issues.push({ path: `${at}/figure`, message: 'name the figure\'s unit with either "unit" or "leadOf" (an item whose lead reports it)' });
    }
    if (rs.consistency!.findIndex((x) => x.id === c.id) !== i) issues.push({ path: `${at}/id`, message: `consistency check "${c.id}" is declared twice` });
  });
}

function checkAggregate(f: EvidenceField, at: string): Issue[] {
  const a = f.aggregate!;
  const issues: Issue[] = [];
  const reads = 'node' in a.of ? 'node' : 'field' in a.of ? 'field' : 'score' in a.of ? 'score' : 'veto';
  let types: readonly string[];
  switch (a.op) {
    case 'pooled':
      types = reads === 'node' ? ['rate'] : [];
      if (reads !== 'node') issues.push({ path: `${at}/op`, message: '"pooled" (Σ earned ÷ Σ max) is of an item or group: "of": { "node": … }' });
      break;
    case 'share':
      types = ['rate'];
      break;
    case 'count':
      types = ['integer'];
      break;
    case 'any':
      types = ['boolean'];
      break;
    case 'sum':
      types = reads === 'node' ? [] : reads === 'veto' ? ['integer'] : ['integer', 'number'];
      if (reads === 'node') issues.push({ path: `${at}/op`, message: 'a sum of score rates means nothing; use "mean", "pooled", "min" or "max"' });
      break;
    default:
      types = reads === 'node' ? ['rate'] : reads === 'veto' ? ['integer'] : ['integer', 'number', 'rate'];
  }
  if (a.op === 'mean' && types.includes('integer')) types = types.filter((t) => t !== 'integer');
  if (types.length > 0 && !types.includes(f.type)) {
    issues.push({ path: at.replace(/\/aggregate$/, '/type'), message: `field "${f.name}" is ${f.type}, but its aggregate (${a.op} of ${reads}) gives ${types.join(' or ')}` });
  }
  if (a.from.lead === true && reads !== 'node') issues.push({ path: `${at}/from/lead`, message: '"lead" picks the lead of each item under "of": { "node": … }' });
  if (a.bar !== undefined && a.op !== 'share' && a.op !== 'count') issues.push({ path: `${at}/bar`, message: `"bar" is for "share" and "count", not "${a.op}"` });
  return issues;
}
