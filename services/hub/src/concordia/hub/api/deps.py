"""Dependencies of the hub's routes: scopes and the federation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from concordia.core.auth import Caller, caller
from concordia.hub.charter.service import hub_directory
from concordia.hub.health import HubHealth
from concordia.hub.nodes import Federation
from concordia.hub.overlap import OverlapRounds
from concordia.hub.secure.service import SecureRounds
from concordia.hub.settings import HubSettings
from concordia.identity import Directory
from concordia.kit import runtime, service_state


@dataclass(eq=False)
class HubState:
    """The hub's own typed app state: the country links and the overlap rounds."""

    federation: Federation
    rounds: OverlapRounds
    #: The coalition's health figures on /metrics (what the alert rules read).
    health: HubHealth | None = None
    #: Secure aggregation's rounds (None without a directory of node keys).
    secure: SecureRounds | None = None


def hub_state(request: Request) -> HubState:
    """The hub's typed state of the app serving ``request``."""
    return service_state(request, HubState)


def hub_settings(request: Request) -> HubSettings:
    """The hub's settings."""
    settings = runtime(request).settings
    assert isinstance(settings, HubSettings)
    return settings


#: Reads are open to readers and to admins.
Reader = Annotated[Caller, caller("hub:read", "hub:admin", any_of=True, admin="hub:admin")]
Admin = Annotated[Caller, caller("hub:admin", admin="hub:admin")]


def _directory(request: Request) -> Directory | None:
    return hub_directory(hub_settings(request).directory_file)


#: The coalition directory the hub keeps (read per request: ``accept-directory`` moves it).
DirectoryDep = Annotated[Directory | None, Depends(_directory)]


def _federation(request: Request) -> Federation:
    return hub_state(request).federation


FederationDep = Annotated[Federation, Depends(_federation)]
