/**
 * The HTML report in a real browser: headless Chromium loads it from a file, with every
 * network host unresolvable, and must show the SVG charts with no console error.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findChromium, whenChromiumMissing } from '../../../scripts/test-support/browser.js';
import { cityReport, REPORT_CSP } from '../src/index.js';
import { city, district } from './helpers.js';

const chromium = findChromium();
const missing = chromium === undefined ? whenChromiumMissing('the headless browser test of the HTML report', 'the HTML report cannot be checked in a browser without it') : undefined;

const here = dirname(fileURLToPath(import.meta.url));
const outputDir = join(here, 'output');
const work = mkdtempSync(join(tmpdir(), 'safecity-report-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Console messages and uncaught errors of the page. */
  pageErrors: string[];
}

/** Run headless Chromium on a file with a fresh profile; collect the page's console problems. */
function runChromium(file: string, args: readonly string[]): Run {
  const profile = mkdtempSync(join(work, 'profile-'));
  const r = spawnSync(
    chromium!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--host-resolver-rules=MAP * ~NOTFOUND',
      `--user-data-dir=${profile}`,
      '--enable-logging=stderr',
      '--v=0',
      ...args,
      pathToFileURL(file).href,
    ],
    { encoding: 'utf8', timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
  );
  const stderr = r.stderr ?? '';
  // Chromium's own noise (GPU, dbus, …) is not the page's: keep console lines, uncaught
  // errors, and ERROR lines that name the page's file.
  const pageErrors = stderr
    .split('\n')
    .filter((l) => /CONSOLE|Uncaught/.test(l) || (/ERROR:/.test(l) && l.includes('file://')));
  return { status: r.status, stdout: r.stdout ?? '', stderr, pageErrors };
}

if (missing !== undefined) {
  describe('headless Chromium (CI)', () => {
    it('is installed', () => {
      throw new Error(missing);
    });
  });
}

describe('the HTML report in headless Chromium', () => {
  const skip = chromium === undefined;
  const { cards, before, selfScores } = city();
  const { html } = cityReport(cards, { city: '西安市', date: '2023-04-28', before, selfScores, rulesets: [district], radarUnits: 6 });
  const file = join(work, 'report.html');
  writeFileSync(file, html);
  const svgCount = html.match(/<svg[\s>]/g)!.length;

  it.skipIf(skip)('catches a page error when there is one (the check itself works)', () => {
    const bad = join(work, 'bad.html');
    writeFileSync(bad, '<!DOCTYPE html><html><body><p>x</p><script>throw new Error("boom-check")</script></body></html>');
    const r = runChromium(bad, ['--dump-dom']);
    expect(r.pageErrors.join('\n')).toMatch(/Uncaught.*boom-check/);
  }, 120_000);

  it.skipIf(skip)('renders the DOM with every SVG chart and no console errors', () => {
    const r = runChromium(file, ['--dump-dom']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.pageErrors).toEqual([]);
    const dom = r.stdout;
    expect(dom).toContain('<h1>西安市国家安全发展示范城市创建自检评估自评报告</h1>');
    expect(dom.match(/<svg[\s>]/g)).toHaveLength(svgCount);
    expect(svgCount).toBe(9);
    expect(dom).toMatch(/<text[^>]*>区县（开发区）各评价领域平均得分率（%）<\/text>/);
    for (const id of ['basic', 'practice', 'features', 'problems', 'next', 'areas', 'ranking', 'units', 'deductions', 'self', 'rectification']) expect(dom).toContain(`<section id="${id}">`);
    expect(dom).toContain('<section id="appendix" class="appendix">');
    // the places for the officials' text, highlighted
    expect(dom.match(/<p class="todo">【待填写：/g)).toHaveLength(5);
    // the ranking chart's legend: grade colours and 否决
    for (const t of ['优秀', '良好', '合格', '否决']) expect(dom).toMatch(new RegExp(`<text[^>]*>${t}</text>`));
    // the escaped markup stayed text
    expect(dom).not.toContain('<script>alert');
  }, 120_000);

  it('declares a strict Content-Security-Policy before anything it governs', () => {
    expect(REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'");
    const head = html.slice(0, html.indexOf('</head>'));
    expect(head).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'">\n/);
    // the page needs nothing the policy refuses: no script, no external or data: resource
    expect(html).not.toMatch(/<script|<iframe|<object|<embed|<link |<img |<image |url\(|@import|src=|srcset=|xlink:href=|javascript:/i);
  });

  it.skipIf(skip)('the policy is in force: markup that got into the page runs nothing and loads nothing', () => {
    // as if the escaping had failed somewhere: an inline script, an event handler, an image, a style sheet from elsewhere
    const injected = html.replace(
      '<main>',
      '<main><script>document.body.setAttribute("data-ran","script")</script><img src="http://evil.example/x.png" onerror="document.body.setAttribute(\'data-ran\',\'onerror\')"><link rel="stylesheet" href="http://evil.example/x.css">',
    );
    const bad = join(work, 'injected.html');
    writeFileSync(bad, injected);
    const r = runChromium(bad, ['--dump-dom']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('<h1>西安市国家安全发展示范城市创建自检评估自评报告</h1>');
    expect(r.stdout).toContain('<script>'); // there, but never run
    expect(r.stdout).not.toMatch(/<body[^>]*data-ran/);
    expect(r.pageErrors.join('\n')).toMatch(/Content Security Policy/);
  }, 120_000);

  it.skipIf(skip)('takes a screenshot (test/output/report.png)', () => {
    mkdirSync(outputDir, { recursive: true });
    const png = join(outputDir, 'report.png');
    rmSync(png, { force: true });
    const r = runChromium(file, [`--screenshot=${png}`, '--window-size=1280,5200', '--hide-scrollbars']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.pageErrors).toEqual([]);
    expect(statSync(png).size).toBeGreaterThan(50_000);
    const head = readFileSync(png).subarray(0, 24);
    expect(head.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([head.readUInt32BE(16), head.readUInt32BE(20)]).toEqual([1280, 5200]);
  }, 120_000);

  it.skipIf(skip)('takes a screenshot of the ranking with its legend (test/output/ranking.png)', () => {
    mkdirSync(outputDir, { recursive: true });
    const start = html.indexOf('<section id="ranking">');
    const page = `${html.slice(0, html.indexOf('<main>') + 6)}${html.slice(start, html.indexOf('</section>', start) + 10)}</main></body></html>`;
    const rankingFile = join(work, 'ranking.html');
    writeFileSync(rankingFile, page);
    const png = join(outputDir, 'ranking.png');
    rmSync(png, { force: true });
    const r = runChromium(rankingFile, [`--screenshot=${png}`, '--window-size=1100,900', '--hide-scrollbars']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.pageErrors).toEqual([]);
    expect(statSync(png).size).toBeGreaterThan(20_000);
  }, 120_000);
});
