// Every example runs, as a user would run it, and does what its README says.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('examples', () => {
  it('basic: scores one unit and prints every deduction with its reason', () => {
    const out = node(['examples/basic/score.mjs']);
    expect(out).toContain('1.2.4b 老旧管网改造  0 / 1');
    expect(out).toContain('老旧管网改造率为78.5%（≤80%），扣1分');
    expect(out).toContain('earned 1.6 / 9, bonus 1, total 2.6, normalized 18.778, grade 不合格');
    expect(node(['examples/basic/score.mjs', '--en'])).toContain('grade fail');
  });

  it('xian-2022-city: scores all 48 units and writes scorecards, feedback lists and the city report', { timeout: 120_000 }, () => {
    const out = mkdtempSync(join(tmpdir(), 'safecity-demo-'));
    // With code generation from strings disallowed: no package and no dependency runs `eval` or
    // `new Function` anywhere in a whole round (evidence read, scored, every document written).
    const printed = node(['--disallow-code-generation-from-strings', 'examples/xian-2022-city/demo.mjs', '--out', out]);
    // Two rankings, never one league table of 48; no average over both rubrics.
    expect(printed).toMatch(/== 市级成员单位: 28 个单位[\s\S]*== 区县（开发区）: 20 个单位/);
    expect(printed).not.toMatch(/over 48 units/);
    expect(printed).toMatch(/※ 工作成效适用分值不足20分，不足部分按60%得分率计入折算得分/);
    const scores = [...readdirSync(join(out, 'scores', 'municipal')), ...readdirSync(join(out, 'scores', 'district'))];
    expect(scores).toHaveLength(48);
    // The city's own card on the national rubric: vetoed because 高陵区 is, and 应急局 loses 3.6.57
    // to the consistency check (it reported 0 larger accidents; 高陵区 reported 1).
    const xian = JSON.parse(readFileSync(join(out, 'scores', 'city', 'xian.scorecard.json'), 'utf8'));
    expect(xian).toMatchObject({ unit: { id: 'xian', kind: 'city' }, vetoed: true, grade: 'fail', max: 100 });
    expect(xian.vetoes[0].evidence[0]).toContain('高陵区');
    const yingji = JSON.parse(readFileSync(join(out, 'scores', 'municipal', 'yingjiguanliju.scorecard.json'), 'utf8'));
    const find = (ns: any[], id: string): any => ns.map((n) => (n.id === id ? n : find(n.children ?? [], id))).find(Boolean);
    expect(find(yingji.nodes, '3.6.57')).toMatchObject({ earned: 0, max: 1 });
    expect(find(yingji.nodes, '3.6.57').deductions[0]).toMatchObject({ source: 'data-check', code: 'rejected' });
    expect(printed).toContain('✗ 全市较大及以上生产安全事故起数不少于区县（开发区）合计');
    // 责任唯一: the partners' own figures that differ from their lead's, with both files.
    expect(printed).toContain('== 责任唯一：3处配合单位报送的城市指标与牵头单位不一致');
    expect(printed).toContain('配合单位市水务局报送74%（evidence/municipal/shuiwuju.json#/items/3.1.2.4.2/oldPipeRenovationRate）');
    expect(readdirSync(join(out, 'feedback')).filter((f) => f.endsWith('.xlsx'))).toHaveLength(48);
    const gaoling = JSON.parse(readFileSync(join(out, 'scores', 'district', 'gaoling.scorecard.json'), 'utf8'));
    expect(gaoling).toMatchObject({ vetoed: true, grade: 'fail' });
    const html = readFileSync(join(out, 'city-report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(existsSync(join(out, 'city-report.md'))).toBe(true);
    // Each unit's ledger also as Markdown and Word; the report in Word and its 社会公示 version.
    for (const ext of ['.md', '.docx']) expect(readdirSync(join(out, 'feedback')).filter((f) => f.endsWith(ext))).toHaveLength(48);
    for (const f of ['city-report.docx', 'city-report-public.html', 'city-report-public.md', 'city-report-public.docx', 'rectification.md', 'rectification.docx']) expect(existsSync(join(out, f)), f).toBe(true);
    // The filled ledgers read back against the re-check: overdue first, then reported done but still deducted.
    const rectification = readFileSync(join(out, 'rectification.md'), 'utf8');
    expect(rectification).toContain('| 碑林区 | 19 | 7 | 1 | 0 | 0 | 9 | 0 | 2 | 0 |');
    expect(rectification).toContain('| 雁塔区 | 29 | 11 | 1 | 1 | 0 | 12 | 0 | 4 | 0 |');
    expect(rectification).toContain('创建工作总体方案未予认定：《碑林区创建工作总体方案》已登记，但缺文号和印发日期');
    // The city report: the narrative sections, 下一步工作 from the ledgers, self-evaluations item by item.
    const md = readFileSync(join(out, 'city-report.md'), 'utf8');
    for (const h of ['## 一、创建工作基本情况', '## 二、主要做法和成效', '## 三、特色做法', '## 四、存在问题', '## 五、下一步工作', '## 附录：数据来源与版本']) expect(md).toContain(h);
    expect(md).toMatch(/问题整改台账：已销号 18 条/);
    expect(md).toContain('自评与评估逐项对比');
    const publicMd = readFileSync(join(out, 'city-report-public.md'), 'utf8');
    expect(publicMd).not.toMatch(/sha256|待填写|xian-2022\/|evidence\//);
    expect(readdirSync(join(out, 'self-evaluation')).sort()).toEqual(
      ['beilin', 'chengguanju', 'lintong', 'shuiwuju', 'yanta'].flatMap((u) => [`${u}.docx`, `${u}.md`]),
    );
  });

  it('next-edition: the 2023 example extends 2022, needs a major version, and last year\'s evidence carries over with a report', { timeout: 60_000 }, () => {
    const out = node(['examples/next-edition/next.mjs']);
    expect(out).toContain('== xian-2023-example/district 3.0.0 extends xian-2022/district 2.0.0');
    expect(out).toContain('84 → 85 scored items, max 140 → 140, bonus cap 5 → 5');
    expect(out).toContain('verdict major: item 3.1.2.8 removed; item 3.2.3.20 renamed to 3.2.3.58.1; field utilityTunnelPlan removed');
    expect(out).toContain('✓ xian-2023-example/district 3.0.0 over xian-2022/district 2.0.0: a major bump');
    expect(out).toMatch(/baqiao\s+灞桥区\s+79\.75\s+→ 77\.179\s+carried 108, not carried 1; to complete 6 new \+ 0 left blank last year/);
    expect(out).toContain('20 districts, 18 values not carried over:');
    expect(out).toContain('18 × 评分项3.1.2.8在2023版中已删除');
  });

  it('score-one-unit: scores lintong through the API, evaluates, lays out the template, and catches a bad rate', () => {
    const out = node(['examples/score-one-unit/score.mjs']);
    expect(out).toContain('total 5.1 / 140, normalized 3.643, grade 不合格');
    // 3.1.2.4.1 is merged by `replace`: the on-site count stands, the unit's own is kept at 0.
    expect(out).toContain('−0 [rule] 市政消火栓（消防水鹤）未保持完好：发现3处，每处扣0.2分，1分扣完为止，扣0.6分（已被核查结果取代，不计分）');
    expect(out).toContain('−0.4 [onsite] 现场抽查市政消火栓15处，其中2处出水压力不足');
    expect(out).toContain('−1 [rule] 老旧管网改造率为78.5%（≤80%），扣1分');
    expect(out).toContain('佐证材料未通过核查（数据核查·准确性）');
    expect(out).toContain('== evaluate: total 5.1, normalized 3.643, grade fail, vetoed false');
    expect(out).toContain('== evidenceLayout: 84 items, 109 fields (3 general) for 临潼区');
    expect(out).toContain('/values/oldPipeRenovationRate: expected a rate from 0 to 100 (%), found number 120');
  });

  it('city-round: runs a round with the safecity command and writes scores, feedback lists and the report', { timeout: 60_000 }, () => {
    const printed = node(['examples/city-round/round.mjs']);
    expect(printed).toContain('$ npx safecity validate xian-2022/district');
    expect(printed).toMatch(/huyi\s+鄠邑区\s+140\s+104\.5\s+0\s+104\.5\s+74\.643\s+合格/);
    expect(printed).toContain('huyi 3.2.1.11 hazmatMonitoringRate: 74 → 100');
    expect(printed).toMatch(/huyi\s+鄠邑区\s+140\s+112\.5\s+0\s+112\.5\s+80\.357\s+良好/);
    // Self-scores against the first round, like with like (折算得分): no gap above 5 in this data.
    expect(printed).toContain('huyi     鄠邑区: self 75.1, evaluated 74.64, gap +0.46');
    expect(printed).not.toMatch(/自评偏[高低]/);
    expect(printed).toContain('all steps passed');
    const out = join(root, 'examples', 'city-round', 'out');
    // Six cards and the round's manifest (written last), in each round's folder.
    expect(readdirSync(join(out, 'scores'))).toHaveLength(7);
    expect(readdirSync(join(out, 'scores'))).toContain('safecity-manifest.json');
    expect(readdirSync(join(out, 'scores-after'))).toHaveLength(7);
    expect(readdirSync(join(out, 'feedback')).sort()).toEqual(
      [...['beilin', 'huyi', 'lianhu', 'lintong', 'weiyang', 'yanta'].flatMap((u) => [`${u}.docx`, `${u}.md`, `${u}.xlsx`]), 'safecity-manifest.json'].sort(),
    );
    expect(existsSync(join(out, 'templates', 'lintong.xlsx'))).toBe(true);
    expect(existsSync(join(out, 'templates', 'lintong.schema.json'))).toBe(true);
    expect(readFileSync(join(out, 'report', 'city.html'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(out, 'report', 'city.rectification.md'), 'utf8')).toContain('已整改');
  });

  it('custom-plugin: a method and an operator on one engine; an engine without them refuses the ruleset', () => {
    const out = node(['examples/custom-plugin/plugin.mjs']);
    expect(out).toContain('雁塔区 (yanta): total 2.7 / 3, grade 良好');
    expect(out).toContain('−0.3 整改超期天数：超期3天，每天扣0.1分，1分扣完为止，扣0.3分');
    expect(out).toContain('临潼区 (lintong): total 0 / 3, grade 不合格');
    expect(out).toContain('−2 整改完成率不在90%～100%之间，得0分（满分2分）');
    expect(out).toContain('/tree/0/children/0/scoring/method: unknown scoring method "per-day-overdue"');
    expect(out).toContain('/tree/0/children/1/scoring/logic/if/0/between: unknown JsonLogic operator "between"');
    expect(node(['examples/custom-plugin/plugin.mjs', '--en'])).toContain('3 days overdue, 0.1 a day, at most 1; 0.3 deducted');
  });

  it('custom-plugin: type-checks with no params type written by hand (defineMethod infers it from the TypeBox schema)', { timeout: 300_000 }, () => {
    // tsc prints the errors and exits non-zero on any, which execFileSync throws with.
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(node([tsc, '-p', 'examples/custom-plugin'])).toBe('');
    expect(readFileSync(join(root, 'examples/custom-plugin/plugin.mjs'), 'utf8')).toMatch(/^\/\/ @ts-check\n/);
  });
});
