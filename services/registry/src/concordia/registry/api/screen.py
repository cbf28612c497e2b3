"""The screen: the exchange asks whether a text names anyone in this registry."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request

from concordia.core.auth import Caller, caller
from concordia.core.deps import SessionDep
from concordia.core.web import Problem
from concordia.kit import runtime
from concordia.registry.api.deps import CtxDep
from concordia.registry.schemas import ScreenRequest, ScreenResult
from concordia.registry.service import screen as service
from concordia.registry.settings import RegistrySettings

router = APIRouter(prefix="/v1/screen", tags=["screen"])


@router.post(
    "",
    response_model=ScreenResult,
    responses={429: {"model": Problem, "description": "The token's screens for today are used"}},
)
async def screen_texts(
    data: ScreenRequest,
    request: Request,
    session: SessionDep,
    ctx: CtxDep,
    principal: Annotated[Caller, caller("registry:screen")],
    x_purpose: Annotated[str | None, Header(max_length=256)] = None,
) -> ScreenResult:
    """Check texts for registered family names, aliases, e-mail addresses and phone numbers.

    Never returns a name; spans only with `registry:read` too. Logged; limited per token per day.
    """
    settings = runtime(request).settings
    assert isinstance(settings, RegistrySettings)
    return await service.screen(
        session=session, ctx=ctx, principal=principal, request=data,
        per_day=settings.screen_per_day, purpose=x_purpose,
    )  # fmt: skip
