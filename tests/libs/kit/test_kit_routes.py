"""``Records``: the standard routes of one record type, declared once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query
from fastapi.testclient import TestClient
from pydantic import BaseModel

from concordia.core.contract import operation_id
from concordia.core.deps import _unit_of_work
from concordia.kit.routes import LIMIT, Param, Records


@dataclass
class Note:
    id: uuid.UUID
    text: str
    owner: str
    version: int = 1


class NoteRead(BaseModel):
    id: uuid.UUID
    text: str


class NoteCreate(BaseModel):
    text: str


class NoteUpdate(BaseModel):
    text: str | None = None


async def _owner(x_owner: Annotated[str, Query(alias="owner")] = "ann") -> str:
    return x_owner


Owner = Annotated[str, Depends(_owner)]
NOTES: dict[uuid.UUID, Note] = {}
CALLS: list[dict[str, Any]] = []


async def create(*, owner: str, data: NoteCreate) -> Note:
    note = Note(uuid.UUID(int=len(NOTES) + 1), data.text, owner)
    NOTES[note.id] = note
    return note


async def search(
    *, owner: str, after: uuid.UUID | None, limit: int, text: str | None, session: Any
) -> list[Note]:
    CALLS.append({"owner": owner, "after": after, "limit": limit, "text": text})
    found = [n for n in NOTES.values() if n.owner == owner and (text is None or n.text == text)]
    return [n for n in found if after is None or n.id > after][:limit]


async def get(*, note_id: uuid.UUID, **_: Any) -> Note:
    if note_id not in NOTES:
        raise HTTPException(404, "no such note")
    return NOTES[note_id]


async def update(*, note_id: uuid.UUID, data: NoteUpdate, if_match: int | None) -> Note:
    note = NOTES[note_id]
    CALLS.append({"if_match": if_match})
    note.text, note.version = data.text or note.text, note.version + 1
    return note


async def remove(*, note_id: uuid.UUID, if_match: int | None) -> None:
    CALLS.append({"removed": note_id, "if_match": if_match})
    del NOTES[note_id]


async def shout(note: Note, *, owner: str) -> NoteRead:
    return NoteRead(id=note.id, text=f"{note.text.upper()} ({owner})")


def _app() -> FastAPI:
    router = APIRouter(prefix="/v1/notes", tags=["notes"])
    notes = Records(router, NoteRead, key="note_id", noun="note", write={"owner": Owner},
                    read={"owner": Owner}, present_item=shout)  # fmt: skip
    notes.create("Write a note.", body=NoteCreate, call=create, missing="No such notebook")
    notes.page("Notes.", call=search, query=(Param("text", str | None), LIMIT))
    notes.get("One note.", call=get)
    notes.patch("Change a note.", body=NoteUpdate, call=update, responses={412: {}})
    notes.delete("Forget a note.", call=remove, name="forget_note")
    app = FastAPI(generate_unique_id_function=operation_id)
    app.include_router(router)

    async def no_session() -> AsyncIterator[None]:
        yield None

    app.dependency_overrides[_unit_of_work] = no_session
    return app


def test_the_routes_answer_like_written_ones() -> None:
    NOTES.clear()
    CALLS.clear()
    client = TestClient(_app())
    made = client.post("/v1/notes", json={"text": "hi"})
    assert made.status_code == 201
    note_id = made.json()["id"]
    assert made.headers["Location"] == f"/v1/notes/{note_id}"
    assert made.headers["ETag"] == '"1"'
    assert made.json() == {"id": note_id, "text": "hi"}

    got = client.get(f"/v1/notes/{note_id}")
    assert (got.status_code, got.headers["ETag"], got.json()["text"]) == (200, '"1"', "hi")
    assert client.get(f"/v1/notes/{uuid.UUID(int=9)}").status_code == 404

    page = client.get("/v1/notes", params={"limit": 1, "text": "hi"}).json()
    assert page["items"] == [{"id": note_id, "text": "HI (ann)"}]  # present_item
    assert page["next"] is not None
    assert CALLS[-1] == {"owner": "ann", "after": None, "limit": 1, "text": "hi"}
    assert client.get("/v1/notes", params={"after": page["next"]}).json()["items"] == []
    assert client.get("/v1/notes", params={"owner": "bob"}).json() == {"items": [], "next": None}

    changed = client.patch(f"/v1/notes/{note_id}", json={"text": "ho"}, headers={"If-Match": '"1"'})
    assert (changed.headers["ETag"], changed.json()["text"]) == ('"2"', "ho")
    assert CALLS[-1] == {"if_match": 1}

    gone = client.delete(f"/v1/notes/{note_id}", headers={"If-Match": '"2"'})
    assert (gone.status_code, gone.content) == (204, b"")
    assert CALLS[-1] == {"removed": uuid.UUID(note_id), "if_match": 2}


def test_the_document_names_each_route_as_a_written_one_would() -> None:
    paths = _app().openapi()["paths"]
    listed = paths["/v1/notes"]["get"]
    assert listed["operationId"] == "notes.list"
    assert listed["description"] == "Notes."
    assert [p["name"] for p in listed["parameters"]] == ["text", "limit", "owner", "after"]
    assert paths["/v1/notes"]["post"]["operationId"] == "notes.create"
    one = paths["/v1/notes/{note_id}"]
    assert {m: op["operationId"] for m, op in one.items()} == {
        "get": "notes.get",
        "patch": "notes.update",
        "delete": "notes.forget",
    }
    assert "412" in one["patch"]["responses"]
    assert [p["name"] for p in one["patch"]["parameters"]] == ["note_id", "owner", "if-match"]
    created = paths["/v1/notes"]["post"]["responses"]
    assert created["404"]["description"] == "No such notebook"  # ``missing``: a record it names
    assert "404" not in paths["/v1/notes"]["get"]["responses"]
