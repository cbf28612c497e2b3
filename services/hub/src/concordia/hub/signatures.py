"""What the hub checks of a node's signature on its snapshots and status reports.

The hub keeps the coalition directory (``var/hub/directory.json``, ``concordia hub
accept-directory``; ``CONCORDIA_HUB_DIRECTORY_FILE``) and checks each signed snapshot and
status report against the key it lists for the sending node. A valid signature is kept with the
message (``signature_verified``), so a table at the hub can be proved to come from its node; an
invalid one is refused and recorded (``bad_signature``, ``foreign_signer``, ``unknown_signer``).
An unsigned message is kept unverified, or refused (``unsigned``) when the hub requires
signatures (``CONCORDIA_HUB_REQUIRE_SIGNATURES``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from concordia.events import (
    AggregateSnapshotPublished,
    ServiceStatusReported,
    event_signature_problem,
)
from concordia.identity import DirectoryPin, PublicKey


class DirectoryFile:
    """The directory the hub keeps, re-read when its file changes.

    Example::

        directory = DirectoryFile(Path("var/hub/directory.json"))
        directory.keys()      # {"se": PublicKey(...), ...}, or None without a file
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._mtime: float | None = None
        self._keys: dict[str, PublicKey] | None = None

    def keys(self) -> Mapping[str, PublicKey] | None:
        """Member code -> key, or None while there is no directory file."""
        try:
            mtime = self.path.stat().st_mtime
        except FileNotFoundError:
            return None
        if mtime != self._mtime:
            self._keys = DirectoryPin.load(self.path).keys()
            self._mtime = mtime
        return self._keys


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether to keep a message, and whether its signature was checked and holds."""

    refusal: str | None
    verified: bool


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """The hub's signature policy: the directory it checks with, and whether it requires one.

    Example::

        check = SignatureCheck(DirectoryFile(path), required=True)
        verdict = check.judge(snapshot)     # Verdict(refusal=None, verified=True)
    """

    directory: DirectoryFile | None = None
    required: bool = False

    def judge(self, event: AggregateSnapshotPublished | ServiceStatusReported) -> Verdict:
        """Keep (verified or not) or refuse ``event``, by its signature."""
        if event.signature is None:
            return Verdict("unsigned" if self.required else None, verified=False)
        keys = None if self.directory is None else self.directory.keys()
        if keys is None:  # no directory yet: kept as sent, not checked
            return Verdict("no_directory" if self.required else None, verified=False)
        problem = event_signature_problem(event, keys)
        return Verdict(problem, verified=problem is None)
