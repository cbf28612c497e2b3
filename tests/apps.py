"""Apps started in the test's process through their lifespan, each with an in-process client."""

from __future__ import annotations

import contextlib

import httpx
from fastapi import FastAPI


class Apps:
    """The apps a fixture started; ``aclose`` stops them in reverse order, clients first.

    Example::

        apps = Apps()
        client = await apps.start(registry_app.create(settings), "http://registry")
        ...
        await apps.aclose()
    """

    def __init__(self) -> None:
        self._stack = contextlib.AsyncExitStack()

    async def start(self, app: FastAPI, base_url: str) -> httpx.AsyncClient:
        """Run ``app``'s start-up, then give a client that calls it in-process."""
        await self._stack.enter_async_context(app.router.lifespan_context(app))
        return self.client(app, base_url)

    def client(self, app: FastAPI, base_url: str) -> httpx.AsyncClient:
        """One more in-process client of a started ``app``, closed before the apps stop."""
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=base_url)
        self._stack.push_async_callback(client.aclose)
        return client

    async def aclose(self) -> None:
        """Close the clients and stop the apps, newest first."""
        await self._stack.aclose()
