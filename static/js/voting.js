// The dot-voting panel of a board: the round's status, countdown (on the server's clock), turnout,
// the voter's own dots, dot buttons on each card, the facilitator's controls and the results.
// It listens to the board (static/js/board.js) and reads the round from the board's state; it
// never learns more than the server sends everyone, plus the voter's own dots.

import { board } from "./board.js";
import { clock, el, format } from "./dom.js";
import { roundRequest } from "./rounds.js";
import { formatTime } from "./time.js";
import { serverClock } from "./transport.js";

const root = document.querySelector("[data-board]");
const panel = document.querySelector("[data-round-panel]");
const view = panel.querySelector("[data-round-view]");
const setup = panel.querySelector("[data-round-setup]");
const form = panel.querySelector("[data-round-form]");
const earlier = panel.querySelector("[data-earlier-rounds]");
const T = JSON.parse(document.getElementById("round-strings").textContent);
// Whether this viewer votes in a round where facilitators vote too, and in one where only
// participants do: the server's rule (voting.selectors.may_vote_in_rounds), given with the page.
const MAY_VOTE = JSON.parse(document.getElementById("round-voter").textContent);

let mine = null; // { round, can_vote, dots: {card: n}, used, remaining }
let warnedMinute = false;
let resultsOpen = null; // the reader's choice for the closed round's results (null: open)

const round = () => board.state.round || null;
const text = format;

function counted(count, one, many) {
  return count === 1 ? one : text(many, { count });
}

function tallyText(row) {
  return text(T.tally, {
    dots: counted(row.dots, T.dots_one, T.dots_many),
    supporters: counted(row.supporters, T.supporters_one, T.supporters_many),
  });
}

function secondsLeft(r) {
  if (!r || !r.ends_at) return null;
  return Math.max(0, serverClock.secondsUntil(r.ends_at));
}

async function loadMine() {
  const r = round();
  if (!r || r.state !== "open") { mine = null; return; }
  try {
    const detail = await board.api("GET", `/api/rounds/${r.id}/`);
    serverClock.set(detail.server_time);
    keepMine(detail.mine);
  } catch { /* the socket will bring it */ }
}

// The voter's dots in a round that has just opened: none yet, all of them left if they vote in it.
// A room of 110 seeing a round open does not ask for them 110 times in the same second. (`change`
// 0: any answer or frame of a dot placed since is later.)
function noDotsYet(r) {
  const canVote = r.facilitators_vote ? MAY_VOTE.with_facilitators : MAY_VOTE.participants_only;
  return { round: r.id, can_vote: canVote, dots: {}, used: 0, remaining: canVote ? r.dots_per_voter : 0, change: 0 };
}

// round.my_dots frames reach this page only while its socket is open: those sent while it was down
// are lost. So after a reconnect the page asks once for its dots, and a round.opened that comes on a
// socket opened since (replayed by its resume) is no proof that the voter has no dots yet: another
// tab may have placed some meanwhile.
let dotsSocket = board.socket.ws; // the socket the page has heard its dots on since it last knew them
let newSocket = null;

function askAfterReconnect() {
  const { ws } = board.socket;
  if (!ws || ws === dotsSocket || !board.socket.isOpen()) return;
  if (newSocket !== ws) { newSocket = ws; return; } // a second later, once its resume is answered
  dotsSocket = ws;
  if (round()?.state === "open") loadMine().then(refresh);
}

// The voter's dots from an answer, a GET or a round.my_dots frame, unless an answer that follows a
// later dot change came first: a frame of the previous dot arriving after the answer to this one
// would otherwise show the count one dot behind.
function keepMine(next) {
  if (!next) return;
  if (mine && next.round === mine.round && (next.change ?? 0) < (mine.change ?? 0)) return;
  mine = next;
}

function myDotsOn(cardId) {
  return mine && mine.dots ? mine.dots[String(cardId)] || 0 : 0;
}

// A dot goes over the board's socket, which the page already has open (a room clicking the second
// a round opens does not queue behind its own HTTP requests); without a socket, over HTTP.
async function dot(r, cardId, op) {
  try {
    return await board.socket.request({ type: "dot", round: r.id, card: cardId, op });
  } catch (err) {
    if (err.code === "not_connected") {
      return op === "place"
        ? act("POST", `/api/rounds/${r.id}/dots/`, { card: cardId })
        : act("DELETE", `/api/rounds/${r.id}/dots/${cardId}/`);
    }
    if (err.code === "connection_lost") await loadMine(); // stored or not: ask what my dots are now
    board.announce(err.message);
    if (err.code !== "connection_lost") window.alert(err.message);
    return err.code === "connection_lost" ? mine : null;
  }
}

async function act(method, url, body) {
  try {
    return await board.api(method, url, body);
  } catch (err) {
    board.announce(err.message);
    window.alert(err.message);
    return null;
  }
}

// Cards -------------------------------------------------------------------------------------------

// A card's words for a button's name: its text, short (an amendment by its number and new words).
function cardWords(card) {
  const a = amendmentOf(card.id);
  if (a) return text(T.amendment, { number: a.number }) + (a.proposed ? `: ${clip(a.proposed, 30)}` : "");
  return clip((card.body || "").replace(/[#*_`>~]+/g, "").replace(/\s+/g, " ").trim(), 40);
}

function amendmentOf(cardId) {
  return (board.state.amendments || []).find((a) => a.card && a.card.id === cardId) || null;
}

// The dots of one card in an open round: its tally (when live) and the voter's own buttons. The "+"
// and "−" buttons stay focusable when they cannot act (aria-disabled): after the last dot this card
// may take, the keyboard stays on "+" (whose next press says why nothing happens), and never lands
// on "−" by itself, where the next Enter would take back the dot just placed.
function dotBox(card, r) {
  const words = cardWords(card);
  const box = el("div", { class: "dots", role: "group", "aria-label": text(T.dots_for, { card: words }), "data-dots-for": card.id });
  const tallyRow = r.tally ? r.tally.find((row) => row.card === card.id) : null;
  if (tallyRow) {
    const top = Math.max(1, ...r.tally.map((row) => row.dots));
    box.append(
      el("div", { class: "dots__tally", text: tallyText(tallyRow) }),
      el("div", { class: "bar", "aria-hidden": "true" }, el("span", { style: `inline-size: ${(100 * tallyRow.dots) / top}%` })),
    );
  }
  if (mine && mine.can_vote) {
    const count = myDotsOn(card.id);
    const pips = el("span", { class: "pips", "aria-hidden": "true", text: "●".repeat(count) + "○".repeat(Math.max(0, r.max_per_card - count)) });
    const full = count >= r.max_per_card;
    const add = el("button", {
      type: "button", class: "button button--small button--dot", text: `+ ${T.add_dot}`, "aria-label": text(T.add_dot_to, { card: words }),
      "aria-disabled": String(full || mine.remaining <= 0),
      onclick: async () => {
        if (full || mine.remaining <= 0) {
          board.announce(full ? text(T.cap_reached, { max: r.max_per_card }) : T.no_dots_left);
          return;
        }
        const result = await dot(r, card.id, "place");
        if (!result) return;
        keepMine(result);
        refresh();
        focusCard(card.id, ".button--dot");
        const now = myDotsOn(card.id);
        board.announce(now >= r.max_per_card ? text(T.cap_reached, { max: r.max_per_card }) : text(T.remaining, { remaining: mine.remaining, total: r.dots_per_voter }));
      },
    });
    const remove = el("button", {
      type: "button", class: "button button--small button--undot", text: `− ${T.remove_dot}`, "aria-label": text(T.remove_dot_from, { card: words }),
      "aria-disabled": String(count === 0),
      onclick: async () => {
        if (myDotsOn(card.id) === 0) { board.announce(T.none_to_take); return; }
        const result = await dot(r, card.id, "remove");
        if (!result) return;
        keepMine(result);
        refresh();
        focusCard(card.id, ".button--undot");
        board.announce(text(T.remaining, { remaining: mine.remaining, total: r.dots_per_voter }));
      },
    });
    box.append(el("div", { class: "dots__mine" }, el("span", { class: "visually-hidden", text: text(T.my_dots, { count }) }), pips, add, remove));
  }
  return box;
}

// A card's rank in the board's last closed round, beside its words.
function rankBadge(card) {
  const r = round();
  if (!r || r.state !== "closed" || !r.results) return null;
  const row = r.results.cards.find((c) => c.card === card.id);
  if (!row) return null;
  return el("p", { class: "card-rank", "data-card-rank": "",
    text: `${text(T.rank, { rank: row.rank })} · ${counted(row.dots, T.dots_one, T.dots_many)}` });
}

function decorate(cardEl, card) {
  // Redrawing replaces the dot buttons: a keyboard user's focus stays on the same button of this card.
  const focused = cardEl.querySelector(".dots")?.contains(document.activeElement) ? document.activeElement : null;
  if (focused) queueMicrotask(() => focusCard(card.id, focused.classList.contains("button--undot") ? ".button--undot" : ".button--dot"));
  cardEl.querySelector(".dots")?.remove();
  cardEl.querySelector("[data-card-rank]")?.remove();
  const body = cardEl.querySelector("[data-body]");
  const badge = rankBadge(card);
  if (badge) body.after(badge);
  const r = round();
  if (!r || r.state !== "open" || !r.cards.includes(card.id)) return;
  if (r.subject === "amendments") return; // voted on in the round's panel (ballot), not in the folded draft
  body.after(dotBox(card, r));
}

// After a dot is placed or taken back the buttons are redrawn: the keyboard stays on the button it
// was on (both stay focusable, see dotBox).
function focusCard(cardId, selector) {
  document.querySelector(`[data-dots-for="${cardId}"] ${selector}`)?.focus();
}

// A round over amendments: the amendments in it, with their words and dots, in the panel itself
// (their cards sit inside the draft, folded on a phone).
function ballot(r) {
  const { state } = board;
  const list = el("ol", { class: "ballot", "aria-label": T.ballot });
  for (const cardId of r.cards) {
    const card = state.cards.find((c) => c.id === cardId);
    const a = amendmentOf(cardId);
    if (!card || !a) continue;
    const diff = el("p", { class: "amendment__diff", dir: "auto" });
    for (const [op, words] of a.diff || []) {
      if (op === "same") diff.append(words);
      else diff.append(el(op === "removed" ? "del" : "ins", { text: words }));
    }
    list.append(el("li", { class: "ballot__item", "data-ballot": cardId, "data-amendment-number": a.number },
      el("p", { class: "ballot__title", text: text(T.amendment, { number: a.number }) }),
      diff,
      a.reason ? el("p", { class: "help", dir: "auto", text: a.reason }) : null,
      dotBox(card, r)));
  }
  return el("div", { class: "ballot-wrap" }, el("h3", { class: "ballot__heading", text: T.ballot }), list);
}

function decorateAll() {
  for (const card of board.state.cards) {
    const cardEl = document.querySelector(`[data-card="${card.id}"]`);
    if (cardEl) decorate(cardEl, card);
  }
}

// The panel ---------------------------------------------------------------------------------------

function turnoutLine(r) {
  const line = el("div", { class: "turnout" },
    el("span", { class: "turnout__total", text: text(T.turnout, { voters: r.turnout.voters, eligible: r.turnout.eligible }) }));
  const chips = el("ul", { class: "turnout__countries", "aria-label": T.countries });
  for (const [code, counts] of Object.entries(r.turnout.by_country)) {
    if (code === "none") continue;
    chips.append(el("li", { class: "chip", text: `${code === "other" ? T.other : code} ${counts.voters}/${counts.eligible}` }));
  }
  line.append(chips);
  return line;
}

// The first `count` characters as a reader sees them (grapheme clusters: an emoji, a flag or a
// letter with its marks is never cut in two), with "…" when there was more.
function clip(value, count) {
  const parts = [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(value || "")];
  return parts.length <= count ? value : `${parts.slice(0, count).map((part) => part.segment).join("")}…`;
}

// A result's card as the board shows it (rendered and sanitized on the server), a few lines of it;
// a card no longer on the board by the words the results kept.
function resultText(card, row) {
  const box = el("div", { class: "results__text prose", dir: "auto" });
  if (card) box.innerHTML = card.body_html; // sanitized on the server (workspace/markdown.py)
  else box.textContent = clip(row.body, 160);
  return box;
}

function drawResults(r, { adopt = true } = {}) {
  const { state } = board;
  const rows = r.results.cards;
  const top = Math.max(1, ...rows.map((row) => row.dots));
  const list = el("ol", { class: "results" });
  for (const row of rows) {
    const countries = Object.entries(row.by_country).map(([code, c]) => `${code === "none" ? "—" : code === "other" ? T.other : code} ${c.dots}`).join(" · ");
    const card = state.cards.find((c) => c.id === row.card);
    const item = el("li", { class: "results__row" },
      el("span", { class: "results__rank", text: String(row.rank), "aria-label": text(T.rank, { rank: row.rank }) }),
      el("div", { class: "results__main" },
        resultText(card, row),
        el("div", { class: "bar", "aria-hidden": "true" }, el("span", { style: `inline-size: ${(100 * row.dots) / top}%` })),
        el("p", { class: "results__meta", text: `${tallyText(row)}${countries ? ` — ${countries}` : ""}` }),
        row.voters?.length ? el("p", { class: "results__voters", dir: "auto", text: `${T.voters}: ${row.voters.map((v) => `${v.display_name} (${v.country || "—"}) ${v.dots}`).join(", ")}` }) : null));
    list.append(item);
  }
  const wrap = el("div", { class: "results-wrap" }, el("h3", { text: T.results }), list,
    el("p", { class: "help", text: T.results_order }), // in the reader's language, not the closer's
    el("p", {}, el("a", { href: `/api/rounds/${r.id}/results.csv`, text: T.csv })));
  if (adopt && board.viewer.can_curate_cards) wrap.append(adoptForm(r, rows));
  return wrap;
}

// "Adopt the top N": the server says first which cards that takes (a tie at rank N whole, no card
// without a dot unless asked), the curator confirms that list, and the page says what was adopted.
function adoptForm(r, rows) {
  const { state } = board;
  const wordsOf = (ids) => ids.map((id) => {
    const card = state.cards.find((c) => c.id === id);
    const row = rows.find((x) => x.card === id);
    return text(T.quoted, { text: card ? cardWords(card) : clip(row?.body || "", 40) || `#${id}` });
  }).join(", ");
  const count = el("input", { type: "number", id: `adopt-top-${r.id}`, min: 1, max: rows.length, value: Math.min(3, rows.length), class: "small-input" });
  const unvoted = el("input", { type: "checkbox", name: "include_unvoted" });
  const status = el("p", { class: "adopt__status", role: "status", "data-adopt-status": "" });
  return el("form", { class: "adopt", onsubmit: async (event) => {
    event.preventDefault();
    status.textContent = "";
    const body = { top: Number(count.value), include_unvoted: unvoted.checked };
    const plan = await act("POST", `/api/rounds/${r.id}/adopt/`, { ...body, preview: true });
    if (!plan) return;
    const lines = [text(T.adopt_confirm, { count: plan.adopted.length, cards: wordsOf(plan.adopted) })];
    if (plan.adopted.length + plan.left_out.length > body.top) lines.push(T.adopt_tie);
    if (plan.left_out.length) lines.push(text(T.adopt_left_out, { cards: wordsOf(plan.left_out) }));
    if (!window.confirm(lines.join("\n\n"))) return;
    const result = await act("POST", `/api/rounds/${r.id}/adopt/`, body);
    if (!result) return;
    const done = [text(T.adopted_list, { count: result.adopted.length, cards: wordsOf(result.adopted) })];
    if (result.left_out.length) done.push(text(T.adopt_left_out, { cards: wordsOf(result.left_out) }));
    status.textContent = done.join(" ");
    board.announce(status.textContent);
  } },
  el("label", { for: `adopt-top-${r.id}`, text: T.adopt }), count,
  el("label", { class: "adopt__unvoted" }, unvoted, ` ${T.adopt_unvoted}`),
  el("button", { type: "submit", class: "button button--small", text: T.adopt_button }),
  status);
}

function facilitatorButtons(r) {
  const step = (name, label, confirmText) => el("button", {
    type: "button", class: `button button--small${name === "cancel" ? " button--danger" : ""}`, text: label,
    onclick: async () => {
      if (confirmText && !window.confirm(confirmText)) return;
      await act("POST", `/api/rounds/${r.id}/${name}/`);
    },
  });
  const row = el("div", { class: "round-actions" });
  if (r.state === "draft") row.append(step("open", T.open), step("cancel", T.cancel, T.confirm_cancel));
  if (r.state === "open") {
    row.append(
      el("button", { type: "button", class: "button button--small", text: T.extend, onclick: () => act("POST", `/api/rounds/${r.id}/extend/`, { seconds: 120 }) }),
      step("close", T.close, T.confirm_close),
      step("cancel", T.cancel, T.confirm_cancel),
    );
  }
  return row;
}

function render() {
  const { viewer } = board;
  const r = round();
  const active = r && (r.state === "open" || r.state === "draft");
  panel.hidden = !r && !viewer.can_run_rounds;
  if (setup) setup.hidden = Boolean(active);
  view.replaceChildren();
  panel.classList.toggle("round-panel--closed", Boolean(r && r.state === "closed"));
  if (!r || r.state === "cancelled") return;
  const question = el("p", { class: "round-question", dir: "auto", text: r.question });
  const facts = el("p", { class: "round-facts" },
    el("span", { class: `badge badge--round-${r.state}`, text: r.state === "open" ? T.open : r.state === "closed" ? T.closed_at : T.draft }),
    el("span", { text: r.anonymous ? T.anonymous : T.open_vote }));
  if (r.state === "closed" && r.results) {
    // Closed: the results open under their question, on a phone too (folded there, they were a
    // small box nobody opened); the reader may fold them, and the cards show their rank anyway.
    const details = el("details", { class: "round-closed" },
      el("summary", {}, el("span", { class: "round-closed__label", text: T.results }), question),
      facts, turnoutLine(r), drawResults(r));
    details.open = resultsOpen ?? true;
    details.addEventListener("toggle", () => { resultsOpen = details.open; });
    view.append(details);
    if (viewer.can_run_rounds) view.append(facilitatorButtons(r));
    return;
  }
  view.append(question, facts);
  if (r.state === "draft") {
    if (!viewer.can_run_rounds) view.append(el("p", { text: T.draft }));
  }
  if (r.state === "open") {
    const left = secondsLeft(r);
    view.append(el("p", { class: "countdown", "data-countdown": "", text: left === null ? T.no_timer : left > 0 ? text(T.time_left, { time: clock(left) }) : T.time_up }));
    if (r.ends_at) view.append(el("p", { class: "help", "data-closes-at": "", text: text(T.closes_at, { time: formatTime(r.ends_at, { day: false }) }) }));
    if (mine) {
      view.append(el("p", { class: "remaining", "data-remaining": "", text: mine.can_vote ? text(T.remaining, { remaining: mine.remaining, total: r.dots_per_voter }) : T.not_voting }));
    }
    view.append(turnoutLine(r));
    if (!r.tally) view.append(el("p", { class: "help", text: T.hidden }));
    // an anonymous round's count waits for changes by several people (voting.actions.publish_tallies)
    if (r.anonymous) view.append(el("p", { class: "help", "data-batched": "", text: T.batched }));
    if (r.subject === "amendments") view.append(ballot(r));
  }
  if (viewer.can_run_rounds) view.append(facilitatorButtons(r));
}

// The board's other closed rounds, newest first: counted from the snapshot, their results fetched
// when someone opens the list (and again when the list changed since).
let earlierDrawn = "";

function earlierIds() {
  return (board.state.earlier_rounds || []).map((r) => r.id);
}

function drawEarlierSummary() {
  const count = earlierIds().length;
  earlier.hidden = count === 0;
  earlier.querySelector("[data-earlier-summary]").textContent = text(T.earlier, { count });
  if (earlier.open && earlierDrawn !== earlierIds().join(",")) loadEarlier();
}

async function loadEarlier() {
  const { api, state } = board;
  const list = earlier.querySelector("[data-earlier-list]");
  const ids = earlierIds();
  earlierDrawn = ids.join(",");
  list.replaceChildren(el("p", { class: "help", text: T.loading }));
  let rounds;
  try {
    rounds = await api("GET", `/api/boards/${state.board.id}/rounds/`);
  } catch (err) {
    earlierDrawn = "";
    list.replaceChildren(el("p", { class: "error", role: "alert", text: err.message }));
    return;
  }
  const byId = new Map(rounds.map((r) => [r.id, r]));
  list.replaceChildren(...ids.map((id) => byId.get(id)).filter((r) => r && r.results).map((r) =>
    el("section", { class: "earlier-round" },
      el("h3", { class: "round-question", dir: "auto", text: r.question }),
      el("p", { class: "help", text: text(T.closed_on, { time: formatTime(r.closed_at) }) }),
      turnoutLine(r),
      drawResults(r, { adopt: false }))));
}

earlier.addEventListener("toggle", () => {
  if (earlier.open && earlierDrawn !== earlierIds().join(",")) loadEarlier();
});

function refresh() {
  // The panel is drawn anew (a round over amendments has its dot buttons there): the keyboard stays
  // on the button it was on.
  const focused = view.contains(document.activeElement) ? document.activeElement.closest("[data-dots-for]") : null;
  const which = document.activeElement?.classList.contains("button--undot") ? ".button--undot" : ".button--dot";
  render();
  if (focused) focusCard(focused.dataset.dotsFor, which);
  decorateAll();
  drawEarlierSummary();
}

function tick() {
  askAfterReconnect();
  const r = round();
  const out = view.querySelector("[data-countdown]");
  if (!r || r.state !== "open" || !out) return;
  const left = secondsLeft(r);
  if (left === null) return;
  out.textContent = left > 0 ? text(T.time_left, { time: clock(left) }) : T.time_up;
  if (left <= 60 && left > 0 && !warnedMinute) {
    warnedMinute = true;
    board.announce(T.one_minute);
  }
}

// Wiring ------------------------------------------------------------------------------------------

root.addEventListener("board:card", (event) => decorate(event.detail.element, event.detail.card));

// A card removed after its round closed leaves the results shown here as it left the stored ones
// (its dots and rank stay, not its words): drawn from the round's copy, they would keep them.
function forgetInResults(cardId) {
  for (const row of round()?.results?.cards || []) {
    if (row.card === cardId) Object.assign(row, { body: "", removed: true });
  }
}

root.addEventListener("board:event", async (event) => {
  const frame = event.detail;
  if (frame.type === "card.removed" || frame.type === "amendment.removed") {
    forgetInResults(frame.card_id);
    refresh();
    return;
  }
  if (!frame.type.startsWith("round.")) return;
  // No clock from events: a replayed event carries the server time of long ago.
  if (frame.type === "round.opened") {
    warnedMinute = false;
    board.announce(T.round_opened);
    if (board.socket.ws === dotsSocket) keepMine(noDotsYet(frame.round));
    else { dotsSocket = board.socket.ws; await loadMine(); } // replayed on a new socket: ask once
  }
  if (frame.type === "round.closed") board.announce(T.round_closed);
  if (frame.type === "round.closed" || frame.type === "round.cancelled") mine = null;
  refresh();
});

root.addEventListener("board:frame", (event) => {
  const frame = event.detail;
  const r = round();
  if (frame.type === "round.my_dots" && r && frame.round === r.id) {
    keepMine(frame);
    refresh();
  }
});

root.addEventListener("board:state", async () => {
  await loadMine();
  refresh();
});

// The board is drawn by the time its import resolves: its cards get their dots and ranks now, the
// voter's own dots once asked for.
decorateAll(); // (the room's state, on every page, set the server's clock)
window.setInterval(tick, 1000);
loadMine().then(refresh);

if (form) {
  // The question starts as the one that fits what is voted on, until the facilitator writes their own.
  const question = form.querySelector("#round-question");
  form.querySelector("#round-subject")?.addEventListener("change", (event) => {
    const defaults = [question.dataset.defaultCards, question.dataset.defaultAmendments];
    if (!question.value.trim() || defaults.includes(question.value)) {
      question.value = event.target.value === "amendments" ? question.dataset.defaultAmendments : question.dataset.defaultCards;
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = form.querySelector("[data-round-error]");
    error.textContent = "";
    const body = roundRequest(form);
    const { api, state } = board;
    try {
      const created = await api("POST", `/api/boards/${state.board.id}/rounds/`, body);
      await api("POST", `/api/rounds/${created.id}/open/`);
      setup.open = false;
    } catch (err) {
      error.textContent = err.message;
    }
  });
}
