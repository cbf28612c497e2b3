"""Fast paths for hot routes: the plain, well-formed request served without dependency resolution.

FastAPI resolves a route's dependencies (bearer token, headers, path parameters) for every
request through generic machinery: on the registry's audited read it was a third of the
request's CPU. A hot route may add a fast path, a function of the request that either serves
it (returns a response) or declines (returns None) whenever anything is not plainly valid: no
token or an unknown one, a missing scope, a malformed header or parameter. A declined request
runs the route as declared, its dependencies, errors and documentation unchanged, so every
refusal keeps exactly the answer the route gives; the fast path only ever serves.

Example::

    async def fast(request: Request) -> Response | None:
        principal = bearer(request, frozenset({"registry:read"}))
        if principal is None:
            return None                      # the declared route answers (401, 403, ...)
        return await serve(request, principal)

    router.add_api_route("/{id}", endpoint, methods=["GET"], route_class_override=fast_route(fast))
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from concordia.core.auth import Principal, TokenStore
from concordia.core.oidc import looks_like_jwt

FastPath = Callable[[Request], Awaitable[Response | None]]


def fast_route(fast: FastPath) -> type[APIRoute]:
    """A route class that tries ``fast`` first and runs the declared route when it declines."""

    class FastPathRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            declared = super().get_route_handler()

            async def handler(request: Request) -> Response:
                response = await fast(request)
                return response if response is not None else await declared(request)

            return handler

    return FastPathRoute


def bearer(request: Request, needed: frozenset[str]) -> Principal | None:
    """The principal of the request's bearer token if it is a valid API token holding every
    scope in ``needed``; None otherwise, and for an identity provider's JWT (whose key lookup
    may need a fetch: the declared route verifies it off the event loop).

    Records the principal on the request as the declared route's dependency does.
    """
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or looks_like_jwt(token):
        return None
    store: TokenStore = request.app.state.concordia.tokens
    principal = store.verify(token)
    if principal is None or not needed <= principal.scopes:
        return None
    request.state.principal = principal
    return principal
