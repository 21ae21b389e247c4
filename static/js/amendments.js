// Amendments to the board's draft: suggesting a change to selected words, and each amendment's own
// part of its card (the word-level diff, the reason, "+1", deciding). The card itself (author,
// comments, dots in a round) is drawn by board.js like every card; amendments arrive as
// amendment.* events whose payload carries the card (drafts/selectors.py).

import { board } from "./board.js";
import { el, format, formatInto } from "./dom.js";

const root = document.querySelector("[data-board]");
const section = document.querySelector("[data-amendments]");
const T = JSON.parse(document.getElementById("amendment-strings").textContent);

const countEl = section.querySelector("[data-amendments-count]");
const emptyEl = section.querySelector("[data-amendments-empty]");
const openBadge = document.querySelector("[data-amendments-open]");
const suggest = document.querySelector("[data-suggest]");
const openButton = suggest.querySelector("[data-suggest-open]");
const form = suggest.querySelector("[data-suggest-form]");
const titleEl = form.querySelector("[data-suggest-title]");
const originalLine = form.querySelector("[data-suggest-original-line]");
const originalEl = form.querySelector("[data-suggest-original]");
const proposedEl = form.querySelector("[data-suggest-proposed]");
const proposedLabel = form.querySelector('label[for="suggest-proposed"]');
const proposedLabelText = proposedLabel.textContent;
const reasonEl = form.querySelector("[data-suggest-reason]");
const errorEl = form.querySelector("[data-suggest-error]");

const amendments = () => board.state.amendments || [];
const amendmentOfCard = (cardId) => amendments().find((a) => a.card.id === cardId);
const allows = () => Boolean(board.state.board.allows?.amendments);
const editor = () => board.draft || null;

// One amendment's card ---------------------------------------------------------------------------

function diffView(a) {
  const line = el("p", { class: "amendment__diff", dir: "auto" });
  for (const [op, text] of a.diff) {
    if (op === "same") line.append(text);
    else line.append(el(op === "removed" ? "del" : "ins", { text }));
  }
  return line;
}

async function call(method, url, body) {
  try {
    return await board.api(method, url, body);
  } catch (err) {
    window.alert(err.message);
    return null;
  }
}

function decisionLine(a) {
  if (a.state === "open") return null;
  const line = el("p", { class: `amendment__decision amendment__decision--${a.state}` });
  formatInto(line, a.state === "accepted" ? T.accepted : T.rejected, {
    name: a.decided_by ? a.decided_by.display_name : T.former_member,
  });
  if (a.applied_anyway) line.append(" ", T.applied_anyway);
  if (a.decision_reason) line.append(el("br"), el("bdi", { dir: "auto", text: a.decision_reason }));
  return line;
}

function outdatedLine(a) {
  if (!a.outdated || a.state !== "open") return null;
  if (!a.current) return el("p", { class: "notice notice--warn amendment__outdated", text: T.gone });
  return el("p", { class: "notice notice--warn amendment__outdated" }, T.outdated, " ",
    el("q", { dir: "auto", text: a.current }));
}

function tools(a) {
  const { viewer } = board;
  const mine = a.card.author && a.card.author.id === viewer.member;
  const open = a.state === "open";
  const supported = a.supported_by.includes(viewer.member);
  const row = el("div", { class: "amendment__tools" });
  row.append(el("button", {
    type: "button", class: `button button--small${supported ? " button--pressed" : ""}`, "aria-pressed": String(supported), dir: "ltr",
    "aria-label": T.support_label, disabled: !open || !allows(), text: T.support,
    // The supporter sees it at once; the board hears of it in the next batch (drafts/actions).
    onclick: async () => applyAmendment(await call(supported ? "DELETE" : "POST", `/api/amendments/${a.id}/support/`)),
  }));
  row.append(el("span", { class: "muted small", text: format(T.support_count, { count: a.supported_by.length }) }));
  if (open && editor()) {
    row.append(el("button", { type: "button", class: "link-button", text: T.show,
      onclick: () => editor().selectPassage(a.anchor.start, a.anchor.end) }));
  }
  if (open && mine && a.outdated && allows()) {
    row.append(el("button", { type: "button", class: "link-button", text: T.refresh,
      onclick: () => call("PATCH", `/api/amendments/${a.id}/`, { refresh: true }) }));
  }
  let decide = null;
  if (open && viewer.can_decide_amendments) {
    const anyway = a.outdated;
    decide = el("div", { class: "amendment__decide" });
    row.append(decide);
    decide.append(
      el("button", { type: "button", class: "button button--small button--primary", text: anyway ? T.accept_anyway : T.accept,
        disabled: !board.state.board.allows?.draft,
        onclick: () => {
          if (anyway && !window.confirm(T.confirm_anyway)) return;
          call("POST", `/api/amendments/${a.id}/accept/`, anyway ? { anyway: true } : {});
        } }),
      el("button", { type: "button", class: "link-button link-button--danger", text: T.reject,
        disabled: !allows(),
        onclick: () => {
          const reason = window.prompt(T.reject_prompt);
          if (reason && reason.trim()) call("POST", `/api/amendments/${a.id}/reject/`, { reason });
        } }),
    );
  }
  // Its author withdraws it; a facilitator removes one that must not stay (an accepted one is the draft's now).
  if (a.state !== "accepted" && (mine || viewer.can_curate_cards)) {
    (decide || row).append(el("button", { type: "button", class: "link-button link-button--danger", text: mine ? T.withdraw : T.remove,
      disabled: !allows(),
      onclick: () => {
        if (window.confirm(mine ? T.confirm_withdraw : T.confirm_remove)) call("DELETE", `/api/amendments/${a.id}/`);
      } }));
  }
  return row;
}

function decorate(cardEl, card) {
  const a = amendmentOfCard(card.id);
  if (!a) return;
  cardEl.classList.add("amendment", `amendment--${a.state}`);
  cardEl.classList.toggle("amendment--outdated", a.outdated && a.state === "open");
  cardEl.dataset.amendment = a.id;
  cardEl.querySelector("[data-body]").replaceChildren(...[
    el("p", { class: "amendment__title", text: `${format(T.number, { number: a.number })} · ${T[`change_${a.change}`]}` }),
    diffView(a),
    a.reason ? el("p", { class: "amendment__reason" }, el("span", { class: "muted", text: `${T.why} ` }),
      el("bdi", { dir: "auto", text: a.reason })) : null,
    outdatedLine(a),
    decisionLine(a),
  ].filter(Boolean));
  cardEl.querySelector("[data-tools]").replaceChildren(tools(a));
}

function redraw(a) {
  const cardEl = document.querySelector(`[data-card="${a.card.id}"]`);
  if (cardEl) decorate(cardEl, a.card);
}

function redrawAll() {
  for (const a of amendments()) redraw(a);
}

function applyAmendment(a) {
  if (!a) return;
  const { state } = board;
  state.amendments = amendments().filter((x) => x.id !== a.id).concat(a).sort((x, y) => x.number - y.number);
  redraw(a);
  drawSummary();
}

// The list, its count, and the passages highlighted in the editor ---------------------------------

function drawSummary() {
  const open = amendments().filter((a) => a.state === "open").length;
  countEl.textContent = amendments().length ? `(${amendments().length})` : "";
  emptyEl.hidden = amendments().length > 0;
  openBadge.hidden = open === 0;
  openBadge.textContent = format(T.open_count, { count: open });
  editor()?.showPassages(amendments().filter((a) => a.state === "open").map((a) => ({
    id: a.id, start: a.anchor.start, end: a.anchor.end,
    className: a.outdated ? "passage passage--outdated" : "passage",
  })));
}

// Suggesting a change -------------------------------------------------------------------------------

let chosen = null; // { text, start } of the words the form is about

function drawSuggestButton() {
  openButton.disabled = !allows() || !editor();
  suggest.hidden = !allows();
}

function openForm() {
  const selection = editor()?.selection();
  if (!selection) return;
  chosen = { text: selection.text, start: selection.start };
  const insertion = !chosen.text;
  titleEl.textContent = insertion ? T.title_insert : T.title_replace;
  originalLine.hidden = insertion;
  originalEl.textContent = chosen.text;
  proposedLabel.textContent = insertion ? T.proposed_label_insert : proposedLabelText;
  proposedEl.value = chosen.text;
  reasonEl.value = "";
  errorEl.textContent = "";
  form.hidden = false;
  proposedEl.focus();
  proposedEl.select();
}

openButton.addEventListener("click", openForm);
form.querySelector("[data-suggest-cancel]").addEventListener("click", () => {
  form.hidden = true;
  openButton.focus();
});
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!chosen) return;
  const button = form.querySelector('button[type="submit"]');
  button.disabled = true;
  errorEl.textContent = "";
  try {
    await board.api("POST", `/api/boards/${board.state.board.id}/amendments/`, {
      original: chosen.text, proposed: proposedEl.value, reason: reasonEl.value, start: chosen.start,
    });
    form.hidden = true;
    board.announce(T.sent);
    openButton.focus();
  } catch (err) {
    errorEl.textContent = err.message;
  } finally {
    button.disabled = false;
  }
});

// Wiring ------------------------------------------------------------------------------------------

root.addEventListener("board:card", (event) => decorate(event.detail.element, event.detail.card));
root.addEventListener("board:event", (event) => {
  const frame = event.detail;
  if (frame.type === "amendment.removed") drawSummary(); // board.js took it and its card away
  if (frame.amendment && !frame.amendment.removed) {
    drawSummary();
    const a = frame.amendment;
    const theirs = !(a.card.author && a.card.author.id === board.viewer.member);
    if (frame.type === "amendment.created" && theirs) {
      board.announce(format(T.new_amendment, { name: a.card.author ? a.card.author.display_name : T.former_member }));
    } else if (frame.type === "amendment.accepted" || frame.type === "amendment.rejected") {
      board.announce(format(T.decided, { state: T[`state_${a.state}`] }));
    }
  }
  // (A change of the board's state redraws every card, amendments included: board.js.)
  if (frame.type === "board.updated") drawSuggestButton();
});
root.addEventListener("board:state", () => drawSummary());
root.addEventListener("draft:ready", () => {
  drawSuggestButton();
  drawSummary();
  redrawAll(); // "Show in the text" now has a text to show it in
});

// The board is drawn by the time its import resolves.
redrawAll();
drawSummary();
drawSuggestButton();
