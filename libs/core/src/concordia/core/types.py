"""Value types every service shares: text, external ids, organisation identifiers, countries.

Defined once, so the registry and the ledger accept exactly the same organisation identifier:
overlap detection matches organisations across nodes on it. Validators give the readable
reason; the patterns and enums put the same rule into the OpenAPI document.

Texts refuse control characters (XML 1.0 cannot carry most of them, so one stored ``\x0b``
would break the IATI export); an organisation identifier must start with a registration agency
of IATI's OrganisationRegistrationAgency codelist, as IATI's validator requires.
"""

from __future__ import annotations

import re
from typing import Annotated, Final

import pycountry
from pydantic import AfterValidator, StringConstraints, WithJsonSchema

from concordia.core.codelists import codes

#: The shape of ``{registration agency}-{number}`` as in IATI and org-id.guide, e.g.
#: ``SE-ON-8020001234`` or ``CA_AB-ABT-1234`` (event contracts keep to the shape, so events of
#: an older codelist still parse).
ORG_ID_PATTERN: Final = (
    r"^[A-Z]{2}(_[A-Z]{2})?(-[A-Z0-9_]{2,20})?-[A-Za-z0-9][A-Za-z0-9./\-]{0,63}$"
)
#: The same with the agency one of the codelist's active codes: what the APIs accept. The codes
#: sit in the pattern itself, so the OpenAPI says exactly what the validator checks.
REGISTERED_ORG_ID_PATTERN: Final = (
    "^(?:"
    + "|".join(sorted(codes("OrganisationRegistrationAgency")))
    + r")-[A-Za-z0-9][A-Za-z0-9./\-]{0,63}$"
)
ORG_ID_MAX_LENGTH: Final = 96
EXTERNAL_ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9._:/\-]*$"
#: ISO 3166-1 alpha-2 codes.
COUNTRIES: frozenset[str] = frozenset(c.alpha_2 for c in pycountry.countries)

_ORG_ID = re.compile(REGISTERED_ORG_ID_PATTERN)


def org_identifier(value: str) -> str:
    """``value`` if it reads as an organisation identifier of a registered agency, else a
    readable error."""
    if not _ORG_ID.match(value):
        prefix = "-".join(value.split("-")[:2])
        raise ValueError(
            "must read {registration agency}-{number}, e.g. 'SE-ON-8020001234', where the "
            "agency is in IATI's OrganisationRegistrationAgency codelist (org-id.guide); "
            f"{prefix!r} is not"
        )
    return value


def country(value: str) -> str:
    """``value`` if it is an ISO 3166-1 alpha-2 code, else a readable error."""
    if value not in COUNTRIES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return value


#: Blank characters, spelt out: ``\s`` differs between the server's regex engine (Unicode
#: White_Space: U+0085, not U+FEFF) and JSON Schema's (ECMA-262: U+FEFF, not U+0085), so a
#: pattern with ``\s`` or ``\S`` would not mean the same to a client. These are both sets.
BLANKS: Final = r"\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
#: Some character that is not blank, the same to the server and to the published schema.
VISIBLE: Final = rf"[^{BLANKS}]"
#: C0 and C1 control characters but tab and line breaks.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
# The same rules for generated clients: a visible character, and no control character.
_CONTROLS = r"\x00-\x1f\x7f-\x9f"
_TEXT_PATTERN = rf"^[^{_CONTROLS}]*[^{BLANKS}{_CONTROLS}][^{_CONTROLS}]*$"
_LONG_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_LONG_TEXT_PATTERN = rf"^[^{_LONG_CONTROLS}]*[^{BLANKS}{_LONG_CONTROLS}][^{_LONG_CONTROLS}]*$"


def one_line(value: str) -> str:
    """``value`` if it holds no control character (tabs and line breaks included)."""
    if CONTROL.search(value) or _LINE_BREAKS.search(value):
        raise ValueError("must not contain control characters (tabs and line breaks included)")
    return value


def no_controls(value: str) -> str:
    """``value`` if it holds no control character but tab and line breaks."""
    if CONTROL.search(value):
        raise ValueError("must not contain control characters other than tab and line breaks")
    return value


#: A name or title: at most 300 characters on one line, with a visible one.
Text = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300, pattern=VISIBLE),
    AfterValidator(one_line),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 300, "pattern": _TEXT_PATTERN}),
]
#: A short name (a city): at most 120 characters on one line.
ShortText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=120, pattern=VISIBLE),
    AfterValidator(one_line),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 120, "pattern": _TEXT_PATTERN}),
]
#: A description: at most 4,000 characters; tabs and line breaks allowed, other controls not.
LongText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=4000, pattern=VISIBLE),
    AfterValidator(no_controls),
    WithJsonSchema(
        {"type": "string", "minLength": 1, "maxLength": 4000, "pattern": _LONG_TEXT_PATTERN}
    ),
]
#: A record's id in the system it comes from (an agency's or a donor's own id).
ExternalId = Annotated[
    str, StringConstraints(min_length=1, max_length=128, pattern=EXTERNAL_ID_PATTERN)
]
OrgIdentifier = Annotated[
    str,
    StringConstraints(max_length=ORG_ID_MAX_LENGTH),
    AfterValidator(org_identifier),
    WithJsonSchema(
        {"type": "string", "maxLength": ORG_ID_MAX_LENGTH, "pattern": REGISTERED_ORG_ID_PATTERN}
    ),
]
Country = Annotated[
    str, AfterValidator(country), WithJsonSchema({"type": "string", "enum": sorted(COUNTRIES)})
]

#: A calendar quarter, ``2026-Q4``: the period of every aggregate, round and assessment. The
#: years are those the services can compute dates for (1900-2099).
QUARTER_PATTERN: Final = r"^(19|20)\d{2}-Q[1-4]$"
Quarter = Annotated[str, StringConstraints(pattern=QUARTER_PATTERN)]
