// The editor's part of the playground: CodeMirror, its languages and extensions. Imported by
// main.js once the first diagnostics are on screen (it is most of the page's script, and
// evaluating it first held them back); index.html preloads it meanwhile.

import { EditorState, Compartment } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter,
  drawSelection, highlightSpecialChars,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
  StreamLanguage, syntaxHighlighting, defaultHighlightStyle, indentUnit,
} from '@codemirror/language';
import { yaml } from '@codemirror/lang-yaml';
import { dockerFile } from '@codemirror/legacy-modes/mode/dockerfile';
import { lintGutter, setDiagnostics, lintKeymap } from '@codemirror/lint';
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search';

// Every module of the editor's bundle has been evaluated by now.
performance.mark('hublint-bundle-evaluated');

// ---------------------------------------------------------------------------------------------
// Languages

const requirementsLanguage = StreamLanguage.define({
  name: 'requirements',
  token(stream) {
    if (stream.sol()) stream.eatSpace();
    if (stream.match(/^#.*/) || (stream.eatSpace() && stream.match(/^#.*/))) return 'comment';
    if (stream.match(/^(==|>=|<=|~=|!=|===|<|>)/)) return 'operator';
    if (stream.match(/^[0-9][\w.*+!-]*/)) return 'number';
    if (stream.match(/^(git\+)?https?:\/\/\S+/)) return 'link';
    if (stream.match(/^-{1,2}[\w-]+/)) return 'keyword';
    stream.next();
    return null;
  },
});
const dockerfileLanguage = StreamLanguage.define(dockerFile);

export function languageFor(path) {
  const name = path.split('/').pop();
  if (/\.ya?ml$/i.test(name)) return yaml();
  if (/^Dockerfile([.-].*)?$|\.dockerfile$/i.test(name)) return dockerfileLanguage;
  if (/\.(txt|in)$/i.test(name)) return requirementsLanguage;
  return [];
}

const MONO = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
const editorTheme = EditorView.theme({
  '&': { flex: '1', minHeight: '0' },
  '.cm-scroller': { fontFamily: MONO, fontSize: '13px', lineHeight: '1.5' },
  '.cm-tooltip': { fontFamily: 'system-ui, sans-serif', fontSize: '13px' },
});

/** The extensions every tab shares (one array, so CodeMirror can reuse their setup). */
const commonExtensions = [
  lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(),
  drawSelection(), highlightActiveLine(), highlightSelectionMatches(),
  indentUnit.of('  '), EditorState.tabSize.of(2),
  syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
  lintGutter(),
  keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, ...lintKeymap, indentWithTab]),
  editorTheme,
];

/** A tab's language, set when the tab is first shown: parsing every tab's text for
 * highlighting up front held up the page's start, and checking needs only the text. */
const language = new Compartment();

export function newTabState(path, text) {
  return EditorState.create({
    doc: text,
    extensions: [
      commonExtensions,
      language.of([]),
      EditorView.contentAttributes.of({ 'aria-label': path, 'data-path': path }),
    ],
  });
}

/** A tab's state with its language, given the first time the tab is shown. */
export function withLanguage(state, path) {
  const current = language.get(state);
  if (Array.isArray(current) && current.length === 0) {
    return state.update({ effects: language.reconfigure(languageFor(path)) }).state;
  }
  return state;
}

/** The one editor view; tabs swap their states into it. */
export function createView(options) {
  return new EditorView({ ...options, state: EditorState.create({ doc: '' }) });
}

export { setDiagnostics };
