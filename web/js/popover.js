// The passage of a citation marker: shown on hover or focus, pinned by a click or a tap.
// It sits in the page right after its marker, so Tab goes from the marker into it.

import { el, icon } from "./dom.js";
import { answers, prettySection } from "./answer.js";

const box = el("span", { class: "popover", id: "popover", role: "dialog", hidden: true });
let owner = null;
let pinned = false;
let hideTimer = 0;
let quiet = false;
let openDocument = () => {};

export const popover = box;

/** What "문서에서 보기" does: open(citation, marker). */
export function onOpenDocument(open) {
  openDocument = open;
}

export function citationOf(button) {
  const li = button.closest(".msg-bot");
  const data = li && answers.get(li);
  const n = Number(button.dataset.n);
  return data ? data.citations.find((c) => c.n === n) : undefined;
}

/** The passage with the sentences the summary used marked. */
function passageNodes(c) {
  const nodes = [];
  let at = 0;
  for (const s of [...c.sentences].sort((a, b) => a.start - b.start)) {
    const a = s.start - c.start;
    const b = s.end - c.start;
    if (a < at || b > c.passage.length) continue;
    if (a > at) nodes.push(c.passage.slice(at, a));
    nodes.push(el("mark", { text: c.passage.slice(a, b) }));
    at = b;
  }
  if (at < c.passage.length) nodes.push(c.passage.slice(at));
  return nodes;
}

export function isOpen() {
  return !box.hidden && owner !== null;
}

export function show(button, pin) {
  const c = citationOf(button);
  if (!c) return;
  clearTimeout(hideTimer);
  if (owner && owner !== button) owner.setAttribute("aria-expanded", "false");
  const same = owner === button;
  owner = button;
  pinned = pin || (pinned && same);
  button.setAttribute("aria-expanded", "true");
  if (!same || box.hidden) {
    const open = el("button", { type: "button", class: "btn btn-ghost open-doc" }, "문서에서 보기");
    open.addEventListener("click", () => openDocument(c, button));
    const close = el("button", { type: "button", class: "btn btn-ghost icon pop-close", "aria-label": "출처 닫기" }, icon("close", 16));
    close.addEventListener("click", () => closeAndReturn());
    box.replaceChildren(
      el("span", { class: "pop-head" }, el("span", {}, el("strong", { text: `[${c.n}] ${c.title}` }), c.section ? ` › ${prettySection(c.section)}` : ""), close),
      el("span", { class: "passage" }, passageNodes(c)),
      el("span", { class: "pop-actions" }, open),
    );
    box.setAttribute("aria-label", `출처 ${c.n}: ${c.title}`);
    button.after(box);
  }
  box.hidden = false;
  place();
}

/** Below or above the marker, never over its line; on a phone, a sheet at the bottom with the
 * marker scrolled above it. */
export function place() {
  if (!owner || box.hidden) return;
  const margin = 8;
  box.style.top = box.style.left = box.style.bottom = "";
  if (window.innerWidth <= 600) {
    box.classList.add("sheet");
    const sheetTop = box.getBoundingClientRect().top;
    const r = owner.getBoundingClientRect();
    const thread = owner.closest(".thread");
    if (thread && r.bottom > sheetTop - margin) {
      quiet = true;
      thread.scrollTop += r.bottom - sheetTop + 3 * margin;
      requestAnimationFrame(() => { quiet = false; });
    }
    return;
  }
  box.classList.remove("sheet");
  const r = owner.getBoundingClientRect();
  const p = box.getBoundingClientRect();
  let top = r.bottom + margin;
  if (top + p.height > window.innerHeight - margin) top = Math.max(margin, r.top - p.height - margin);
  const left = Math.min(Math.max(12, r.left - 24), window.innerWidth - p.width - 12);
  box.style.top = `${top}px`;
  box.style.left = `${Math.max(12, left)}px`;
}

export function close() {
  clearTimeout(hideTimer);
  if (owner) owner.setAttribute("aria-expanded", "false");
  owner = null;
  pinned = false;
  box.hidden = true;
}

/** Close, and put the focus back on the marker without opening the popover again. */
export function closeAndReturn() {
  const back = owner;
  close();
  if (back && document.contains(back)) focusQuietly(back);
}

export function focusQuietly(node) {
  quiet = true;
  node.focus();
  quiet = false;
}

function hideSoon() {
  if (pinned) return;
  clearTimeout(hideTimer);
  hideTimer = setTimeout(close, 220);
}

/** Wire the markers of the thread `list` (delegated events). */
export function attach(list, thread) {
  list.addEventListener("click", (e) => {
    const cite = e.target.closest(".cite");
    if (!cite) return;
    if (owner === cite && pinned) close();
    else show(cite, true);
  });
  list.addEventListener("mouseover", (e) => {
    const cite = e.target.closest(".cite");
    if (cite && !pinned) show(cite, false);
    else if (box.contains(e.target)) clearTimeout(hideTimer);
  });
  list.addEventListener("mouseout", (e) => {
    if (e.target.closest(".cite") || box.contains(e.target)) {
      if (!box.contains(e.relatedTarget) && e.relatedTarget !== owner) hideSoon();
    }
  });
  list.addEventListener("focusin", (e) => {
    const cite = e.target.closest(".cite");
    if (cite && !quiet && !(pinned && owner === cite)) show(cite, pinned && owner === cite);
    if (box.contains(e.target)) clearTimeout(hideTimer);
  });
  list.addEventListener("focusout", (e) => {
    const from = e.target;
    if ((from.closest(".cite") || box.contains(from)) && !box.contains(e.relatedTarget) && e.relatedTarget !== owner) hideSoon();
  });
  document.addEventListener("click", (e) => {
    if (!box.hidden && !box.contains(e.target) && !e.target.closest(".cite")) close();
  });
  thread.addEventListener("scroll", () => {
    if (quiet) return;
    if (pinned && owner) place();
    else if (owner) close();
  }, { passive: true });
  window.addEventListener("resize", place);
}
