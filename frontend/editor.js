// The co-editing bundle: Yjs + y-websocket + y-indexeddb + CodeMirror 6 (markdown) bound by
// y-codemirror.next. Built by esbuild into static/js/editor.bundle.js (committed), loaded only by
// pages that edit a draft. See static/js/draft.js for how the board page uses it.

import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { IndexeddbPersistence } from "y-indexeddb";
import * as decoding from "lib0/decoding";
import { yCollab, yRemoteSelections as relayedSelections, yUndoManagerKeymap } from "y-codemirror.next";
import { yRemoteSelections } from "./remote-selections.js";
import { Compartment, EditorState } from "@codemirror/state";
import { EditorView, keymap, drawSelection, placeholder as placeholderText } from "@codemirror/view";
import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { markdown } from "@codemirror/lang-markdown";
import { syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";

const MESSAGE_AUTH = 2;

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
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap, indentWithTab]),
        drawSelection(),
        markdown(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": options.label || "Draft", dir: "auto" }),
        placeholderText(options.placeholder || ""),
        editable.of(EditorView.editable.of(!options.readOnly)),
        // y-codemirror's own cursors set style="" attributes, which the CSP refuses: ours instead.
        yCollab(text, provider.awareness).map((part) => (part === relayedSelections ? yRemoteSelections : part)),
        // CodeMirror writes its styles into a <style> element: it carries the page's CSP nonce.
        EditorView.cspNonce.of(document.querySelector('meta[name="csp-nonce"]')?.content || ""),
      ],
    }),
  });

  return {
    view,
    provider,
    doc,
    text,
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
