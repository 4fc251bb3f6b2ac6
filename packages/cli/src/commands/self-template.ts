/** `safecity self-template --ruleset R --unit U --out F.xlsx`: a unit's self-evaluation template (自评表). */
import { extname } from 'node:path';
import { selfEvaluationWorkbook } from '@safecity/report';
import { findUnit, loadRuleset } from '../resolve.js';
import { UsageError, type Io } from '../io.js';
import { writeFiles } from '../output.js';

/** Options of `safecity self-template`. */
export interface SelfTemplateOptions {
  ruleset: string;
  unit: string;
  out: string;
  units?: string;
  json?: boolean;
}

/** Write the unit's 自评表: the items that apply to it, 自评分 and 自评说明 to fill, read back by `safecity report --self-scores`. */
export async function selfTemplate(opts: SelfTemplateOptions, io: Io): Promise<void> {
  if (extname(opts.out).toLowerCase() !== '.xlsx') throw new UsageError(`--out 应以 .xlsx 结尾，收到“${opts.out}”`);
  const loaded = loadRuleset(opts.ruleset, io, opts.units === undefined ? {} : { units: opts.units });
  const unit = findUnit(loaded, opts.unit);
  writeFiles(io, opts.out, [{ data: await selfEvaluationWorkbook(loaded.ruleset, unit) }]);
  const items = loaded.ruleset.itemsFor(unit).length;
  if (opts.json) io.stdout(JSON.stringify({ ok: true, ruleset: { id: loaded.ruleset.id, version: loaded.ruleset.version }, unit, items, written: [opts.out] }, null, 2) + '\n');
  else io.stdout(`${unit.name}（${unit.id}）· ${loaded.ruleset.title.zh}（${loaded.ruleset.id} ${loaded.ruleset.version}）：${items}个评分项待自评\n已写出 ${opts.out}\n`);
}
