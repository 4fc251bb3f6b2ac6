// defineMethod infers a method's params from its TypeBox schema: no hand-written params type.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { Type } from 'typebox';
import { createEngine, defineMethod, definePlugin, toMilli, type FieldRef, type ItemInfo, type ScoringMethod } from '../src/index.js';

const Params = Type.Object(
  { field: Type.String({ minLength: 1 }), per: Type.Number({ exclusiveMinimum: 0 }), cap: Type.Optional(Type.Number()) },
  { additionalProperties: false },
);

describe('defineMethod', () => {
  it('types meta.fields, check and prepare with the schema\'s Static, and score with what prepare returns', () => {
    const method = defineMethod({
      meta: {
        description: { zh: '每超期一天扣x分' },
        monotonic: true,
        fields: (p) => {
          expectTypeOf(p).toEqualTypeOf<{ field: string; per: number; cap?: number }>();
          return [{ field: p.field, path: '/field', types: ['integer'] }];
        },
      },
      params: Params,
      messages: { overdue: { reason: { zh: '超期{days}天' }, data: ['days'] } },
      check: (p, item) => {
        expectTypeOf(p.per).toEqualTypeOf<number>();
        expectTypeOf(item).toEqualTypeOf<ItemInfo>();
        return [];
      },
      prepare: (p, item) => ({ field: p.field, per: toMilli(p.per), cap: p.cap === undefined ? item.max : toMilli(p.cap) }),
      score: (ctx) => {
        expectTypeOf(ctx.params).toEqualTypeOf<{ field: string; per: number; cap: number }>();
        const days = ctx.value(ctx.params.field);
        if (typeof days === 'number' && days > 0) ctx.deduct('overdue', Math.min(days * ctx.params.per, ctx.params.cap, ctx.max), { days }, [ctx.params.field]);
      },
    });
    expectTypeOf(method).toExtend<ScoringMethod>();
    expectTypeOf(method.meta.fields).parameter(0).toEqualTypeOf<{ field: string; per: number; cap?: number }>();
    // A wrong property of the params is a type error, not `unknown` passing silently.
    defineMethod({
      meta: {
        description: { zh: 'x' },
        monotonic: true,
        // @ts-expect-error `fieldd` is not a property of the schema's params
        fields: (p) => [{ field: p.fieldd as string, path: '/field', types: ['integer'] }],
      },
      params: Params,
      messages: {},
    });
    // It still is the identity at run time, and the engine uses it.
    const engine = createEngine({ plugins: [definePlugin({ name: 'test:overdue', methods: { 'per-day-overdue': method } })] });
    expect(engine.methods.get('per-day-overdue')).toBe(method);
  });

  it('without prepare, score and the kernel get the schema\'s Static', () => {
    const method = defineMethod({
      meta: { description: { zh: '有/无' }, monotonic: true, fields: (p): FieldRef[] => [{ field: p.field, path: '/field', types: ['boolean'] }] },
      params: Type.Object({ field: Type.String() }),
      messages: { absent: { reason: { zh: '未提供' }, data: [] } },
      kernel: {
        messageId: 'absent',
        deduct: (p, v, max) => {
          expectTypeOf(p).toEqualTypeOf<{ field: string }>();
          return v === true ? 0 : max;
        },
        explain: () => ({}),
      },
    });
    expectTypeOf(method.prepare).toEqualTypeOf<((params: { field: string }, item: ItemInfo) => { field: string }) | undefined>();
  });

  it('still takes params typed by hand', () => {
    const method = defineMethod<{ field: string }, { field: string; twice: boolean }>({
      meta: { description: { zh: '手写类型' }, monotonic: true, fields: (p) => [{ field: p.field, path: '/field', types: ['integer'] }] },
      params: Type.Object({ field: Type.String() }),
      messages: {},
      prepare: (p) => ({ field: p.field, twice: true }),
      score: (ctx) => {
        expectTypeOf(ctx.params.twice).toEqualTypeOf<boolean>();
      },
    });
    expectTypeOf(method).toEqualTypeOf<ScoringMethod<{ field: string }, { field: string; twice: boolean }>>();
  });
});
