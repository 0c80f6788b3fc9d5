"""Rebuilding the index while the service keeps answering, and following rebuilds made elsewhere.

A rebuild runs in a background thread: :meth:`Engine.build_index` writes a new version folder
and switches the index's ``CURRENT`` pointer only when it is complete, then
:meth:`Engine.reload` swaps the engine over. Until then every request is answered from the
old index. A rebuild made by the command line (another process) is noticed by polling
``CURRENT`` and loaded the same way.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import anyio

from assistant import Engine, current_version
from assistant.errors import AssistantError
from assistant.web.schemas import ReindexStatus

log = logging.getLogger("assistant.web")


class IndexMaintainer:
    """Starts rebuilds in the background and keeps the engine on the newest complete index."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._status = ReindexStatus(state="idle")
        self._seen: Path | None = current_version(engine.settings.index_dir)

    @property
    def running(self) -> bool:
        with self._lock:
            return self._status.state == "running"

    def status(self) -> ReindexStatus:
        with self._lock:
            return self._status.model_copy()

    def start(self, *, rebuild: bool = False) -> ReindexStatus:
        """Start a rebuild unless one is running; returns the status either way."""
        with self._lock:
            if self._status.state == "running":
                return self._status.model_copy()
            self._status = ReindexStatus(state="running", rebuild=rebuild, started_at=time.time())
            self._thread = threading.Thread(target=self._run, args=(rebuild,), name="reindex", daemon=True)
            self._thread.start()
            return self._status.model_copy()

    def join(self, timeout: float | None = None) -> ReindexStatus:
        """Wait for the running rebuild (if any) to finish."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self.status()

    def _run(self, rebuild: bool) -> None:
        try:
            result = self.engine.build_index(rebuild=rebuild)  # switches a serving engine over
            self._seen = result.version_dir
            m = result.manifest
            self._finish("done", documents=m.n_documents, chunks=m.n_chunks, version=result.version_dir.name)
        except AssistantError as exc:
            log.warning("reindex failed: %s", exc)
            self._finish("failed", error=str(exc))
        except Exception as exc:  # a failed rebuild must not take the service down
            log.exception("reindex failed")
            self._finish("failed", error=f"{type(exc).__name__}: {exc}")

    def _finish(self, state: str, **fields: object) -> None:
        with self._lock:
            update = {"state": state, "finished_at": time.time(), **fields}
            self._status = self._status.model_copy(update=update)

    def follow_once(self) -> bool:
        """Reload when ``CURRENT`` names another version than last seen; True if it did."""
        if self.running:
            return False
        folder = current_version(self.engine.settings.index_dir)
        if folder is None or folder == self._seen:
            return False
        self._seen = folder  # tried once; a broken version is not retried every poll
        try:
            self.engine.reload()
        except AssistantError as exc:
            log.warning("the new index %s cannot be loaded: %s", folder, exc)
            return False
        log.info("switched to index version %s", folder.name)
        return True

    async def follow(self, interval: float) -> None:
        """Poll for rebuilds made by other processes until cancelled."""
        while True:
            await anyio.sleep(interval)
            await anyio.to_thread.run_sync(self.follow_once)
