// Countdowns follow the server's clock, however wrong the device's; cookies are read as set.
import assert from "node:assert/strict";
import { test } from "node:test";

import { backoffDelay, cookie, createClock } from "../../static/js/transport.js";

test("a device five minutes fast still counts down on the server's clock", () => {
  let device = Date.parse("2026-05-01T10:05:00Z"); // the server says 10:00
  const clock = createClock(() => device);
  clock.set("2026-05-01T10:00:00Z");
  assert.equal(clock.offset, -5 * 60 * 1000);
  assert.equal(clock.secondsUntil("2026-05-01T10:02:00Z"), 120);
  device += 30 * 1000;
  assert.equal(clock.secondsUntil("2026-05-01T10:02:00Z"), 90);
  assert.equal(clock.secondsUntil("2026-05-01T09:59:00Z"), -90);
});

test("a missing or unreadable server time keeps the last offset", () => {
  const device = Date.parse("2026-05-01T10:00:00Z");
  const clock = createClock(() => device);
  clock.set("2026-05-01T10:00:10Z");
  clock.set(undefined);
  clock.set("not a time");
  assert.equal(clock.offset, 10000);
});

test("reconnects wait 1 s, 2 s, 4 s ... up to 15 s, spread by 30 % either way", () => {
  const middle = () => 0.5;
  assert.deepEqual([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, middle)), [1000, 2000, 4000, 8000, 15000, 15000]);
  assert.equal(backoffDelay(0, () => 0), 700);
  assert.equal(Math.round(backoffDelay(4, () => 1)), 19500);
});

test("a cookie is read by its exact name and decoded", () => {
  const jar = "xcsrftoken=wrong; csrftoken=abc%3D1; tz=Asia%2FBishkek";
  assert.equal(cookie("csrftoken", jar), "abc=1");
  assert.equal(cookie("tz", jar), "Asia/Bishkek");
  assert.equal(cookie("sessionid", jar), "");
});
