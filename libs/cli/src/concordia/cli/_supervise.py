"""Supervision of ``concordia up``'s children: a process that dies is started again.

A child that stops on its own is restarted after a back-off (1, 2, 4, 8, 16 s by default: the
n-th failure within the window waits the n-th delay), every step logged. After
``max_restarts`` restarts within ``window`` seconds it is given up on, and said so; the others
keep running. A node never stops because the hub (its broker or its service) failed: every
process is supervised on its own, and a node's brokers keep their leaf connection retrying
until the hub is back, when the hub's streams catch up from where they were.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: The back-off before each restart within the window (seconds); the last repeats.
DEFAULT_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0)
#: Restarts allowed within the window; the next failure there is given up on.
MAX_RESTARTS = 5
#: The window the failures are counted in (seconds).
WINDOW_SECONDS = 600.0


@dataclass
class Supervised:
    """One child: how to tell it runs, how to start it again (returning its new pid)."""

    name: str
    alive: Callable[[], bool]
    restart: Callable[[], int]
    log_file: Path
    failures: deque[float] = field(default_factory=deque)
    due: float | None = None
    given_up: bool = False
    restarts: int = 0


def parse_delays(text: str) -> tuple[float, ...]:
    """``"1,2,4"`` as delays in seconds; ``ValueError`` naming what is wrong."""
    try:
        delays = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a comma-separated list of seconds") from exc
    if not delays or any(not 0 <= d <= 3600 for d in delays):
        raise ValueError(f"{text!r}: give one or more delays between 0 and 3600 seconds")
    return delays


class Supervisor:
    """Restart dead children with back-off; ``log`` receives one line per event."""

    def __init__(
        self,
        log: Callable[[str], None],
        *,
        delays: Sequence[float] = DEFAULT_DELAYS,
        max_restarts: int = MAX_RESTARTS,
        window: float = WINDOW_SECONDS,
        watch: Callable[[int], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.log, self.delays = log, tuple(delays)
        self.max_restarts, self.window, self.clock = max_restarts, window, clock
        self.watch = watch or (lambda _pid: None)
        self.children: list[Supervised] = []

    def add(self, child: Supervised) -> Supervised:
        """Supervise ``child`` from now on."""
        self.children.append(child)
        return child

    def _failed(self, child: Supervised, what: str) -> None:
        now = self.clock()
        child.failures.append(now)
        while child.failures and child.failures[0] < now - self.window:
            child.failures.popleft()
        count = len(child.failures)
        if count > self.max_restarts:
            child.given_up, child.due = True, None
            self.log(
                f"{child.name} {what}; given up after {count} failures within "
                f"{self.window:.0f} s (see {child.log_file}); everything else keeps running"
            )
            return
        delay = self.delays[min(count, len(self.delays)) - 1]
        child.due = now + delay
        self.log(
            f"{child.name} {what}; restarting in {delay:g} s "
            f"(failure {count} within {self.window:.0f} s, given up after "
            f"{self.max_restarts + 1}; see {child.log_file})"
        )

    def tick(self) -> None:
        """Notice children that died and restart those whose back-off has passed."""
        for child in self.children:
            if child.given_up:
                continue
            if child.due is None:
                if not child.alive():
                    self._failed(child, "stopped unexpectedly")
                continue
            if self.clock() < child.due:
                continue
            child.due = None
            try:
                pid = child.restart()
            except Exception as exc:  # a failed start is one more failure, never our end
                self._failed(child, f"did not start again ({exc})")
                continue
            child.restarts += 1
            self.watch(pid)
            self.log(f"{child.name} restarted (pid {pid})")

    def run(self, interval: float = 0.5) -> None:
        """Supervise until interrupted (KeyboardInterrupt)."""
        while True:
            self.tick()
            time.sleep(interval)
