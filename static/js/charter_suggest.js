// Reading the published charter, a member selects words of a section and proposes a change to
// them: the amendment lands on that section's board (drafts/api.py), found there in its draft.

import { api } from "./room.js";

// The suggestion box is on the page only once a version is published (templates/charter/page.html).
const box = document.querySelector("[data-charter-suggest]");
if (box) setUp(box);

function setUp(box) {
  const openButton = box.querySelector("[data-charter-suggest-open]");
  const form = box.querySelector("[data-charter-suggest-form]");
  const originalEl = form.querySelector("[data-charter-suggest-original]");
  const proposedEl = form.querySelector("[data-charter-suggest-proposed]");
  const reasonEl = form.querySelector("[data-charter-suggest-reason]");
  const errorEl = form.querySelector("[data-charter-suggest-error]");
  const sent = box.querySelector("[data-charter-suggest-sent]");

  let chosen = null; // { board, text }

  function selectedInSection() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    const start = range.startContainer.parentElement?.closest("[data-suggest-board]");
    const end = range.endContainer.parentElement?.closest("[data-suggest-board]");
    const text = selection.toString().trim();
    if (!start || start !== end || !text) return null; // one section at a time
    return { board: Number(start.dataset.suggestBoard), text, section: start };
  }

  // The button follows the selection: it appears under the section whose words are selected.
  document.addEventListener("selectionchange", () => {
    if (!form.hidden) return;
    const found = selectedInSection();
    if (!found) return;
    chosen = found;
    found.section.after(box);
    box.hidden = false;
    sent.hidden = true;
  });

  openButton.addEventListener("click", () => {
    if (!chosen) return;
    originalEl.textContent = chosen.text;
    proposedEl.value = chosen.text;
    reasonEl.value = "";
    errorEl.textContent = "";
    form.hidden = false;
    openButton.hidden = true;
    proposedEl.focus();
  });

  form.querySelector("[data-charter-suggest-cancel]").addEventListener("click", () => {
    form.hidden = true;
    openButton.hidden = false;
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errorEl.textContent = "";
    try {
      await api("POST", `/api/boards/${chosen.board}/amendments/`, {
        original: chosen.text, proposed: proposedEl.value, reason: reasonEl.value,
      });
      form.hidden = true;
      openButton.hidden = false;
      box.hidden = false;
      sent.hidden = false;
      sent.focus?.();
    } catch (err) {
      errorEl.textContent = err.message;
    }
  });
}
