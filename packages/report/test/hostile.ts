/**
 * Hostile text for the escaping tests: fragments an attacker puts into a unit's name, a
 * ruleset's titles, a finding's reason (markup, links, table pipes, line breaks, control
 * characters, formula leads), and a check that a Markdown document rendered by a real
 * CommonMark + GFM-table parser (micromark, through mdast) has no live HTML, no link, no image,
 * and the block structure a harmless text gives.
 */
import fc from 'fast-check';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';

/** Pieces of hostile text, joined in any order by {@link hostileText}. */
export const FRAGMENTS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<a href="javascript:alert(1)">点此</a>',
  '<!-- 注释 -->',
  '[点此](javascript:alert(1))',
  '![图](http://evil.example/x.png)',
  '[ref]',
  '[ref]: http://evil.example',
  '<http://evil.example>',
  '<x@evil.example>',
  '&lt;script&gt;',
  '&#60;img&#62;',
  '|',
  '||',
  '\\|',
  '\\',
  '\n',
  '\r\n',
  '\r',
  '\n\n',
  '`',
  '```',
  '# ',
  '## 标题',
  '*',
  '**粗**',
  '_',
  '~~删~~',
  '$x$',
  '> ',
  '- ',
  '+ ',
  '1. ',
  '---',
  '===',
  '    ',
  '=1+1',
  '+SUM(A1)',
  '-2',
  '@cmd',
  '\t',
  "'",
  '\u001b[2J',
  '\u001b]0;标题\u0007',
  '\u009b31m',
  '\u007f',
  '\u0000',
  '\u202e',
  '\u2066',
  '临潼区',
  '扣分原因',
  'www.evil.example',
] as const;

/** Text made of hostile fragments and arbitrary characters (fast-check). */
export const hostileText: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { minLength: 1, maxLength: 8 })
  .map((parts) => parts.join(''));

/** Every hostile fragment in one text (the worst case, for the tests that run once). */
export const ALL_HOSTILE = FRAGMENTS.join('');

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

/** Markdown as CommonMark with GFM tables parses it. */
export function parseMarkdown(md: string): MdNode {
  return fromMarkdown(md, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] }) as MdNode;
}

const LIVE = new Set(['link', 'image', 'linkReference', 'imageReference', 'definition', 'footnoteReference', 'footnoteDefinition']);

/**
 * What is live in a Markdown document: HTML (but the `<br>` our table cells use between lines),
 * links, images, references and definitions; and table rows whose cell count differs from the
 * header's. Empty when the document is only text, as it should be.
 */
export function liveMarkup(md: string): string[] {
  return inspectMarkdown(md).live;
}

/** {@link liveMarkup} and {@link skeleton} of a document, parsed once. */
export function inspectMarkdown(md: string): { live: string[]; skeleton: string[] } {
  const tree = parseMarkdown(md);
  const found: string[] = [];
  const walk = (n: MdNode): void => {
    if (n.type === 'html' && n.value !== '<br>') found.push(`html ${JSON.stringify(n.value)}`);
    if (LIVE.has(n.type)) found.push(n.type);
    if (n.type === 'table') {
      const rows = n.children ?? [];
      const cols = rows[0]?.children?.length ?? 0;
      rows.forEach((r, i) => {
        if ((r.children?.length ?? 0) !== cols) found.push(`table row ${i} has ${r.children?.length} cells, the header ${cols}`);
      });
    }
    for (const c of n.children ?? []) walk(c);
  };
  walk(tree);
  return { live: found, skeleton: blocks(tree) };
}

/**
 * The block structure of a Markdown document: its top-level blocks (headings with their depth,
 * tables with rows × columns, lists with their items), so that a document written with hostile
 * text can be compared with the same document written with harmless text.
 */
export function skeleton(md: string): string[] {
  return blocks(parseMarkdown(md));
}

function blocks(tree: MdNode): string[] {
  return (tree.children ?? []).map((b) => {
    if (b.type === 'heading') return `h${(b as { depth?: number }).depth}`;
    if (b.type === 'table') return `table ${b.children?.length}×${b.children?.[0]?.children?.length}`;
    if (b.type === 'list') return `list ${b.children?.length}`;
    return b.type;
  });
}

/**
 * A deep copy of a value with every string under one of `keys` (a `title`'s `zh` too) given
 * `prefix` in front: the cards and rulesets of a report with hostile (or harmless) text in every
 * place a person wrote, the ids left alone.
 */
export function prefixTexts<T>(value: T, prefix: string, keys: ReadonlySet<string> = TEXT_KEYS): T {
  const go = (v: unknown, key: string | undefined): unknown => {
    if (typeof v === 'string') return key !== undefined && keys.has(key) ? prefix + v : v;
    if (Array.isArray(v)) return v.map((x) => go(x, key === 'reasons' || key === 'evidence' ? key : undefined));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = k === 'zh' && key !== undefined && keys.has(key) ? go(x, key) : go(x, k);
      return out;
    }
    return v;
  };
  return go(value, undefined) as T;
}

/** The fields of cards and rulesets that hold text people wrote (never ids). */
export const TEXT_KEYS: ReadonlySet<string> = new Set(['name', 'title', 'reason', 'suggestion', 'gradeTitle', 'standard', 'message', 'note', 'evidence', 'reasons', 'content']);
