"""The node's identity in a service: its signing key and the directory it pinned.

``CONCORDIA_IDENTITY_KEY_FILE`` and ``CONCORDIA_IDENTITY_DIRECTORY_FILE`` (``node.env``, written
by ``concordia node init``) name them; without a key file the service has no identity (and
refuses whatever needs one, such as overlap detection). The directory is re-read when its file
changes (``concordia node pin-directory`` moves the pin while the service runs).
"""

from __future__ import annotations

from concordia.identity import NodeIdentity
from concordia.kit._settings import ServiceSettings


def load_identity(settings: ServiceSettings) -> NodeIdentity | None:
    """The node's ``NodeIdentity`` from the settings' files, or None when no key is set."""
    if settings.identity_key_file is None:
        return None
    return NodeIdentity.from_files(
        settings.node, settings.identity_key_file, settings.identity_directory_file
    )
