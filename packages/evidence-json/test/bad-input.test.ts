import { describe, expect, it } from 'vitest';
import { EvidenceError, type CompiledRuleset, type Issue, type Unit } from '@safecity/engine';
import { JsonEvidenceError, jsonTemplate, parseJsonEvidence, readJsonEvidence } from '../src/index.js';
import { allTypes, clone, districtRs, issuesOf, municipalRs, unit, units } from './helpers.js';

type Json = Record<string, any>;

const yanta = unit('yanta');
const template = (u: Unit = yanta, rs: CompiledRuleset = districtRs) => clone(jsonTemplate(rs, u)) as Json;

interface Case {
  name: string;
  /** The file's text, or an edit of the unit's template. */
  text?: string;
  edit?: (t: Json) => void;
  unit?: Unit;
  ruleset?: CompiledRuleset;
  registry?: boolean;
  path: string;
  message: string | string[];
}

const cases: Case[] = [
  { name: 'a trailing comma (line and column)', text: '{\n  "ruleset": {},\n  "unit": {},\n}', path: 'yanta.json', message: ['第 3 行第 13 列', '多了逗号'] },
  { name: 'a full-width colon', text: '{"ruleset"：{}}', path: 'yanta.json', message: ['第 1 行第 11 列', '全角字符“：”'] },
  { name: 'two entries without a comma', text: '{"ruleset": {}\n "unit": {}}', path: 'yanta.json', message: ['第 2 行第 2 列', '两项之间缺少逗号'] },
  { name: 'single quotes', text: "{'ruleset': {}}", path: 'yanta.json', message: ['第 1 行第 2 列', '单引号'] },
  { name: 'nesting deeper than 64 levels (maxJsonDepth)', text: '{"items": ' + '['.repeat(500) + ']'.repeat(500) + '}', path: 'yanta.json#/items' + '/0'.repeat(63), message: ['嵌套超过 64 层', 'maxJsonDepth'] },
  { name: 'a comment', text: '{\n  // 说明\n  "unit": {}\n}', path: 'yanta.json', message: ['第 2 行第 3 列', '注释'] },
  { name: 'an unquoted word', text: '{"items": {"3.1.1.1": {"planFindings": 无}}}', path: 'yanta.json', message: ['第 1 行第 40 列', '应为一个值，实为 无；文本须用双引号'] },
  { name: 'an empty file', text: '', path: 'yanta.json', message: '文件是空的' },
  { name: 'not an object', text: '[1, 2]', path: 'yanta.json#', message: '文件应为一个 JSON 对象 {"ruleset": …, "unit": …, "items": …}，实为数组' },
  { name: 'ruleset missing', edit: (t) => delete t['ruleset'], path: 'yanta.json#/ruleset', message: '缺少 ruleset' },
  { name: 'unit missing', edit: (t) => delete t['unit'], path: 'yanta.json#/unit', message: '缺少 unit' },
  { name: 'items missing', edit: (t) => delete t['items'], path: 'yanta.json#/items', message: '缺少 items' },
  { name: 'items not an object', edit: (t) => (t['items'] = []), path: 'yanta.json#/items', message: 'items 应为对象' },
  { name: 'an unknown top-level key', edit: (t) => (t['remarks'] = '无'), path: 'yanta.json#/remarks', message: '未知的键 "remarks"' },
  { name: 'an unknown item id', edit: (t) => (t['items']['9.9.9'] = { x: 1 }), path: 'yanta.json#/items/9.9.9', message: '没有评分项 "9.9.9"' },
  { name: 'a group id instead of an item', edit: (t) => (t['items']['3.1'] = {}), path: 'yanta.json#/items/3.1', message: '“3.1”是指标分组（城市安全源头治理），不是评分项' },
  {
    name: 'an item not applicable to the unit (a county and 3.1.2.8)',
    unit: unit('zhouzhi'),
    edit: (t) => (t['items']['3.1.2.8'] = { utilityTunnelPlan: true }),
    path: 'zhouzhi.json#/items/3.1.2.8',
    message: ['评分项 3.1.2.8（城市地下综合管廊）不适用于周至县（county）', '县城暂不考核地下综合管廊建设规划'],
  },
  { name: 'an item that is not an object', edit: (t) => (t['items']['3.1.1.1'] = 2), path: 'yanta.json#/items/3.1.1.1', message: '评分项 3.1.1.1 应为对象' },
  {
    name: 'an unknown field',
    edit: (t) => (t['items']['3.1.1.1']['remark'] = '无'),
    path: 'yanta.json#/items/3.1.1.1/remark',
    message: ['评分项 3.1.1.1 没有字段 "remark"', '评分项 3.1.1.1 的字段：planFindings'],
  },
  { name: 'a misspelt field', edit: (t) => (t['items']['3.1.1.1']['PlanFindings'] = 1), path: 'yanta.json#/items/3.1.1.1/PlanFindings', message: '是否应为 "planFindings"' },
  {
    name: 'a field under the wrong item',
    edit: (t) => {
      delete t['items']['3.2.1.11']['hazmatMajorHazardSites'];
      t['items']['3.1.1.1']['hazmatMajorHazardSites'] = 2;
    },
    path: 'yanta.json#/items/3.1.1.1/hazmatMajorHazardSites',
    message: '字段“危险化学品重大危险源企业数”（hazmatMajorHazardSites）不属于评分项 3.1.1.1，应填在评分项 3.2.1.11（/items/3.2.1.11）下',
  },
  {
    name: 'the same field given twice',
    edit: (t) => {
      t['items']['3.1.1.1']['planFindings'] = 1;
      t['general']['planFindings'] = 1;
    },
    path: 'yanta.json#/general/planFindings',
    message: ['不属于基本情况', '它已在 /items/3.1.1.1/planFindings 填写，同一字段只能填一次'],
  },
  {
    name: 'a rate given as text',
    edit: (t) => (t['items']['3.2.1.11']['hazmatMonitoringRate'] = '约90'),
    path: 'yanta.json#/items/3.2.1.11/hazmatMonitoringRate',
    message: ['评分项 3.2.1.11 的“重大危险源企业视频和安全监控系统安装率”应为 0–100 的数', '实为 "约90"'],
  },
  { name: 'a rate over 100', edit: (t) => (t['items']['3.2.1.11']['hazmatMonitoringRate'] = 100.5), path: 'yanta.json#/items/3.2.1.11/hazmatMonitoringRate', message: '实为 100.5' },
  { name: 'a rate with four decimals', edit: (t) => (t['items']['3.2.1.11']['hazmatMonitoringRate'] = 90.1234), path: 'yanta.json#/items/3.2.1.11/hazmatMonitoringRate', message: '实为 90.1234（超过三位小数）' },
  { name: 'a rate in quotes with %', edit: (t) => (t['items']['3.2.1.11']['hazmatMonitoringRate'] = '95%'), path: 'yanta.json#/items/3.2.1.11/hazmatMonitoringRate', message: '数字不加引号，也不写 %' },
  { name: 'a negative count', edit: (t) => (t['items']['3.1.1.1']['planFindings'] = -1), path: 'yanta.json#/items/3.1.1.1/planFindings', message: '评分项 3.1.1.1 的“城市总体规划及专项规划存在的问题”应不小于 0，实为 -1' },
  { name: 'a fractional count', edit: (t) => (t['items']['3.1.1.1']['planFindings'] = 2.5), path: 'yanta.json#/items/3.1.1.1/planFindings', message: '应为 ≥ 0 的整数，实为 2.5' },
  { name: 'a count beyond exact integers', text: undefined, edit: (t) => (t['items']['3.1.1.1']['planFindings'] = 2 ** 60), path: 'yanta.json#/items/3.1.1.1/planFindings', message: '超出能精确表示的整数范围' },
  { name: 'a boolean as 是', edit: (t) => (t['items']['1.4.1']['budgeted'] = '是'), path: 'yanta.json#/items/1.4.1/budgeted', message: ['应为 true 或 false，实为 "是"', '是写 true'] },
  { name: 'a document yes/no field as 是', edit: (t) => (t['items']['1.1.1']['leadingGroupDoc'] = '是'), path: 'yanta.json#/items/1.1.1/leadingGroupDoc', message: ['应为 true、false 或证明材料清单（对象数组），实为 "是"', '是写 true'] },
  { name: 'documents that are not a list', edit: (t) => setDocs(t, '制度.pdf'), path: `yanta.json#${docsPointer()}`, message: '应为文件名列表' },
  { name: 'a document listed twice', edit: (t) => setDocs(t, ['a.pdf', 'b.pdf', 'a.pdf']), path: `yanta.json#${docsPointer()}/2`, message: '文件 "a.pdf" 列出了两次（第 1 个和第 3 个）' },
  { name: 'an empty document name', edit: (t) => setDocs(t, ['a.pdf', ' ']), path: `yanta.json#${docsPointer()}/1`, message: '第 2 个文件名应为非空文本' },
  {
    name: 'a key given twice in one object',
    text: `{"ruleset": {"id": "xian-2022/district", "version": "${districtRs.version}"},\n "unit": {"id": "yanta", "name": "雁塔区", "kind": "district"},\n "items": {"3.1.1.1": {"planFindings": 1,\n "planFindings": 3}}}`,
    path: 'yanta.json#/items/3.1.1.1/planFindings',
    message: '键 "planFindings" 在同一对象中出现了两次（第 3 行和第 4 行）',
  },
  { name: 'a file of another rubric', edit: (t) => (t['ruleset']['id'] = 'xian-2022/municipal'), path: 'yanta.json#/ruleset/id', message: `此文件按评价细则 xian-2022/municipal@${districtRs.version} 填写，而读取所用的是 xian-2022/district@${districtRs.version}` },
  { name: 'a file of another version', edit: (t) => (t['ruleset']['version'] = '0.9.0'), path: 'yanta.json#/ruleset/version', message: ['0.9.0 版', `${districtRs.version} 版`] },
  { name: 'a changed ruleset under the same version', edit: (t) => (t['ruleset']['hash'] = 'sha256:' + '0'.repeat(64)), path: 'yanta.json#/ruleset/hash', message: ['内容已改变', districtRs.hash] },
  {
    name: 'a file for another unit (registry)',
    registry: true,
    edit: (t) => (t['unit']['name'] = '碑林区'),
    path: 'yanta.json#/unit/name',
    message: ['单位 "yanta" 在名录中名为“雁塔区”，文件中写作“碑林区”', '"beilin"'],
  },
  // Unit ids name output files: outside the grammar they are refused, registry or not, saying what an id may contain.
  ...['../../x', '/tmp/x', 'a\\b', 'CON', 'nul', '临潼', ' ', 'a'.repeat(65)].flatMap((id): Case[] =>
    [false, true].map((registry) => ({ name: `a unit id outside the grammar: ${JSON.stringify(id)}${registry ? ' (with a registry)' : ''}`, registry, edit: (t: Json) => (t['unit']['id'] = id), path: 'yanta.json#/unit/id', message: ['单位编号只能由小写英文字母、数字'] })),
  ),
  { name: 'a unit not in the registry', registry: true, edit: (t) => (t['unit']['id'] = 'yantaqu'), path: 'yanta.json#/unit/id', message: ['"yantaqu" 不在单位名录中', '“雁塔区”的 id 是 "yanta"'] },
  { name: 'a unit of another kind (registry)', registry: true, edit: (t) => (t['unit']['kind'] = 'county'), path: 'yanta.json#/unit/kind', message: '在名录中的类别是 "district"，文件中写作 "county"' },
  { name: 'a unit kind the ruleset does not evaluate', edit: (t) => (t['unit']['kind'] = 'municipal'), path: 'yanta.json#/unit/kind', message: `评价细则 xian-2022/district@${districtRs.version} 评价 district、county、development-zone 类单位` },
  { name: 'a unit without a name', edit: (t) => (t['unit']['name'] = ''), path: 'yanta.json#/unit/name', message: 'unit.name 应为非空文本' },
  // Every field type and range, on the test rubric.
  { name: 'an impossible date', ruleset: allTypes, edit: (t) => (t['items']['d']['inspected'] = '2023-02-30'), path: 'yanta.json#/items/d/inspected', message: '评分项 d 的“检查日期”应为 YYYY-MM-DD 格式的日期文本，实为 "2023-02-30"' },
  { name: 'a value not in the enum', ruleset: allTypes, edit: (t) => (t['items']['a']['level'] = '丁'), path: 'yanta.json#/items/a/level', message: '应为 "甲"、"乙"、"丙" 之一，实为 "丁"' },
  { name: 'an integer below its minimum', ruleset: allTypes, edit: (t) => (t['items']['b']['staff'] = 0), path: 'yanta.json#/items/b/staff', message: '应不小于 1，实为 0' },
  { name: 'a number above its maximum', ruleset: allTypes, edit: (t) => (t['items']['b']['delta'] = 10.5), path: 'yanta.json#/items/b/delta', message: '应不大于 10，实为 10.5' },
  { name: 'a rate below its minimum', ruleset: allTypes, edit: (t) => (t['items']['c']['cover'] = 40), path: 'yanta.json#/items/c/cover', message: '应不小于 50，实为 40' },
  { name: 'a number too large to hold', ruleset: allTypes, text: undefined, edit: (t) => (t['items']['b']['delta'] = '__BIG__'), path: 'yanta.json#/items/b/delta', message: '超出范围的数' },
  {
    name: 'a field only a non-applicable item reads',
    ruleset: allTypes,
    unit: { id: 'y', name: 'Y县', kind: 'county' },
    edit: (t) => (t['items']['a']['inspected'] = '2023-01-01'),
    path: 'y.json#/items/a/inspected',
    message: '只用于对本单位不适用的评分项',
  },
];

function docsPointer(): string {
  return '/items/1.2.1/policyDocs';
}
function setDocs(t: Json, v: unknown): void {
  t['items']['1.2.1']['policyDocs'] = v;
}

function run(c: Case): readonly Issue[] {
  const u = c.unit ?? yanta;
  const rs = c.ruleset ?? districtRs;
  let text = c.text;
  if (text === undefined) {
    const t = template(u, rs);
    c.edit?.(t);
    text = JSON.stringify(t, null, 2).replace('"__BIG__"', '1e400');
  }
  const options = c.registry === true ? { file: `${u.id}.json`, ruleset: rs, units } : { file: `${u.id}.json`, ruleset: rs };
  return issuesOf(() => parseJsonEvidence(text, options));
}

describe('bad input: each problem named at its place, with what was expected and what was found', () => {
  it('the brief is met: at least 15 distinct broken files', () => expect(cases.length).toBeGreaterThanOrEqual(15));
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const issues = run(c);
    expect(issues, JSON.stringify(issues, null, 1)).toHaveLength(1);
    expect(issues[0]!.path).toBe(c.path);
    for (const m of Array.isArray(c.message) ? c.message : [c.message]) expect(issues[0]!.message).toContain(m);
  });

  it('the file checked is the docs field used above', () => {
    expect(Object.keys(template()['items']['1.2.1'])).toEqual(['policyDocs']);
  });
});

describe('all problems of a file at once', () => {
  it('lists every problem of one file in one EvidenceError, with the rejected records', () => {
    const t = template();
    t['unit']['name'] = '雁塔';
    t['items']['3.1.1.1']['planFindings'] = -3;
    t['items']['3.2.1.11']['hazmatMonitoringRate'] = '约90';
    t['items']['9.9'] = { a: 1, b: null };
    t['items']['1.1.1']['leadingGroupDoc'] = 'yes';
    t['general']['bogus'] = 1;
    t['extra'] = true;
    let err: unknown;
    try {
      parseJsonEvidence(JSON.stringify(t), { file: 'yanta.json', ruleset: districtRs, units });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EvidenceError);
    expect(err).toBeInstanceOf(JsonEvidenceError);
    const e = err as JsonEvidenceError;
    expect(e.issues.map((i) => i.path)).toEqual([
      'yanta.json#/extra',
      'yanta.json#/unit/name',
      'yanta.json#/items/1.1.1/leadingGroupDoc',
      'yanta.json#/items/3.1.1.1/planFindings',
      'yanta.json#/items/3.2.1.11/hazmatMonitoringRate',
      'yanta.json#/items/9.9',
      'yanta.json#/general/bogus',
    ]);
    expect(e.message).toContain('7 problems');
    // Every field entry is still accounted for.
    const fieldEntries = Object.values(t['items'] as Json).reduce((s: number, o: Json) => s + Object.keys(o).length, 0) + Object.keys(t['general']).length;
    expect(e.records).toHaveLength(fieldEntries);
    const byPlace = new Map(e.records.map((r) => [r.place, r]));
    expect(byPlace.get('yanta.json#/items/9.9/a')).toMatchObject({ status: 'rejected', item: '9.9', field: 'a' });
    expect(byPlace.get('yanta.json#/items/3.1.1.1/planFindings')?.message).toContain('实为 -3');
    expect(byPlace.get('yanta.json#/items/3.1.2.8/utilityTunnelPlan')?.status).toBe('empty');
  });

  it('readJsonEvidence collects the problems of every file before throwing', () => {
    const a = template();
    a['items']['3.1.1.1']['planFindings'] = 'x';
    const b = template(unit('beilin'));
    delete b['unit'];
    const issues = issuesOf(() =>
      readJsonEvidence(
        [
          { file: 'yanta.json', input: JSON.stringify(a) },
          { file: 'ok.json', input: JSON.stringify(template(unit('lianhu'))) },
          { file: 'beilin.json', input: JSON.stringify(b) },
          { file: 'broken.json', input: '{' },
        ],
        { ruleset: districtRs, units },
      ),
    );
    expect(issues.map((i) => i.path)).toEqual(['yanta.json#/items/3.1.1.1/planFindings', 'beilin.json#/unit', 'broken.json']);
  });
});

describe('encodings and size', () => {
  it('parses a file with a UTF-8 BOM, as bytes and as text', () => {
    const t = template();
    t['items']['3.1.1.1']['planFindings'] = 2;
    const text = JSON.stringify(t, null, 2);
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    expect(parseJsonEvidence(bytes, { file: 'yanta.json', ruleset: districtRs }).part.values).toEqual({ planFindings: 2 });
    expect(parseJsonEvidence('\uFEFF' + text, { file: 'yanta.json', ruleset: districtRs }).part.values).toEqual({ planFindings: 2 });
  });

  it('refuses bytes that are not UTF-8 (a GBK file), saying where', () => {
    const gbk = new Uint8Array([...new TextEncoder().encode('{"unit": {"name": "'), 0xd1, 0xe3, 0xcb, 0xfe, ...new TextEncoder().encode('"}}')]);
    const issues = issuesOf(() => parseJsonEvidence(gbk, { file: 'yanta.json', ruleset: districtRs }));
    expect(issues).toEqual([{ path: 'yanta.json', message: expect.stringContaining('不是有效的 UTF-8 文本（第 20 字节起）') }]);
  });

  it('refuses input over maxBytes before parsing', () => {
    const text = JSON.stringify(template());
    const issues = issuesOf(() => parseJsonEvidence(text, { file: 'yanta.json', ruleset: districtRs, maxBytes: 1000 }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: 'yanta.json', message: expect.stringContaining('超过上限 1000 字节（maxBytes）') });
    const bytes = new TextEncoder().encode(text);
    expect(issuesOf(() => parseJsonEvidence(bytes, { file: 'yanta.json', ruleset: districtRs, maxBytes: 1000 }))[0]!.message).toContain('文件过大');
    // Three-byte characters count as three bytes.
    const zh = '{"x": "' + '雁'.repeat(400) + '"}';
    expect(issuesOf(() => parseJsonEvidence(zh, { file: 'z.json', ruleset: districtRs, maxBytes: 1000 }))[0]!.message).toContain('1.2 KB');
    expect(() => parseJsonEvidence(text, { file: 'yanta.json', ruleset: districtRs, maxBytes: bytes.length })).not.toThrow();
  });
});

describe('keys that name prototypes', () => {
  it('reports __proto__, constructor and prototype as unknown and never pollutes a prototype', () => {
    const text = JSON.stringify(template(), null, 2)
      .replace('{\n', '{\n  "__proto__": {"polluted": true},\n  "constructor": {"prototype": {"polluted": true}},\n')
      .replace('"items": {', '"items": {\n "__proto__": {"polluted": true},\n "constructor": {"polluted": 1},')
      .replace('"planFindings": null', '"planFindings": null, "__proto__": {"polluted": true}, "prototype": 1')
      .replace('"general": {', '"general": {"constructor": 1,');
    const issues = issuesOf(() => parseJsonEvidence(text, { file: 'yanta.json', ruleset: districtRs }));
    expect(issues.map((i) => i.path)).toEqual([
      'yanta.json#/__proto__',
      'yanta.json#/constructor',
      'yanta.json#/items/__proto__',
      'yanta.json#/items/constructor',
      'yanta.json#/items/3.1.1.1/__proto__',
      'yanta.json#/items/3.1.1.1/prototype',
      'yanta.json#/general/constructor',
    ]);
    expect(issues[0]!.message).toContain('未知的键 "__proto__"');
    expect(issues[2]!.message).toContain('没有评分项 "__proto__"');
    expect(issues[4]!.message).toContain('没有字段 "__proto__"');
    expect(({} as Json)['polluted']).toBeUndefined();
    expect((Object.prototype as Json)['polluted']).toBeUndefined();
  });

  it('a value object built from input has no prototype tricks', () => {
    const t = template();
    t['items']['1.2.1']['policyDocs'] = ['__proto__', 'constructor'];
    const r = parseJsonEvidence(JSON.stringify(t), { file: 'yanta.json', ruleset: districtRs });
    expect(r.part.values).toEqual({ policyDocs: ['__proto__', 'constructor'] });
    expect(({} as Json)['polluted']).toBeUndefined();
  });
});

describe('several files', () => {
  it('two files for the same unit with conflicting values: an error naming both places', () => {
    const a = template();
    a['items']['3.1.1.1']['planFindings'] = 1;
    const b = template();
    b['items']['3.1.1.1']['planFindings'] = 4;
    const issues = issuesOf(() =>
      readJsonEvidence(
        [
          { file: 'yanta-a.json', input: JSON.stringify(a) },
          { file: 'yanta-b.json', input: JSON.stringify(b) },
        ],
        { ruleset: districtRs, units },
      ),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('yanta-b.json#/items/3.1.1.1/planFindings');
    expect(issues[0]!.message).toContain('yanta-a.json#/items/3.1.1.1/planFindings');
    expect(issues[0]!.message).toContain('填报了两次且不一致');
    // The field's title, never its id; both places.
    expect(issues[0]!.message).not.toContain('planFindings"');
  });

  it('two files for the same unit agreeing: both places kept as sources', () => {
    const a = template();
    a['items']['3.1.1.1']['planFindings'] = 1;
    const b = template();
    b['items']['3.1.1.1']['planFindings'] = 1;
    b['items']['3.2.1.11']['hazmatMonitoringRate'] = 97.5;
    const bundle = readJsonEvidence(
      [
        { file: 'a.json', input: JSON.stringify(a) },
        { file: 'b.json', input: JSON.stringify(b) },
      ],
      { ruleset: districtRs, units },
    );
    expect(bundle.units).toHaveLength(1);
    expect(bundle.units[0]!.values).toEqual({ planFindings: 1, hazmatMonitoringRate: 97.5 });
    expect(bundle.units[0]!.sources!['planFindings']).toEqual(['a.json#/items/3.1.1.1/planFindings', 'b.json#/items/3.1.1.1/planFindings']);
  });

  it('warns when a file does not name the ruleset hash', () => {
    const t = template();
    delete t['ruleset']['hash'];
    const r = parseJsonEvidence(JSON.stringify(t), { file: 'yanta.json', ruleset: districtRs });
    expect(r.warnings).toEqual([
      { path: 'yanta.json#/ruleset', message: expect.stringContaining('未写 ruleset.hash') },
      { path: 'yanta.json', message: '未填写任何填报值：本单位将按未提供计分（yanta.json）' },
    ]);
  });

  it('a file of another version is not checked item by item, but every entry is accounted for', () => {
    const t = template();
    t['ruleset']['version'] = '0.9.0';
    t['items']['3.1.1.1']['planFindings'] = 'x';
    let err: JsonEvidenceError | undefined;
    try {
      parseJsonEvidence(JSON.stringify(t), { file: 'yanta.json', ruleset: districtRs });
    } catch (e) {
      err = e as JsonEvidenceError;
    }
    expect(err?.issues.map((i) => i.path)).toEqual(['yanta.json#/ruleset/version']);
    expect(err?.records.length).toBe(Object.values(t['items'] as Json).reduce((s: number, o: Json) => s + Object.keys(o).length, 0) + Object.keys(t['general']).length);
    expect(err?.records.every((r) => r.status === 'rejected' && r.message?.includes('0.9.0 版'))).toBe(true);
  });

  it('a municipal file read with the district rubric is refused', () => {
    const t = template(unit('yingjiguanliju'), municipalRs);
    const issues = issuesOf(() => parseJsonEvidence(JSON.stringify(t), { file: 'yingji.json', ruleset: districtRs, units }));
    expect(issues.map((i) => i.path)).toEqual(['yingji.json#/ruleset/id', 'yingji.json#/unit']);
    expect(issues[1]!.message).toContain('这是另一评价细则的文件');
  });
});
