// The conversation list: resume, rename, export as Markdown and delete a conversation.
// A drawer on narrow screens (it keeps the keyboard focus while open), a sidebar on wide ones.

import { $, el, focusables, toast, trapTab } from "./dom.js";
import { request, sessionPath } from "./api.js";

const ui = {
  nav: $("history"),
  list: $("history-list"),
  empty: $("history-empty"),
  toggle: $("history-toggle"),
  close: $("history-close"),
};
const WIDE = window.matchMedia("(min-width: 1100px)");
let current = null;
let handlers = { open() {}, deleted() {} };

export function wide() {
  return WIDE.matches;
}

export function isOpen() {
  return !wide() && ui.nav.classList.contains("open");
}

export function openDrawer() {
  if (wide()) return;
  ui.nav.classList.add("open");
  ui.toggle.setAttribute("aria-expanded", "true");
  const first = ui.list.querySelector("[aria-current] .resume") || focusables(ui.nav)[0];
  if (first) first.focus();
  refresh();
}

export function closeDrawer(returnFocus = true) {
  if (!ui.nav.classList.contains("open")) return;
  ui.nav.classList.remove("open");
  ui.toggle.setAttribute("aria-expanded", "false");
  if (returnFocus && !wide()) ui.toggle.focus();
}

function when(seconds) {
  const d = new Date(seconds * 1000);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return sameDay
    ? d.toLocaleTimeString("ko-KR", { hour: "numeric", minute: "2-digit" })
    : d.toLocaleDateString("ko-KR", { month: "long", day: "numeric" });
}

async function exportMarkdown(s) {
  try {
    const res = await request(sessionPath(s.session_id, "/export.md"), { raw: true });
    const blob = await res.blob();
    const disposition = res.headers.get("Content-Disposition") || "";
    const name = (disposition.match(/filename="?([^";]+)"?/) || [])[1] || "conversation.md";
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
    toast("대화를 Markdown 파일로 내보냈습니다.");
  } catch (err) {
    toast(err.message);
  }
}

function renameForm(li, s) {
  const id = `rename-${s.session_id}`;
  const field = el("input", { id, type: "text", value: s.title, maxlength: "100", required: true });
  const form = el(
    "form",
    { class: "rename" },
    el("label", { class: "visually-hidden", for: id, text: "대화 이름" }),
    field,
    el("button", { type: "submit", class: "btn btn-primary small", text: "저장" }),
    el("button", { type: "button", class: "btn btn-ghost small cancel", text: "취소" }),
  );
  const done = () => { render(lastList); li.querySelector(".rename-btn")?.focus(); };
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const title = field.value.trim();
    if (!title) return;
    try {
      await request(sessionPath(s.session_id), { method: "PATCH", body: { title } });
      s.title = title;
      toast("대화 이름을 바꿨습니다.");
    } catch (err) {
      toast(err.message);
    }
    done();
  });
  form.querySelector(".cancel").addEventListener("click", done);
  form.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      done();
    }
  });
  li.replaceChildren(form);
  field.focus();
  field.select();
}

function confirmDelete(li, s) {
  const yes = el("button", { type: "button", class: "btn btn-danger small", text: "삭제" });
  const no = el("button", { type: "button", class: "btn btn-ghost small", text: "취소" });
  const box = el("div", { class: "confirm", role: "group", "aria-label": "삭제 확인" }, el("span", { text: `“${s.title}” 대화를 삭제할까요?` }), el("span", { class: "confirm-actions" }, no, yes));
  yes.addEventListener("click", async () => {
    try {
      await request(sessionPath(s.session_id), { method: "DELETE" });
      toast("대화를 삭제했습니다.");
      if (s.session_id === current) handlers.deleted(s.session_id);
    } catch (err) {
      toast(err.message);
    }
    await refresh();
    (ui.list.querySelector(".resume") || ui.close).focus();
  });
  no.addEventListener("click", () => { render(lastList); li.querySelector(".delete")?.focus(); });
  box.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      no.click();
    }
  });
  li.replaceChildren(box);
  no.focus();
}

function item(s) {
  const li = el("li", { class: "conv", "data-session": s.session_id, "aria-current": s.session_id === current ? "true" : undefined });
  const resume = el(
    "button",
    { type: "button", class: "resume" },
    el("span", { class: "conv-title", text: s.title }),
    el("span", { class: "conv-meta", text: `질문 ${s.turns}개 · ${when(s.updated)}` }),
  );
  resume.addEventListener("click", () => {
    closeDrawer(false);
    handlers.open(s.session_id);
  });
  const rename = el("button", { type: "button", class: "btn btn-ghost small rename-btn", "aria-label": `“${s.title}” 이름 바꾸기`, text: "이름" });
  const exp = el("button", { type: "button", class: "btn btn-ghost small export", "aria-label": `“${s.title}” Markdown으로 내보내기`, text: "내보내기" });
  const del = el("button", { type: "button", class: "btn btn-ghost small delete", "aria-label": `“${s.title}” 삭제`, text: "삭제" });
  rename.addEventListener("click", () => renameForm(li, s));
  exp.addEventListener("click", () => exportMarkdown(s));
  del.addEventListener("click", () => confirmDelete(li, s));
  li.append(resume, el("div", { class: "conv-actions" }, rename, exp, del));
  return li;
}

let lastList = [];
/** Show `list`; a focused control of the list keeps the focus across the update. */
function render(list) {
  lastList = list;
  const active = document.activeElement;
  const had = ui.list.contains(active) ? active.closest(".conv") : null;
  const where = had && { session: had.dataset.session, cls: active.className };
  ui.list.replaceChildren(...list.map(item));
  ui.empty.hidden = list.length > 0;
  if (where) {
    const li = [...ui.list.children].find((n) => n.dataset.session === where.session);
    const again = li && [...li.querySelectorAll("button")].find((b) => b.className === where.cls);
    (again || ui.list.querySelector(".resume") || ui.close).focus();
  }
}

/** Load the list again from the server. */
export async function refresh() {
  try {
    const data = await request("/api/sessions");
    render(data.sessions || []);
  } catch (_) {
    /* the status line already says when the server cannot be reached */
  }
}

/** Mark the conversation shown in the thread. */
export function setCurrent(id) {
  current = id;
  for (const li of ui.list.children) {
    if (li.dataset.session === id) li.setAttribute("aria-current", "true");
    else li.removeAttribute("aria-current");
  }
}

export function setup(h) {
  handlers = h;
  ui.toggle.addEventListener("click", () => (isOpen() ? closeDrawer() : openDrawer()));
  ui.close.addEventListener("click", () => closeDrawer());
  ui.nav.addEventListener("keydown", (e) => { if (isOpen()) trapTab(e, ui.nav); });
  WIDE.addEventListener("change", () => closeDrawer(false));
  // a click beside the open drawer (on its scrim) closes it
  document.addEventListener("click", (e) => {
    if (isOpen() && !ui.nav.contains(e.target) && !ui.toggle.contains(e.target)) closeDrawer();
  });
}
