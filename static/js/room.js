// The room: what every page of a workspace shows live, over the room's WebSocket
// (/ws/w/<slug>/room/): the live session and its time left, a facilitator's message, "come to
// board X", and a fishbowl seat offered to you. The console and the fishbowl page build on it
// (import { room } from "./room.js") instead of opening sockets of their own.
//
// Time left is counted on the server's clock (transport.js's serverClock): every state the server
// sends carries its time, so a device whose clock is wrong still shows what every other screen shows.

import { clock, format, formatInto, localized } from "./dom.js";
import { formatTime } from "./time.js";
import { apiClient, liveSocket, orderedStream, serverClock, socketUrl } from "./transport.js";

const root = document.querySelector("[data-room]");
const slug = root.dataset.room;
const T = JSON.parse(document.getElementById("room-strings").textContent);
let state = JSON.parse(document.getElementById("room-state").textContent);
serverClock.set(state.server_time);
const events = new EventTarget();
const { secondsUntil } = serverClock;

/** The API call of the workspace's pages (the console, the fishbowl, the charter). */
export const api = apiClient({ offlineText: T.offline });

export const room = {
  slug,
  strings: T,
  get state() { return state; },
  get me() { return state.me; },
  on(type, listener) { events.addEventListener(type, (event) => listener(event.detail)); },
  country(code) { return code ? T.countries[code] || code : ""; },
  liveSession() { return state.sessions.find((s) => s.state === "live") || null; },
  place(member = state.me) {
    const f = state.fishbowl;
    for (const key of ["seated", "offered", "queue"]) {
      const index = f[key].findIndex((s) => s.member === member);
      if (index >= 0) return { state: key, index, speaker: f[key][index] };
    }
    return null;
  },
};

function emit(type, detail) {
  events.dispatchEvent(new CustomEvent(type, { detail }));
}

// The strips -------------------------------------------------------------------------------------

const sessionEl = root.querySelector("[data-room-session]");
const bannerEl = root.querySelector("[data-room-banner]");
const summonEl = root.querySelector("[data-room-summon]");
const offerEl = root.querySelector("[data-room-offer]");
const dismissedKey = (kind) => `codesign:room:${slug}:${kind}`;
const dismissed = (kind) => Number(localStorage.getItem(dismissedKey(kind)) || 0);
const SUMMON_FRESH = 15 * 60; // seconds a "come to board X" stays up

function drawSession() {
  const live = room.liveSession();
  sessionEl.hidden = !live;
  if (!live) return;
  sessionEl.querySelector("[data-session-title]").textContent = localized(live, "title");
  tickSession();
  sessionEl.querySelector("[data-session-ends]").textContent = format(T.ends_at, { time: formatTime(live.ends_at, { day: false }) });
}

function tickSession() {
  const live = room.liveSession();
  if (!live) return;
  const left = secondsUntil(live.ends_at);
  const out = sessionEl.querySelector("[data-session-left]");
  out.textContent = format(left > 0 ? T.time_left : T.over_time, { time: clock(Math.abs(left)) });
  sessionEl.classList.toggle("room__session--over", left <= 0);
}

function authorName(notice) {
  return notice.author ? notice.author.display_name : T.facilitators;
}

function drawNotices() {
  const message = state.notices.find((n) => n.kind === "message");
  bannerEl.hidden = !message || message.id <= dismissed("banner");
  if (!bannerEl.hidden) {
    formatInto(bannerEl.querySelector("[data-banner-from]"), `${T.message_from}:`, { name: authorName(message) });
    bannerEl.querySelector("[data-banner-text]").textContent = message.text;
    bannerEl.dataset.notice = message.id;
  }
  const summon = state.notices.find((n) => n.kind === "summon");
  const fresh = summon && -secondsUntil(summon.created_at) < SUMMON_FRESH;
  const mine = summon && summon.author && summon.author.id === state.me;
  summonEl.hidden = !fresh || mine || summon.id <= dismissed("summon");
  if (summonEl.hidden) return;
  const here = location.pathname === summon.board.url;
  summonEl.dataset.notice = summon.id;
  formatInto(summonEl.querySelector("[data-summon-text]"), here ? T.summon_here : T.summon,
    { name: authorName(summon), board: localized(summon.board, "title") });
  summonEl.querySelector("[data-summon-note]").textContent = summon.text;
  const link = summonEl.querySelector("[data-summon-link]");
  link.hidden = here;
  link.href = summon.board.url;
  formatInto(link, T.go_to_board, { board: localized(summon.board, "title") });
}

function drawOffer() {
  const place = room.place();
  offerEl.hidden = !place || place.state !== "offered" || Boolean(document.querySelector("[data-fishbowl]"));
}

for (const kind of ["banner", "summon"]) {
  const el = kind === "banner" ? bannerEl : summonEl;
  el.querySelector(`[data-${kind}-dismiss]`).addEventListener("click", () => {
    localStorage.setItem(dismissedKey(kind), el.dataset.notice);
    el.hidden = true;
    drawStrip();
  });
}

async function offerStep(step) {
  const error = offerEl.querySelector("[data-offer-error]");
  error.textContent = "";
  try {
    apply({ type: "fishbowl.local", fishbowl: await api("POST", `/api/workspaces/${slug}/fishbowl/${step}/`) });
  } catch (err) {
    error.textContent = err.message;
  }
}
offerEl.querySelector("[data-offer-accept]").addEventListener("click", () => offerStep("accept-seat"));
offerEl.querySelector("[data-offer-decline]").addEventListener("click", () => offerStep("decline-seat"));

// On a phone only the most pressing notice shows: a seat offered to you, then the newer of "come to
// board X" and a message ("everyone to this board" once you are on it comes after the message);
// a button opens the rest. The live session's line shows under it.
// Wider screens show every line, in the same order.
const toggleEl = root.querySelector("[data-room-toggle]");
let expanded = false;

function drawStrip() {
  const here = summonEl.querySelector("[data-summon-link]").hidden; // the summons is to this board
  // The newer of the message and the summons first (as the server draws it: room.first_lines).
  const messageFirst = here || Number(bannerEl.dataset.notice || 0) > Number(summonEl.dataset.notice || 0);
  const ranked = messageFirst ? [offerEl, bannerEl, summonEl] : [offerEl, summonEl, bannerEl];
  root.classList.toggle("room--message-first", messageFirst); // the order, in the stylesheet
  // Only notices fold: the live session is one short line and always shows (room.first_lines).
  const notices = ranked.filter((el) => !el.hidden);
  notices.forEach((el, index) => el.classList.toggle("room__strip--more", index > 0));
  sessionEl.classList.remove("room__strip--more");
  const shown = notices.length || sessionEl.hidden ? notices : [sessionEl];
  root.classList.toggle("room--expanded", expanded);
  const first = shown[0]?.querySelector(".room__text");
  // A long note, clamped (the words under who sent them are clamped on their own).
  const cut = Boolean(first && [first, ...first.children].some((el) => el.scrollHeight > el.clientHeight + 1));
  toggleEl.hidden = shown.length < 2 && !cut && !expanded;
  // The button sits at the end of the first line, not on a line of its own.
  if (shown[0] && toggleEl.parentElement !== shown[0].querySelector(".room__inner")) {
    shown[0].querySelector(".room__inner").append(toggleEl);
  }
  toggleEl.textContent = expanded ? T.show_less : shown.length > 1 ? format(T.show_more, { count: shown.length - 1 }) : T.show_all;
  toggleEl.setAttribute("aria-expanded", String(expanded));
}

toggleEl.addEventListener("click", () => {
  expanded = !expanded;
  drawStrip();
});

function drawAll() {
  drawSession();
  drawNotices();
  drawOffer();
  drawStrip();
}

// Events -----------------------------------------------------------------------------------------

function apply(frame) {
  if (frame.type === "session.updated") {
    state.sessions = state.sessions.map((s) => (s.id === frame.session.id ? frame.session : s));
    drawSession();
    drawStrip();
    emit("sessions", state.sessions);
  } else if (frame.type === "notice.posted") {
    state.notices = [frame.notice, ...state.notices.filter((n) => n.id !== frame.notice.id)];
    drawNotices();
    drawStrip();
    emit("notice", frame.notice);
  } else if (frame.type === "notice.withdrawn") {
    // It goes, and so do the older ones of its kind (as the server's room state leaves them out).
    const gone = state.notices.find((n) => n.id === frame.notice_id);
    state.notices = state.notices.filter((n) => (gone ? n.kind !== gone.kind || n.id > gone.id : n.id !== frame.notice_id));
    drawNotices();
    drawStrip();
    emit("notice_withdrawn", frame.notice_id);
  } else if (frame.type === "fishbowl.updated" || frame.type === "fishbowl.local") {
    state.fishbowl = frame.fishbowl;
    drawOffer();
    drawStrip();
    emit("fishbowl", state.fishbowl);
  }
}

// The room's events are numbered like the board's. The server sends the whole room on every
// (re)connect; a gap (a frame lost on the way) asks for it again.
const socket = liveSocket({
  url: socketUrl(`/ws/w/${slug}/room/${"console" in root.dataset ? "?console=1" : ""}`),
  stream: orderedStream(state.seq),
  onEvent(frame) {
    state.seq = frame.seq;
    apply(frame);
  },
  onGap: () => socket.send({ type: "sync" }),
  onFrame(frame) {
    if (frame.type === "room") {
      const { type: _type, ...fresh } = frame;
      state = fresh;
      socket.stream.reset(state.seq);
      serverClock.set(state.server_time);
      drawAll();
      emit("state", state);
    } else if (frame.type === "console.boards") {
      emit("console", frame);
    }
  },
});

// "Everyone to board X" leaves by itself once it is SUMMON_FRESH old (counted on the server's clock).
let summonShown = !summonEl.hidden;
function tick() {
  tickSession();
  const summon = state.notices.find((n) => n.kind === "summon");
  const fresh = Boolean(summon) && -secondsUntil(summon.created_at) < SUMMON_FRESH;
  if (summonShown && !fresh) {
    drawNotices();
    drawStrip();
  }
  summonShown = !summonEl.hidden;
}

drawAll();
window.setInterval(tick, 1000);
socket.connect();
(window.codesign ??= {}).room = room; // for the browser tests and debugging; no script reads it
