"""Dependencies of the hub's routes: scopes and the federation."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from concordia.core.auth import Principal, require
from concordia.hub.nodes import Federation

#: Reads are open to readers and to admins.
Reader = Annotated[Principal, require("hub:read", "hub:admin", any_of=True)]
Admin = Annotated[Principal, require("hub:admin")]


def _federation(request: Request) -> Federation:
    return request.app.state.federation


FederationDep = Annotated[Federation, Depends(_federation)]
