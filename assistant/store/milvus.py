"""Milvus as a vector index: a Milvus server or cluster, or milvus-lite in a local ``.db`` file.

The ``vector_index`` setting names the location: ``milvus://host:port`` (``milvus+https://``
for TLS, optionally ``/database`` after the port) or a path ending in ``.db``, which pymilvus
opens with milvus-lite inside this process (offline, one process per file). An access token,
when the server wants one, comes from ``ASSISTANT_MILVUS_TOKEN``, never from the URI: the
location is written to the index manifest.

Every index version gets its own collection ``assistant_<version name>``. ``save(path)`` writes
only a small JSON locator (uri, collection, dim, metric); the vectors live in Milvus. Vectors
are L2-normalized, so the metric is inner product (IP), and scores equal the other backends'.

Index type: FLAT (exact) on milvus-lite, which is meant for small corpora; HNSW on a server
(M 32, efConstruction 200, ef at least 128 and at least k), the usual choice for millions of
vectors in memory. pymilvus is imported only when a Milvus index is made or opened.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ConfigError, IndexCorruptError, VectorStoreError
from assistant.options import MILVUS_TOKEN_ENV, milvus_host, normalize_milvus_location
from assistant.store.vectors import check_vectors

log = logging.getLogger("assistant")

#: Seconds to wait for a Milvus server before giving up.
CONNECT_TIMEOUT = 10.0
#: Seconds one request may take, retries included (pymilvus otherwise retries for minutes).
REQUEST_TIMEOUT = 30.0
#: Seconds for requests that wait for Milvus to work through a whole collection (create, flush, load).
LONG_TIMEOUT = 600.0
#: Seconds between two looks at the progress of an index build.
INDEX_POLL = 1.0
#: Rows per insert or delete request (Milvus caps the size of one request).
BATCH = 5000
#: Largest k Milvus accepts in one search; slots beyond it stay empty (id -1).
MAX_TOPK = 16384
COLLECTION_PREFIX = "assistant_"
ID_FIELD, VECTOR_FIELD, METRIC = "id", "vector", "IP"
HNSW_BUILD = {"M": 32, "efConstruction": 200}
HNSW_EF = 128
LOCATOR_FORMAT = "assistant-milvus-locator/1"


def client_uri(location: str) -> str:
    """What pymilvus is given for a normalized location: ``http(s)://host:port[/db]`` or the ``.db`` path."""
    if location.endswith(".db"):
        return location
    scheme, rest = location.split("://", 1)
    return ("https://" if scheme == "milvus+https" else "http://") + rest


def collection_name(name: str) -> str:
    """A valid collection name (letters, digits, underscores) for an index version name.

    An empty name gives a fresh unique one.
    """
    cleaned = re.sub(r"[^0-9A-Za-z_]", "_", name).strip("_") or uuid.uuid4().hex
    return (COLLECTION_PREFIX + cleaned)[:255]


@dataclass(frozen=True)
class Locator:
    """Where the vectors of one index version live; saved as JSON in the index folder."""

    uri: str
    collection: str
    dim: int
    metric: str
    index_type: str
    format: str = LOCATOR_FORMAT

    def write(self, path: Path) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2) + "\n", "utf-8")
        tmp.replace(path)

    @classmethod
    def read(cls, path: Path) -> Locator:
        try:
            data = json.loads(path.read_text("utf-8"))
            locator = cls(**data)
            if locator.format != LOCATOR_FORMAT or not isinstance(locator.dim, int) or locator.dim < 1:
                raise ValueError(f"unexpected format {locator.format!r} or dimension {locator.dim!r}")
            normalize_milvus_location(locator.uri)
        except (OSError, UnicodeDecodeError, ValueError, TypeError, ConfigError) as exc:
            raise IndexCorruptError(f"Milvus 위치 파일 {path}를 읽을 수 없습니다({exc}).") from exc
        return locator


class MilvusIndex:
    """One Milvus collection of (int64 id, float vector) rows, searched by inner product."""

    kind = "milvus"

    def __init__(self, client: Any, locator: Locator) -> None:
        """Use :meth:`create` or :meth:`load`."""
        self._client = client
        self.locator = locator
        self.dim = locator.dim
        self.timeout = REQUEST_TIMEOUT

    @property
    def collection(self) -> str:
        return self.locator.collection

    @classmethod
    def create(
        cls, location: str, dim: int, name: str = "", *, index_type: str = "", timeout: float = CONNECT_TIMEOUT
    ) -> MilvusIndex:
        """A new empty collection for the version ``name`` at ``location`` (a ``vector_index`` value).

        ``index_type`` overrides the default: FLAT on milvus-lite, HNSW on a server.
        """
        uri = normalize_milvus_location(location)
        index_type = (index_type or ("FLAT" if uri.endswith(".db") else "HNSW")).upper()
        if index_type not in ("FLAT", "HNSW"):
            raise ConfigError(f"알 수 없는 Milvus 색인 종류 {index_type!r}입니다. FLAT이나 HNSW를 고르세요.")
        locator = Locator(uri, collection_name(name), int(dim), METRIC, index_type)
        index = cls(connect(uri, timeout), locator)
        with index._closing_on_error(), index._calls("create the collection"):
            if index._client.has_collection(locator.collection, timeout=index.timeout):
                raise ConfigError(
                    f"Milvus 컬렉션 {locator.collection}이 {uri}에 이미 있습니다.",
                    hint="색인 버전 이름은 겹치지 않으므로 다른 색인의 것일 수 있습니다. "
                    "아무도 쓰지 않을 때만 지우세요(MilvusClient.drop_collection).",
                )
            index._client.create_collection(
                locator.collection,
                schema=_schema(dim),
                index_params=_index_params(index._client, index_type),
                consistency_level="Session",
                timeout=LONG_TIMEOUT,
            )
        return index

    @classmethod
    def load(cls, path: Path, *, timeout: float = CONNECT_TIMEOUT) -> MilvusIndex:
        """Reconnect to the collection named by the locator file at ``path``."""
        locator = Locator.read(path)
        index = cls(connect(locator.uri, timeout), locator)
        client = index._client
        with index._closing_on_error(), index._calls("open the collection"):
            if not client.has_collection(locator.collection, timeout=index.timeout):
                raise IndexCorruptError(
                    f"{path}가 가리키는 Milvus 컬렉션 {locator.collection}이 {locator.uri}에 없습니다."
                )
            dim = _vector_dim(client.describe_collection(locator.collection, timeout=index.timeout))
            if dim != locator.dim:
                raise IndexCorruptError(
                    f"Milvus 컬렉션 {locator.collection}은 {dim}차원인데 {path}에는 {locator.dim}차원으로 적혀 있습니다."
                )
            client.load_collection(locator.collection, timeout=LONG_TIMEOUT)
        return index

    def __len__(self) -> int:
        with self._calls("count the vectors"):
            rows = self._client.query(self.collection, filter="", output_fields=["count(*)"], timeout=self.timeout)
        return int(rows[0]["count(*)"])

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        vectors = check_vectors(vectors, self.dim)
        ids = np.asarray(ids, dtype=np.int64).ravel()
        if len(ids) != len(vectors):
            raise ConfigError(f"벡터 {len(vectors)}개에 ID가 {len(ids)}개입니다.")
        with self._calls("insert vectors"):
            for start in range(0, len(ids), BATCH):
                rows = [
                    {ID_FIELD: int(i), VECTOR_FIELD: v}
                    for i, v in zip(ids[start : start + BATCH], vectors[start : start + BATCH], strict=True)
                ]
                self._client.insert(self.collection, rows, timeout=self.timeout)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = check_vectors(queries, self.dim)
        scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
        ids = np.full((len(queries), k), -1, dtype=np.int64)
        limit = min(k, MAX_TOPK)
        if limit < 1 or not len(queries):
            return scores, ids
        with self._calls("search"):
            results = self._client.search(
                self.collection,
                data=list(queries),
                limit=limit,
                anns_field=VECTOR_FIELD,
                output_fields=[ID_FIELD],  # an empty list makes milvus-lite return every field
                search_params=self._search_params(limit),
                timeout=self.timeout,
            )
        for row, hits in enumerate(results):
            for col, hit in enumerate(hits[:limit]):
                ids[row, col] = hit["id"]
                scores[row, col] = hit["distance"]
        return scores, ids

    def remove(self, ids: np.ndarray) -> None:
        """Delete rows; later reads of this index no longer see them.

        A Milvus 2.3 server can answer a read that follows a delete from the rows before it
        when the same client read the collection earlier, despite Session consistency; one
        read at Strong consistency (which waits for every earlier write) settles it.
        """
        ids = np.asarray(ids, dtype=np.int64).ravel()
        with self._calls("delete vectors"):
            for start in range(0, len(ids), BATCH):
                self._client.delete(
                    self.collection, ids=[int(i) for i in ids[start : start + BATCH]], timeout=self.timeout
                )
            self._client.query(
                self.collection, filter="", output_fields=["count(*)"], consistency_level="Strong", timeout=self.timeout
            )

    def save(self, path: Path) -> None:
        """Make the rows durable in Milvus, wait for their HNSW index, write the locator file at ``path``.

        A server builds the index of flushed rows in the background and searches rows not yet
        indexed exhaustively, which is exact but slow: the build waits (up to
        :data:`LONG_TIMEOUT`) so that serving nodes switch to an indexed collection.
        """
        with self._calls("flush the collection"):
            self._client.flush(self.collection, timeout=LONG_TIMEOUT)
            if self.locator.index_type == "HNSW" and not self._wait_for_index(time.monotonic() + LONG_TIMEOUT):
                log.warning("Milvus is still indexing %s; searches are slower until it finishes", self.collection)
        self.locator.write(path)

    def _wait_for_index(self, deadline: float) -> bool:
        """Whether every flushed row is in the vector index before ``deadline`` (time.monotonic)."""
        name = self._client.list_indexes(self.collection, timeout=self.timeout)[0]
        while True:
            state = self._client.describe_index(self.collection, name, timeout=self.timeout)
            if not state.get("pending_index_rows", 0):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(INDEX_POLL)

    def close(self) -> None:
        """Release the connection; the collection stays."""
        self._client.close()

    def _search_params(self, limit: int) -> dict[str, Any]:
        if self.locator.index_type == "HNSW":
            return {"metric_type": METRIC, "params": {"ef": max(HNSW_EF, limit)}}
        return {"metric_type": METRIC, "params": {}}

    @contextlib.contextmanager
    def _closing_on_error(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            self.close()
            raise

    @contextlib.contextmanager
    def _calls(self, what: str) -> Iterator[None]:
        """Turn pymilvus failures into :class:`VectorStoreError`."""
        with translate_errors(self.locator.uri, f"cannot {what} in {self.collection}"):
            yield


def connect(uri: str, timeout: float = CONNECT_TIMEOUT) -> Any:
    """A ``MilvusClient`` for a normalized location; VectorStoreError with a hint if unreachable."""
    if importlib.util.find_spec("pymilvus") is None or (
        uri.endswith(".db") and importlib.util.find_spec("milvus_lite") is None
    ):
        raise ConfigError(
            f"Milvus 벡터 색인 {uri}에는 pymilvus와 milvus-lite가 필요합니다.",
            hint="설치: pip install 'korean-assistant[milvus]'",
        )
    from pymilvus import MilvusClient

    if uri.endswith(".db"):
        Path(uri).parent.mkdir(parents=True, exist_ok=True)
    doing = (
        f"cannot open the milvus-lite database {uri}" if uri.endswith(".db") else f"cannot connect to Milvus at {uri}"
    )
    with translate_errors(uri, doing):
        return MilvusClient(uri=client_uri(uri), token=os.environ.get(MILVUS_TOKEN_ENV, ""), timeout=timeout)


def discard(path: Path) -> None:
    """Drop the collection named by the locator at ``path``; logs instead of raising."""
    try:
        locator = Locator.read(path)
    except IndexCorruptError as exc:
        log.warning("Milvus collection not dropped: %s", exc)
        return
    try:
        client = connect(locator.uri)
        try:
            with translate_errors(locator.uri, f"cannot drop the collection {locator.collection}"):
                client.drop_collection(locator.collection, timeout=REQUEST_TIMEOUT)
        finally:
            client.close()
    except Exception as exc:
        log.warning("Milvus collection %s at %s not dropped: %s", locator.collection, locator.uri, exc)


@contextlib.contextmanager
def translate_errors(uri: str, doing: str) -> Iterator[None]:
    """Re-raise pymilvus exceptions as :class:`VectorStoreError` saying how to check the store."""
    try:
        yield
    except (ConfigError, IndexCorruptError):
        raise
    except Exception as exc:
        if not type(exc).__module__.startswith(("pymilvus", "grpc", "milvus_lite")):
            raise
        refusal = _refusal(exc)
        if refusal is not None:
            raise VectorStoreError(
                f"{doing}: Milvus가 인증 정보를 거부했습니다({refusal}).",
                hint=f"{MILVUS_TOKEN_ENV}에 Milvus 사용자의 토큰('user:password'나 API 키)을 주세요. "
                "색인을 만드는 곳과 서비스하는 모든 노드에 같은 토큰을 씁니다.",
            ) from exc
        reason = getattr(exc, "message", "") or str(exc) or type(exc).__name__
        raise VectorStoreError(f"{doing} ({reason})", hint=_hint(uri)) from exc


def _refusal(exc: BaseException) -> str | None:
    """What the server said if it refused the credentials (gRPC UNAUTHENTICATED) anywhere in the causes of ``exc``.

    pymilvus reports a refused token as a failed connection; the gRPC status underneath tells.
    """
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        code = getattr(cause, "code", None)
        if callable(code) and getattr(code(), "name", "") == "UNAUTHENTICATED":
            details = getattr(cause, "details", None)
            return str(details() if callable(details) else cause)
        cause = cause.__cause__ or cause.__context__
    return None


def _hint(uri: str) -> str:
    if uri.endswith(".db"):
        return (
            f"milvus-lite opens {uri} in one process at a time: stop the other process using it "
            "(assistant serve, or another assistant index), or use a Milvus server (milvus://host:19530)."
        )
    where = milvus_host(uri) or "the Milvus host"
    return (
        f"Check that Milvus is running and reachable: curl http://{where}:9091/healthz should print OK "
        f"(or 'docker compose ps' where it runs). The address comes from ASSISTANT_VECTOR_INDEX "
        f"(milvus+https:// for a server with TLS); a token, if the server needs one, from {MILVUS_TOKEN_ENV}."
    )


def _schema(dim: int) -> Any:
    from pymilvus import DataType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field(ID_FIELD, DataType.INT64, is_primary=True)
    schema.add_field(VECTOR_FIELD, DataType.FLOAT_VECTOR, dim=int(dim))
    return schema


def _index_params(client: Any, index_type: str) -> Any:
    params = client.prepare_index_params()
    build = HNSW_BUILD if index_type == "HNSW" else {}
    params.add_index(field_name=VECTOR_FIELD, index_type=index_type, metric_type=METRIC, params=dict(build))
    return params


def _vector_dim(description: dict[str, Any]) -> int:
    for field in description.get("fields", []):
        if field.get("name") == VECTOR_FIELD:
            return int(field.get("params", {}).get("dim", -1))
    return -1
