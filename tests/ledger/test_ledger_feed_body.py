"""The feed page builder's pieces: EUR amounts in integer arithmetic, the collector's pause."""

from __future__ import annotations

import gc
import random
from decimal import Decimal

import pytest

from concordia.ledger.feed import body


def _outcome(convert: object, *args: object) -> str | type[Exception]:
    try:
        return convert(*args)  # type: ignore[operator, no-any-return]
    except ArithmeticError as error:
        return type(error)


@pytest.mark.parametrize(
    ("raw", "rate"),
    [
        (100, Decimal("1.5")),
        (125, Decimal("0.10000000")),  # a tie: half to even, down
        (135, Decimal("0.10000000")),  # a tie: half to even, up
        (-125, Decimal("0.10000000")),
        (-1, Decimal("0.00100000")),  # a negative zero, as Decimal writes it
        (0, Decimal("-0.5")),
        (7, Decimal("2E+1")),
        (10**18 - 1, Decimal("12345.67890123")),  # past 28 digits: Decimal's own rounding
        (10**18 - 1, Decimal("1E+12")),  # too large for the context: the same error
    ],
)
def test_integer_conversion_is_decimal_conversion(raw: int, rate: Decimal) -> None:
    converted = body._Rate.of(rate)
    assert converted is not None
    assert _outcome(converted.in_eur, raw) == _outcome(body._in_eur, raw, rate)


def test_integer_conversion_on_random_amounts() -> None:
    rng = random.Random(17)
    for _ in range(20_000):
        raw = rng.choice([rng.randint(-(10**6), 10**6), rng.randint(-(10**18), 10**18)])
        rate = Decimal(rng.randint(0, 10 ** rng.randint(1, 12))).scaleb(-rng.randint(0, 10))
        converted = body._Rate.of(rate)
        assert converted is not None
        assert _outcome(converted.in_eur, raw) == _outcome(body._in_eur, raw, rate), (raw, rate)


def test_a_decimal_amount_converts_as_decimal() -> None:
    converted = body._Rate.of(Decimal("0.08700000"))
    assert converted is not None
    assert converted.in_eur(Decimal("1000.00")) == body._in_eur(Decimal("1000.00"), converted.rate)
    assert body._Rate.of(None) is None


def test_collector_pause_nests_and_resumes() -> None:
    pause = body._CollectorPause()
    assert gc.isenabled()
    with pause:
        assert not gc.isenabled()
        with pause:
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with pause:
            pass
        assert not gc.isenabled()  # paused by someone else: left so
    finally:
        gc.enable()


def test_collector_pause_collects_when_builds_overlap_long(monkeypatch: pytest.MonkeyPatch) -> None:
    collected: list[int] = []
    monkeypatch.setattr(body.gc, "collect", lambda *_: collected.append(1) or 0)
    pause = body._CollectorPause(longest=0.0)
    with pause:
        with pause:
            pass
        assert collected == [1]  # one build ended while another goes on: collected meanwhile
        assert not gc.isenabled()
    assert gc.isenabled()
    assert collected == [1]
