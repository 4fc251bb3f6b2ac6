/**
 * `safecity score --ruleset R --evidence FILES… [--findings F] [--out DIR]`: read evidence
 * (.json and .xlsx, mixed), check every value, score every unit, write the scorecards.
 */
import { EvaluationError, EvidenceError, responsibilityConflicts, type Finding, type ScoreCard } from '@safecity/engine';
import { readAllEvidence, readFindings } from '../evidence-files.js';
import { loadRuleset } from '../resolve.js';
import { InputProblems, type Io, type Problem } from '../io.js';
import { OutputFolder, type WriteResult } from '../output.js';

/** Score every unit of the evidence files; write and summarise the scorecards. */
export async function score(
  opts: { ruleset: string; evidence: string[]; findings?: string | string[]; out?: string; units?: string; base?: string[]; baseDir?: string; lang?: string; json?: boolean },
  io: Io,
): Promise<void> {
  const loaded = loadRuleset(opts.ruleset, io, { ...(opts.units === undefined ? {} : { units: opts.units }), bases: opts.base ?? [] });
  const { ruleset } = loaded;
  const lang = opts.lang === 'en' ? 'en' : 'zh';
  const { units, records, warnings } = await readAllEvidence(opts.evidence, ruleset, loaded.units, io, { warnBlank: true, ...(opts.baseDir !== undefined ? { baseDir: opts.baseDir } : {}) });
  const problems: Problem[] = [];
  // Findings from several files (each check's, the consistency checks') are merged per unit;
  // each finding remembers its file and place, so a problem names where it was written.
  const findingFiles = opts.findings === undefined ? [] : Array.isArray(opts.findings) ? opts.findings : [opts.findings];
  const ids = new Set(units.map((u) => u.unit.id));
  // A check's file covers all units: those of the registry scored under another ruleset are left out, with a warning.
  const registry = new Map(loaded.registry.map((u) => [u.id, u]));
  const elsewhere = (id: string): string | undefined => {
    const u = registry.get(id);
    return u !== undefined && !ruleset.unitKinds.includes(u.kind) ? `${u.name}（${id}）` : undefined;
  };
  const findings = new Map<string, Finding[]>();
  const origin = new Map<string, { file: string; index: number }[]>();
  try {
    for (const file of findingFiles) {
      for (const [unit, list] of readFindings(file, io, ids, elsewhere, warnings, (id) => registry.get(id)?.name)) {
        findings.set(unit, [...(findings.get(unit) ?? []), ...list]);
        origin.set(unit, [...(origin.get(unit) ?? []), ...list.map((_, index) => ({ file, index }))]);
      }
    }
  } catch (e) {
    // The evidence's warnings go with the findings' problems: one round of fixing for both.
    if (e instanceof InputProblems) throw new InputProblems(e.message, e.problems, [...warnings, ...e.warnings]);
    throw e;
  }
  const findingPlace = (unit: string, path: string): string => {
    const m = /^\/(\d+)(.*)$/.exec(path);
    const o = m === null ? undefined : origin.get(unit)?.[Number(m[1])];
    return o === undefined ? `${findingFiles.join(', ')}#/${unit}${path}` : `${o.file}#/${unit}/${o.index}${m![2]}`;
  };
  const cards: ScoreCard[] = [];
  for (const evidence of units) {
    try {
      cards.push(ruleset.score(evidence, { findings: findings.get(evidence.unit.id) ?? [], lang }));
    } catch (e) {
      // A rule stopped by its step budget is one unit's problem, listed with the others' in one pass.
      if (!(e instanceof EvidenceError) && !(e instanceof EvaluationError)) throw e;
      const id = evidence.unit.id;
      problems.push(...e.issues.map((i) => ({ place: e.title === 'Invalid findings' ? findingPlace(id, i.path) : `unit ${id}${i.path}`, message: i.message })));
    }
  }
  if (problems.length > 0) throw new InputProblems('计分时发现问题', problems, warnings);
  // 责任唯一: a partner's own figure for a city-wide indicator is not scored; one that contradicts
  // the lead's is reported with both places for the data check to settle.
  const conflicts = responsibilityConflicts(ruleset, units);

  // The round's cards, then their manifest (last); the previous round's cards this one does not
  // write again are removed (the manifest listed them), nothing else is touched.
  let result: WriteResult = { written: [], removed: [], kept: [] };
  if (opts.out !== undefined) {
    const folder = new OutputFolder(io, opts.out);
    const files = cards.map((card) => ({ name: folder.unitFile(card.unit.id, '.scorecard.json'), data: JSON.stringify(card, null, 2) + '\n' }));
    result = folder.writeSet(files, { command: 'score', rulesets: [{ id: ruleset.id, version: ruleset.version, hash: ruleset.hash }] });
  }
  const { written } = result;
  const accepted = records.filter((r) => r.status === 'accepted').length;
  const empty = records.filter((r) => r.status === 'empty').length;
  if (opts.json) {
    const summary = cards.map((c) => ({ unit: c.unit, max: c.max, earned: c.earned, bonus: c.bonus, total: c.total, normalized: c.normalized, grade: c.grade, vetoed: c.vetoed }));
    const inconsistencies = conflicts.map((c) => ({ item: c.item, field: c.field, lead: c.lead, partner: c.partner, message: c.message[lang] ?? c.message.zh }));
    const body = { ok: true, ruleset: { id: ruleset.id, version: ruleset.version, hash: ruleset.hash }, records: { accepted, empty }, warnings, inconsistencies, units: summary, written, ...(opts.out === undefined ? { cards } : { removed: result.removed, kept: result.kept }) };
    io.stdout(JSON.stringify(body, null, 2) + '\n');
    return;
  }
  // A partner's figure that contradicts its lead's is said once, as the inconsistency naming both files.
  const explained = new Set(conflicts.flatMap((c) => c.partner.places));
  for (const w of warnings) if (!explained.has(w.place)) io.stderr(`提醒：${w.place}: ${w.message}\n`);
  for (const c of conflicts) io.stderr(`不一致（责任唯一）：${c.message[lang] ?? c.message.zh}\n`);
  const rows = cards.map((c) => [c.unit.id, c.unit.name, String(c.max), String(c.earned), String(c.bonus), String(c.total), c.normalized === undefined ? '' : String(c.normalized), (c.gradeTitle ?? '') + (c.vetoed ? '（否决）' : '')]);
  const head = ['编号', '单位', '满分', '得分', '加分', '总分', '折算分', '等次'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => [...(r[i] ?? '')].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0))));
  const pad = (s: string, w: number) => s + ' '.repeat(Math.max(0, w - [...s].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e7f ? 2 : 1), 0)));
  io.stdout(`${ruleset.title.zh}（${ruleset.id} ${ruleset.version}）· ${cards.length}个单位 · 采用填报值${accepted}项，未填${empty}项\n`);
  for (const r of [head, ...rows]) io.stdout(r.map((c, i) => pad(c, width[i] as number)).join('  ').trimEnd() + '\n');
  if (written.length > 0) io.stdout(`已将${written.length}份评分卡写入 ${opts.out}\n`);
  if (result.removed.length > 0) io.stdout(`已删除上一轮写出、本轮不再有的评分卡${result.removed.length}份：${result.removed.join('、')}\n`);
  if (result.kept.length > 0) io.stderr(`提醒：上一轮写出的评分卡在写出后被改动过，本轮未删除，也不会被读取：${result.kept.join('、')}\n`);
}
