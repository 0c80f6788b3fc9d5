// The document viewer: a modal dialog with the cited document as paragraphs, headings and
// tables, the cited passage highlighted and its used sentences marked.

import { $, el, trapTab } from "./dom.js";
import { documentPath, request } from "./api.js";
import { prettySection } from "./answer.js";
import { close as closePopover, focusQuietly } from "./popover.js";

const ui = {
  dialog: $("viewer"),
  title: $("viewer-title"),
  section: $("viewer-section"),
  body: $("viewer-body"),
  close: $("viewer-close"),
};
const documents = new Map();
let opener = null;

async function loadDocument(docId) {
  if (!documents.has(docId)) documents.set(docId, request(documentPath(docId)));
  try {
    return await documents.get(docId);
  } catch (err) {
    documents.delete(docId);
    throw err;
  }
}

/** Lines of `text` with their offsets, and the blocks they form between blank lines. */
function blocksOf(text) {
  const blocks = [];
  let block = [];
  let at = 0;
  for (const raw of text.split("\n")) {
    const start = at;
    at += raw.length + 1;
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    if (!body) {
      if (block.length) blocks.push(block);
      block = [];
      continue;
    }
    block.push({ start: start + lead, end: start + lead + body.length, text: body });
  }
  if (block.length) blocks.push(block);
  return blocks;
}

/** The text between `a` and `b`, with the cited passage and the used sentences wrapped. */
function segments(text, a, b, ranges) {
  const cuts = new Set([a, b]);
  for (const r of ranges) {
    if (r.start > a && r.start < b) cuts.add(r.start);
    if (r.end > a && r.end < b) cuts.add(r.end);
  }
  const points = [...cuts].sort((x, y) => x - y);
  const nodes = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [s, e] = [points[i], points[i + 1]];
    const kinds = new Set(ranges.filter((r) => r.start <= s && e <= r.end).map((r) => r.kind));
    const piece = text.slice(s, e);
    if (!kinds.size) {
      nodes.push(piece);
      continue;
    }
    const node = el(kinds.has("mark") ? "mark" : "span", { text: piece });
    if (kinds.has("span")) {
      node.classList.add("span");
      node.dataset.cited = "true";
    }
    nodes.push(node);
  }
  return nodes;
}

const TABLE_ROW = /\t|\s\|\s|^\|.*\|$/;
const RULE_ROW = /^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$/;

/** Cells of a row separated by tabs or pipes, with their offsets. */
function cellsOf(line) {
  const cells = [];
  const sep = line.text.includes("\t") && !line.text.includes("|") ? /\t/g : /\|/g;
  let at = 0;
  const pieces = [];
  for (const m of line.text.matchAll(sep)) {
    pieces.push([at, m.index]);
    at = m.index + 1;
  }
  pieces.push([at, line.text.length]);
  for (const [a, b] of pieces) {
    const raw = line.text.slice(a, b);
    const lead = raw.length - raw.trimStart().length;
    const body = raw.trim();
    cells.push({ start: line.start + a + lead, end: line.start + a + lead + body.length, text: body });
  }
  if (line.text.startsWith("|")) cells.shift();
  if (line.text.endsWith("|") && cells.length && !cells[cells.length - 1].text) cells.pop();
  return cells;
}

function tableOf(text, lines, ranges) {
  const rows = lines.filter((l) => !RULE_ROW.test(l.text));
  const headed = lines.length > 1 && RULE_ROW.test(lines[1].text);
  const table = el("table", {});
  rows.forEach((line, i) => {
    const tag = headed && i === 0 ? "th" : "td";
    const tr = el("tr", {}, cellsOf(line).map((c) => el(tag, tag === "th" ? { scope: "col" } : {}, segments(text, c.start, c.end, ranges))));
    if (headed && i === 0) table.append(el("thead", {}, tr));
    else {
      if (!table.tBodies.length) table.append(el("tbody"));
      table.tBodies[0].append(tr);
    }
  });
  return el("div", { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "표" }, table);
}

/** The document as headings, paragraphs (a line break kept as a break) and tables. */
function documentNodes(doc, c) {
  const text = doc.text;
  const ranges = [{ start: c.start, end: c.end, kind: "span" }, ...c.sentences.map((s) => ({ start: s.start, end: s.end, kind: "mark" }))];
  const headings = new Map(doc.headings.map((h) => [h.start, h]));
  const out = [];
  let level = 2;
  const paragraph = (lines) => {
    if (!lines.length) return;
    if (lines.length > 1 && lines.every((l) => TABLE_ROW.test(l.text))) {
      out.push(tableOf(text, lines, ranges));
      return;
    }
    const parts = [];
    lines.forEach((l, i) => {
      if (i) parts.push(el("br"));
      parts.push(...segments(text, l.start, l.end, ranges));
    });
    out.push(el("p", {}, parts));
  };
  for (const block of blocksOf(text)) {
    let run = [];
    for (const line of block) {
      const h = headings.get(line.start) || [...headings.values()].find((x) => x.start <= line.start && line.end <= x.end + 1 && x.end > line.start);
      if (h) {
        paragraph(run);
        run = [];
        level = Math.min(2 + Math.max(1, h.level), level + 1, 6);
        out.push(el(`h${level}`, { class: "doc-heading" }, segments(text, line.start, line.end, ranges)));
      } else {
        run.push(line);
      }
    }
    paragraph(run);
  }
  return out;
}

export async function openDocument(c, from) {
  closePopover();
  opener = from || document.activeElement;
  ui.title.textContent = c.title;
  ui.section.textContent = prettySection(c.section);
  ui.section.hidden = !c.section;
  ui.body.replaceChildren(el("p", { class: "pending", text: "문서를 불러오는 중" }));
  if (!ui.dialog.open) ui.dialog.showModal();
  ui.body.focus({ preventScroll: true });
  try {
    const doc = await loadDocument(c.doc_id);
    ui.body.replaceChildren(...documentNodes(doc, c));
    const first = ui.body.querySelector("[data-cited]");
    if (first) first.scrollIntoView({ block: "center" });
  } catch (err) {
    ui.body.replaceChildren(el("p", { class: "note note-error", text: err.message }));
  }
  ui.dialog.dataset.ready = "true";
}

export function closeViewer() {
  if (ui.dialog.open) ui.dialog.close();
}

export function isOpen() {
  return ui.dialog.open;
}

ui.close.addEventListener("click", closeViewer);
ui.dialog.addEventListener("close", () => {
  delete ui.dialog.dataset.ready;
  if (opener && document.contains(opener)) focusQuietly(opener);
  opener = null;
});
ui.dialog.addEventListener("keydown", (e) => trapTab(e, ui.dialog));
// a click on the backdrop (outside the panel) closes the viewer
ui.dialog.addEventListener("click", (e) => {
  if (e.target === ui.dialog) closeViewer();
});
