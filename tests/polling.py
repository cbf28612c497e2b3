"""Wait for something to happen by polling it against a deadline, never by a fixed sleep.

A check is a plain or async callable. It has happened when the check returns something truthy
(which ``eventually`` hands back); a falsy result or an ``AssertionError`` means "not yet". At the
deadline the wait fails with an ``AssertionError`` that carries the last failure, so a slow
machine costs time, not a flaky test.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

T = TypeVar("T")


def _describe(result: object) -> str:
    if isinstance(result, AssertionError):
        return f"AssertionError: {result}" if str(result) else "AssertionError"
    return f"the check returned {result!r}"


@overload
async def eventually(
    check: Callable[[], Awaitable[T]],
    *,
    within: float = ...,
    interval: float = ...,
    what: str = ...,
) -> T: ...
@overload
async def eventually(
    check: Callable[[], T], *, within: float = ..., interval: float = ..., what: str = ...
) -> T: ...
async def eventually(
    check: Callable[[], Awaitable[T] | T],
    *,
    within: float = 15.0,
    interval: float = 0.05,
    what: str = "the condition",
) -> T:
    """Poll ``check`` until it holds; fail with its last failure after ``within`` seconds."""
    last: object = None
    scope = asyncio.timeout(within)  # also bounds a check that hangs
    try:
        async with scope:
            while True:
                try:
                    result = check()
                    if inspect.isawaitable(result):
                        result = await result
                except AssertionError as exc:
                    last = exc
                else:
                    if result:
                        return result
                    last = result
                await asyncio.sleep(interval)
    except TimeoutError:
        if not scope.expired():
            raise  # the check's own timeout, not ours
        cause = last if isinstance(last, AssertionError) else None
        raise AssertionError(
            f"timed out after {within} s waiting for {what}; last: {_describe(last)}"
        ) from cause


def eventually_sync(
    check: Callable[[], T],
    *,
    within: float = 15.0,
    interval: float = 0.1,
    what: str = "the condition",
    give_up: Callable[[], Any] | None = None,
) -> T:
    """Poll a blocking ``check`` until it holds (for threads and subprocesses).

    ``give_up`` is asked after each miss: when it returns something truthy (such as the exit
    code of a process that died) the wait fails at once instead of at the deadline.
    """
    deadline = time.monotonic() + within
    while True:
        try:
            result = check()
        except AssertionError as exc:
            last: object = exc
        else:
            if result:
                return result
            last = result
        if give_up is not None and (reason := give_up()):
            raise AssertionError(f"gave up waiting for {what}: {reason}; last: {_describe(last)}")
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out after {within} s waiting for {what}; last: {_describe(last)}"
            )
        time.sleep(interval)
