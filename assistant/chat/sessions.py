"""Conversations in SQLite: sessions and their turns, surviving restarts, expiring when idle.

A turn keeps what a person sees (question, searched query, the answer as JSON) and what
the next question may need (:class:`Turn`: the passages cited, the summary's items, the
weighted topic). Only the last few turns are ever read back for a new message, so a
session with hundreds of turns costs no more than one with four.

One connection is shared behind a lock (WAL journal: readers in other processes are not
blocked). A new store file is created readable by its owner only. :meth:`SessionStore.lock` gives a per-session lock so that two messages for
the same session are handled one after the other and stored in order.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from assistant.errors import ConfigError

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, created REAL NOT NULL, updated REAL NOT NULL, owner TEXT, title TEXT
);
CREATE INDEX IF NOT EXISTS sessions_updated ON sessions(updated);
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL, n INTEGER NOT NULL, at REAL NOT NULL,
    question TEXT NOT NULL, query TEXT NOT NULL, followup TEXT, drew_on INTEGER,
    answer TEXT NOT NULL, context TEXT NOT NULL,
    PRIMARY KEY (session_id, n)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS feedback (
    session_id TEXT NOT NULL, n INTEGER NOT NULL, rating TEXT NOT NULL, comment TEXT, at REAL NOT NULL,
    PRIMARY KEY (session_id, n)
) WITHOUT ROWID;
"""
#: Columns added to ``sessions`` since the first format, added to older files when opened.
ADDED_COLUMNS = (("owner", "TEXT"), ("title", "TEXT"))
#: Index created once the added columns exist.
OWNER_INDEX = "CREATE INDEX IF NOT EXISTS sessions_owner ON sessions(owner, updated)"

#: Owner keys: what a browser sends to list its conversations (16-128 URL-safe characters).
OWNER_KEY = re.compile(r"^[A-Za-z0-9_\-]{16,128}$")
#: A default title is the first question, cut to this many characters.
TITLE_CHARS = 60
Rating = Literal["up", "down"]

#: Session ids a client may choose: letters, digits and ``._:-``, up to 128 characters.
SESSION_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

Status = Literal["active", "expired", "unknown"]
#: The subject of a question as (term, class: name | foreign | common, number of its run of nouns).
Focus = tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class Passage:
    """A passage an earlier answer cited: ``shown`` when some of its sentences are in the
    summary, ``spent`` when all of them are (it has nothing more to tell)."""

    n: int
    chunk_id: str
    doc_id: str
    shown: bool
    spent: bool = False


@dataclass(frozen=True)
class Item:
    """One sentence of an earlier summary, in order: the items of a listed answer."""

    text: str
    citation: int
    terms: tuple[str, ...] = ()
    start: int = -1  #: where the sentence starts in its document


@dataclass(frozen=True)
class Turn:
    """One question of a conversation with what a later question may draw on."""

    n: int
    question: str
    query: str
    followup: str | None = None
    drew_on_turn: int | None = None
    passages: tuple[Passage, ...] = ()
    items: tuple[Item, ...] = ()
    #: Content terms the conversation is about after this turn, with their weights (ordered).
    topic: Mapping[str, float] = field(default_factory=dict)
    #: The nouns of the question's subject ("유럽의 AI 전략은?": 유럽 | AI 전략) that an
    #: elliptical follow-up may swap ("그럼 미국은?").
    focus: Focus = ()
    #: Chunks this turn's search left out and sentences (doc id, start) its summary avoided,
    #: because earlier answers had shown them: "more" after "more" leaves them out again.
    excluded: tuple[str, ...] = ()
    avoided: tuple[tuple[str, int], ...] = ()
    abstained: bool = False
    #: the message was no question (thanks, a greeting …): follow-ups look past this turn
    social: bool = False
    at: float = 0.0
    #: The summary's sentences (doc id, start, end): what "more" does not say again. The items
    #: may be more than these: the members of a list the document writes out, shown or not.
    said: tuple[tuple[str, int, int], ...] = ()
    #: The sentence (doc id, start) this turn elaborated (an ordinal's item, what "more" went on
    #: from): "그건 왜?" right after asks about it.
    anchor: tuple[str, int] | None = None
    #: The content terms of the cited sentences that name what was asked: what the answer put in
    #: front of the reader with it, which a follow-up may ask about as part of the same thing
    #: ("헌법 고치려면?" → "… 국민투표에 붙여 …" → "국민투표는?").
    named: tuple[str, ...] = ()
    #: The two things the answer set side by side ("미국과 한국의 AI 동맹은 어떻게 달라?": 미국, 한국):
    #: a follow-up asking another aspect ("규제 쪽은?") compares them again.
    sides: tuple[str, ...] = ()

    def was_said(self, doc: str, start: int) -> bool:
        """Whether the summary showed the text at ``start`` of ``doc``."""
        return any(d == doc and a <= start < b for d, a, b in self.said)

    def doc_of(self, citation: int) -> str | None:
        """The document of the passage numbered ``citation``."""
        return next((p.doc_id for p in self.passages if p.n == citation), None)


@dataclass(frozen=True)
class Session:
    """A conversation as the list shows it; ``title`` is the given one or the first question."""

    id: str
    created: float
    updated: float
    turns: int
    owner: str | None = None
    title: str = ""


@dataclass(frozen=True)
class Feedback:
    """A person's rating of one answer (``n`` is its turn), with an optional comment."""

    session_id: str
    n: int
    rating: Rating
    comment: str | None
    at: float


@dataclass(frozen=True)
class Rated:
    """A rated answer with its question, for an evaluation file."""

    feedback: Feedback
    question: str
    answer_json: str


def default_title(question: str) -> str:
    """The first question as a title: whitespace collapsed, cut at :data:`TITLE_CHARS` with "…"."""
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class StoredTurn:
    """A turn as the history shows it: its number, time and the answer as JSON."""

    n: int
    at: float
    followup: str | None
    drew_on_turn: int | None
    answer_json: str


class SessionStore:
    """Conversations in one SQLite file. Thread-safe; ``clock`` is injectable for tests."""

    def __init__(self, path: Path, *, ttl_hours: float = 72.0, clock: Callable[[], float] = time.time) -> None:
        if ttl_hours <= 0:
            raise ConfigError(f"session_ttl_hours must be positive, not {ttl_hours}")
        self.path = path
        self.ttl_seconds = ttl_hours * 3600.0
        self.clock = clock
        self._lock = threading.RLock()
        self._session_locks: weakref.WeakValueDictionary[str, threading.Lock] = weakref.WeakValueDictionary()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _create_private(path)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        except (OSError, sqlite3.DatabaseError) as exc:
            raise _unusable(path, exc) from exc
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(SCHEMA)
            _add_columns(self._db)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise _unusable(path, exc) from exc
        self.expire()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sessions -----------------------------------------------------------------------

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(12)

    @staticmethod
    def valid_id(session_id: str) -> bool:
        return bool(SESSION_ID.match(session_id))

    def status(self, session_id: str) -> Status:
        """``active``, ``expired`` (idle too long, not yet purged) or ``unknown``."""
        row = self._one("SELECT updated FROM sessions WHERE id = ?", (session_id,))
        if row is None:
            return "unknown"
        return "active" if row[0] >= self.clock() - self.ttl_seconds else "expired"

    def get(self, session_id: str) -> Session | None:
        """The session, or None when it is unknown or expired."""
        row = self._one(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        if row is None or row[2] < self.clock() - self.ttl_seconds:
            return None
        return _session(row)

    def sessions_of(self, owner: str, limit: int = 200) -> list[Session]:
        """The owner's live sessions that have a turn, the most recently updated first."""
        rows = self._all(
            f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE owner = ? AND updated >= ? "
            "AND EXISTS (SELECT 1 FROM turns WHERE session_id = id) ORDER BY updated DESC, id LIMIT ?",
            (owner, self.clock() - self.ttl_seconds, limit),
        )
        return [_session(row) for row in rows]

    def rename(self, session_id: str, owner: str, title: str) -> Session | None:
        """Give the owner's live session a title; None when it is not a live session of ``owner``."""
        session = self.get(session_id)
        if session is None or session.owner != owner:
            return None
        with self._transaction() as db:
            db.execute("UPDATE sessions SET title = ?, updated = ? WHERE id = ?", (title, self.clock(), session_id))
        return self.get(session_id)

    def create(self, session_id: str | None = None) -> str:
        """Start an empty session (a fresh id unless one is given) and return its id."""
        sid = self.new_id() if session_id is None else session_id
        if not self.valid_id(sid):
            raise ConfigError(f"invalid session id {sid!r}: use 1-128 letters, digits or ._:-")
        now = self.clock()
        with self._transaction() as db:
            db.execute("DELETE FROM turns WHERE session_id = ?", (sid,))
            db.execute("DELETE FROM feedback WHERE session_id = ?", (sid,))
            db.execute("INSERT OR REPLACE INTO sessions (id, created, updated) VALUES (?, ?, ?)", (sid, now, now))
        return sid

    def delete(self, session_id: str) -> bool:
        """Forget a session and its turns; False when there was none."""
        with self._transaction() as db:
            db.execute("DELETE FROM turns WHERE session_id = ?", (session_id,))
            db.execute("DELETE FROM feedback WHERE session_id = ?", (session_id,))
            return db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount > 0

    def expire(self) -> int:
        """Delete the sessions idle longer than the time to live; returns how many."""
        cutoff = self.clock() - self.ttl_seconds
        with self._transaction() as db:
            old = "SELECT id FROM sessions WHERE updated < ?"
            db.execute(f"DELETE FROM turns WHERE session_id IN ({old})", (cutoff,))
            db.execute(f"DELETE FROM feedback WHERE session_id IN ({old})", (cutoff,))
            return db.execute("DELETE FROM sessions WHERE updated < ?", (cutoff,)).rowcount

    @contextlib.contextmanager
    def lock(self, session_id: str) -> Iterator[None]:
        """Hold the session's lock: its messages are handled one at a time, in arrival order."""
        with self._lock:
            lock = self._session_locks.get(session_id)
            if lock is None:
                lock = threading.Lock()
                self._session_locks[session_id] = lock
        with lock:
            yield

    # -- turns --------------------------------------------------------------------------

    def append(self, session_id: str, turn: Turn, answer_json: str, *, owner: str | None = None) -> int:
        """Store a turn after the last one (creating the session if needed); returns its number.

        A session created here belongs to ``owner``; one without an owner is taken by the first
        owner that continues it; one with an owner keeps it.
        """
        now = self.clock()
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO sessions (id, created, updated, owner) VALUES (?, ?, ?, ?)",
                (session_id, now, now, owner),
            )
            db.execute(
                "UPDATE sessions SET updated = ?, owner = coalesce(owner, ?) WHERE id = ?", (now, owner, session_id)
            )
            row = db.execute("SELECT coalesce(max(n), 0) + 1 FROM turns WHERE session_id = ?", (session_id,))
            n = int(row.fetchone()[0])
            db.execute(
                "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    session_id,
                    n,
                    now,
                    turn.question,
                    turn.query,
                    turn.followup,
                    turn.drew_on_turn,
                    answer_json,
                    _context_json(turn),
                ),
            )
        return n

    def recent(self, session_id: str, limit: int) -> list[Turn]:
        """The last ``limit`` turns, oldest first (only those rows are read)."""
        rows = self._all(
            "SELECT n, at, question, query, followup, drew_on, context FROM turns "
            "WHERE session_id = ? ORDER BY n DESC LIMIT ?",
            (session_id, limit),
        )
        return [_turn(row) for row in reversed(rows)]

    def history(self, session_id: str) -> list[StoredTurn]:
        """Every turn of a session, oldest first."""
        rows = self._all(
            "SELECT n, at, followup, drew_on, answer FROM turns WHERE session_id = ? ORDER BY n",
            (session_id,),
        )
        return [StoredTurn(*row) for row in rows]

    # -- feedback -----------------------------------------------------------------------

    def rate(self, session_id: str, n: int, rating: Rating, comment: str | None) -> Feedback | None:
        """Set (or change) the rating of turn ``n``; None when the live session has no such turn."""
        if self.get(session_id) is None:
            return None
        now = self.clock()
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM turns WHERE session_id = ? AND n = ?", (session_id, n)).fetchone() is None:
                return None
            db.execute("INSERT OR REPLACE INTO feedback VALUES (?, ?, ?, ?, ?)", (session_id, n, rating, comment, now))
        return Feedback(session_id, n, rating, comment, now)

    def unrate(self, session_id: str, n: int) -> bool:
        """Remove the rating of turn ``n``; False when it had none."""
        with self._transaction() as db:
            return db.execute("DELETE FROM feedback WHERE session_id = ? AND n = ?", (session_id, n)).rowcount > 0

    def feedback(self, session_id: str) -> list[Feedback]:
        """The ratings of a session's answers, by turn."""
        rows = self._all(
            "SELECT session_id, n, rating, comment, at FROM feedback WHERE session_id = ? ORDER BY n", (session_id,)
        )
        return [Feedback(*row) for row in rows]

    def rated(self) -> list[Rated]:
        """Every rated answer with its question, the oldest rating first."""
        rows = self._all(
            "SELECT f.session_id, f.n, f.rating, f.comment, f.at, t.question, t.answer FROM feedback f "
            "JOIN turns t ON t.session_id = f.session_id AND t.n = f.n ORDER BY f.at, f.session_id, f.n",
            (),
        )
        return [Rated(Feedback(*row[:5]), row[5], row[6]) for row in rows]

    # -- SQLite -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, params: tuple[object, ...]) -> tuple | None:  # type: ignore[type-arg]
        with self._lock:
            return self._db.execute(sql, params).fetchone()  # type: ignore[no-any-return]

    def _all(self, sql: str, params: tuple[object, ...]) -> list[tuple]:  # type: ignore[type-arg]
        with self._lock:
            return self._db.execute(sql, params).fetchall()


_SESSION_COLUMNS = (
    "id, created, updated, (SELECT count(*) FROM turns WHERE session_id = id), owner, title, "
    "(SELECT question FROM turns WHERE session_id = id ORDER BY n LIMIT 1)"
)


def _session(row: tuple) -> Session:  # type: ignore[type-arg]
    sid, created, updated, turns, owner, title, first = row
    return Session(sid, created, updated, turns, owner, title or default_title(first or ""))


def _add_columns(db: sqlite3.Connection) -> None:
    """Bring a store written by an earlier version up to date (columns are only ever added)."""
    have = {row[1] for row in db.execute("PRAGMA table_info(sessions)")}
    for name, kind in ADDED_COLUMNS:
        if name not in have:
            db.execute(f"ALTER TABLE sessions ADD COLUMN {name} {kind}")
    db.execute(OWNER_INDEX)


def _create_private(path: Path) -> None:
    """Create the store readable and writable by its owner only, if it does not exist yet
    (SQLite gives its ``-wal`` and ``-shm`` files the same mode). An empty file is an empty database."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


def _unusable(path: Path, exc: Exception) -> ConfigError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return ConfigError(
        f"대화 저장 파일을 쓸 수 없습니다: {path} ({reason}). (the conversation store cannot be used)",
        hint="Set ASSISTANT_SESSIONS_PATH to a file in a folder you can write to.",
    )


def _context_json(turn: Turn) -> str:
    return json.dumps(
        {
            "passages": [[p.n, p.chunk_id, p.doc_id, p.shown, p.spent] for p in turn.passages],
            "items": [[i.text, i.citation, list(i.terms), i.start] for i in turn.items],
            "topic": list(turn.topic.items()),
            "focus": [list(f) for f in turn.focus],
            "excluded": list(turn.excluded),
            "avoided": [list(a) for a in turn.avoided],
            "abstained": turn.abstained,
            "social": turn.social,
            "said": [list(a) for a in turn.said],
            "anchor": list(turn.anchor) if turn.anchor else None,
            "named": list(turn.named),
            "sides": list(turn.sides),
        },
        ensure_ascii=False,
    )


def _turn(row: tuple) -> Turn:  # type: ignore[type-arg]
    n, at, question, query, followup, drew_on, context = row
    c = json.loads(context)
    return Turn(
        n=n,
        question=question,
        query=query,
        followup=followup,
        drew_on_turn=drew_on,
        passages=tuple(Passage(pn, cid, doc, bool(shown), bool(spent)) for pn, cid, doc, shown, spent in c["passages"]),
        items=tuple(Item(text, cit, tuple(terms), start) for text, cit, terms, start in c["items"]),
        topic=dict((t, float(w)) for t, w in c["topic"]),
        focus=tuple((t, k, int(i)) for t, k, i in c["focus"]),
        excluded=tuple(c["excluded"]),
        avoided=tuple((doc, start) for doc, start in c["avoided"]),
        abstained=bool(c["abstained"]),
        social=bool(c.get("social", False)),  # stored before "social": a question
        at=at,
        said=tuple((doc, a, b) for doc, a, b in c.get("said", ())),  # stored before "said": none
        anchor=(str(c["anchor"][0]), int(c["anchor"][1])) if c.get("anchor") else None,
        named=tuple(c.get("named", ())),  # stored before "named": none
        sides=tuple(c.get("sides", ())),  # stored before "sides": none
    )
