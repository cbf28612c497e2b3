"""``Text``, ``ShortText`` and ``LongText``: the server and the published JSON Schema agree on
what a visible character is (``\\s`` means different sets to Python's and ECMA-262's engines)."""

from __future__ import annotations

import re

import pytest
from pydantic import TypeAdapter, ValidationError

from concordia.core.types import LongText, ShortText, Text

#: Every character either engine calls blank, a few visible ones, controls and line breaks.
CANDIDATES = [
    *"\t\n\v\f\r \u0085\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff\u200b\u180e",
    *(chr(c) for c in range(0x2000, 0x200B)),
    *"a\u00e9\u0416\u4e2d\x00\x1f\x7f\x9f",
]


def _server_accepts(adapter: TypeAdapter[str], value: str) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def _schema_accepts(schema: dict[str, object], value: str) -> bool:
    """What a client reading the schema decides, with ECMA-262's meaning of the pattern: its
    ``$`` ends the string (Python's ``$`` also matches before a final line break)."""
    pattern = str(schema["pattern"])
    assert pattern.endswith("$")
    ecma = re.compile(pattern[:-1] + r"\Z")
    length = schema["minLength"] <= len(value) <= schema["maxLength"]  # type: ignore[operator]
    return length and ecma.search(value) is not None


@pytest.mark.parametrize("kind", [Text, ShortText, LongText], ids=["Text", "ShortText", "LongText"])
def test_the_server_and_the_schema_agree_on_every_blank(kind: object) -> None:
    adapter: TypeAdapter[str] = TypeAdapter(kind)
    schema = adapter.json_schema()
    assert "\\s" not in str(schema["pattern"])  # ECMA-262's \s is not Python's
    assert "\\S" not in str(schema["pattern"])
    for c in CANDIDATES:
        for value in (c, f"{c}{c}", f"x{c}", f"{c}x"):
            server, client = _server_accepts(adapter, value), _schema_accepts(schema, value)
            assert server == client, (hex(ord(c)), value, server, client)


def test_only_blanks_are_refused_and_text_around_them_is_kept() -> None:
    title = TypeAdapter(Text)
    for blank in ("\ufeff", "\u00a0\u3000", " \u2007 "):
        assert not _server_accepts(title, blank)
    assert title.validate_python("a\ufeffb") == "a\ufeffb"
