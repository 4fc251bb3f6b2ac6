import { describe, expect, it } from 'vitest';
import type { FieldValue, Finding } from '@safecity/engine';
import { compareMarkdown, compareRounds } from '../src/index.js';
import { districtRs, generateValues, unit } from './helpers.js';

const full = generateValues(districtRs, 1, 7); // full marks but 2.1.2 (not graded: −2)
function card(id: string, values: Record<string, FieldValue>, findings: Finding[] = []) {
  return districtRs.score({ unit: unit(id), values: { ...full, ...values } }, { findings });
}

// 雁塔区 before: 3.1.1.1 three findings (−1.5), 1.2.1 two policy documents missing (−1), data check −0.5 on 1.2.2
const yantaBefore = card('yanta', { planFindings: 3, policyDocs: ['安全发展规划', '安全生产责任制规定'] }, [
  { item: '1.2.2', source: 'data-check', type: 'deduction', points: 0.5, reason: '责任清单未更新' },
]);
// after: 3.1.1.1 and 1.2.2 fixed; 1.2.1 one document still missing (−0.5); new: 2 hydrant defects (−0.4)
const yantaAfter = card('yanta', { planFindings: 0, policyDocs: ['安全发展规划', '安全生产责任制规定', '考核奖惩办法'], hydrantDefects: 2 });
const gaoling = card('gaoling', {});
const beilin = card('beilin', { ledgerGaps: 1 });
const lianhu = card('lianhu', {});

describe('compareRounds', () => {
  const c = compareRounds([yantaBefore, gaoling, beilin], [lianhu, gaoling, yantaAfter]);

  it('matches units by id and reports units only in one round', () => {
    expect(c.units.map((u) => u.unit.id)).toEqual(['gaoling', 'yanta']);
    expect(c.onlyBefore).toEqual([{ id: 'beilin', name: '碑林区', kind: 'district' }]);
    expect(c.onlyAfter).toEqual([{ id: 'lianhu', name: '莲湖区', kind: 'district' }]);
  });

  it('finds items fixed, remaining and newly deducted, with points regained and lost', () => {
    const y = c.units.find((u) => u.unit.id === 'yanta')!;
    expect(y.fixed.map((i) => i.id)).toEqual(['1.2.2', '3.1.1.1']);
    expect(y.remaining.map((i) => i.id)).toEqual(['1.2.1', '2.1.2']);
    expect(y.newDeductions.map((i) => i.id)).toEqual(['3.1.2.4.1']);
    expect(y.items.map((i) => i.id)).toEqual(['1.2.1', '1.2.2', '2.1.2', '3.1.1.1', '3.1.2.4.1']);

    const policy = y.remaining[0]!;
    expect(policy).toMatchObject({ earnedBefore: 1, earnedAfter: 1.5, deductedBefore: 1, deductedAfter: 0.5, change: 0.5, status: 'remaining' });
    expect(policy.path).toBe('工作机制 › 政策保障 › 创建配套政策文件');
    expect(y.remaining[1]).toMatchObject({ id: '2.1.2', change: 0, deductedBefore: 2, deductedAfter: 2 });
    expect(y.fixed[1]).toMatchObject({ id: '3.1.1.1', earnedBefore: 0.5, earnedAfter: 2, change: 1.5, deductedAfter: 0 });
    expect(y.fixed[0]!.reasonsBefore).toEqual(['责任清单未更新']);
    expect(y.newDeductions[0]).toMatchObject({ earnedBefore: 1, earnedAfter: 0.6, change: -0.4, deductedBefore: 0 });

    // 0.5 (1.2.2) + 1.5 (3.1.1.1) + 0.5 (1.2.1) regained; 0.4 lost on the hydrants
    expect(y.regained).toBe(2.5);
    expect(y.lost).toBe(0.4);
    expect(y.before.total).toBe(140);  // 140 − 2 − 1.5 − 1 − 0.5 + 5 bonus
    expect(y.after.total).toBe(142.1); // 140 − 2 − 0.5 − 0.4 + 5
    expect(y.change.total).toBe(2.1);
    expect(y.change.normalized).toBe(Math.round((y.after.normalized! - y.before.normalized!) * 1000) / 1000);
  });

  it('reports an unchanged unit with nothing fixed or new', () => {
    const g = c.units.find((u) => u.unit.id === 'gaoling')!;
    expect(g.fixed).toEqual([]);
    expect(g.newDeductions).toEqual([]);
    expect(g.remaining.map((i) => i.id)).toEqual(['2.1.2']);
    expect(g.change.total).toBe(0);
    expect(g.regained).toBe(0);
  });

  it('totals over the units in both rounds', () => {
    expect(c.totals).toMatchObject({ units: 2, regained: 2.5, lost: 0.4, change: 2.1, fixed: 2, remaining: 3, newDeductions: 1 });
  });

  it('refuses a round with a unit twice', () => {
    expect(() => compareRounds([gaoling, gaoling], [])).toThrow(/before\[1\]: unit "gaoling" \(高陵区\) already has a card at before\[0\]/);
    expect(() => compareRounds(null as never, [])).toThrow(/before: expected an array of ScoreCards/);
  });
});

describe('compareMarkdown', () => {
  const md = compareMarkdown(compareRounds([yantaBefore, gaoling, beilin], [lianhu, gaoling, yantaAfter]));
  it('has the summary table, units in one round, and each unit\'s items', () => {
    expect(md).toMatch(/^# 整改前后对比$/m);
    expect(md).toContain('挽回 2.5 分，新失 0.4 分；已整改 2 项，仍扣分 3 项，新增扣分 1 项。');
    expect(md).toMatch(/\| 雁塔区 \| [\d.]+（总分 140） \| [\d.]+（总分 142\.1） \| \+2\.1 \| 2\.5 \| 2 \| 2 \| 1 \|/);
    expect(md).toContain('仅有整改前评价结果（未复核）：碑林区。');
    expect(md).toContain('仅有整改后评价结果：莲湖区。');
    expect(md).toMatch(/^## 雁塔区$/m);
    expect(md).toContain('| 3.1.1.1 | 工作成效 › 城市安全源头治理 › 城市安全规划 › 城市总体规划及防灾减灾等专项规划 | 已整改 | 1.5 | 0 | +1.5 |');
    expect(md).toContain('| 3.1.2.4.1 |');
    expect(md).toMatch(/\| 新增扣分 \| 0 \| 0\.4 \| -0\.4 \|/);
  });
});
