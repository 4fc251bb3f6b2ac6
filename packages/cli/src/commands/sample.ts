/**
 * `safecity sample --units U… --groups 3 --seed N [--evidence FILES…] [--ruleset R] [--count K] [--out DIR]`:
 * draw units for the on-site spot checks (现场抽查), reproducibly from the seed, and share them
 * round-robin among the on-site groups (现场检查第一组…). With evidence, each drawn unit's
 * standby sites (备检单位, 2–3 per unit, field `standbySites`) are read and one is drawn to visit.
 */
import { resolve } from 'node:path';
import { mergeEvidence, seededRandom, type CompiledRuleset, type Unit } from '@safecity/engine';
import { evidenceTitle, readEvidenceOfRulesets, toProblems } from '../evidence-files.js';
import { units as xianUnits } from '@safecity/ruleset-xian-2022';
import { loadRuleset } from '../resolve.js';
import { InputProblems, UsageError, type Io, type Problem } from '../io.js';
import { OutputFolder } from '../output.js';

export interface SampleOptions {
  units: string[];
  groups?: string;
  seed: string;
  count?: string;
  evidence?: string[];
  ruleset?: string;
  out?: string;
  allowMissing?: boolean;
  /** Folder evidence paths are recorded relative to in what is written (default the working folder). */
  baseDir?: string;
  json?: boolean;
}

/** One drawn unit, with its group and, when evidence was read, its standby sites and the site to visit. */
export interface DrawnUnit {
  group: number;
  id: string;
  name: string;
  kind: string;
  standbySites?: string[];
  site?: string | null;
}

/** FNV-1a of a string, to give each unit its own stream for drawing its site. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const ch of new TextEncoder().encode(s)) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
  return h >>> 0;
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99). */
function chineseNumber(n: number): string {
  if (n < 10) return DIGITS[n] as string;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}
/** 现场检查第一组 … */
export const groupName = (n: number): string => `现场检查第${n < 100 ? chineseNumber(n) : String(n)}组`;

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

const GROUPS: Readonly<Record<string, (u: Unit) => boolean>> = {
  all: () => true,
  'all-municipal': (u) => u.kind === 'municipal',
  'all-district': (u) => u.kind !== 'municipal',
};

/** Unit ids (or names, or all / all-municipal / all-district) → units of the Xi'an registry, sorted by id. */
export function resolveUnits(given: readonly string[], registry: readonly Unit[] = xianUnits): Unit[] {
  const picked = new Map<string, Unit>();
  const unknown: string[] = [];
  for (const token of given.flatMap((g) => g.split(',')).map((t) => t.trim()).filter((t) => t !== '')) {
    const group = GROUPS[token];
    if (group !== undefined) {
      for (const u of registry.filter(group)) picked.set(u.id, u);
      continue;
    }
    const unit = registry.find((u) => u.id === token || u.name === token);
    if (unit === undefined) unknown.push(token);
    else picked.set(unit.id, unit);
  }
  if (unknown.length > 0) {
    const names = [...Object.keys(GROUPS), ...registry.map((u) => u.id)];
    const lines = unknown.map((t) => {
      const low = t.toLowerCase();
      const close = registry
        .map((u) => ({ u, d: Math.min(editDistance(low, u.id), u.name.includes(t) || u.id.includes(low) ? 0 : Infinity) }))
        .filter((x) => x.d <= Math.max(2, Math.floor(low.length / 3)))
        .sort((a, b) => a.d - b.d || (a.u.id < b.u.id ? -1 : 1))
        .slice(0, 5)
        .map((x) => `${x.u.id}（${x.u.name}）`);
      return close.length > 0 ? `未知单位“${t}”：是否想用 ${close.join('、')}？` : `未知单位“${t}”`;
    });
    const anyClose = lines.some((l) => l.includes('是否想用'));
    throw new UsageError(`${lines.join('；')}${anyClose ? '' : `；请给出单位编号（${names.join('、')}）`}`);
  }
  if (picked.size === 0) throw new UsageError('--units：请至少给出一个单位编号，或 all、all-municipal、all-district');
  return [...picked.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function positiveInt(value: string | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1) throw new UsageError(`${option} 应为不小于1的整数，收到“${value}”`);
  return Number(value);
}

/**
 * Draw `count` of `units` (sorted by id first, so their order does not matter) with a seeded
 * Fisher–Yates shuffle, and deal them round-robin to `groups` groups: sizes differ by at most one.
 * Returned sorted by group, then unit id.
 */
export function draw(units: readonly Unit[], opts: { seed: number; count: number; groups: number }): DrawnUnit[] {
  const pool = [...units].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rand = seededRandom(opts.seed);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as Unit, pool[i] as Unit];
  }
  return pool
    .slice(0, opts.count)
    .map((u, i) => ({ group: (i % opts.groups) + 1, id: u.id, name: u.name, kind: u.kind }))
    .sort((a, b) => a.group - b.group || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** One of a unit's standby sites, drawn from a stream of its own (seed and unit id). */
export function drawSite(sites: readonly string[], seed: number, unitId: string): string | null {
  if (sites.length === 0) return null;
  return sites[Math.floor(seededRandom((seed ^ fnv1a(unitId)) >>> 0)() * sites.length)] as string;
}

/** Read the evidence files; standby sites by unit id, with the place each came from; the readers' warnings onto `warnings`. */
async function readStandbySites(
  files: readonly string[],
  rulesets: readonly CompiledRuleset[],
  io: Io,
  warnings: Problem[],
  baseDir?: string,
): Promise<Map<string, { sites: string[] | undefined; place: string; files: string[] }>> {
  // Without --ruleset both built-in rubrics are candidates: the one a file names goes first.
  const { parts, filesOf, problems, warnings: readWarnings } = await readEvidenceOfRulesets(files, rulesets, xianUnits, io, baseDir);
  const merged = mergeEvidence(parts);
  problems.push(...toProblems(merged.issues));
  warnings.push(...readWarnings);
  if (problems.length > 0) throw new InputProblems(evidenceTitle(files.length), problems, warnings);
  const out = new Map<string, { sites: string[] | undefined; place: string; files: string[] }>();
  for (const u of merged.units) {
    const v = u.values['standbySites'];
    const unitFiles = filesOf.get(u.unit.id) ?? [];
    const place = u.sources?.['standbySites']?.[0] ?? unitFiles.join(', ');
    out.set(u.unit.id, { sites: Array.isArray(v) ? [...(v as readonly string[])] : undefined, place, files: unitFiles });
  }
  return out;
}

/** Display width: CJK characters take two columns. */
const width = (s: string): number => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0);
const pad = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - width(s)));

export async function sample(opts: SampleOptions, io: Io): Promise<void> {
  if (!/^-?\d+$/.test(opts.seed.trim())) throw new UsageError(`--seed 应为整数，收到“${opts.seed}”`);
  const seed = Number(BigInt.asUintN(32, BigInt(opts.seed.trim())));
  const groups = positiveInt(opts.groups, '--groups', 3);
  const pool = resolveUnits(opts.units);
  const count = positiveInt(opts.count, '--count', pool.length);
  if (count > pool.length) throw new UsageError(`--count ${count} 多于给出的${pool.length}个单位`);
  if (groups > count) throw new UsageError(`--groups ${groups} 多于抽取的${count}个单位：会有检查组无单位可查`);
  if (opts.ruleset !== undefined && opts.evidence === undefined) throw new UsageError('--ruleset 用于读取 --evidence：请同时给出 --evidence FILES…');

  const drawn = draw(pool, { seed, count, groups });
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  let rulesetIds: string[] = [];
  if (opts.evidence !== undefined) {
    const rulesets = opts.ruleset !== undefined ? [loadRuleset(opts.ruleset, io).ruleset] : [loadRuleset('xian-2022/district', io).ruleset, loadRuleset('xian-2022/municipal', io).ruleset];
    rulesetIds = rulesets.map((r) => `${r.id}@${r.version}`);
    const sites = await readStandbySites(opts.evidence, rulesets, io, warnings, opts.baseDir);
    for (const d of drawn) {
      const s = sites.get(d.id);
      if (s === undefined) {
        d.standbySites = [];
        d.site = null;
        problems.push({ place: `单位 ${d.id}`, message: `${d.name}被抽中现场检查，但给出的${opts.evidence.length}个佐证材料文件中没有它的：请给出其佐证材料，并在 standbySites 中填写备检单位` });
        continue;
      }
      d.standbySites = s.sites ?? [];
      d.site = drawSite(d.standbySites, seed, d.id);
      if (d.standbySites.length < 2) {
        d.site = null;
        problems.push({
          place: s.sites === undefined ? `${s.files.join(', ')}#/general/standbySites` : s.place,
          message: `${d.name}（${d.id}）在 standbySites 中${s.sites === undefined ? '未填写备检单位' : `只填写了${d.standbySites.length}个备检单位`}；方案要求2至3个`,
        });
      } else if (d.standbySites.length > 3) {
        warnings.push({ place: s.place, message: `${d.name}（${d.id}）填写了${d.standbySites.length}个备检单位；方案要求2至3个` });
      }
    }
    if (problems.length > 0 && opts.allowMissing !== true) {
      throw new InputProblems('被抽中的单位缺少备检单位（如仍要抽取，请加 --allow-missing）', problems, warnings);
    }
  }

  const byGroup = Array.from({ length: groups }, (_, i) => ({
    group: i + 1,
    name: groupName(i + 1),
    units: drawn.filter((d) => d.group === i + 1).map(({ group: _g, ...u }) => u),
  }));
  const withSites = opts.evidence !== undefined;
  const result = {
    seed,
    prng: 'mulberry32',
    pool: pool.map((u) => u.id),
    count,
    ...(withSites ? { rulesets: rulesetIds } : {}),
    groups: byGroup,
  };

  const written: string[] = [];
  if (opts.out !== undefined) {
    const files = byGroup.map((g) => ({ name: `group-${g.group}.findings.json`, data: JSON.stringify(Object.fromEntries(g.units.map((u) => [u.id, []])), null, 2) + '\n' }));
    files.push({ name: 'sample.json', data: JSON.stringify(result, null, 2) + '\n' });
    written.push(...new OutputFolder(io, opts.out).writeSet(files).written);
  }

  if (opts.json) {
    io.stdout(JSON.stringify({ ok: true, ...result, warnings, problems, written }, null, 2) + '\n');
    return;
  }
  for (const w of warnings) io.stderr(`提醒：${w.place}: ${w.message}\n`);
  for (const p of problems) io.stderr(`提醒（--allow-missing）：${p.place}: ${p.message}\n`);
  io.stdout(`现场抽查 · 随机种子 ${seed} · 从${pool.length}个单位中抽取${count}个 · 分${groups}组\n`);
  const head = ['检查组', '编号', '单位', ...(withSites ? ['备检单位', '抽查点位'] : [])];
  const rows = byGroup.flatMap((g) =>
    g.units.map((u) => [g.name, u.id, u.name, ...(withSites ? [(u.standbySites ?? []).join('、'), u.site ?? '—'] : [])]),
  );
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  for (const r of [head, ...rows]) io.stdout(r.map((c, i) => pad(c, widths[i] as number)).join('  ').trimEnd() + '\n');
  if (written.length > 0) io.stdout(`已将${written.length - 1}份核查发现模板和 sample.json 写入 ${opts.out}\n`);
}
