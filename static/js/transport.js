// The browser's one way to the server (as Zulip's channel.ts and server_events): the API call, the
// outbox that keeps writes while the connection is down, the socket that reconnects, resumes and
// answers requests, and the server's clock. The board, room, voting and console scripts import it;
// a module runs once per URL, so every script of a page shares the same instance.
//
// Nothing runs at import time and nothing touches `window` or `document` until it is called: the
// parts that decide something (the order of events, who is here, the outbox, the back-off, the
// clock) are plain functions and objects, which tests/js/ runs in Node without a browser.

const noop = () => {};

/** A cookie's value ("" when there is none). */
export function cookie(name, cookies = globalThis.document?.cookie ?? "") {
  const match = cookies.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
  return match ? decodeURIComponent(match[1]) : "";
}

// The API ------------------------------------------------------------------------------------------

/** A call that failed: `offline` when the server was not reached (sending it again may work), else
 * refused, with the server's own message and its HTTP `status`. */
export class ApiError extends Error {
  constructor(message, { status = 0, offline = false } = {}) {
    super(message);
    this.status = status;
    this.offline = offline;
  }
}

// A proxy answering for a restarting server counts as "not reached" too: the write can wait.
const NOT_REACHED = new Set([502, 503, 504]);

/** A new Idempotency-Key, for one logical write: every retry of that write sends the same key. */
export function newKey() {
  const { crypto } = globalThis;
  return crypto?.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

/** The site's API call: JSON both ways, the CSRF token from its cookie, and `key` (when given) as
 * the Idempotency-Key: the server answers a key it has seen with its first answer, so a write sent
 * twice is stored once. Resolves with the answer's data (null for 204); rejects with an ApiError
 * whose message is `offlineText` when the server was not reached. */
export function apiClient({ offlineText, fetch: send = (...args) => globalThis.fetch(...args), csrf = () => cookie("csrftoken") }) {
  return async function api(method, url, body, { key } = {}) {
    const headers = { "Content-Type": "application/json", "X-CSRFToken": csrf() };
    if (key) headers["Idempotency-Key"] = key;
    let response;
    try {
      response = await send(url, { method, headers, credentials: "same-origin", body: body ? JSON.stringify(body) : undefined });
    } catch {
      throw new ApiError(offlineText, { offline: true });
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => ({}));
    if (NOT_REACHED.has(response.status)) throw new ApiError(offlineText, { status: response.status, offline: true });
    if (!response.ok) throw new ApiError(data.detail || response.statusText, { status: response.status });
    return data;
  };
}

/** Writes that could not be sent wait here, oldest first, in `storage` (localStorage: they survive
 * a reload). An item is { name, key, ... }: one per `name` (a form), a newer write of the same name
 * taking the older one's place, and the Idempotency-Key it was first sent with, which every retry
 * sends again. `send(item)` sends one; `sent(item, result)` and `failed(item, error)` hear the end. */
export function createOutbox({ storage, storageKey, send, sent = noop, failed = noop }) {
  let flushing = false;
  const outbox = {
    all() {
      try { return JSON.parse(storage.getItem(storageKey) || "[]"); } catch { return []; }
    },
    save(items) {
      if (items.length) storage.setItem(storageKey, JSON.stringify(items));
      else storage.removeItem(storageKey);
    },
    has: (name) => outbox.all().some((item) => item.name === name),
    add: (item) => outbox.save(outbox.all().filter((i) => i.name !== item.name).concat(item)),
    remove: (name) => outbox.save(outbox.all().filter((i) => i.name !== name)),
    /** Send what waits, in order. While the server is not reached everything waits for the next
     * try (order kept); a write the server refuses leaves the outbox, its error goes to failed(). */
    async flush() {
      if (flushing) return; // one pass at a time, or a write could go twice at once
      flushing = true;
      try {
        for (const item of outbox.all()) {
          let result;
          try {
            result = await send(item);
          } catch (err) {
            if (err.offline) break;
            outbox.remove(item.name);
            failed(item, err);
            continue;
          }
          outbox.remove(item.name);
          sent(item, result);
        }
      } finally {
        flushing = false;
      }
    },
  };
  return outbox;
}

// Ordering and presence ----------------------------------------------------------------------------

/** Stored events are numbered without gaps (`seq`). Give it frames in any order, as many times as
 * they come, and take(frame) returns each once, in order: a frame that arrives early waits for
 * those before it, and one already applied is dropped. `seq` is the last one returned. */
export function orderedStream(seq = 0) {
  const early = new Map(); // seq -> frame that arrived before its predecessors
  return {
    seq,
    take(frame) {
      if (frame.seq <= this.seq) return []; // already have it
      early.set(frame.seq, frame);
      const ready = [];
      while (early.has(this.seq + 1)) {
        const next = early.get(this.seq + 1);
        early.delete(next.seq);
        this.seq = next.seq;
        ready.push(next);
      }
      return ready;
    },
    /** Start again from a snapshot at `seq`: what waited is in it, or comes after it again. */
    reset(seqOfSnapshot) {
      this.seq = seqOfSnapshot;
      early.clear();
    },
  };
}

/** Who is here: people by member id, and the `version` of the server's list (null: unknown). */
export function presenceOf(people, version = null) {
  return { version, people: new Map(people.map((person) => [person.id, person])), ask: false };
}

/** Who is here after `frame`. A whole list (welcome, presence) takes the place of what was known;
 * a delta applies only on top of the version just before it. Any other delta (one was missed, or
 * the server started its numbers again at 1) cannot be placed: `ask` says to ask for the whole
 * list, and nothing changes meanwhile, so no delta is ever applied twice or out of order. */
export function nextPresence(presence, frame) {
  if (frame.type === "welcome") return presenceOf(frame.presence, frame.presence_version);
  if (frame.type === "presence") return presenceOf(frame.members, frame.version);
  if (presence.version === null || frame.version !== presence.version + 1) return { ...presence, ask: true };
  const people = new Map(presence.people);
  for (const id of frame.left) people.delete(id);
  for (const person of frame.arrived) people.set(person.id, person);
  return { version: frame.version, people, ask: false };
}

// The server's clock -------------------------------------------------------------------------------

/** The server's clock as this device can know it: every time the server states (`set`) gives the
 * difference to the device's clock, which every countdown then applies, so a device whose clock is
 * wrong shows what every other screen shows. */
export function createClock(deviceNow = () => Date.now()) {
  let offset = 0; // server clock minus this device's, in ms
  return {
    get offset() { return offset; },
    set(iso) {
      const at = iso ? Date.parse(iso) : NaN;
      if (!Number.isNaN(at)) offset = at - deviceNow();
    },
    /** Seconds from the server's now to `iso` (negative once it has passed). */
    secondsUntil(iso) {
      return Math.round((Date.parse(iso) - (deviceNow() + offset)) / 1000);
    },
  };
}

/** The page's one server clock: the room, the console and the voting panel set and read it. */
export const serverClock = createClock();

// The socket ---------------------------------------------------------------------------------------

/** Milliseconds before reconnect number `attempt` (0 first): doubling from 1 s up to 15 s, each
 * spread by ±30 % so a room whose server restarted does not come back all in the same second. */
export function backoffDelay(attempt, random = Math.random) {
  return Math.min(15000, 1000 * 2 ** attempt) * (0.7 + random() * 0.6);
}

/** ws:// or wss:// (as the page) to `path` on this host. */
export function socketUrl(path, where = globalThis.location) {
  return `${where.protocol === "https:" ? "wss" : "ws"}://${where.host}${path}`;
}

const OPEN = 1;
const CLOSED = 3;
const SIGNED_OUT = 4401; // here or in another tab, or the password changed
const FORBIDDEN = 4403; // not (or no longer) a member
// Frames that carry the stream's head `seq` but are not one of its events.
const SNAPSHOT_FRAMES = new Set(["welcome", "resync_required", "room"]);

/** The board's or the room's socket, kept open: it reconnects with back-off, pings to find a socket
 * that looks open but is dead, and matches answers to requests by `ref`. Stored events (frames with
 * a `seq`) go through `stream` and reach onEvent(frame) once each, in order; on every (re)connect
 * `resume(seq)` is sent with the last seq applied, so nothing is missed; onGap(frame) hears of a
 * frame that came early. Other frames go to onFrame(frame). onStatus(kind) hears "live",
 * "reconnecting" or "offline". Signed out (4401) or not a member (4403): onSignedOut() or
 * onForbidden(), and no more reconnecting, which would be refused again. */
export function liveSocket({
  url, stream = null, resume = null, lostText = "",
  onOpen = noop, onEvent = noop, onGap = noop, onFrame = noop, onStatus = noop,
  onForbidden = noop, onSignedOut = () => globalThis.location?.reload(),
  WebSocket: Socket = globalThis.WebSocket, delay = backoffDelay, online = () => globalThis.navigator?.onLine ?? true,
}) {
  const lost = (code) => Object.assign(new Error(lostText), { code });
  const socket = {
    ws: null,
    stream,
    attempts: 0,
    status: "connecting",
    stopped: false,
    heard: 0, // when the last frame arrived (Date.now())
    refs: 0,
    pending: new Map(), // ref -> { resolve, reject, timer }: requests waiting for their answer
    pingTimer: null,
    retryTimer: null,
    probeTimer: null,

    show(kind) {
      if (this.stopped) return;
      this.status = kind;
      onStatus(kind);
    },
    isOpen() {
      return Boolean(this.ws) && this.ws.readyState === OPEN;
    },
    connect() {
      this.stopped = false;
      clearTimeout(this.retryTimer);
      const ws = new Socket(url);
      this.ws = ws;
      ws.addEventListener("open", () => {
        if (ws !== this.ws) return;
        this.attempts = 0;
        this.heard = Date.now();
        this.show("live");
        if (stream && resume) this.send(resume(stream.seq));
        onOpen();
        clearInterval(this.pingTimer);
        // The server answers every ping: a socket that stays silent is dead however open it looks.
        this.pingTimer = setInterval(() => this.verify(10000), 25000);
      });
      ws.addEventListener("message", (message) => {
        if (ws !== this.ws) return; // a socket given up on (verify) may still deliver: its replacement resumes
        this.heard = Date.now();
        clearTimeout(this.probeTimer);
        if (this.status !== "live" && online()) this.show("live"); // frames flow again
        let frame;
        try { frame = JSON.parse(message.data); } catch { return; }
        if (frame.ref !== undefined && this.settle(frame.ref, frame)) return;
        if (frame.type === "pong") return; // still here
        if (stream && typeof frame.seq === "number" && !SNAPSHOT_FRAMES.has(frame.type)) {
          for (const event of stream.take(frame)) onEvent(event);
          if (frame.seq > stream.seq) onGap(frame);
          return;
        }
        onFrame(frame);
      });
      ws.addEventListener("close", (event) => {
        if (ws !== this.ws) return;
        this.drop();
        if (this.stopped) return;
        if (event.code === SIGNED_OUT || event.code === FORBIDDEN) {
          if (event.code === FORBIDDEN) this.show("offline");
          this.stopped = true;
          (event.code === SIGNED_OUT ? onSignedOut : onForbidden)();
          return;
        }
        this.show(online() ? "reconnecting" : "offline");
        this.retryTimer = setTimeout(() => this.connect(), delay(this.attempts));
        this.attempts += 1;
      });
    },
    send(frame) {
      if (this.isOpen()) this.ws.send(JSON.stringify(frame));
    },
    /** Send a frame the server answers (e.g. a dot); resolves with the answer, rejects with its
     * error (err.status, err.code), or with err.code "connection_lost" when the socket drops or no
     * answer comes in time (then it is unknown whether the server acted), or "not_connected" at
     * once when the socket is not open. */
    request(frame, timeoutMs = 15000) {
      if (!this.isOpen()) return Promise.reject(lost("not_connected"));
      this.refs += 1;
      const ref = `r${this.refs}`;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => this.settle(ref, null, "connection_lost"), timeoutMs);
        this.pending.set(ref, { resolve, reject, timer });
        this.ws.send(JSON.stringify({ ...frame, ref }));
      });
    },
    settle(ref, frame, lostCode) {
      const waiting = this.pending.get(ref);
      if (!waiting) return false;
      this.pending.delete(ref);
      clearTimeout(waiting.timer);
      if (lostCode) waiting.reject(lost(lostCode));
      else if (frame.type === "error") waiting.reject(Object.assign(new Error(frame.message), { status: frame.status, code: frame.code }));
      else waiting.resolve(frame);
      return true;
    },
    // The socket is gone: no more pings, and no answer will come to what was asked on it.
    drop() {
      clearInterval(this.pingTimer);
      clearTimeout(this.probeTimer);
      for (const ref of [...this.pending.keys()]) this.settle(ref, null, "connection_lost");
    },
    /** Is the socket still carried? A browser keeps a socket open through a short outage, and it
     * may come back working or dead: ask the server, and open a new socket unless an answer (or
     * any frame) arrives within waitMs. */
    verify(waitMs) {
      if (!this.isOpen()) return;
      const asked = Date.now();
      this.send({ type: "ping" });
      clearTimeout(this.probeTimer);
      this.probeTimer = setTimeout(() => { if (this.heard < asked) this.replace(); }, waitMs);
    },
    replace() {
      const old = this.ws;
      this.ws = null; // its late frames are ignored
      this.drop();
      try { old?.close(); } catch { /* already closing */ }
      this.attempts = 0;
      this.show(online() ? "reconnecting" : "offline");
      this.connect();
    },
    /** The network is back: check the open socket at once, or open one now rather than at the end
     * of a back-off. */
    wake() {
      if (this.stopped) return;
      this.show("reconnecting"); // until a frame shows the socket carries again
      this.attempts = 0;
      if (this.isOpen()) this.verify(1500);
      else if (!this.ws || this.ws.readyState === CLOSED) this.connect();
    },
    /** No more reconnecting, pings or status: the page is done with this socket. */
    stop() {
      this.stopped = true;
      clearTimeout(this.retryTimer);
      this.drop();
      const old = this.ws;
      this.ws = null;
      try { old?.close(); } catch { /* already closing */ }
    },
  };
  globalThis.addEventListener?.("offline", () => socket.show("offline"));
  globalThis.addEventListener?.("online", () => socket.wake());
  return socket;
}
