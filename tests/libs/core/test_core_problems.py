"""Preconditions and rules between fields, as every service answers them."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationInfo, field_validator

from concordia.core import problems
from concordia.core.changes import check_version
from concordia.core.deps import IfMatchDep
from concordia.core.errors import InconsistentError, inconsistent
from concordia.core.schemas import IsoDate, StrictModel


class Span(StrictModel):
    start_date: IsoDate
    end_date: IsoDate

    @field_validator("end_date")
    @classmethod
    def _ordered(cls, value: IsoDate, info: ValidationInfo) -> IsoDate:
        if value < info.data["start_date"]:
            raise inconsistent("must not be before start_date")
        return value


def _client() -> TestClient:
    app = FastAPI()
    problems.install(app)

    @app.put("/spans")
    async def put_span(span: Span, expected: IfMatchDep, weeks: int = 0) -> dict[str, int | None]:
        check_version(3, expected)
        if weeks and (span.end_date - span.start_date).days < 7 * weeks:
            raise InconsistentError(["query", "weeks"], "longer than the span")
        return {"expected": expected}

    return TestClient(app)


_SPAN = {"start_date": "2026-01-01", "end_date": "2026-02-01"}


def test_any_if_match_that_names_no_version_is_a_failed_precondition() -> None:
    client = _client()
    for value in ('"0"', "3", 'W/"3"', "abc", '"3", "4"', " "):
        answer = client.put("/spans", json=_SPAN, headers={"If-Match": value})
        assert answer.status_code == 412, value
        assert answer.json()["type"] == problems.STALE_VERSION
    assert client.put("/spans", json=_SPAN, headers={"If-Match": '"3"'}).json() == {"expected": 3}
    latin = {"If-Match": '"\u00b2"'.encode("latin-1")}  # a digit to Python, not a version
    assert client.put("/spans", json=_SPAN, headers=latin).status_code == 412  # type: ignore[arg-type]
    assert client.put("/spans", json=_SPAN, headers={"If-Match": "*"}).json() == {"expected": None}
    assert client.put("/spans", json=_SPAN, headers={"If-Match": ""}).status_code == 422
    # The request's own fields are checked first: a bad body is 422 whatever If-Match says.
    assert client.put("/spans", json={}, headers={"If-Match": "abc"}).status_code == 422


def test_a_rule_between_valid_fields_is_a_conflict_naming_them() -> None:
    client = _client()
    answer = client.put("/spans", json={"start_date": "2026-02-01", "end_date": "2026-01-01"})
    assert answer.status_code == 409
    body = answer.json()
    assert body["type"] == problems.INCONSISTENT
    assert body["errors"] == [
        {"loc": ["body", "end_date"], "msg": "must not be before start_date",
         "type": "inconsistent_fields"},
    ]  # fmt: skip
    # A field invalid on its own is still 422, whatever else is wrong.
    assert client.put("/spans", json={"start_date": "x", "end_date": "y"}).status_code == 422


def test_a_service_raised_inconsistency_is_a_conflict() -> None:
    answer = _client().put("/spans?weeks=9", json=_SPAN)
    assert answer.status_code == 409
    assert answer.json()["type"] == problems.INCONSISTENT
    assert answer.json()["errors"][0]["loc"] == ["query", "weeks"]
