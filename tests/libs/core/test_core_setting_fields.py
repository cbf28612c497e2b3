"""The shared setting shapes: a duration is positive, a quota at least one."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from concordia.core.settings import at_least_one, seconds


class _Example(BaseModel):
    wait_seconds: float = seconds(30.0, "How long to wait.")
    unset_seconds: float | None = seconds(None, "Unset: never.")
    runs_per_day: int = at_least_one(2, "Runs per UTC day.")


def test_defaults_and_descriptions_are_kept() -> None:
    example = _Example()
    assert (example.wait_seconds, example.unset_seconds, example.runs_per_day) == (30.0, None, 2)
    assert _Example.model_fields["runs_per_day"].description == "Runs per UTC day."


@pytest.mark.parametrize(
    "values", [{"wait_seconds": 0}, {"unset_seconds": -1.0}, {"runs_per_day": 0}]
)
def test_a_zero_duration_or_quota_is_refused(values: dict[str, float]) -> None:
    with pytest.raises(ValidationError):
        _Example(**values)
