/**
 * The rubric's tree: areas → aspects → items, the maximum at every level, where each item's
 * text and numbers come from (quoted from the rubric, or modelled), and its lead and partner
 * units. A node's button moves the editor to it.
 */
import type { CompiledRuleset, Node } from '@safecity/engine';
import { UNIT_NAMES } from '../lib/registry.js';
import { local, t, type Lang } from './i18n.js';
import { points } from '../lib/studio.js';

const unitName = (id: string) => UNIT_NAMES.get(id) ?? id;

function NodeView({ node, pointer, lang, onReveal }: { node: Node; pointer: string; lang: Lang; onReveal: (id: string, pointer: string) => void }) {
  const children = Array.isArray(node.children) ? (node.children as Node[]) : [];
  const head = (
    <>
      <button type="button" class="link node" onClick={() => onReveal(node.id, pointer)}>
        <span class="id">{node.id}</span> {local(node.title, lang)}
      </button>{' '}
      <span class="max" data-max-of={node.id}>
        {t(lang, 'maxLabel', { max: points(node.max) })}
      </span>
    </>
  );
  if (children.length === 0) {
    const prov = node.provenance?.kind;
    return (
      <li class="item" data-item={node.id}>
        {head}
        {prov && <span class={`badge ${prov}`} title={node.provenance?.source ?? node.provenance?.note ?? ''}>{t(lang, prov)}</span>}
        {node.lead && (
          <span class="who">
            {t(lang, 'lead')}：{unitName(node.lead)}
            {node.partners && node.partners.length > 0 ? `；${t(lang, 'partners')}：${node.partners.map(unitName).join('、')}` : ''}
          </span>
        )}
      </li>
    );
  }
  return (
    <li class="group">
      <details open={pointer.split('/').length <= 3}>
        <summary>{head}</summary>
        <ul>
          {children.map((c, i) => (
            <NodeView node={c} pointer={`${pointer}/children/${i}`} lang={lang} onReveal={onReveal} />
          ))}
        </ul>
      </details>
    </li>
  );
}

export function RulesetTree({ ruleset, lang, onReveal }: { ruleset: CompiledRuleset; lang: Lang; onReveal: (id: string, pointer: string) => void }) {
  const source = ruleset.source;
  return (
    <div data-testid="tree">
      <p class="rubric-title">
        {local(source.title, lang)} <span class="max">{t(lang, 'maxLabel', { max: points(ruleset.max) })}</span>
      </p>
      <ul class="tree-list">
        {source.tree.map((n, i) => (
          <NodeView node={n} pointer={`/tree/${i}`} lang={lang} onReveal={onReveal} />
        ))}
        {source.bonus && (
          <li class="group">
            <details>
              <summary>
                {t(lang, 'bonus')} · {local(source.bonus.title, lang)} <span class="max">{t(lang, 'maxLabel', { max: points(source.bonus.cap) })}</span>
              </summary>
              <ul>
                {source.bonus.items.map((n, i) => (
                  <NodeView node={n} pointer={`/bonus/items/${i}`} lang={lang} onReveal={onReveal} />
                ))}
              </ul>
            </details>
          </li>
        )}
      </ul>
    </div>
  );
}
