/**
 * Pass 3, the tree: groups (一级/二级指标) and items (三级指标) depth first, then the bonus
 * bucket; unique ids, points of at most three decimals, children's maxima against their group's.
 * @module
 */
import type { Node } from '../model.js';
import { fromMilli, toMilli } from '../points.js';
import { checkPoints, type CompileContext } from './context.js';
import type { ItemCompiler } from './items.js';
import type { CompiledGroup, CompiledItem, CompiledModel, CompiledNode } from './types.js';

const ITEM_ONLY = ['content', 'standard', 'evidenceKinds', 'checkMethods', 'applicability', 'messages', 'suggestion', 'merge', 'monotonic', 'partner'] as const;

/** The compiled tree and bonus bucket, with every node's place. */
export interface CompiledTree {
  readonly tree: CompiledNode[];
  readonly bonus: CompiledModel['bonus'];
  readonly items: CompiledItem[];
  /** Every group (tree and bonus), children before their parent. */
  readonly groups: CompiledGroup[];
  /** Node id → its JSON pointer. */
  readonly ids: Map<string, string>;
  /** The base tree's maximum, thousandths. */
  readonly max: number;
}

/** Compile the tree and the bonus bucket (issues into `ctx`). */
export function compileTree(ctx: CompileContext, itemCompiler: ItemCompiler): CompiledTree {
  const { rs, issues } = ctx;
  const ids = new Map<string, string>();
  const groups: CompiledGroup[] = [];
  const defaultChildrenMax = rs.childrenMax ?? 'equal';

  const compileNode = (node: Node, at: string, bonus: boolean): CompiledNode => {
    const seen = ids.get(node.id);
    if (seen !== undefined) issues.push({ path: `${at}/id`, message: `id "${node.id}" is already used at ${seen}` });
    else ids.set(node.id, at);
    checkPoints(node.max, `${at}/max`, issues);
    const max = toMilli(node.max);
    const hasChildren = node.children !== undefined;
    const hasScoring = node.scoring !== undefined;
    if (hasChildren && hasScoring) issues.push({ path: at, message: 'a node has either "children" (a group) or "scoring" (an item), not both' });
    if (!hasChildren && !hasScoring) issues.push({ path: at, message: 'a node needs "children" (a group) or "scoring" (an item)' });

    if (hasChildren) {
      for (const k of ITEM_ONLY) if (node[k] !== undefined) issues.push({ path: `${at}/${k}`, message: `"${k}" is only for items (nodes with "scoring")` });
      const list = node.children as Node[];
      const children: CompiledNode[] = [];
      let sum = 0;
      for (let i = 0; i < list.length; i++) {
        const c = compileNode(list[i] as Node, `${at}/children/${i}`, bonus);
        children.push(c);
        sum += c.max;
      }
      const mode = node.childrenMax ?? defaultChildrenMax;
      if (mode === 'equal' && sum !== max) {
        issues.push({ path: `${at}/max`, message: `children's maxima sum to ${fromMilli(sum)}, but this node's max is ${fromMilli(max)} (childrenMax "equal")` });
      }
      if (mode === 'cap' && sum < max) {
        issues.push({ path: `${at}/max`, message: `children's maxima sum to ${fromMilli(sum)}, less than this node's max ${fromMilli(max)}: it could never be reached` });
      }
      const group: CompiledGroup = { kind: 'group', index: groups.length, id: node.id, title: node.title, max, capped: mode === 'cap', children };
      groups.push(group);
      return group;
    }
    if (node.childrenMax !== undefined) issues.push({ path: `${at}/childrenMax`, message: '"childrenMax" is only for groups' });
    return itemCompiler.compileItem(node, at, max, bonus);
  };

  const tree = rs.tree.map((n, i) => compileNode(n, `/tree/${i}`, false));
  let max = 0;
  for (const n of tree) max += n.max;

  let bonus: CompiledModel['bonus'];
  if (rs.bonus !== undefined) {
    const b = rs.bonus;
    const seen = ids.get(b.id);
    if (seen !== undefined) issues.push({ path: '/bonus/id', message: `id "${b.id}" is already used at ${seen}` });
    else ids.set(b.id, '/bonus');
    checkPoints(b.cap, '/bonus/cap', issues);
    const bItems = b.items.map((n, i) => compileNode(n, `/bonus/items/${i}`, true));
    bonus = { id: b.id, title: b.title, cap: toMilli(b.cap), items: bItems };
  }
  return { tree, bonus, items: itemCompiler.items, groups, ids, max };
}
