// The board's shared draft: loads the editor bundle (Yjs + CodeMirror) only here, keeps it
// read-only while the board is locked or voting, shows the connection, and lists revisions.

import { board } from "./board.js";
import { el, format } from "./dom.js";
import { formatTime } from "./time.js";

const section = document.querySelector("[data-draft]");
const t = board.strings;
const root = document.querySelector("[data-board]");
const status = section.querySelector("[data-draft-status]");
const notice = section.querySelector("[data-draft-notice]");
const boardId = board.state.board.id;

const COLORS = ["#0f5f63", "#a34a13", "#5b3d99", "#1f6b35", "#a4262c", "#1a56db", "#7a4b00"];

function readOnlyReason() {
  const { state, allows } = board.state.board;
  if (allows?.draft) return "";
  return state === "voting" ? t.draft_read_only_voting : t.draft_read_only_locked;
}

function showReadOnly() {
  const reason = readOnlyReason();
  notice.hidden = !reason;
  notice.textContent = reason;
  return Boolean(reason);
}

function showStatus(kind) {
  const names = { connected: "live", connecting: "reconnecting", disconnected: navigator.onLine ? "reconnecting" : "offline" };
  const shown = navigator.onLine ? names[kind] || kind : "offline";
  status.className = `connection connection--${shown}`;
  status.textContent = shown === "offline" ? `${t.offline} — ${t.offline_detail}` : t[shown];
}

// The browser keeps the draft's socket open through a short outage, so the editor still says
// "connected" while nothing gets through: offline is offline, and once the network is back a new
// socket is opened at once (no waiting for a silent socket to time out), so "Live" is the truth.
window.addEventListener("offline", () => showStatus("disconnected"));
window.addEventListener("online", () => {
  if (!editor || !editor.provider.shouldConnect) return; // refused (no longer a member): stays so
  editor.provider.disconnect();
  editor.provider.connect();
});

// The editor bundle (~200 KB compressed) is fetched only when someone opens the draft; a person
// who opened it once finds it open on their next visit.
const openKey = `codesign:draft-open:${boardId}`;
let editor = null;

async function openEditor() {
  if (editor) return;
  const { mountDraftEditor } = await import(section.dataset.bundle);
  if (editor) return;
  editor = mountDraftEditor({
    element: section.querySelector("[data-draft-editor]"),
    boardId,
    name: "",
    color: COLORS[board.viewer.member % COLORS.length],
    readOnly: showReadOnly(),
    label: t.draft_label,
    placeholder: t.draft_placeholder,
    onStatus: showStatus,
    onRefused: (reason) => {
      notice.hidden = false;
      notice.textContent = format(t.draft_refused, { reason });
    },
  });
  board.draft = editor;
  root.dispatchEvent(new CustomEvent("draft:ready", { detail: editor }));
}

section.addEventListener("toggle", (event) => {
  if (event.target !== section) return;
  if (section.open) {
    localStorage.setItem(openKey, "1");
    openEditor();
    loadRevisions();
  } else {
    localStorage.removeItem(openKey);
  }
});

root.addEventListener("board:event", (event) => {
  const frame = event.detail;
  if (frame.type === "board.updated") editor?.setReadOnly(showReadOnly());
  if ((frame.type === "draft.revision_saved" || frame.type === "draft.restored") && section.open) loadRevisions();
});

// Revisions ---------------------------------------------------------------------------------------

const list = section.querySelector("[data-revisions-list]");
const viewer = section.querySelector("[data-revision-view]");
const summary = section.querySelector("[data-revisions-summary]");
const summaryLabel = summary.textContent;

function showHtml(html) {
  viewer.hidden = false;
  viewer.innerHTML = html; // sanitized on the server
}

function showDiff(lines) {
  viewer.hidden = false;
  viewer.replaceChildren(...lines.map((line) => el("div", { class: `diff diff--${line.op}`, dir: "auto", text: `${line.op === "added" ? "+ " : line.op === "removed" ? "− " : "  "}${line.text}` })));
}

async function loadRevisions() {
  let revisions;
  try {
    revisions = await board.api("GET", `/api/boards/${boardId}/draft/revisions/`);
  } catch { return; }
  summary.textContent = `${summaryLabel} (${revisions.length})`;
  list.replaceChildren();
  if (!revisions.length) list.append(el("li", { class: "muted", text: t.no_revisions }));
  for (const revision of revisions.slice().reverse()) {
    const when = formatTime(revision.created_at);
    const editors = revision.editors.map((e) => `${e.display_name}${e.country ? ` (${e.country})` : ""}`).join(", ");
    const item = el("li", { class: "revision" },
      el("span", { class: "revision__name", dir: "auto", text: `#${revision.number} ${revision.name || ""}${revision.automatic ? ` (${t.revision_automatic})` : ""}` }),
      el("time", { datetime: revision.created_at, class: "muted", text: when }),
      editors ? el("span", { class: "muted small", dir: "auto", text: `${t.revision_editors}: ${editors}` }) : null,
      el("span", { class: "revision__actions" },
        el("button", { type: "button", class: "link-button", text: t.revision_view, onclick: async () => {
          showHtml((await board.api("GET", `/api/boards/${boardId}/draft/revisions/${revision.number}/`)).html);
        } }),
        revision.number > 1 ? el("button", { type: "button", class: "link-button", text: t.revision_compare, onclick: async () => {
          showDiff((await board.api("GET", `/api/boards/${boardId}/draft/revisions/${revision.number - 1}/diff/${revision.number}/`)).lines);
        } }) : null,
        board.viewer.can_manage_boards ? el("button", { type: "button", class: "link-button", text: t.revision_restore, onclick: async () => {
          if (!window.confirm(t.revision_restore_confirm)) return;
          try { await board.api("POST", `/api/boards/${boardId}/draft/revisions/${revision.number}/restore/`); } catch (err) { window.alert(err.message); }
        } }) : null));
    list.append(item);
  }
}

const saveForm = section.querySelector("[data-revision-form]");
if (saveForm) {
  saveForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = saveForm.querySelector("input");
    try {
      await board.api("POST", `/api/boards/${boardId}/draft/revisions/`, { name: input.value });
      input.value = "";
    } catch (err) { window.alert(err.message); }
  });
}

section.querySelector("[data-revisions]").addEventListener("toggle", (event) => { if (event.target.open) loadRevisions(); });
if (localStorage.getItem(openKey)) section.open = true; // the toggle event opens the editor
