/**
 * What an official of the 市安委会办公室 checks first, on hand-made cards whose numbers are
 * known: scales compared like with like, bonus never a deduction, one ranking per rubric,
 * 工作成效 on its own 100 scale, thin coverage explained, partner rows, list placement by who
 * found it, the city's own card, consistency findings.
 */
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { ScoreCard } from '@safecity/engine';
import { cityReport, cityReportData, compareMarkdown, compareRounds, feedbackMarkdown, feedbackRows, feedbackTotals, feedbackWorkbook, placesText } from '../src/index.js';
import { bonusBucket, ded, DISTRICT, group, item, makeCard, MUNICIPAL, municipalCard, testRuleset } from './cards.js';

/** The section of a Markdown report from its heading to the next `## `. */
function mdSection(md: string, title: string): string {
  const start = md.search(new RegExp(`^## (?:[一二三四五六七八九十]+、|附件\\d+　|附录：)${title}$`, 'm'));
  if (start < 0) return '';
  const next = md.indexOf('\n## ', start + 1);
  return md.slice(start, next < 0 ? undefined : next);
}
function htmlSection(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
}

// 市生态环境局: 39.1 of 42 base points (工作成效 20 of 22) and 3 bonus points:
// total 42.1 (raw), normalized 39.1 / 42 × 100 + 3 = 96.095.
const shengtai = municipalCard('shengtaihuanjingju', '市生态环境局', [10, 9.1], { max: 22, earned: 20 }, [1, 2, 0, 0, 0]);
// 市水务局: 44.6 of 53, no bonus: normalized 84.151.
const shuiwu = municipalCard('shuiwuju', '市水务局', [8, 9], { max: 33, earned: 27.6 });
// 碑林区 99 of 120 → 82.5; 雁塔区 88 of 120 → 73.333 (district rubric).
const district = (id: string, name: string, mech: [number, number], effect: number) =>
  municipalCard(id, name, mech, { max: 100, earned: effect }, undefined, { ruleset: 'test/district', unit: { id, name, kind: 'district' } });
const beilin = district('beilin', '碑林区', [9, 10], 80);
const yanta = district('yanta', '雁塔区', [8, 10], 70);

describe('the cards used here', () => {
  it('have the hand-computed scores', () => {
    expect([shengtai.max, shengtai.earned, shengtai.bonus, shengtai.total, shengtai.normalized]).toEqual([42, 39.1, 3, 42.1, 96.095]);
    expect([shuiwu.total, shuiwu.normalized]).toEqual([44.6, 84.151]);
    expect([beilin.normalized, yanta.normalized]).toEqual([82.5, 73.333]);
  });
});

describe('1. self scores are compared with the evaluated score on the same scale', () => {
  it('compares a normalised self score with the normalised score, not the raw total', () => {
    const data = cityReportData([shengtai, shuiwu], { selfScores: { shengtaihuanjingju: 92.3, shuiwuju: 87 } });
    const s = data.selfScores!;
    expect(s.scale).toBe('normalized');
    expect(s.rows.map((r) => [r.unit.id, r.self, r.evaluated, r.difference, r.flagged])).toEqual([
      ['shengtaihuanjingju', 92.3, 96.095, -3.795, false], // not 92.3 − 42.1 = +50.2
      ['shuiwuju', 87, 84.151, 2.849, false],
    ]);
    const { markdown, html } = cityReport([shengtai, shuiwu], { selfScores: { shengtaihuanjingju: 92.3, shuiwuju: 87 } });
    const section = mdSection(markdown, '自评与评估得分对比');
    expect(section).toContain('| 单位 | 自评得分（折算，百分制） | 评估得分（折算，百分制） | 差值（自评 − 评估） | 说明 |');
    expect(section).toContain('| 市生态环境局 | 92.3 | 96.1 | -3.8 |  |');
    expect(section).toContain('自评得分与评估得分均按折算得分（百分制）比较。差值超过 5 分的单位 0 个');
    expect(htmlSection(html, 'self')).toContain('<th class="num">评估得分（折算，百分制）</th>');
  });

  it('compares with the raw total when asked, or when a card has no normalised score', () => {
    const asked = cityReportData([shengtai], { selfScores: { shengtaihuanjingju: 44 }, selfScoreScale: 'total' }).selfScores!;
    expect(asked.scale).toBe('total');
    expect(asked.rows[0]).toMatchObject({ evaluated: 42.1, difference: 1.9, flagged: false });
    const raw = { ...shuiwu };
    delete raw.normalized;
    const mixed = cityReportData([shengtai, raw], { selfScores: { shengtaihuanjingju: 44, shuiwuju: 50 } }).selfScores!;
    expect(mixed.scale).toBe('total');
    expect(mixed.rows.map((r) => [r.unit.id, r.evaluated, r.difference, r.flagged])).toEqual([
      ['shengtaihuanjingju', 42.1, 1.9, false],
      ['shuiwuju', 44.6, 5.4, true],
    ]);
    expect(mdSection(cityReport([shengtai, raw], { selfScores: { shuiwuju: 50 } }).markdown, '自评与评估得分对比')).toContain('评估得分（总分）');
    // asked for the normalised scale, a card without it is listed, not compared with its total
    const notComparable = cityReportData([shengtai, raw], { selfScores: { shuiwuju: 87 }, selfScoreScale: 'normalized' }).selfScores!;
    expect(notComparable.rows).toEqual([]);
    expect(notComparable.notComparable.map((u) => u.id)).toEqual(['shuiwuju']);
  });
});

describe('2. a bonus not earned is neither a deduction nor a problem', () => {
  it('has no rows for bonus items in either list, and totals without them', () => {
    for (const options of [{ ruleset: MUNICIPAL }, {}]) {
      const rows = feedbackRows(shengtai, options);
      expect(rows.map((r) => r.itemId)).toEqual(['1.2', '3.1']);
      expect(rows.some((r) => 'bonus' in r)).toBe(false);
      expect(feedbackTotals(rows, 'data-check')).toEqual({ rows: 2, points: 2.9, superseded: 0 });
    }
    const md = feedbackMarkdown(shengtai, { ruleset: MUNICIPAL });
    expect(md).not.toMatch(/\| 4\.\d /);
    expect(md).not.toContain('加分项未得');
    expect(md).toContain('合计：2 项，扣 2.9 分。');
    expect(md).toContain('- 得分：总分 42.1（基础 39.1 / 42，加分 3）；折算 96.1；等级 优秀');
    expect(md).toContain('- 加分项：得3分（上限5分）');
  });

  it('never says more bonus than its cap', () => {
    // items earn 2 + 2 + 2 = 6, the bucket is capped at 5
    const capped = municipalCard('shichangjianguanju', '市市场监管局', [10, 10], { max: 20, earned: 20 }, [2, 2, 2, 0, 0]);
    expect(capped.bonus).toBe(5);
    expect(feedbackMarkdown(capped, { ruleset: MUNICIPAL })).toContain('- 加分项：得5分（上限5分）');
    const over = { ...capped, bonus: 6 }; // a card that overstates its bonus
    expect(feedbackMarkdown(over, { ruleset: MUNICIPAL })).toContain('- 加分项：得5分（上限5分）');
    expect(cityReportData([over], { rulesets: [MUNICIPAL] }).groups[0]!.ranking[0]!.bonus).toBe(5);
  });

  it('has no bonus rows in the workbook either', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await feedbackWorkbook(shengtai, { ruleset: MUNICIPAL, date: '2023-03-31' })) as never);
    const ws = wb.getWorksheet('意见反馈清单')!;
    expect([ws.getCell('B5').value, ws.getCell('B6').value]).toEqual(['1.2', '3.1']);
    expect(ws.getCell('A7').value).toBe('合计：2 项，扣 2.9 分。');
    expect(String(ws.getCell('A2').value)).toContain('加分项：得3分（上限5分）');
  });

  it('counts no bonus item as fixed, remaining or new after rectification, nor in points regained or lost', () => {
    // before: 1.1 deducted 1, bonus 4.2 earned; after: 1.1 full, bonus 4.1 earned instead of 4.2
    const before = municipalCard('shuiwuju', '市水务局', [9, 10], { max: 22, earned: 22 }, [0, 2, 0, 0, 0]);
    const after = municipalCard('shuiwuju', '市水务局', [10, 10], { max: 22, earned: 22 }, [2, 0, 0, 0, 0]);
    const c = compareRounds([before], [after]);
    const u = c.units[0]!;
    expect(u.items.map((i) => [i.id, i.status])).toEqual([['1.1', 'fixed']]);
    expect([u.fixed.length, u.remaining.length, u.newDeductions.length]).toEqual([1, 0, 0]);
    expect([u.regained, u.lost, u.change.bonus, u.change.total]).toEqual([1, 0, 0, 1]);
    expect(c.totals).toMatchObject({ fixed: 1, remaining: 0, newDeductions: 0, regained: 1, lost: 0 });
    const md = compareMarkdown(c);
    expect(md).toContain('已整改 1 项，仍扣分 0 项，新增扣分 0 项');
    expect(md).not.toMatch(/\| 4\.\d /);
  });
});

describe('3. one ranking per rubric', () => {
  const options = { rulesets: [MUNICIPAL, DISTRICT], date: '2023-04-28' };
  // given district first: the groups follow the rulesets' order
  const cards = [yanta, shuiwu, beilin, shengtai];
  const data = cityReportData(cards, options);
  const { markdown, html } = cityReport(cards, options);

  it('ranks and averages 市级成员单位 and 区县（开发区） apart', () => {
    expect(data.groups.map((g) => [g.ruleset.id, g.name, g.units, g.averageScore])).toEqual([
      ['test/municipal', '市级成员单位', 2, 90.123],
      ['test/district', '区县（开发区）', 2, 77.917],
    ]);
    expect(data.groups.map((g) => g.ranking.map((r) => [r.rank, r.unit.id]))).toEqual([
      [
        [1, 'shengtaihuanjingju'],
        [2, 'shuiwuju'],
      ],
      [
        [1, 'beilin'],
        [2, 'yanta'],
      ],
    ]);
    expect(data.groups.map((g) => g.grades.map((x) => [x.title, x.count]))).toEqual([
      [
        ['优秀', 1],
        ['良好', 1],
      ],
      [
        ['良好', 1],
        ['合格', 1],
      ],
    ]);
  });

  it('says the averages per group, never one average of both', () => {
    const summary = mdSection(markdown, '创建工作基本情况');
    expect(summary).toContain('市级成员单位 2 个，平均折算得分 90.12 分，评价等级：优秀 1 个，良好 1 个；区县（开发区） 2 个，平均折算得分 77.92 分，评价等级：良好 1 个，合格 1 个。');
    expect(summary).toContain('| 平均折算得分（市级成员单位） | 90.12 |');
    expect(summary).toContain('**等级分布（市级成员单位）**');
    expect(summary).toContain('**等级分布（区县（开发区））**');
    expect(markdown).not.toContain('84.02'); // the mean of all four
  });

  it('averages the areas per group too: 工作成效 of the departments is not mixed with the districts’', () => {
    // 工作成效: municipal 20/22 = 90.9 % and 27.6/33 = 83.6 % → 87.3 %; districts 80 % and 70 % → 75 %.
    const effect = (g: (typeof data.groups)[number]) => g.areas.find((a) => a.title === '工作成效');
    expect(data.groups.map((g) => [g.name, effect(g)?.units, effect(g)?.percent.toFixed(1)])).toEqual([
      ['市级成员单位', 2, '87.3'],
      ['区县（开发区）', 2, '75.0'],
    ]);
    const areas = mdSection(markdown, '各评价领域得分率');
    expect(areas).toMatch(/\*\*市级成员单位\*\*[\s\S]*\| 工作成效 \| 2 \| 87\.3% \|[\s\S]*\*\*区县（开发区）\*\*[\s\S]*\| 工作成效 \| 2 \| 75\.0% \|/);
    expect(areas).not.toContain('| 工作成效 | 4 |');
    expect(htmlSection(html, 'areas').match(/<svg[\s>]/g)).toHaveLength(2);
    expect(mdSection(markdown, '主要做法和成效')).toContain('市级成员单位：各评价领域平均得分率从高到低依次为');
  });

  it('has a table and a chart per group, scores with at most two decimals', () => {
    const ranking = mdSection(markdown, '单位得分排名');
    expect(ranking).toMatch(/### （一）市级成员单位[\s\S]*### （二）区县（开发区）/);
    expect(ranking).toContain('| 1 | 市生态环境局 | 市级成员单位 | 96.1 | 90.9% | 22 | 42.1 | 39.1 / 42 | 3 | 优秀 |  |');
    expect(ranking).toContain('| 2 | 雁塔区 | 区 | 73.33 | 70.0% | 100 | 88 | 88 / 120 | 0 | 合格 |  |');
    expect(ranking).not.toContain('96.095');
    const section = htmlSection(html, 'ranking');
    expect(section.match(/<svg[\s>]/g)).toHaveLength(2);
    expect(section).toContain('市级成员单位折算得分排名');
    expect(section).toContain('区县（开发区）折算得分排名');
  });
});

describe('4. 工作成效 on its own 100 scale', () => {
  it('shows the coverage node earned of its applicable points, from the ruleset or by title', () => {
    for (const rulesets of [[MUNICIPAL], undefined]) {
      const row = cityReportData([shengtai], rulesets ? { rulesets } : {}).groups[0]!.ranking[0]!;
      expect(row.effect).toEqual({ id: '3', title: '工作成效', earned: 20, max: 22, percent: (20 / 22) * 100 });
    }
    const md = mdSection(cityReport([shengtai]).markdown, '单位得分排名');
    expect(md).toContain('| 排名 | 单位 | 类别 | 折算得分 | 工作成效（百分制） | 适用分值 | 总分 | 基础得分 / 适用满分 | 加分 | 等级 | 否决 |');
  });

  it('takes the node the ruleset weighs coverage on, whatever its title', () => {
    const rs = testRuleset('test/municipal', '评价细则·市级成员单位', { normalize: { scale: 100, coverage: { node: '1', min: 10, rate: 60 } } });
    const row = cityReportData([shengtai], { rulesets: [rs] }).groups[0]!.ranking[0]!;
    expect(row.effect).toMatchObject({ id: '1', title: '工作机制', earned: 19.1, max: 20 });
  });
});

describe('5. thin coverage is marked and explained', () => {
  // 市人社局: only 8 points of 工作成效 apply (below 60): the shortfall counted at 60 %
  const thin: ScoreCard = {
    ...municipalCard('rensheju', '市人社局', [9, 9], { max: 8, earned: 8 }),
    normalized: 71.5,
    grade: 'pass',
    gradeTitle: '合格',
    coverage: { node: '3', title: '工作成效', max: 8, min: 60, rate: 60, thin: true },
  };
  const notThin: ScoreCard = { ...shuiwu, coverage: { node: '3', title: '工作成效', max: 33, min: 60, rate: 60, thin: false } };

  it('marks the unit in the ranking and explains the rule below the table', () => {
    const data = cityReportData([thin, notThin], { rulesets: [MUNICIPAL] });
    expect(data.groups[0]!.ranking.map((r) => [r.unit.id, r.thin])).toEqual([
      ['shuiwuju', false],
      ['rensheju', true],
    ]);
    expect(data.groups[0]!.thin).toBe(1);
    const { markdown, html } = cityReport([thin, notThin], { rulesets: [MUNICIPAL] });
    const md = mdSection(markdown, '单位得分排名');
    expect(md).toContain('| 2 | 市人社局 | 市级成员单位 | 71.5 | 100.0% | 8※ |');
    expect(md).toContain('| 1 | 市水务局 | 市级成员单位 | 84.15 | 83.6% | 33 |');
    expect(md).toContain('※ 工作成效适用分值不足60分的单位，不足部分按60%得分率计入折算得分（本组 1 个）。');
    expect(md.indexOf('※ 工作成效')).toBeGreaterThan(md.indexOf('| 2 | 市人社局'));
    const section = htmlSection(html, 'ranking');
    expect(section).toContain('<td class="num">8※</td>');
    expect(section).toContain('<p class="note thin">※ 工作成效适用分值不足60分的单位，不足部分按60%得分率计入折算得分（本组 1 个）。</p>');
  });

  it('takes the rule from the card when no ruleset is given, and says nothing when no unit is thin', () => {
    const own = { ...thin, coverage: { ...thin.coverage!, min: 50, rate: 70 } };
    expect(mdSection(cityReport([own]).markdown, '单位得分排名')).toContain('※ 工作成效适用分值不足50分的单位，不足部分按70%得分率计入折算得分');
    expect(cityReport([notThin], { rulesets: [MUNICIPAL] }).markdown).not.toContain('※');
  });
});

describe('6. feedback rows an official reads', () => {
  const ruleset = testRuleset('test/municipal', '西安市国家安全发展示范城市创建工作评价细则（2022版）·市级成员单位', {
    tree: [
      { id: '1', title: { zh: '工作机制' }, max: 20, children: [{ id: '1.2', title: { zh: '创建配套政策文件' }, max: 2 }] },
      { id: '2', title: { zh: '创建路径' }, max: 20, children: [{ id: '2.1.2', title: { zh: '总体方案质量' }, max: 2 }, { id: '2.1.3', title: { zh: '实施方案质量' }, max: 2 }] },
      {
        id: '3',
        title: { zh: '工作成效' },
        max: 100,
        children: [
          {
            id: '3.1',
            title: { zh: '城市安全源头治理' },
            max: 2,
            children: [
              { id: '3.1.2', title: { zh: '老旧管网改造' }, max: 1, lead: 'chengguanju', partners: ['shuiwuju'] },
              { id: '3.1.3', title: { zh: '易涝点防涝改造' }, max: 1, lead: 'shuiwuju', partners: ['chengguanju'] },
            ],
          },
        ],
      },
    ],
  });
  const units = [
    { id: 'chengguanju', name: '市城管局' },
    { id: 'shuiwuju', name: '市水务局' },
  ];
  const card = (roles = true) =>
    makeCard({
      unit: { id: 'shuiwuju', name: '市水务局', kind: 'municipal' },
      ruleset: 'test/municipal',
      nodes: [
        group('1', '工作机制', [item('1.2', '创建配套政策文件', 2, 1.5, [ded(0.5, '创建配套政策文件缺1项：隐患排查治理制度', { evidence: ['evidence/municipal/shuiwuju.json#/items/1.2/policyDocs'] })])]),
        group('2', '创建路径', [
          item('2.1.2', '总体方案质量', 2, 1.6, [ded(0.4, '现场检查组专家评定为“良”，得1.6分（满分2分）', { source: 'onsite', code: 'graded' })]),
          item('2.1.3', '实施方案质量', 2, 1.2, [ded(0.8, '数据核查组专家评定为“中”，得1.2分（满分2分）', { source: 'data-check', code: 'graded' })]),
        ]),
        group('3', '工作成效', [
          group('3.1', '城市安全源头治理', [
            item('3.1.2', '老旧管网改造', 1, 0, [ded(1, '未报送配合开展老旧管网改造的进度')], roles ? { role: 'partner' } : {}),
            item('3.1.3', '易涝点防涝改造', 1, 0.8, [ded(0.2, '易涝点防涝改造完成率为98.4%，低于100%，扣0.2分')], roles ? { role: 'lead' } : {}),
          ]),
        ]),
      ],
      bonus: bonusBucket([0, 0, 0, 0, 0]),
    });

  it('says 配合 on a partner\'s row and 牵头 on a lead\'s, from the card\'s role', () => {
    const rows = feedbackRows(card(), { ruleset, units });
    const partner = rows.find((r) => r.itemId === '3.1.2')!;
    expect(partner).toMatchObject({ role: 'partner', responsible: '市水务局（配合，牵头单位：市城管局）', lead: { id: 'chengguanju', name: '市城管局' } });
    expect(rows.find((r) => r.itemId === '3.1.3')).toMatchObject({ role: 'lead', responsible: '市水务局（牵头）' });
    // without the ruleset the card's role still says it
    expect(feedbackRows(card(), {}).find((r) => r.itemId === '3.1.2')!.responsible).toBe('市水务局（配合）');
    // a card without roles: from the ruleset's partners
    expect(feedbackRows(card(false), { ruleset, units }).find((r) => r.itemId === '3.1.2')).toMatchObject({
      role: 'partner',
      responsible: '市水务局（配合，牵头单位：市城管局）',
    });
    expect(feedbackMarkdown(card(), { ruleset, units })).toContain('| 市水务局（配合，牵头单位：市城管局） |');
  });

  it('puts each deduction on the list of whoever made it: the on-site group\'s grade on 问题反馈清单', () => {
    const rows = feedbackRows(card(), { ruleset, units });
    expect(rows.map((r) => [r.list, r.no, r.itemId])).toEqual([
      ['data-check', 1, '1.2'],
      ['data-check', 2, '2.1.3'],
      ['data-check', 3, '3.1.2'],
      ['data-check', 4, '3.1.3'],
      ['onsite', 1, '2.1.2'],
    ]);
    const md = feedbackMarkdown(card(), { ruleset, units });
    const onsite = md.slice(md.indexOf('## 问题反馈清单'));
    expect(onsite).toContain('| 1 | 2.1.2 | 创建路径 › 总体方案质量 | 现场检查组专家评定为“良”，得1.6分（满分2分） | 0.4 |');
  });

  it('names the evidence place by file and field title, not a JSON pointer, and writes dates as officials do', () => {
    const md = feedbackMarkdown(card(), { ruleset, units, date: '2023-03-31' });
    expect(md).toContain('| 评分项 1.2「创建配套政策文件」 | 市水务局 | 限期整改 | 2023年4月15日 |');
    expect(md).not.toContain('#/items');
    expect(md).toContain('- 日期：2023年3月31日');
    expect(md).toContain('- 评价对象：市水务局\n');
  });
});

describe('7. the city\'s own result on the national rubric', () => {
  const national = testRuleset('test/national', '国家安全发展示范城市评价细则', { bonus: { id: '7', title: { zh: '鼓励项' }, cap: 5, items: [] } });
  const cityCard: ScoreCard = {
    ...makeCard({
      unit: { id: 'xian', name: '西安市', kind: 'city' },
      ruleset: 'test/national',
      nodes: [
        group('1', '城市安全源头治理', [
          item('1.1', '城市安全规划', 10, 7, [ded(3, '2个区县城市安全规划未按期修编', { evidence: ['碑林区', '雁塔区'] })]),
          item('1.2', '城市基础设施', 8, 8),
        ]),
        group('2', '城市安全风险防控', [item('2.1', '危险化学品', 32, 31, [ded(1, '1个区县重大危险源监控未全覆盖', { evidence: ['临潼区'] })])]),
      ],
      bonus: { id: '7', title: '鼓励项', max: 5, earned: 2, applicable: true, children: [item('7.1', '安全创新', 5, 2, [ded(3, '创新成果不足')])] },
      grade: { id: 'fail', title: '不合格' },
    }),
    total: 48,
    normalized: 94,
    vetoed: true,
    vetoes: [{ id: 'larger-accident', title: '较大及以上生产安全事故', reason: '评价期内发生较大生产安全事故1起', effect: 'grade', evidence: ['高陵区：事故快报（2022年8月11日）'] }],
  };
  const options = { city: cityCard, rulesets: [MUNICIPAL, national], date: '2023-04-28' };

  it('computes the result: areas, vetoes with the units, the items that lost most with the units', () => {
    const data = cityReportData([shengtai, shuiwu], options);
    expect(data.city).toBe('西安市');
    const c = data.cityResult!;
    expect([c.total, c.normalized, c.gradeTitle, c.ruleset.title]).toEqual([48, 94, '不合格', '国家安全发展示范城市评价细则']);
    expect(c.areas.map((a) => [a.title, a.earned, a.max, a.bonus])).toEqual([
      ['城市安全源头治理', 15, 18, false],
      ['城市安全风险防控', 31, 32, false],
      ['鼓励项', 2, 5, true],
    ]);
    expect(c.vetoes).toEqual([{ id: 'larger-accident', title: '较大及以上生产安全事故', reason: '评价期内发生较大生产安全事故1起', evidence: ['高陵区：事故快报（2022年8月11日）'] }]);
    // the bonus bucket's 7.1 is not a loss
    expect(c.lostItems.map((i) => [i.id, i.lost, i.units])).toEqual([
      ['1.1', 3, ['碑林区', '雁塔区']],
      ['2.1', 1, ['临潼区']],
    ]);
  });

  it('renders the section near the top, in both forms', () => {
    const { markdown, html } = cityReport([shengtai, shuiwu], options);
    expect(markdown).toMatch(/^# 西安市国家安全发展示范城市创建自检评估自评报告$/m);
    expect(markdown).toMatch(/## 一、创建工作基本情况[\s\S]*## 附件1　城市自评结果（国家评价细则）[\s\S]*## 附件2　各评价领域得分率/);
    const md = mdSection(markdown, '城市自评结果（国家评价细则）');
    expect(md).toContain('西安市按《国家安全发展示范城市评价细则》自评：总分 48 分（基础得分 46 / 适用满分 50，加分 2），折算得分 94 分，评价等级“不合格”。触发否决项 1 项：较大及以上生产安全事故。');
    expect(md).toContain('| 城市安全源头治理 | 15 / 18 | 83.3% |');
    expect(md).toContain('| 鼓励项（上限 5 分） | 2 / 5 | 40.0% |');
    expect(md).toContain('| 较大及以上生产安全事故 | 评价期内发生较大生产安全事故1起 | 高陵区：事故快报（2022年8月11日） |');
    expect(md).toContain('| 1.1 | 城市安全源头治理 › 城市安全规划 | 3 | 2个区县城市安全规划未按期修编 | 碑林区、雁塔区 |');
    const section = htmlSection(html, 'city');
    expect(section).toContain('<h2>附件1　城市自评结果（国家评价细则）</h2>');
    expect(section).toContain('<td>碑林区、雁塔区</td>');
    expect(html.indexOf('<section id="city">')).toBeLessThan(html.indexOf('<section id="areas">'));
  });

  it('refuses a city card that is not a card', () => {
    expect(() => cityReportData([], { city: { unit: {} } as never })).toThrow(/options\.city: expected a ScoreCard/);
  });
});

describe('8. consistency findings', () => {
  const inconsistencies = [
    {
      id: 'road-deaths',
      title: '道路交通事故死亡人数<b>',
      message: '市公安局报送126人，各区县（开发区）合计131人，市级数小于区县之和',
      places: ['市公安局 · 道路交通事故死亡人数', '各区县（开发区） · 道路交通事故死亡人数之和'],
    },
  ];

  it('lists them as 数据一致性核查 (核查项, 情况, 涉及位置), escaped', () => {
    const data = cityReportData([shengtai], { inconsistencies });
    expect(data.inconsistencies).toEqual(inconsistencies);
    const { markdown, html } = cityReport([shengtai], { inconsistencies });
    const md = mdSection(markdown, '数据一致性核查');
    expect(md).toContain('| 核查项 | 情况 | 涉及位置 |');
    expect(md).toContain(
      '| 道路交通事故死亡人数\\<b\\> | 市公安局报送126人，各区县（开发区）合计131人，市级数小于区县之和 | 市公安局 · 道路交通事故死亡人数<br>各区县（开发区） · 道路交通事故死亡人数之和 |',
    );
    const section = htmlSection(html, 'consistency');
    expect(section).toMatch(/<h2>附件\d　数据一致性核查<\/h2>/);
    expect(section).toContain('<td>道路交通事故死亡人数&lt;b&gt;</td>');
    expect(section).toContain('<td>市公安局 · 道路交通事故死亡人数<br>各区县（开发区） · 道路交通事故死亡人数之和</td>');
  });

  it('has no section without findings', () => {
    expect(cityReport([shengtai], { inconsistencies: [] }).markdown).not.toContain('数据一致性核查');
    expect(cityReportData([shengtai], { inconsistencies: [] }).inconsistencies).toBeUndefined();
  });
});


describe('an item no check has graded yet', () => {
  it('is not a row to rectify; the list says it waits for the assessors', () => {
    const c = makeCard({
      ruleset: 'test/municipal',
      unit: { id: 'shuiwuju', name: '市水务局', kind: 'municipal' },
      nodes: [group('2', '创建路径', [item('2.1.2', '总体方案质量', 2, 0, [ded(2, '尚无专家评定等级', { code: 'ungraded' })]), item('2.2.1', '年度实施方案', 2, 1, [ded(1, '年度实施方案：否，扣1分', { code: 'absent' })])])],
    });
    const rows = feedbackRows(c);
    expect(rows.map((r) => r.itemId)).toEqual(['2.2.1']);
    const md = feedbackMarkdown(c);
    expect(md).toContain('- 待评定：2.1.2 总体方案质量（2分）尚无专家评定等级，待评估组评定后计分');
    expect(md).not.toContain('提请评估组评定');
  });
});

describe('evidence places as a clerk finds them', () => {
  it('a workbook cell is its file, sheet and row; consecutive rows are joined; JSON places by field title', () => {
    expect(
      placesText(
        ['evidence/district/lintong.xlsx!评分项!G6', 'evidence/district/lintong.xlsx!评分项!G7', 'evidence/district/lintong.xlsx!评分项!G9', 'evidence/district/lintong.xlsx!评分项!G8', 'x.xlsx!基本情况!G2', 'shuiwuju.json#/items/1.2.1/policyDocs'],
        new Map([['policyDocs', '创建配套政策文件']]),
      ),
    ).toEqual(['lintong.xlsx：工作表“评分项”第6–9行', 'x.xlsx：工作表“基本情况”第2行', 'shuiwuju.json：评分项 1.2.1「创建配套政策文件」']);
    expect(placesText(['a.xlsx!评分项!G6', 'a.xlsx!评分项!G8'])).toEqual(['a.xlsx：工作表“评分项”第6、8行']);
  });
});
