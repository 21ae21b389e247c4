// One editor with the npm y-websocket client, as a browser runs it: connects to the draft socket,
// types "ў" between two markers of the text (a passage and its edges) for a while, then waits for
// quiet and prints the text it ends with.
// Usage: node client.mjs <ws server url> <board id> <token> <text before> <text after> <ms of typing>
import WebSocket from "ws";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";

const [server, room, token, before, after, typingMs] = process.argv.slice(2);
const doc = new Y.Doc();
const text = doc.getText("draft");
const provider = new WebsocketProvider(server, room, doc, { WebSocketPolyfill: WebSocket, params: { token }, disableBc: true });
const refusals = [];
provider.messageHandlers[2] = (_encoder, decoder) => { refusals.push("refused"); };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
await new Promise((resolve) => provider.once("sync", resolve));
const started = Date.now();
let typed = 0;
while (Date.now() - started < Number(typingMs)) {
  const value = text.toString();
  const from = value.indexOf(before) + before.length;
  const to = value.indexOf(after, from);
  text.insert(from + Math.floor(Math.random() * (to - from + 1)), "ў");
  typed += 1;
  await sleep(15);
}
// Quiet: the text has not changed for a second.
let last = text.toString();
for (let quiet = 0; quiet < 10;) {
  await sleep(100);
  const now = text.toString();
  quiet = now === last ? quiet + 1 : 0;
  last = now;
}
process.stdout.write(JSON.stringify({ text: text.toString(), typed, refusals: refusals.length }));
provider.destroy();
process.exit(0);
