/**
 * Item texts split into templates once, at compile time, so scoring fills them without a
 * regular expression. Equal texts are split once (interned), and items that share their
 * method's messages share one split table.
 * @module
 */
import type { MethodMessage } from '../plugin.js';
import { PLACEHOLDER, pick, type Lang, type LocalText } from '../text.js';
import type { ItemText, MessageText, Template } from './types.js';

/** A text split at its `{name}` placeholders: the same matches `format` replaces. */
export function compileTemplate(template: string): Template {
  const parts: string[] = [];
  let last = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, m.index), m[1] as string);
    last = (m.index as number) + m[0].length;
  }
  parts.push(template.slice(last));
  return parts;
}

/** An item's texts in both languages. */
export type ItemTexts = { readonly zh: ItemText; readonly en: ItemText };

/** Split an item's texts in one language into templates (`split`: one split per distinct text). */
function itemText(messages: Readonly<Record<string, MethodMessage>>, suggestion: LocalText | undefined, lang: Lang, split: (text: string) => Template): ItemText {
  const out = new Map<string, MessageText>();
  const text = (t: unknown): string | undefined =>
    typeof t === 'string' ? t : t !== null && typeof t === 'object' ? (pick(t as LocalText, lang) as unknown as string | undefined) : undefined;
  for (const id of Object.keys(messages)) {
    // Only what renders exactly as `format(pick(…))` would; anything odd (a plugin's text that is
    // not a string) keeps the general path, and fails, if it does, where it always did.
    try {
      const m = messages[id] as MethodMessage | undefined;
      if (m === null || typeof m !== 'object') continue;
      const reason = text(m.reason);
      if (typeof reason !== 'string') continue;
      let s: Template | undefined;
      if (m.suggestion) {
        const sText = text(m.suggestion);
        if (typeof sText !== 'string') continue;
        s = split(sText);
      }
      out.set(id, { reason: split(reason), suggestion: s });
    } catch {
      continue;
    }
  }
  return { messages: out, suggestion: suggestion === undefined ? undefined : split(pick(suggestion, lang)) };
}

/**
 * The texts of one compile: `textOf(messages, suggestion)` gives an item's split texts; a
 * message table without an item suggestion is split once and shared by every item using it.
 */
export function itemTexts(): (messages: Readonly<Record<string, MethodMessage>>, suggestion: LocalText | undefined) => ItemTexts {
  const templates = new Map<string, Template>();
  const split = (text: string): Template => {
    let t = templates.get(text);
    if (t === undefined) templates.set(text, (t = compileTemplate(text)));
    return t;
  };
  const shared = new Map<object, ItemTexts>();
  const make = (messages: Readonly<Record<string, MethodMessage>>, suggestion: LocalText | undefined): ItemTexts => ({
    zh: itemText(messages, suggestion, 'zh', split),
    en: itemText(messages, suggestion, 'en', split),
  });
  return (messages, suggestion) => {
    if (suggestion !== undefined) return make(messages, suggestion);
    let t = shared.get(messages);
    if (t === undefined) shared.set(messages, (t = make(messages, suggestion)));
    return t;
  };
}
