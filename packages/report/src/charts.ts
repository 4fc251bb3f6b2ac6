/**
 * Charts rendered on the server as SVG strings with ECharts (no DOM, no scripts).
 * @module
 */
import { createRequire } from 'node:module';
import type * as ECharts from 'echarts';

let loaded: typeof ECharts | undefined;

/**
 * ECharts, loaded with the first chart, not with the package (feedback lists, ledgers and the
 * Word reports draw none), and as its one-file CommonJS build: its ES modules are some 600 files,
 * three times the load.
 */
function echarts(): typeof ECharts {
  // From this module's file: `__filename` in the CommonJS build, the module's URL in the ES one.
  loaded ??= createRequire(typeof __filename === 'string' ? __filename : import.meta.url)('echarts') as typeof ECharts;
  return loaded;
}

/** Font stack for chart text: Chinese system fonts first, no web fonts. */
export const CHART_FONT = 'Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, SimHei, sans-serif';

const PALETTE = ['#2f5d9e', '#d9822b', '#3a8f5c', '#b33a3a', '#7a5aa6', '#4aa3b5'];

/**
 * Render one ECharts option to an SVG string, server-side, and dispose the chart.
 * Animation is off; text uses {@link CHART_FONT}.
 */
export function renderSvg(option: ECharts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts().init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: CHART_FONT }, ...option });
    return stableClasses(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/**
 * zrender names a chart's classes after counters of the process (`zr0-cls-3` in the first chart
 * drawn, `zr7-cls-40` later), in `class="…"` and in the chart's `<style>` (`.zr7-cls-40:hover`),
 * so the same report written twice in one process differed. They are renamed after the chart's
 * own content (FNV-1a of the SVG without them) and their order of appearance: same input, same
 * bytes; two different charts on one page keep different classes.
 */
function stableClasses(svg: string): string {
  const CLASS = /(class="|\.)zr\d+-cls-\d+/g;
  const bare = svg.replace(CLASS, '$1');
  let h = 0x811c9dc5;
  for (let i = 0; i < bare.length; i++) h = Math.imul(h ^ bare.charCodeAt(i), 0x01000193) >>> 0;
  const names = new Map<string, string>();
  return svg.replace(CLASS, (whole: string, lead: string) => {
    const name = whole.slice(lead.length);
    let n = names.get(name);
    if (n === undefined) names.set(name, (n = `zc${h.toString(16)}-${names.size}`));
    return lead + n;
  });
}

/** Bars of the average score rate (%) per area; `title` default `各评价领域平均得分率（%）` (name the kind of units when there are several). */
export function areaBarsSvg(areas: readonly { title: string; percent: number }[], title?: string): string {
  const width = 760;
  return renderSvg(
    {
      title: { text: title ?? '各评价领域平均得分率（%）', left: 'center', textStyle: { fontSize: 15, fontFamily: CHART_FONT } },
      grid: { left: 56, right: 24, top: 48, bottom: 48 },
      xAxis: { type: 'category', data: areas.map((a) => a.title), axisLabel: { interval: 0, fontSize: 12 } },
      yAxis: { type: 'value', min: 0, max: 100, name: '%' },
      series: [
        {
          type: 'bar',
          barMaxWidth: 64,
          data: areas.map((a, i) => ({ value: round1(a.percent), itemStyle: { color: PALETTE[i % PALETTE.length] } })),
          label: { show: true, position: 'top', formatter: '{c}%' },
        },
      ],
    },
    width,
    320,
  );
}

/** One bar of {@link rankingBarsSvg}. */
export interface RankingBar {
  name: string;
  score: number;
  /** Grade id (colours the bar) and its title (names it in the legend). */
  grade: string | null;
  gradeTitle?: string | null;
  vetoed: boolean;
  /** Thin coverage: the name gets ※, explained under the legend. */
  thin?: boolean;
}

/** The legend entry of vetoed units. */
export const VETO_LEGEND = '否决';
/** The note under the legend when a unit has thin coverage. */
export const THIN_LEGEND = '※ 工作成效适用分值不足，按规定折算';

/**
 * Horizontal bars of every unit's score (of one ranking group, one kind of units), best on top,
 * coloured by grade, with a legend naming each grade's colour, 否决 (grey) and, when a unit is
 * marked ※, what ※ means; `title` default `各单位{scoreName}排名`.
 */
export function rankingBarsSvg(rows: readonly RankingBar[], scoreName: string, title?: string): string {
  const height = Math.max(180, 96 + rows.length * 24);
  const reversed = [...rows].reverse();
  const max = Math.max(100, ...rows.map((r) => r.score));
  // one series per legend entry, stacked on one axis so each unit has a single bar
  const keyOf = (r: RankingBar) => (r.vetoed ? VETO_LEGEND : (r.gradeTitle ?? r.grade ?? '无等级'));
  const keys: { name: string; colour: string }[] = [];
  for (const r of rows) {
    const k = keyOf(r);
    if (!keys.some((x) => x.name === k)) keys.push({ name: k, colour: r.vetoed ? VETO_COLOUR : gradeColour(r.grade, keys.length) });
  }
  keys.sort((a, b) => (a.name === VETO_LEGEND ? 1 : b.name === VETO_LEGEND ? -1 : 0));
  const thin = rows.some((r) => r.thin === true);
  return renderSvg(
    {
      title: { text: title ?? `各单位${scoreName}排名`, left: 'center', textStyle: { fontSize: 15, fontFamily: CHART_FONT } },
      legend: { top: 36, data: keys.map((k) => k.name), itemWidth: 14, itemHeight: 10, textStyle: { fontSize: 12 } },
      ...(thin ? { graphic: [{ type: 'text', right: 16, top: 38, style: { text: THIN_LEGEND, fontSize: 12, fill: '#8a4b00', fontFamily: CHART_FONT } }] } : {}),
      grid: { left: 110, right: 56, top: 70, bottom: 24 },
      xAxis: { type: 'value', min: 0, max: Math.ceil(max / 20) * 20 },
      yAxis: { type: 'category', data: reversed.map((r) => (r.thin === true ? `${r.name}※` : r.name)), axisLabel: { interval: 0, fontSize: 12 } },
      series: keys.map((k) => ({
        name: k.name,
        type: 'bar',
        stack: 'score',
        barMaxWidth: 18,
        itemStyle: { color: k.colour },
        data: reversed.map((r) => (keyOf(r) === k.name ? round1(r.score) : '-')),
        label: { show: true, position: 'right', formatter: '{c}' },
      })),
    },
    760,
    height,
  );
}

/** A radar of one unit's score rates (%) per area. */
export function radarSvg(name: string, areas: readonly string[], percents: readonly (number | null)[]): string {
  return renderSvg(
    {
      title: { text: name, left: 'center', top: 4, textStyle: { fontSize: 13, fontFamily: CHART_FONT } },
      radar: {
        center: ['50%', '57%'],
        radius: '52%',
        indicator: areas.map((a) => ({ name: a.replace(/[（(][^（）()]*[）)]$/, ''), max: 100 })),
        axisName: { color: '#333', fontSize: 11 },
      },
      series: [
        {
          type: 'radar',
          areaStyle: { opacity: 0.25 },
          data: [{ name, value: percents.map((p) => (p === null ? 0 : round1(p))) }],
        },
      ],
    },
    280,
    240,
  );
}

/** Grouped bars of each unit's score before and after rectification; `title` default `整改前后{scoreName}对比`. */
export function beforeAfterSvg(rows: readonly { name: string; before: number; after: number }[], scoreName: string, title?: string): string {
  const width = Math.max(560, 90 + rows.length * 52);
  return renderSvg(
    {
      title: { text: title ?? `整改前后${scoreName}对比`, left: 'center', textStyle: { fontSize: 15, fontFamily: CHART_FONT } },
      legend: { top: 36, data: ['整改前', '整改后'] },
      grid: { left: 48, right: 16, top: 76, bottom: 64 },
      xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: rows.length > 8 ? 30 : 0 } },
      yAxis: { type: 'value', min: 0 },
      series: [
        { name: '整改前', type: 'bar', data: rows.map((r) => round1(r.before)), itemStyle: { color: '#9fb3d1' } },
        { name: '整改后', type: 'bar', data: rows.map((r) => round1(r.after)), itemStyle: { color: '#2f5d9e' } },
      ],
    },
    Math.min(width, 1000),
    360,
  );
}

const GRADE_COLOURS: Record<string, string> = { excellent: '#3a8f5c', good: '#2f5d9e', pass: '#d9822b', fail: '#b33a3a' };
const OTHER_COLOURS = ['#7a5aa6', '#4aa3b5', '#8c6d31', '#2f5d9e'];
const VETO_COLOUR = '#9e9e9e';
function gradeColour(grade: string | null, i: number): string {
  return (grade !== null ? GRADE_COLOURS[grade] : undefined) ?? OTHER_COLOURS[i % OTHER_COLOURS.length]!;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
