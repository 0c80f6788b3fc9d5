"""Load benchmark of the HTTP API: N concurrent clients on loopback for a bounded time.

    python -m bench.load                      # 8 clients, 60 s; writes bench/results/load.json
    python -m bench.load --clients 16 --duration 30 --no-reindex
    python -m bench.load --servers 2 --milvus-server --out bench/results/load-milvus.json

Starts ``assistant serve`` (the real model over corpus/) as a separate process on a free
loopback port, with the per-client rate limit off (every simulated client shares 127.0.0.1).
With ``--servers N`` it starts N of them on the same index folder, each client talking to one;
with ``--milvus-server`` the index's vectors are in a Milvus standalone server started for the
run, which all of them share.
Each client loops until the time is up over a mix of requests: ``POST /api/ask``,
``POST /api/chat`` (three-turn conversations) and ``POST /api/chat/stream`` (read to the end;
the time to the first event is recorded too). Halfway through, one full rebuild of the index
is started with ``POST /api/reindex`` (on the first server) to show that answering goes on
meanwhile; the other servers must notice the new version by themselves (``/healthz`` tells
which version each serves). Any non-2xx
status, timeout or connection error counts as an error. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.calibrate_abstention import corpus_questions, offtopic_questions
from bench.common import CACHE, ROOT
from bench.milvus_server import running

ENDPOINTS = ("ask", "chat", "stream")
FOLLOW_UPS = ("왜 그런가요?", "더 자세히 알려 주세요.")


@dataclass
class Sample:
    endpoint: str
    ms: float
    ok: bool
    first_event_ms: float | None = None
    error: str | None = None


@dataclass
class Client:
    """One simulated user: cycles through the endpoints and the questions."""

    number: int
    questions: Sequence[str]
    http: httpx.AsyncClient
    samples: list[Sample] = field(default_factory=list)
    session: str | None = None
    turn: int = 0

    def next_question(self, i: int) -> str:
        return self.questions[(self.number * 7 + i) % len(self.questions)]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def summarize(samples: Sequence[Sample], seconds: float) -> dict[str, Any]:
    ms = [s.ms for s in samples if s.ok]
    return {
        "requests": len(samples),
        "errors": sum(not s.ok for s in samples),
        "throughput_rps": len(samples) / seconds if seconds else 0.0,
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms, default=0.0),
    }


async def post_json(http: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(path, json=body)
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


async def stream(http: httpx.AsyncClient, body: dict[str, Any], started: float) -> float:
    """Read a streamed answer to its end; returns the milliseconds to its first event."""
    first: float | None = None
    done = False
    async with http.stream("POST", "/api/chat/stream", json=body) as response:
        response.raise_for_status()
        async for line in response.aiter_lines():
            if line.startswith("event:"):
                first = first if first is not None else (time.perf_counter() - started) * 1e3
                done = done or line == "event: done"
    if first is None or not done:
        raise RuntimeError("the stream ended without its events")
    return first


async def one_request(http: httpx.AsyncClient, client: Client, i: int) -> Sample:
    endpoint = ENDPOINTS[(client.number + i) % len(ENDPOINTS)]
    started = time.perf_counter()
    first: float | None = None
    try:
        if endpoint == "ask":
            await post_json(http, "/api/ask", {"question": client.next_question(i)})
        else:
            message = client.next_question(i) if client.turn % 3 == 0 else FOLLOW_UPS[client.turn % 2]
            body = {"message": message, "session_id": client.session if client.turn % 3 else None}
            if endpoint == "chat":
                client.session = (await post_json(http, "/api/chat", body))["session_id"]
            else:
                first = await stream(http, body, started)
            client.turn += 1
        return Sample(endpoint, (time.perf_counter() - started) * 1e3, True, first)
    except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as exc:
        return Sample(endpoint, (time.perf_counter() - started) * 1e3, False, error=f"{type(exc).__name__}: {exc}")


async def run_client(client: Client, deadline: float) -> None:
    i = 0
    while time.perf_counter() < deadline:
        client.samples.append(await one_request(client.http, client, i))
        i += 1


async def reindex_midway(https: Sequence[httpx.AsyncClient], delay: float, deadline: float) -> dict[str, Any]:
    """Start a full rebuild on the first server after ``delay`` seconds and follow it until done
    (or time is up); then wait for every other server to serve the new version."""
    await asyncio.sleep(delay)
    started = time.perf_counter()
    http = https[0]
    status = await post_json(http, "/api/reindex", {"rebuild": True})
    while status["state"] == "running" and time.perf_counter() < deadline:
        await asyncio.sleep(0.25)
        status = (await http.get("/api/reindex")).json()
    status["seconds"] = time.perf_counter() - started
    status["started_after_s"] = delay
    if status.get("version") and len(https) > 1:
        done = time.perf_counter()
        status["others_switched_after_s"] = [await switched_after(h, status["version"], done) for h in https[1:]]
    return status


async def switched_after(http: httpx.AsyncClient, version: str, since: float, wait: float = 30.0) -> float | None:
    """Seconds from ``since`` until the server's /healthz names ``version`` (None if not within ``wait`` s)."""
    while time.perf_counter() < since + wait:
        if (await http.get("/healthz")).json().get("index_version") == version:
            return time.perf_counter() - since
        await asyncio.sleep(0.1)
    return None


async def load(
    base_urls: Sequence[str], clients: int, duration: float, questions: Sequence[str], reindex: bool
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=clients + 2, max_keepalive_connections=clients + 2)
    async with contextlib.AsyncExitStack() as stack:
        https = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=url, timeout=30.0, limits=limits, trust_env=False)
            )
            for url in base_urls
        ]
        users = [Client(n, questions, https[n % len(https)]) for n in range(clients)]
        started = time.perf_counter()
        deadline = started + duration
        jobs = [run_client(u, deadline) for u in users]
        rebuild = asyncio.create_task(reindex_midway(https, duration / 2, deadline)) if reindex else None
        await asyncio.gather(*jobs)
        elapsed = time.perf_counter() - started
        rebuilt = await rebuild if rebuild else None
    samples = [s for u in users for s in u.samples]
    by_server = [[s for u in users if u.number % len(https) == i for s in u.samples] for i in range(len(https))]
    firsts = [s.first_event_ms for s in samples if s.first_event_ms is not None]
    streams = [s.ms for s in samples if s.endpoint == "stream" and s.ok]
    return {
        "clients": clients,
        "duration_s": elapsed,
        **summarize(samples, elapsed),
        "by_endpoint": {e: summarize([s for s in samples if s.endpoint == e], elapsed) for e in ENDPOINTS},
        "stream_first_event_ms": {"p50": percentile(firsts, 50), "p95": percentile(firsts, 95)},
        "stream_complete_ms": {"p50": percentile(streams, 50), "p95": percentile(streams, 95)},
        "error_examples": sorted({s.error for s in samples if s.error})[:5],
        "reindex": rebuilt,
        "servers": len(https),
        "by_server": [summarize(group, elapsed) for group in by_server],
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"the server exited with code {proc.returncode}")
        try:
            if httpx.get(url + "/healthz", timeout=2.0, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    sys.exit("the server did not become healthy in time")


def start_server(index_dir: Path, corpus: Path, port: int, sessions: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "ASSISTANT_CORPUS_DIR": str(corpus),
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",
        "ASSISTANT_SESSIONS_PATH": str(sessions),
    }
    env.pop("ASSISTANT_API_KEY", None)  # measured without the key check
    command = [sys.executable, "-m", "assistant", "serve", "--index", str(index_dir), "--port", str(port)]
    return subprocess.Popen([*command, "--host", "127.0.0.1", "--log-level", "warning"], env=env)


def build_index(corpus: Path, index: Path, vector_index: str) -> None:
    """``assistant index`` (when stale), with the given vector index if any."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    build = [sys.executable, "-m", "assistant", "index", str(corpus), "--index", str(index), "--if-stale", "-q"]
    subprocess.run([*build, *(["--vector-index", vector_index] if vector_index else [])], check=True, env=env)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(30)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8, help="Concurrent clients (default 8).")
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of load (default 60).")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--index", type=Path, default=CACHE / "load-index")
    parser.add_argument("--no-reindex", dest="reindex", action="store_false", help="No rebuild during the run.")
    parser.add_argument("--servers", type=int, default=1, help="assistant serve processes on the index (default 1).")
    parser.add_argument("--vector-index", default="", help="vector_index of the index (default: the setting's).")
    parser.add_argument(
        "--milvus-server", action="store_true", help="Keep the vectors in a Milvus server started for the run."
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "load.json")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 256 or not 1 <= args.duration <= 600 or not 1 <= args.servers <= 8:
        sys.exit("use 1-256 clients, 1-600 seconds and 1-8 servers")
    questions = corpus_questions() + offtopic_questions()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        vector_index = args.vector_index
        if args.milvus_server:
            vector_index = stack.enter_context(running(Path(tmp) / "milvus")).uri
        build_index(args.corpus, args.index, vector_index)
        ports = [free_port() for _ in range(args.servers)]
        for n, port in enumerate(ports):
            server = start_server(args.index, args.corpus, port, Path(tmp) / f"sessions-{n}.sqlite")
            stack.callback(stop_server, server)
            wait_healthy(f"http://127.0.0.1:{port}", server)
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        result = asyncio.run(load(bases, args.clients, args.duration, questions, args.reindex))
    result["vector_index"] = "milvus standalone server" if args.milvus_server else vector_index or "flat"
    result["machine"] = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    # Other processes on the machine slow the figures down: say how busy it was.
    result["load_average_1min"] = {"before": load_before, "after": os.getloadavg()[0]}
    result["questions"] = len(questions)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
