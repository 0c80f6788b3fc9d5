"""The CPUs go to the model: NumPy's BLAS runs on one thread in a process that embeds.

After a matrix product, OpenBLAS's worker threads keep spinning for a while, waiting for the next
one. An answer makes a few small products (the candidates' cosines, diversification) between
embeddings, so those threads take a core away from ONNX Runtime (or torch) just when it embeds the
next question or sentences: on two cores, the question's embedding took 13 ms instead of 9.5 ms
after them (``bench/speed.py`` measures the whole answer). The products themselves are small
(at most a few thousand rows by the model's width), so one BLAS thread costs them nothing that
matters. ONNX Runtime and torch keep their own thread pools; only BLAS libraries are limited.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

#: Threads NumPy's (and FAISS's) BLAS may use in a process that embeds.
BLAS_THREADS = 1

_done = False
_lock = threading.Lock()


def leave_cores_to_the_model() -> bool:
    """Limit the BLAS libraries loaded in this process to :data:`BLAS_THREADS` (once per process;
    later calls do nothing). Returns whether a limit was set now. Without ``threadpoolctl``, or
    where it cannot set the limit, nothing changes: only speed depends on it."""
    global _done
    with _lock:
        if _done:
            return False
        _done = True
        try:
            from threadpoolctl import threadpool_limits

            threadpool_limits(limits=BLAS_THREADS, user_api="blas")
        except Exception as exc:  # a missing or unusual library: answers are the same, only slower
            log.debug("BLAS threads left as they are: %s", exc)
            return False
        return True
