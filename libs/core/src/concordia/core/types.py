"""Value types every service shares: text, external ids, organisation identifiers, countries.

Defined once, so the registry and the ledger accept exactly the same organisation identifier:
overlap detection matches organisations across nodes on it. Validators give the readable
reason; the patterns and enums put the same rule into the OpenAPI document.
"""

from __future__ import annotations

import re
from typing import Annotated, Final

import pycountry
from pydantic import AfterValidator, StringConstraints, WithJsonSchema

#: ``{registration agency}-{number}`` as in IATI and org-id.guide, e.g. ``SE-ON-8020001234``.
ORG_ID_PATTERN: Final = r"^[A-Z]{2}(-[A-Z0-9]{2,10})?-[A-Za-z0-9][A-Za-z0-9./\-]{0,63}$"
ORG_ID_MAX_LENGTH: Final = 96
EXTERNAL_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._:/\-]*$"
#: ISO 3166-1 alpha-2 codes.
COUNTRIES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)

_ORG_ID = re.compile(ORG_ID_PATTERN)


def org_identifier(value: str) -> str:
    """``value`` if it reads as an organisation identifier, else a readable error."""
    if not _ORG_ID.match(value):
        raise ValueError(
            "must read {registration agency}-{number}, e.g. 'SE-ON-8020001234' (org-id.guide)"
        )
    return value


def country(value: str) -> str:
    """``value`` if it is an ISO 3166-1 alpha-2 code, else a readable error."""
    if value not in COUNTRIES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return value


# At least one visible character; the JSON Schema says so too, so generated clients agree.
Text = Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=r"\S")]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=4000, pattern=r"\S")]
#: A record's id in the system it comes from (an agency's or a donor's own id).
ExternalId = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=EXTERNAL_ID_PATTERN)
]
OrgIdentifier = Annotated[
    str,
    StringConstraints(max_length=ORG_ID_MAX_LENGTH),
    AfterValidator(org_identifier),
    WithJsonSchema({"type": "string", "maxLength": ORG_ID_MAX_LENGTH, "pattern": ORG_ID_PATTERN}),
]
Country = Annotated[
    str, AfterValidator(country), WithJsonSchema({"type": "string", "enum": sorted(COUNTRIES)})
]

#: A calendar quarter, ``2026-Q4``: the period of every aggregate, round and assessment. The
#: years are those the services can compute dates for (1900-2099).
QUARTER_PATTERN: Final = r"^(19|20)\d{2}-Q[1-4]$"
Quarter = Annotated[str, StringConstraints(pattern=QUARTER_PATTERN)]
