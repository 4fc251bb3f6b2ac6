/**
 * Files the author opens or drops: a ruleset (.json), units' evidence (.json, .xlsx, read by the
 * same readers the CLI uses, in the page) or findings (.json, by unit id). Every file ends in a
 * line the author reads: what was loaded, or each problem with its place.
 */
import { mergeEvidence, SafecityError, type CompiledRuleset, type EvidencePart, type Finding } from '@safecity/engine';
import { UNITS } from '../lib/registry.js';
import type { EvidenceSet } from '../lib/studio.js';
import { parseText } from '../lib/pointer.js';
import { t, type Lang } from './i18n.js';

export type FileOutcome = { file: string; ok: true; summary: string } | { file: string; ok: false; problems: string[] };

export interface DroppedFiles {
  ruleset?: { name: string; text: string };
  evidence?: EvidenceSet;
  findings: Record<string, Finding[]>;
  outcomes: FileOutcome[];
}

/** The evidence readers' own limit (20 MB); a bigger file is refused before it is read. */
const MAX_BYTES = 20 * 1024 * 1024;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function lineCol(text: string, offset: number, lang: Lang): string {
  let line = 1;
  let last = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i + 1;
  }
  return t(lang, 'lineCol', { line, col: offset - last + 1 });
}

function problemsOf(e: unknown): string[] {
  if (e instanceof SafecityError) return e.issues.slice(0, 50).map((i) => `${i.path}：${i.message}`).concat(e.issues.length > 50 ? [`还有 ${e.issues.length - 50} 处问题未逐一列出`] : []);
  throw e;
}

export async function readDroppedFiles(files: readonly File[], options: { ruleset: CompiledRuleset | undefined; lang: Lang }): Promise<DroppedFiles> {
  const out: DroppedFiles = { findings: {}, outcomes: [] };
  const parts: EvidencePart[] = [];
  for (const file of files) {
    const name = file.name;
    if (file.size > MAX_BYTES) {
      out.outcomes.push({ file: name, ok: false, problems: [t(options.lang, 'tooBig', { mb: (file.size / 1024 / 1024).toFixed(1) })] });
      continue;
    }
    const lower = name.toLowerCase();
    if (lower.endsWith('.xlsx')) {
      if (options.ruleset === undefined) {
        out.outcomes.push({ file: name, ok: false, problems: [t(options.lang, 'fixFirstEvidence')] });
        continue;
      }
      try {
        const { parseWorkbook } = await import('@safecity/evidence-excel');
        const parsed = await parseWorkbook(new Uint8Array(await file.arrayBuffer()), { file: name, ruleset: options.ruleset, units: UNITS });
        parts.push(parsed.part);
        out.outcomes.push({ file: name, ok: true, summary: t(options.lang, 'evidenceFile', { unit: parsed.part.unit.name, n: Object.keys(parsed.part.values).length }) });
      } catch (e) {
        out.outcomes.push({ file: name, ok: false, problems: problemsOf(e) });
      }
      continue;
    }
    if (!lower.endsWith('.json')) {
      out.outcomes.push({ file: name, ok: false, problems: [t(options.lang, 'unknownFile')] });
      continue;
    }
    const text = await file.text();
    const syntax = parseText(text);
    if (syntax.errors.length > 0) {
      out.outcomes.push({ file: name, ok: false, problems: syntax.errors.slice(0, 10).map((e) => `${lineCol(text, e.span.from, options.lang)}：${e.message}`) });
      continue;
    }
    const value: unknown = JSON.parse(text);
    if (isObject(value) && ('tree' in value || 'extends' in value)) {
      out.ruleset = { name, text };
      out.outcomes.push({ file: name, ok: true, summary: t(options.lang, 'rulesetFile', { id: String(value['id'] ?? ''), version: String(value['version'] ?? '') }) });
    } else if (isObject(value) && 'unit' in value && ('items' in value || 'general' in value)) {
      if (options.ruleset === undefined) {
        out.outcomes.push({ file: name, ok: false, problems: [t(options.lang, 'fixFirstEvidence')] });
        continue;
      }
      try {
        const { parseJsonEvidence } = await import('@safecity/evidence-json');
        const parsed = parseJsonEvidence(text, { file: name, ruleset: options.ruleset, units: UNITS });
        parts.push(parsed.part);
        out.outcomes.push({ file: name, ok: true, summary: t(options.lang, 'evidenceFile', { unit: parsed.part.unit.name, n: Object.keys(parsed.part.values).length }) });
      } catch (e) {
        out.outcomes.push({ file: name, ok: false, problems: problemsOf(e) });
      }
    } else if (isObject(value) && Object.values(value).every(Array.isArray)) {
      let n = 0;
      for (const [unit, list] of Object.entries(value)) {
        (out.findings[unit] ??= []).push(...(list as Finding[]));
        n += (list as unknown[]).length;
      }
      out.outcomes.push({ file: name, ok: true, summary: t(options.lang, 'findingsFile', { n, units: Object.keys(value).length }) });
    } else {
      out.outcomes.push({ file: name, ok: false, problems: [t(options.lang, 'unknownFile')] });
    }
  }
  if (parts.length > 0) {
    const merged = mergeEvidence(parts);
    for (const i of merged.issues) out.outcomes.push({ file: i.path, ok: false, problems: [i.message] });
    out.evidence = { units: merged.units, findings: out.findings };
  }
  return out;
}
