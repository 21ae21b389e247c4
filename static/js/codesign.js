// Small behaviours shared by every page. No framework; works without it too.

import { cookie } from "./transport.js";

// Tell the server the browser's time zone, so times are shown in the viewer's own zone.
// A page that shows times (data-times) reloads once when the zone was not yet known.
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
const cookieZone = cookie("tz");
if (zone && zone !== cookieZone) {
  document.cookie = `tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
  const stored = document.cookie.includes(`tz=${encodeURIComponent(zone)}`);
  if (stored && document.documentElement.dataset.times) {
    location.reload();
  }
}

// Invitation links: one click selects the whole link for copying.
for (const input of document.querySelectorAll("[data-select-on-focus]")) {
  input.addEventListener("focus", () => input.select());
}

// Copy buttons (links given by other channels: messengers are common in the region): copy the
// value of the field they name and say so; where the clipboard is refused, select it instead.
for (const button of document.querySelectorAll("[data-copy]")) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(field.value);
      button.textContent = button.dataset.copied;
      setTimeout(() => { button.textContent = label; }, 2000);
    } catch {
      field.focus();
      field.select();
    }
  });
}

// The language switcher switches as soon as a language is chosen; its button is for pages
// without scripts.
for (const form of document.querySelectorAll(".language-switch")) {
  const select = form.querySelector("select");
  const initial = select.value;
  form.querySelector("button").hidden = true;
  select.addEventListener("change", () => { if (select.value !== initial) form.requestSubmit(); });
}

// The top bar's menu (language and account) is a menu on phones; wider, its content sits in the bar.
const menu = document.querySelector("[data-topbar-menu]");
if (menu) {
  const wide = window.matchMedia("(min-width: 761px)");
  const fit = () => { menu.open = wide.matches; };
  fit();
  wide.addEventListener("change", fit);
}

// A word a page leaves for the next one, shown there once (a member removed from a workspace while
// its board was open is taken home and told so there; nothing from the server says it to anyone).
const notice = sessionStorage.getItem("codesign:notice");
const main = document.getElementById("main");
if (notice && main && !document.querySelector("[data-board]")) {
  sessionStorage.removeItem("codesign:notice");
  let list = main.querySelector(":scope > .messages");
  if (!list) {
    list = document.createElement("ul");
    list.className = "messages";
    list.setAttribute("role", "status");
    main.prepend(list);
  }
  const item = document.createElement("li");
  item.className = "message message--warning";
  item.dir = "auto";
  item.textContent = notice;
  list.append(item);
}
