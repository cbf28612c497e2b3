"""The supervisor of ``concordia up``: real child processes, restarted with back-off, given up on.

Delays are a few hundredths of a second here; the order of events is checked, never a duration.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from concordia.cli._supervise import Supervised, Supervisor, parse_delays


class Child:
    """A real process started by ``argv`` again on each restart."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.process = subprocess.Popen(argv)
        self.starts = 1

    def alive(self) -> bool:
        return self.process.poll() is None

    def restart(self) -> int:
        self.process = subprocess.Popen(self.argv)
        self.starts += 1
        return self.process.pid

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait()


CRASHING = [sys.executable, "-c", "import sys; sys.exit(3)"]
STEADY = [sys.executable, "-c", "import time; time.sleep(60)"]


def _until(supervisor: Supervisor, done: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the supervisor did not get there"
        supervisor.tick()
        time.sleep(0.01)


def test_a_crashing_child_is_restarted_with_back_off_then_given_up_on_alone(
    tmp_path: Path,
) -> None:
    lines: list[str] = []
    watched: list[int] = []
    crashing, steady = Child(CRASHING), Child(STEADY)
    supervisor = Supervisor(
        lines.append, delays=(0.01, 0.02, 0.04), max_restarts=4, window=600, watch=watched.append
    )
    crash = supervisor.add(Supervised("node se's registry", crashing.alive, crashing.restart,
                                      tmp_path / "registry.log"))  # fmt: skip
    calm = supervisor.add(Supervised("the hub's nats-server", steady.alive, steady.restart,
                                     tmp_path / "nats.log"))  # fmt: skip
    try:
        _until(supervisor, lambda: crash.given_up)
        assert crashing.starts == 5  # the first start and four restarts
        assert crash.restarts == 4
        assert len(watched) == 4
        waits = [line for line in lines if "restarting in" in line]
        assert [w.split("restarting in ")[1].split(" s")[0] for w in waits] == [
            "0.01", "0.02", "0.04", "0.04"
        ]  # fmt: skip
        assert all(line.startswith("node se's registry") for line in lines)
        assert "given up after 5 failures" in lines[-1]
        assert "everything else keeps running" in lines[-1]
        # The other child was never touched, and the given-up one is left alone from now on.
        assert steady.alive()
        assert steady.starts == 1
        assert calm.restarts == 0
        before = len(lines)
        for _ in range(5):
            supervisor.tick()
        assert len(lines) == before
    finally:
        crashing.stop()
        steady.stop()


def test_a_killed_child_comes_back_and_failures_age_out_of_the_window(tmp_path: Path) -> None:
    lines: list[str] = []
    now = [0.0]
    steady = Child(STEADY)
    supervisor = Supervisor(lines.append, delays=(0.0,), max_restarts=1, window=10,
                            clock=lambda: now[0])  # fmt: skip
    child = supervisor.add(Supervised("node pl's ledger", steady.alive, steady.restart,
                                      tmp_path / "ledger.log"))  # fmt: skip
    try:
        for _ in range(3):  # three kills, each more than a window apart: never given up
            steady.process.kill()
            steady.process.wait()
            _until(supervisor, steady.alive)
            now[0] += 11
        assert child.restarts == 3
        assert not child.given_up
        steady.process.kill()  # two within one window: the second is given up on
        steady.process.wait()
        _until(supervisor, steady.alive)
        steady.process.kill()
        steady.process.wait()
        _until(supervisor, lambda: child.given_up)
        assert not steady.alive()
    finally:
        steady.stop()


def test_a_start_that_fails_counts_as_a_failure(tmp_path: Path) -> None:
    lines: list[str] = []
    attempts: list[int] = []

    def refuse() -> int:
        attempts.append(1)
        raise OSError("port 9522 in use")

    supervisor = Supervisor(lines.append, delays=(0.0,), max_restarts=2)
    child = supervisor.add(Supervised("the hub's nats-server", lambda: False, refuse,
                                      tmp_path / "nats.log"))  # fmt: skip
    _until(supervisor, lambda: child.given_up)
    assert len(attempts) == 2
    assert any("did not start again (port 9522 in use)" in line for line in lines)


@pytest.mark.parametrize("text", ["", "1,x", "-1", "1,99999"])
def test_bad_delays_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="seconds"):
        parse_delays(text)


def test_delays_parse() -> None:
    assert parse_delays("1, 2,4.5") == (1.0, 2.0, 4.5)
