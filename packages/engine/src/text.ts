/** Bilingual text and message templates with named parameters, e.g. `每发现一处扣{per}分`. */

/** Text in Chinese, with an optional English version. */
export interface LocalText {
  zh: string;
  en?: string;
}

/** Output language of explanations. */
export type Lang = 'zh' | 'en';

export const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The named parameters a template uses, in order of first appearance. */
export function templateParams(template: string): string[] {
  const names: string[] = [];
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** Pick the text for a language, falling back to Chinese (the rubric's own language). */
export function pick(text: LocalText | string | undefined, lang: Lang): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return lang === 'en' && text.en !== undefined ? text.en : text.zh;
}

function show(value: unknown, lang: Lang): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'zh' in value) {
    return pick(value as LocalText, lang);
  }
  if (Array.isArray(value)) return value.map((v) => show(v, lang)).join(lang === 'zh' ? '、' : ', ');
  if (value === undefined || value === null) return '';
  return String(value);
}

/** Fill `{name}` placeholders from data; unknown names are left as written. */
export function format(template: string, data: Readonly<Record<string, unknown>>, lang: Lang): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(data, name) ? show(data[name], lang) : whole,
  );
}
