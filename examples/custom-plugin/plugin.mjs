// @ts-check
// (`defineMethod` types the params from the TypeBox schema, so `p.field`, `p.per` and `p.cap`
// below are type-checked, `npx tsc -p examples/custom-plugin`, without a type written by hand.)
// A plugin adds a scoring method and a JsonLogic operator to ONE engine: `per-day-overdue`
// (每超期一天扣x分，y分扣完为止) and `between` (an inclusive range). ruleset.json uses both.
// Run from the repo root: npm run start -w @safecity/example-custom-plugin  (add -- --en for English)
import { readFileSync } from 'node:fs';
import { createEngine, defineMethod, definePlugin, fromMilli, toMilli, RulesetError, SafecityError } from '@safecity/engine';
import { Type } from 'typebox';

/** @param {string} f */
const read = (f) => JSON.parse(readFileSync(new URL(f, import.meta.url), 'utf8'));
const lang = process.argv.includes('--en') ? 'en' : 'zh';

// 每超期一天扣x分，y分扣完为止: `per` points a day overdue, at most `cap` (default: the item's max).
const perDayOverdue = defineMethod({
  meta: {
    description: { zh: '每超期一天扣x分，y分扣完为止', en: 'Deduct per day overdue, up to a cap' },
    monotonic: true, // fewer days overdue never lowers the score
    fields: (p) => [{ field: p.field, path: '/field', types: ['integer'] }], // the compiler checks the field is a declared integer
  },
  // Checked with ajv at compile time; problems are reported at …/scoring/params/….
  params: Type.Object(
    {
      field: Type.String({ minLength: 1 }),
      per: Type.Number({ exclusiveMinimum: 0 }),
      cap: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    },
    { additionalProperties: false },
  ),
  messages: {
    overdue: {
      reason: {
        zh: '{field}：超期{days}天，每天扣{per}分，{cap}分扣完为止，扣{points}分',
        en: '{field}: {days} days overdue, {per} a day, at most {cap}; {points} deducted',
      },
      suggestion: { zh: '对超期问题挂牌督办，按期完成整改', en: 'Put overdue problems under supervision and finish them on time' },
      data: ['field', 'days', 'per', 'cap', 'points'],
    },
  },
  // Beyond the schema: the cap cannot exceed the item's max (item.max is in thousandths).
  check: (p, item) => (p.cap !== undefined && toMilli(p.cap) > item.max ? [{ path: '/cap', message: `cap ${p.cap} exceeds the item's max ${fromMilli(item.max)}` }] : []),
  // Once, at compile time: points → integer thousandths.
  prepare: (p, item) => ({ field: p.field, per: toMilli(p.per), cap: p.cap === undefined ? item.max : toMilli(p.cap) }),
  // One field, at most one deduction: the kernel shape, the one every built-in single-field method
  // uses. `deduct` gives the points (integer thousandths) per item and unit, and is all that
  // scoring runs; `explain` gives the message's data only when a card is written. "Nothing
  // reported" is handled by the engine before `deduct` is called.
  kernel: {
    messageId: 'overdue',
    deduct: ({ per, cap }, days, max) => Math.min((typeof days === 'number' ? days : 0) * per, cap, max),
    // data is rendered in the language asked for: a { zh, en } value (the field's title) is picked then.
    explain: ({ per, cap }, days, max, points, field) => ({ field: field.title, days, per: fromMilli(per), cap: fromMilli(Math.min(cap, max)), points: fromMilli(points) }),
  },
});

const rectificationPlugin = definePlugin({
  name: 'example:rectification',
  methods: { 'per-day-overdue': perDayOverdue },
  // JsonLogic operators get their arguments evaluated: { "between": [value, low, high] }, inclusive.
  operators: { between: (v, lo, hi) => typeof v === 'number' && typeof lo === 'number' && typeof hi === 'number' && v >= lo && v <= hi },
});

const rulesetJson = read('./ruleset.json');

try {
  // An engine with the plugin: the ruleset compiles and scores.
  const engine = createEngine({ plugins: [rectificationPlugin] });
  const ruleset = engine.compile(rulesetJson);
  console.log(`${ruleset.title.zh} (${ruleset.id}@${ruleset.version}) on an engine with plugin "${rectificationPlugin.name}"`);
  for (const evidence of read('./evidence.json')) {
    const card = ruleset.score(evidence, { lang });
    console.log(`\n${card.unit.name} (${card.unit.id}): total ${card.total} / ${card.max}, grade ${card.gradeTitle}`);
    for (const item of card.nodes.flatMap((n) => n.children ?? [])) {
      console.log(`  ${item.id} ${item.title}  ${item.earned} / ${item.max}  [${item.method ?? 'logic'}]`);
      for (const d of item.deductions ?? []) {
        console.log(`      −${d.points} ${d.reason}`);
        if (d.suggestion) console.log(`         → ${d.suggestion}`);
      }
    }
  }
  // The operator also works in the engine's own JsonLogic.
  console.log(`\nengine.compileLogic({ between: [{ var: 'x' }, 90, 100] })({ x: 100 }) = ${engine.compileLogic({ between: [{ var: 'x' }, 90, 100] })({ x: 100 })}`);
} catch (err) {
  if (err instanceof SafecityError) { console.error(err.message); process.exit(1); }
  throw err;
}

// Plugins belong to one engine: a plain engine has neither part, and refuses the ruleset,
// listing every problem with its JSON pointer.
try {
  createEngine().compile(rulesetJson);
  console.error('expected the engine without the plugin to refuse the ruleset');
  process.exit(1);
} catch (err) {
  if (!(err instanceof RulesetError)) throw err;
  console.log(`\nan engine without the plugin refuses it — ${err.title}:`);
  for (const i of err.issues) console.log(`  ${i.path}: ${i.message}`);
}
