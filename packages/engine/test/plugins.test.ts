// Plugins belong to one engine: two engines never share parts; conflicts are errors unless
// declared as overrides; the engine is frozen.
import { describe, it, expect } from 'vitest';
import { Type } from 'typebox';
import { createEngine, defineMethod, definePlugin, PluginError, LogicError, toMilli } from '../src/index.js';
import { field, rulesetOf, unit } from './helpers.js';

// A method a city might add: 每超期一天扣x分 (per day overdue).
const perDayOverdue = defineMethod<{ field: string; per: number }, { field: string; per: number }>({
  meta: {
    description: { zh: '每超期一天扣x分', en: 'Deduct per day overdue' },
    monotonic: true,
    fields: (p) => [{ field: p.field, path: '/field', types: ['integer'] }],
  },
  params: Type.Object({ field: Type.String(), per: Type.Number({ exclusiveMinimum: 0 }) }, { additionalProperties: false }),
  messages: {
    overdue: { reason: { zh: '超期{days}天，扣{points}分', en: '{days} days overdue; {points} deducted' }, suggestion: { zh: '按期完成' }, data: ['days', 'points'] },
  },
  prepare: (p) => ({ field: p.field, per: toMilli(p.per) }),
  score(ctx) {
    const days = (ctx.value(ctx.params.field) as number | undefined) ?? 0;
    if (days > 0) ctx.deduct('overdue', Math.min(days * ctx.params.per, ctx.max), { days, points: Math.min(days * ctx.params.per, ctx.max) / 1000 }, [ctx.params.field]);
  },
});
const overduePlugin = definePlugin({ name: 'xian:overdue', methods: { 'per-day-overdue': perDayOverdue } });
const ruleset = rulesetOf([{ id: 'i', title: { zh: '整改时限' }, max: 1, scoring: { method: 'per-day-overdue', params: { field: 'days', per: 0.1 } } }], [field('days', 'integer')]);

describe('plugins', () => {
  it('a plugin method scores, with its own messages', () => {
    const card = createEngine({ plugins: [overduePlugin] }).compile(ruleset).score({ unit, values: { days: 3 } });
    expect(card.nodes[0]!.children![0]).toMatchObject({ earned: 0.7, deductions: [{ points: 0.3, reason: '超期3天，扣0.3分', suggestion: '按期完成', code: 'overdue' }] });
  });
  it('two engines never share parts', () => {
    const a = createEngine({ plugins: [overduePlugin] });
    const b = createEngine();
    expect(a.methods.has('per-day-overdue')).toBe(true);
    expect(b.methods.has('per-day-overdue')).toBe(false);
    expect(() => b.compile(ruleset)).toThrow(/unknown scoring method "per-day-overdue"/);
    const twice = definePlugin({ name: 'twice', operators: { twice: (x) => (x as number) * 2 } });
    const c = createEngine({ plugins: [twice] });
    expect(c.compileLogic({ twice: 21 })(null)).toBe(42);
    expect(() => createEngine().compileLogic({ twice: 21 })).toThrow(LogicError);
    expect(c.operators).toContain('twice');
    expect(b.operators).not.toContain('twice');
  });
  it('naming an existing part is an error unless declared as an override', () => {
    const clash = definePlugin({ name: 'clash', methods: { rate: perDayOverdue } });
    expect(() => createEngine({ plugins: [clash] })).toThrow(PluginError);
    try {
      createEngine({ plugins: [clash] });
    } catch (e) {
      expect((e as PluginError).issues).toEqual([{ path: '/plugins/2/methods/rate', message: 'plugin "clash" redefines methods/rate; declare "methods/rate" in its overrides to replace it' }]);
    }
    const plus = definePlugin({ name: 'plus', operators: { '+': () => 0 } });
    expect(() => createEngine({ plugins: [plus] })).toThrow(/redefines operators\/\+/);
    const declared = definePlugin({ name: 'declared', operators: { '+': () => 0 }, overrides: ['operators/+'] });
    expect(createEngine({ plugins: [declared] }).compileLogic({ '+': [1, 2] })(null)).toBe(0);
    expect(createEngine().compileLogic({ '+': [1, 2] })(null)).toBe(3);
  });
  it('an override that replaces nothing, a duplicate plugin, a malformed method', () => {
    expect(() => createEngine({ plugins: [definePlugin({ name: 'x', overrides: ['methods/nothing'] })] })).toThrow(/"methods\/nothing" overrides nothing/);
    expect(() => createEngine({ plugins: [overduePlugin, overduePlugin] })).toThrow(/plugin "xian:overdue" is used twice/);
    expect(() => createEngine({ plugins: [{ name: 'bad', methods: { m: { score: 1 } as never } }] })).toThrow(/a scoring method is \{ meta/);
  });
  it('the engine is frozen, and its tables cannot be changed from outside', () => {
    const e = createEngine();
    expect(Object.isFrozen(e)).toBe(true);
    expect(() => ((e as { compile: unknown }).compile = null)).toThrow(TypeError);
    expect((e.methods as unknown as Map<string, unknown>).set).toBeUndefined();
  });
  it('without built-ins, nothing but the plugins', () => {
    const e = createEngine({ builtins: false, plugins: [overduePlugin] });
    expect([...e.methods.keys()]).toEqual(['per-day-overdue']);
  });
  it('parsers and reporters are registered per engine', () => {
    const p = definePlugin({ name: 'csv', parsers: { csv: { extensions: ['.csv'], parse: () => ({}) } }, reporters: { txt: { format: 'txt', render: () => '' } } });
    expect(createEngine({ plugins: [p] }).parsers.has('csv')).toBe(true);
    expect(createEngine({ plugins: [p] }).reporters.get('txt')?.format).toBe('txt');
    expect(createEngine().parsers.size).toBe(0);
  });
});
