"""Stopping background tasks: a swallowed cancellation does not hang a shutdown."""

from __future__ import annotations

import asyncio

from concordia.events.runtime.tasks import cancel_and_wait


async def test_a_task_that_swallows_its_cancellation_is_still_stopped() -> None:
    """Libraries may turn a CancelledError into an error of their own, which a loop's broad
    ``except Exception`` then swallows; stopping asks again until the task ends."""
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if swallowed == 2:
                    raise
                swallowed += 1  # a driver would raise OperationalError; the loop suppresses it

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    async with asyncio.timeout(5):
        await cancel_and_wait(task, again_after=0.05)
    assert task.cancelled()
    assert swallowed == 2
