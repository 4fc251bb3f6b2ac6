/**
 * The city's self-evaluation report (自评报告): summary, areas, ranking, most deducted
 * items, self-score check, rectification, as one self-contained HTML file with SVG charts
 * and as Markdown.
 * @module
 */
import type { Ruleset, ScoreCard, VetoResult } from '@safecity/engine';
import { areaBarsSvg, beforeAfterSvg, CHART_FONT, radarSvg, rankingBarsSvg } from './charts.js';
import { compareRounds, type RoundComparison } from './compare.js';
import {
  assertCards,
  cardItems,
  escapeHtml,
  escapeMarkdown,
  escapeMarkdownCell,
  fmtPct,
  fmtPoints,
  fmtSigned,
  milli,
  points,
  rankScore,
  today,
} from './util.js';

/** Options of {@link cityReport} and {@link cityReportData}. */
export interface CityReportOptions {
  /** Report title; default `{city}国家安全发展示范城市创建自检评估自评报告`. */
  title?: string;
  /** City name, e.g. `西安市`. */
  city?: string;
  /** Date of the report (`YYYY-MM-DD`); default today. */
  date?: string;
  /** Cards of the round before rectification: adds the before/after section. */
  before?: ScoreCard[];
  /** Each unit's own self-evaluated total (unit id → points): adds the self-score check. */
  selfScores?: Record<string, number>;
  /** The rulesets the cards were scored under: their titles are shown, and their grade bands order the grades. */
  rulesets?: Ruleset[];
  /** How many units get a radar chart (the first in ranking order); default 12. */
  radarUnits?: number;
  /** How many of the most deducted items to list; default 10. */
  topItems?: number;
  /** A self score differing from the evaluated total by more than this is flagged; default 5. */
  selfScoreTolerance?: number;
}

/** The report in its two forms. */
export interface CityReport {
  /** One self-contained HTML file: inline CSS and SVG, no scripts, no external URLs. */
  html: string;
  /** The same sections as Markdown tables (charts omitted). */
  markdown: string;
}

/** A unit in the report. */
export interface ReportUnit {
  id: string;
  name: string;
  kind: string;
}

/** An area (top-level node: 工作机制, 创建路径, 工作成效, 先进经验) averaged over units. */
export interface AreaAverage {
  title: string;
  /** Units where the area has an applicable maximum. */
  units: number;
  /** Mean over those units of earned / applicable max × 100. */
  percent: number;
  /** Lowest and highest unit percentage. */
  min: number;
  max: number;
  /** Whether it is the bonus bucket (加分项, % of its cap). */
  bonus: boolean;
}

/** One row of the ranking. */
export interface RankingRow {
  /** 1-based position. */
  rank: number;
  unit: ReportUnit;
  /** The ranking score: normalized, else total. */
  score: number;
  total: number;
  normalized?: number;
  max: number;
  earned: number;
  bonus: number;
  grade: string | null;
  gradeTitle: string | null;
  vetoed: boolean;
  /** Percent per area, aligned with {@link CityReportData.areas} (null where not applicable). */
  areaPercents: (number | null)[];
}

/** An item deducted in one or more units. */
export interface DeductedItem {
  id: string;
  /** Full path of titles. */
  path: string;
  title: string;
  /** Units with a deduction on it. */
  units: number;
  /** Points deducted over those units. */
  points: number;
  /** The most common deduction reason, and how many deductions gave it. */
  reason: string;
  reasonCount: number;
}

/** A unit's self score against the evaluated total. */
export interface SelfScoreRow {
  unit: ReportUnit;
  self: number;
  evaluated: number;
  /** self − evaluated. */
  difference: number;
  /** |difference| > tolerance. */
  flagged: boolean;
}

/** Everything the report shows, computed (the HTML and Markdown render this). */
export interface CityReportData {
  title: string;
  city?: string;
  date: string;
  rulesets: { id: string; version: string; hash: string; title?: string }[];
  /** Units evaluated, and per kind. */
  units: number;
  byKind: { kind: string; title: string; count: number }[];
  /** What the ranking score is: `折算得分` when every card is normalised, else `总分`. */
  scoreName: string;
  /** Average ranking score (null without cards). */
  averageScore: number | null;
  grades: { grade: string | null; title: string; count: number }[];
  vetoed: { unit: ReportUnit; vetoes: VetoResult[] }[];
  areas: AreaAverage[];
  ranking: RankingRow[];
  topItems: DeductedItem[];
  /** Present when `selfScores` was given. */
  selfScores?: { rows: SelfScoreRow[]; tolerance: number; withoutCard: string[]; withoutSelfScore: ReportUnit[] };
  /** Present when `before` was given. */
  rectification?: RoundComparison;
}

const KIND_TITLES: Record<string, string> = {
  municipal: '市级成员单位',
  district: '区',
  county: '县',
  'development-zone': '开发区',
};

const unitOf = (c: ScoreCard): ReportUnit => ({ id: c.unit.id, name: c.unit.name, kind: c.unit.kind });
const pct = (earned: number, max: number): number => (earned / max) * 100;

/**
 * Compute the content of the self-evaluation report from the cards (the figures
 * {@link cityReport} renders): summary, area averages, ranking (by normalized, then total,
 * ties by unit id), most deducted items, self scores, rectification.
 *
 * @throws TypeError when `cards` (or `before`) is not an array of ScoreCards, or has a unit twice.
 */
export function cityReportData(cards: readonly ScoreCard[], options: CityReportOptions = {}): CityReportData {
  const list = assertCards(cards, 'cards');
  const city = options.city;
  const title = options.title ?? `${city ?? ''}国家安全发展示范城市创建自检评估自评报告`;
  const date = options.date ?? today();

  // rulesets used
  const rsTitles = new Map((options.rulesets ?? []).map((r) => [`${r.id}@${r.version}`, r.title.zh]));
  const rulesets: CityReportData['rulesets'] = [];
  for (const c of list) {
    if (rulesets.some((r) => r.id === c.ruleset.id && r.version === c.ruleset.version)) continue;
    const r: CityReportData['rulesets'][number] = { id: c.ruleset.id, version: c.ruleset.version, hash: c.ruleset.hash };
    const t = rsTitles.get(`${c.ruleset.id}@${c.ruleset.version}`);
    if (t !== undefined) r.title = t;
    rulesets.push(r);
  }

  // kinds
  const kinds = new Map<string, number>();
  for (const c of list) kinds.set(c.unit.kind, (kinds.get(c.unit.kind) ?? 0) + 1);
  const byKind = [...kinds].map(([kind, count]) => ({ kind, title: KIND_TITLES[kind] ?? kind, count }));

  const allNormalised = list.length > 0 && list.every((c) => c.normalized !== undefined);
  const scoreName = allNormalised ? '折算得分' : '总分';
  const averageScore = list.length === 0 ? null : Math.round(list.reduce((s, c) => s + milli(rankScore(c)), 0) / list.length) / 1000;

  // grades, ordered by the rulesets' bands when given, else by the best score reaching them
  const bandOrder = new Map<string, number>();
  for (const r of options.rulesets ?? []) for (const [i, g] of (r.grades ?? []).entries()) if (!bandOrder.has(g.id)) bandOrder.set(g.id, i);
  const gradeMap = new Map<string, { grade: string | null; title: string; count: number; best: number }>();
  for (const c of list) {
    const key = c.grade ?? '';
    const g = gradeMap.get(key) ?? { grade: c.grade, title: c.gradeTitle ?? c.grade ?? '无等级', count: 0, best: -Infinity };
    g.count += 1;
    g.best = Math.max(g.best, rankScore(c));
    gradeMap.set(key, g);
  }
  const grades = [...gradeMap.values()]
    .sort((a, b) => {
      const oa = a.grade !== null ? bandOrder.get(a.grade) : undefined;
      const ob = b.grade !== null ? bandOrder.get(b.grade) : undefined;
      if (oa !== undefined && ob !== undefined) return oa - ob;
      return b.best - a.best;
    })
    .map(({ grade, title: t, count }) => ({ grade, title: t, count }));

  const vetoed = list.filter((c) => c.vetoed).map((c) => ({ unit: unitOf(c), vetoes: c.vetoes }));

  // areas: top-level nodes by title, in order of first appearance
  const areaTitles: string[] = [];
  const areaBonus = new Map<string, boolean>();
  const perCardArea = new Map<string, Map<string, number>>();
  for (const c of list) {
    const m = new Map<string, number>();
    const bonusIds = new Set(cardItems(c).filter((v) => v.bonus).map((v) => v.ancestors[0]?.id ?? v.node.id));
    for (const n of c.nodes) {
      if (!areaTitles.includes(n.title)) areaTitles.push(n.title);
      if (bonusIds.has(n.id)) areaBonus.set(n.title, true);
      if (n.applicable && n.max > 0) m.set(n.title, pct(n.earned, n.max));
    }
    perCardArea.set(c.unit.id, m);
  }
  const areas: AreaAverage[] = areaTitles.map((t) => {
    const values = list.map((c) => perCardArea.get(c.unit.id)!.get(t)).filter((v): v is number => v !== undefined);
    const mean = values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length;
    return {
      title: t,
      units: values.length,
      percent: mean,
      min: values.length === 0 ? 0 : Math.min(...values),
      max: values.length === 0 ? 0 : Math.max(...values),
      bonus: areaBonus.get(t) === true,
    };
  });

  // ranking
  const sorted = [...list].sort(
    (a, b) => milli(rankScore(b)) - milli(rankScore(a)) || milli(b.total) - milli(a.total) || (a.unit.id < b.unit.id ? -1 : a.unit.id > b.unit.id ? 1 : 0),
  );
  const ranking: RankingRow[] = sorted.map((c, i) => {
    const row: RankingRow = {
      rank: i + 1,
      unit: unitOf(c),
      score: rankScore(c),
      total: c.total,
      max: c.max,
      earned: c.earned,
      bonus: c.bonus,
      grade: c.grade,
      gradeTitle: c.gradeTitle,
      vetoed: c.vetoed,
      areaPercents: areaTitles.map((t) => perCardArea.get(c.unit.id)!.get(t) ?? null),
    };
    if (c.normalized !== undefined) row.normalized = c.normalized;
    return row;
  });

  // most deducted items
  const stats = new Map<string, { id: string; title: string; path: string; units: Set<string>; milli: number; reasons: Map<string, number>; order: number }>();
  let order = 0;
  for (const c of list) {
    for (const { node, ancestors, bonus } of cardItems(c)) {
      // A bonus item not earned is points not gained, not a deduction to rectify.
      if (!node.applicable || bonus) continue;
      const ds = (node.deductions ?? []).filter((d) => d.superseded !== true && milli(d.points) > 0);
      if (ds.length === 0) continue;
      const key = `${node.id}\u0000${node.title}`;
      let s = stats.get(key);
      if (s === undefined) {
        s = { id: node.id, title: node.title, path: [...ancestors, node].map((n) => n.title).join(' › '), units: new Set(), milli: 0, reasons: new Map(), order: order++ };
        stats.set(key, s);
      }
      s.units.add(c.unit.id);
      for (const d of ds) {
        s.milli += milli(d.points);
        s.reasons.set(d.reason, (s.reasons.get(d.reason) ?? 0) + 1);
      }
    }
  }
  const topItems: DeductedItem[] = [...stats.values()]
    .sort((a, b) => b.units.size - a.units.size || b.milli - a.milli || a.order - b.order)
    .slice(0, Math.max(0, options.topItems ?? 10))
    .map((s) => {
      let reason = '';
      let reasonCount = 0;
      for (const [r, n] of s.reasons) if (n > reasonCount) [reason, reasonCount] = [r, n];
      return { id: s.id, title: s.title, path: s.path, units: s.units.size, points: points(s.milli), reason, reasonCount };
    });

  const data: CityReportData = {
    title,
    date,
    rulesets,
    units: list.length,
    byKind,
    scoreName,
    averageScore,
    grades,
    vetoed,
    areas,
    ranking,
    topItems,
  };
  if (city !== undefined) data.city = city;

  if (options.selfScores !== undefined) {
    const tolerance = options.selfScoreTolerance ?? 5;
    const self = options.selfScores;
    const rows: SelfScoreRow[] = [];
    for (const c of sorted) {
      const v = Object.prototype.hasOwnProperty.call(self, c.unit.id) ? self[c.unit.id] : undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const difference = points(milli(v) - milli(c.total));
      rows.push({ unit: unitOf(c), self: v, evaluated: c.total, difference, flagged: Math.abs(difference) > tolerance });
    }
    const ids = new Set(list.map((c) => c.unit.id));
    data.selfScores = {
      rows,
      tolerance,
      withoutCard: Object.keys(self).filter((id) => !ids.has(id)).sort(),
      withoutSelfScore: sorted.filter((c) => typeof self[c.unit.id] !== 'number').map(unitOf),
    };
  }
  if (options.before !== undefined) data.rectification = compareRounds(options.before, list);
  return data;
}

const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

interface Section {
  id: string;
  title: string;
  html: string;
  markdown: string;
}

/**
 * The city's self-evaluation report (自评报告) from every unit's card.
 *
 * Sections: summary (units, average score, grade distribution, vetoed units with reasons);
 * average score rate per area (工作机制, 创建路径, 工作成效, 先进经验 — as % of each unit's
 * applicable maximum); the ranking of all units (by normalized, then total, ties by unit
 * id); the most deducted items (units, points, most common reason); self score against
 * the evaluated total (when `selfScores` is given; differences over 5 points flagged);
 * before/after rectification (when `before` is given).
 *
 * The HTML is one self-contained, print-friendly file: inline CSS, charts as inline SVG
 * rendered on the server by ECharts (area bars, ranking bars, a radar per unit for the
 * first `radarUnits`, before/after bars), no scripts, no external fonts or URLs. All text
 * from the cards is escaped. The Markdown has the same sections as tables, without charts.
 */
export function cityReport(cards: readonly ScoreCard[], options: CityReportOptions = {}): CityReport {
  const data = cityReportData(cards, options);
  const sections: Section[] = [];
  const add = (id: string, title: string, html: string, markdown: string) => sections.push({ id, title, html, markdown });
  const sn = data.scoreName;
  const score = (n: number | null) => (n === null ? '—' : fmtPoints(n));

  // ---- 1. summary
  {
    const kindText = data.byKind.map((k) => `${k.title} ${k.count} 个`).join('，');
    const gradeText = data.grades.map((g) => `${g.title} ${g.count} 个`).join('，');
    const best = [...data.areas].filter((a) => a.units > 0 && !a.bonus).sort((a, b) => b.percent - a.percent);
    const sentences: string[] = [];
    sentences.push(`本次自检评估共评价 ${data.units} 个单位${kindText ? `（${kindText}）` : ''}，平均${sn} ${score(data.averageScore)} 分。`);
    if (gradeText) sentences.push(`评价等级：${gradeText}。`);
    if (best.length > 1) sentences.push(`得分率最高的评价领域为“${best[0]!.title}”（${fmtPct(best[0]!.percent)}），最低的为“${best[best.length - 1]!.title}”（${fmtPct(best[best.length - 1]!.percent)}）。`);
    const top = data.topItems[0];
    if (top !== undefined) sentences.push(`扣分最集中的评分项为 ${top.id}“${top.title}”（${top.units} 个单位扣分，共扣 ${fmtPoints(top.points)} 分）。`);
    sentences.push(data.vetoed.length > 0 ? `触发否决项的单位 ${data.vetoed.length} 个。` : '无单位触发否决项。');

    const facts: [string, string][] = [
      ['评价单位', `${data.units} 个${kindText ? `（${kindText}）` : ''}`],
      [`平均${sn}`, score(data.averageScore)],
      ['等级分布', gradeText || '—'],
      ['否决单位', data.vetoed.length > 0 ? `${data.vetoed.length} 个` : '无'],
      ['评价细则', data.rulesets.map((r) => `${r.title ?? r.id} ${r.version}`).join('；') || '—'],
    ];
    let html = `<p>${escapeHtml(sentences.join(''))}</p>\n<table class="facts"><tbody>\n${facts
      .map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('\n')}\n</tbody></table>\n`;
    let md = `${escapeMarkdown(sentences.join(''))}\n\n| 项目 | 情况 |\n|---|---|\n${facts.map(([k, v]) => `| ${escapeMarkdownCell(k)} | ${escapeMarkdownCell(v)} |`).join('\n')}\n`;
    if (data.grades.length > 0) {
      html += `<h3>等级分布</h3>\n<table class="compact"><thead><tr><th>等级</th><th class="num">单位数</th><th class="num">占比</th></tr></thead><tbody>\n${data.grades
        .map((g) => `<tr><td>${escapeHtml(g.title)}</td><td class="num">${g.count}</td><td class="num">${fmtPct((g.count / data.units) * 100)}</td></tr>`)
        .join('\n')}\n</tbody></table>\n`;
      md += `\n**等级分布**\n\n| 等级 | 单位数 | 占比 |\n|---|---:|---:|\n${data.grades
        .map((g) => `| ${escapeMarkdownCell(g.title)} | ${g.count} | ${fmtPct((g.count / data.units) * 100)} |`)
        .join('\n')}\n`;
    }
    if (data.vetoed.length > 0) {
      const rows = data.vetoed.flatMap((v) => v.vetoes.map((x) => [v.unit.name, x.title, x.reason] as const));
      html += `<h3>否决项</h3>\n<table><thead><tr><th>单位</th><th>否决项</th><th>原因</th></tr></thead><tbody>\n${rows
        .map(([u, t, r]) => `<tr><td>${escapeHtml(u)}</td><td>${escapeHtml(t)}</td><td>${escapeHtml(r)}</td></tr>`)
        .join('\n')}\n</tbody></table>\n`;
      md += `\n**否决项**\n\n| 单位 | 否决项 | 原因 |\n|---|---|---|\n${rows.map((r) => `| ${r.map(escapeMarkdownCell).join(' | ')} |`).join('\n')}\n`;
    }
    add('summary', '总体情况', html, md);
  }

  // ---- 2. areas
  {
    const chart = data.areas.length > 0 && data.units > 0 ? figure(areaBarsSvg(data.areas.map((a) => ({ title: a.title, percent: a.percent }))), '各评价领域平均得分率') : '';
    const head = ['评价领域', '参评单位', '平均得分率', '最低', '最高'];
    const rows = data.areas.map((a) => [a.title, String(a.units), fmtPct(a.percent), fmtPct(a.min), fmtPct(a.max)]);
    const note = '得分率 = 得分 ÷ 适用满分 × 100%（各单位适用项不同，先按单位折算再平均；加分项按其上限计）。';
    add('areas', '各评价领域得分率', `<p class="note">${escapeHtml(note)}</p>\n${chart}${htmlTable(head, rows, [1, 2, 3, 4])}`, `${note}\n\n${mdTable(head, rows, [1, 2, 3, 4])}`);
  }

  // ---- 3. ranking
  {
    const chart =
      data.ranking.length > 0
        ? figure(rankingBarsSvg(data.ranking.map((r) => ({ name: r.unit.name, score: r.score, grade: r.grade, vetoed: r.vetoed })), sn), `各单位${sn}排名`)
        : '';
    const head = ['排名', '单位', '类别', sn, '总分', '基础得分 / 适用满分', '加分', '等级', '否决'];
    const rows = data.ranking.map((r) => [
      String(r.rank),
      r.unit.name,
      KIND_TITLES[r.unit.kind] ?? r.unit.kind,
      fmtPoints(r.score),
      fmtPoints(r.total),
      `${fmtPoints(r.earned)} / ${fmtPoints(r.max)}`,
      fmtPoints(r.bonus),
      r.gradeTitle ?? '—',
      r.vetoed ? '是' : '',
    ]);
    const note = `按${sn}从高到低排列，${sn}相同时按总分，再按单位编号。`;
    add('ranking', '单位得分排名', `<p class="note">${escapeHtml(note)}</p>\n${chart}${htmlTable(head, rows, [0, 3, 4, 5, 6])}`, `${note}\n\n${mdTable(head, rows, [0, 3, 4, 5, 6])}`);
  }

  // ---- 4. radars
  {
    const n = Math.max(0, Math.min(options.radarUnits ?? 12, data.ranking.length));
    if (n > 0 && data.areas.length >= 3) {
      const titles = data.areas.map((a) => a.title);
      const figs = data.ranking
        .slice(0, n)
        .map((r) => figure(radarSvg(r.unit.name, titles, r.areaPercents), `${r.unit.name}各评价领域得分率`, 'radar'))
        .join('');
      const note = n < data.ranking.length ? `按排名列出前 ${n} 个单位（共 ${data.ranking.length} 个），各轴为该领域得分率（%）。` : '各轴为该领域得分率（%）。';
      const head = ['单位', ...titles];
      const rows = data.ranking.map((r) => [r.unit.name, ...r.areaPercents.map((p) => (p === null ? '不适用' : fmtPct(p)))]);
      add(
        'units',
        '各单位评价领域得分率',
        `<p class="note">${escapeHtml(note)}</p>\n<div class="radar-grid">${figs}</div>\n${htmlTable(head, rows, titles.map((_, i) => i + 1))}`,
        `${mdTable(head, rows, titles.map((_, i) => i + 1))}`,
      );
    }
  }

  // ---- 5. most deducted items
  {
    const head = ['评分项', '评分项名称', '扣分单位数', '合计扣分', '最常见扣分原因'];
    const rows = data.topItems.map((i) => [i.id, i.path, String(i.units), fmtPoints(i.points), i.reasonCount > 1 ? `${i.reason}（${i.reasonCount} 次）` : i.reason]);
    const body = rows.length > 0 ? null : '各单位均无扣分。';
    add(
      'deductions',
      '主要扣分项',
      body !== null ? `<p>${escapeHtml(body)}</p>\n` : htmlTable(head, rows, [2, 3]),
      body !== null ? `${body}\n` : mdTable(head, rows, [2, 3]),
    );
  }

  // ---- 6. self scores
  if (data.selfScores !== undefined) {
    const s = data.selfScores;
    const head = ['单位', '自评得分', '评估得分（总分）', '差值（自评 − 评估）', '说明'];
    const rows = s.rows.map((r) => [r.unit.name, fmtPoints(r.self), fmtPoints(r.evaluated), fmtSigned(r.difference), r.flagged ? (r.difference > 0 ? '自评偏高' : '自评偏低') : '']);
    const flagged = s.rows.filter((r) => r.flagged).length;
    const notes = [`差值超过 ${fmtPoints(s.tolerance)} 分的单位 ${flagged} 个，已标出。`];
    if (s.withoutSelfScore.length > 0) notes.push(`未报送自评得分：${s.withoutSelfScore.map((u) => u.name).join('、')}。`);
    if (s.withoutCard.length > 0) notes.push(`有自评得分但无评估结果：${s.withoutCard.join('、')}。`);
    const htmlRows = s.rows.map((r, i) => ({ cells: rows[i]!, flagged: r.flagged }));
    add(
      'self',
      '自评与评估得分对比',
      `<p class="note">${escapeHtml(notes.join(''))}</p>\n${htmlTable(head, htmlRows, [1, 2, 3])}`,
      `${escapeMarkdown(notes.join(''))}\n\n${mdTable(head, rows.map((r) => (r[4] ? [...r.slice(0, 4), `**${r[4]}**`] : r)), [1, 2, 3], [4])}`,
    );
  }

  // ---- 7. rectification
  if (data.rectification !== undefined) {
    const c = data.rectification;
    const t = c.totals;
    const summary =
      `整改前后均有评价结果的单位 ${t.units} 个：平均${sn} ${score(t.averageBefore)} → ${score(t.averageAfter)}；` +
      `挽回 ${fmtPoints(t.regained)} 分，新失 ${fmtPoints(t.lost)} 分；已整改 ${t.fixed} 项，仍扣分 ${t.remaining} 项，新增扣分 ${t.newDeductions} 项。` +
      (c.onlyBefore.length > 0 ? `仅有整改前结果（未复核）：${c.onlyBefore.map((u) => u.name).join('、')}。` : '') +
      (c.onlyAfter.length > 0 ? `仅有整改后结果：${c.onlyAfter.map((u) => u.name).join('、')}。` : '');
    const head = ['单位', `整改前${sn}`, `整改后${sn}`, '总分变化', '挽回分', '已整改', '仍扣分', '新增扣分'];
    const rows = c.units.map((u) => [
      u.unit.name,
      fmtPoints(u.before.normalized ?? u.before.total),
      fmtPoints(u.after.normalized ?? u.after.total),
      fmtSigned(u.change.total),
      fmtPoints(u.regained),
      String(u.fixed.length),
      String(u.remaining.length),
      String(u.newDeductions.length),
    ]);
    const chart =
      c.units.length > 0
        ? figure(
            beforeAfterSvg(
              c.units
                .map((u) => ({ id: u.unit.id, name: u.unit.name, before: u.before.normalized ?? u.before.total, after: u.after.normalized ?? u.after.total }))
                .sort((a, b) => b.after - a.after || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
              sn,
            ),
            `整改前后${sn}对比`,
          )
        : '';
    add(
      'rectification',
      '整改前后对比',
      `<p>${escapeHtml(summary)}</p>\n${chart}${htmlTable(head, rows, [1, 2, 3, 4, 5, 6, 7])}`,
      `${escapeMarkdown(summary)}\n\n${mdTable(head, rows, [1, 2, 3, 4, 5, 6, 7])}`,
    );
  }

  const numbered = sections.map((s, i) => ({ ...s, heading: `${NUMERALS[i] ?? String(i + 1)}、${s.title}` }));
  const metaParts = [data.city, data.date].filter((x): x is string => x !== undefined && x !== '');
  const footer = `本报告由 safecity 根据各单位评分卡生成。评价细则：${data.rulesets.map((r) => `${r.id} ${r.version}（${r.hash}）`).join('；') || '—'}。`;

  const html = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="safecity">
<title>${escapeHtml(data.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1>${escapeHtml(data.title)}</h1>
<p class="meta">${escapeHtml(metaParts.join(' · '))}</p>
<nav><ol>${numbered.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`).join('')}</ol></nav>
</header>
${numbered.map((s) => `<section id="${s.id}">\n<h2>${escapeHtml(s.heading)}</h2>\n${s.html}</section>`).join('\n')}
<footer><p>${escapeHtml(footer)}</p></footer>
</main>
</body>
</html>
`;
  const markdown = [
    `# ${escapeMarkdown(data.title)}`,
    '',
    ...(metaParts.length > 0 ? [escapeMarkdown(metaParts.join(' · ')), ''] : []),
    '> 图表见 HTML 版报告；本文件以表格列出相同内容。',
    '',
    ...numbered.flatMap((s) => [`## ${escapeMarkdown(s.heading)}`, '', s.markdown.trimEnd(), '']),
    '---',
    '',
    escapeMarkdown(footer),
    '',
  ].join('\n');
  return { html, markdown };
}

function figure(svg: string, caption: string, cls = 'chart'): string {
  return `<figure class="${cls}">${svg}<figcaption>${escapeHtml(caption)}</figcaption></figure>\n`;
}

type HtmlRow = readonly string[] | { cells: readonly string[]; flagged: boolean };

function htmlTable(head: readonly string[], rows: readonly HtmlRow[], numeric: readonly number[] = [], cls0 = ''): string {
  const cls = (i: number) => (numeric.includes(i) ? ' class="num"' : '');
  const body = rows
    .map((r) => {
      const cells = 'cells' in r ? r.cells : r;
      const flagged = 'cells' in r && r.flagged;
      return `<tr${flagged ? ' class="flag"' : ''}>${cells.map((c, i) => `<td${cls(i)}>${escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  return `<table${cls0 ? ` class="${cls0}"` : ''}><thead><tr>${head.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>\n`;
}

function mdTable(head: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = [], raw: readonly number[] = []): string {
  const align = head.map((_, i) => (numeric.includes(i) ? '---:' : '---'));
  const cell = (c: string, i: number) => (raw.includes(i) ? c : escapeMarkdownCell(c));
  return [
    `| ${head.map(escapeMarkdownCell).join(' | ')} |`,
    `|${align.join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n') + '\n';
}

const CSS = `
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #fff; color: #222; font: 14px/1.6 ${CHART_FONT}; }
main { max-width: 1020px; margin: 0 auto; padding: 28px 32px 40px; }
header { border-bottom: 2px solid #2f5d9e; margin-bottom: 16px; }
h1 { font-size: 24px; margin: 0 0 4px; color: #1d3c6e; }
h2 { font-size: 19px; margin: 28px 0 10px; color: #1d3c6e; border-left: 4px solid #2f5d9e; padding-left: 8px; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 15px; margin: 16px 0 6px; break-after: avoid; page-break-after: avoid; }
.meta { color: #555; margin: 0 0 8px; }
nav ol { margin: 0 0 12px; padding-left: 20px; display: flex; flex-wrap: wrap; gap: 2px 24px; }
nav a { color: #2f5d9e; text-decoration: none; }
.note { color: #555; font-size: 13px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 13px; }
th, td { border: 1px solid #b9c2cf; padding: 4px 7px; vertical-align: top; text-align: left; }
thead th { background: #e7ecf3; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; white-space: nowrap; }
table.facts { width: auto; min-width: 60%; }
table.compact { width: auto; min-width: 40%; }
table.facts th { background: #f3f5f8; white-space: nowrap; }
tr.flag td { background: #fbeaea; color: #8a1f1f; font-weight: bold; }
figure { margin: 10px 0 14px; text-align: center; break-inside: avoid; page-break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #666; }
.radar-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 6px; }
.radar-grid figure { margin: 0; border: 1px solid #e3e7ee; }
footer { margin-top: 28px; border-top: 1px solid #ccc; color: #777; font-size: 12px; word-break: break-all; }
@media print {
  body { font-size: 12px; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { margin-top: 18px; }
}
`;
