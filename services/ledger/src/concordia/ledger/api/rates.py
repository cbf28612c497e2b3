"""Routes for exchange rates to EUR: ops load them (scope ``ops``) as JSON or CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BeforeValidator, ValidationError

from concordia.core.auth import Operator
from concordia.core.deps import SessionDep
from concordia.core.schemas import OMITTED
from concordia.ledger.api.deps import Reader
from concordia.ledger.schemas import CURRENCIES, Currency, RateIn, RateRead, RatesLoaded
from concordia.ledger.service import rates as service

router = APIRouter(prefix="/v1", tags=["rates"])

MAX_RATES = 100_000
_HEADER = ["currency", "date", "rate"]
_MAX_ERRORS = 50

# What a CSV body the route takes looks like, as a pattern a client (and schemathesis) can read:
# the header, then lines of a currency (ISO 4217, not EUR), a day that exists in every year,
# and a positive rate; blank lines between. Every body it matches is stored (a currency and day
# given twice is 409); the route also takes a header in any case, spaces around a cell, 29
# February.
_DAY = (
    r"(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_RATE = r"(?:[1-9][0-9]{0,9}(?:\.[0-9]{1,8})?|0\.[0-9]{0,7}[1-9])"
_LINE = f"(?:{'|'.join(sorted(CURRENCIES - {'EUR'}))}),{_DAY},{_RATE}"
CSV_PATTERN = f"^\ufeff?currency,date,rate(?:\r?\n(?:{_LINE})?)*$"


def _iso_day(value: Any) -> Any:
    # A query's date in ISO form only: pydantic would also read "1700000000" as Unix time.
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("must be a day, YYYY-MM-DD")
    return value


@router.put("/rates", response_model=RatesLoaded)
async def load_rates(
    rates: Annotated[list[RateIn], Body(max_length=MAX_RATES)], session: SessionDep, _: Operator
) -> RatesLoaded:
    """Store rates (EUR per unit), replacing any for the same currency and date; 409 when two
    items give one currency and date."""
    return RatesLoaded(stored=await service.load(session=session, rates=rates))


def _parse_csv(text: str) -> list[RateIn]:
    reader = csv.reader(io.StringIO(text))
    try:
        return _parse_rows(reader)
    except csv.Error as exc:
        # A field over the csv module's limit (131,072 characters) or a malformed quote: the
        # client's error, never a 500.
        raise RequestValidationError(
            [{"loc": ["body", reader.line_num], "msg": f"not valid CSV: {exc}",
              "type": "value_error"}]
        ) from None  # fmt: skip


def _parse_rows(reader: Any) -> list[RateIn]:
    header = next(reader, None)
    if header is None or [h.strip().lower() for h in header] != _HEADER:
        raise RequestValidationError(
            [
                {
                    "loc": ["body", 1],
                    "msg": "the first line must be `currency,date,rate`",
                    "type": "value_error",
                }
            ]
        )
    rates: list[RateIn] = []
    errors: list[dict[str, Any]] = []
    for line, row in enumerate(reader, start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(_HEADER):
            errors.append({"loc": ["body", line], "msg": "expected 3 columns",
                           "type": "value_error"})  # fmt: skip
        else:
            try:
                rates.append(
                    RateIn.model_validate(
                        dict(zip(_HEADER, (c.strip() for c in row), strict=False))
                    )
                )
            except ValidationError as exc:
                errors += [
                    {"loc": ["body", line, *e["loc"]], "msg": e["msg"], "type": e["type"]}
                    for e in exc.errors()
                ]
        if len(errors) >= _MAX_ERRORS or len(rates) > MAX_RATES:
            break
    if len(rates) > MAX_RATES:
        errors.append({"loc": ["body"], "msg": f"at most {MAX_RATES} rates per call",
                       "type": "value_error"})  # fmt: skip
    if errors:
        raise RequestValidationError(errors)
    return rates


@router.put(
    "/rates.csv",
    response_model=RatesLoaded,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {
                    "schema": {"type": "string", "pattern": CSV_PATTERN},
                    "example": "currency,date,rate\nSEK,2026-01-01,0.0871\n",
                }
            },
        }
    },
)
async def load_rates_csv(request: Request, session: SessionDep, _: Operator) -> RatesLoaded:
    """Store rates from CSV (`currency,date,rate`, one rate per line); 422 names each bad line,
    409 a currency and day given twice."""
    try:
        text = (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RequestValidationError(
            [{"loc": ["body"], "msg": "must be UTF-8 text", "type": "value_error"}]
        ) from None
    rates = _parse_csv(text)
    return RatesLoaded(stored=await service.load(session=session, rates=rates))


@router.get("/rates", response_model=list[RateRead])
async def list_rates(
    session: SessionDep,
    _: Reader,
    currency: Annotated[Currency, Query(description="ISO 4217 code.")],
    before: Annotated[
        date, BeforeValidator(_iso_day), Query(description="Only rates before this day.")
    ] = OMITTED,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[RateRead]:
    """A currency's rates, newest first."""
    found = await service.list_rates(session=session, currency=currency, before=before, limit=limit)
    return [RateRead.model_validate(r, from_attributes=True) for r in found]
