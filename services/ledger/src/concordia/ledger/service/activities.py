"""Activities (events, programmes) that grants fund: participants as counts only."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from concordia.core.errors import InconsistentError, NotFoundError
from concordia.events.ledger import ActivityRecorded, ActivityRemoved, ActivityUpdated
from concordia.ledger.models import Activity
from concordia.ledger.schemas import ActivityCreate, ActivityFields, ActivityRead, ActivityUpdate
from concordia.ledger.service import grants
from concordia.ledger.service._common import (
    NodeContext,
    Viewer,
    check_version,
    emit,
    new_id,
    now,
)

_GENDER = {"women": "women", "men": "men", "other": "gender_other",
           "undisclosed": "gender_undisclosed"}  # fmt: skip
_ORIGIN = {"russian": "russian", "non_russian": "non_russian",
           "undisclosed": "origin_undisclosed"}  # fmt: skip


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    gender, origin = fields.pop("participants_by_gender"), fields.pop("participants_by_origin")
    return {
        **fields,
        **{column: gender[key] for key, column in _GENDER.items()},
        **{column: origin[key] for key, column in _ORIGIN.items()},
    }


def _fields(activity: Activity) -> dict[str, Any]:
    plain = ("kind", "title", "start_date", "end_date", "country", "city")
    return {
        **{name: getattr(activity, name) for name in plain},
        "participants_by_gender": {k: getattr(activity, c) for k, c in _GENDER.items()},
        "participants_by_origin": {k: getattr(activity, c) for k, c in _ORIGIN.items()},
    }


_COUNTS = (*_GENDER.values(), *_ORIGIN.values())


def activity_event(
    cls: type[ActivityRecorded] | type[ActivityUpdated], activity: Activity
) -> ActivityRecorded:
    """The local event of an activity's state: dates, country and counts, no title or city."""
    plain = ("grant_id", "version", "kind", "start_date", "end_date", "country", *_COUNTS)
    return cls(activity_id=activity.id, **{name: getattr(activity, name) for name in plain})


def read(activity: Activity) -> ActivityRead:
    """The API view of an activity."""
    meta = ("id", "grant_id", "version", "created_at", "updated_at")
    return ActivityRead.model_validate(
        {**_fields(activity), **{name: getattr(activity, name) for name in meta}}
    )


async def create(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    viewer: Viewer,
    grant_id: uuid.UUID,
    data: ActivityCreate,
) -> Activity:
    """Record an activity of a live grant."""
    await grants.get(session=session, grant_id=grant_id, viewer=viewer, change=True)
    at = now()
    activity = Activity(
        id=new_id(), grant_id=grant_id, version=1, created_at=at, updated_at=at,
        **_columns(data.model_dump()),
    )  # fmt: skip
    session.add(activity)
    await session.flush()
    await emit(session, ctx, [activity_event(ActivityRecorded, activity)])
    return activity


async def get(*, session: AsyncSession, activity_id: uuid.UUID, viewer: Viewer) -> Activity:
    """One activity, or 404 (also when its grant is not the viewer's)."""
    activity = await session.get(Activity, activity_id, populate_existing=True)
    if activity is None:
        raise NotFoundError(f"no activity {activity_id}")
    await grants.get(session=session, grant_id=activity.grant_id, viewer=viewer, change=True)
    return activity


async def list_for(*, session: AsyncSession, grant_id: uuid.UUID, viewer: Viewer) -> list[Activity]:
    """A grant's activities in recording order (the viewer's grants only)."""
    await grants.get(session=session, grant_id=grant_id, viewer=viewer, change=True)
    query = select(Activity).where(Activity.grant_id == grant_id).order_by(Activity.id)
    return list((await session.scalars(query)).all())


async def update(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    activity_id: uuid.UUID,
    data: ActivityUpdate,
    if_match: int | None,
    viewer: Viewer,
) -> Activity:
    """Change the fields sent; the merged activity must still be consistent (else 409)."""
    activity = await get(session=session, activity_id=activity_id, viewer=viewer)
    check_version(activity.version, if_match)
    merged_raw = {**_fields(activity), **data.model_dump(exclude_unset=True)}
    try:
        merged = ActivityFields.model_validate(merged_raw, strict=False)
    except ValidationError as exc:
        # The fields sent are valid one by one (the route checked them): what breaks is a rule
        # between them and the stored ones (dates, counts).
        error = exc.errors()[0]
        raise InconsistentError(["body", *error["loc"]], error["msg"]) from None
    columns = _columns(merged.model_dump())
    if all(getattr(activity, k) == v for k, v in columns.items()):
        return activity
    for key, value in columns.items():
        setattr(activity, key, value)
    activity.version, activity.updated_at = activity.version + 1, now()
    await session.flush()
    await emit(session, ctx, [activity_event(ActivityUpdated, activity)])
    return activity


async def remove(
    *,
    session: AsyncSession,
    ctx: NodeContext,
    activity_id: uuid.UUID,
    if_match: int | None,
    viewer: Viewer,
) -> None:
    """Delete an activity."""
    activity = await get(session=session, activity_id=activity_id, viewer=viewer)
    check_version(activity.version, if_match)
    removed = ActivityRemoved(
        activity_id=activity.id, grant_id=activity.grant_id, version=activity.version
    )
    await session.delete(activity)
    await session.flush()
    await emit(session, ctx, [removed])
