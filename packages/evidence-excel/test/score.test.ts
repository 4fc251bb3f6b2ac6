import { describe, expect, test } from 'vitest';
import type { ScoreNode } from '@safecity/engine';
import { unitById, units } from '@safecity/ruleset-xian-2022';
import { readWorkbooks } from '../src/index.js';
import { excelTemplate } from '../src/template.js';
import { districtRs, fill, load, metaRows, rowOf } from './helpers.js';

function find(nodes: readonly ScoreNode[], id: string): ScoreNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const c = find(n.children ?? [], id);
    if (c) return c;
  }
  return undefined;
}

describe('a filled template, read and scored by the engine', () => {
  test('3.2.1.11: installation rate 85% against 100%, 0.5 per 5 points → 1.5 of 3; per-missing documents → 1 of 2', async () => {
    const yanta = unitById('yanta')!;
    const template = await excelTemplate(districtRs, yanta);
    const rows = metaRows(await load(template));
    const bytes = await fill(template, (wb) => {
      const ws = wb.getWorksheet('评分项')!;
      ws.getCell(`G${rowOf(rows, 'hazmatMajorHazardSites').row}`).value = 3;
      ws.getCell(`G${rowOf(rows, 'hazmatMonitoringRate').row}`).value = '85%';
      for (const [doc, v] of [['安全发展规划', '是'], ['安全生产责任制规定', '√'], ['隐患排查治理制度', '否'], ['考核奖惩办法', '']]) {
        ws.getCell(`G${rowOf(rows, 'policyDocs', doc!).row}`).value = v!;
      }
    });
    const bundle = await readWorkbooks([{ file: 'yanta.xlsx', input: bytes }], { ruleset: districtRs, units });
    expect(bundle.ruleset).toEqual({ id: districtRs.id, version: districtRs.version, hash: districtRs.hash });
    expect(bundle.units).toHaveLength(1);
    const ev = bundle.units[0]!;
    expect(ev.values).toEqual({ hazmatMajorHazardSites: 3, hazmatMonitoringRate: 85, policyDocs: ['安全发展规划', '安全生产责任制规定'] });
    expect(ev.sources?.['hazmatMonitoringRate']).toEqual([`yanta.xlsx!评分项!G${rowOf(rows, 'hazmatMonitoringRate').row}`]);
    const card = districtRs.score(ev);
    const rate = find(card.nodes, '3.2.1.11')!;
    expect([rate.max, rate.earned]).toEqual([3, 1.5]);
    expect(rate.deductions?.[0]?.evidence).toEqual([`yanta.xlsx!评分项!G${rowOf(rows, 'hazmatMonitoringRate').row}`]);
    const docs = find(card.nodes, '1.2.1')!;
    expect([docs.max, docs.earned]).toEqual([2, 1]);
    // Unreported items lose their points with the reason 未提供佐证材料.
    const lead = find(card.nodes, '1.1.1')!;
    expect(lead.earned).toBe(0);
  });
});
