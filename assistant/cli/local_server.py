"""Let a one-question command use a server of the same index that is already running.

``assistant serve`` writes ``<index_dir>/.server-<port>.json`` (its address, process id and
model) while it runs; ``assistant ask`` looks for such a file, checks that the process is
alive and that ``/healthz`` answers within a moment, and then sends the question to
``/api/ask`` instead of loading the model, Kiwi and the index itself (0.07 s against 2.3 s in
docs/benchmarks.md). Anything unexpected (no file, a dead process, a refused connection, an error status)
makes the command answer locally, as without a server.

Only the standard library is imported here, so that this path stays quick.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

PREFIX = ".server-"
#: The defaults of ``Settings.index_dir`` and ``Settings.model``, without importing the settings.
DEFAULT_INDEX_DIR = Path("index")
DEFAULT_MODEL = "embedded-e5-small"
#: Seconds to wait for ``/healthz`` before answering locally instead.
HEALTH_TIMEOUT = 0.5
#: Seconds to wait for an answer (a server answers in well under a second).
ASK_TIMEOUT = 30.0
_WILDCARD_HOSTS = {"0.0.0.0", "::", ""}


def server_file(index_dir: Path, port: int) -> Path:
    return index_dir / f"{PREFIX}{port}.json"


def base_url(host: str, port: int) -> str:
    """The URL a local client uses for a server listening on ``host``."""
    if host in _WILDCARD_HOSTS:
        host = "127.0.0.1"
    if ":" in host:  # IPv6
        host = f"[{host}]"
    return f"http://{host}:{port}"


@contextlib.contextmanager
def advertised(index_dir: Path, host: str, port: int, model: str) -> Iterator[Path | None]:
    """Write the server's file while the block runs (nothing when the index folder is missing)."""
    path = server_file(index_dir, port)
    if port == 0 or not index_dir.is_dir():
        yield None
        return
    payload = {"url": base_url(host, port), "pid": os.getpid(), "model": model, "started": time.time()}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)
    previous = _exit_on_sigterm()
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm() -> Any:
    """Turn SIGTERM into ``SystemExit``, so that the file is removed; returns the previous handler.

    uvicorn restores this handler when it stops and raises the signal again; by default that
    would end the process before the ``finally`` block runs.
    """
    if threading.current_thread() is not threading.main_thread():
        return None

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    return signal.signal(signal.SIGTERM, stop)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def _healthy(url: str) -> bool:
    health = _health(url)
    return health is not None and health[0] == 200


def _health(url: str) -> tuple[int, dict[str, Any]] | None:
    """The status and body of ``url``'s ``/healthz``, or None when nothing answers there."""
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=HEALTH_TIMEOUT) as resp:
            return int(resp.status), _json_object(resp.read())
    except urllib.error.HTTPError as exc:  # 503: loading, or no usable index
        with contextlib.closing(exc):
            return int(exc.code), _json_object(exc.read())
    except (OSError, ValueError):
        return None


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def find_server(index_dir: Path, model: str) -> str | None:
    """The URL of a live, healthy server of ``index_dir`` with ``model``, if there is one.

    Files left by servers that are no longer running are removed.
    """
    try:
        candidates = sorted(index_dir.glob(f"{PREFIX}*.json"))
    except OSError:
        return None
    for path in candidates:
        try:
            info = json.loads(path.read_text(encoding="utf-8"))
            url, pid, served_model = str(info["url"]), int(info["pid"]), str(info["model"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not _alive(pid):
            with contextlib.suppress(OSError):
                path.unlink()
            continue
        if served_model == model and _healthy(url):
            return url
    return None


def ask_server(url: str, question: str, *, k: int | None, mode: str, api_key: str | None) -> dict[str, Any] | None:
    """The server's answer as JSON (the ``Answer`` model), or ``None`` if it could not give one."""
    body = json.dumps({"question": question, "k": k, "mode": mode}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["X-API-Key"] = api_key
    request = urllib.request.Request(url + "/api/ask", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=ASK_TIMEOUT) as resp:
            answer = json.loads(resp.read())
    except (OSError, ValueError):  # refused, timed out, an error status (HTTPError), bad JSON
        return None
    return answer if isinstance(answer, dict) else None


def announce_when_ready(
    url: str,
    announce: Callable[[], None],
    *,
    settled: Callable[[str | None], None] | None = None,
    interval: float = 0.2,
    give_up_after: float | None = None,
) -> threading.Thread:
    """Call ``announce`` from a background thread once ``url`` answers ``/healthz``.

    ``assistant serve`` prints its address this way: when the page answers (it shows that the
    model and the index are loading until they are). Then, with ``settled``, the thread waits
    for the loading to end and calls ``settled(None)`` once questions can be answered, or
    ``settled(error)`` with the reason the server cannot answer (no usable index, say).
    Nothing is announced when something already answers at ``url`` as the thread starts (the
    new server cannot listen there). Gives up silently after ``give_up_after`` seconds (never
    by default; the thread is a daemon and ends with the process).
    """

    def wait() -> None:
        if _health(url) is not None:  # something else answers there already: this server will not bind
            return
        deadline = None if give_up_after is None else time.monotonic() + give_up_after
        if poll(lambda health: health is not None, deadline) is None:
            return
        announce()
        if settled is None:
            return
        health = poll(lambda health: health is not None and health[1].get("status") != "loading", deadline)
        if health is not None:
            settled(None if health[0] == 200 else str(health[1].get("error") or "서버가 답할 수 없습니다."))

    def poll(
        done: Callable[[tuple[int, dict[str, Any]] | None], bool], deadline: float | None
    ) -> tuple[int, dict[str, Any]] | None:
        """``/healthz`` until ``done`` says so, every ``interval`` seconds; None past the deadline."""
        while deadline is None or time.monotonic() < deadline:
            health = _health(url)
            if done(health):
                return health
            time.sleep(interval)
        return None

    thread = threading.Thread(target=wait, name="announce-when-ready", daemon=True)
    thread.start()
    return thread
