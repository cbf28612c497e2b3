"""tests/polling.py: waits end when the check holds, and fail with the last failure."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest
from polling import eventually, eventually_sync


async def test_returns_the_first_truthy_result_of_a_plain_or_async_check() -> None:
    counter = itertools.count()
    assert await eventually(lambda: next(counter) >= 3 and "done", interval=0.001) == "done"

    async def later() -> int:
        return next(counter)

    assert await eventually(later, interval=0.001) >= 4


async def test_an_assertion_error_means_not_yet() -> None:
    tries = itertools.count()

    def check() -> bool:
        assert next(tries) >= 2, "not ready"
        return True

    assert await eventually(check, interval=0.001)


async def test_timeout_reports_the_last_failure() -> None:
    def check() -> None:
        raise AssertionError("still 3 pending")

    started = time.monotonic()
    with pytest.raises(AssertionError, match=r"waiting for the backlog; last: .*still 3 pending"):
        await eventually(check, within=0.2, what="the backlog")
    assert time.monotonic() - started < 2


async def test_a_hanging_check_is_bounded_too() -> None:
    async def hangs() -> bool:
        await asyncio.sleep(60)
        return True

    with pytest.raises(AssertionError, match=r"timed out after 0\.2 s"):
        await eventually(hangs, within=0.2)


async def test_the_checks_own_timeout_is_not_mistaken_for_ours() -> None:
    async def fails() -> bool:
        raise TimeoutError("the check's own")

    with pytest.raises(TimeoutError, match="the check's own"):
        await eventually(fails, within=5)


def test_sync_variant_polls_and_can_give_up_early() -> None:
    counter = itertools.count()
    assert eventually_sync(lambda: next(counter) >= 2, interval=0.001)
    started = time.monotonic()
    with pytest.raises(AssertionError, match="gave up waiting for the server: exit code 1"):
        eventually_sync(lambda: False, within=30, what="the server", give_up=lambda: "exit code 1")
    assert time.monotonic() - started < 2
    with pytest.raises(AssertionError, match=r"timed out after 0\.1 s.*returned 0"):
        eventually_sync(lambda: 0, within=0.1, interval=0.01)
