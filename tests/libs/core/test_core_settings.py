"""The shared settings refuse the development key in production, however it is spelled."""

from __future__ import annotations

import base64
import os

import pytest
from pydantic import ValidationError

from concordia.core.settings import DEV_NODE_KEY, CoreSettings

_CANONICAL = DEV_NODE_KEY
# The same 32 bytes: a trailing newline (a key file read whole) and other final padding bits.
_VARIANTS = [
    _CANONICAL,
    _CANONICAL + "\n",
    _CANONICAL[:-2] + chr(ord(_CANONICAL[-2]) + 1) + "=",
]


@pytest.mark.parametrize("spelling", _VARIANTS, ids=["canonical", "newline", "loose-bits"])
def test_the_development_key_is_refused_in_prod(spelling: str) -> None:
    assert base64.urlsafe_b64decode(spelling.encode()) == base64.urlsafe_b64decode(_CANONICAL)
    with pytest.raises(ValidationError, match="development node key"):
        CoreSettings(env="prod", node_key=spelling)


def test_a_real_key_is_accepted_in_prod_and_the_dev_key_in_test() -> None:
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    assert CoreSettings(env="prod", node_key=key).node_key_bytes == base64.urlsafe_b64decode(key)
    assert CoreSettings(env="test", node_key=_VARIANTS[1]).env == "test"
