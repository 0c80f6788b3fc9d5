"""Whether a text may hold an entry of Kiwi's multi-word dictionary (WikiData proper nouns).

Loading that dictionary is most of Kiwi's start-up (about 2 of 3.5 s), and a question rarely
names one of its 250,000 entries ("조지 워커 부시", "영어 위키백과"). A one-question process
therefore starts a Kiwi without it and analyses a text with the full Kiwi only when the text
may hold an entry: when the first two words of an entry, joined without the space, occur in
the text with its whitespace removed (Kiwi also finds "잭바우어" for "잭 바우어"). The test
can say yes for nothing (then the full Kiwi loads and the analysis is the same as always) but
never no for a text the dictionary would change.

The keys are read once from the dictionary of the installed ``kiwipiepy_model`` (0.6 s) and kept
in a SQLite table in the cache folder, named by that dictionary's size and time, which later
processes look up without reading it whole (a millisecond).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

#: The dictionary file inside the ``kiwipiepy_model`` package.
DICT_NAME = "multi.dict"


def dictionary_path() -> Path:
    """The multi-word dictionary Kiwi loads by default."""
    import kiwipiepy_model

    return Path(kiwipiepy_model.get_model_path()) / DICT_NAME


def keys_from_dictionary(path: Path) -> frozenset[str]:
    """The first two words of every multi-word entry, joined without the space, lower-cased."""
    keys = set()
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            words = line.split("\t", 1)[0].split()
            if len(words) > 1:
                keys.add((words[0] + words[1]).lower())
    return frozenset(keys)


def open_keys(cache_dir: Path | None, dictionary: Path | None = None) -> MultiWordFilter:
    """The filter of ``dictionary`` (by default Kiwi's), from its table in the cache folder.

    The table is built on first use; without a writable cache folder the keys are read from the
    dictionary each time (0.6 s).
    """
    dictionary = dictionary or dictionary_path()
    stat = dictionary.stat()
    if cache_dir is not None:
        table = cache_dir / "kiwi" / f"multi-keys-{stat.st_size}-{stat.st_mtime_ns}.sqlite"
        with contextlib.suppress(OSError, sqlite3.Error):
            if not table.exists():
                _write_table(table, keys_from_dictionary(dictionary))
            return SqliteKeys(table)
    return MultiWordFilter(keys_from_dictionary(dictionary))


def _write_table(table: Path, keys: Iterable[str]) -> None:
    table.parent.mkdir(parents=True, exist_ok=True)
    tmp = table.with_name(f"{table.name}.{os.getpid()}.tmp")
    with contextlib.closing(sqlite3.connect(tmp)) as db:
        db.execute("CREATE TABLE keys (key TEXT PRIMARY KEY) WITHOUT ROWID")
        db.executemany("INSERT INTO keys VALUES (?)", ((k,) for k in sorted(keys)))
        lengths = sorted({len(k) for k in keys})
        db.execute("CREATE TABLE lengths (n INTEGER)")
        db.executemany("INSERT INTO lengths VALUES (?)", ((n,) for n in lengths))
        db.commit()
    os.replace(tmp, table)


class MultiWordFilter:
    """Tells whether a text may hold a multi-word entry (see the module's docstring)."""

    def __init__(self, keys: frozenset[str]) -> None:
        self.keys = keys
        self.lengths = sorted({len(k) for k in keys if k})

    def may_hold_entry(self, text: str) -> bool:
        return any(self._found(chunk) for chunk in _batches(_candidates("".join(text.split()).lower(), self.lengths)))

    def _found(self, candidates: list[str]) -> bool:
        return any(c in self.keys for c in candidates)


class SqliteKeys(MultiWordFilter):
    """The same filter over the keys' table in the cache folder: nothing to read into memory."""

    def __init__(self, table: Path) -> None:
        self._db = sqlite3.connect(f"file:{table}?mode=ro", uri=True, check_same_thread=False)
        self.lengths = [n for (n,) in self._db.execute("SELECT n FROM lengths ORDER BY n")]

    def _found(self, candidates: list[str]) -> bool:
        marks = ",".join("?" * len(candidates))
        try:
            row = self._db.execute(f"SELECT 1 FROM keys WHERE key IN ({marks}) LIMIT 1", candidates).fetchone()
        except sqlite3.Error:  # a table that went bad: the full Kiwi, to be safe
            return True
        return row is not None


def _candidates(joined: str, lengths: list[int]) -> Iterator[str]:
    for start in range(len(joined)):
        for n in lengths:
            if start + n > len(joined):
                break
            yield joined[start : start + n]


def _batches(items: Iterator[str], size: int = 500) -> Iterator[list[str]]:
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
