// Writes made while the connection is down wait, in order, and are sent once each when it is back,
// with the Idempotency-Key they were first sent with; one the server refuses leaves with its message.
import assert from "node:assert/strict";
import { test } from "node:test";

import { apiClient, createOutbox } from "../../static/js/transport.js";

/** localStorage's interface, in memory. */
function memoryStorage() {
  const items = new Map();
  return {
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  };
}

/** A server behind fetch(): `reachable` says whether requests get through; it stores each new
 * Idempotency-Key's post once and answers a repeated key with its first answer, as the real one does. */
function fakeServer() {
  const server = { reachable: true, requests: [], stored: [], answers: new Map(), refuse: null, down: null };
  server.fetch = async (url, init) => {
    if (!server.reachable) throw new TypeError("Failed to fetch");
    const key = init.headers["Idempotency-Key"];
    server.requests.push({ url, method: init.method, key, csrf: init.headers["X-CSRFToken"], body: init.body && JSON.parse(init.body) });
    const json = (status, data) => ({ status, ok: status < 400, statusText: "Status", json: async () => data });
    if (server.down) return json(server.down, {});
    if (server.refuse && url === server.refuse.url) return json(400, { detail: server.refuse.detail });
    if (key && server.answers.has(key)) return server.answers.get(key);
    const card = { id: server.stored.length + 1, body: JSON.parse(init.body).body };
    server.stored.push(card);
    const answer = json(201, card);
    if (key) server.answers.set(key, answer);
    return answer;
  };
  return server;
}

function setUp() {
  const server = fakeServer();
  const api = apiClient({ offlineText: "Not sent yet", fetch: (...args) => server.fetch(...args), csrf: () => "token-1" });
  const outcome = { sent: [], failed: [] };
  const outbox = createOutbox({
    storage: memoryStorage(),
    storageKey: "codesign:outbox:1",
    send: (item) => api("POST", item.url, item.body, { key: item.key }),
    sent: (item, result) => outcome.sent.push([item.name, result.id]),
    failed: (item, err) => outcome.failed.push([item.name, err.message]),
  });
  return { server, api, outbox, outcome };
}

test("the API sends JSON with the CSRF token and the write's Idempotency-Key", async () => {
  const { server, api } = setUp();
  const card = await api("POST", "/api/boards/1/cards/", { body: "Water" }, { key: "k-1" });
  assert.equal(card.body, "Water");
  assert.deepEqual(server.requests[0], { url: "/api/boards/1/cards/", method: "POST", key: "k-1", csrf: "token-1", body: { body: "Water" } });
});

test("unreachable, or a proxy answering 502/503/504 for a restarting server: offline", async () => {
  const { server, api } = setUp();
  server.reachable = false;
  await assert.rejects(api("POST", "/x/", { body: "a" }), { offline: true, message: "Not sent yet" });
  server.reachable = true;
  server.down = 503;
  await assert.rejects(api("POST", "/x/", { body: "a" }), { offline: true, status: 503 });
});

test("a refusal carries the server's own message and is not offline", async () => {
  const { server, api } = setUp();
  server.refuse = { url: "/api/boards/1/cards/", detail: "This board is locked." };
  await assert.rejects(api("POST", "/api/boards/1/cards/", { body: "a" }), { offline: false, status: 400, message: "This board is locked." });
});

test("a card queued while offline is sent once, with its key, when the connection is back", async () => {
  const { server, outbox, outcome } = setUp();
  server.reachable = false;
  outbox.add({ name: "card", kind: "card", url: "/api/boards/1/cards/", body: { body: "Typed offline" }, key: "key-card" });
  await outbox.flush(); // still down: it waits
  assert.equal(outbox.has("card"), true);
  assert.deepEqual(outcome.sent, []);

  server.reachable = true;
  await Promise.all([outbox.flush(), outbox.flush()]); // the socket opened and the browser went online at once
  await outbox.flush();
  assert.deepEqual(outcome.sent, [["card", 1]]);
  assert.deepEqual(server.requests.map((r) => r.key), ["key-card"]);
  assert.equal(server.stored.length, 1);
  assert.deepEqual(outbox.all(), []);
});

test("a retry whose first try reached the server gets the first answer, not a second card", async () => {
  const { server, outbox, outcome } = setUp();
  const item = { name: "card", kind: "card", url: "/api/boards/1/cards/", body: { body: "Once" }, key: "key-once" };
  // The first try was stored, but its answer was lost on the way back: the post stays queued.
  await server.fetch(item.url, { method: "POST", headers: { "Idempotency-Key": item.key }, body: JSON.stringify(item.body) });
  outbox.add(item);
  await outbox.flush();
  assert.equal(server.stored.length, 1);
  assert.deepEqual(outcome.sent, [["card", 1]]);
});

test("queued writes go in the order they were made, and wait behind one that cannot go yet", async () => {
  const { server, outbox, outcome } = setUp();
  outbox.add({ name: "card", url: "/api/boards/1/cards/", body: { body: "first" }, key: "k1" });
  outbox.add({ name: "comment:4", url: "/api/cards/4/comments/", body: { body: "second" }, key: "k2" });
  server.down = 503; // the server restarts: the first gets the proxy's answer...
  const send = server.fetch;
  server.fetch = async (...args) => { const answer = await send(...args); server.down = null; return answer; };
  await outbox.flush(); // ...and the second, which would get through now, waits behind it
  assert.deepEqual(server.stored, []);
  assert.deepEqual(outbox.all().map((i) => i.name), ["card", "comment:4"]);
  await outbox.flush();
  assert.deepEqual(server.stored.map((c) => c.body), ["first", "second"]);
  assert.deepEqual(outcome.sent.map(([name]) => name), ["card", "comment:4"]);
});

test("a newer write from the same form takes the older one's place", async () => {
  const { outbox } = setUp();
  outbox.add({ name: "card", url: "/c/", body: { body: "draft 1" }, key: "k" });
  outbox.add({ name: "comment:1", url: "/m/", body: { body: "hi" }, key: "m" });
  outbox.add({ name: "card", url: "/c/", body: { body: "draft 2" }, key: "k" });
  assert.deepEqual(outbox.all().map((i) => i.body.body), ["hi", "draft 2"]);
});

test("a write refused meanwhile (the board was locked) leaves the outbox with the server's message", async () => {
  const { server, outbox, outcome } = setUp();
  outbox.add({ name: "comment:4", url: "/api/cards/4/comments/", body: { body: "too late" }, key: "k1" });
  outbox.add({ name: "card", url: "/api/boards/1/cards/", body: { body: "still fine" }, key: "k2" });
  server.refuse = { url: "/api/cards/4/comments/", detail: "The board is locked: no new comments." };
  await outbox.flush();
  assert.deepEqual(outcome.failed, [["comment:4", "The board is locked: no new comments."]]);
  assert.deepEqual(outcome.sent, [["card", 1]]);
  assert.deepEqual(outbox.all(), []);
  await outbox.flush();
  assert.equal(server.requests.length, 2); // the refused one is not sent again
});

test("the outbox survives a reload: a new outbox on the same storage finds the write", async () => {
  const storage = memoryStorage();
  const first = createOutbox({ storage, storageKey: "codesign:outbox:1", send: async () => ({}) });
  first.add({ name: "card", url: "/c/", body: { body: "x" }, key: "k" });
  const sent = [];
  const second = createOutbox({ storage, storageKey: "codesign:outbox:1", send: async (item) => sent.push(item.key) });
  await second.flush();
  assert.deepEqual(sent, ["k"]);
  assert.equal(storage.getItem("codesign:outbox:1"), null);
});
