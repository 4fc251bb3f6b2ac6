/**
 * Charts rendered on the server as SVG strings with ECharts (no DOM, no scripts).
 * @module
 */
import * as echarts from 'echarts';

/** Font stack for chart text: Chinese system fonts first, no web fonts. */
export const CHART_FONT = 'Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, PingFang SC, Microsoft YaHei, SimHei, sans-serif';

const PALETTE = ['#2f5d9e', '#d9822b', '#3a8f5c', '#b33a3a', '#7a5aa6', '#4aa3b5'];

/**
 * Render one ECharts option to an SVG string, server-side, and dispose the chart.
 * Animation is off; text uses {@link CHART_FONT}.
 */
export function renderSvg(option: echarts.EChartsCoreOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, color: PALETTE, textStyle: { fontFamily: CHART_FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** Bars of the average score rate (%) per area. */
export function areaBarsSvg(areas: readonly { title: string; percent: number }[]): string {
  const width = 760;
  return renderSvg(
    {
      title: { text: '各评价领域平均得分率（%）', left: 'center', textStyle: { fontSize: 15, fontFamily: CHART_FONT } },
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

/** Horizontal bars of every unit's score (of one ranking group), best on top, coloured by grade; `title` default `各单位{scoreName}排名`. */
export function rankingBarsSvg(rows: readonly { name: string; score: number; grade: string | null; vetoed: boolean }[], scoreName: string, title?: string): string {
  const height = Math.max(160, 70 + rows.length * 24);
  const reversed = [...rows].reverse();
  const max = Math.max(100, ...rows.map((r) => r.score));
  return renderSvg(
    {
      title: { text: title ?? `各单位${scoreName}排名`, left: 'center', textStyle: { fontSize: 15, fontFamily: CHART_FONT } },
      grid: { left: 110, right: 56, top: 40, bottom: 24 },
      xAxis: { type: 'value', min: 0, max: Math.ceil(max / 20) * 20 },
      yAxis: { type: 'category', data: reversed.map((r) => r.name), axisLabel: { interval: 0, fontSize: 12 } },
      series: [
        {
          type: 'bar',
          barMaxWidth: 18,
          data: reversed.map((r) => ({ value: round1(r.score), itemStyle: { color: r.vetoed ? '#9e9e9e' : gradeColour(r.grade) } })),
          label: { show: true, position: 'right', formatter: '{c}' },
        },
      ],
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
        indicator: areas.map((a) => ({ name: a.replace(/[（(][^）)]*[）)]$/, ''), max: 100 })),
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

/** Grouped bars of each unit's score before and after rectification. */
export function beforeAfterSvg(rows: readonly { name: string; before: number; after: number }[], scoreName: string): string {
  const width = Math.max(560, 90 + rows.length * 52);
  return renderSvg(
    {
      title: { text: `整改前后${scoreName}对比`, left: 'center', textStyle: { fontSize: 15, fontFamily: CHART_FONT } },
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
function gradeColour(grade: string | null): string {
  return (grade !== null ? GRADE_COLOURS[grade] : undefined) ?? '#2f5d9e';
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
