// migration.md with hostile text from the evidence (values, unit names, field names, messages):
// rendered by a real CommonMark + GFM-table parser it has no live HTML, link or image, and every
// table row keeps its columns (fails on the old copy, which escaped only `|` and newlines).
import fc from 'fast-check';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';
import { describe, expect, it } from 'vitest';
import type { MigrationReport } from '@safecity/engine';
import { migrationMarkdown } from '@safecity/engine';

interface MdNode {
  type: string;
  value?: string;
  depth?: number;
  children?: MdNode[];
}

const FRAGMENTS = ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '[点此](javascript:alert(1))', '![i](http://evil.example/x.png)', '<http://evil.example>', '|', '\n', '\r\n', '`', '```', '# ', '*', '_', '- ', '1. ', '---', '&lt;', '\\', '临潼区'];
const hostile = fc.array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 5 }) }), { minLength: 1, maxLength: 8 }).map((p) => p.join(''));

/** Live markup and the block structure of a Markdown document. */
function inspect(md: string): { live: string[]; blocks: string[] } {
  const tree = fromMarkdown(md, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] }) as MdNode;
  const live: string[] = [];
  const walk = (n: MdNode): void => {
    if (n.type === 'html' && n.value !== '<br>') live.push(`html ${JSON.stringify(n.value)}`);
    if (['link', 'image', 'linkReference', 'imageReference', 'definition'].includes(n.type)) live.push(n.type);
    if (n.type === 'table') {
      const cols = n.children?.[0]?.children?.length ?? 0;
      for (const r of n.children ?? []) if ((r.children?.length ?? 0) !== cols) live.push(`a row of ${r.children?.length} cells in a table of ${cols}`);
    }
    for (const c of n.children ?? []) walk(c);
  };
  walk(tree);
  const blocks = (tree.children ?? []).map((b) => (b.type === 'heading' ? `h${b.depth}` : b.type === 'table' ? `table ${b.children?.length}×${b.children?.[0]?.children?.length}` : b.type === 'list' ? `list ${b.children?.length}` : b.type));
  return { live, blocks };
}

/** A migration report with `t` in every text that came from the evidence or the rulesets. */
function report(t: string): MigrationReport {
  return {
    from: { id: 'xian-2022/district', version: '2.0.0', hash: 'sha256:0' },
    to: { id: 'xian-2022/district', version: '3.0.0', hash: 'sha256:1' },
    unit: { id: 'yanta', name: `雁塔区${t}`, kind: 'district' },
    carried: [{ field: 'a', from: 'a' }],
    notCarried: [
      { field: `f${t}`, value: `值${t}`, items: [`2.3.2${t}`], message: { zh: `原因${t}` }, sources: [`yanta.xlsx!评分项!G6${t}`] },
      { field: 'g', value: [`文件${t}`, '规定'], items: ['2.3.2'], message: { zh: '已删除' } },
    ],
    missing: [{ field: `m${t}`, added: true, items: ['1.1.0'], message: { zh: `需补充${t}` } }],
    findings: { carried: 0, renamed: 0, notCarried: [{ index: 1, finding: { item: `2.3.2${t}`, source: 'data-check', type: 'deduction', points: 1, reason: t }, message: { zh: `不再适用${t}` } }] },
  } as unknown as MigrationReport;
}

describe('migration.md', () => {
  it('has no live markup and the structure harmless text gives, whatever the evidence holds (property)', () => {
    const clean = inspect(migrationMarkdown([report('甲')])).blocks;
    fc.assert(
      fc.property(hostile, (t) => {
        const seen = inspect(migrationMarkdown([report(t)]));
        expect(seen.live).toEqual([]);
        expect(seen.blocks).toEqual(clean);
      }),
      { numRuns: 300 },
    );
  });
});
