// The facilitators' console: every board with its state, who is on it per country, its open round
// (countdown on the server's clock, turnout per country) and what is new; and the actions on it.
// The console's room socket (room.js, with ?console=1) brings the rows of the boards that changed
// (console.boards, at most twice a second); the whole overview is fetched only on (re)connecting
// and after the console's own actions. Boards and rounds change through their own APIs, the same
// ones the board page uses.

import { clock, el, format, localized } from "./dom.js";
import { api, room } from "./room.js";
import { roundRequest } from "./rounds.js";
import { formatTime } from "./time.js";
import { serverClock } from "./transport.js";

const { secondsUntil } = serverClock;

const page = document.querySelector("[data-console-page]");
const slug = page.dataset.slug;
const S = JSON.parse(document.getElementById("console-strings").textContent);
let data = JSON.parse(document.getElementById("console-state").textContent);
const list = page.querySelector("[data-console-boards]");
const errorEl = page.querySelector("[data-console-error]");
const roundTemplate = document.getElementById("round-form-template");
const items = new Map(); // board id -> its <li>, kept across redraws (a half-filled form survives)

async function act(run) {
  errorEl.textContent = "";
  try {
    await run();
    await refresh();
  } catch (err) {
    errorEl.textContent = err.message;
  }
}

function chips(byCountry, render) {
  const ul = el("ul", { class: "chips" });
  const codes = Object.keys(byCountry).sort((a, b) => room.country(a).localeCompare(room.country(b)));
  for (const code of codes) ul.append(el("li", { class: "chip", text: render(code === "none" ? "—" : room.country(code), byCountry[code]) }));
  return ul;
}

function countdownText(round) {
  if (!round.ends_at) return S.no_timer;
  const left = secondsUntil(round.ends_at);
  return left > 0 ? format(S.time_left, { time: clock(left) }) : S.time_up;
}

function roundPart(board) {
  const r = board.round;
  if (!r) return el("p", { class: "muted small", text: S.no_round });
  const turnout = r.turnout || { voters: 0, eligible: 0, by_country: {} };
  return el("div", { class: "console-round" },
    el("p", { class: "console-round__question", dir: "auto", text: r.question }),
    el("p", { class: "console-round__meta" },
      el("strong", { class: "countdown", "data-countdown": r.ends_at || "", text: countdownText(r) }),
      el("span", { text: format(S.voted, { voters: turnout.voters, eligible: turnout.eligible }) })),
    chips(turnout.by_country, (name, n) => `${name} ${n.voters}/${n.eligible}`),
    el("div", { class: "console-board__tools" },
      el("button", { type: "button", class: "button button--small", text: S.extend_round,
        onclick: () => act(() => api("POST", `/api/rounds/${r.id}/extend/`, { seconds: 120 })) }),
      el("button", { type: "button", class: "button button--small button--danger", text: S.close_round,
        onclick: () => { if (window.confirm(S.confirm_close_round)) act(() => api("POST", `/api/rounds/${r.id}/close/`)); } })));
}

function roundSetup(board) {
  const details = el("details", { class: "console-board__setup" }, el("summary", { text: S.open_round }));
  const form = roundTemplate.content.firstElementChild.cloneNode(true);
  // The question starts as the one that fits what is voted on, until the facilitator writes their own.
  const question = form.elements.question;
  form.elements.subject.addEventListener("change", (event) => {
    const defaults = [question.dataset.defaultCards, question.dataset.defaultAmendments];
    if (!question.value.trim() || defaults.includes(question.value)) {
      question.value = event.target.value === "amendments" ? question.dataset.defaultAmendments : question.dataset.defaultCards;
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    const body = roundRequest(form); // the request the board's round form sends
    act(async () => {
      const created = await api("POST", `/api/boards/${board.id}/rounds/`, body);
      try {
        await api("POST", `/api/rounds/${created.id}/open/`);
      } catch (err) {
        await api("POST", `/api/rounds/${created.id}/cancel/`).catch(() => {}); // no draft left behind
        throw err;
      }
      details.open = false;
    });
  });
  details.append(form);
  return details;
}

function drawBoard(board) {
  let item = items.get(board.id);
  if (!item) {
    item = el("li", { class: "console-board", "data-console-board": board.id },
      el("div", { class: "console-board__head", "data-head": "" }),
      el("div", { class: "console-board__stats", "data-stats": "" }),
      el("div", { "data-round": "" }),
      roundSetup(board),
      el("div", { class: "console-board__tools", "data-tools": "" }));
    items.set(board.id, item);
  }
  item.className = `console-board console-board--${board.state}`;
  item.querySelector("[data-head]").replaceChildren(
    el("a", { class: "console-board__title", href: board.url, dir: "auto", text: localized(board, "title") }),
    el("span", { class: `badge badge--${board.state}`, "data-console-state": "", text: S.states[board.state] || board.state }));
  item.querySelector("[data-stats]").replaceChildren(
    el("p", { class: "console-board__numbers" },
      el("span", {}, el("strong", { text: String(board.presence.total) }), ` ${S.here}`),
      el("span", {}, el("strong", { text: String(board.new_cards) }), ` ${S.new_cards}`),
      el("span", {}, el("strong", { text: String(board.new_comments) }), ` ${S.new_comments}`)),
    board.presence.total ? chips(board.presence.by_country, (name, n) => `${name} ${n}`) : el("p", { class: "muted small", text: S.nobody }));
  item.querySelector("[data-round]").replaceChildren(roundPart(board));
  // What the board's state allows comes with the board (boards/rules.py), never derived here; the
  // state only says which way the lock button turns.
  const allows = board.allows || {};
  item.querySelector(".console-board__setup").hidden = !allows.open_round;
  const locked = board.state === "locked";
  item.querySelector("[data-tools]").replaceChildren(
    el("button", { type: "button", class: "button button--small", text: locked ? S.unlock : S.lock,
      disabled: !allows.lock, "data-lock": "",
      onclick: () => act(() => api("PATCH", `/api/boards/${board.id}/`, { state: locked ? "open" : "locked" })) }),
    el("button", { type: "button", class: "button button--small", text: S.summon, "data-summon": "",
      onclick: () => act(async () => {
        await api("POST", `/api/boards/${board.id}/summon/`, {});
        errorEl.textContent = format(S.summoned, { board: localized(board, "title") });
      }) }));
  return item;
}

function drawBoards() {
  serverClock.set(data.server_time);
  page.querySelector("[data-console-since]").textContent = format(S.since, { time: formatTime(data.since) });
  list.replaceChildren(...data.boards.map(drawBoard));
}

let fetching = null;
let again = false;
async function refresh() {
  if (fetching) { again = true; return fetching; }
  fetching = (async () => {
    try {
      data = await api("GET", `/api/workspaces/${slug}/console/`);
      drawBoards();
    } catch { /* the next change tries again */ }
  })();
  await fetching;
  fetching = null;
  if (again) { again = false; await refresh(); }
}

// The socket brings the rows of the boards that changed (at most twice a second): they take the
// place of the ones drawn, nothing is fetched.
room.on("console", (frame) => {
  const changed = new Map(frame.boards.map((board) => [board.id, board]));
  data = { ...data, server_time: frame.server_time, since: frame.since,
    boards: data.boards.map((board) => changed.get(board.id) || board) };
  drawBoards();
});
room.on("state", () => refresh()); // (re)connected: whatever was missed

window.setInterval(() => {
  for (const out of page.querySelectorAll("[data-countdown]")) {
    const board = data.boards.find((b) => b.round && b.round.ends_at === out.dataset.countdown);
    if (board) out.textContent = countdownText(board.round);
  }
}, 1000);

// Sessions -------------------------------------------------------------------------------------

const sessionError = page.querySelector("[data-session-error]");

function drawSessions() {
  for (const session of room.state.sessions) {
    const item = page.querySelector(`[data-session="${session.id}"]`);
    if (!item) continue;
    const badge = item.querySelector("[data-session-state]");
    // Never started and long over (workspace/models.py, AgendaSession.not_held): not "Upcoming".
    const notHeld = session.state === "upcoming" && secondsUntil(session.ends_at) < -S.not_held_after_s;
    badge.textContent = notHeld ? S.not_held : S.session_states[session.state];
    badge.className = `badge badge--${notHeld ? "ended" : session.state}`;
    item.classList.toggle("agenda__item--live", session.state === "live");
    item.querySelector("[data-session-start]").hidden = session.state === "live";
    item.querySelector("[data-session-extend]").hidden = session.state !== "live";
    item.querySelector("[data-session-end]").hidden = session.state !== "live";
    // Once started, the real start (and end) with the plan beside it: sessions rarely start on time.
    if (session.started_at) {
      const times = { started: formatTime(session.started_at), planned: formatTime(session.starts_at, { day: "unless-today" }) };
      item.querySelector("[data-session-time]").textContent = session.ended_at
        ? format(S.ran, { ...times, ended: formatTime(session.ended_at, { day: false }) })
        : format(S.started_planned, times);
    }
  }
}

for (const item of page.querySelectorAll("[data-session]")) {
  const id = item.dataset.session;
  const step = (name, body) => async () => {
    sessionError.textContent = "";
    try {
      await api("POST", `/api/sessions/${id}/${name}/`, body);
    } catch (err) {
      sessionError.textContent = err.message;
    }
  };
  item.querySelector("[data-session-start]").addEventListener("click", step("start"));
  item.querySelector("[data-session-extend]").addEventListener("click", step("extend", { minutes: 10 }));
  const end = step("end");
  item.querySelector("[data-session-end]").addEventListener("click", () => { if (window.confirm(S.confirm_end)) end(); });
}

// Messages and the fishbowl ----------------------------------------------------------------------

const form = page.querySelector("[data-message-form]");
const history = page.querySelector("[data-history]");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = form.elements.text;
  const error = form.querySelector("[data-message-error]");
  error.textContent = "";
  if (!text.value.trim()) { text.focus(); return; }
  try {
    await api("POST", `/api/workspaces/${slug}/notices/`, { text: text.value });
    text.value = "";
    error.textContent = S.sent;
  } catch (err) {
    error.textContent = err.message;
  }
});

room.on("notice", (notice) => {
  history.querySelector("[data-history-empty]")?.remove();
  const what = notice.kind === "summon" ? format(S.summon_line, { board: localized(notice.board, "title") }) : "";
  history.prepend(el("li", { class: "history__item", "data-notice": String(notice.id) },
    el("span", { class: "muted small", text: `${formatTime(notice.created_at)} · ${notice.author ? notice.author.display_name : ""}` }),
    what ? el("span", { text: what }) : null,
    notice.text ? el("span", { dir: "auto", text: notice.text }) : null,
    el("button", { type: "button", class: "button button--small", "data-notice-withdraw": "", text: S.withdraw })));
});

// Withdrawing a message or "everyone to board X": it leaves every page; the history keeps it, marked.
history.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-notice-withdraw]");
  if (!button || !window.confirm(S.confirm_withdraw)) return;
  const id = button.closest("[data-notice]").dataset.notice;
  button.disabled = true;
  try {
    await api("DELETE", `/api/workspaces/${slug}/notices/${id}/`);
  } catch (err) {
    button.disabled = false;
    window.alert(err.message);
  }
});
room.on("notice_withdrawn", (id) => {
  const button = history.querySelector(`[data-notice="${id}"] [data-notice-withdraw]`);
  if (button) button.replaceWith(el("span", { class: "muted small", "data-notice-withdrawn": "", text: S.withdrawn }));
});

const fishbowlEl = page.querySelector("[data-console-fishbowl]");
function drawFishbowl() {
  const f = room.state.fishbowl;
  fishbowlEl.textContent = `${format(S.seats_taken, { taken: f.seated.length + f.offered.length, seats: f.seats })} · ${format(S.waiting, { count: f.queue.length })}`;
}

room.on("sessions", drawSessions);
room.on("fishbowl", drawFishbowl);
room.on("state", () => { drawSessions(); drawFishbowl(); });
drawBoards();
drawSessions();
drawFishbowl();
