// Chat page of the Korean document Q&A assistant: plain JavaScript, no build step, no CDN.
"use strict";

(() => {
  const SESSION_KEY = "assistant.session";
  const API_KEY = "assistant.apiKey";
  const MARKER = /\s?\[(\d+)\]/g;

  const $ = (id) => document.getElementById(id);
  const ui = {
    status: $("status"),
    thread: $("thread"),
    welcome: $("welcome"),
    messages: $("messages"),
    composer: $("composer"),
    input: $("input"),
    send: $("send"),
    newChat: $("new-chat"),
    popover: $("popover"),
    viewer: $("viewer"),
    viewerTitle: $("viewer-title"),
    viewerSection: $("viewer-section"),
    viewerBody: $("viewer-body"),
    viewerClose: $("viewer-close"),
    scrim: $("scrim"),
    toast: $("toast"),
  };

  /** Citations of each rendered answer, by its list item. */
  const answers = new WeakMap();
  const documents = new Map();
  let sessionId = localStorage.getItem(SESSION_KEY);
  let busy = false;

  // ------------------------------------------------------------------ DOM helpers

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  /** Scroll so that a question sits at the top with its answer below it. */
  function revealTurn(userLi) {
    ui.thread.scrollTop = Math.max(0, userLi.offsetTop - 16);
  }

  let toastTimer = 0;
  function toast(text) {
    ui.toast.textContent = text;
    ui.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { ui.toast.hidden = true; }, 1800);
  }

  // ------------------------------------------------------------------ API

  class ApiError extends Error {
    constructor(status, info) {
      super(info.message);
      this.status = status;
      this.type = info.type;
      this.hint = info.hint;
    }
  }

  function headers(json) {
    const h = {};
    if (json) h["Content-Type"] = "application/json";
    const key = localStorage.getItem(API_KEY);
    if (key) h["X-API-Key"] = key;
    return h;
  }

  async function errorOf(res) {
    let info = null;
    try { info = (await res.json()).error; } catch (_) { /* not JSON */ }
    return new ApiError(res.status, info || { type: "HTTPError", message: `서버 오류가 발생했습니다 (${res.status}).` });
  }

  function askForKey() {
    const key = window.prompt("이 서버는 API 키가 필요합니다. 키를 입력하세요.");
    if (!key) return false;
    localStorage.setItem(API_KEY, key.trim());
    return true;
  }

  async function request(path, { method = "GET", body, retry = true } = {}) {
    const res = await fetch(path, {
      method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401 && retry && askForKey()) return request(path, { method, body, retry: false });
    if (!res.ok) throw await errorOf(res);
    return res.status === 204 ? null : res.json();
  }

  function parseEvent(raw) {
    let event = "message";
    const data = [];
    for (const line of raw.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    return { event, data: data.length ? JSON.parse(data.join("\n")) : null };
  }

  /** POST /api/chat/stream and call handlers[event](data) for each server-sent event. */
  async function chatStream(message, handlers, retry = true) {
    const res = await fetch("/api/chat/stream", {
      method: "POST",
      headers: headers(true),
      body: JSON.stringify({ message, session_id: sessionId || null }),
    });
    if (res.status === 401 && retry && askForKey()) return chatStream(message, handlers, false);
    if (!res.ok) throw await errorOf(res);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const { event, data } = parseEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (handlers[event]) handlers[event](data);
      }
    }
  }

  function documentPath(docId) {
    return "/api/documents/" + docId.split("/").map(encodeURIComponent).join("/");
  }

  async function loadDocument(docId) {
    if (!documents.has(docId)) documents.set(docId, request(documentPath(docId)));
    try {
      return await documents.get(docId);
    } catch (err) {
      documents.delete(docId);
      throw err;
    }
  }

  // ------------------------------------------------------------------ session

  function setSession(id) {
    sessionId = id;
    if (id) localStorage.setItem(SESSION_KEY, id);
    else localStorage.removeItem(SESSION_KEY);
  }

  function newConversation() {
    if (busy) return;
    setSession(null);
    closePopover();
    closeViewer();
    ui.messages.replaceChildren();
    ui.welcome.hidden = false;
    ui.input.value = "";
    autosize();
    ui.input.focus();
  }

  async function restoreConversation() {
    if (!sessionId) return;
    try {
      const history = await request(`/api/sessions/${encodeURIComponent(sessionId)}`);
      for (const answer of history.turns) {
        addUserMessage(answer.question);
        const view = addBotMessage();
        renderAnswer(view, answer);
      }
      if (history.turns.length) {
        ui.welcome.hidden = true;
        const asked = ui.messages.querySelectorAll(".msg-user");
        revealTurn(asked[asked.length - 1]);
      }
    } catch (err) {
      if (err.status === 404) {
        setSession(null);
        toast("이전 대화가 만료되어 새 대화를 시작합니다.");
      } else {
        toast(err.message);
      }
    }
  }

  // ------------------------------------------------------------------ messages

  function addUserMessage(text) {
    const li = el("li", { class: "msg msg-user" }, el("div", { class: "bubble", text }));
    ui.messages.append(li);
    return li;
  }

  function addBotMessage() {
    const notes = el("div", { class: "notes" });
    const summary = el("div", { class: "summary" }, el("p", { class: "pending", text: "관련 문서를 찾는 중" }));
    const sources = el("div", { class: "sources-slot" });
    const actions = el("div", { class: "actions" });
    const card = el("div", { class: "card" }, notes, summary, sources, actions);
    const li = el("li", { class: "msg msg-bot" }, card);
    ui.messages.append(li);
    answers.set(li, { citations: [] });
    return { li, notes, summary, sources, actions };
  }

  function note(kind, icon, ...content) {
    return el("div", { class: `note note-${kind}` }, el("span", { class: "icon", "aria-hidden": "true", text: icon }), el("div", {}, ...content));
  }

  function renderNotes(view, answer) {
    const items = [];
    if (answer.notice) items.push(note("info", "i", answer.notice));
    if (answer.query && answer.query !== answer.question) {
      const turn = answer.drew_on_turn ? ` (${answer.drew_on_turn}번째 질문에 이어서)` : "";
      items.push(note("followup", "↪", "후속 질문으로 이해해 다음 질의로 검색했습니다: ", el("q", { class: "searched", text: answer.query }), turn));
    }
    if (answer.abstained) {
      items.push(note("abstain", "!", el("strong", { text: "답하지 않았습니다. " }), "문서에서 충분히 관련된 내용을 찾지 못했습니다."));
    }
    view.notes.replaceChildren(...items);
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

  function citeButton(n) {
    return el("button", { type: "button", class: "cite", "data-n": String(n), "aria-label": `출처 ${n}`, "aria-expanded": "false", text: String(n) });
  }

  function summaryLine(line) {
    const cls = /^\s*(\d+\.|[-•])\s/.test(line) ? "item" : /[:：]\s*$/.test(line) ? "lead" : undefined;
    return el("p", { class: cls }, withMarkers(line));
  }

  function renderSummary(view, answer) {
    view.summary.classList.remove("streaming");
    const lines = answer.summary.split("\n").filter((l) => l.trim());
    view.summary.replaceChildren(...lines.map(summaryLine));
  }

  function appendSentence(view, sentence) {
    if (!view.summary.classList.contains("streaming")) {
      view.summary.classList.add("streaming");
      view.summary.replaceChildren();
    }
    view.summary.append(el("p", {}, sentence.text, "\u00a0", citeButton(sentence.citation)));
  }

  function prettySection(section) {
    return section.split(" > ").join(" › ");
  }

  function sourceLabel(c) {
    return c.section ? `${c.title} › ${prettySection(c.section)}` : c.title;
  }

  function sourceItem(c) {
    const label = `${sourceLabel(c)} (${c.start.toLocaleString()}–${c.end.toLocaleString()}자)`;
    return el(
      "li",
      {},
      el(
        "button",
        { type: "button", class: "source", "data-n": String(c.n), title: `${label} — 문서에서 보기` },
        el("span", { class: "n", text: String(c.n) }),
        el("span", { class: "where" }, el("span", { class: "title", text: c.title }), c.section ? el("span", { class: "section", text: prettySection(c.section) }) : null),
      ),
    );
  }

  /** Cited passages the summary uses first; the other retrieved passages folded away. */
  function renderSources(view, answer) {
    answers.set(view.li, { citations: answer.citations, answer });
    if (!answer.citations.length) {
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
    view.sources.replaceChildren(el("section", { class: "sources", "aria-label": "출처" }, parts));
  }

  /** The copy button: in the sources' heading row, or on its own when there are no sources. */
  function renderActions(view, answer) {
    const copy = el("button", { type: "button", class: "btn btn-ghost copy", title: "답변과 출처를 복사" }, "복사");
    copy.addEventListener("click", () => copyAnswer(answer));
    const head = view.sources.querySelector(".sources-head");
    if (head) {
      head.append(copy);
      view.actions.replaceChildren();
    } else {
      view.actions.replaceChildren(copy);
    }
  }

  function renderAnswer(view, answer) {
    renderNotes(view, answer);
    renderSummary(view, answer);
    renderSources(view, answer);
    renderActions(view, answer);
    view.li.dataset.turn = answer.turn || "";
  }

  function renderError(view, err) {
    const content = [err.message];
    if (err.hint) content.push(el("div", { class: "hint-text", text: err.hint }));
    view.notes.replaceChildren(note("error", "×", ...content));
    view.summary.replaceChildren();
  }

  function answerText(answer) {
    const out = [answer.summary];
    if (answer.citations.length) out.push("", "출처");
    for (const c of answer.citations) {
      out.push(`[${c.n}] ${sourceLabel(c)} (${c.doc_id}, ${c.start}–${c.end}자)`);
      out.push("    " + c.passage.replace(/\s+/g, " "));
    }
    return out.join("\n");
  }

  async function copyAnswer(answer) {
    const text = answerText(answer);
    try {
      await navigator.clipboard.writeText(text);
    } catch (_) {
      const area = el("textarea", { class: "visually-hidden" });
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    toast("답변과 출처를 복사했습니다.");
  }

  // ------------------------------------------------------------------ sending

  async function send(text) {
    const message = text.trim();
    if (!message || busy) return;
    busy = true;
    ui.send.disabled = true;
    ui.welcome.hidden = true;
    ui.input.value = "";
    autosize();
    const userLi = addUserMessage(message);
    const view = addBotMessage();
    revealTurn(userLi);
    try {
      await chatStream(message, {
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
          renderAnswer(view, answer);
          view.li.dataset.stage = "done";
          revealTurn(userLi);
        },
      });
    } catch (err) {
      renderError(view, err);
      if (!ui.input.value) ui.input.value = message;
      autosize();
    } finally {
      busy = false;
      ui.send.disabled = false;
      ui.input.focus();
    }
  }

  function autosize() {
    ui.input.style.height = "auto";
    ui.input.style.height = `${Math.min(ui.input.scrollHeight + 2, window.innerHeight * 0.4)}px`;
  }

  // ------------------------------------------------------------------ citation popover

  let popoverFor = null;
  let pinned = false;
  let hideTimer = 0;

  function citationOf(button) {
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

  function showPopover(button, pin) {
    const c = citationOf(button);
    if (!c) return;
    clearTimeout(hideTimer);
    if (popoverFor && popoverFor !== button) popoverFor.setAttribute("aria-expanded", "false");
    popoverFor = button;
    pinned = pin || (pinned && popoverFor === button);
    button.setAttribute("aria-expanded", "true");
    const open = el("button", { type: "button", class: "btn btn-ghost open-doc" }, "문서에서 보기");
    open.addEventListener("click", () => openDocument(c, button));
    ui.popover.replaceChildren(
      el("div", { class: "pop-head" }, el("strong", { text: `[${c.n}] ${c.title}` }), c.section ? ` › ${prettySection(c.section)}` : ""),
      el("p", { class: "passage" }, passageNodes(c)),
      open,
    );
    ui.popover.setAttribute("aria-label", `출처 ${c.n}: ${c.title}`);
    ui.popover.hidden = false;
    placePopover(button);
  }

  function placePopover(button) {
    const r = button.getBoundingClientRect();
    const p = ui.popover.getBoundingClientRect();
    const margin = 12;
    let top = r.bottom + 8;
    if (top + p.height > window.innerHeight - margin) top = Math.max(margin, r.top - p.height - 8);
    const left = Math.min(Math.max(margin, r.left - 24), window.innerWidth - p.width - margin);
    ui.popover.style.top = `${top}px`;
    ui.popover.style.left = `${Math.max(margin, left)}px`;
  }

  function closePopover() {
    clearTimeout(hideTimer);
    if (popoverFor) popoverFor.setAttribute("aria-expanded", "false");
    popoverFor = null;
    pinned = false;
    ui.popover.hidden = true;
  }

  function hideSoon() {
    if (pinned) return;
    clearTimeout(hideTimer);
    hideTimer = setTimeout(closePopover, 220);
  }

  // ------------------------------------------------------------------ document viewer

  let viewerOpener = null;
  let quietFocus = false;

  function documentNodes(doc, c) {
    const ranges = [{ start: c.start, end: c.end, kind: "span" }];
    for (const s of c.sentences) ranges.push({ start: s.start, end: s.end, kind: "mark" });
    for (const h of doc.headings) ranges.push({ start: h.start, end: h.end, kind: "heading" });
    const cuts = new Set([0, doc.text.length]);
    for (const r of ranges) {
      cuts.add(Math.max(0, Math.min(r.start, doc.text.length)));
      cuts.add(Math.max(0, Math.min(r.end, doc.text.length)));
    }
    const points = [...cuts].sort((a, b) => a - b);
    const nodes = [];
    for (let i = 0; i + 1 < points.length; i++) {
      const [a, b] = [points[i], points[i + 1]];
      const kinds = new Set(ranges.filter((r) => r.start <= a && b <= r.end).map((r) => r.kind));
      const text = doc.text.slice(a, b);
      if (!kinds.size) {
        nodes.push(text);
        continue;
      }
      const node = el(kinds.has("mark") ? "mark" : "span", { text });
      node.className = [...kinds].filter((k) => k !== "mark").join(" ");
      if (kinds.has("span")) node.dataset.cited = "true";
      nodes.push(node);
    }
    return nodes;
  }

  async function openDocument(c, opener) {
    closePopover();
    viewerOpener = opener || document.activeElement;
    ui.viewerTitle.textContent = c.title;
    ui.viewerSection.textContent = [prettySection(c.section), `${c.start.toLocaleString()}–${c.end.toLocaleString()}자`].filter(Boolean).join(" · ");
    ui.viewerBody.replaceChildren(el("p", { class: "pending", text: "문서를 불러오는 중" }));
    ui.viewer.hidden = false;
    ui.scrim.hidden = false;
    try {
      const doc = await loadDocument(c.doc_id);
      ui.viewerBody.replaceChildren(...documentNodes(doc, c));
      const first = ui.viewerBody.querySelector("[data-cited]");
      if (first) first.scrollIntoView({ block: "center" });
    } catch (err) {
      ui.viewerBody.replaceChildren(note("error", "×", err.message));
    }
    ui.viewerBody.focus({ preventScroll: true });
  }

  function closeViewer() {
    if (ui.viewer.hidden) return;
    ui.viewer.hidden = true;
    ui.scrim.hidden = true;
    if (viewerOpener && document.contains(viewerOpener)) {
      quietFocus = true; // focus goes back without popping the passage up again
      viewerOpener.focus();
      quietFocus = false;
    }
    viewerOpener = null;
  }

  // ------------------------------------------------------------------ status

  async function showStatus() {
    try {
      const res = await fetch("/healthz");
      const h = await res.json();
      if (h.status === "ok") {
        ui.status.textContent = `문서 ${h.documents}개 · 구절 ${h.chunks.toLocaleString()}개 색인됨`;
        ui.status.classList.remove("bad");
      } else {
        ui.status.textContent = "색인을 사용할 수 없습니다: " + (h.error || "").split("\n")[0];
        ui.status.classList.add("bad");
      }
    } catch (_) {
      ui.status.textContent = "서버에 연결할 수 없습니다.";
      ui.status.classList.add("bad");
    }
  }

  // ------------------------------------------------------------------ events

  ui.composer.addEventListener("submit", (e) => {
    e.preventDefault();
    send(ui.input.value);
  });

  ui.input.addEventListener("keydown", (e) => {
    // Enter while a Hangul syllable is being composed only ends the composition.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      send(ui.input.value);
    }
  });
  ui.input.addEventListener("input", autosize);

  ui.newChat.addEventListener("click", newConversation);
  document.getElementById("examples").addEventListener("click", (e) => {
    const chip = e.target.closest(".chip");
    if (chip) send(chip.textContent);
  });

  ui.messages.addEventListener("click", (e) => {
    const cite = e.target.closest(".cite");
    if (cite) {
      if (popoverFor === cite && pinned) closePopover();
      else showPopover(cite, true);
      return;
    }
    const source = e.target.closest(".source");
    if (source) {
      const c = citationOf(source);
      if (c) openDocument(c, source);
    }
  });
  ui.messages.addEventListener("mouseover", (e) => {
    const cite = e.target.closest(".cite");
    if (cite && !pinned) showPopover(cite, false);
  });
  ui.messages.addEventListener("mouseout", (e) => {
    if (e.target.closest(".cite")) hideSoon();
  });
  ui.messages.addEventListener("focusin", (e) => {
    const cite = e.target.closest(".cite");
    if (cite && !pinned && !quietFocus) showPopover(cite, false);
  });
  ui.messages.addEventListener("focusout", (e) => {
    if (e.target.closest(".cite") && !ui.popover.contains(e.relatedTarget)) hideSoon();
  });
  ui.popover.addEventListener("mouseenter", () => clearTimeout(hideTimer));
  ui.popover.addEventListener("mouseleave", hideSoon);

  document.addEventListener("click", (e) => {
    if (!ui.popover.hidden && !ui.popover.contains(e.target) && !e.target.closest(".cite")) closePopover();
  });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      if (!ui.popover.hidden) {
        const back = popoverFor;
        closePopover();
        if (back) back.focus();
      } else {
        closeViewer();
      }
    } else if (e.altKey && (e.key === "n" || e.key === "N")) {
      e.preventDefault();
      newConversation();
    }
  });
  ui.thread.addEventListener("scroll", () => {
    if (pinned && popoverFor) placePopover(popoverFor);
    else closePopover();
  }, { passive: true });
  window.addEventListener("resize", () => { if (popoverFor) placePopover(popoverFor); });
  ui.viewerClose.addEventListener("click", closeViewer);
  ui.scrim.addEventListener("click", closeViewer);

  showStatus();
  restoreConversation();
  ui.input.focus();
})();
