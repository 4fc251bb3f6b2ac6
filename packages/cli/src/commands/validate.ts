/** `safecity validate <ruleset>`: compile a ruleset (resolving what it extends) and list every problem with its JSON pointer. */
import { loadRuleset } from '../resolve.js';
import type { Io } from '../io.js';

export function validate(ruleset: string, opts: { json?: boolean; base?: string[] }, io: Io): void {
  const { ruleset: r } = loadRuleset(ruleset, io, { bases: opts.base ?? [] });
  const summary = {
    ok: true,
    ruleset: { id: r.id, version: r.version, hash: r.hash },
    items: r.items.length,
    max: r.max,
    bonusCap: r.bonusCap,
    unitKinds: r.unitKinds,
    ...(r.extends !== undefined ? { extends: r.extends, migration: r.migration } : {}),
  };
  if (opts.json) io.stdout(JSON.stringify(summary, null, 2) + '\n');
  else {
    io.stdout(`✓ ${r.title.zh}（${r.id} ${r.version}）：${r.items.length}个计分项，满分${r.max}${r.bonusCap ? `，加分上限${r.bonusCap}` : ''}，评价对象类别 ${r.unitKinds.join('、')}\n`);
    io.stdout(`  内容哈希 ${r.hash}\n`);
    if (r.extends !== undefined && r.migration !== undefined) {
      const items = Object.values(r.migration.items);
      const renamed = items.filter((i) => i.to !== null).length;
      io.stdout(`  扩展自 ${r.extends.id} ${r.extends.version}：其后改名${renamed}项，删去${items.length - renamed}项（详见 \`safecity diff ${r.extends.id} …\`）\n`);
    }
  }
}
