"""What a service's lifespan does to the process: the collector's thresholds, set and restored."""

from __future__ import annotations

import gc
from pathlib import Path

from concordia.core.db import Database
from concordia.core.settings import CoreSettings
from concordia.core.web import GC_THRESHOLD, create_app


async def test_a_running_service_collects_less_often_and_restores_the_collector(
    tmp_path: Path,
) -> None:
    settings = CoreSettings(
        env="test", database_url=f"sqlite:///{tmp_path / 'app.db'}", tokens_file=tmp_path / "t.json"
    )
    db = Database(settings.database_url)
    app = create_app(service="lifespan", settings=settings, db=db, routers=[])
    before = gc.get_threshold()
    assert before != GC_THRESHOLD
    try:
        async with app.router.lifespan_context(app):
            assert gc.get_threshold() == GC_THRESHOLD
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


async def test_the_collector_is_restored_when_the_last_of_several_services_stops(
    tmp_path: Path,
) -> None:
    settings = CoreSettings(
        env="test", database_url=f"sqlite:///{tmp_path / 'app.db'}", tokens_file=tmp_path / "t.json"
    )
    apps = [
        create_app(service=f"app{n}", settings=settings, db=Database(settings.database_url),
                   routers=[])
        for n in range(2)
    ]  # fmt: skip
    before = gc.get_threshold()
    first, second = (app.router.lifespan_context(app) for app in apps)
    try:
        await first.__aenter__()
        await second.__aenter__()
        await first.__aexit__(None, None, None)  # the first to start stops first
        assert gc.get_threshold() == GC_THRESHOLD  # the other still runs
        await second.__aexit__(None, None, None)
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
