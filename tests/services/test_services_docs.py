"""Every service's /docs works on a network without the internet: all its assets are local."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from services_support import create_app, settings_for_test

from concordia.kit import SERVICES, ServiceSpec


@pytest.mark.parametrize("spec", SERVICES, ids=[s.name for s in SERVICES])
async def test_docs_load_nothing_from_outside(spec: ServiceSpec, tmp_path: Path) -> None:
    settings = settings_for_test(
        spec, url=f"sqlite:///{tmp_path / 'x.db'}", nats_url="nats://127.0.0.1:1",
        tokens=tmp_path / "t.json", workdir=tmp_path,
    )  # fmt: skip
    app = create_app(spec, settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        page = await client.get("/docs")
        assert page.status_code == 200
        html = page.text
        # No absolute URL at all: every script, style and icon comes from this service.
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
        assert "validatorUrl: null" in html  # no badge fetched from the online validator
        referenced = re.findall(r"""(?:src|href)="([^"]+)\"""", html)
        assert any(r.endswith("swagger-ui-bundle.js") for r in referenced)
        for asset in referenced:
            got = await client.get(asset)
            assert got.status_code == 200, asset
            assert len(got.content) > 100, asset
        bundle = await client.get("/docs/assets/swagger-ui-bundle.js")
        assert "SwaggerUIBundle" in bundle.text
        assert (await client.get("/redoc")).status_code == 404  # ReDoc would load a CDN
        document = (await client.get("/openapi.json")).json()
        assert "/docs" not in document["paths"]
