"""Exchange-specific dependencies: its typed state and the callers it admits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from concordia.core.auth import Caller, caller
from concordia.exchange.screening import RegistryScreen
from concordia.kit import service_state


@dataclass(eq=False)
class ExchangeState:
    """The exchange's own typed app state."""

    node: str
    max_attachment_bytes: int
    screen: RegistryScreen


def exchange_state(request: Request) -> ExchangeState:
    """The exchange's typed state of the app serving ``request``."""
    return service_state(request, ExchangeState)


StateDep = Annotated[ExchangeState, Depends(exchange_state)]
Reader = Annotated[
    Caller, caller("exchange:read", "exchange:write", "exchange:approve", any_of=True)
]
Writer = Annotated[Caller, caller("exchange:write")]
Approver = Annotated[Caller, caller("exchange:approve")]
