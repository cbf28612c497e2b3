"""The registry's outbox and inbox tables, on the registry's own MetaData."""

from __future__ import annotations

from concordia.events import Inbox, Outbox
from concordia.registry.models import Base

outbox = Outbox(Base.metadata)
inbox = Inbox(Base.metadata)
