"""concordia.core.fastpath: the fast path serves plain requests; the declared route all others."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Annotated

import httpx
from fastapi import APIRouter, FastAPI, Request, Response

from concordia.core.auth import Caller, TokenStore, caller
from concordia.core.fastpath import bearer, fast_route

Reader = Annotated[Caller, caller("registry:read")]
READ = frozenset({"registry:read"})


def _app(tokens: TokenStore) -> FastAPI:
    router = APIRouter()

    async def declared(item: int, actor: Reader) -> dict[str, str]:
        return {"by": "declared", "owner": actor.owner, "item": str(item)}

    async def fast(request: Request) -> Response | None:
        principal = bearer(request, READ)
        plain = request.path_params["item"].isdigit() and "x-slow" not in request.headers
        if principal is None or not plain:
            return None
        return Response(
            f'{{"by":"fast","owner":"{principal.owner}"}}', media_type="application/json"
        )

    router.add_api_route(
        "/items/{item}", declared, methods=["GET"], route_class_override=fast_route(fast)
    )
    app = FastAPI()
    app.state.concordia = SimpleNamespace(tokens=tokens)  # what the token checks read
    app.include_router(router)
    return app


async def test_fast_path_serves_and_declines(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    reader = tokens.create("reader", {"registry:read"}, owner="agency:a")
    writer = tokens.create("writer", {"registry:write"})
    app = _app(tokens)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        ok = await c.get("/items/7", headers={"Authorization": f"Bearer {reader}"})
        assert ok.json() == {"by": "fast", "owner": "agency:a"}
        slow = await c.get("/items/7", headers={"Authorization": f"Bearer {reader}", "X-Slow": "1"})
        assert slow.json() == {"by": "declared", "owner": "agency:a", "item": "7"}
        # Declined: the declared route answers, with its own errors and its own body.
        assert (await c.get("/items/7")).status_code == 401
        bad = await c.get("/items/7", headers={"Authorization": f"Bearer {reader}x"})
        assert bad.status_code == 401
        forbidden = await c.get("/items/7", headers={"Authorization": f"Bearer {writer}"})
        assert forbidden.status_code == 403
        invalid = await c.get("/items/x", headers={"Authorization": f"Bearer {reader}"})
        assert invalid.status_code == 422
        assert app.openapi()["paths"]["/items/{item}"]["get"]["parameters"][0]["name"] == "item"
