"""``Pages.page``: a page's handler runs only for a signed-in reader holding one of its scopes."""

from __future__ import annotations

import inspect
import typing
from types import SimpleNamespace
from typing import Annotated

import pytest
from fastapi import FastAPI, Query, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from concordia.core.auth import Principal
from concordia.web.pages import Pages, View
from concordia.web.tables import Column, Section, Table

PAGES = Pages(mount="/pages", title="Synthetic pages", nav=[])
TOKENS = {
    "reader-token": Principal("t1", "reader", frozenset({"demo:read"})),
    "other-token": Principal("t2", "other", frozenset({"demo:write"})),
}
#: What the handler was given, by the last call.
SEEN: dict[str, object] = {}


class _Tokens:
    def verify(self, token: str) -> Principal | None:
        return TOKENS.get(token)


def _app() -> FastAPI:
    app = FastAPI()
    app.state.concordia = SimpleNamespace(tokens=_Tokens())
    router = PAGES.router()

    @router.get("/pages/things")
    @PAGES.page({"demo:read", "demo:admin"})
    async def things(view: View, colour: Annotated[str, Query(max_length=8)] = "") -> Response:
        """Synthetic things, by colour."""
        SEEN.update(reader=view.reader, colour=colour, lang=view.lang.code)
        if colour == "none":
            return view.not_found("No such colour.")
        table = Table(
            id="things", caption="Things", columns=[Column("name", "Name")],
            rows=[{"name": f"{colour or 'any'} thing"}],
        )  # fmt: skip
        return view.render(heading="Things", sections=[Section(id="s", title="S", tables=[table])])

    app.include_router(router)
    return app


@pytest.fixture
def client() -> TestClient:
    SEEN.clear()
    return TestClient(_app())


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_page_asks_a_stranger_to_sign_in_and_refuses_a_token_without_its_scopes(
    client: TestClient,
) -> None:
    assert client.get("/pages/things").status_code == 401
    refused = client.get("/pages/things", headers=_as("other-token"))
    assert refused.status_code == 403
    assert "demo:admin, demo:read" in refused.text
    assert SEEN == {}  # the handler never ran


def test_a_page_gives_its_handler_the_reader_and_what_fastapi_injects(client: TestClient) -> None:
    answer = client.get("/pages/things?colour=red&lang=qps", headers=_as("reader-token"))
    assert answer.status_code == 200
    assert "red thing" in answer.text
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert SEEN["reader"] == TOKENS["reader-token"]
    assert (SEEN["colour"], SEEN["lang"]) == ("red", "qps")
    too_long = client.get("/pages/things?colour=" + "x" * 9, headers=_as("reader-token"))
    assert too_long.status_code == 422  # the handler's own parameters are validated


def test_a_page_downloads_its_tables_and_says_what_it_does_not_hold(client: TestClient) -> None:
    csv = client.get("/pages/things?colour=blue&csv=things", headers=_as("reader-token"))
    assert csv.headers["content-type"].startswith("text/csv")
    assert "blue thing" in csv.text
    missing = client.get("/pages/things?colour=none&lang=qps", headers=_as("reader-token"))
    assert missing.status_code == 404
    assert "⟦Not found⟧" in missing.text  # the heading, in the reader's language
    assert "No such colour." in missing.text


def test_the_route_takes_the_request_in_place_of_the_view() -> None:
    async def handler(view: View, colour: Annotated[str, Query()] = "") -> Response:
        """Synthetic."""
        raise AssertionError

    route = PAGES.page({"demo:read"})(handler)
    parameters = inspect.signature(route).parameters
    assert list(parameters) == ["request", "colour"]
    assert parameters["request"].annotation is Request
    assert typing.get_origin(parameters["colour"].annotation) is Annotated  # resolved, no string
    assert (route.__name__, route.__doc__) == ("handler", "Synthetic.")

    async def clash(view: View, request: Request) -> Response:
        raise AssertionError

    with pytest.raises(TypeError, match="the view holds the request"):
        PAGES.page({"demo:read"})(clash)
