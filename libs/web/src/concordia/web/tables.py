"""Tables of a page: rendered as HTML (no JavaScript needed) and downloadable as CSV.

A page is a list of sections, each with its tables and charts. Every table has an id unique on
its page; ``?csv=<id>`` on the page's URL answers that table as CSV, with the same columns,
rows and the same words (a suppressed cell reads ``suppressed``, never 0).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from starlette.responses import Response


class _Suppressed:
    """The value of a cell withheld by disclosure control."""

    _instance: _Suppressed | None = None

    def __new__(cls) -> _Suppressed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SUPPRESSED"


#: A cell withheld by disclosure control: shown and downloaded as "suppressed", never 0.
SUPPRESSED: Final = _Suppressed()
#: The word a suppressed cell reads in a CSV download (the HTML page translates it).
SUPPRESSED_WORD = "suppressed"


@dataclass(frozen=True)
class Column:
    """One column: its key in each row, its (translated) heading, and whether it is a number."""

    key: str
    label: str
    numeric: bool = False
    #: The heading is data (a country code), not words: never translated.
    data: bool = False
    #: The row key holding a link (a path of the site) for this column's cell; the CSV keeps
    #: the cell's value only.
    link: str = ""


@dataclass
class Table:
    """A table of a page. Cells are plain values, ``None`` (shown as "-") or ``SUPPRESSED``."""

    id: str
    caption: str
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    #: Shown instead of an empty table.
    empty: str = ""
    #: A short note under the caption (what a cell means, where the numbers come from).
    note: str = ""


@dataclass
class Section:
    """A part of a page: a heading, charts (SVG, see ``charts``) and tables."""

    id: str
    title: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Any] = field(default_factory=list)
    note: str = ""


def is_suppressed(value: Any) -> bool:
    """Whether a cell is withheld (templates use it as a test)."""
    return value is SUPPRESSED


def csv_text(value: Any) -> str:
    """A cell as a CSV field: exact numbers, ISO dates, ``suppressed``, empty for nothing."""
    if value is SUPPRESSED:
        return SUPPRESSED_WORD
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return "; ".join(csv_text(v) for v in value)
    return str(value)


def _safe(text: str) -> str:
    # A spreadsheet runs a field starting with one of these as a formula (CSV injection).
    return (
        "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(text) else text
    )


def _number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def to_csv(table: Table) -> str:
    """The table as CSV text: a header of its column headings, then one line per row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_safe(c.label) for c in table.columns])
    for row in table.rows:
        writer.writerow([_safe(csv_text(row.get(c.key))) for c in table.columns])
    return out.getvalue()


def csv_response(table: Table) -> Response:
    """A CSV download of ``table``."""
    return Response(
        to_csv(table).encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{table.id}.csv"'},
    )


def find_table(sections: Sequence[Section], table_id: str) -> Table | None:
    """The table with ``table_id`` among the sections, or None."""
    for section in sections:
        for table in section.tables:
            if table.id == table_id:
                return table
    return None
