"""What only a Milvus server does: processes sharing it, restarts, databases, TLS and tokens.

The session's plain server (``milvus_server``) serves most tests; the server that stops in
the middle of a build is that one, started again before the test ends. ``secure_server`` is a
second one for this module, with TLS (a certificate from a throwaway CA made with openssl)
and authentication on, reached as ``milvus+https://localhost:PORT`` with a token.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import FAKE_MODEL, FakeEmbedder

from assistant.errors import VectorStoreError
from assistant.options import MILVUS_TOKEN_ENV, normalize_milvus_location
from assistant.settings import Settings
from assistant.store.builder import IndexBuilder
from assistant.store.embed_cache import CACHE_DIR
from assistant.store.index import open_index
from assistant.store.milvus import connect
from assistant.store.vector_backends import make_index
from assistant.store.versions import current_version
from assistant.text.korean import KoreanAnalyzer
from bench.milvus_server import MilvusServer, running

ROOT_TOKEN = "root:Milvus"  # the user Milvus creates when authentication is turned on
#: A serving process: opens the current index, answers "search" with its version and the
#: nearest chunk of chunk 3, reopens the current version on "reload".
SERVE = """
import sys
from pathlib import Path
from assistant.errors import AssistantError
from assistant.store.index import open_index
index_dir, model = Path(sys.argv[1]), sys.argv[2]
index = open_index(index_dir, model)
print("ready", flush=True)
for line in sys.stdin:
    try:
        if line.strip() == "reload":
            index.close()
            index = open_index(index_dir, model)
        _, ids = index.vector_index.search(index.vectors[3:4], 1)
        print(index.folder.name, ids[0, 0], flush=True)
    except AssistantError as exc:
        print("error", exc, flush=True)
"""


def _collection(version: Path) -> str:
    return str(json.loads((version / "vectors.faiss").read_text("utf-8"))["collection"])


def _collections(location: str) -> set[str]:
    client = connect(normalize_milvus_location(location))
    try:
        return set(client.list_collections())
    finally:
        client.close()


class ServingProcess:
    """A separate Python process holding the index open, as a serving node does."""

    def __init__(self, index_dir: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(index_dir), FAKE_MODEL],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if (first := self._line()) != "ready":
            self.close()
            raise AssertionError(f"the serving process did not start: {first!r}")

    def ask(self, command: str = "search") -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._line()

    def close(self) -> None:
        try:
            self.proc.communicate("", timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()

    def _line(self) -> str:
        assert self.proc.stdout is not None
        return self.proc.stdout.readline().strip()


def test_a_rebuild_leaves_another_process_serving_until_it_switches(
    settings: Settings, analyzer: KoreanAnalyzer, milvus_server: MilvusServer
) -> None:
    settings = settings.model_copy(update={"vector_index": milvus_server.uri})

    def build() -> tuple[Path, str]:
        IndexBuilder(settings, FakeEmbedder(), analyzer).build(rebuild=True)
        version = current_version(settings.index_dir)
        assert version is not None
        return version, _collection(version)

    first, first_collection = build()
    serving = ServingProcess(settings.index_dir)
    try:
        assert serving.ask() == f"{first.name} 3"
        second, second_collection = build()
        assert serving.ask() == f"{first.name} 3"  # still on the first version, whose collection stays
        assert serving.ask("reload") == f"{second.name} 3"
        _, third_collection = build()  # drops the first version, which nobody reads any more
        assert serving.ask() == f"{second.name} 3"
    finally:
        serving.close()
    built = {first_collection, second_collection, third_collection}
    assert built & _collections(milvus_server.uri) == {second_collection, third_collection}
    assert not first.exists()


class StopsTheServer(FakeEmbedder):
    """Embeds, and stops the Milvus server after the first batch: the server goes away mid-build."""

    def __init__(self, server: MilvusServer) -> None:
        super().__init__()
        self.server = server

    def embed(self, texts: Sequence[str], kind: str, *, progress: bool = False) -> np.ndarray:
        vectors = super().embed(texts, kind, progress=progress)
        self.server.stop()
        return vectors


def test_a_server_stopping_mid_build_fails_it_cleanly_and_it_resumes_after_a_restart(
    settings: Settings, analyzer: KoreanAnalyzer, milvus_server: MilvusServer
) -> None:
    settings = settings.model_copy(update={"vector_index": milvus_server.uri})
    IndexBuilder(settings, FakeEmbedder(), analyzer).build()
    first = current_version(settings.index_dir)
    assert first is not None
    embedder = StopsTheServer(milvus_server)
    try:
        with pytest.raises(VectorStoreError, match=f"127.0.0.1:{milvus_server.port}") as info:
            IndexBuilder(settings, embedder, analyzer).build(rebuild=True)
    finally:
        milvus_server.start()
    assert info.value.hint is not None and "healthz" in info.value.hint
    assert embedder.calls and current_version(settings.index_dir) == first
    assert sorted(p.name for p in settings.index_dir.iterdir() if p.is_dir()) == [CACHE_DIR, first.name]

    resumed = FakeEmbedder()
    result = IndexBuilder(settings, resumed, analyzer).build(rebuild=True)
    assert resumed.calls == [] and result.manifest.reused_chunks == result.manifest.n_chunks
    index = open_index(settings.index_dir, FAKE_MODEL)
    try:
        _, ids = index.vector_index.search(np.asarray(index.vectors[5:6]), 1)
        assert ids[0, 0] == 5 and index.folder == result.version_dir
    finally:
        index.close()


def test_a_database_named_in_the_location_holds_the_collections(milvus_server: MilvusServer) -> None:
    from pymilvus import MilvusClient

    admin = MilvusClient(uri=f"http://127.0.0.1:{milvus_server.port}")
    if "prod" not in admin.list_databases():
        admin.create_database("prod")
    admin.close()
    index = make_index(f"{milvus_server.uri}/prod", 16, name="v-in-prod")
    index.close()
    assert "assistant_v_in_prod" in _collections(f"{milvus_server.uri}/prod")
    assert "assistant_v_in_prod" not in _collections(milvus_server.uri)
    with pytest.raises(VectorStoreError, match="absent"):
        make_index(f"{milvus_server.uri}/absent", 16, name="v-nowhere")


# ---------------------------------------------------------------------------
# TLS and authentication


def _certificates(folder: Path) -> dict[str, Path]:
    """A throwaway CA and a server certificate for localhost and 127.0.0.1, made with openssl."""
    openssl = shutil.which("openssl")
    assert openssl is not None, "the TLS tests need the openssl command (apt-get install openssl)"
    files = {name: folder / name for name in ("ca.pem", "ca.key", "server.pem", "server.key", "server.csr")}
    (folder / "san.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n", "utf-8")
    ca = ["-keyout", str(files["ca.key"]), "-out", str(files["ca.pem"])]
    request = ["-keyout", str(files["server.key"]), "-out", str(files["server.csr"])]
    signed = ["-CA", str(files["ca.pem"]), "-CAkey", str(files["ca.key"]), "-CAcreateserial", "-days", "2"]
    san = ["-extfile", str(folder / "san.cnf")]
    commands = [
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=assistant-test-ca", *ca],
        ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", *request],
        ["x509", "-req", "-in", str(files["server.csr"]), *signed, *san, "-out", str(files["server.pem"])],
    ]
    for command in commands:
        subprocess.run([openssl, *command], check=True, capture_output=True, timeout=60)
    return files


@pytest.fixture(scope="module")
def secure_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MilvusServer]:
    """A server that speaks only TLS and wants a token. Its CA is made the one gRPC trusts in
    this process (``GRPC_DEFAULT_SSL_ROOTS_FILE_PATH``, read when the first TLS channel opens)."""
    certs = _certificates(tmp_path_factory.mktemp("tls"))
    options = ["--tls-mode", "1", "--authorization-enabled", "true"]
    options += ["--server-pem-path", str(certs["server.pem"]), "--server-key-path", str(certs["server.key"])]
    options += ["--ca-pem-path", str(certs["ca.pem"])]
    before = os.environ.get("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH")
    os.environ["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"] = str(certs["ca.pem"])
    try:
        with running(tmp_path_factory.mktemp("milvus-secure"), options) as server:
            yield server
    finally:
        if before is None:
            os.environ.pop("GRPC_DEFAULT_SSL_ROOTS_FILE_PATH", None)
        else:
            os.environ["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"] = before


def test_an_index_over_tls_with_a_token(
    settings: Settings, analyzer: KoreanAnalyzer, secure_server: MilvusServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MILVUS_TOKEN_ENV, ROOT_TOKEN)
    location = f"milvus+https://localhost:{secure_server.port}"
    settings = settings.model_copy(update={"vector_index": location})
    result = IndexBuilder(settings, FakeEmbedder(), analyzer).build()
    locator = json.loads((result.version_dir / "vectors.faiss").read_text("utf-8"))
    assert (locator["uri"], locator["index_type"]) == (location, "HNSW")
    index = open_index(settings.index_dir, FAKE_MODEL)
    try:
        _, ids = index.vector_index.search(np.asarray(index.vectors[4:5]), 1)
        assert ids[0, 0] == 4
    finally:
        index.close()
    written = b"".join(p.read_bytes() for p in settings.index_dir.rglob("*") if p.is_file())
    assert ROOT_TOKEN.encode() not in written  # the token is never stored


@pytest.mark.parametrize(("token", "said"), [("root:wrong", "auth check failure"), ("", "missing authorization")])
def test_a_refused_token_stops_the_build_before_embedding(
    settings: Settings,
    analyzer: KoreanAnalyzer,
    secure_server: MilvusServer,
    monkeypatch: pytest.MonkeyPatch,
    token: str,
    said: str,
) -> None:
    monkeypatch.setenv(MILVUS_TOKEN_ENV, token)
    settings = settings.model_copy(update={"vector_index": f"milvus+https://localhost:{secure_server.port}"})
    embedder = FakeEmbedder()
    with pytest.raises(VectorStoreError, match=f"Milvus가 인증 정보를 거부했습니다.*{said}") as info:
        IndexBuilder(settings, embedder, analyzer).build()
    assert info.value.hint is not None and MILVUS_TOKEN_ENV in info.value.hint
    assert embedder.calls == [] and current_version(settings.index_dir) is None


def test_listening_ports_are_chosen_outside_the_range_outgoing_connections_take() -> None:
    """A server's own outgoing connection once took the etcd peer port chosen for it between the
    choice and the bind ("bind: address already in use"): ports come from below that range."""
    import random
    import socket

    from bench.milvus_server import EPHEMERAL, LISTEN_PORTS, free_port, free_ports

    low = int(EPHEMERAL.read_text().split()[0]) if EPHEMERAL.exists() else LISTEN_PORTS[1]
    rng = random.Random(3)
    ports = [free_port(rng) for _ in range(20)]
    assert all(LISTEN_PORTS[0] <= p < min(low, LISTEN_PORTS[1]) for p in ports)
    with socket.socket() as taken:  # a port in use is passed over
        taken.bind(("127.0.0.1", ports[0]))
        assert free_port(random.Random(3)) != ports[0]
    # a server's ports are all different, though none is held while the others are chosen
    many = free_ports(400, random.Random(5))
    assert len(set(many)) == 400
