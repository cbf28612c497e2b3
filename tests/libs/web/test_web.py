"""The pages' library: every string has its Russian translation, CSV is exact and safe,
charts draw what they are given, the language is negotiated."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

import concordia.evaluation
import concordia.exchange
import concordia.hub
import concordia.kit
import concordia.ledger
import concordia.registry
import concordia.web
from concordia.web import charts, i18n
from concordia.web.catalogue import extract, read
from concordia.web.tables import SUPPRESSED, Column, Table, to_csv

#: Every package that has pages, with its catalogues (a new one adds itself here).
PACKAGES = [
    Path(p.__path__[0])
    for p in (
        concordia.web,
        concordia.hub,
        concordia.kit,
        concordia.registry,
        concordia.ledger,
        concordia.evaluation,
        concordia.exchange,
    )
]
_PLACEHOLDER = re.compile(r"%\([a-z_]+\)s")


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_every_string_has_a_russian_translation(package: Path) -> None:
    catalogue = read(package, "ru")
    found = list(extract(package))
    assert found, "no string extracted: the extraction itself is broken"
    for msgid, filename, line in found:
        message = catalogue.get(msgid)
        where = f"{filename}:{line}: {msgid!r}"
        assert message is not None, where
        assert message.string, where
        assert sorted(_PLACEHOLDER.findall(msgid)) == sorted(
            _PLACEHOLDER.findall(str(message.string))
        ), msgid


def test_the_catalogue_keeps_no_stale_string() -> None:
    for package in PACKAGES:
        current = {msgid for msgid, _f, _l in extract(package)}
        stale = {m.id for m in read(package, "ru") if m.id and m.id not in current}
        assert stale == set(), package


def test_the_pseudo_locale_marks_and_russian_translates() -> None:
    dirs = tuple(p / "locales" for p in PACKAGES)
    assert i18n.translations("qps", dirs).gettext("Nodes") == "⟦Nodes⟧"
    assert i18n.translations("ru", dirs).gettext("Nodes") == "Узлы"
    assert i18n.translations("ru", dirs).gettext("suppressed") == "скрыто"  # from concordia.web
    assert i18n.translations("en", dirs).gettext("Nodes") == "Nodes"


@pytest.mark.parametrize(
    ("asked", "header", "chosen"),
    [(None, None, "en"), ("ru", None, "ru"), (None, "ru-RU,ru;q=0.9,en;q=0.8", "ru"),
     (None, "de-DE", "en"), ("xx", "ru", "ru"), ("qps", None, "qps"), (None, ";;,", "en")],
)  # fmt: skip
def test_the_language_is_negotiated(asked: str | None, header: str | None, chosen: str) -> None:
    assert i18n.negotiate(asked, header) == chosen


def test_csv_is_exact_says_suppressed_and_defuses_formulas() -> None:
    table = Table(
        id="t", caption="c", columns=[Column("a", "Level"), Column("b", "Amount", True)],
        rows=[{"a": "media", "b": Decimal("1250000.10")}, {"a": "law", "b": SUPPRESSED},
              {"a": "=HYPERLINK(\"x\")", "b": None}, {"a": "-5", "b": -5}],
    )  # fmt: skip
    assert to_csv(table).splitlines() == [
        "Level,Amount", "media,1250000.10", "law,suppressed",
        "\"'=HYPERLINK(\"\"x\"\")\",", "-5,-5",
    ]  # fmt: skip


def test_stacked_bars_scale_to_the_largest_and_mark_a_withheld_part() -> None:
    chart = charts.stacked_bars(
        "f", "t", "d", ["media", "law"], ["se", "pl"],
        {("media", "se"): 100, ("media", "pl"): 50, ("law", "se"): 30, ("law", "pl"): SUPPRESSED},
        width=520, label_width=100,
    )  # fmt: skip
    media, law = chart.bars
    assert (media.total, media.incomplete, law.total, law.incomplete) == (150, False, 30, True)
    assert sum(s.width for s in media.segments) == pytest.approx(chart.plot_width)
    assert [s.series for s in law.segments] == ["se"]
    line = charts.trend("t", "t", "d", [("Q1", 10), ("Q2", None), ("Q3", 20)])
    assert len(line.paths) == 2  # a withheld period breaks the line
