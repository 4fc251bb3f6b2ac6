/** A small 2022 edition and a helper for patches on it (extends, diff and migration tests). */
import type { Ruleset } from '../src/index.js';

export type Json = Record<string, unknown>;
export const item = (id: string, max: number, field: string): Json => ({ id, title: { zh: `项${id}` }, max, standard: `${id}的评分标准`, scoring: { method: 'presence', params: { field } } });
export const field = (name: string, type = 'boolean'): Json => ({ name, type, title: { zh: name } });

/** 2022: g1 (10) = i1 4 + i2 6; g2 (10) = i3 5 + i4 5; bonus cap 2 = x1 2. */
export const base: Ruleset = {
  id: 'test/district',
  version: '1.0.0',
  edition: 2022,
  title: { zh: '2022年细则' },
  unitKinds: ['district'],
  fields: ['a', 'b', 'c', 'd', 'e'].map((n) => field(n)),
  tree: [
    { id: 'g1', title: { zh: '组一' }, max: 10, children: [item('i1', 4, 'a'), item('i2', 6, 'b')] },
    { id: 'g2', title: { zh: '组二' }, max: 10, children: [item('i3', 5, 'c'), item('i4', 5, 'd')] },
  ],
  bonus: { id: 'bonus', title: { zh: '加分' }, cap: 2, items: [item('x1', 2, 'e')] },
} as unknown as Ruleset;

export const patch = (ops: unknown[], extra: Json = {}): Json => ({
  id: 'test/district',
  version: '2.0.0',
  edition: 2023,
  title: { zh: '2023年细则' },
  extends: { id: 'test/district', version: '1.0.0' },
  patch: ops,
  ...extra,
});

