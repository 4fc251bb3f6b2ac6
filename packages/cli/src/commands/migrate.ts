/**
 * `safecity migrate --from A --to B --evidence FILES… --out DIR [--findings F]`: carry last
 * year's evidence (read under edition A, .json and .xlsx) over to edition B. Writes each unit's
 * evidence as a B evidence file ready to complete and score — a unit that filled in a workbook
 * gets B's workbook pre-filled (.xlsx), a JSON unit a JSON file with its schema — with its
 * evidence register and 不适用 claims carried by the new field and item ids; the findings by
 * their new item ids; and a report (migration.md, migration.json) of everything that did not
 * carry over and why, and of what B asks for that last year's evidence lacks.
 */
import { resolve } from 'node:path';
import { EvidenceError, migrateEvidence, migrationMarkdown, takesRegister, type CompiledRuleset, type DocumentEntry, type Finding, type MigrationReport, type UnitEvidence } from '@safecity/engine';
import { evidenceJsonSchema, jsonEvidence } from '@safecity/evidence-json';
import { readAllEvidence, readFindings } from '../evidence-files.js';
import { loadRuleset } from '../resolve.js';
import { InputProblems, type Io, type Problem } from '../io.js';
import { OutputFolder, type OutputFile } from '../output.js';

export interface MigrateCommandOptions {
  from: string;
  to: string;
  evidence: string[];
  out: string;
  findings?: string;
  base?: string[];
  /** Folder evidence paths are recorded relative to in what is written (default the working folder). */
  baseDir?: string;
  json?: boolean;
}

/** Whether a unit's evidence was read from a workbook (its values' places are cells of an .xlsx). */
export function fromWorkbook(evidence: UnitEvidence): boolean {
  return Object.values(evidence.sources ?? {}).some((places) => places.some((p) => /\.xlsx!/i.test(p)));
}

/**
 * The register and 不适用 claims of last year's evidence, carried to the new edition: a
 * register by the field its values were carried to (only to a field that still takes a
 * register); a claim by the item's new id (none for a retired item or one the unit no longer has).
 */
export function carryRegisterAndClaims(evidence: UnitEvidence, migrated: UnitEvidence, report: MigrationReport, to: CompiledRuleset): UnitEvidence {
  const out: UnitEvidence = { ...migrated };
  const fields = new Map(to.fields.map((f) => [f.name, f]));
  if (evidence.register !== undefined) {
    const register: Record<string, DocumentEntry[]> = {};
    for (const c of report.carried) {
      const entries = evidence.register[c.from];
      const f = fields.get(c.field);
      if (entries === undefined || entries.length === 0 || f === undefined || !takesRegister(f)) continue;
      // A yes/no document answers itself: its entries follow the field's new name.
      register[c.field] = entries.map((e) => (f.type === 'boolean' ? { ...e, document: c.field } : { ...e }));
    }
    if (Object.keys(register).length > 0) out.register = register;
  }
  if (evidence.claims !== undefined) {
    const items = to.migration?.items ?? {};
    const mine = new Set(to.itemsFor(evidence.unit).map((i) => i.id));
    const claims: Record<string, string> = {};
    for (const [id, reason] of Object.entries(evidence.claims)) {
      const moved = Object.prototype.hasOwnProperty.call(items, id) ? items[id]?.to : id;
      if (typeof moved === 'string' && mine.has(moved)) claims[moved] = reason;
    }
    if (Object.keys(claims).length > 0) out.claims = claims;
  }
  return out;
}

export async function migrate(opts: MigrateCommandOptions, io: Io): Promise<void> {
  const bases = opts.base ?? [];
  const from = loadRuleset(opts.from, io, { bases });
  const to = loadRuleset(opts.to, io, { bases });
  const { units } = await readAllEvidence(opts.evidence, from.ruleset, from.units, io, opts.baseDir !== undefined ? { baseDir: opts.baseDir } : {});
  const findings = opts.findings === undefined ? new Map<string, Finding[]>() : readFindings(opts.findings, io, new Set(units.map((u) => u.unit.id)));

  const problems: Problem[] = [];
  const done: Array<{ unitId: string; doc?: Record<string, unknown>; schema?: Record<string, unknown>; workbook?: Uint8Array; findings: Finding[]; report: MigrationReport }> = [];
  for (const evidence of units) {
    try {
      const m = migrateEvidence(evidence, to.ruleset, { from: from.ruleset, findings: findings.get(evidence.unit.id) ?? [] });
      const id = evidence.unit.id;
      const carried = carryRegisterAndClaims(evidence, m.evidence, m.report, to.ruleset);
      // A unit keeps the format it works in: a workbook unit gets next edition's workbook, pre-filled.
      if (fromWorkbook(evidence)) {
        const { excelTemplate } = await import('@safecity/evidence-excel/template');
        done.push({ unitId: id, workbook: await excelTemplate(to.ruleset, carried.unit, { evidence: carried }), findings: m.findings, report: m.report });
        continue;
      }
      done.push({
        unitId: id,
        doc: jsonEvidence(to.ruleset, carried, { schemaRef: `./${id}.evidence.schema.json` }),
        schema: evidenceJsonSchema(to.ruleset, m.evidence.unit),
        findings: m.findings,
        report: m.report,
      });
    } catch (e) {
      if (!(e instanceof EvidenceError)) throw e;
      problems.push(...e.issues.map((i) => ({ place: `unit ${evidence.unit.id}${i.path}`, message: i.message })));
    }
  }
  if (problems.length > 0) throw new InputProblems(`Cannot migrate to ${to.ruleset.id} ${to.ruleset.version}`, problems);

  // Every name (from checked unit ids) is built and checked before the first file is written.
  const folder = new OutputFolder(io, opts.out);
  const files: OutputFile[] = [];
  for (const d of done) {
    if (d.workbook !== undefined) {
      files.push({ name: folder.unitFile(d.unitId, '.xlsx'), data: d.workbook });
      continue;
    }
    files.push({ name: folder.unitFile(d.unitId, '.json'), data: JSON.stringify(d.doc, null, 2) + '\n' });
    files.push({ name: folder.unitFile(d.unitId, '.evidence.schema.json'), data: JSON.stringify(d.schema, null, 2) + '\n' });
  }
  if (opts.findings !== undefined) files.push({ name: 'findings.json', data: JSON.stringify(Object.fromEntries(done.map((d) => [d.unitId, d.findings])), null, 2) + '\n' });
  const reports = done.map((d) => d.report);
  files.push({ name: 'migration.md', data: migrationMarkdown(reports) });
  files.push({ name: 'migration.json', data: JSON.stringify({ from: { id: from.ruleset.id, version: from.ruleset.version }, to: { id: to.ruleset.id, version: to.ruleset.version }, units: reports }, null, 2) + '\n' });
  const { written } = folder.writeSet(files);

  const count = (f: (r: MigrationReport) => number) => reports.reduce((s, r) => s + f(r), 0);
  const summary = {
    units: reports.length,
    carried: count((r) => r.carried.length),
    notCarried: count((r) => r.notCarried.length),
    missing: count((r) => r.missing.length),
    findingsCarried: count((r) => r.findings.carried),
    findingsNotCarried: count((r) => r.findings.notCarried.length),
  };
  if (opts.json) {
    io.stdout(JSON.stringify({ ok: true, from: { id: from.ruleset.id, version: from.ruleset.version }, to: { id: to.ruleset.id, version: to.ruleset.version }, ...summary, reports, written }, null, 2) + '\n');
    return;
  }
  io.stdout(`${from.ruleset.id} ${from.ruleset.version} → ${to.ruleset.id} ${to.ruleset.version} · ${summary.units}个单位\n`);
  io.stdout(`  沿用填报值 ${summary.carried} 项，未能沿用 ${summary.notCarried} 项（见 migration.md），待补填 ${summary.missing} 项\n`);
  if (opts.findings !== undefined) io.stdout(`  沿用核查意见 ${summary.findingsCarried} 条，未能沿用 ${summary.findingsNotCarried} 条\n`);
  io.stdout(`已将 ${written.length} 个文件写入 ${opts.out}\n`);
}
