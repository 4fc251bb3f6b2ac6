import { describe, expect, it } from 'vitest';
import { claimsLine, feedbackMarkdown, feedbackRows, feedbackTotals, placesText } from '../src/index.js';
import { districtLarger, feedbackCard, generatedCard, municipal, units } from './helpers.js';

describe('feedbackRows', () => {
  const card = feedbackCard();
  const rows = feedbackRows(card, { ruleset: districtLarger, date: '2023-03-31' });

  it('scores the hand-checked card as expected', () => {
    // 140 − (0.5 + 0.4 + 0.5 + 2 + 1.5 + 0.4) = 134.7; bonus at its cap of 5
    expect(card.earned).toBe(134.7);
    expect(card.total).toBe(139.7);
  });

  it('puts rule and data-check deductions in 意见反馈清单 and on-site ones in 问题反馈清单, in tree order', () => {
    expect(rows.map((r) => [r.list, r.no, r.itemId, r.source, r.points, r.superseded])).toEqual([
      // 2.1.2 (no grade yet) is not a row: the assessors' pending task, named on 待评定.
      ['data-check', 1, '1.1.1', 'data-check', 0.5, false],
      ['data-check', 2, '2.4.2', 'data-check', 0, true],
      ['data-check', 3, '3.1.1.1', 'rule', 1.5, false],
      ['onsite', 1, '2.4.2', 'onsite', 0.4, false],
      ['onsite', 2, '3.1.1.2', 'onsite', 0.5, false],
      ['onsite', 3, '3.2.2.17', 'onsite', 0.4, false],
    ]);
  });

  it('gives full path titles, reasons, suggestions, evidence places, responsible unit and deadline', () => {
    const r = rows.find((x) => x.itemId === '3.1.1.1')!;
    expect(r).toMatchObject({
      itemTitle: '工作成效 › 城市安全源头治理 › 城市安全规划 › 城市总体规划及防灾减灾等专项规划',
      path: ['工作成效', '城市安全源头治理', '城市安全规划', '城市总体规划及防灾减灾等专项规划'],
      reason: '城市总体规划及专项规划存在的问题：发现3处，每处扣0.5分，2分扣完为止，扣1.5分',
      evidence: ['yanta.xlsx!评分项!F22'],
      responsible: '雁塔区',
      // 城市安全规划: documents, 限期整改 30 days from the feedback date (the ruleset's default)
      deadline: '2023-04-30',
      rectification: 'deadline',
      rectificationDays: 30,
      deadlineText: '2023年4月30日',
      key: '3.1.1.1|findings|rule',
      code: 'findings',
    });
    // 高层建筑消防安全 (a blocked fire lane): 立行立改, 7 days
    expect(rows.find((x) => x.itemId === '3.2.2.17')).toMatchObject({ rectification: 'immediate', deadline: '2023-04-07', deadlineText: '2023年4月7日' });
    expect(r.suggestion).toContain('专项规划');
    // a finding without its own suggestion gets the item's from the ruleset
    const onsite = rows.find((x) => x.list === 'onsite' && x.itemId === '2.4.2')!;
    expect(onsite.evidence).toEqual(['现场检查记录表!第2页']);
    expect(onsite.suggestion).toBe('按档案管理要求补齐台账资料');
    expect(rows.find((x) => x.itemId === '1.1.1')!.suggestion).toBe('重新印发领导小组调整文件');
  });

  it('takes deadline and responsible from the options', () => {
    const r = feedbackRows(card, { deadline: '2023-05-31', responsible: '雁塔区应急管理局' });
    expect(new Set(r.map((x) => x.deadline))).toEqual(new Set(['2023-05-31']));
    expect(new Set(r.map((x) => x.responsible))).toEqual(new Set(['雁塔区应急管理局']));
  });

  it('totals each list, superseded rows apart', () => {
    expect(feedbackTotals(rows, 'data-check')).toEqual({ rows: 2, points: 2, superseded: 1 });
    expect(feedbackTotals(rows, 'onsite')).toEqual({ rows: 3, points: 1.3, superseded: 0 });
  });

  it('names the lead unit of municipal items, and the unit\'s part in them', () => {
    const m = generatedCard('chengguanju', 0, 2); // poor evidence: every item deducted
    const r = feedbackRows(m, { ruleset: municipal, units });
    const hydrant = r.find((x) => x.itemId === '3.1.2.4.1')!; // lead 市消防救援支队, partner 市城管局
    expect(hydrant.role).toBe('partner');
    expect(hydrant.responsible).toBe('市城管局（配合，牵头单位：市消防救援支队）');
    expect(hydrant.lead).toEqual({ id: 'xiaofangzhidui', name: '市消防救援支队' });
    expect(hydrant.partners?.map((p) => p.name)).toContain('市城管局');
    const own = r.find((x) => x.itemId === '3.1.2.7.2')!; // led by 市城管局 itself
    expect(own.role).toBe('lead');
    expect(own.responsible).toBe('市城管局（牵头）');
    // bonus items not earned are not deductions: no rows
    expect(m.nodes.find((n) => n.id === '4')!.children!.some((n) => n.earned < n.max)).toBe(true);
    expect(r.filter((x) => x.itemId.startsWith('4.'))).toEqual([]);
  });

  it('refuses a ruleset the card was not scored under, and a non-card', () => {
    expect(() => feedbackRows(card, { ruleset: municipal })).toThrow(
      `options.ruleset is xian-2022/municipal ${municipal.version}, but the card of 雁塔区 was scored under xian-2022/district ${districtLarger.version}`,
    );
    expect(() => feedbackRows({ unit: { id: 'x' } } as never)).toThrow(/card: expected a ScoreCard/);
  });
});

describe('feedbackMarkdown', () => {
  const md = feedbackMarkdown(feedbackCard(), { ruleset: districtLarger, date: '2023-03-31' });

  it('has the unit, the rubric\'s title and version, and a heading and table per list', () => {
    expect(md).toMatch(/^# 反馈清单 · 雁塔区$/m);
    expect(md).toContain('- 评价对象：雁塔区\n');
    expect(md).toContain(`- 评价细则：西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区）（版本 ${districtLarger.version}）`);
    expect(md).toContain('- 得分：总分 139.7（基础 134.7 / 140，加分 5）；折算 101.21；等级 优秀');
    expect(md).toContain('- 加分项：得5分（上限5分）');
    expect(md).toContain('- 日期：2023年3月31日');
    expect(md).toContain('- 整改时限：各项按整改类型自下发之日起计（立行立改、限期整改见各项，长期坚持每轮复核）；未另行规定的，2023年4月15日前完成');
    expect(md).not.toContain('yanta）');
    expect(md).toMatch(/^## 意见反馈清单（数据核查）$/m);
    expect(md).toMatch(/^## 问题反馈清单（现场检查）$/m);
    expect(md).toContain('| 序号 | 评分项 | 评分项名称 | 问题描述 | 扣分 | 整改建议 | 佐证/位置 | 责任单位 | 整改类型 | 整改时限 |');
    expect(md.indexOf('意见反馈清单')).toBeLessThan(md.indexOf('问题反馈清单'));
  });

  it('writes a row per deduction with the totals', () => {
    expect(md).toContain(
      '| 3 | 3.1.1.1 | 工作成效 › 城市安全源头治理 › 城市安全规划 › 城市总体规划及防灾减灾等专项规划 | 城市总体规划及专项规划存在的问题：发现3处，每处扣0.5分，2分扣完为止，扣1.5分 | 1.5 |',
    );
    expect(md).toContain('| 工作表“评分项”第22行 | 雁塔区 | 限期整改 | 2023年4月30日 |');
    expect(md).toContain('| 2 | 2.4.2 | 创建路径 › 台账清单 › 台账资料规范完整 | 【已被取代，不计分】台账资料未按月归档 | 0 |');
    expect(md).toContain('合计：2 项，扣 2 分；另有 1 项已被取代，不计分。');
    expect(md).toContain('- 待评定：2.1.2 总体方案质量（2分）尚无专家评定等级，待评估组评定后计分');
    expect(md).toContain('合计：3 项，扣 1.3 分。');
  });

  it('escapes | and newlines in cells, so every table row has the same number of cells', () => {
    expect(md).toContain('高层建筑消防通道堵塞\\|2处<br>另见照片');
    expect(md).toContain('照片1.jpg<br>照片2.jpg');
    const tableRows = md.split('\n').filter((l) => l.startsWith('| '));
    for (const l of tableRows) expect(l.replace(/\\\|/g, '').split('|').length).toBe(12);
  });

  it('says so when a list is empty', () => {
    const clean = feedbackMarkdown(generatedCard('gaoling', 1, 7, [{ item: '2.1.2', source: 'onsite', type: 'grade', grade: '优' }]));
    expect(clean).toMatch(/## 问题反馈清单（现场检查）\n\n无扣分项。/);
  });
});

describe('the deadline', () => {
  it('comes from the ruleset when it declares one', async () => {
    const { createEngine } = await import('@safecity/engine');
    const { district, unitById } = await import('@safecity/ruleset-xian-2022');
    const { feedbackRows } = await import('../src/index.js');
    expect(district.rectificationDeadline).toBe('2023-04-15');
    const card = createEngine().compile(district).score({ unit: unitById('yanta')!, values: { planFindings: 2 } });
    // Without per-item declarations, every row is due by the round's deadline.
    const strip = (nodes: any[]): any[] => nodes.map(({ rectification: _r, ...n }) => (n.children ? { ...n, children: strip(n.children) } : n)); // eslint-disable-line @typescript-eslint/no-explicit-any
    const { rectification: _default, ...plain } = district;
    const withDeadline = { ...plain, tree: strip(district.tree), rectificationDeadline: '2023-05-10' } as typeof district;
    expect(feedbackRows(card, { ruleset: withDeadline, date: '2023-03-31' }).every((r) => r.deadline === '2023-05-10' && r.rectification === 'deadline')).toBe(true);
    expect(feedbackRows(card, { ruleset: withDeadline, deadline: '2023-04-30' })[0]!.deadline).toBe('2023-04-30');
    // With them, a row is due its own days after the feedback date, whatever the round's deadline.
    expect(feedbackRows(card, { ruleset: district, date: '2023-03-31', deadline: '2023-04-15' }).find((r) => r.itemId === '3.1.1.1')).toMatchObject({ itemId: '3.1.1.1', deadline: '2023-04-30' });
  });

  it('never gives 长期坚持 an end date: it is reviewed each round, by the round\'s deadline', async () => {
    const { createEngine } = await import('@safecity/engine');
    const { district, unitById } = await import('@safecity/ruleset-xian-2022');
    const card = createEngine().compile(district).score({ unit: unitById('yanta')!, values: { largerAccidents: 1, deathRateDeclined: false } });
    const rows = feedbackRows(card, { ruleset: district, date: '2023-03-31' }).filter((r) => r.itemId.startsWith('3.6.'));
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r).toMatchObject({ rectification: 'ongoing', deadline: '2023-04-15', deadlineText: '长期坚持，每轮复核' });
    expect(rows.every((r) => r.rectificationDays === undefined)).toBe(true);
  });
});

describe('what the unit claims and where it wrote it', () => {
  it('shows the unit\'s 不适用 claim on the item\'s rows, and places in its own file without the file\'s name', () => {
    const card = structuredClone(feedbackCard());
    const first = feedbackRows(card, { ruleset: districtLarger, date: '2023-03-31' }).find((r) => r.source === 'rule' && !r.superseded)!;
    const find = (ns: typeof card.nodes): (typeof card.nodes)[number] | undefined => {
      for (const n of ns) {
        if (n.id === first.itemId) return n;
        const f = find(n.children ?? []);
        if (f) return f;
      }
      return undefined;
    };
    const node = find(card.nodes)!;
    node.claim = { notApplicable: '本区无此类设施' };
    node.deductions = node.deductions!.map((d) => ({ ...d, evidence: [`evidence/district/${card.unit.id}.xlsx!评分项!G22`, 'other.xlsx!评分项!G7'] }));
    const rows = feedbackRows(card, { ruleset: districtLarger, date: '2023-03-31' }).filter((r) => r.itemId === node.id);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.claim === '本区无此类设施')).toBe(true);
    const md = feedbackMarkdown(card, { ruleset: districtLarger, date: '2023-03-31' });
    expect(md).toContain('（单位称本项不适用：本区无此类设施）');
    // the unit's own file is not named (its name is the unit's id); another file is
    expect(md).toContain('工作表“评分项”第22行');
    expect(md).not.toContain(`${card.unit.id}.xlsx`);
    expect(md).toContain('other.xlsx：工作表“评分项”第7行');
    // and in the preamble, for the checker, with the item's title
    expect(md).toContain(`- 单位称不适用：${node.id} ${node.title}（本区无此类设施），按评价细则仍予评分，请核查组核实`);
  });

  it('lists a claim on an item that lost nothing too (the checker still has to confirm it)', () => {
    const card = structuredClone(feedbackCard());
    const full = (function find(ns: typeof card.nodes): (typeof card.nodes)[number] | undefined {
      for (const n of ns) {
        if (n.children === undefined && n.applicable && n.earned === n.max && n.max > 0) return n;
        const f = find(n.children ?? []);
        if (f) return f;
      }
      return undefined;
    })(card.nodes)!;
    full.claim = { notApplicable: '辖区内无此类设施' };
    expect(claimsLine(card)).toBe(`${full.id} ${full.title}（辖区内无此类设施），按评价细则仍予评分，请核查组核实`);
    expect(feedbackRows(card).some((r) => r.itemId === full.id)).toBe(false);
    expect(claimsLine(feedbackCard())).toBeUndefined();
  });
});

describe('places for people', () => {
  it('names every kind of JSON place by its words, and leaves the unit\'s own file unnamed', () => {
    const fields = new Map([['largerAccidentDeaths', '较大及以上生产安全事故死亡人数'], ['policyDocs', '创建配套政策文件']]);
    expect(placesText(['evidence/district/gaoling.json#/general/largerAccidentDeaths'], fields)).toEqual(['gaoling.json：基本情况「较大及以上生产安全事故死亡人数」']);
    expect(placesText(['gaoling.json#/items/1.2.1/values/policyDocs', 'gaoling.json#/items/1.2.1', 'x.json#/policyDocs'], fields, 'gaoling')).toEqual([
      '评分项 1.2.1「创建配套政策文件」',
      '评分项 1.2.1',
      'x.json：「创建配套政策文件」',
    ]);
    // what is no place a clerk can read stays as it is
    expect(placesText(['照片1.jpg', 'a.json#/register/policyDocs/0/date'])).toEqual(['照片1.jpg', 'a.json#/register/policyDocs/0/date']);
  });
});
