"""Answers while rebuilds switch index versions: every answer must read one version.

    python -m bench.rebuild_stress                  # 4 clients, 53 rebuilds; bench/results/rebuild_stress.json
    python -m bench.rebuild_stress --clients 4 --rebuilds 60

Starts ``assistant serve`` (the real model) on a copy of corpus/ on a free loopback port.
Clients ask (``POST /api/ask``) and converse (``POST /api/chat``, with follow-ups) without
pause, while the main loop adds or removes a document whose name sorts first (so that every
chunk row shifts) and rebuilds through ``POST /api/reindex``, waiting for each rebuild to
finish before the next. Every answer is checked as a reader would: each sentence the
summary used must slice back out of its cited passage at its span, and each summary
sentence must be in its passage. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.calibrate_abstention import corpus_questions
from bench.common import ROOT
from bench.load import free_port, start_server, wait_healthy

#: Sorts before the corpus's documents: adding or removing it shifts every chunk row.
TOGGLED = "0_재색인_시험_문서.txt"
TOGGLED_TEXT = """부산 안내

부산은 한국에서 두 번째로 큰 도시이다. 해운대 해수욕장은 여름마다 피서객으로 붐빈다.

자갈치 시장은 싱싱한 생선으로 유명하다. 광안대교는 밤마다 불빛으로 빛난다.

부산항은 한국에서 가장 큰 항구이며, 컨테이너 물동량이 세계적인 수준이다.
"""
TOGGLED_QUESTIONS = ["부산의 해수욕장은 어디인가요?", "자갈치 시장은 무엇으로 유명한가요?", "부산항은 어떤 항구인가요?"]
FOLLOW_UPS = ("더 자세히 알려 주세요.", "그 이유는 무엇인가요?")


def problems(answer: dict[str, Any]) -> list[str]:
    """What in an answer (the JSON of the API) does not slice back out of its own citations."""
    out = []
    citations = answer.get("citations", [])
    for c in citations:
        if c["end"] - c["start"] != len(c["passage"]):
            out.append(f"[{c['n']}] span {c['start']}-{c['end']} against a passage of {len(c['passage'])} chars")
        for u in c["sentences"]:
            inside = c["start"] <= u["start"] < u["end"] <= c["end"]
            if (
                not u["text"]
                or not inside
                or c["passage"][u["start"] - c["start"] : u["end"] - c["start"]] != u["text"]
            ):
                out.append(f"[{c['n']}] used sentence {u['start']}-{u['end']} {u['text'][:30]!r} not in its passage")
    for s in answer.get("summary_sentences", []):
        n = s["citation"]
        if not s["text"] or not 0 < n <= len(citations) or s["text"] not in citations[n - 1]["passage"]:
            out.append(f"summary sentence {s['text'][:30]!r} not in its passage [{n}]")
    return out


@dataclass
class Tally:
    answers: int = 0
    broken: int = 0
    errors: int = 0
    examples: list[str] = field(default_factory=list)

    def check(self, answer: dict[str, Any]) -> None:
        self.answers += 1
        found = problems(answer)
        if found:
            self.broken += 1
            if len(self.examples) < 5:
                self.examples.append(f"{answer.get('question')!r}: {found[0]}")

    def failed(self, error: str) -> None:
        self.errors += 1
        if len(self.examples) < 5:
            self.examples.append(error)


async def client(http: httpx.AsyncClient, n: int, questions: Sequence[str], tally: Tally, done: asyncio.Event) -> None:
    """Ask (odd clients) or converse (even ones) until the rebuilds are over."""
    session: str | None = None
    i = 0
    while not done.is_set():
        question = questions[(n * 7 + i) % len(questions)]
        try:
            if n % 2:
                response = await http.post("/api/ask", json={"question": question})
            else:
                message = FOLLOW_UPS[i % 2] if session and i % 3 else question
                response = await http.post("/api/chat", json={"message": message, "session_id": session})
            response.raise_for_status()
            answer = response.json()
            session = answer.get("session_id") or session
            tally.check(answer)
        except (httpx.HTTPError, ValueError) as exc:
            tally.failed(f"{type(exc).__name__}: {exc}")
        i += 1


async def rebuild(http: httpx.AsyncClient, corpus: Path) -> str:
    """Add or remove the toggled document, rebuild through the API and wait for the end."""
    path = corpus / TOGGLED
    if path.exists():
        path.unlink()
    else:
        path.write_text(TOGGLED_TEXT, encoding="utf-8")
    status = (await http.post("/api/reindex", json={"rebuild": False})).json()
    while status["state"] == "running":
        await asyncio.sleep(0.1)
        status = (await http.get("/api/reindex")).json()
    return str(status["state"])


async def stress(base_url: str, corpus: Path, clients: int, rebuilds: int, questions: Sequence[str]) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=clients + 2, max_keepalive_connections=clients + 2)
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0, limits=limits, trust_env=False) as http:
        tally, done = Tally(), asyncio.Event()
        started = time.perf_counter()
        jobs = [asyncio.create_task(client(http, n, questions, tally, done)) for n in range(clients)]
        states = []
        try:
            for _ in range(rebuilds):
                states.append(await rebuild(http, corpus))
        finally:
            done.set()
            await asyncio.gather(*jobs)
        elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "rebuilds": len(states),
        "rebuilds_done": states.count("done"),
        "rebuilds_failed": len(states) - states.count("done"),
        "answers": tally.answers,
        "broken_answers": tally.broken,
        "errors": tally.errors,
        "examples": tally.examples,
        "duration_s": round(elapsed, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=4, help="Concurrent clients (default 4).")
    parser.add_argument("--rebuilds", type=int, default=53, help="Rebuilds, each adding or removing a document.")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "rebuild_stress.json")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 64 or not 1 <= args.rebuilds <= 1000:
        sys.exit("use 1-64 clients and 1-1000 rebuilds")
    questions = corpus_questions() + TOGGLED_QUESTIONS
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        shutil.copytree(args.corpus, corpus)
        build = [sys.executable, "-m", "assistant", "index", str(corpus), "--index", str(index), "-q"]
        subprocess.run(build, check=True, env=env)
        server = start_server(index, corpus, port, Path(tmp) / "sessions.sqlite")
        try:
            wait_healthy(base, server)
            result = asyncio.run(stress(base, corpus, args.clients, args.rebuilds, questions))
        finally:
            server.terminate()
            server.wait(30)
    result["machine"] = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    result["load_average_1min"] = {"before": load_before, "after": os.getloadavg()[0]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), "utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
