// The dot-voting panel of a board: the round's status, countdown (on the server's clock), turnout,
// the voter's own dots, dot buttons on each card, the facilitator's controls and the results.
// It listens to the board (static/js/board.js) and reads the round from the board's state; it
// never learns more than the server sends everyone, plus the voter's own dots.

import { clock } from "./dom.js";
import { formatTime } from "./time.js";

const root = document.querySelector("[data-board]");
const panel = document.querySelector("[data-round-panel]");
const view = panel.querySelector("[data-round-view]");
const setup = panel.querySelector("[data-round-setup]");
const form = panel.querySelector("[data-round-form]");
const earlier = panel.querySelector("[data-earlier-rounds]");
const T = JSON.parse(document.getElementById("round-strings").textContent);

let mine = null; // { round, can_vote, dots: {card: n}, used, remaining }
let clockOffset = 0; // server clock minus this device's clock, in ms
let warnedMinute = false;
let resultsOpen = null; // the reader's choice for the closed round's results (null: by screen width)

const board = () => window.codesignBoard;
const round = () => board().state.round || null;

function text(template, values) {
  return board().format(template, values);
}

function counted(count, one, many) {
  return count === 1 ? one : text(many, { count });
}

function tallyText(row) {
  return text(T.tally, {
    dots: counted(row.dots, T.dots_one, T.dots_many),
    supporters: counted(row.supporters, T.supporters_one, T.supporters_many),
  });
}

function setClock(serverTime) {
  if (serverTime) clockOffset = Date.parse(serverTime) - Date.now();
}

function secondsLeft(r) {
  if (!r || !r.ends_at) return null;
  return Math.max(0, Math.round((Date.parse(r.ends_at) - (Date.now() + clockOffset)) / 1000));
}

async function loadMine() {
  const r = round();
  if (!r || r.state !== "open") { mine = null; return; }
  try {
    const detail = await board().api("GET", `/api/rounds/${r.id}/`);
    setClock(detail.round.server_time);
    mine = detail.mine;
  } catch { /* the socket will bring it */ }
}

function myDotsOn(cardId) {
  return mine && mine.dots ? mine.dots[String(cardId)] || 0 : 0;
}

// A dot goes over the board's socket, which the page already has open (a room clicking the second
// a round opens does not queue behind its own HTTP requests); without a socket, over HTTP.
async function dot(r, cardId, op) {
  try {
    return await board().socket.request({ type: "dot", round: r.id, card: cardId, op });
  } catch (err) {
    if (err.code === "not_connected") {
      return op === "place"
        ? act("POST", `/api/rounds/${r.id}/dots/`, { card: cardId })
        : act("DELETE", `/api/rounds/${r.id}/dots/${cardId}/`);
    }
    if (err.code === "connection_lost") await loadMine(); // stored or not: ask what my dots are now
    board().announce(err.message);
    if (err.code !== "connection_lost") window.alert(err.message);
    return err.code === "connection_lost" ? mine : null;
  }
}

async function act(method, url, body) {
  try {
    return await board().api(method, url, body);
  } catch (err) {
    board().announce(err.message);
    window.alert(err.message);
    return null;
  }
}

// Cards -------------------------------------------------------------------------------------------

function decorate(cardEl, card) {
  const { el } = board();
  // Redrawing replaces the dot buttons: a keyboard user's focus stays on this card's button.
  const focused = cardEl.querySelector(".dots")?.contains(document.activeElement) ? document.activeElement : null;
  if (focused) queueMicrotask(() => focusCard(card.id, focused.classList.contains("button--undot") ? ".button--undot" : ".button--dot"));
  cardEl.querySelector(".dots")?.remove();
  const r = round();
  if (!r || r.state !== "open" || !r.cards.includes(card.id)) return;
  const box = el("div", { class: "dots", role: "group", "aria-label": T.add_dot_label });
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
    const add = el("button", {
      type: "button", class: "button button--small button--dot", text: `+ ${T.add_dot}`, "aria-label": T.add_dot_label,
      disabled: mine.remaining <= 0 || count >= r.max_per_card,
      onclick: async () => {
        const result = await dot(r, card.id, "place");
        if (result) { mine = result; refresh(); focusCard(card.id, ".button--dot"); }
      },
    });
    const remove = el("button", {
      type: "button", class: "button button--small", text: `− ${T.remove_dot}`, "aria-label": T.remove_dot_label,
      disabled: count === 0,
      onclick: async () => {
        const result = await dot(r, card.id, "remove");
        if (result) { mine = result; refresh(); focusCard(card.id, ".button--undot"); }
      },
    });
    remove.classList.add("button--undot");
    box.append(el("div", { class: "dots__mine" }, el("span", { class: "visually-hidden", text: text(T.my_dots, { count }) }), pips, add, remove));
  }
  const body = cardEl.querySelector("[data-body]");
  body.after(box);
}

// After a dot is placed or taken back the buttons are redrawn: keep the keyboard where it was, or on
// the other button when this one has just become disabled (no dots left, or none to take back).
function focusCard(cardId, selector) {
  const buttons = [selector, ".button--dot", ".button--undot"].map((s) => document.querySelector(`[data-card="${cardId}"] ${s}`));
  buttons.find((button) => button && !button.disabled)?.focus();
}

function decorateAll() {
  for (const card of board().state.cards) {
    const cardEl = document.querySelector(`[data-card="${card.id}"]`);
    if (cardEl) decorate(cardEl, card);
  }
}

// The panel ---------------------------------------------------------------------------------------

function turnoutLine(r) {
  const { el } = board();
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
  const { el } = board();
  const box = el("div", { class: "results__text prose", dir: "auto" });
  if (card) box.innerHTML = card.body_html; // sanitized on the server (workspace/markdown.py)
  else box.textContent = clip(row.body, 160);
  return box;
}

function drawResults(r, { adopt = true } = {}) {
  const { el, state } = board();
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
        row.voters ? el("p", { class: "results__voters", dir: "auto", text: `${T.voters}: ${row.voters.map((v) => `${v.display_name} (${v.country || "—"}) ${v.dots}`).join(", ")}` }) : null));
    list.append(item);
  }
  const wrap = el("div", { class: "results-wrap" }, el("h3", { text: T.results }), list,
    el("p", { class: "help", text: T.results_order }), // in the reader's language, not the closer's
    el("p", {}, el("a", { href: `/api/rounds/${r.id}/results.csv`, text: T.csv })));
  if (adopt && board().viewer.can_curate) {
    const count = el("input", { type: "number", min: 1, max: rows.length, value: Math.min(3, rows.length), class: "small-input", "aria-label": T.adopt });
    wrap.append(el("form", { class: "adopt", onsubmit: async (event) => {
      event.preventDefault();
      const result = await act("POST", `/api/rounds/${r.id}/adopt/`, { top: Number(count.value) });
      if (result) board().announce(text(T.adopted, { count: result.adopted.length }));
    } }, el("label", { text: T.adopt }), count, el("button", { type: "submit", class: "button button--small", text: T.adopt_button })));
  }
  return wrap;
}

function facilitatorButtons(r) {
  const { el } = board();
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
  const { el, viewer } = board();
  const r = round();
  const active = r && (r.state === "open" || r.state === "draft");
  panel.hidden = !r && !viewer.can_run_rounds;
  if (setup) setup.hidden = Boolean(active);
  view.replaceChildren();
  panel.classList.toggle("round-panel--closed", Boolean(r && r.state === "closed"));
  // its results fold under a summary (beside the folded draft on a phone); the page draws it so too
  panel.classList.toggle("round-panel--folded", Boolean(r && r.state === "closed" && r.results));
  if (!r || r.state === "cancelled") return;
  const question = el("p", { class: "round-question", dir: "auto", text: r.question });
  const facts = el("p", { class: "round-facts" },
    el("span", { class: `badge badge--round-${r.state}`, text: r.state === "open" ? T.open : r.state === "closed" ? T.closed_at : T.draft }),
    el("span", { text: r.anonymous ? T.anonymous : T.open_vote }));
  if (r.state === "closed" && r.results) {
    // Closed: the results fold under their question, open on wide screens, closed on a phone
    // (so that the cards start on its first screen) until the reader opens them.
    const details = el("details", { class: "round-closed" },
      el("summary", {}, el("span", { class: "round-closed__label", text: T.results }), question),
      facts, turnoutLine(r), drawResults(r));
    details.open = resultsOpen ?? window.matchMedia("(min-width: 761px)").matches;
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
  }
  if (viewer.can_run_rounds) view.append(facilitatorButtons(r));
}

// The board's other closed rounds, newest first: counted from the snapshot, their results fetched
// when someone opens the list (and again when the list changed since).
let earlierDrawn = "";

function earlierIds() {
  return (board().state.earlier_rounds || []).map((r) => r.id);
}

function drawEarlierSummary() {
  const count = earlierIds().length;
  earlier.hidden = count === 0;
  earlier.querySelector("[data-earlier-summary]").textContent = text(T.earlier, { count });
  if (earlier.open && earlierDrawn !== earlierIds().join(",")) loadEarlier();
}

async function loadEarlier() {
  const { el, api, state } = board();
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
  render();
  decorateAll();
  drawEarlierSummary();
}

function tick() {
  const r = round();
  const out = view.querySelector("[data-countdown]");
  if (!r || r.state !== "open" || !out) return;
  const left = secondsLeft(r);
  if (left === null) return;
  out.textContent = left > 0 ? text(T.time_left, { time: clock(left) }) : T.time_up;
  if (left <= 60 && left > 0 && !warnedMinute) {
    warnedMinute = true;
    board().announce(T.one_minute);
  }
}

// Wiring ------------------------------------------------------------------------------------------

root.addEventListener("board:card", (event) => {
  if (window.codesignBoard) decorate(event.detail.element, event.detail.card);
});

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
    board().announce(T.round_opened);
    await loadMine();
  }
  if (frame.type === "round.closed") board().announce(T.round_closed);
  if (frame.type === "round.closed" || frame.type === "round.cancelled") mine = null;
  refresh();
});

root.addEventListener("board:frame", (event) => {
  const frame = event.detail;
  const r = round();
  if (frame.type === "round.my_dots" && r && frame.round === r.id) {
    mine = frame;
    refresh();
  }
});

root.addEventListener("board:state", async () => {
  await loadMine();
  refresh();
});

root.addEventListener("board:ready", async () => {
  setClock(round()?.server_time);
  await loadMine();
  refresh();
  window.setInterval(tick, 1000);
});

if (form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = form.querySelector("[data-round-error]");
    error.textContent = "";
    const data = new FormData(form);
    const body = {
      question: data.get("question"),
      dots_per_voter: Number(data.get("dots_per_voter")),
      max_per_card: Number(data.get("max_per_card")),
      results_visibility: data.get("results_visibility"),
      anonymous: data.get("anonymous") === "on",
      facilitators_vote: data.get("facilitators_vote") === "on",
      subject: data.get("subject") || "cards",
    };
    if (data.get("minutes")) body.duration_seconds = Math.round(Number(data.get("minutes")) * 60);
    const { api, state } = board();
    try {
      const created = await api("POST", `/api/boards/${state.board.id}/rounds/`, body);
      await api("POST", `/api/rounds/${created.id}/open/`);
      setup.open = false;
    } catch (err) {
      error.textContent = err.message;
    }
  });
}
