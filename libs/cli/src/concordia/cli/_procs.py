"""Child processes of ``concordia up``: free-port checks, service processes, the guardian.

Every child runs in its own session (process group), so a Ctrl-C in the terminal reaches only
the launcher, which then stops the children in order. If the launcher itself is killed, the
guardian process notices its stdin closing and stops them instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

import httpx


class LaunchError(RuntimeError):
    """A process could not be started or did not become ready; the message says what to do."""


def check_ports_free(host: str, ports: Mapping[str, int]) -> None:
    """Raise ``LaunchError`` naming the first port in ``ports`` that something already holds."""
    for owner, port in ports.items():
        if not 0 < port < 65536:
            raise LaunchError(f"port {port} ({owner}) is out of range; choose a lower --base-port")
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError as exc:
                if exc.errno not in (errno.EADDRINUSE, errno.EACCES):
                    raise LaunchError(f"cannot bind {host}:{port} for {owner}: {exc}") from exc
                raise LaunchError(
                    f"port {port} ({owner}) on {host} is already in use — is another "
                    f"`concordia up` running? Stop it, or choose another port range with "
                    f"--base-port (e.g. --base-port {port - port % 100 + 100})."
                ) from exc


def tail(path: Path, lines: int = 25) -> str:
    """The last ``lines`` lines of a log file, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return ""


class Guardian:
    """A watchdog process that stops our children if this process dies before it can."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Guardian:
        """Start the watchdog in its own session."""
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "concordia.cli._guardian"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    def _send(self, line: str) -> None:
        if self._proc is None or self._proc.stdin is None:
            return
        with contextlib.suppress(BrokenPipeError, ValueError):
            self._proc.stdin.write(f"{line}\n".encode())
            self._proc.stdin.flush()

    def watch(self, pid: int) -> None:
        """Stop the process group of ``pid`` should this process die."""
        self._send(f"watch {pid}")

    def forget(self, pid: int) -> None:
        """No longer watch ``pid`` (it was stopped cleanly)."""
        self._send(f"forget {pid}")

    def release(self) -> None:
        """Every child is stopped: let the watchdog exit without doing anything."""
        if self._proc is None:
            return
        self._send("done")
        with contextlib.suppress(BrokenPipeError, ValueError, OSError):
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        try:
            self._proc.wait(5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None


class ServiceProcess:
    """One service run as ``python -m uvicorn --factory ...``, logging to a file."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        log_file: Path,
        cwd: Path,
    ) -> None:
        self.name, self.argv, self.env = name, list(argv), dict(env)
        self.log_file, self.cwd = log_file, cwd
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The process id while started."""
        return self.process.pid if self.process is not None else None

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self) -> ServiceProcess:
        """Start the process in its own session, appending its output to the log file."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        log: IO[bytes]
        with self.log_file.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our interpreter, our arguments
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def wait_ready(self, url: str, timeout: float = 60.0) -> None:
        """Poll ``url`` until it answers 200; ``LaunchError`` if the process dies or stalls."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if not self.running:
                    code = self.process.returncode if self.process else None
                    raise LaunchError(
                        f"{self.name} exited ({code}) while starting; last lines of "
                        f"{self.log_file}:\n{tail(self.log_file)}"
                    )
                try:
                    answer = client.get(url)
                    if answer.status_code == 200:
                        return
                    last = f"{answer.status_code} {answer.text[:200]}"
                except httpx.HTTPError as exc:
                    last = type(exc).__name__
                time.sleep(0.1)
        raise LaunchError(
            f"{self.name} did not become ready within {timeout:.0f} s ({url}: {last}); "
            f"see {self.log_file}"
        )

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the process group, SIGKILL it if it lingers, and reap the process."""
        if self.process is None:
            return
        pid = self.process.pid
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pid, signal.SIGKILL)
                self.process.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, 0)  # raises unless a grandchild still holds the group
            os.killpg(pid, signal.SIGKILL)
        self.process = None
