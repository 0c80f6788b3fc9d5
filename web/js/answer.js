// One answer card: notes, the summary with its citation markers, sources, follow-up questions,
// rating and copy. Abstentions get one calm message and questions the documents can answer.

import { el, icon, toast } from "./dom.js";

const MARKER = /\s?\[(\d+)\]/g;

/** Each rendered answer's data, by its list item. */
export const answers = new WeakMap();

export function prettySection(section) {
  return section ? section.split(" > ").join(" › ") : "";
}

export function sourceLabel(c) {
  return c.section ? `${c.title} › ${prettySection(c.section)}` : c.title;
}

export function addUserMessage(list, text) {
  const li = el("li", { class: "msg msg-user" }, el("div", { class: "bubble", text }));
  list.append(li);
  return li;
}

/** An empty answer card with a pending line; returns its parts. */
export function addBotMessage(list, pending = "관련 문서를 찾는 중") {
  const notes = el("div", { class: "notes" });
  const summary = el("div", { class: "summary" }, el("p", { class: "pending", text: pending }));
  const sources = el("div", { class: "sources-slot" });
  const more = el("div", { class: "suggest-slot" });
  const actions = el("div", { class: "actions" });
  const card = el("article", { class: "card", "aria-label": "답변" }, notes, summary, sources, more, actions);
  const li = el("li", { class: "msg msg-bot" }, card);
  list.append(li);
  answers.set(li, { citations: [] });
  return { li, card, notes, summary, sources, more, actions };
}

function note(kind, mark, ...content) {
  return el("div", { class: `note note-${kind}` }, el("span", { class: "icon", "aria-hidden": "true", text: mark }), el("div", {}, ...content));
}

export function renderNotes(view, answer) {
  const items = [];
  if (answer.notice) items.push(note("info", "i", answer.notice));
  if (answer.query && answer.query !== answer.question && !answer.abstained) {
    const turn = answer.drew_on_turn ? ` (${answer.drew_on_turn}번째 질문에 이어서)` : "";
    items.push(note("followup", "↪", "앞의 대화에 이어지는 질문으로 보고 이렇게 찾았습니다: ", el("q", { class: "searched", text: answer.query }), turn));
  }
  if (answer.caution && !answer.abstained) items.push(note("caution", "!", answer.caution));
  view.notes.replaceChildren(...items);
}

export function citeButton(n) {
  return el("button", { type: "button", class: "cite", "data-n": String(n), "aria-label": `출처 ${n} 보기`, "aria-expanded": "false", text: String(n) });
}

/** A line of summary text with its markers [n] turned into citation buttons. */
function withMarkers(text) {
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(MARKER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push("\u00a0", citeButton(Number(m[1])));
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

function summaryLine(line) {
  const cls = /^\s*(\d+\.|[-•])\s/.test(line) ? "item" : /[:：]\s*$/.test(line) ? "lead" : undefined;
  return el("p", { class: cls }, withMarkers(line));
}

function renderSummary(view, answer) {
  view.summary.classList.remove("streaming");
  const lines = answer.summary.split("\n").filter((l) => l.trim());
  view.summary.replaceChildren(...(answer.abstained ? lines.map((l) => el("p", { text: l.replace(MARKER, "") })) : lines.map(summaryLine)));
}

export function appendSentence(view, sentence) {
  if (!view.summary.classList.contains("streaming")) {
    view.summary.classList.add("streaming");
    view.summary.replaceChildren();
  }
  view.summary.append(el("p", {}, sentence.text, "\u00a0", citeButton(sentence.citation)));
}

function sourceItem(c) {
  return el(
    "li",
    {},
    el(
      "button",
      { type: "button", class: "source", "data-n": String(c.n), title: `${sourceLabel(c)} — 문서에서 보기` },
      el("span", { class: "n", text: String(c.n) }),
      el("span", { class: "where" }, el("span", { class: "title", text: c.title }), c.section ? el("span", { class: "section", text: prettySection(c.section) }) : null),
    ),
  );
}

/** Cited passages the summary uses first; the other retrieved passages folded away. */
export function renderSources(view, answer) {
  answers.set(view.li, { citations: answer.citations || [], answer });
  if (answer.abstained || !(answer.citations || []).length) {
    view.sources.replaceChildren();
    return;
  }
  let used = answer.citations.filter((c) => c.sentences.length);
  let more = answer.citations.filter((c) => !c.sentences.length);
  if (!used.length) [used, more] = [more, []];
  const parts = [el("div", { class: "sources-head" }, el("h3", { text: "출처" })), el("ol", {}, used.map(sourceItem))];
  if (more.length) {
    parts.push(el("details", { class: "more" }, el("summary", { text: `관련 구절 ${more.length}개 더 보기` }), el("ol", {}, more.map(sourceItem))));
  }
  view.sources.replaceChildren(el("div", { class: "sources" }, parts));
}

/** Questions to send next: suggestions after an abstention, follow-ups after an answer. */
function renderSuggestions(view, answer) {
  const abstained = Boolean(answer.abstained);
  const questions = (abstained ? answer.suggestions : answer.followups) || [];
  if (!questions.length) {
    view.more.replaceChildren();
    return;
  }
  const title = abstained ? "이런 질문은 어떨까요?" : "이어서 물어보기";
  view.more.replaceChildren(
    el(
      "div",
      { class: abstained ? "suggestions" : "suggestions followups" },
      el("h3", { text: title }),
      el("ul", { class: "chips" }, questions.map((q) => el("li", {}, el("button", { type: "button", class: "chip ask", text: q })))),
    ),
  );
}

function answerText(answer) {
  const out = [answer.summary];
  if (answer.citations.length) out.push("", "출처");
  for (const c of answer.citations) {
    out.push(`[${c.n}] ${sourceLabel(c)}`);
    out.push("    " + c.passage.replace(/\s+/g, " "));
  }
  return out.join("\n");
}

async function copyAnswer(answer) {
  const text = answerText(answer);
  try {
    await navigator.clipboard.writeText(text);
  } catch (_) {
    const area = el("textarea", { class: "visually-hidden", "aria-hidden": "true", tabindex: "-1" });
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  toast("답변과 출처를 복사했습니다.");
}

/** The rating buttons and the optional comment of one answer. */
function feedbackBox(answer, feedback, rate) {
  const box = el("div", { class: "feedback" });
  const current = { rating: feedback ? feedback.rating : null, comment: feedback ? feedback.comment : null };
  const up = el("button", { type: "button", class: "btn btn-ghost icon rate", "data-rating": "up", "aria-label": "도움이 됐어요", "aria-pressed": "false", title: "도움이 됐어요" }, icon("up"));
  const down = el("button", { type: "button", class: "btn btn-ghost icon rate", "data-rating": "down", "aria-label": "도움이 안 됐어요", "aria-pressed": "false", title: "도움이 안 됐어요" }, icon("down"));
  const form = el("form", { class: "comment", hidden: true });
  const fieldId = `comment-${answer.session_id || "s"}-${answer.turn}`;
  const label = el("label", { for: fieldId, text: "의견을 남겨 주세요 (선택)" });
  const field = el("textarea", { id: fieldId, rows: "2", maxlength: "1000" });
  const save = el("button", { type: "submit", class: "btn btn-primary small", text: "의견 보내기" });
  const skip = el("button", { type: "button", class: "btn btn-ghost small", text: "닫기" });
  form.append(label, field, el("div", { class: "comment-actions" }, skip, save));
  const show = () => {
    up.setAttribute("aria-pressed", String(current.rating === "up"));
    down.setAttribute("aria-pressed", String(current.rating === "down"));
  };
  async function choose(rating) {
    const next = current.rating === rating ? null : rating;
    try {
      await rate(answer, next, next ? current.comment : null);
    } catch (err) {
      toast(err.message);
      return;
    }
    current.rating = next;
    show();
    form.hidden = !next;
    if (next) {
      field.value = current.comment || "";
      toast("평가를 저장했습니다. 고맙습니다.");
    }
  }
  up.addEventListener("click", () => choose("up"));
  down.addEventListener("click", () => choose("down"));
  skip.addEventListener("click", () => { form.hidden = true; });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const comment = field.value.trim() || null;
    try {
      await rate(answer, current.rating, comment);
    } catch (err) {
      toast(err.message);
      return;
    }
    current.comment = comment;
    form.hidden = true;
    toast("의견을 저장했습니다. 고맙습니다.");
  });
  show();
  box.append(el("div", { class: "rate-row" }, up, down), form);
  return box;
}

/** Rating and copy under an answer; nothing under an abstention. */
function renderActions(view, answer, feedback, rate) {
  if (answer.abstained) {
    view.actions.replaceChildren();
    return;
  }
  const copy = el("button", { type: "button", class: "btn btn-ghost copy", title: "답변과 출처를 복사" }, "복사");
  copy.addEventListener("click", () => copyAnswer(answer));
  const parts = [];
  if (answer.session_id && answer.turn) parts.push(feedbackBox(answer, feedback, rate));
  parts.push(copy);
  view.actions.replaceChildren(...parts);
}

export function renderAnswer(view, answer, { feedback = null, rate } = {}) {
  view.li.classList.toggle("abstained", Boolean(answer.abstained));
  renderNotes(view, answer);
  renderSummary(view, answer);
  renderSources(view, answer);
  renderSuggestions(view, answer);
  renderActions(view, answer, feedback, rate);
  view.li.dataset.turn = answer.turn || "";
}

/** A failed answer: the Korean message and a button that asks again. */
export function renderError(view, err, retry) {
  const again = el("button", { type: "button", class: "btn btn-ghost retry" }, icon("retry", 16), "다시 시도");
  again.addEventListener("click", retry);
  view.li.classList.add("failed");
  view.notes.replaceChildren(note("error", "!", el("p", { text: err.message }), again));
  view.summary.replaceChildren();
  view.sources.replaceChildren();
  view.more.replaceChildren();
  view.actions.replaceChildren();
  return again;
}
