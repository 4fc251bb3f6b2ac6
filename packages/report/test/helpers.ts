import { createEngine, seededRandom, type CompiledRuleset, type FieldValue, type Finding, type ScoreCard, type ScoreNode, type Unit } from '@safecity/engine';
import { district, municipal, unitById, units } from '@safecity/ruleset-xian-2022';

export const engine = createEngine();
export const districtRs: CompiledRuleset = engine.compile(district);
let municipalCompiled: CompiledRuleset | undefined;
/** The municipal rubric, compiled on first use (only the tests of municipal units need it). */
export function municipalRs(): CompiledRuleset {
  return (municipalCompiled ??= engine.compile(municipal));
}
export { district, municipal, units };

/** A unit of the Xi'an registry by id (throws when unknown). */
export function unit(id: string): Unit {
  const u = unitById(id);
  if (u === undefined) throw new Error(`no unit ${id}`);
  return u;
}

/** A small deterministic PRNG (the engine's `seededRandom`, mulberry32). */
export const prng: (seed: number) => () => number = seededRandom;

const BAD_COUNT = /(Findings|Defects|Violations|Hazards|Gaps|overdueTasks|lateReports|largerAccidents)$/;

/**
 * Evidence for every field of a ruleset, of a quality in [0, 1]: 1 fills everything well,
 * lower values miss documents, report findings and lower rates. Deterministic per seed.
 */
export function generateValues(rs: CompiledRuleset, quality: number, seed: number): Record<string, FieldValue> {
  const rnd = prng(seed);
  const required = new Map<string, string[]>();
  const walk = (nodes: readonly any[]): void => {
    for (const n of nodes) {
      const p = n.scoring?.params;
      if (p && typeof p.field === 'string' && Array.isArray(p.required)) required.set(p.field, p.required);
      if (n.children) walk(n.children);
    }
  };
  walk(rs.source.tree);
  if (rs.source.bonus) walk(rs.source.bonus.items);
  const values: Record<string, FieldValue> = {};
  for (const f of rs.fields) {
    const good = rnd() < quality;
    switch (f.type) {
      case 'boolean':
        values[f.name] = f.name === 'concealedAccident' ? false : good;
        break;
      case 'integer':
        if (f.name === 'largerAccidentDeaths') values[f.name] = 0;
        else if (BAD_COUNT.test(f.name)) values[f.name] = good ? 0 : 1 + Math.floor(rnd() * 4);
        else values[f.name] = good ? 3 + Math.floor(rnd() * 5) : Math.floor(rnd() * 2);
        break;
      case 'number':
        values[f.name] = good ? 80 + Math.round(rnd() * 20) : Math.round(rnd() * 50);
        break;
      case 'rate':
        values[f.name] = good ? 100 : Math.round(60 + rnd() * 39);
        break;
      case 'documents': {
        const req = required.get(f.name) ?? [];
        values[f.name] = req.filter(() => good || rnd() < quality);
        break;
      }
      default:
        values[f.name] = null;
    }
  }
  return values;
}

/** Score a unit with generated evidence (and optional findings). */
export function generatedCard(unitId: string, quality: number, seed: number, findings: Finding[] = []): ScoreCard {
  const u = unit(unitId);
  const rs = u.kind === 'municipal' ? municipalRs() : districtRs;
  return rs.score({ unit: u, values: generateValues(rs, quality, seed) }, { findings });
}

/** A node of a card by id. */
export function node(nodes: readonly ScoreNode[], id: string): ScoreNode | undefined {
  for (const n of nodes) {
    if (n.id === id) return n;
    const found = node(n.children ?? [], id);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The district rubric with item 2.4.2 (checked by both methods) merging check findings by `larger` (so one is superseded) and an item-level suggestion. */
export const districtLarger = (() => {
  const rs = JSON.parse(JSON.stringify(district));
  const find = (nodes: any[]): any => {
    for (const n of nodes) {
      if (n.id === '2.4.2') return n;
      const f = n.children ? find(n.children) : undefined;
      if (f) return f;
    }
    return undefined;
  };
  const item = find(rs.tree);
  item.merge = 'larger';
  item.suggestion = { zh: '按档案管理要求补齐台账资料' };
  return rs as typeof district;
})();
export const districtLargerRs: CompiledRuleset = engine.compile(districtLarger);

/**
 * 雁塔区 with full evidence except 3.1.1.1 (3 planning findings → rule −1.5), 2.1.2 not
 * graded (rule −2), and check findings: data check −0.5 on 1.1.1; on 2.4.2 data check −0.3
 * and on-site −0.4 merged by `larger` (the data check's superseded); on-site −0.5 on 3.1.1.2
 * (a reason starting with `=SUM(A1)`) and −0.4 on 3.2.2.17 (a reason with `|` and a newline).
 */
export function feedbackCard(): ScoreCard {
  const values = { ...generateValues(districtLargerRs, 1, 7), planFindings: 3 };
  return districtLargerRs.score(
    { unit: unit('yanta'), values, sources: { planFindings: ['yanta.xlsx!评分项!F22'] } },
    {
      findings: [
        { item: '1.1.1', source: 'data-check', type: 'deduction', points: 0.5, reason: '领导小组成员调整后未重新发文', suggestion: '重新印发领导小组调整文件' },
        { item: '2.4.2', source: 'data-check', type: 'deduction', points: 0.3, reason: '台账资料未按月归档' },
        { item: '2.4.2', source: 'onsite', type: 'deduction', points: 0.4, reason: '现场抽查台账缺少签字', evidence: ['现场检查记录表!第2页'] },
        { item: '3.1.1.2', source: 'onsite', type: 'deduction', points: 0.5, reason: '=SUM(A1) 现场抽查2个建设项目未开展安全评估', suggestion: '-补做评估' },
        { item: '3.2.2.17', source: 'onsite', type: 'deduction', points: 0.4, reason: '高层建筑消防通道堵塞|2处\n另见照片', evidence: ['照片1.jpg', '照片2.jpg'] },
      ],
    },
  );
}

/** A reason with markup, to test escaping. */
export const SCRIPT_REASON = '<script>alert("x")</script>现场未见领导小组文件原件';

/** A development zone whose name has markup (not in the registry). */
export const oddUnit: Unit = { id: 'zz-test', name: '测试<b>开发区</b>&', kind: 'development-zone' };

/**
 * A city of 11 district-rubric cards from generated evidence: qualities from 0.45 to 0.95,
 * 新城区 and 碑林区 with the same evidence (a tie), 灞桥区 vetoed (concealed accident), a
 * data-check finding with markup in its reason on 1.1.1 for every unit, on-site expert grades
 * for some.
 * Also the round before rectification (lower qualities, 莲湖区 missing, 西咸新区 only there)
 * and self scores (normalised, within 2.05 of the card but 雁塔区 +12 and 高陵区 −6.5).
 */
export function city(): { cards: ScoreCard[]; before: ScoreCard[]; selfScores: Record<string, number> } {
  const ids = ['xincheng', 'beilin', 'lianhu', 'yanta', 'baqiao', 'weiyang', 'yanliang', 'lintong', 'changan', 'gaoling', 'zz-test'];
  const grades = ['优', '良', '中', '差'];
  const make = (id: string, i: number, shift: number): ScoreCard => {
    const u = id === oddUnit.id ? oddUnit : unit(id);
    const k = id === 'beilin' ? 0 : i; // 碑林区 gets 新城区's evidence and findings
    const seed = k + 1;
    const quality = 0.45 + k * 0.05 + shift;
    const values = generateValues(districtRs, Math.min(1, quality), seed);
    values['leadingGroupDoc'] = true; // so the data-check finding on 1.1.1 always counts
    if (id === 'baqiao') values['concealedAccident'] = true;
    const findings: Finding[] = [{ item: '1.1.1', source: 'data-check', type: 'deduction', points: 0.5, reason: SCRIPT_REASON }];
    if (k % 3 === 0) findings.push({ item: '2.1.2', source: 'onsite', type: 'grade', grade: grades[k % 4]! });
    return districtRs.score({ unit: u, values }, { findings });
  };
  const cards = ids.map((id, i) => make(id, i, 0));
  const before = [...ids.filter((id) => id !== 'lianhu').map((id) => make(id, ids.indexOf(id), -0.15)), generatedCard('xixian', 0.5, 99)];
  // self scores on the normalised 100 scale, as units report them before the checks: against the
  // first round (莲湖区, evaluated only after, against its card)
  const first = (c: ScoreCard) => before.find((b) => b.unit.id === c.unit.id) ?? c;
  const selfScores: Record<string, number> = {};
  for (const c of cards) selfScores[c.unit.id] = Math.round(first(c).normalized! * 10) / 10 + 2;
  selfScores['yanta'] = first(cards[3]!).normalized! + 12; // over-stated by 12
  selfScores['gaoling'] = first(cards[9]!).normalized! - 6.5; // under-stated by 6.5
  delete selfScores['changan']; // not reported
  selfScores['xixian'] = 90; // no card this round
  return { cards, before, selfScores };
}
