// Chat page of the Korean document Q&A assistant: ES modules, no build step, no CDN.
//
// app.js           sending (one question at a time, the others queued), conversations, keys
// js/api.js        the HTTP API; errors as Korean messages (never the browser's own)
// js/answer.js     an answer card: summary with markers, sources, suggestions, rating, copy
// js/popover.js    a marker's passage, placed after its marker so that Tab reaches it
// js/viewer.js     the cited document in a modal dialog: paragraphs, headings, tables
// js/history.js    the conversation list (resume, rename, export, delete)
// js/status.js     the header's line about the server (polls /healthz)
// js/dom.js        element, icon, toast and focus helpers

import { $, announce, el, toast } from "./js/dom.js";
import { chatStream, request, sessionPath } from "./js/api.js";
import { addBotMessage, addUserMessage, appendSentence, renderAnswer, renderError, renderNotes, renderSources } from "./js/answer.js";
import * as popover from "./js/popover.js";
import * as viewer from "./js/viewer.js";
import * as status from "./js/status.js";
import * as history from "./js/history.js";

const SESSION_KEY = "assistant.session";

const ui = {
  app: $("app"),
  thread: $("thread"),
  loading: $("loading"),
  welcome: $("welcome"),
  messages: $("messages"),
  composer: $("composer"),
  input: $("input"),
  send: $("send"),
  hint: $("hint"),
  newChat: $("new-chat"),
};
const HINT = ui.hint.textContent;

let sessionId = localStorage.getItem(SESSION_KEY);
/** Questions waiting for the answer being received, or for the server to be ready. */
const queue = [];
let busy = false;

// ------------------------------------------------------------------ session

function setSession(id) {
  sessionId = id;
  if (id) localStorage.setItem(SESSION_KEY, id);
  else localStorage.removeItem(SESSION_KEY);
  history.setCurrent(id);
}

function clearThread() {
  popover.close();
  viewer.closeViewer();
  ui.messages.replaceChildren();
  ui.welcome.hidden = false;
}

function newConversation() {
  if (busy || queue.length) {
    toast("답변을 받는 중입니다. 끝난 뒤에 새 대화를 시작할 수 있습니다.");
    return;
  }
  setSession(null);
  clearThread();
  ui.input.value = "";
  autosize();
  ui.input.focus();
  announce("새 대화를 시작합니다.");
}

async function rate(answer, rating, comment) {
  const path = sessionPath(answer.session_id, `/turns/${answer.turn}/feedback`);
  if (rating) await request(path, { method: "PUT", body: { rating, comment } });
  else await request(path, { method: "DELETE" });
}

/** Show a stored conversation; false when it is gone. */
async function showConversation(id, { quietly = false } = {}) {
  try {
    const data = await request(sessionPath(id));
    clearThread();
    setSession(id);
    const ratings = new Map((data.feedback || []).map((f) => [f.turn, f]));
    for (const answer of data.turns) {
      addUserMessage(ui.messages, answer.question);
      const view = addBotMessage(ui.messages);
      renderAnswer(view, answer, { feedback: ratings.get(answer.turn), rate });
      view.li.dataset.stage = "done";
    }
    if (data.turns.length) {
      ui.welcome.hidden = true;
      const asked = ui.messages.querySelectorAll(".msg-user");
      revealTurn(asked[asked.length - 1]);
    }
    if (!quietly) announce(`대화 “${data.title || ""}”를 불러왔습니다.`);
    return true;
  } catch (err) {
    if (err.status === 404) {
      if (id === sessionId) setSession(null);
      toast("이전 대화가 만료되어 새 대화를 시작합니다.");
    } else {
      toast(err.message);
    }
    return false;
  }
}

async function openConversation(id) {
  if (busy || queue.length) {
    toast("답변을 받는 중입니다. 끝난 뒤에 다른 대화를 열 수 있습니다.");
    return;
  }
  if (await showConversation(id)) ui.input.focus();
}

// ------------------------------------------------------------------ sending

/** Scroll so that a question sits at the top with its answer below it. */
function revealTurn(userLi) {
  ui.thread.scrollTop = Math.max(0, userLi.offsetTop - 16);
}

function autosize() {
  ui.input.style.height = "auto";
  ui.input.style.height = `${Math.min(ui.input.scrollHeight + 2, window.innerHeight * 0.4)}px`;
}

/** The send button and the hint say what happens to a question sent now. */
function showWaiting() {
  const loading = status.state === "loading";
  ui.loading.hidden = !loading;
  let label = "보내기";
  let hint = HINT;
  if (busy) {
    label = "보내기 (앞 답변이 끝나면 보냅니다)";
    hint = "답변을 받는 중입니다. 지금 보내는 질문은 이 답변이 끝나면 이어서 보냅니다.";
  } else if (loading) {
    label = "보내기 (준비되면 보냅니다)";
    hint = "모델과 색인을 불러오는 중입니다. 지금 보내는 질문은 준비되는 대로 보냅니다.";
  }
  ui.send.setAttribute("aria-label", label);
  ui.send.title = label;
  ui.send.dataset.waiting = busy ? "answer" : loading ? "loading" : "";
  ui.hint.textContent = hint;
  ui.hint.classList.toggle("waiting", busy || loading);
}

function enqueue(text) {
  const message = text.trim();
  if (!message) return;
  ui.welcome.hidden = true;
  ui.input.value = "";
  autosize();
  const userLi = addUserMessage(ui.messages, message);
  const waiting = busy || status.state === "loading";
  const why = busy ? "앞 질문의 답변이 끝나면 보냅니다" : "서버가 준비되면 보냅니다";
  const view = addBotMessage(ui.messages, waiting ? why : "관련 문서를 찾는 중");
  if (waiting) view.li.dataset.stage = "queued";
  queue.push({ message, userLi, view });
  revealTurn(userLi);
  pump();
}

/** Send the next question when nothing is being received and the server can answer. */
async function pump() {
  if (busy || !queue.length || status.state === "loading") {
    showWaiting();
    return;
  }
  const job = queue.shift();
  busy = true;
  showWaiting();
  await ask(job);
  busy = false;
  showWaiting();
  pump();
}

async function ask({ message, userLi, view }) {
  view.li.dataset.stage = "asking";
  view.summary.replaceChildren(el("p", { class: "pending", text: "관련 문서를 찾는 중" }));
  view.li.classList.remove("failed");
  view.notes.replaceChildren();
  try {
    await chatStream(message, sessionId, {
      citations(meta) {
        if (meta.session_id) setSession(meta.session_id);
        renderNotes(view, meta);
        renderSources(view, meta);
        if (!meta.abstained) view.summary.replaceChildren(el("p", { class: "pending", text: "답변을 정리하는 중" }));
        view.li.dataset.stage = "citations";
      },
      sentence(sentence) {
        appendSentence(view, sentence);
      },
      done(answer) {
        if (answer.session_id) setSession(answer.session_id);
        renderAnswer(view, answer, { rate });
        view.li.dataset.stage = "done";
        announce(answer.summary.replace(/\s?\[\d+\]/g, ""));
        if (!queue.length) revealTurn(userLi);
      },
    });
    history.refresh();
    if (status.state !== "ok") status.check();
  } catch (err) {
    view.li.dataset.stage = "failed";
    const again = renderError(view, err, () => {
      view.notes.replaceChildren();
      view.summary.replaceChildren(el("p", { class: "pending", text: "다시 보내는 중" }));
      view.li.dataset.stage = "queued";
      queue.unshift({ message, userLi, view });
      ui.input.focus({ preventScroll: true });
      pump();
    });
    if (!queue.length) again.focus({ preventScroll: true });
    status.check();
    return;
  }
}

// ------------------------------------------------------------------ events

ui.composer.addEventListener("submit", (e) => {
  e.preventDefault();
  enqueue(ui.input.value);
});

ui.input.addEventListener("keydown", (e) => {
  // Enter while a Hangul syllable is being composed only ends the composition.
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    enqueue(ui.input.value);
  }
});
ui.input.addEventListener("input", autosize);
ui.newChat.addEventListener("click", newConversation);

// questions to send: the welcome's examples, suggestions and follow-ups under answers
ui.thread.addEventListener("click", (e) => {
  const chip = e.target.closest(".chip");
  if (chip) {
    enqueue(chip.textContent);
    return;
  }
  const source = e.target.closest(".source");
  if (source) {
    const c = popover.citationOf(source);
    if (c) viewer.openDocument(c, source);
  }
});

popover.onOpenDocument(viewer.openDocument);
popover.attach(ui.messages, ui.thread);

document.addEventListener("keydown", (e) => {
  if (e.key === "Escape") {
    if (viewer.isOpen()) return; // the dialog closes itself
    if (popover.isOpen()) {
      e.preventDefault();
      popover.closeAndReturn();
    } else if (history.isOpen()) {
      e.preventDefault();
      history.closeDrawer();
    }
  } else if (e.altKey && (e.key === "n" || e.key === "N")) {
    e.preventDefault();
    newConversation();
  }
});

let restored = false;
/** Once the server can answer: the conversation of the last visit, and the list. */
async function whenReady() {
  if (!restored) {
    restored = true;
    if (sessionId && !ui.messages.children.length) await showConversation(sessionId, { quietly: true });
  }
  history.refresh();
}

status.onChange((state) => {
  showWaiting();
  if (state === "ok") {
    whenReady();
    pump();
  }
});

history.setup({
  open: openConversation,
  deleted: () => {
    setSession(null);
    clearThread();
  },
});

async function start() {
  history.setCurrent(sessionId);
  ui.input.focus();
  await status.start();
  showWaiting();
}

start();
