"""The engine leaves the CPUs to the model: NumPy's BLAS runs on one thread (assistant/embedding/cpu.py)."""

from __future__ import annotations

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from assistant.answer.engine import Engine
from assistant.embedding import cpu
from assistant.settings import Settings


def blas_threads() -> set[int]:
    return {int(lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas"}


def test_an_engine_limits_blas_to_one_thread(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    if not blas_threads():
        pytest.skip("no BLAS library that threadpoolctl can see is loaded")
    monkeypatch.setattr(cpu, "_done", False)  # as in a new process
    threadpool_limits(limits=2, user_api="blas")
    assert blas_threads() == {2}
    Engine(settings)
    assert blas_threads() == {cpu.BLAS_THREADS}


def test_the_limit_is_set_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cpu, "_done", False)
    assert cpu.leave_cores_to_the_model() is True
    threadpool_limits(limits=2, user_api="blas")  # a caller that wants more threads later keeps them
    assert cpu.leave_cores_to_the_model() is False
    assert blas_threads() == {2}
    threadpool_limits(limits=cpu.BLAS_THREADS, user_api="blas")
