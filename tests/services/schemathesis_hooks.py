"""Schemathesis CLI hooks (tests/services/schemathesis.toml names this module).

Generation filters for the rules a schema states only in words; nothing else is relaxed.
"""

from __future__ import annotations
