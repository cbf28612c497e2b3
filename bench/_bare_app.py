"""The ceiling of ``registry.get_person``: a bare FastAPI app, one GET route, a similar JSON dict.

No middleware, no auth, no database: what FastAPI on uvicorn costs per request on this machine.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import FastAPI


def create() -> FastAPI:
    """Uvicorn factory: ``uvicorn --factory bench._bare_app:create``."""
    app = FastAPI()

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/persons/{person_id}")
    async def get_person(person_id: uuid.UUID) -> dict[str, Any]:
        return {
            "id": str(person_id),
            "version": 1,
            "external_id": "BENCH-0000001",
            "erased": False,
            "name": "Benchperson 0000001",
            "aliases": ["Alias-1"],
            "gender": "male",
            "ethnic_origin": "non_russian",
            "national_minority": None,
            "region_of_origin": "RU-TA",
            "federal_district": "volga",
            "profession_category": "activist",
            "host_country": "SE",
            "host_city": "Testville",
            "vulnerabilities": [],
            "risk_level": "high",
            "family": [{"relation": "child", "count": 2}],
            "created_at": "2026-11-28T09:00:00.000000Z",
            "updated_at": "2026-11-28T09:00:00.000000Z",
        }

    return app
