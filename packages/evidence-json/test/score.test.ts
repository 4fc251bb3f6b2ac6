import { describe, expect, it } from 'vitest';
import type { ScoreNode } from '@safecity/engine';
import { jsonTemplate, readJsonEvidence } from '../src/index.js';
import { clone, districtRs, unit, units } from './helpers.js';

type Json = Record<string, any>;

function node(nodes: readonly ScoreNode[], id: string): ScoreNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const found = node(n.children ?? [], id);
    if (found !== undefined) return found;
  }
  return undefined;
}

describe('a filled template, scored by the engine', () => {
  it('earns the points the rubric gives for what was written', () => {
    const t = clone(jsonTemplate(districtRs, unit('yanta'))) as Json;
    t['items']['1.1.1']['leadingGroupDoc'] = true;
    t['items']['3.1.1.1']['planFindings'] = 3; // 0.5 per finding, cap 2
    t['items']['3.2.1.11']['hazmatMonitoringRate'] = 90; // 0.5 per 5 points below 100, cap 3
    t['items']['3.2.1.11']['hazmatMajorHazardSites'] = 4;
    const bundle = readJsonEvidence([{ file: 'yanta.json', input: JSON.stringify(t, null, 2) }], { ruleset: districtRs, units });
    expect(bundle.units).toHaveLength(1);
    const card = districtRs.score(bundle.units[0]!);
    expect(card.unit.id).toBe('yanta');
    expect(card.ruleset).toEqual(bundle.ruleset);

    expect(node(card.nodes, '1.1.1')).toMatchObject({ max: 2, earned: 2 });
    const plans = node(card.nodes, '3.1.1.1')!;
    expect(plans).toMatchObject({ max: 2, earned: 0.5 });
    expect(plans.deductions?.[0]?.evidence).toEqual(['yanta.json#/items/3.1.1.1/planFindings']);
    expect(node(card.nodes, '3.2.1.11')).toMatchObject({ max: 3, earned: 2 });
    // An item left null is not evidence: it loses its max.
    const unreported = node(card.nodes, '1.2.1')!;
    expect(unreported.earned).toBe(0);
    expect(unreported.deductions?.[0]?.reason).toContain('未提供佐证材料');
  });
});
