/** `safecity validate <ruleset>`: compile a ruleset and list every problem with its JSON pointer. */
import { loadRuleset } from '../resolve.js';
import type { Io } from '../io.js';

export function validate(ruleset: string, opts: { json?: boolean }, io: Io): void {
  const { ruleset: r } = loadRuleset(ruleset, io);
  const summary = {
    ok: true,
    ruleset: { id: r.id, version: r.version, hash: r.hash },
    items: r.items.length,
    max: r.max,
    bonusCap: r.bonusCap,
    unitKinds: r.unitKinds,
  };
  if (opts.json) io.stdout(JSON.stringify(summary, null, 2) + '\n');
  else {
    io.stdout(`✓ ${r.id} ${r.version}: ${r.items.length} scored items, max ${r.max}${r.bonusCap ? ` + bonus ${r.bonusCap}` : ''}, for ${r.unitKinds.join(', ')}\n`);
    io.stdout(`  hash ${r.hash}\n`);
  }
}
