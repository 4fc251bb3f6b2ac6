import { describe, expect, it } from 'vitest';
import { createEngine, defineMethod, definePlugin, fromMilli, toMilli, type Finding } from '../src/index.js';
import { field, rulesetOf, unit } from './helpers.js';

// 每超期一天扣x分: the same method written in the two shapes a method may take.
const params = { type: 'object', properties: { field: { type: 'string' }, per: { type: 'number' } }, required: ['field', 'per'] } as never;
const meta = { description: { zh: '每超期一天扣x分' }, monotonic: true, fields: (p: { field: string }) => [{ field: p.field, path: '/field', types: ['integer' as const] }] };
const messages = { overdue: { reason: { zh: '{field}超期{days}天，扣{points}分', en: '{field}: {days} days overdue; {points} deducted' }, suggestion: { zh: '按期整改' }, data: ['field', 'days', 'points'] } };
const prepare = (p: { field: string; per: number }) => ({ field: p.field, per: toMilli(p.per) });

const fast = defineMethod<{ field: string; per: number }, { field: string; per: number }>({
  meta,
  params,
  messages,
  prepare,
  kernel: {
    messageId: 'overdue',
    deduct: (p, v, max) => Math.min(typeof v === 'number' ? v * p.per : 0, max),
    explain: (_p, v, _max, points, f) => ({ field: f.title, days: v, points: fromMilli(points) }),
  },
});
const general = defineMethod<{ field: string; per: number }, { field: string; per: number }>({
  meta,
  params,
  messages,
  prepare,
  score(ctx) {
    const v = ctx.value(ctx.params.field);
    const points = Math.min(typeof v === 'number' ? v * ctx.params.per : 0, ctx.max);
    if (points > 0) ctx.deduct('overdue', points, { field: ctx.fieldTitle(ctx.params.field), days: v, points: fromMilli(points) }, [ctx.params.field]);
  },
});

// Two engines, the method under one name: the same ruleset, so the same cards byte for byte.
const rs = (method: typeof fast) =>
  createEngine({ plugins: [definePlugin({ name: 'test', methods: { overdue: method } })] }).compile(
    rulesetOf(
      [
        { id: 'a', title: { zh: '整改时限' }, max: 2, scoring: { method: 'overdue', params: { field: 'days', per: 0.5 } } },
        { id: 'b', title: { zh: '第二项' }, max: 1, scoring: { method: 'overdue', params: { field: 'late', per: 0.25 } } },
      ],
      [field('days', 'integer', { title: { zh: '超期天数', en: 'Days overdue' } }), field('late', 'integer')],
    ),
  );

describe("a plugin's method in the kernel shape", () => {
  const withKernel = rs(fast);
  const withScore = rs(general);
  it('gives the card the same method written with score gives, in both languages, with and without findings', () => {
    const findings: Finding[] = [{ item: 'a', source: 'onsite', type: 'deduction', points: 0.5, reason: '现场发现超期' }];
    for (const values of [{ days: 3, late: 1 }, { days: 0 }, { days: 9, late: 0 }, {}] as Array<Record<string, number>>) {
      for (const lang of ['zh', 'en'] as const) {
        for (const f of [[], findings]) {
          const card = (r: typeof withKernel) => JSON.stringify(r.score({ unit, values }, { lang, findings: f }));
          expect(card(withKernel)).toBe(card(withScore));
          expect(JSON.stringify(withKernel.evaluate({ unit, values }, { findings: f }).toScoreCard(lang))).toBe(card(withScore));
        }
      }
    }
    expect(withKernel.score({ unit, values: { days: 3 } }).nodes[0]!.children![0]!.deductions![0]!.reason).toBe('超期天数超期3天，扣1.5分');
  });
  it('must name exactly one field, and a method needs a kernel or a score', () => {
    const two = defineMethod<{ field: string; per: number }>({ ...fast, meta: { ...meta, fields: (p: { field: string }) => [...meta.fields(p), { field: 'late', path: '/per', types: ['integer'] }] } } as never);
    const e2 = createEngine({ plugins: [definePlugin({ name: 'two', methods: { two } })] });
    expect(() =>
      e2.compile(rulesetOf([{ id: 'a', title: { zh: '项' }, max: 1, scoring: { method: 'two', params: { field: 'days', per: 1 } } }], [field('days', 'integer'), field('late', 'integer')])),
    ).toThrow(/scores one field \(its kernel\), but its params name 2/);
    const { kernel: _k, ...neither } = fast;
    expect(() => createEngine({ plugins: [definePlugin({ name: 'bad', methods: { neither: neither as never } })] })).toThrow(/kernel: \{ messageId, deduct, explain \} or score/);
  });
});
