// The fishbowl page: the seats and the queue, live from the room (room.js), and the buttons for
// one's own place; facilitators also set the seats and move people in and out. The server
// decides who gets a seat; this page only shows what it said.

import { el, format } from "./dom.js";
import { api, room } from "./room.js";

const page = document.querySelector("[data-fishbowl]");
const S = JSON.parse(document.getElementById("fishbowl-strings").textContent);
const viewer = JSON.parse(document.getElementById("fishbowl-viewer").textContent);
const errorEl = page.querySelector("[data-fishbowl-error]");
const base = `/api/workspaces/${room.slug}/fishbowl`;

async function step(url, body) {
  errorEl.textContent = "";
  try {
    const fishbowl = await api("POST", url, body);
    room.state.fishbowl = fishbowl; // the socket brings the same a moment later
    draw();
  } catch (err) {
    errorEl.textContent = err.message;
  }
}

function person(speaker) {
  const me = speaker.member === room.me;
  return el("span", { class: "speaker" },
    el("span", { class: "speaker__name", dir: "auto", text: me ? `${speaker.display_name} (${S.you})` : speaker.display_name }),
    speaker.country ? el("span", { class: "speaker__country muted small", text: room.country(speaker.country) }) : null);
}

function moveOut(speaker) {
  if (!viewer.facilitator) return null;
  return el("button", { type: "button", class: "button button--small button--danger", text: S.move_out,
    onclick: () => step(`${base}/members/${speaker.member}/unseat/`) });
}

function draw() {
  const f = room.state.fishbowl;
  const seats = page.querySelector("[data-seats]");
  const rows = [
    ...f.seated.map((s) => el("li", { class: "seat seat--taken", "data-member": s.member }, person(s), moveOut(s))),
    ...f.offered.map((s) => el("li", { class: "seat seat--offered", "data-member": s.member },
      el("span", { class: "seat__label", text: format(S.offered_to, { name: s.member === room.me ? S.you : s.display_name }) }),
      moveOut(s))),
  ];
  while (rows.length < f.seats) rows.push(el("li", { class: "seat seat--free", text: S.empty_seat }));
  seats.replaceChildren(...rows);
  page.querySelector("[data-seats-count]").textContent = format(S.seats_taken, { taken: f.seated.length + f.offered.length, seats: f.seats });

  const queue = page.querySelector("[data-queue]");
  queue.replaceChildren(...f.queue.map((s) => el("li", { class: "queue__item", "data-member": s.member },
    person(s),
    viewer.facilitator ? el("span", { class: "queue__tools" },
      el("button", { type: "button", class: "button button--small", text: S.move_in,
        onclick: () => step(`${base}/members/${s.member}/seat/`) }),
      moveOut(s)) : null)));
  if (!f.queue.length) queue.replaceChildren(el("li", { class: "queue__empty muted small", text: S.queue_empty }));
  page.querySelector("[data-queue-count]").textContent = format(S.waiting, { count: f.queue.length });

  const place = room.place();
  const status = page.querySelector("[data-my-status]");
  const actions = page.querySelector("[data-my-actions]");
  const button = (text, url, primary) => el("button", { type: "button", class: `button${primary ? " button--primary" : ""}`, text, onclick: () => step(url) });
  if (!place) {
    status.textContent = S.status_none;
    actions.replaceChildren(button(S.raise_hand, `${base}/raise-hand/`, true));
  } else if (place.state === "queue") {
    status.textContent = format(S.status_queued, { position: place.index + 1 });
    actions.replaceChildren(button(S.lower_hand, `${base}/lower-hand/`));
  } else if (place.state === "offered") {
    status.textContent = S.status_offered;
    actions.replaceChildren(button(S.take_seat, `${base}/accept-seat/`, true), button(S.decline, `${base}/decline-seat/`));
  } else {
    status.textContent = S.status_seated;
    actions.replaceChildren(button(S.leave, `${base}/leave/`));
  }
  page.classList.toggle("fishbowl--mine", Boolean(place));
  const seatsInput = page.querySelector("[data-seats-form] input");
  if (seatsInput && document.activeElement !== seatsInput) seatsInput.value = f.seats;
}

page.querySelector("[data-seats-form]")?.addEventListener("submit", (event) => {
  event.preventDefault();
  step(`${base}/seats/`, { seats: Number(event.target.elements.seats.value) });
});
page.querySelector("[data-move-form]")?.addEventListener("submit", (event) => {
  event.preventDefault();
  step(`${base}/members/${event.target.elements.member.value}/seat/`);
});

room.on("fishbowl", draw);
room.on("state", draw);
draw();
