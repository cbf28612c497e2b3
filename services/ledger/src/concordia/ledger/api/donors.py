"""Routes for donors."""

from __future__ import annotations

from fastapi import APIRouter

from concordia.kit.routes import Records
from concordia.ledger.api.deps import ReaderView, WriterView
from concordia.ledger.schemas import DonorCreate, DonorRead, DonorUpdate
from concordia.ledger.service import donors as service

router = APIRouter(prefix="/v1/donors", tags=["donors"])


donors = Records(router, DonorRead, key="donor_id", noun="donor",
                 write={"viewer": WriterView}, read={"viewer": ReaderView})  # fmt: skip
donors.create("Register a donor of the token's owner under its `{agency}-{number}` identifier.",
              body=DonorCreate, call=service.create)  # fmt: skip
donors.page("Donors in registration order, a keyset page at a time.", call=service.list_page)
donors.get("One donor.", call=service.get)
donors.patch("Change the fields sent; `If-Match` guards against lost updates.",
             body=DonorUpdate, call=service.update, responses={409: {}, 412: {}})  # fmt: skip
donors.delete("Remove a donor that has no grants.", call=service.remove,
              responses={409: {}, 412: {}})  # fmt: skip
