import jsonLogic from 'json-logic-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogicCompiler } from '../src/logic/index.js';
import type { LogicOperator } from '../src/logic/index.js';

const compiler = createLogicCompiler();

describe('issues', () => {
  it('reports every unknown operator at once, at the JSON pointer of its key', () => {
    const rule = {
      if: [
        { nosuchop: [1] },
        { and: [{ var: 'a' }, { foo: 1 }] },
        { map: [[1, 2], { bar: [] }] },
        { '==': [{ baz: { qux: 1 } }, 2] },
      ],
    };
    const { issues, fn } = compiler.compile(rule, '/rules/0/when');
    expect(issues).toEqual([
      { path: '/rules/0/when/if/0/nosuchop', message: 'unknown JsonLogic operator "nosuchop"' },
      { path: '/rules/0/when/if/1/and/1/foo', message: 'unknown JsonLogic operator "foo"' },
      { path: '/rules/0/when/if/2/map/1/bar', message: 'unknown JsonLogic operator "bar"' },
      { path: '/rules/0/when/if/3/==/0/baz', message: 'unknown JsonLogic operator "baz"' },
      { path: '/rules/0/when/if/3/==/0/baz/qux', message: 'unknown JsonLogic operator "qux"' },
    ]);
    expect(() => fn({})).toThrow(/5 issues.*\/rules\/0\/when\/if\/0\/nosuchop: unknown JsonLogic operator "nosuchop"/);
  });

  it('points into top-level arrays and escapes "~" and "/" (RFC 6901)', () => {
    const { issues } = compiler.compile([1, { 'a/b~c': 1 }, [{ '': 2 }]]);
    expect(issues.map((i) => i.path)).toEqual(['/1/a~1b~0c', '/2/0/']);
  });

  it('rejects "method" as an unknown operator', () => {
    const { issues, fn } = compiler.compile({ method: ['abc', 'toUpperCase'] });
    expect(issues).toEqual([{ path: '/method', message: 'unknown JsonLogic operator "method"' }]);
    expect(() => fn({})).toThrow(/method/);
    expect(compiler.has('method')).toBe(false);
    expect(compiler.operators()).not.toContain('method');
  });

  it('rejects dotted operator names and prototype names', () => {
    for (const op of ['Math.abs', 'var.length', 'constructor', '__proto__', 'toString']) {
      const rule = JSON.parse(`{${JSON.stringify(op)}: [1]}`) as unknown;
      expect(compiler.compile(rule).issues).toEqual([
        { path: `/${op}`, message: `unknown JsonLogic operator ${JSON.stringify(op)}` },
      ]);
    }
  });

  it('reports arities that are definitely wrong', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ var: ['a', 1, 2] }, '/var', /"var" takes 0 to 2 arguments, got 3/],
      [{ substr: [] }, '/substr', /"substr" takes 1 to 3 arguments, got 0/],
      [{ '*': [] }, '/*', /"\*" takes at least 1 argument/],
      [{ missing_some: [1] }, '/missing_some', /exactly 2 arguments, got 1/],
      [{ '>': [1, 2, 3] }, '/>', /">" takes exactly 2 arguments, got 3/],
      [{ '<': [1, 2, 3, 4] }, '/</', /"<" takes 2 to 3 arguments, got 4/],
      [{ and: [{ '!': [1, 2] }] }, '/and/0/!', /"!" takes exactly 1 argument, got 2/],
      [{ map: [[1]] }, '/map', /"map" takes exactly 2 arguments, got 1/],
    ];
    for (const [rule, path, message] of cases) {
      const { issues } = compiler.compile(rule);
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toBe(path.replace(/\/$/, ''));
      expect(issues[0]?.message).toMatch(message);
    }
  });

  it('accepts the arities the shared suite uses', () => {
    for (const rule of [
      { var: [] }, { var: 'a' }, { var: ['a', 1] }, { '+': '3' }, { '+': [] }, { merge: [] },
      { if: [] }, { if: [1, 2] }, { '<': [1, 2, 3] }, { '!': [false] }, { '!!': 0 }, { '-': 2 },
      { missing: [] }, { cat: 'a' }, { max: [1] }, { reduce: [[1], { var: 'current' }, 0] },
      { substr: ['abc', 1] }, { and: [true] }, { or: [false, true, 1] },
    ]) {
      expect(compiler.compile(rule).issues).toEqual([]);
    }
  });

  it('never throws while compiling, even for a cyclic rule', () => {
    const cyclic: { and: unknown[] } = { and: [] };
    cyclic.and.push(cyclic);
    const { issues, fn } = compiler.compile(cyclic, '/x');
    expect(issues).toEqual([{ path: '/x/and/0', message: 'cyclic JsonLogic rule' }]);
    expect(() => fn({})).toThrow(/cyclic/);

    const arr: unknown[] = [1];
    arr.push(arr);
    expect(compiler.compile(arr).issues).toEqual([{ path: '/1', message: 'cyclic JsonLogic rule' }]);
  });
});

describe('vars and dynamicVars', () => {
  it('collects literal var paths with the pointer of the path', () => {
    const { vars, dynamicVars, issues } = compiler.compile(
      {
        and: [
          { '<=': [{ var: 'renovationRate' }, 80] },
          { '>': [{ var: ['hydrant.rate', 0] }, 1] },
          { '==': [{ var: 3 }, { var: '' }] },
          { '!': { var: [] } },
        ],
      },
      '/items/2/score',
    );
    expect(issues).toEqual([]);
    expect(dynamicVars).toEqual([]);
    expect(vars).toEqual([
      { path: 'renovationRate', pointer: '/items/2/score/and/0/<=/0/var' },
      { path: 'hydrant.rate', pointer: '/items/2/score/and/1/>/0/var/0' },
      { path: '3', pointer: '/items/2/score/and/2/==/0/var' },
      { path: '', pointer: '/items/2/score/and/2/==/1/var' },
      { path: '', pointer: '/items/2/score/and/3/!/var' },
    ]);
  });

  it('collects literal missing / missing_some keys', () => {
    expect(compiler.compile({ missing: ['a', 'b.c'] }).vars).toEqual([
      { path: 'a', pointer: '/missing/0' },
      { path: 'b.c', pointer: '/missing/1' },
    ]);
    expect(compiler.compile({ missing: [['a', 'b']] }).vars).toEqual([
      { path: 'a', pointer: '/missing/0/0' },
      { path: 'b', pointer: '/missing/0/1' },
    ]);
    expect(compiler.compile({ missing: 'a' }).vars).toEqual([{ path: 'a', pointer: '/missing' }]);
    expect(compiler.compile({ missing_some: [1, ['x', 'y']] }).vars).toEqual([
      { path: 'x', pointer: '/missing_some/1/0' },
      { path: 'y', pointer: '/missing_some/1/1' },
    ]);
  });

  it('reports computed paths as dynamicVars (and the vars they read)', () => {
    const r1 = compiler.compile({ var: { cat: ['unit.', { var: 'field' }] } });
    expect(r1.dynamicVars).toEqual(['/var']);
    expect(r1.vars).toEqual([{ path: 'field', pointer: '/var/cat/1/var' }]);

    const r2 = compiler.compile({ var: [{ var: 'which' }, 0] });
    expect(r2.dynamicVars).toEqual(['/var/0']);

    const r3 = compiler.compile({
      missing: { merge: ['vin', { if: [{ var: 'financing' }, ['apr'], []] }] },
    });
    expect(r3.dynamicVars).toEqual(['/missing']);
    expect(r3.vars).toEqual([{ path: 'financing', pointer: '/missing/merge/1/if/0/var' }]);

    const r4 = compiler.compile({ missing_some: [1, { var: 'keys' }] });
    expect(r4.dynamicVars).toEqual(['/missing_some/1']);
    expect(r4.vars).toEqual([{ path: 'keys', pointer: '/missing_some/1/var' }]);
  });

  it('does not collect the vars of per-element rules (map / filter / reduce / all / none / some)', () => {
    const r = compiler.compile({
      and: [
        { map: [{ var: 'items' }, { '*': [{ var: 'price' }, 2] }] },
        { reduce: [{ var: 'xs' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, { var: 'start' }] },
        { all: [{ var: 'units' }, { some: [{ var: 'hydrants' }, { var: { cat: ['o', 'k'] } }] }] },
        { filter: [{ map: [{ var: 'ys' }, { var: 'z' }] }, { missing: ['w'] }] },
      ],
    });
    expect(r.issues).toEqual([]);
    expect(r.vars.map((v) => v.path)).toEqual(['items', 'xs', 'start', 'units', 'ys']);
    expect(r.vars.find((v) => v.path === 'start')?.pointer).toBe('/and/1/reduce/2/var');
    expect(r.dynamicVars).toEqual([]);
  });
});

describe('data is read through own properties only', () => {
  const data = { a: 1, xs: [10, 20, 30], s: 'abc', o: { p: null } };

  it('never reaches a prototype', () => {
    for (const path of [
      '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'a.constructor',
      'a.toFixed', 'xs.map', 'xs.constructor', 's.toUpperCase', 'o.__proto__', 'o.p.x',
    ]) {
      expect(compiler.compile({ var: path }).fn(data)).toBeNull();
      expect(compiler.compile({ var: [path, 'dflt'] }).fn(data)).toBe('dflt');
    }
    expect(compiler.compile({ missing: ['toString', 'constructor', 'a'] }).fn(data)).toEqual([
      'toString',
      'constructor',
    ]);
    // the reference does reach the prototype:
    expect(jsonLogic.apply({ var: 'constructor' }, data)).toBe(Object);
  });

  it('indexes arrays and strings, including length', () => {
    const get = (path: string): unknown => compiler.compile({ var: path }).fn(data);
    expect(get('xs.1')).toBe(20);
    expect(get('xs.3')).toBeNull();
    expect(get('xs.length')).toBe(3);
    expect(get('s.length')).toBe(3);
    expect(get('s.0')).toBe('a');
    expect(get('o.p')).toBeNull();
    expect(compiler.compile({ var: ['o.p', 5] }).fn(data)).toBeNull(); // a null found is kept
    expect(compiler.compile({ var: 1 }).fn(['x', 'y'])).toBe('y');
  });

  it('reads own "__proto__" data keys and null-prototype objects', () => {
    const own = JSON.parse('{"__proto__": {"x": 7}}') as unknown;
    expect(compiler.compile({ var: '__proto__.x' }).fn(own)).toBe(7);
    const bare = Object.assign(Object.create(null) as object, { k: 'v' });
    expect(compiler.compile({ var: 'k' }).fn(bare)).toBe('v');
    expect(compiler.compile({ var: 'toString' }).fn(bare)).toBeNull();
  });

  it('applies the same rule to computed paths', () => {
    const { fn } = compiler.compile({ var: { cat: [{ var: 'field' }] } });
    expect(fn({ field: 'constructor' })).toBeNull();
    expect(fn({ field: 'field' })).toBe('field');
  });
});

describe('custom operators', () => {
  it('are eager: they get evaluated arguments, and no data as `this`', () => {
    const seen: unknown[] = [];
    const spy: LogicOperator = function (this: unknown, ...args: unknown[]) {
      seen.push(this, args);
      return (args[0] as number) * 2;
    };
    const c = createLogicCompiler({ twice: spy });
    const { fn, issues } = c.compile({ twice: [{ var: 'a' }, { '+': [1, 1] }, 'lit'] });
    expect(issues).toEqual([]);
    expect(fn({ a: 21 })).toBe(42);
    expect(seen).toEqual([undefined, [21, 2, 'lit']]);
  });

  it('override a built-in in their own compiler only', () => {
    const custom = createLogicCompiler({ '+': () => 'custom plus', if: (c, a, b) => (c ? a : b) });
    const plain = createLogicCompiler();
    expect(custom.compile({ '+': [1, 2] }).fn({})).toBe('custom plus');
    expect(plain.compile({ '+': [1, 2] }).fn({})).toBe(3);
    expect(compiler.compile({ '+': [1, 2] }).fn({})).toBe(3);
    // an overriding `if` is eager: both branches run
    const calls: string[] = [];
    const eager = createLogicCompiler({
      if: (c, a, b) => (c ? a : b),
      mark: (x) => (calls.push(String(x)), x),
    });
    expect(eager.compile({ if: [true, { mark: 'then' }, { mark: 'else' }] }).fn({})).toBe('then');
    expect(calls).toEqual(['then', 'else']);
  });

  it('are isolated between compilers', () => {
    const a = createLogicCompiler({ foo: () => 'a' });
    const b = createLogicCompiler({ bar: () => 'b' });
    expect(a.compile({ foo: [] }).fn({})).toBe('a');
    expect(b.compile({ foo: [] }).issues).toEqual([{ path: '/foo', message: 'unknown JsonLogic operator "foo"' }]);
    expect(a.has('foo')).toBe(true);
    expect(a.has('bar')).toBe(false);
    expect(b.has('bar')).toBe(true);
    expect(createLogicCompiler().has('foo')).toBe(false);
  });

  it('are copied at creation: later changes to the table do not leak in', () => {
    const table: Record<string, LogicOperator> = { foo: () => 1 };
    const c = createLogicCompiler(table);
    table['late'] = () => 2;
    expect(c.has('late')).toBe(false);
    expect(c.compile({ late: [] }).issues).toHaveLength(1);
  });

  it('must be functions', () => {
    expect(() => createLogicCompiler({ bad: 1 as unknown as LogicOperator })).toThrow(TypeError);
  });

  it('has() and operators() list built-ins and customs, sorted', () => {
    const c = createLogicCompiler({ zeta: () => 0, alpha: () => 0, '+': () => 0 });
    const ops = c.operators();
    expect(ops).toEqual([...ops].sort());
    expect(new Set(ops).size).toBe(ops.length);
    expect(ops).toEqual(expect.arrayContaining(['alpha', 'zeta', 'var', 'missing_some', 'reduce', '?:']));
    expect(createLogicCompiler().operators()).toHaveLength(35);
    expect(c.has('alpha') && c.has('var') && c.has('?:')).toBe(true);
    ops.push('mutated');
    expect(c.operators()).not.toContain('mutated');
  });
});

describe('log', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('returns its argument without printing', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const write = vi.spyOn(process.stdout, 'write');
    const { fn } = compiler.compile({ log: { var: 'a' } });
    expect(fn({ a: 'apple' })).toBe('apple');
    expect(compiler.compile({ log: 'x' }).fn(null)).toBe('x');
    expect(log).not.toHaveBeenCalled();
    expect(info).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalled();
  });
});

describe('compiled once', () => {
  it('does not depend on the rule object after compiling', () => {
    const rule = { in: [{ var: 'k' }, ['a', 'b']] };
    const { fn } = compiler.compile(rule);
    (rule.in[1] as string[]).push('c');
    rule.in[0] = { var: 'other' };
    expect(fn({ k: 'c' })).toBe(false);
    expect(fn({ k: 'a' })).toBe(true);
  });

  it('returns fresh arrays for literal arrays, as json-logic-js does', () => {
    const { fn } = compiler.compile({ if: [true, [1, 2], []] });
    const first = fn({}) as number[];
    first.push(3);
    expect(fn({})).toEqual([1, 2]);
  });

  it('keeps json-logic-js edge semantics', () => {
    const run = (rule: unknown, data: unknown = {}): unknown => compiler.compile(rule).fn(data);
    expect(run({ '<': [1, 2, { and: [] }] })).toBe(true); // 3rd argument undefined: binary
    expect(run({ '*': ['3'] })).toBe('3'); // one argument returned as is
    expect(Object.is(run({ '*': [-1, 0, 5] }), 0)).toBe(true); // parseFloat(-0) is 0
    expect(Object.is(run({ '-': 0 }), -0)).toBe(true);
    expect(run({ '+': [] })).toBe(0);
    expect(run({ max: [] })).toBe(-Infinity);
    expect(run({ reduce: [{ var: 'xs' }, { var: 'current' }] }, { xs: 1 })).toBeNull();
    expect(run({ in: ['x', { var: 'o' }] }, { o: { x: 1 } })).toBe(false);
    // and, checked against the reference itself:
    const cases: [unknown, unknown][] = [
      [{ missing_some: [1, [['a', 'b']]] }, { b: 1 }],
      [{ missing_some: [1, 'ab'] }, {}],
      [{ missing: [['a', 'dflt']] }, {}],
      [{ missing: ['a', ['b', 'dflt']] }, {}],
      [{ missing: [null, ''] }, ''],
      [{ substr: ['abcdef', -4, -1] }, {}],
      [{ substr: ['abcdef', 1, '-2'] }, {}],
      [{ cat: [null, [1, [2, null]], {}, true] }, {}],
      [{ merge: [1, [2, [3]], null] }, {}],
      [{ in: ['b', 'abc'] }, {}],
      [{ in: [null, 'null'] }, {}],
      [{ var: 'a.b.c.d' }, { a: { b: { c: { d: 0 } } } }],
      [{ var: 1.5 }, { 1: { 5: 'x' } }],
      [{ '==': [[], false] }, {}],
      [{ '+': ['1e3', ' 2 ', '0x10', true] }, {}],
      [{ '*': ['2', '3', '-0'] }, {}],
      [{ min: ['3', [1], null] }, {}],
      [{ reduce: [[1, 2, 3], { var: '' }] }, {}],
      [{ filter: [[0, 1, [], [0], '', 'a'], { var: '' }] }, {}],
      [{ if: [[], 'a', [0], 'b', 'c'] }, {}],
    ];
    for (const [rule, data] of cases) {
      const want = jsonLogic.apply(rule as Parameters<typeof jsonLogic.apply>[0], data) as unknown;
      expect(run(rule, data), JSON.stringify(rule)).toEqual(want);
    }
  });
});
