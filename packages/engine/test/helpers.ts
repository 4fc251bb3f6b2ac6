import type { FieldValue, Finding, Ruleset } from '../src/index.js';
import { createEngine } from '../src/index.js';

type Json = Record<string, unknown>;

/** A one-group ruleset around the given items (group max = Σ item max). */
export function rulesetOf(items: Json[], fields: Json[], extra: Json = {}): Ruleset {
  const max = items.reduce((s, i) => s + Math.round((i['max'] as number) * 1000), 0) / 1000;
  return {
    id: 'test/one',
    version: '1.0.0',
    edition: 2022,
    title: { zh: '测试细则' },
    unitKinds: ['district', 'county', 'municipal'],
    fields,
    tree: [{ id: 'g', title: { zh: '组' }, max, children: items }],
    ...extra,
  } as unknown as Ruleset;
}

export const unit = { id: 'yanta', name: '雁塔区', kind: 'district' };

/** Score one item with a method and params; returns the item's node of the card. */
export function scoreItem(
  method: string,
  params: unknown,
  max: number,
  fields: Json[],
  values: Record<string, FieldValue>,
  findings: Finding[] = [],
  itemExtra: Json = {},
) {
  const rs = createEngine().compile(
    rulesetOf([{ id: 'i', title: { zh: '项' }, max, scoring: { method, params }, ...itemExtra }], fields),
  );
  const card = rs.score({ unit, values }, { findings });
  const node = card.nodes[0]!.children![0]!;
  return { card, node, earned: node.earned, deducted: (node.deductions ?? []).reduce((s, d) => s + d.points, 0) };
}

export const field = (name: string, type: string, extra: Json = {}) => ({ name, type, title: { zh: name }, ...extra });
