// Board and room events are applied once each, in seq order, whatever order and however often
// they arrive; who is here follows the server's numbered presence list.
import assert from "node:assert/strict";
import { test } from "node:test";

import { nextPresence, orderedStream, presenceOf } from "../../static/js/transport.js";

const event = (seq) => ({ type: "card.created", seq, card: { id: seq } });
const seqs = (frames) => frames.map((frame) => frame.seq);

test("events arriving out of order are applied in order, once each", () => {
  const stream = orderedStream(0);
  const applied = [];
  for (const seq of [2, 1, 4, 3, 3, 1, 5]) applied.push(...stream.take(event(seq)));
  assert.deepEqual(seqs(applied), [1, 2, 3, 4, 5]);
  assert.equal(stream.seq, 5);
});

test("an early event waits for the one before it", () => {
  const stream = orderedStream(10);
  assert.deepEqual(stream.take(event(12)), []);
  assert.equal(stream.seq, 10);
  assert.deepEqual(seqs(stream.take(event(11))), [11, 12]);
});

test("events the snapshot already holds are not applied again", () => {
  const stream = orderedStream(7);
  assert.deepEqual(stream.take(event(6)), []);
  assert.deepEqual(stream.take(event(7)), []);
  assert.deepEqual(seqs(stream.take(event(8))), [8]);
});

test("a resume replaying what was already applied adds only what was missed", () => {
  const stream = orderedStream(0);
  const applied = [];
  for (const seq of [1, 2, 3]) applied.push(...stream.take(event(seq)));
  // the socket dropped; the new one resumes after 3, but the server replays from 2
  for (const seq of [2, 3, 4, 5]) applied.push(...stream.take(event(seq)));
  assert.deepEqual(seqs(applied), [1, 2, 3, 4, 5]);
});

test("a fresh snapshot drops what waited and continues after its seq", () => {
  const stream = orderedStream(0);
  stream.take(event(5)); // early: 1..4 missing
  stream.reset(20);
  assert.deepEqual(stream.take(event(5)), []);
  assert.deepEqual(seqs(stream.take(event(21))), [21]);
});

const person = (id, name = `P${id}`) => ({ id, display_name: name, country: "KZ" });
const ids = (presence) => [...presence.people.keys()].sort((a, b) => a - b);

test("the welcome list, then each delta in turn", () => {
  let presence = nextPresence(presenceOf([]), { type: "welcome", presence: [person(1)], presence_version: 4 });
  presence = nextPresence(presence, { type: "presence.delta", version: 5, arrived: [person(2)], left: [] });
  presence = nextPresence(presence, { type: "presence.delta", version: 6, arrived: [], left: [1] });
  assert.deepEqual(ids(presence), [2]);
  assert.equal(presence.version, 6);
  assert.equal(presence.ask, false);
});

test("a delta that skips one asks for the whole list and changes nothing", () => {
  const before = presenceOf([person(1)], 4);
  const after = nextPresence(before, { type: "presence.delta", version: 6, arrived: [person(3)], left: [1] });
  assert.equal(after.ask, true);
  assert.deepEqual(ids(after), [1]);
  assert.equal(after.version, 4);
});

test("a late, older delta does not bring back someone who left", () => {
  let presence = presenceOf([], 1);
  presence = nextPresence(presence, { type: "presence.delta", version: 2, arrived: [person(7)], left: [] });
  presence = nextPresence(presence, { type: "presence.delta", version: 3, arrived: [], left: [7] });
  const late = nextPresence(presence, { type: "presence.delta", version: 2, arrived: [person(7)], left: [] });
  assert.deepEqual(ids(late), []);
  assert.equal(late.version, 3);
});

test("without a known version (a snapshot) the first delta asks for the list; the list then wins", () => {
  const snapshot = presenceOf([person(1), person(2)]);
  assert.equal(nextPresence(snapshot, { type: "presence.delta", version: 9, arrived: [], left: [2] }).ask, true);
  const list = nextPresence(snapshot, { type: "presence", version: 9, members: [person(2, "Renamed"), person(5)] });
  assert.deepEqual(ids(list), [2, 5]);
  assert.equal(list.people.get(2).display_name, "Renamed");
  assert.equal(nextPresence(list, { type: "presence.delta", version: 10, arrived: [], left: [5] }).people.has(5), false);
});
