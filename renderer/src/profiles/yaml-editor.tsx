import { forceLinting, linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { Compartment, EditorState, type Extension } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { basicSetup } from 'codemirror';
import { yamlSchema } from 'codemirror-json-schema/yaml';
import type { JSONSchema7 } from 'json-schema';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';
import type { ProfileIssue } from '../../../main/api/contract';

export interface YamlEditorHandle {
  /** Moves the cursor to a 1-based line and column and scrolls there. */
  goTo: (line: number, col: number) => void;
  /** Replaces the whole text (the form wrote a field), keeping undo history. */
  replace: (text: string) => void;
}

/** The station's own issues (from a refused save) as editor diagnostics, by line and column. */
function issueDiagnostics(view: EditorView, issues: ProfileIssue[]): Diagnostic[] {
  const doc = view.state.doc;
  return issues.map((i) => {
    const line = doc.line(Math.min(Math.max(i.line, 1), doc.lines));
    const from = Math.min(line.from + Math.max(i.col - 1, 0), line.to);
    return {
      from,
      to: Math.max(from, line.to),
      severity: 'error',
      message: `${i.path ? `${i.path}: ` : ''}${i.message}`,
      source: 'station',
    };
  });
}

const theme = EditorView.theme({
  '&': { backgroundColor: 'var(--panel)', color: 'var(--text)', height: '100%' },
  '.cm-gutters': {
    backgroundColor: 'var(--bg)',
    color: 'var(--muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 8%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 14%, transparent)' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-scroller': { fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace" },
  '.cm-tooltip': {
    backgroundColor: 'var(--panel)',
    color: 'var(--text)',
    border: '1px solid var(--border)',
  },
});

/**
 * CodeMirror 6 with the profile JSON Schema: completion of keys and values, hover help,
 * and inline errors while typing; the station's own verdict on save shows inline too.
 */
export const YamlEditor = forwardRef<
  YamlEditorHandle,
  {
    initial: string;
    schema: Record<string, unknown> | null;
    issues: ProfileIssue[];
    onChange: (text: string) => void;
    onSave: () => void;
  }
>(function YamlEditor({ initial, schema, issues, onChange, onSave }, ref) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const issuesRef = useRef(issues);
  const callbacks = useRef({ onChange, onSave });
  const language = useRef(new Compartment());
  // The editor is created once per opened profile (the parent remounts it by key): later
  // values of `initial` are the saved text moving on, not a new document to load.
  const initialText = useRef(initial);
  callbacks.current = { onChange, onSave };

  useEffect(() => {
    const state = EditorState.create({
      doc: initialText.current,
      extensions: [
        basicSetup,
        language.current.of(yaml()),
        lintGutter(),
        linter((v) => issueDiagnostics(v, issuesRef.current), { delay: 100 }),
        keymap.of([
          {
            key: 'Mod-s',
            preventDefault: true,
            run: () => {
              callbacks.current.onSave();
              return true;
            },
          },
        ]),
        EditorView.updateListener.of((u) => {
          if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
        }),
        EditorView.lineWrapping,
        theme,
      ],
    });
    const v = new EditorView({ state, parent: host.current! });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const ext: Extension = schema ? yamlSchema(schema as JSONSchema7) : yaml();
    v.dispatch({ effects: language.current.reconfigure(ext) });
  }, [schema]);

  useEffect(() => {
    issuesRef.current = issues;
    if (view.current) forceLinting(view.current);
  }, [issues]);

  useImperativeHandle(ref, () => ({
    goTo: (line, col) => {
      const v = view.current;
      if (!v) return;
      const l = v.state.doc.line(Math.min(Math.max(line, 1), v.state.doc.lines));
      const pos = Math.min(l.from + Math.max(col - 1, 0), l.to);
      v.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
      v.focus();
    },
    replace: (text) => {
      const v = view.current;
      if (!v || v.state.doc.toString() === text) return;
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } });
    },
  }));

  return <div className="yaml-editor" ref={host} data-testid="yaml-editor" />;
});
