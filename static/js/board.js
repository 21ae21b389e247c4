// The live board: draws the snapshot the page carries, keeps it current over the board's
// WebSocket, and posts through the REST API. The server is the truth; this file only shows it.
//
// Every stored event carries the board's seq. Frames are applied strictly in seq order (a frame
// that arrives early waits for the ones before it); a reconnect resumes from the last applied
// seq; a "resync_required" reloads the snapshot. Each event replaces a thing by id, so applying
// one twice changes nothing. Text being typed lives in its own form and in localStorage, never in
// what gets redrawn, so no event can wipe it. Talking to the server (the API, the outbox, the
// ordered socket) is transport.js's job; the board's other panels import `board` from here.

import { el, format, localized } from "./dom.js";
import { formatTime } from "./time.js";
import { apiClient, createOutbox, liveSocket, newKey, nextPresence, orderedStream, presenceOf, socketUrl } from "./transport.js";

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
  // The Idempotency-Key of the text being written: kept until it is stored, so every retry of
  // this post (after a reload too) sends the same one.
  key(name) {
    let key = localStorage.getItem(`${draftKey(name)}:key`);
    if (!key) {
      key = newKey();
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

const api = apiClient({ offlineText: t.not_sent });

// Posts that could not be sent (the connection was down) wait in the outbox, and are sent again
// when the connection is back, with the same Idempotency-Key: stored once however often sent.
const waitingForms = new Map(); // outbox name -> { sent(result), failed(message) } of the form on screen
const outbox = createOutbox({
  storage: localStorage,
  storageKey: `codesign:outbox:${boardId}`,
  send: (item) => api("POST", item.url, item.body, { key: item.key }),
  sent(item, result) {
    drafts.clear(item.name);
    (item.kind === "card" ? applyCard : applyComment)(result);
    waitingForms.get(item.name)?.sent(result);
  },
  // refused (the board was locked meanwhile...): the text stays in the form
  failed: (item, err) => waitingForms.get(item.name)?.failed(err.message),
});

window.setInterval(() => { if (outbox.all().length && navigator.onLine) outbox.flush(); }, 10000);

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
  return api("POST", url, body, { key: drafts.key(name) })
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
  if (idea && canChangeCards() && (mine || viewer.can_curate_cards)) {
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
  if (idea && canChangeCards() && viewer.can_curate_cards) {
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
let presence = presenceOf(state.presence);

function takePresence(frame) {
  const next = nextPresence(presence, frame);
  if (next.ask) { socket.send({ type: "presence" }); return; } // missed one (or never had a list)
  presence = next;
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
  const people = [...presence.people.values()].sort((a, b) =>
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

async function resync() {
  try {
    const fresh = await api("GET", `/api/boards/${boardId}/state/`);
    state = fresh;
    socket.stream.reset(state.seq);
    drawAll();
    presence = presenceOf(state.presence);
    showPresence();
    emit("board:state", state);
    socket.send({ type: "resume", after: state.seq });
  } catch {
    window.setTimeout(resync, 3000);
  }
}

// The socket ------------------------------------------------------------------------------------

function showConnection(kind) {
  connectionEl.className = `connection connection--${kind}`;
  const detail = kind === "offline" ? ` — ${t.offline_detail}` : "";
  connectionEl.title = t[kind] + detail;
  connectionEl.replaceChildren(el("span", { class: "connection__text", text: t[kind] }),
    detail ? el("span", { class: "connection__detail", text: detail }) : "");
}

function receiveFrame(frame) {
  if (frame.type === "welcome" || frame.type === "presence" || frame.type === "presence.delta") takePresence(frame);
  else if (frame.type === "resync_required") resync();
  else if (frame.type === "error") { if (frame.code === "removed") showRemoved(); }
  else emit("board:frame", frame);
}

window.addEventListener("online", () => outbox.flush());
const socket = liveSocket({
  url: socketUrl(`/ws/boards/${boardId}/`),
  stream: orderedStream(state.seq),
  resume: (after) => ({ type: "resume", after }),
  lostText: t.reconnecting,
  onOpen: () => outbox.flush(),
  onEvent: applyEvent,
  onFrame: receiveFrame,
  onStatus: showConnection,
  onSignedOut: () => window.location.reload(), // shows the page again if still signed in, else the sign-in page
  // Removed while this page's socket was down (a phone asleep): the server only refuses the new
  // socket; the board's own 404 says it is so.
  onForbidden: () => fetch(`/api/boards/${boardId}/`, { credentials: "same-origin" })
    .then((response) => { if (response.status === 404) showRemoved(); })
    .catch(() => {}),
});

// The server removed this member: say so in this page's words (on the page of someone who was a
// member a moment ago; a stranger never gets here), then go home, which says it once more.
let removed = false;
function showRemoved() {
  if (removed) return;
  removed = true;
  socket.stop();
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

/** The board for its other panels (voting.js, amendments.js, draft.js import it). Once their import
 * resolves, the board is drawn and its socket connecting. `draft` is the draft's editor, once open. */
export const board = { get state() { return state; }, socket, api, announce, strings: t, viewer, draft: null };
// The same, for people debugging a live session in the console and for the browser tests (which
// close its socket and call its API): no script reads it.
(window.codesign ??= {}).board = board;
drawAll();
showPresence();
socket.connect();
