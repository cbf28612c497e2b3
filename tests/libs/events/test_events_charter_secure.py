"""Charter v2's ``secure`` tables: one channel per table, epsilon for special categories."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from concordia.events import DEFAULT_CHARTER, CharterPublished, SecureTable

GENDER = SecureTable(
    table="participants_by_gender", service="ledger", dimension="gender",
    measure="participants", cells=("women", "men", "other", "undisclosed"),
)  # fmt: skip


def test_a_special_category_table_needs_an_epsilon() -> None:
    with pytest.raises(ValidationError, match="special category"):
        SecureTable(
            table="participants_by_ethnic_origin", service="ledger", dimension="ethnic_origin",
            measure="participants", cells=("russian", "non_russian", "undisclosed"),
        )  # fmt: skip
    ok = SecureTable(
        table="persons_by_vulnerability", service="registry", dimension="vulnerability",
        measure="persons", cells=("high", "medium", "low"), epsilon=Decimal("0.5"), stock=True,
    )  # fmt: skip
    assert ok.epsilon == Decimal("0.5")


@pytest.mark.parametrize("epsilon", ["0", "-1", "10.5", "0.00001"])
def test_epsilon_out_of_range_is_refused(epsilon: str) -> None:
    with pytest.raises(ValidationError, match="epsilon"):
        GENDER.model_copy(update={}).model_validate({**GENDER.model_dump(), "epsilon": epsilon})


def test_a_table_appears_once_and_the_default_has_none() -> None:
    assert DEFAULT_CHARTER.secure == ()
    data = DEFAULT_CHARTER.model_dump() | {"secure": [GENDER.model_dump(), GENDER.model_dump()]}
    with pytest.raises(ValidationError, match="secure table appears twice"):
        CharterPublished.model_validate(data)
    one = CharterPublished.model_validate(DEFAULT_CHARTER.model_dump() | {"secure": [GENDER]})
    assert one.secure == (GENDER,)
