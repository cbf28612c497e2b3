"""Where a participant keeps its state between steps (and across restarts).

The whole state is one JSON document, saved after every step *before* the step's answer leaves
the node: a node restarted after revealing its shares finds the round revealed and answers
nothing twice.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol


class ParticipantStore(Protocol):
    def load(self) -> dict[str, Any] | None: ...

    def save(self, state: dict[str, Any]) -> None: ...


class MemoryStore:
    """Keeps the state as JSON text in memory (tests; a copy, never a shared reference)."""

    def __init__(self) -> None:
        self.text: str | None = None

    def load(self) -> dict[str, Any] | None:
        return None if self.text is None else dict(json.loads(self.text))

    def save(self, state: dict[str, Any]) -> None:
        self.text = json.dumps(state, sort_keys=True)


class FileStore:
    """Keeps the state in a file (0600), replaced atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        return dict(json.loads(self.path.read_text()))

    def save(self, state: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.path.parent, prefix=".secagg-")
        with os.fdopen(fd, "w") as handle:
            json.dump(state, handle, sort_keys=True)
        os.chmod(name, 0o600)
        os.replace(name, self.path)
