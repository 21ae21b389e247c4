// Small helpers every script of the site shares: building elements, filling "%(name)s" templates
// (the server's translated strings), and showing a count of seconds as a clock.

/** el("button", { class: "button", text: "Go", onclick: go }, child…) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    // Through the DOM, not a style="" attribute: the Content-Security-Policy refuses inline styles.
    else if (key === "style") node.style.cssText = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

export function format(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
}

/** format() into an element, each value in its own <bdi>: a Latin name in a Dari sentence (or a
 * Dari title in an English one) keeps its place, and the sentence's punctuation stays its own. */
export function formatInto(node, template, values) {
  node.replaceChildren();
  let last = 0;
  for (const match of template.matchAll(/%\((\w+)\)s/g)) {
    node.append(template.slice(last, match.index));
    const bdi = document.createElement("bdi");
    bdi.textContent = values[match[1]] ?? "";
    node.append(bdi);
    last = match.index + match[0].length;
  }
  node.append(template.slice(last));
  return node;
}

/** A text people gave in several languages (workspace/translations.py): in the page's language,
 * else its base language ("fa" for "fa-af"), else the text as given. */
export function localized(obj, field) {
  const lang = document.documentElement.lang.toLowerCase();
  const texts = obj.translations || {};
  return texts[lang]?.[field] || texts[lang.split("-")[0]]?.[field] || obj[field];
}

/** 1:02:03, or 2:03 under an hour. */
export function clock(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}
