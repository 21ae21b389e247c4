// The live board: draws the snapshot the page carries, keeps it current over the board's
// WebSocket, and posts through the REST API. The server is the truth; this file only shows it.
//
// Every stored event carries the board's seq. Frames are applied strictly in seq order (a frame
// that arrives early waits for the ones before it); a reconnect resumes from the last applied
// seq; a "resync_required" reloads the snapshot. Each event replaces a thing by id, so applying
// one twice changes nothing. Text being typed lives in its own form and in localStorage, never in
// what gets redrawn, so no event can wipe it.

import { cookie, el, format, localized } from "./dom.js";
import { formatTime } from "./time.js";

const root = document.querySelector("[data-board]");
const boardId = Number(root.dataset.board);
const viewer = JSON.parse(document.getElementById("board-viewer").textContent);
const t = JSON.parse(document.getElementById("board-strings").textContent);
let state = JSON.parse(document.getElementById("board-state").textContent);

const cardsEl = root.querySelector("[data-cards]");
// Amendments' cards (kind "amendment") sit beside the draft they change, not among the ideas.
const amendmentsEl = root.querySelector("[data-amendment-list]");
const emptyEl = root.querySelector("[data-empty]");
const connectionEl = root.querySelector("[data-connection]");
const announcer = root.querySelector("[data-announcer]");
const compose = root.querySelector("[data-compose]");
const closedNotice = root.querySelector("[data-board-closed]");

const cardEls = new Map(); // card id -> element
const pending = new Map(); // seq -> frame that arrived before its predecessors

// Helpers -------------------------------------------------------------------------------------

// Other apps' panels (voting) listen on the board element: board:event (every stored event, once
// applied), board:frame (ephemeral frames this file does not handle), board:card (a card was drawn
// or redrawn; decorate it), board:state (the whole board was redrawn from a fresh snapshot).
function emit(name, detail) {
  root.dispatchEvent(new CustomEvent(name, { detail }));
}

function announce(text) {
  announcer.textContent = "";
  window.setTimeout(() => { announcer.textContent = text; }, 50);
}

// Drafts: what someone is typing survives redraws, reconnects and reloads.
const draftKey = (name) => `codesign:draft:${boardId}:${name}`;
const drafts = {
  get: (name) => localStorage.getItem(draftKey(name)) || "",
  set: (name, value) => (value ? localStorage.setItem(draftKey(name), value) : localStorage.removeItem(draftKey(name))),
  key(name) {
    let key = localStorage.getItem(`${draftKey(name)}:key`);
    if (!key) {
      key = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
      localStorage.setItem(`${draftKey(name)}:key`, key);
    }
    return key;
  },
  clear(name) {
    localStorage.removeItem(draftKey(name));
    localStorage.removeItem(`${draftKey(name)}:key`);
  },
};

function bindDraft(textarea, name) {
  textarea.value = textarea.value || drafts.get(name);
  textarea.addEventListener("input", () => drafts.set(name, textarea.value));
}

// The API ---------------------------------------------------------------------------------------

class ApiError extends Error {}

async function api(method, url, body, idempotencyKey) {
  const headers = { "Content-Type": "application/json", "X-CSRFToken": cookie("csrftoken") };
  if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey;
  let response;
  try {
    response = await fetch(url, {
      method, headers, credentials: "same-origin", body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw Object.assign(new ApiError(t.not_sent), { offline: true });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  // A proxy answering for a restarting server counts as "not reached" too: the post waits.
  if ([502, 503, 504].includes(response.status)) throw Object.assign(new ApiError(t.not_sent), { offline: true });
  if (!response.ok) throw new ApiError(data.detail || response.statusText);
  return data;
}

// Posts that could not be sent (the connection was down) wait in an outbox kept in localStorage, so
// they survive a reload, and are sent again when the connection is back, with the same
// Idempotency-Key: the server answers a repeated key with its first answer, so a post is stored
// once however many times it was sent.
const outboxKey = `codesign:outbox:${boardId}`;
const outbox = {
  all: () => { try { return JSON.parse(localStorage.getItem(outboxKey) || "[]"); } catch { return []; } },
  save: (items) => (items.length ? localStorage.setItem(outboxKey, JSON.stringify(items)) : localStorage.removeItem(outboxKey)),
  has(name) { return this.all().some((item) => item.name === name); },
  add(item) { this.save(this.all().filter((i) => i.name !== item.name).concat(item)); },
  remove(name) { this.save(this.all().filter((i) => i.name !== name)); },
};
const waitingForms = new Map(); // outbox name -> { sent(result), failed(message) } of the form on screen
let flushing = false;

async function flushOutbox() {
  if (flushing) return;
  flushing = true;
  try {
    for (const item of outbox.all()) {
      let result;
      try {
        result = await api("POST", item.url, item.body, item.key);
      } catch (err) {
        if (err.offline) break; // still down: everything waits for the next try
        outbox.remove(item.name); // refused (the board was locked meanwhile...): the text stays in the form
        waitingForms.get(item.name)?.failed(err.message);
        continue;
      }
      outbox.remove(item.name);
      drafts.clear(item.name);
      (item.kind === "card" ? applyCard : applyComment)(result);
      waitingForms.get(item.name)?.sent(result);
    }
  } finally {
    flushing = false;
  }
}

window.setInterval(() => { if (outbox.all().length && navigator.onLine) flushOutbox(); }, 10000);

/** Post from a form; if the connection is down, queue it and lock the text until it is sent. */
function postFromForm({ name, kind, url, body, textarea, error, button, sent }) {
  const form = {
    sent(result) { textarea.readOnly = false; error.textContent = ""; error.className = "error"; textarea.value = ""; sent(result); },
    failed(message) { textarea.readOnly = false; error.className = "error"; error.textContent = message; },
    queued() { textarea.readOnly = true; error.className = "help"; error.textContent = t.queued; },
  };
  waitingForms.set(name, form);
  if (outbox.has(name) && !body) { form.queued(); return Promise.resolve(); }
  if (!body) return Promise.resolve();
  // A disabled button loses the focus to the top of the page: give it back where the person was.
  const hadFocus = textarea.form?.contains(document.activeElement);
  let posted = null;
  button.disabled = true;
  error.textContent = "";
  return api("POST", url, body, drafts.key(name))
    .then((result) => {
      posted = result;
      drafts.clear(name);
      (kind === "card" ? applyCard : applyComment)(result);
      form.sent(result);
    })
    .catch((err) => {
      if (!err.offline) { form.failed(err.message); return; }
      outbox.add({ name, kind, url, body, key: drafts.key(name) });
      form.queued();
    })
    .finally(() => {
      button.disabled = false;
      if (!hadFocus || (document.activeElement && document.activeElement !== document.body)) return;
      if (textarea.isConnected) { textarea.focus(); return; }
      // a reply's form goes once it is sent: the new reply takes the focus
      const shown = posted && root.querySelector(`[data-comment="${posted.id}"]`);
      if (shown) { shown.tabIndex = -1; shown.focus(); }
    });
}

// Drawing ---------------------------------------------------------------------------------------

function authorLine(author, createdAt, editedAt) {
  const name = author ? author.display_name : t.former_member;
  return el(
    "p", { class: "meta" },
    el("span", { class: "meta__name", dir: "auto", text: name }),
    author && author.country ? el("span", { class: "meta__country", text: author.country }) : null,
    el("time", { datetime: createdAt, text: formatTime(createdAt) }),
    editedAt ? el("span", { class: "meta__edited", text: `(${t.edited})` }) : null,
  );
}

// What the board's state allows comes with the board (boards/rules.py), never derived here.
function canChangeCards() {
  return Boolean(state.board.allows?.cards);
}

function canComment() {
  return Boolean(state.board.allows?.comments);
}

function commentsOf(cardId) {
  return state.comments.filter((c) => c.card === cardId);
}

function inlineEditor(initial, limit, onSave, onDone) {
  const textarea = el("textarea", { rows: 3, maxlength: limit, dir: "auto" });
  textarea.value = initial;
  const error = el("p", { class: "error", role: "alert" });
  const form = el(
    "form", { class: "inline-editor" }, textarea, error,
    el("div", { class: "actions" },
      el("button", { type: "submit", class: "button button--small button--primary", text: t.save }),
      el("button", { type: "button", class: "button button--small", text: t.cancel, onclick: () => onDone() })),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await onSave(textarea.value);
      onDone();
    } catch (err) {
      error.textContent = err.message;
    }
  });
  window.setTimeout(() => textarea.focus(), 0);
  return form;
}

function drawComment(comment) {
  const item = el("li", { class: `comment comment--${comment.state}`, "data-comment": comment.id });
  fillComment(item, comment);
  return item;
}

function fillComment(item, comment) {
  item.className = `comment comment--${comment.state}`;
  item.replaceChildren();
  if (comment.state === "removed") {
    item.append(el("p", { class: "comment__gone", text: t.removed_comment }));
  } else if (comment.state === "hidden") {
    item.append(el("p", { class: "comment__gone", dir: "auto", text: format(t.hidden_comment, { reason: comment.hidden_reason }) }));
  } else {
    const body = el("div", { class: "comment__body prose" });
    body.innerHTML = comment.body_html; // sanitized on the server (workspace/markdown.py)
    item.append(authorLine(comment.author, comment.created_at, comment.edited_at), body);
    const actions = el("div", { class: "actions" });
    const mine = comment.author && comment.author.id === viewer.member;
    if (mine && canComment()) {
      actions.append(
        el("button", { type: "button", class: "link-button", text: t.edit, onclick: () => {
          body.replaceWith(inlineEditor(comment.body, Number(root.dataset.commentMax),
            (text) => api("PATCH", `/api/comments/${comment.id}/`, { body: text }).then(applyComment),
            () => fillComment(item, state.comments.find((c) => c.id === comment.id) || comment)));
        } }),
        el("button", { type: "button", class: "link-button link-button--danger", text: t.delete, onclick: async () => {
          if (!window.confirm(t.confirm_delete_comment)) return;
          try { await api("DELETE", `/api/comments/${comment.id}/`); } catch (err) { window.alert(err.message); }
        } }),
      );
    }
    if (!comment.parent && canComment()) {
      actions.append(el("button", { type: "button", class: "link-button", text: t.reply, onclick: () => openReplyForm(comment) }));
    }
    if (viewer.can_moderate && !mine && canComment()) {
      actions.append(el("button", { type: "button", class: "link-button", text: t.hide, onclick: () => {
        const reason = el("input", { type: "text", maxlength: 200, "aria-label": t.hide_reason, placeholder: t.hide_reason });
        const error = el("p", { class: "error", role: "alert" });
        const form = el("form", { class: "inline-editor" }, reason, error,
          el("div", { class: "actions" },
            el("button", { type: "submit", class: "button button--small button--danger", text: t.hide }),
            el("button", { type: "button", class: "button button--small", text: t.cancel, onclick: () => form.remove() })));
        form.addEventListener("submit", async (event) => {
          event.preventDefault();
          try {
            applyComment(await api("POST", `/api/comments/${comment.id}/hide/`, { reason: reason.value }));
          } catch (err) { error.textContent = err.message; }
        });
        item.append(form);
        reason.focus();
      } }));
    }
    if (actions.childElementCount) item.append(actions);
  }
}

function commentForm(card, parentId) {
  const name = parentId ? `reply:${parentId}` : `comment:${card.id}`;
  const textarea = el("textarea", {
    rows: 2, maxlength: root.dataset.commentMax, dir: "auto",
    "aria-label": parentId ? t.write_reply : t.write_comment, placeholder: parentId ? t.write_reply : t.write_comment,
  });
  bindDraft(textarea, name);
  const error = el("p", { class: "error", role: "alert" });
  const button = el("button", { type: "submit", class: "button button--small", text: parentId ? t.send_reply : t.comment });
  const form = el("form", { class: parentId ? "comment-form comment-form--reply" : "comment-form" }, textarea,
    el("div", { class: "compose__row" }, error, button));
  const url = `/api/cards/${card.id}/comments/`;
  const post = (body) => postFromForm({
    name, kind: "comment", url, body, textarea, error, button,
    sent: () => { if (parentId) form.remove(); },
  });
  post(null); // a comment still waiting in the outbox (after a reload) shows as waiting
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!textarea.value.trim() || textarea.readOnly) return;
    const body = { body: textarea.value };
    if (parentId) body.parent = parentId;
    post(body);
  });
  return form;
}

function drawThread(cardEl, card) {
  const list = cardEl.querySelector("[data-thread]");
  const comments = commentsOf(card.id);
  list.replaceChildren();
  for (const top of comments.filter((c) => !c.parent)) {
    const replies = el("ol", { class: "replies", "data-replies": top.id });
    for (const reply of comments.filter((c) => c.parent === top.id)) replies.append(drawComment(reply));
    list.append(drawComment(top), replies);
  }
  updateCount(cardEl, card);
}

function openReplyForm(comment) {
  const replies = cardEls.get(comment.card)?.querySelector(`[data-replies="${comment.id}"]`);
  if (!replies) return;
  let form = replies.nextElementSibling;
  if (!form || !form.matches(".comment-form--reply")) {
    form = commentForm({ id: comment.card }, comment.id);
    replies.after(form);
  }
  form.querySelector("textarea").focus();
}

function updateCount(cardEl, card) {
  const count = commentsOf(card.id).length;
  cardEl.querySelector("[data-count]").textContent =
    count === 0 ? t.no_comments : count === 1 ? t.comments_one : format(t.comments_many, { count });
}

function drawCard(card) {
  const cardEl = el("li", { class: "idea", "data-card": card.id });
  cardEl.append(
    el("div", { class: "idea__head", "data-head": "" }),
    el("div", { class: "idea__body prose", "data-body": "" }),
    el("div", { class: "idea__tools", "data-tools": "" }),
    el("details", { class: "idea__comments" },
      el("summary", { "data-count": "" }),
      el("ol", { class: "thread", "data-thread": "" }),
      el("div", { "data-comment-form": "" })),
  );
  fillCard(cardEl, card);
  drawThread(cardEl, card);
  return cardEl;
}

function fillCard(cardEl, card) {
  cardEl.className = `idea idea--${card.status}`;
  const head = cardEl.querySelector("[data-head]");
  head.replaceChildren(
    authorLine(card.author, card.created_at, card.edited_at),
    el("span", { class: "chips" },
      card.group_label ? el("span", { class: "chip", dir: "auto", text: card.group_label }) : null,
      card.status !== "proposed" && card.kind !== "amendment" ? el("span", { class: `badge badge--card-${card.status}`, text: t.statuses[card.status] }) : null),
  );
  const body = cardEl.querySelector("[data-body]");
  body.innerHTML = card.body_html; // sanitized on the server (workspace/markdown.py)
  const tools = cardEl.querySelector("[data-tools]");
  tools.replaceChildren();
  const mine = card.author && card.author.id === viewer.member;
  const idea = card.kind !== "amendment"; // an amendment changes through its own buttons (amendments.js)
  if (idea && canChangeCards() && (mine || viewer.can_curate)) {
    tools.append(
      el("button", { type: "button", class: "link-button", text: t.edit, onclick: () => {
        body.replaceChildren(inlineEditor(card.body, Number(root.dataset.cardMax),
          (text) => api("PATCH", `/api/cards/${card.id}/`, { body: text }).then(applyCard),
          () => fillCard(cardEl, state.cards.find((c) => c.id === card.id) || card)));
      } }),
      el("button", { type: "button", class: "link-button link-button--danger", text: t.delete, onclick: async () => {
        if (!window.confirm(t.confirm_delete_card)) return;
        try { await api("DELETE", `/api/cards/${card.id}/`); removeCard(card.id); } catch (err) { window.alert(err.message); }
      } }),
    );
  }
  if (idea && canChangeCards() && viewer.can_curate) {
    const status = el("select", { "aria-label": t.status, class: "small-select" });
    for (const [value, label] of Object.entries(t.statuses)) {
      status.append(el("option", { value, text: label, selected: value === card.status }));
    }
    status.addEventListener("change", () => api("PATCH", `/api/cards/${card.id}/`, { status: status.value })
      .then(applyCard).catch((err) => window.alert(err.message)));
    const group = el("input", { type: "text", maxlength: 60, value: card.group_label, placeholder: t.group, "aria-label": t.group, class: "small-input", dir: "auto" });
    group.addEventListener("change", () => api("PATCH", `/api/cards/${card.id}/`, { group_label: group.value })
      .then(applyCard).catch((err) => window.alert(err.message)));
    tools.append(status, group);
  }
  const formSlot = cardEl.querySelector("[data-comment-form]");
  if (canComment() && !formSlot.firstChild) formSlot.append(commentForm(card, null));
  if (!canComment()) formSlot.replaceChildren();
  emit("board:card", { card, element: cardEl });
}

function containerOf(card) {
  return card.kind === "amendment" ? amendmentsEl : cardsEl;
}

function placeCard(cardEl, card) {
  const container = containerOf(card);
  if (!container) return;
  const siblings = state.cards.filter((c) => c.kind === card.kind);
  const next = siblings[siblings.findIndex((c) => c.id === card.id) + 1];
  const nextEl = next ? cardEls.get(next.id) : null;
  if (nextEl && nextEl !== cardEl) container.insertBefore(cardEl, nextEl);
  else if (!nextEl && container.lastElementChild !== cardEl) container.append(cardEl);
}

function drawEmpty() {
  emptyEl.hidden = state.cards.some((c) => c.kind !== "amendment");
  emptyEl.textContent = t.no_cards;
}

function drawBoard() {
  root.querySelector("[data-board-title]").textContent = localized(state.board, "title");
  const question = root.querySelector("[data-board-question]");
  question.textContent = localized(state.board, "guiding_question");
  question.hidden = !question.textContent;
  const badge = root.querySelector("[data-board-state]");
  badge.className = `badge badge--${state.board.state}`;
  badge.textContent = t.states[state.board.state];
  compose.hidden = !canChangeCards();
  closedNotice.hidden = canChangeCards();
  closedNotice.textContent = state.board.state === "locked" ? t.closed_locked : t.closed_voting;
}

function drawAll() {
  cardEls.clear();
  cardsEl.replaceChildren();
  amendmentsEl?.replaceChildren();
  for (const card of state.cards) {
    const cardEl = drawCard(card);
    cardEls.set(card.id, cardEl);
    containerOf(card)?.append(cardEl);
  }
  drawBoard();
  drawEmpty();
}

// Who is here: the whole list once (welcome), then deltas in order (presence.delta, numbered by
// version, a few a second at most). A delta that does not follow the last one asks for the list.
const present = new Map();
let presenceVersion = null;

function drawPresence(people, version = null) {
  present.clear();
  for (const person of people) present.set(person.id, person);
  presenceVersion = version;
  showPresence();
}

function applyPresenceDelta(frame) {
  if (presenceVersion === null || frame.version !== presenceVersion + 1) {
    socket.send({ type: "presence" }); // missed one (or never had a list): the whole list again
    return;
  }
  for (const id of frame.left) present.delete(id);
  for (const person of frame.arrived) present.set(person.id, person);
  presenceVersion = frame.version;
  showPresence();
}

// A bounded row, whatever the room's size: the first few people (you first), "+N more" opening
// the counts by country and the whole list, which is drawn only while it is open.
const PRESENCE_SHOWN = 5;
const presenceAll = root.querySelector("[data-presence-all]");

function personChip(p) {
  return el("li", { class: "person" },
    el("bdi", { class: "person__name", text: p.display_name }),
    p.country ? el("span", { class: "meta__country", text: p.country }) : null);
}

function showPresence() {
  const me = viewer.member;
  const people = [...present.values()].sort((a, b) =>
    (b.id === me) - (a.id === me) || a.display_name.localeCompare(b.display_name) || a.id - b.id);
  root.querySelector("[data-presence-count]").textContent = people.length ? format(t.here_count, { count: people.length }) : "";
  root.querySelector("[data-presence]").replaceChildren(...people.slice(0, PRESENCE_SHOWN).map(personChip));
  markCutPresence();
  const more = people.length - PRESENCE_SHOWN;
  presenceAll.hidden = more <= 0;
  if (more <= 0) { presenceAll.open = false; return; }
  presenceAll.querySelector("[data-presence-more]").textContent = format(t.more_people, { count: more });
  if (!presenceAll.open) return;
  const countries = new Map();
  for (const p of people) countries.set(p.country || "—", (countries.get(p.country || "—") || 0) + 1);
  root.querySelector("[data-presence-countries]").replaceChildren(...[...countries.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([code, count]) => el("span", { class: "presence__country" },
      el("span", { class: "meta__country", text: code }), ` ${count}`)));
  root.querySelector("[data-presence-full]").replaceChildren(...people.map(personChip));
}
presenceAll.addEventListener("toggle", showPresence);

// The row of who is here fades out only where it is cut (a cut name then reads as "more", not as a fault).
function markCutPresence() {
  const list = root.querySelector("[data-presence]");
  list.classList.toggle("presence__list--cut", list.scrollWidth > list.clientWidth);
}
window.addEventListener("resize", markCutPresence);

// Applying changes -----------------------------------------------------------------------------

function sortCards() {
  state.cards.sort((a, b) => a.position - b.position || a.id - b.id);
}

function applyCard(card) {
  const known = state.cards.some((c) => c.id === card.id);
  state.cards = state.cards.filter((c) => c.id !== card.id).concat(card);
  sortCards();
  let cardEl = cardEls.get(card.id);
  if (cardEl) {
    fillCard(cardEl, card);
  } else {
    cardEl = drawCard(card);
    cardEls.set(card.id, cardEl);
  }
  placeCard(cardEl, card);
  drawEmpty();
  return known;
}

function removeCard(cardId) {
  state.cards = state.cards.filter((c) => c.id !== cardId);
  state.comments = state.comments.filter((c) => c.card !== cardId);
  const cardEl = cardEls.get(cardId);
  if (cardEl) cardEl.remove();
  cardEls.delete(cardId);
  drawEmpty();
}

function applyComment(comment) {
  const known = state.comments.some((c) => c.id === comment.id);
  state.comments = state.comments.filter((c) => c.id !== comment.id).concat(comment);
  state.comments.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id - b.id));
  const cardEl = cardEls.get(comment.card);
  if (!cardEl) return known;
  const existing = cardEl.querySelector(`[data-comment="${comment.id}"]`);
  if (existing) {
    fillComment(existing, comment);
  } else {
    const card = state.cards.find((c) => c.id === comment.card);
    // A new comment joins its thread without touching the forms below it.
    if (comment.parent) {
      const replies = cardEl.querySelector(`[data-replies="${comment.parent}"]`);
      if (replies) replies.append(drawComment(comment));
      else drawThread(cardEl, card);
    } else {
      drawThread(cardEl, card);
    }
  }
  updateCount(cardEl, state.cards.find((c) => c.id === comment.card));
  return known;
}

function applyEvent(frame) {
  switch (frame.type) {
    case "card.created":
    case "card.updated": {
      const known = applyCard(frame.card);
      if (!known && frame.type === "card.created" && !(frame.card.author && frame.card.author.id === viewer.member)) {
        announce(format(t.new_card, { name: frame.card.author ? frame.card.author.display_name : t.former_member }));
      }
      break;
    }
    case "card.removed":
      removeCard(frame.card_id);
      break;
    case "amendment.removed":
      state.amendments = (state.amendments || []).filter((a) => a.id !== frame.amendment_id);
      removeCard(frame.card_id);
      break;
    case "comment.created":
    case "comment.updated":
    case "comment.removed":
    case "comment.hidden": {
      const known = applyComment(frame.comment);
      if (!known && frame.type === "comment.created" && !(frame.comment.author && frame.comment.author.id === viewer.member)) {
        announce(format(t.new_comment, { name: frame.comment.author.display_name }));
      }
      break;
    }
    case "board.updated":
    case "board.created": {
      const stateChanged = frame.board.state !== state.board.state;
      state.board = frame.board;
      drawBoard();
      if (stateChanged) {
        for (const card of state.cards) {
          fillCard(cardEls.get(card.id), card);
          drawThread(cardEls.get(card.id), card);
        }
      }
      break;
    }
    default:
      if (frame.amendment && !frame.amendment.removed) { // (a removed one's earlier events, replayed, carry nothing)
        // An amendment arrives with its card: the card is drawn (and its comments and dots work) like
        // any other; amendments.js draws what only an amendment has.
        state.amendments = (state.amendments || []).filter((a) => a.id !== frame.amendment.id).concat(frame.amendment);
        state.amendments.sort((a, b) => a.number - b.number);
        applyCard(frame.amendment.card);
      }
      if (frame.type.startsWith("round.")) {
        // A new round takes the place of a closed one: that one joins the earlier rounds.
        const before = state.round;
        if (before && before.id !== frame.round.id && before.state === "closed") {
          const { id, question, closed_at } = before;
          state.earlier_rounds = [{ id, question, closed_at }, ...(state.earlier_rounds || []).filter((r) => r.id !== id)];
        }
        state.round = frame.round;
      }
      break; // other types belong to other panels, or to a newer server
  }
  state.seq = frame.seq;
  emit("board:event", frame);
}

function receiveStored(frame) {
  if (frame.seq <= state.seq) return; // already have it
  pending.set(frame.seq, frame);
  while (pending.has(state.seq + 1)) {
    const next = pending.get(state.seq + 1);
    pending.delete(next.seq);
    applyEvent(next);
  }
}

async function resync() {
  try {
    const fresh = await api("GET", `/api/boards/${boardId}/state/`);
    state = fresh;
    pending.clear();
    drawAll();
    drawPresence(state.presence);
    emit("board:state", state);
    socket.send({ type: "resume", after: state.seq });
  } catch {
    window.setTimeout(resync, 3000);
  }
}

// The socket ------------------------------------------------------------------------------------

function showConnection(kind) {
  socket.shown = kind;
  connectionEl.className = `connection connection--${kind}`;
  const detail = kind === "offline" ? ` — ${t.offline_detail}` : "";
  connectionEl.title = t[kind] + detail;
  connectionEl.replaceChildren(el("span", { class: "connection__text", text: t[kind] }),
    detail ? el("span", { class: "connection__detail", text: detail }) : "");
}

const socket = {
  ws: null,
  attempts: 0,
  pingTimer: null,
  retryTimer: null,
  probeTimer: null,
  heard: 0, // when the last frame arrived (Date.now())
  shown: "connecting",
  asked: 0,
  pending: new Map(), // ref -> { resolve, reject, timer }: frames waiting for their answer
  // Send a frame the server answers (e.g. a dot); resolves with the answer, rejects with its error
  // (err.status, err.code) or when the socket drops first (err.code "connection_lost", and then it
  // is unknown whether the server acted). Rejects at once when the socket is not open.
  request(frame, timeoutMs = 15000) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(Object.assign(new Error(t.reconnecting), { code: "not_connected" }));
    }
    this.asked += 1;
    const ref = `r${this.asked}`;
    return new Promise((resolve, reject) => {
      const timer = window.setTimeout(() => this.settle(ref, null, "connection_lost"), timeoutMs);
      this.pending.set(ref, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ ...frame, ref }));
    });
  },
  settle(ref, frame, lost) {
    const waiting = this.pending.get(ref);
    if (!waiting) return false;
    this.pending.delete(ref);
    window.clearTimeout(waiting.timer);
    if (lost) waiting.reject(Object.assign(new Error(t.reconnecting), { code: lost }));
    else if (frame.type === "error") waiting.reject(Object.assign(new Error(frame.message), { status: frame.status, code: frame.code }));
    else waiting.resolve(frame);
    return true;
  },
  connect() {
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    window.clearTimeout(this.retryTimer);
    const ws = new WebSocket(`${scheme}://${location.host}/ws/boards/${boardId}/`);
    this.ws = ws;
    ws.addEventListener("open", () => {
      if (ws !== this.ws) return;
      this.attempts = 0;
      this.heard = Date.now();
      showConnection("live");
      this.send({ type: "resume", after: state.seq });
      flushOutbox();
      window.clearInterval(this.pingTimer);
      // The server answers every ping: a socket that stays silent is dead however open it looks.
      this.pingTimer = window.setInterval(() => this.verify(10000), 25000);
    });
    ws.addEventListener("message", (message) => {
      if (ws !== this.ws) return; // a socket given up on (verify) may still deliver: its replacement resumes
      this.heard = Date.now();
      window.clearTimeout(this.probeTimer);
      if (this.shown !== "live" && navigator.onLine) showConnection("live"); // frames flow again
      let frame;
      try { frame = JSON.parse(message.data); } catch { return; }
      if (frame.ref !== undefined && this.settle(frame.ref, frame)) return;
      if (frame.type === "welcome") drawPresence(frame.presence, frame.presence_version);
      else if (frame.type === "presence") drawPresence(frame.members, frame.version);
      else if (frame.type === "presence.delta") applyPresenceDelta(frame);
      else if (frame.type === "resync_required") resync();
      else if (frame.type === "error") { if (frame.code === "removed") showRemoved(); }
      else if (frame.type === "pong") { /* still here */ }
      else if (typeof frame.seq === "number") receiveStored(frame);
      else emit("board:frame", frame);
    });
    ws.addEventListener("close", (event) => {
      if (ws !== this.ws) return;
      window.clearInterval(this.pingTimer);
      window.clearTimeout(this.probeTimer);
      for (const ref of [...this.pending.keys()]) this.settle(ref, null, "connection_lost");
      if (event.code === 4403) { // not (or no longer) a member
        if (this.shown === "removed") return;
        showConnection("offline");
        // Removed while this page's socket was down (a phone asleep): the server only refuses the
        // new socket; the board's own 404 says it is so.
        fetch(`/api/boards/${boardId}/`, { credentials: "same-origin" })
          .then((response) => { if (response.status === 404) showRemoved(); })
          .catch(() => {});
        return;
      }
      // Signed out (here or in another tab), or the password changed: reload, which shows the page
      // again while this browser is still signed in, else the sign-in page.
      if (event.code === 4401) { window.location.reload(); return; }
      showConnection(navigator.onLine ? "reconnecting" : "offline");
      const delay = Math.min(15000, 1000 * 2 ** this.attempts) * (0.7 + Math.random() * 0.6);
      this.attempts += 1;
      this.retryTimer = window.setTimeout(() => this.connect(), delay);
    });
  },
  // Is the socket still carried? A browser keeps a socket open through a short outage, and it may
  // come back working or dead: ask the server, and open a new socket unless an answer (or any
  // frame) arrives within waitMs.
  verify(waitMs) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    const asked = Date.now();
    this.send({ type: "ping" });
    window.clearTimeout(this.probeTimer);
    this.probeTimer = window.setTimeout(() => { if (this.heard < asked) this.replace(); }, waitMs);
  },
  replace() {
    const old = this.ws;
    this.ws = null; // its late events are ignored
    window.clearInterval(this.pingTimer);
    for (const ref of [...this.pending.keys()]) this.settle(ref, null, "connection_lost");
    try { old?.close(); } catch { /* already closing */ }
    this.attempts = 0;
    showConnection(navigator.onLine ? "reconnecting" : "offline");
    this.connect();
  },
  send(frame) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  },
};

window.addEventListener("offline", () => showConnection("offline"));
window.addEventListener("online", () => {
  flushOutbox();
  if (socket.shown === "removed") return;
  showConnection("reconnecting"); // until a frame shows the socket carries again
  socket.attempts = 0;
  if (socket.ws && socket.ws.readyState === WebSocket.OPEN) socket.verify(1500);
  else if (!socket.ws || socket.ws.readyState === WebSocket.CLOSED) socket.connect(); // not at the end of a back-off
});

// The server removed this member: say so in this page's words (on the page of someone who was a
// member a moment ago; a stranger never gets here), then go home, which says it once more.
function showRemoved() {
  if (socket.shown === "removed") return;
  const text = t.removed;
  showConnection("removed");
  connectionEl.hidden = true; // the notice says it all
  compose.hidden = true;
  const notice = el("p", { class: "notice notice--removed", role: "alert", dir: "auto", text });
  root.prepend(notice);
  sessionStorage.setItem("codesign:notice", text);
  window.setTimeout(() => window.location.assign("/"), 4000);
}

// Posting a card ------------------------------------------------------------------------------

const composeText = compose.querySelector("textarea");
const counter = compose.querySelector("[data-counter]");
bindDraft(composeText, "card");
const count = () => { counter.textContent = String(composeText.value.length); };
composeText.addEventListener("input", count);
count();
const composeError = compose.querySelector("[data-error]");
const composeButton = compose.querySelector("button");
const postCard = (body) => postFromForm({
  name: "card", kind: "card", url: `/api/boards/${boardId}/cards/`, body,
  textarea: composeText, error: composeError, button: composeButton, sent: count,
});
postCard(null);
compose.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!composeText.value.trim()) { composeText.focus(); return; }
  if (composeText.readOnly) return;
  postCard({ body: composeText.value });
});

// For the other panels, for people debugging a live session in the console, and for the browser tests.
window.codesignBoard = { get state() { return state; }, socket, api, el, format, announce, strings: t, viewer };
drawAll();
drawPresence(state.presence);
socket.connect();
emit("board:ready", state);
