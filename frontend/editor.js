// The co-editing bundle: Yjs + y-websocket + y-indexeddb + CodeMirror 6 (markdown) bound by
// y-codemirror.next. Built by esbuild into static/js/editor.bundle.js (committed), loaded only by
// pages that edit a draft. See static/js/draft.js for how the board page uses it.

import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { IndexeddbPersistence } from "y-indexeddb";
import * as decoding from "lib0/decoding";
import { yCollab, yRemoteSelections as relayedSelections, yUndoManagerKeymap } from "y-codemirror.next";
import { yRemoteSelections } from "./remote-selections.js";
import { Compartment, EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, EditorView, ViewPlugin, keymap, drawSelection, placeholder as placeholderText } from "@codemirror/view";
import { defaultKeymap } from "@codemirror/commands";
import { markdown } from "@codemirror/lang-markdown";
import { syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";

const MESSAGE_AUTH = 2;

// Amendments' passages, highlighted in the text: marks that move with every edit, recomputed from
// their Yjs relative positions (sent by the server) whenever the shared text changes.
const setPassages = StateEffect.define();
const passagesField = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    marks = marks.map(tr.changes);
    for (const effect of tr.effects) if (effect.is(setPassages)) marks = effect.value;
    return marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

// Each line runs in its own direction, from its first strong character: a Russian line under a Dari
// one reads left to right with its full stop at the end. Lines without a letter (empty, digits,
// markup) keep the page's direction. CodeMirror is told to read the direction line by line, so
// arrow keys and selections follow each line's own direction.
const LETTER = /\p{L}/u;
const autoDirection = Decoration.line({ attributes: { dir: "auto" } });

function lineDirections(view) {
  const lines = [];
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to; ) {
      const line = view.state.doc.lineAt(pos);
      if (LETTER.test(line.text)) lines.push(autoDirection.range(line.from));
      pos = line.to + 1;
    }
  }
  return Decoration.set(lines);
}

const directionPerLine = [
  EditorView.perLineTextDirection.of(true),
  ViewPlugin.define(
    (view) => ({
      decorations: lineDirections(view),
      update(update) {
        if (update.docChanged || update.viewportChanged) this.decorations = lineDirections(update.view);
      },
    }),
    { decorations: (plugin) => plugin.decorations },
  ),
];

function absolute(doc, json) {
  const position = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc);
  return position ? position.index : null;
}

/**
 * Mount a shared draft editor.
 * options: element, boardId, name, color, readOnly, label, placeholder,
 *          onStatus(status: "connecting" | "connected" | "disconnected"), onSynced(), onRefused(reason)
 */
export function mountDraftEditor(options) {
  const doc = new Y.Doc();
  const text = doc.getText("draft");
  // Kept in the browser too: a reload while offline keeps what was typed; it merges on reconnect.
  const local = new IndexeddbPersistence(`codesign-draft-${options.boardId}`, doc);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const provider = new WebsocketProvider(`${scheme}://${location.host}/ws/drafts`, String(options.boardId), doc, {
    disableBc: true, // every change goes through the server, which checks it
    maxBackoffTime: 10000,
  });
  provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => {
    decoding.readVarUint(decoder); // 0: permission denied
    options.onRefused?.(decoding.readVarString(decoder));
  };
  provider.on("status", (event) => options.onStatus?.(event.status));
  provider.on("sync", (synced) => { if (synced) options.onSynced?.(); });
  provider.awareness.setLocalStateField("user", {
    name: options.name,
    color: options.color,
    colorLight: `${options.color}33`,
  });

  const editable = new Compartment();
  const view = new EditorView({
    parent: options.element,
    state: EditorState.create({
      doc: text.toString(),
      extensions: [
        // Tab is not taken: it moves on from the editor, as everywhere on the page (keyboard users
        // select words, then Tab to "Suggest a change"). Markdown needs no tab characters.
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap]),
        drawSelection(),
        markdown(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": options.label || "Draft" }),
        directionPerLine,
        placeholderText(options.placeholder || ""),
        editable.of(EditorView.editable.of(!options.readOnly)),
        passagesField,
        EditorView.updateListener.of((update) => {
          if (update.selectionSet || update.docChanged) options.onSelection?.();
        }),
        // y-codemirror's own cursors set style="" attributes, which the CSP refuses: ours instead.
        yCollab(text, provider.awareness).map((part) => (part === relayedSelections ? yRemoteSelections : part)),
        // CodeMirror writes its styles into a <style> element: it carries the page's CSP nonce.
        EditorView.cspNonce.of(document.querySelector('meta[name="csp-nonce"]')?.content || ""),
      ],
    }),
  });

  let shown = [];
  function drawPassages() {
    const length = view.state.doc.length;
    const ranges = [];
    for (const passage of shown) {
      const from = absolute(doc, passage.start);
      const to = absolute(doc, passage.end);
      if (from === null || to === null) continue;
      const a = Math.min(from, length);
      const b = Math.max(a, Math.min(to, length));
      const mark = Decoration.mark({ class: passage.className, attributes: { "data-passage": String(passage.id) } });
      // An insertion point (no words) shows as a thin mark on the character after it.
      ranges.push(mark.range(a, b > a ? b : Math.min(a + 1, length)));
    }
    ranges.sort((x, y) => x.from - y.from || x.to - y.to);
    view.dispatch({ effects: setPassages.of(Decoration.set(ranges.filter((r) => r.to > r.from), true)) });
  }
  let pending = false;
  text.observe(() => {
    if (pending || !shown.length) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; drawPassages(); });
  });

  return {
    view,
    provider,
    doc,
    text,
    /** The selected words, and where they start in code points (what the server counts). */
    selection() {
      const { from, to } = view.state.selection.main;
      const value = view.state.doc.toString();
      return { from, to, text: value.slice(from, to), start: [...value.slice(0, from)].length };
    },
    /** Highlight passages: [{ id, start, end, className }], start and end as Yjs relative positions (JSON). */
    showPassages(passages) {
      shown = passages;
      drawPassages();
    },
    /** Select a passage (a relative-position pair) and bring it into view. */
    selectPassage(start, end) {
      const from = absolute(doc, start);
      const to = absolute(doc, end);
      if (from === null || to === null) return false;
      view.dispatch({ selection: { anchor: from, head: Math.max(from, to) }, scrollIntoView: true });
      view.focus();
      return true;
    },
    setReadOnly(readOnly) {
      view.dispatch({ effects: editable.reconfigure(EditorView.editable.of(!readOnly)) });
    },
    destroy() {
      provider.destroy();
      local.destroy();
      view.destroy();
    },
  };
}
