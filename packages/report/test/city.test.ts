import { describe, expect, it } from 'vitest';
import { cityReport, cityReportData } from '../src/index.js';
import { cityReportMarkdown } from '../src/city.js';
import { city, district, oddUnit, SCRIPT_REASON } from './helpers.js';

const { cards, before, selfScores } = city();
const options = { city: '西安市', date: '2023-04-28', before, selfScores, rulesets: [district], radarUnits: 6 };
const report = cityReport(cards, options);
const data = cityReportData(cards, options);

describe('cityReportData', () => {
  it('summarises the units, average, grades and vetoes', () => {
    expect(data.units).toBe(11);
    expect(data.byKind).toEqual([
      { kind: 'district', title: '区', count: 10 },
      { kind: 'development-zone', title: '开发区', count: 1 },
    ]);
    expect(data.scoreName).toBe('折算得分');
    // one rubric: one group
    expect(data.groups.map((g) => [g.ruleset.id, g.name, g.units])).toEqual([['xian-2022/district', '区县（开发区）', 11]]);
    const group = data.groups[0]!;
    const avg = cards.reduce((s, c) => s + c.normalized!, 0) / cards.length;
    expect(group.averageScore).toBeCloseTo(avg, 2);
    expect(group.grades.reduce((s, g) => s + g.count, 0)).toBe(11);
    // ordered by the ruleset's bands
    const order = ['excellent', 'good', 'pass', 'fail'];
    const seen = group.grades.map((g) => order.indexOf(g.grade!));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(data.vetoed.map((v) => v.unit.id)).toEqual(['baqiao']);
    expect(data.vetoed[0]!.vetoes[0]!.reason).toContain('瞒报');
  });

  it('averages each area as % of the applicable max, over the units where it applies', () => {
    expect(data.areas.map((a) => a.title)).toEqual(['工作机制', '创建路径', '工作成效', '先进经验（加分项）']);
    expect(data.areas.map((a) => a.bonus)).toEqual([false, false, false, true]);
    const eff = cards.map((c) => {
      const n = c.nodes.find((x) => x.title === '工作成效')!;
      return (n.earned / n.max) * 100;
    });
    expect(data.areas[2]!.percent).toBeCloseTo(eff.reduce((s, v) => s + v, 0) / eff.length, 9);
    expect(data.areas[2]!.min).toBeCloseTo(Math.min(...eff), 9);
  });

  it('ranks by normalized, then total, ties by unit id', () => {
    const expected = [...cards]
      .sort((a, b) => b.normalized! - a.normalized! || b.total - a.total || a.unit.id.localeCompare(b.unit.id))
      .map((c) => c.unit.id);
    const ranking = data.groups[0]!.ranking;
    expect(ranking.map((r) => r.unit.id)).toEqual(expected);
    expect(ranking.map((r) => r.rank)).toEqual(expected.map((_, i) => i + 1));
    // 碑林区 and 新城区 have the same evidence: a tie broken by id
    const b = ranking.findIndex((r) => r.unit.id === 'beilin');
    const x = ranking.findIndex((r) => r.unit.id === 'xincheng');
    expect(ranking[b]!.score).toBe(ranking[x]!.score);
    expect(x).toBe(b + 1);
    // the vetoed unit (total 0) is last
    expect(ranking.at(-1)!.unit.id).toBe('baqiao');
  });

  it('lists the most deducted items with units, points and the most common reason', () => {
    const top = data.topItems[0]!;
    expect(top).toMatchObject({ id: '1.1.1', units: 11, reason: SCRIPT_REASON, reasonCount: 11 });
    expect(top.points).toBe(5.5);
    expect(top.path).toBe('工作机制 › 组织领导 › 成立创建工作领导小组');
    expect(data.topItems).toHaveLength(10);
    for (let i = 1; i < data.topItems.length; i++) expect(data.topItems[i]!.units).toBeLessThanOrEqual(data.topItems[i - 1]!.units);
  });

  it('flags self scores more than 5 points off, on the normalised scale', () => {
    const s = data.selfScores!;
    expect(s.scale).toBe('normalized');
    expect(s.rows.filter((r) => r.flagged).map((r) => [r.unit.id, r.difference])).toEqual(
      expect.arrayContaining([
        ['yanta', 12],
        ['gaoling', -6.5],
      ]),
    );
    expect(s.rows.filter((r) => r.flagged)).toHaveLength(2);
    // Units self-evaluate before the checks: compared with the first round, not the one after rectification.
    expect(s.round).toBe('before');
    const yantaBefore = before.find((b) => b.unit.id === 'yanta')!;
    expect(s.rows.find((r) => r.unit.id === 'yanta')!.evaluated).toBe(yantaBefore.normalized);
    expect(yantaBefore.normalized).not.toBe(cards.find((c) => c.unit.id === 'yanta')!.normalized);
    expect(s.withoutSelfScore.map((u) => u.id)).toEqual(['changan']);
    expect(s.withoutCard).toEqual(['xixian']);
  });

  it('compares with the round before rectification', () => {
    const r = data.rectification!;
    expect(r.units).toHaveLength(10);
    expect(r.onlyBefore.map((u) => u.id)).toEqual(['xixian']);
    expect(r.onlyAfter.map((u) => u.id)).toEqual(['lianhu']);
  });
});

describe('cityReport', () => {
  const { html, markdown } = report;

  it('has every section, in both forms', () => {
    const headings = [
      '一、创建工作基本情况',
      '二、主要做法和成效',
      '三、特色做法',
      '四、存在问题',
      '五、下一步工作',
      '附件1　各评价领域得分率',
      '附件2　单位得分排名',
      '附件3　各单位评价领域得分率',
      '附件4　主要扣分项',
      '附件5　自评与评估得分对比',
      '附件6　整改前后对比',
      '附录：数据来源与版本',
    ];
    // in this order, in both forms
    expect([...html.matchAll(/<h2>([^<]*)<\/h2>/g)].map((m) => m[1])).toEqual(headings);
    expect([...markdown.matchAll(/^## (.*)$/gm)].map((m) => m[1])).toEqual(headings);
    for (const h of headings) {
      expect(html).toContain(`<h2>${h}</h2>`);
      expect(markdown).toContain(`## ${h}`);
    }
    expect(html).toContain('<h1>西安市国家安全发展示范城市创建自检评估自评报告</h1>');
    expect(html).toContain('西安市 · 2023年4月28日');
    expect(markdown).toMatch(/^# 西安市国家安全发展示范城市创建自检评估自评报告$/m);
  });

  it('shows the ranking in order', () => {
    const section = html.slice(html.indexOf('<section id="ranking">'), html.indexOf('</section>', html.indexOf('<section id="ranking">')));
    const rows = [...section.matchAll(/<tr><td class="num">(\d+)<\/td><td>([^<]*)<\/td>/g)].map((m) => [Number(m[1]), m[2]]);
    const ranking = data.groups[0]!.ranking;
    expect(rows).toEqual(ranking.map((r) => [r.rank, r.unit.name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')]));
    const mdRows = markdown
      .slice(markdown.indexOf('## 附件2　单位得分排名'), markdown.indexOf('## 附件3'))
      .split('\n')
      .filter((l) => /^\| \d+ \|/.test(l))
      .map((l) => Number(l.split('|')[1]));
    expect(mdRows).toEqual(ranking.map((r) => r.rank));
  });

  it('has the charts as inline SVG: area bars, ranking bars, 6 radars, before/after bars', () => {
    expect(html.match(/<svg[\s>]/g)).toHaveLength(1 + 1 + 6 + 1);
    expect(html).toContain('各评价领域平均得分率（%）');
    expect(html).toContain('区县（开发区）折算得分排名');
    expect(html).toContain('区县（开发区）各评价领域平均得分率（%）');
    expect(html).toContain('区县（开发区）整改前后折算得分对比');
    expect(html).toMatch(/<text[^>]*>工作机制<\/text>/);
    expect(markdown).not.toContain('<svg');
    expect(markdown).toContain('图表见 HTML 版报告');
  });

  it('is one self-contained file: no scripts, no external URLs, fonts or stylesheets', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/@import|@font-face|url\(/i);
    expect(html).not.toMatch(/\b(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    // the only URLs are SVG namespace names
    const urls = html.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']));
    for (const m of html.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
    expect(html).toContain('@media print');
  });

  it('escapes text from the cards in HTML, in tables and in charts', () => {
    expect(html).not.toContain(SCRIPT_REASON);
    expect(html).not.toContain(oddUnit.name);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;现场未见领导小组文件原件');
    expect(html).toContain('测试&lt;b&gt;开发区&lt;/b&gt;&amp;');
    expect(html).not.toMatch(/<b>/);
    expect(markdown).not.toContain('<script>');
    expect(markdown).toContain('\\<script\\>');
  });

  it('flags self scores and rectification in both forms', () => {
    expect(html).toMatch(/<tr class="flag"><td>雁塔区<\/td>.*<td class="num">\+12<\/td><td>自评偏高<\/td><\/tr>/);
    expect(html).toMatch(/<tr class="flag"><td>高陵区<\/td>.*<td class="num">-6\.5<\/td><td>自评偏低<\/td><\/tr>/);
    expect(markdown).toMatch(/\| 雁塔区 \|.*\| \+12 \| \*\*自评偏高\*\* \|/);
    expect(html).toContain('仅有整改前结果（未复核）：西咸新区。');
    expect(markdown).toContain('仅有整改后结果：莲湖区。');
  });

  it('works without the optional parts, and on no cards', () => {
    const bare = cityReport(cards.slice(0, 3), { date: '2023-04-28' });
    expect(bare.html).not.toContain('自评与评估得分对比');
    expect(bare.html).not.toContain('整改前后对比');
    expect(bare.html).toContain('<h1>国家安全发展示范城市创建自检评估自评报告</h1>');
    const empty = cityReport([], { date: '2023-04-28' });
    expect(empty.html).toContain('共评价 0 个单位');
    expect(empty.html).not.toContain('<svg');
    expect(() => cityReport([{}] as never)).toThrow(/cards\[0\]: expected a ScoreCard/);
  });
});

describe('the narrative sections', () => {
  const { cards, before, selfScores } = city();
  const ledger = [
    { unit: 'yanta', itemId: '2.3.1', status: 'overdue' as const, due: '2023-04-15' },
    { unit: 'beilin', itemId: '2.3.1', status: 'closed' as const },
  ];
  const r = cityReport(cards, { ...options, rectificationStatus: ledger });
  const d = cityReportData(cards, { ...options, rectificationStatus: ledger });
  const section = (md: string, h: string) => md.slice(md.indexOf(`## ${h}`), md.indexOf('\n## ', md.indexOf(`## ${h}`) + 1));

  it('marks the places for officials’ text the same way in HTML (highlighted) and Markdown', () => {
    const marks = r.markdown.match(/【待填写：[^】]*（由市安委办填写）】/g) ?? [];
    expect(marks.length).toBe(5);
    for (const m of marks) expect(r.html).toContain(`<p class="todo">${m}</p>`);
    expect(r.html).toMatch(/\.todo \{[^}]*background/);
  });

  it('says the units, the rubric by its title and the rounds in 一、创建工作基本情况', () => {
    const s = section(r.markdown, '一、创建工作基本情况');
    expect(s).toContain('依据《西安市国家安全发展示范城市创建工作评价细则（2022版）·区县（开发区）》，共评价 11 个单位（区 10 个，开发区 1 个），经数据核查、现场检查、整改和复核两轮评价。');
  });

  it('lists the bonus items earned with their units and what they reported (三、特色做法)', () => {
    const culture = d.features.find((f) => f.id === '4.1')!;
    expect(culture.title).toBe('安全文化');
    expect(culture.reported).toEqual(['安全文化示范成果']);
    const earned = cards.filter((c) => (c.nodes.at(-1)!.children ?? []).find((n) => n.id === '4.1')!.earned > 0);
    expect(culture.units.map((u) => u.id).sort()).toEqual(earned.map((c) => c.unit.id).sort());
    expect(section(r.markdown, '三、特色做法')).toContain('| 安全文化 |');
  });

  it('groups the deductions by area and aspect in tree order, without items still to be graded (四、存在问题)', () => {
    expect(d.problems.slice(0, 2).map((p) => [p.area, p.aspect])).toEqual([
      ['工作机制', '组织领导'],
      ['工作机制', '政策保障'],
    ]);
    const lead = d.problems[0]!;
    expect(lead.units).toBe(11);
    expect(lead.reasons[0]).toEqual({ reason: SCRIPT_REASON, count: 11 });
    expect(d.problems.flatMap((p) => p.reasons.map((x) => x.reason))).not.toContain('尚无专家评定等级');
    // points add up to every counted deduction of the base tree
    const total = d.problems.reduce((s, p) => s + Math.round(p.points * 1000), 0);
    expect(total).toBeGreaterThan(0);
  });

  it('drafts 五、下一步工作 from the items still deducted, with suggestions and the ledger’s status', () => {
    const task = d.openItems.find((o) => o.id === '2.3.1')!;
    expect(task.suggestions).toContain('按“责任唯一”原则补齐任务分工表');
    expect(task.status).toEqual({ closed: 1, overdue: 1, open: 0, ongoing: 0 });
    expect(task.overdue).toEqual([{ name: '雁塔区', due: '2023-04-15' }]);
    expect(d.ledger).toEqual({ closed: 1, overdue: 1, open: 0, ongoing: 0 });
    const s = section(r.markdown, '五、下一步工作');
    expect(s).toContain('问题整改台账：已销号 1 条，整改中 0 条，未开始 0 条，逾期 1 条');
    expect(s).toContain('逾期：雁塔区（时限2023年4月15日）');
  });

  it('keeps ids, versions and hashes in the appendix only (html and md)', () => {
    for (const doc of [r.markdown, r.html]) {
      const i = doc.indexOf('附录：数据来源与版本');
      const bodyPart = doc.slice(0, i);
      const appendix = doc.slice(i);
      expect(bodyPart).not.toMatch(/sha256:|[0-9a-f]{32}/);
      expect(bodyPart).not.toContain('xian-2022/district');
      expect(bodyPart).not.toContain(cards[0]!.ruleset.version);
      for (const c of cards) expect(bodyPart).not.toMatch(new RegExp(`(?<![A-Za-z])${c.unit.id}(?![A-Za-z])`));
      expect(appendix).toContain('xian-2022/district');
      expect(appendix).toContain(cards[0]!.ruleset.hash);
      expect(appendix).toContain(cards[0]!.evidenceHash);
    }
    // a self score of a unit only the round before names is named; one no card names is counted, its id only in the appendix
    expect(r.markdown).toContain('有自评得分但无评估结果：西咸新区。');
    const odd = cityReport(cards, { ...options, selfScores: { ...selfScores, 'no-such-unit': 80 } }).markdown;
    expect(odd.slice(0, odd.indexOf('附录：'))).toContain('有自评得分但无评估结果：西咸新区、另有 1 个未能识别的单位（编号见附录）。');
    expect(odd.slice(0, odd.indexOf('附录：'))).not.toContain('no-such-unit');
    expect(odd.slice(odd.indexOf('附录：'))).toContain('no-such-unit');
  });
});

describe('the 社会公示 version', () => {
  const { cards, before, selfScores } = city();
  const pub = cityReport(cards, {
    ...options,
    audience: 'public',
    publicity: { from: '2023-05-04', to: '2023-05-10' },
    contact: '市安委办（电话 029-86786000）',
    inconsistencies: [{ id: 'x', title: '道路交通事故死亡人数', message: '市公安局报送126人，各区县合计131人', places: ['yanta.xlsx!评分项!G6'] }],
  });

  it('has the city result, areas, grades, 公示期 and the contact', () => {
    for (const doc of [pub.markdown, pub.html]) {
      expect(doc).toContain('国家安全发展示范城市创建自检评估结果公示');
      expect(doc).toContain('公示期：2023年5月4日至2023年5月10日。');
      expect(doc).toContain('公示期间如有意见，请与市安委办（电话 029-86786000）联系。');
      expect(doc).toContain('各单位评价等级');
    }
    expect(pub.markdown).toMatch(/\| 不合格 \| 1 \| 灞桥区 \|/);
  });

  it('leaves out everything internal', () => {
    for (const doc of [pub.markdown, pub.html]) {
      expect(doc).not.toContain('现场未见领导小组文件原件'); // a deduction reason
      expect(doc).not.toContain('瞒报'); // a veto's reason
      expect(doc).not.toContain('待填写');
      expect(doc).not.toContain('附录');
      expect(doc).not.toContain('自评');
      expect(doc).not.toContain('一致性');
      expect(doc).not.toContain('市公安局报送126人');
      expect(doc).not.toContain('评分项!');
      expect(doc).not.toContain('整改建议：');
      expect(doc).not.toContain('xian-2022/');
      expect(doc).not.toContain(cards[0]!.ruleset.hash);
      expect(doc).not.toContain(cards[0]!.evidenceHash);
      expect(doc).not.toContain('折算得分'); // no unit's score or rank
      expect(doc).not.toContain('排名');
      for (const c of cards) expect(doc).not.toMatch(new RegExp(`(?<![A-Za-z])${c.unit.id}(?![A-Za-z])`));
    }
    expect(pub.html).not.toMatch(/<svg|<script/);
  });
});

describe('the ranking chart', () => {
  it('has a legend of the grades’ colours and 否决, titled with the kind of units', () => {
    const { html } = cityReport(city().cards, options);
    const section = html.slice(html.indexOf('<section id="ranking">'), html.indexOf('</section>', html.indexOf('<section id="ranking">')));
    // 灞桥区 (不合格, vetoed) is shown as 否决
    for (const t of ['优秀', '良好', '合格', '否决', '区县（开发区）折算得分排名']) expect(section).toMatch(new RegExp(`<text[^>]*>${t}</text>`));
  });
});

describe('the Markdown alone', () => {
  it('is the report\'s Markdown, without rendering the charts (what the Word version is made from)', () => {
    expect(cityReportMarkdown(cards, options)).toBe(cityReport(cards, options).markdown);
    expect(cityReportMarkdown(cards, { ...options, audience: 'public' })).toBe(cityReport(cards, { ...options, audience: 'public' }).markdown);
  });
});
