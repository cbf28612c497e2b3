"""Constrained string types that cannot hold free text.

Shared event models (everything that may leave a node) are built only from these types and from
numbers, booleans, dates, literals and enums. A plain ``str`` is refused when a shared model is
defined, so a name, an alias or a comment cannot slip into a payload that crosses the border.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import StringConstraints

#: Letters, digits and a few separators; no spaces, so no prose fits.
CODE_PATTERN: Final = r"^[A-Za-z0-9_.:+\-]{1,64}$"
#: A code that is also a valid NATS subject token (no dots, no wildcards).
TOKEN_PATTERN: Final = r"^[A-Za-z0-9_\-]{1,64}$"  # noqa: S105 - not a password
#: ISO 3166-1 alpha-2.
COUNTRY_PATTERN: Final = r"^[A-Z]{2}$"

#: The patterns a string in a shared model may carry (checked when a shared model is defined).
NON_PERSONAL_PATTERNS: Final = frozenset({CODE_PATTERN, TOKEN_PATTERN, COUNTRY_PATTERN})

Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
"""A machine code such as ``RU-MOS``, ``female``, ``charter:2026.1`` or ``sum:EUR``."""

SubjectToken = Annotated[str, StringConstraints(pattern=TOKEN_PATTERN)]
"""A code usable as one token of a NATS subject, such as a node, a service or ``2026-Q4``."""

CountryCode = Annotated[str, StringConstraints(pattern=COUNTRY_PATTERN)]
"""An ISO 3166-1 alpha-2 country code such as ``SE``."""
