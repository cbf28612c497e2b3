"""Routes for exchange rates to EUR: ops load them (scope ``ops``) as JSON or CSV."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from concordia.core.auth import Operator
from concordia.core.deps import SessionDep
from concordia.ledger.api.deps import Reader
from concordia.ledger.schemas import Currency, RateIn, RateRead, RatesLoaded
from concordia.ledger.service import rates as service

router = APIRouter(prefix="/v1", tags=["rates"])

MAX_RATES = 100_000
_HEADER = ["currency", "date", "rate"]
_MAX_ERRORS = 50


@router.put("/rates", response_model=RatesLoaded)
async def load_rates(
    rates: Annotated[list[RateIn], Body(max_length=MAX_RATES)], session: SessionDep, _: Operator
) -> RatesLoaded:
    """Store rates (EUR per unit), replacing any for the same currency and date."""
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
                    "schema": {"type": "string"},
                    "example": "currency,date,rate\nSEK,2026-01-01,0.0871\n",
                }
            },
        }
    },
)
async def load_rates_csv(request: Request, session: SessionDep, _: Operator) -> RatesLoaded:
    """Store rates from CSV (`currency,date,rate`, one rate per line); 422 names each bad line."""
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
    before: Annotated[date | None, Query(description="Only rates before this date.")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[RateRead]:
    """A currency's rates, newest first."""
    found = await service.list_rates(session=session, currency=currency, before=before, limit=limit)
    return [RateRead.model_validate(r, from_attributes=True) for r in found]
