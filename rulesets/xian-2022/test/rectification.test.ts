// 整改类型 and 整改时限 as declared (modelled) in both rubrics: a fire station is not due in two weeks.
import { describe, expect, it } from 'vitest';
import { createEngine } from '@safecity/engine';
import { district, municipal } from '../src/index.js';

const engine = createEngine();

describe.each([
  ['district', district],
  ['municipal', municipal],
])('%s rectification', (_name, json) => {
  const rs = engine.compile(json);
  const of = (id: string) => rs.items.find((i) => i.id === id)?.rectification;

  it('gives every item a rectification, documents 限期整改 30 days by default', () => {
    expect(rs.items.filter((i) => i.rectification === undefined).map((i) => i.id)).toEqual([]);
    expect(of('1.2.1')).toMatchObject({ type: 'deadline', days: 30 });
    expect(of('1.1.1')).toMatchObject({ type: 'immediate', days: 7 });
  });

  it('gives facilities months and outcomes no end date', () => {
    expect(of('3.1.2.5.1')).toMatchObject({ type: 'deadline', days: 365 }); // 消防站: from its group
    expect(of('3.1.2.8')).toMatchObject({ type: 'deadline', days: 365 }); // 综合管廊
    for (const id of ['3.6.54', '3.6.55', '3.6.56', '3.6.57']) expect(of(id)).toMatchObject({ type: 'ongoing' }); // 安全状况
  });

  it('says every declared value is modelled', () => {
    const notes = rs.items.map((i) => i.rectification?.note?.zh ?? '');
    expect(notes.every((n) => n.startsWith('模型设定（细则未规定整改时限）'))).toBe(true);
  });
});
