"""A real Milvus standalone server for the tests and benchmarks, started and stopped by process id.

The ``milvus`` package (``make milvus-server`` puts it in the virtual environment) brings
the ``milvus-server`` command: a Python launcher that unpacks the Milvus binary into the data
folder and runs it with an embedded etcd and local storage. Every port is chosen free on
loopback, the embedded etcd's too (through ``ETCD_CONFIG_PATH``; otherwise it takes 2379 and
2380, and a second server on the machine crashes), so several servers can run side by side. They
are chosen below the range the kernel takes the ports of outgoing connections from, which the
servers' own connections would otherwise race them for.

The launcher quietly moves to the next port when the one asked for cannot be bound yet (after
a restart, the old server's connections keep the proxy port in TIME_WAIT for a minute), so
the proxy's and etcd's ports are also written over in its configuration (``--extra-config``):
the server listens where the tests and the index's locator expect it.

The launcher prints its banner once the server's health check answers; the server is ready
when that is printed and its proxy port accepts connections. If the Milvus process dies
first, the launcher does not notice and would wait for ever: :meth:`MilvusServer.start`
watches for that and fails with the end of the server's log.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

#: The command, next to this interpreter (the virtual environment's bin folder).
SERVER = Path(sys.executable).parent / "milvus-server"
#: Seconds a start may take: about 12 s here, most of it unpacking the binary the first time.
START_TIMEOUT = 180.0
#: Seconds the server gets to stop after SIGTERM before it is killed (it can take over 30 s).
STOP_GRACE = 5.0
#: The launcher prints this line once the server answers its health check.
READY = "Ctrl+C to exit"
PORT_OPTIONS = (
    "--proxy-port",
    "--proxy-internal-port",
    "--etcd-port",
    "--root-coord-port",
    "--query-coord-port",
    "--query-node-port",
    "--index-coord-port",
    "--index-node-port",
    "--data-coord-port",
    "--data-node-port",
)


class MilvusServerError(RuntimeError):
    """The server could not be started."""


#: Where listening ports are looked for: below the kernel's range of ports for outgoing
#: connections. A port the kernel hands out (bind to 0) is in that range, and between choosing it
#: and the server binding it, one of the servers' own outgoing connections can take it ("listen tcp
#: :43017: bind: address already in use", the embedded etcd's peer port, and the server dies).
LISTEN_PORTS = (20000, 32768)
#: The kernel's range of ports for outgoing connections.
EPHEMERAL = Path("/proc/sys/net/ipv4/ip_local_port_range")


def listen_range() -> tuple[int, int]:
    """:data:`LISTEN_PORTS`, ending where this machine's range for outgoing connections starts."""
    low, high = LISTEN_PORTS
    with contextlib.suppress(OSError, ValueError):
        high = min(high, int(EPHEMERAL.read_text().split()[0]))
    return low, high


def free_port(rng: random.Random | None = None, span: tuple[int, int] | None = None) -> int:
    """A port free on loopback within ``span`` (:func:`listen_range`), outside the range outgoing
    connections take theirs from (the kernel's choice, bind to 0, when none is found there)."""
    rng = rng or random.Random()
    low, high = span or listen_range()
    for _ in range(200):
        port = rng.randrange(low, high) if high > low else 0
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def free_ports(n: int, rng: random.Random | None = None) -> list[int]:
    """``n`` different free ports (:func:`free_port`: each is free when chosen, none is held, so
    the same one could come twice)."""
    rng = rng or random.Random()
    span = listen_range()
    chosen: list[int] = []
    while len(chosen) < n:
        port = free_port(rng, span)
        if port not in chosen:
            chosen.append(port)
    return chosen


def server_command() -> Path:
    """The ``milvus-server`` command of this virtual environment, or a message saying how to get it."""
    if not SERVER.exists():
        raise MilvusServerError(f"{SERVER} is missing: run 'make milvus-server' (pip install --no-deps milvus)")
    return SERVER


class MilvusServer:
    """One ``milvus-server`` process group with its data in ``data``; gRPC on :attr:`port`."""

    def __init__(self, data: Path, options: Sequence[str] = ()) -> None:
        self.data = data
        self.options = tuple(options)
        *ports, self.etcd_peer_port = free_ports(len(PORT_OPTIONS) + 1)
        self.ports = dict(zip(PORT_OPTIONS, ports, strict=True))
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        return self.ports["--proxy-port"]

    @property
    def uri(self) -> str:
        """The ``vector_index`` value of this server."""
        return f"milvus://127.0.0.1:{self.port}"

    @property
    def output(self) -> Path:
        return self.data / "launcher.log"

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start the server and return once it answers; MilvusServerError if it dies or times out."""
        self.data.mkdir(parents=True, exist_ok=True)
        command = [str(server_command()), "--data", str(self.data)]
        for option, port in self.ports.items():
            command += [option, str(port)]
        etcd = f"127.0.0.1:{self.ports['--etcd-port']}"
        command += ["--extra-config", f"proxy.port={self.port}", "--extra-config", f"etcd.endpoints={etcd}"]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "ETCD_CONFIG_PATH": str(self._etcd_config())}
        with open(self.output, "wb") as out:  # a fresh log each start: READY must be this start's
            self.proc = subprocess.Popen(
                [*command, *self.options],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,  # its own process group: the Milvus binary is stopped with it
            )
        self._wait_ready(timeout)

    def stop(self, grace: float = STOP_GRACE) -> None:
        """SIGTERM to the server's process group, then SIGKILL to what is left after ``grace`` seconds."""
        if self.proc is None:
            return
        group = self.proc.pid
        _signal_group(group, signal.SIGTERM)
        if not _wait_until_gone(group, grace):  # the launcher dies at once; the binary may take its time
            _signal_group(group, signal.SIGKILL)
            _wait_until_gone(group, 30.0)
        self.proc.wait(30.0)
        self.proc = None

    def rss_mb(self) -> float:
        """Resident memory of the server's processes now (MB)."""
        return sum(_rss_kb(pid) for pid, state in _group(self.proc.pid) if state != "Z") / 1024 if self.proc else 0.0

    def _wait_ready(self, timeout: float) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY in self.output.read_text("utf-8", errors="replace") and _accepts(self.port):
                return
            if self.proc.poll() is not None or any(state == "Z" for _, state in _group(self.proc.pid)):
                self.stop()
                raise MilvusServerError(f"milvus-server stopped while starting.\n{self._log_tail()}")
            time.sleep(0.2)
        self.stop()
        raise MilvusServerError(f"milvus-server did not answer within {timeout:.0f} s.\n{self._log_tail()}")

    def _etcd_config(self) -> Path:
        client = f"http://127.0.0.1:{self.ports['--etcd-port']}"
        peer = f"http://127.0.0.1:{self.etcd_peer_port}"
        path = self.data / "embedded-etcd.yaml"
        path.write_text(
            f"listen-client-urls: {client}\nadvertise-client-urls: {client}\n"
            f"listen-peer-urls: {peer}\ninitial-advertise-peer-urls: {peer}\ninitial-cluster: default={peer}\n",
            "utf-8",
        )
        return path

    def _log_tail(self, chars: int = 3000) -> str:
        parts = []
        for path in (self.output, self.data / "logs" / "milvus-stderr.log"):
            if path.exists():
                parts.append(f"--- {path} ---\n{path.read_text('utf-8', errors='replace')[-chars:]}")
        return "\n".join(parts)


def _group(pgid: int) -> list[tuple[int, str]]:
    """(pid, state) of every process in the process group ``pgid``, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            members.append((int(entry.name), fields[0]))
    return members


@contextlib.contextmanager
def running(data: Path, options: Sequence[str] = ()) -> Iterator[MilvusServer]:
    """A started server, stopped on the way out."""
    server = MilvusServer(data, options)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1.0):
            return True
    except OSError:
        return False


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def _wait_until_gone(pgid: int, timeout: float) -> bool:
    """Whether every process of the group has exited (zombies count as gone) within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(state in ("Z", "X") for _, state in _group(pgid)):
            return True
        time.sleep(0.1)
    return False
