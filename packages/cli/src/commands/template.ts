/** `safecity template --ruleset R --unit U --out F.xlsx|F.json`: an evidence template for one unit. */
import { basename, extname } from 'node:path';
import { evidenceLayout } from '@safecity/engine';
import { findUnit, loadRuleset } from '../resolve.js';
import { UsageError, type Io } from '../io.js';
import { OutputFolder } from '../output.js';

export async function template(opts: { ruleset: string; unit: string; out: string; units?: string; base?: string[]; json?: boolean }, io: Io): Promise<void> {
  const ext = extname(opts.out).toLowerCase();
  if (ext !== '.xlsx' && ext !== '.json') throw new UsageError(`--out 应以 .xlsx 或 .json 结尾，收到“${opts.out}”`);
  const loaded = loadRuleset(opts.ruleset, io, { ...(opts.units === undefined ? {} : { units: opts.units }), bases: opts.base ?? [] });
  const unit = findUnit(loaded, opts.unit);
  const { folder, name } = OutputFolder.ofFile(io, opts.out);
  const layout = evidenceLayout(loaded.ruleset, unit);
  const fields = layout.items.reduce((n, i) => n + i.fields.length, 0) + layout.general.length;
  let written: string[];
  if (ext === '.json') {
    // Each format's package loads only when a template of that format is written.
    const { evidenceJsonSchema, jsonTemplate } = await import('@safecity/evidence-json');
    const schemaName = basename(name, extname(name)) + '.schema.json';
    // Both checked before either is written; the template first, as the user named it.
    written = folder.writeSet([
      { name, data: JSON.stringify(jsonTemplate(loaded.ruleset, unit, { schemaRef: `./${schemaName}` }), null, 2) + '\n' },
      { name: schemaName, data: JSON.stringify(evidenceJsonSchema(loaded.ruleset, unit), null, 2) + '\n' },
    ]).written;
  } else {
    const { excelTemplate } = await import('@safecity/evidence-excel/template');
    written = folder.writeSet([{ name, data: await excelTemplate(loaded.ruleset, unit) }]).written;
  }
  const summary = { ok: true, ruleset: { id: loaded.ruleset.id, version: loaded.ruleset.version }, unit, items: layout.items.length, fields, written };
  if (opts.json) io.stdout(JSON.stringify(summary, null, 2) + '\n');
  else io.stdout(`${unit.name}（${unit.id}）· ${loaded.ruleset.title.zh}（${loaded.ruleset.id} ${loaded.ruleset.version}）：${layout.items.length}个评分项，${fields}个填报项\n已写出 ${written.join('、')}\n`);
}
