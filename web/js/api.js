// The server's HTTP API, with errors turned into Korean messages a reader can act on.

const API_KEY = "assistant.apiKey";
const OWNER_KEY = "assistant.owner";

/** An error of a request: `message` is always Korean and meant for the reader. */
export class ApiError extends Error {
  constructor(message, { status = 0, type = "NetworkError", retryAfter = 0 } = {}) {
    super(message);
    this.status = status;
    this.type = type;
    this.retryAfter = retryAfter;
  }
}

export const OFFLINE = "서버에 연결할 수 없습니다. 서버가 실행 중인지, 네트워크가 연결되어 있는지 확인한 뒤 다시 시도해 주세요.";
const CUT_OFF = "답변을 받는 중에 연결이 끊겼습니다. 다시 시도해 주세요.";

/** This browser's owner key: the server lists the conversations started with it. */
export function ownerKey() {
  let key = localStorage.getItem(OWNER_KEY);
  if (!key) {
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    key = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    localStorage.setItem(OWNER_KEY, key);
  }
  return key;
}

function headers(json) {
  const h = { "X-Assistant-Owner": ownerKey() };
  if (json) h["Content-Type"] = "application/json";
  const key = localStorage.getItem(API_KEY);
  if (key) h["X-API-Key"] = key;
  return h;
}

/** The Korean part of a server message ("… 주세요. (rate limit exceeded)" without its English gloss). */
function korean(message) {
  return String(message || "").replace(/\s*\([A-Za-z][^()\uac00-\ud7a3]*\)\s*$/, "").trim();
}

const BY_STATUS = {
  401: "API 키가 필요하거나 맞지 않습니다.",
  404: "찾는 대화나 문서가 없습니다. 만료되었거나 삭제되었을 수 있습니다.",
  413: "질문이 너무 깁니다. 줄여서 다시 보내 주세요.",
  500: "서버에서 오류가 났습니다. 잠시 후 다시 시도해 주세요.",
};

async function errorOf(res) {
  let info = null;
  try { info = (await res.json()).error; } catch (_) { /* not JSON */ }
  const retryAfter = Number(res.headers.get("Retry-After")) || 0;
  let message = info && korean(info.message);
  if (!message || !/[\uac00-\ud7a3]/.test(message)) message = BY_STATUS[res.status] || `서버 오류가 났습니다 (${res.status}). 잠시 후 다시 시도해 주세요.`;
  if (res.status === 429 && retryAfter) message = `요청이 너무 많습니다. ${retryAfter}초 후에 다시 시도해 주세요.`;
  return new ApiError(message, { status: res.status, type: info ? info.type : "HTTPError", retryAfter });
}

function askForKey() {
  const key = window.prompt("이 서버는 API 키가 필요합니다. 키를 입력하세요.");
  if (!key) return false;
  localStorage.setItem(API_KEY, key.trim());
  return true;
}

async function send(path, { method = "GET", body } = {}) {
  try {
    return await fetch(path, {
      method,
      headers: headers(body !== undefined),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (_) {
    throw new ApiError(OFFLINE);
  }
}

/** A JSON request; an error response becomes an ApiError. */
export async function request(path, { method = "GET", body, retry = true, raw = false } = {}) {
  const res = await send(path, { method, body });
  if (res.status === 401 && retry && askForKey()) return request(path, { method, body, retry: false, raw });
  if (!res.ok) throw await errorOf(res);
  if (raw) return res;
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
export async function chatStream(message, sessionId, handlers, retry = true) {
  const res = await send("/api/chat/stream", { method: "POST", body: { message, session_id: sessionId || null } });
  if (res.status === 401 && retry && askForKey()) return chatStream(message, sessionId, handlers, false);
  if (!res.ok) throw await errorOf(res);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let finished = false;
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (_) {
      throw new ApiError(CUT_OFF);
    }
    if (chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const { event, data } = parseEvent(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      if (event === "done") finished = true;
      if (handlers[event]) handlers[event](data);
    }
  }
  if (!finished) throw new ApiError(CUT_OFF);
}

export function documentPath(docId) {
  return "/api/documents/" + docId.split("/").map(encodeURIComponent).join("/");
}

export function sessionPath(id, rest = "") {
  return `/api/sessions/${encodeURIComponent(id)}${rest}`;
}

/** The server's state: {status: "ok" | "loading" | "unavailable" | "offline", ...}. */
export async function health() {
  try {
    const res = await fetch("/healthz", { cache: "no-store" });
    return await res.json();
  } catch (_) {
    return { status: "offline" };
  }
}
