// The header's line about the server: polls /healthz and says when the server is loading,
// cannot answer, or cannot be reached.

import { $ } from "./dom.js";
import { health } from "./api.js";

const line = $("status");
const text = $("status-text");
const EVERY = { ok: 15000, loading: 1000, unavailable: 5000, offline: 3000 };
let timer = 0;
let listeners = [];
export let state = "checking";

function firstLine(message) {
  return String(message || "").split("\n")[0].replace(/\s*\([A-Za-z][^()\uac00-\ud7a3]*\)\s*$/, "");
}

function describe(h) {
  if (h.status === "ok") return `문서 ${h.documents}개 · 구절 ${Number(h.chunks).toLocaleString("ko-KR")}개`;
  if (h.status === "loading") return "모델과 색인을 불러오는 중…";
  if (h.status === "unavailable") return "답할 수 없음: " + (firstLine(h.error) || "색인을 사용할 수 없습니다.");
  return "연결 끊김 · 다시 연결하는 중…";
}

/** Ask the server now (and then again at the pace of its state). */
export async function check() {
  clearTimeout(timer);
  const h = await health();
  const next = ["ok", "loading", "unavailable"].includes(h.status) ? h.status : "offline";
  text.textContent = describe(h);
  line.dataset.state = next;
  const changed = next !== state;
  state = next;
  if (changed) for (const f of listeners) f(state);
  timer = setTimeout(check, EVERY[state]);
  return state;
}

/** Call `f(state)` whenever the server's state changes. */
export function onChange(f) {
  listeners.push(f);
}

export function start() {
  window.addEventListener("online", check);
  window.addEventListener("focus", () => { if (state !== "ok") check(); });
  return check();
}
