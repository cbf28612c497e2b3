"""Stopping background tasks without losing the caller's own cancellation."""

from __future__ import annotations

import abc
import asyncio
import contextlib
from types import TracebackType
from typing import Any, Self


async def cancel_and_wait(*tasks: asyncio.Task[Any] | None, again_after: float = 1.0) -> None:
    """Cancel ``tasks`` (None and finished ones are skipped) and wait until each has ended.

    A task can swallow its cancellation: a library under a broad ``except Exception`` may turn the
    CancelledError into an error of its own, and on Python 3.11 the task then runs on as if never
    asked. So the cancellation is repeated every ``again_after`` seconds until the task ends.
    The CancelledError each task ends with is expected; one aimed at the caller (a deadline, an
    outer cancel) propagates. Any other exception a task ends with is raised.
    """
    pending = [task for task in tasks if task is not None and not task.done()]
    for task in pending:
        task.cancel()
    for task in pending:
        while not task.done():
            done, _ = await asyncio.wait({task}, timeout=again_after)
            if not done:
                task.cancel()
        if not task.cancelled() and (error := task.exception()) is not None:
            raise error


class Worker(abc.ABC):
    """A background loop (``_run``) that ends at its next look at ``_stopping``.

    Subclasses call ``_spawn`` from ``start`` and ``_halt`` from ``stop``; used as an async
    context manager, a worker runs for the block.
    """

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    @abc.abstractmethod
    async def start(self) -> None:
        """Start the loop in the background (``_spawn``)."""

    @abc.abstractmethod
    async def stop(self) -> None:
        """Stop the loop (``_halt``) and release what it holds."""

    @abc.abstractmethod
    async def _run(self) -> None:
        """The loop: runs until ``_stopping`` is set."""

    def _spawn(self, name: str) -> None:
        """Run ``_run`` as a task unless one is running."""
        if self._task is None or self._task.done():
            self._stopping = asyncio.Event()
            self._task = asyncio.create_task(self._run(), name=name)

    async def _halt(self, grace: float) -> None:
        """Ask the loop to stop, wait up to ``grace`` seconds for it, then cancel it."""
        self._stopping.set()
        if self._task is not None:
            try:
                async with asyncio.timeout(grace):
                    await asyncio.shield(self._task)
            except TimeoutError:
                await cancel_and_wait(self._task)
            self._task = None

    async def _pause(self, seconds: float) -> None:
        """Sleep up to ``seconds``, less if asked to stop."""
        with contextlib.suppress(TimeoutError):
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation.
            async with asyncio.timeout(seconds):
                await self._stopping.wait()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
