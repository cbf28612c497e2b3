"""A configuration as the text nats-server reads (its format accepts JSON values)."""

from __future__ import annotations

import json
import re
from typing import Any

_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def render(conf: dict[str, Any], *, header: str = "") -> str:
    """The configuration as nats-server text: ``key: <JSON value>`` lines under a header."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    for key, value in conf.items():
        if not _KEY.match(key):
            raise ValueError(f"not a configuration key: {key!r}")
        lines.append(f"{key}: {json.dumps(value, indent=2)}")
    return "\n".join(lines) + "\n"
