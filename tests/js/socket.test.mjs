// The board's socket, against a fake server: it resumes after the last event applied, so nothing is
// missed or applied twice across a reconnect; answers find their request by ref; signed out (4401)
// and no longer a member (4403) stop it.
import assert from "node:assert/strict";
import { test } from "node:test";

import { liveSocket, orderedStream } from "../../static/js/transport.js";

/** A WebSocket the test drives: open(), receive(frame), drop(code); `sent` holds what the page sent. */
class FakeSocket {
  static made = [];

  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.sent = [];
    this.listeners = {};
    FakeSocket.made.push(this);
  }

  addEventListener(type, listener) { (this.listeners[type] ||= []).push(listener); }
  fire(type, event = {}) { for (const listener of this.listeners[type] || []) listener(event); }
  send(data) { this.sent.push(JSON.parse(data)); }
  open() { this.readyState = 1; this.fire("open"); }
  receive(frame) { this.fire("message", { data: JSON.stringify(frame) }); }
  drop(code = 1006) { this.readyState = 3; this.fire("close", { code }); }
  close() { this.drop(1005); }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const event = (seq) => ({ type: "comment.created", seq, comment: { id: seq } });

function boardSocket(t, options = {}) {
  FakeSocket.made = [];
  const seen = { events: [], frames: [], statuses: [], signedOut: 0, forbidden: 0 };
  const socket = liveSocket({
    url: "ws://test/ws/boards/1/",
    stream: orderedStream(options.seq ?? 0),
    resume: (after) => ({ type: "resume", after }),
    lostText: "Reconnecting…",
    onEvent: (frame) => seen.events.push(frame.seq),
    onFrame: (frame) => seen.frames.push(frame.type),
    onStatus: (kind) => seen.statuses.push(kind),
    onSignedOut: () => { seen.signedOut += 1; },
    onForbidden: () => { seen.forbidden += 1; },
    WebSocket: FakeSocket,
    delay: () => 0,
    online: () => true,
  });
  t.after(() => socket.stop());
  socket.connect();
  return { socket, seen, current: () => FakeSocket.made.at(-1) };
}

test("a reconnect resumes after the last event applied: nothing missed, nothing twice", async (t) => {
  const { seen, current } = boardSocket(t, { seq: 3 });
  current().open();
  assert.deepEqual(current().sent, [{ type: "resume", after: 3 }]);
  current().receive({ type: "welcome", seq: 5, presence: [], presence_version: 0 });
  for (const seq of [4, 5]) current().receive(event(seq));
  current().drop(); // the line drops
  assert.deepEqual(seen.statuses, ["live", "reconnecting"]);
  await tick();
  assert.equal(FakeSocket.made.length, 2);
  current().open();
  assert.deepEqual(current().sent, [{ type: "resume", after: 5 }]);
  for (const seq of [5, 7, 6]) current().receive(event(seq)); // a replayed one, then two out of order
  assert.deepEqual(seen.events, [4, 5, 6, 7]);
  assert.deepEqual(seen.frames, ["welcome"]);
});

test("a frame from a socket given up on is ignored (its replacement resumes instead)", async (t) => {
  const { socket, seen, current } = boardSocket(t);
  current().open();
  const old = current();
  socket.replace();
  old.receive(event(1));
  assert.deepEqual(seen.events, []);
  current().open();
  assert.deepEqual(current().sent, [{ type: "resume", after: 0 }]);
});

test("an answer finds its request by ref; an error answer rejects with the server's words", async (t) => {
  const { socket, current } = boardSocket(t);
  current().open();
  const first = socket.request({ type: "dot", card: 1, op: "place" });
  const second = socket.request({ type: "dot", card: 2, op: "place" });
  const [a, b] = current().sent.slice(1);
  assert.deepEqual([a.card, b.card], [1, 2]);
  assert.notEqual(a.ref, b.ref);
  current().receive({ type: "error", ref: b.ref, message: "No dots left.", code: "no_dots", status: 409 });
  current().receive({ type: "round.my_dots", ref: a.ref, remaining: 3 });
  assert.deepEqual(await first, { type: "round.my_dots", ref: a.ref, remaining: 3 });
  await assert.rejects(second, { message: "No dots left.", code: "no_dots", status: 409 });
});

test("a request cut off by a drop rejects as lost; one on a closed socket rejects at once", async (t) => {
  const { socket, current } = boardSocket(t);
  await assert.rejects(socket.request({ type: "dot" }), { code: "not_connected", message: "Reconnecting…" });
  current().open();
  const waiting = socket.request({ type: "dot" });
  current().drop();
  await assert.rejects(waiting, { code: "connection_lost" });
});

test("signed out (4401): told once, and no reconnecting", async (t) => {
  const { seen, current } = boardSocket(t);
  current().open();
  current().drop(4401);
  await tick();
  assert.equal(seen.signedOut, 1);
  assert.equal(FakeSocket.made.length, 1);
});

test("no longer a member (4403): shown offline, told once, no reconnecting, even when the network comes back", async (t) => {
  const { socket, seen, current } = boardSocket(t);
  current().open();
  current().drop(4403);
  socket.wake(); // the browser's "online"
  await tick();
  assert.equal(seen.forbidden, 1);
  assert.equal(seen.statuses.at(-1), "offline");
  assert.equal(FakeSocket.made.length, 1);
});

test("other closes reconnect, and a success starts the back-off again", async (t) => {
  const delays = [];
  FakeSocket.made = [];
  const socket = liveSocket({
    url: "ws://test/", WebSocket: FakeSocket, online: () => true,
    delay: (attempt) => { delays.push(attempt); return 0; },
  });
  t.after(() => socket.stop());
  socket.connect();
  for (let i = 0; i < 3; i += 1) { FakeSocket.made.at(-1).drop(1011); await tick(); }
  FakeSocket.made.at(-1).open();
  FakeSocket.made.at(-1).drop(1006);
  await tick();
  assert.deepEqual(delays, [0, 1, 2, 0]);
  assert.equal(FakeSocket.made.length, 5);
});

test("a room gap is reported (the room asks for its whole state again)", async (t) => {
  FakeSocket.made = [];
  const gaps = [];
  const applied = [];
  const socket = liveSocket({
    url: "ws://test/room/", WebSocket: FakeSocket, online: () => true, stream: orderedStream(2),
    onEvent: (frame) => applied.push(frame.seq), onGap: (frame) => gaps.push(frame.seq),
  });
  t.after(() => socket.stop());
  socket.connect();
  FakeSocket.made[0].open();
  FakeSocket.made[0].receive({ type: "room", seq: 2 }); // the room's state carries its seq: not an event
  FakeSocket.made[0].receive(event(3));
  FakeSocket.made[0].receive(event(5));
  assert.deepEqual(applied, [3]);
  assert.deepEqual(gaps, [5]);
  assert.deepEqual(FakeSocket.made[0].sent, []); // no resume frame: the room sends its state by itself
});
