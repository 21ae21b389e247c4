// Times as the viewer reads them: in their own zone (the one they chose, or the device's), in the
// page's language, with the workspace's zone beside it when the two differ at that moment.

const html = document.documentElement;
// One digit system on a page: Latin digits in every language, as the server writes its numbers
// (Intl alone would write Dari times in Persian digits beside the server's Latin ones).
const lang = `${html.lang || "en"}-u-nu-latn`;
const device = Intl.DateTimeFormat().resolvedOptions().timeZone;
const viewerZone = html.dataset.viewerTz || device;
const workspaceZone = html.dataset.workspaceTz || "";
const workspaceZoneName = html.dataset.workspaceTzName || workspaceZone.replace("_", " "); // "Бишкек"

function formatter(zone, options) {
  try {
    return new Intl.DateTimeFormat(lang, { ...options, timeZone: zone });
  } catch {
    return new Intl.DateTimeFormat(lang, options); // an unknown zone: the device's
  }
}

const DAY_TIME = { weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const TIME = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
const DATE_TIME = { ...DAY_TIME, day: "numeric", month: "short" };

function dayOf(zone, date) {
  return formatter(zone, { year: "numeric", month: "numeric", day: "numeric" }).format(date);
}

function offsetOf(zone, date) {
  const part = formatter(zone, { timeZoneName: "longOffset" }).formatToParts(date).find((p) => p.type === "timeZoneName");
  return part ? part.value : zone;
}

/** "Sat 14:05", or "Sat 14:05 (13:35 Kabul)" when the workspace's zone differs; with
 * `day: "unless-today"`, "14:05" today and "Sat 7 Nov, 14:05" on any other day. */
export function formatTime(iso, { day = true } = {}) {
  const date = new Date(iso);
  if (day === "unless-today") day = dayOf(viewerZone, date) === dayOf(viewerZone, new Date()) ? false : "date";
  const own = formatter(viewerZone, day === "date" ? DATE_TIME : day ? DAY_TIME : TIME).format(date);
  if (!workspaceZone || offsetOf(workspaceZone, date) === offsetOf(viewerZone, date)) return own;
  const there = formatter(workspaceZone, TIME).format(date);
  return `${own} (${there} ${workspaceZoneName})`;
}
