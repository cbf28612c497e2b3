"""Moved to ``concordia.hub.overlap.api``; app.py still names this path."""

from concordia.hub.overlap.api import router as router  # TODO(kit): import the new path
