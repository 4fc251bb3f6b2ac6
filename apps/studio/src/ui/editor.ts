/**
 * The JSON editor (CodeMirror 6): JSON highlighting and folding, bracket matching, history,
 * search, completion from the ruleset's JSON Schema, and the compile problems as diagnostics at
 * their places. Tab is left to the page (keyboard users move on with it; Ctrl-] indents).
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json } from '@codemirror/lang-json';
import { bracketMatching, defaultHighlightStyle, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { highlightSelectionMatches, searchKeymap } from '@codemirror/search';
import { EditorSelection, EditorState } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { DEFAULT_LIMITS, findTooDeepText } from '@safecity/engine';
import { propertySuggestions, valueSuggestions } from '../lib/complete.js';
import { locationAt, spanOf } from '../lib/pointer.js';
import type { TextProblem } from '../lib/studio.js';

export interface RulesetEditor {
  readonly view: EditorView;
  /** Replaces the whole text (opening another rubric): the history starts afresh. */
  setText(text: string): void;
  text(): string;
  /** Shows the problems as diagnostics (underlined, in the gutter, Ctrl-Shift-M lists them). */
  showProblems(problems: readonly TextProblem[]): void;
  /** Moves the cursor to the value at a JSON pointer and scrolls it into view. */
  reveal(pointer: string): void;
  destroy(): void;
}

function schemaCompletion(schema: Record<string, unknown>) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const text = ctx.state.doc.toString();
    // jsonc-parser recurses: text nested too deep is a problem the compile names, not a completion.
    if (findTooDeepText(text, DEFAULT_LIMITS.maxJsonDepth) >= 0) return null;
    const loc = locationAt(text, ctx.pos);
    const word = ctx.matchBefore(/"?[^\s"{}[\],:]*"?/);
    const from = word?.from ?? ctx.pos;
    if (!ctx.explicit && (word === null || word.from === word.to)) return null;
    if (loc.atKey) {
      const parent = loc.path.slice(0, -1);
      const root = parseTree(text);
      const node = root === undefined ? undefined : findNodeAtLocation(root, parent);
      const present = new Set<string>((node?.children ?? []).map((p) => String(p.children?.[0]?.value ?? '')));
      const options = propertySuggestions(schema, parent, present).map((s) => ({ label: s.label, apply: s.insert, type: 'property', ...(s.detail !== undefined ? { detail: s.detail } : {}), ...(s.info !== undefined ? { info: s.info } : {}) }));
      return options.length === 0 ? null : { from, options, validFor: /^"?[\w$.-]*"?$/ };
    }
    const options = valueSuggestions(schema, loc.path).map((s) => ({ label: s.label, apply: s.insert, type: 'enum', ...(s.info !== undefined ? { info: s.info } : {}) }));
    return options.length === 0 ? null : { from, options, validFor: /^"?[\w$.-]*"?$/ };
  };
}

export function createRulesetEditor(parent: HTMLElement, options: { text: string; schema: Record<string, unknown>; label: string; onChange: (text: string) => void }): RulesetEditor {
  const view = new EditorView({
    parent,
    state: state(options.text),
  });
  function state(text: string): EditorState {
    return EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        foldGutter(),
        lintGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        bracketMatching(),
        closeBrackets(),
        autocompletion({ override: [schemaCompletion(options.schema)] }),
        highlightActiveLine(),
        highlightSelectionMatches(),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, ...completionKeymap, ...lintKeymap]),
        json(),
        // Rubric text (评价内容, 评分标准) runs long: wrapped, it reads without scrolling sideways.
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ 'aria-label': options.label }),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) options.onChange(u.state.doc.toString());
        }),
      ],
    });
  }
  return {
    view,
    setText(text) {
      view.setState(state(text));
    },
    text: () => view.state.doc.toString(),
    showProblems(problems) {
      const length = view.state.doc.length;
      const diagnostics: Diagnostic[] = problems.map((p) => {
        const from = Math.min(p.span.from, length);
        return { from, to: Math.max(from, Math.min(p.span.to, length)), severity: 'error', message: p.pointer ? `${p.message}\n（${p.pointer}）` : p.message };
      });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    reveal(pointer) {
      const text = view.state.doc.toString();
      if (findTooDeepText(text, DEFAULT_LIMITS.maxJsonDepth) >= 0) return;
      const span = spanOf(parseTree(text), pointer);
      if (span === undefined) return;
      view.dispatch({ selection: EditorSelection.cursor(span.from), effects: EditorView.scrollIntoView(span.from, { y: 'center' }) });
      view.focus();
    },
    destroy: () => view.destroy(),
  };
}
