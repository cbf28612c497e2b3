"""The node's grants as an IATI 2.03 activity file, written incrementally.

The file is a publication: one ``iati-activity`` per public, live grant (coalition, restricted
and withdrawn grants never appear),
read a keyset batch at a time from one database snapshot and written with lxml's incremental
``xmlfile`` writer, so a million grants never sit in memory. A grant to a person names no one:
the implementing organisation is only the narrative "individual recipient", and the grant's
title, description and transaction descriptions stay out (a fixed title stands in).

Text XML 1.0 cannot carry (C0 controls but tab and line breaks) is dropped as it is written:
the API refuses it, but a row stored before that rule must not end the file after its 200. An
activity that still cannot be written is left out and logged, never the rest of the file.

The donor is the reporting organisation: the ledger publishes on its donors' behalf.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

from concordia.core.db import Database
from concordia.ledger import codes
from concordia.ledger.feed import service as feed

VERSION = "2.03"
#: IATI OrganisationType codes of the donor types.
ORGANISATION_TYPES = {"government_programme": "10", "foundation": "60", "multilateral": "40"}
#: IATI OrganisationRole codes.
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
#: Transaction types paid by the donor to the recipient (provider and receiver are known).
_OUTGOING = frozenset({2, 3, 12})
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
INDIVIDUAL = "Individual recipient (not disclosed)"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
log = logging.getLogger(__name__)


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", value)


#: The official IATI 2.03 schema, shipped inside the package (it includes iati-common.xsd and
#: xml.xsd from the same folder, so it validates offline).
SCHEMA_DIR = Path(__file__).resolve().parent / "standards" / "iati-2.03"
ACTIVITY_SCHEMA = SCHEMA_DIR / "iati-activities-schema.xsd"


@cache
def activity_schema() -> etree.XMLSchema:
    """The IATI 2.03 activity schema, parsed once from the package's own copy."""
    return etree.XMLSchema(etree.parse(str(ACTIVITY_SCHEMA)))


def identifier(item: dict[str, Any]) -> str:
    """The activity identifier: the donor's organisation identifier, then the grant's own id."""
    return xml_text(f"{item['donor']['identifier']}-{item['external_id'] or item['id']}")


def activity_status(start: date, end: date, today: date) -> str:
    """IATI ActivityStatus: 1 pipeline before the start, 2 implementation, 3 finalisation after."""
    if today < start:
        return "1"
    return "2" if today <= end else "3"


def _narrative(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    etree.SubElement(element, "narrative").text = xml_text(text)
    return element


def _org(parent: etree._Element, role: str, donor: dict[str, Any]) -> None:
    org = etree.SubElement(
        parent,
        "participating-org",
        {"ref": xml_text(donor["identifier"]), "type": ORGANISATION_TYPES[donor["type"]],
         "role": role},
    )  # fmt: skip
    etree.SubElement(org, "narrative").text = xml_text(donor["name"])


def _recipient(parent: etree._Element, recipient: dict[str, Any]) -> None:
    if recipient["type"] == "organisation":
        ref = xml_text(recipient["identifier"])
        org = etree.SubElement(parent, "participating-org", {"ref": ref, "role": IMPLEMENTING})
        etree.SubElement(org, "narrative").text = xml_text(recipient["name"])
    else:
        org = etree.SubElement(parent, "participating-org", {"role": IMPLEMENTING})
        etree.SubElement(org, "narrative").text = INDIVIDUAL


def _dates(parent: etree._Element, start: date, end: date, today: date) -> None:
    # 1 planned start, 2 actual start, 3 planned end, 4 actual end: actual dates only once past.
    kinds = [("1", start)] + ([("2", start)] if start <= today else [])
    kinds += [("3", end)] + ([("4", end)] if end < today else [])
    for kind, day in kinds:
        etree.SubElement(parent, "activity-date", {"type": kind, "iso-date": day.isoformat()})


def _transaction(parent: etree._Element, tx: dict[str, Any], item: dict[str, Any]) -> None:
    attrs = {"ref": xml_text(tx["external_id"])} if tx["external_id"] else {}
    element = etree.SubElement(parent, "transaction", attrs)
    etree.SubElement(element, "transaction-type", {"code": str(tx["type"])})
    etree.SubElement(element, "transaction-date", {"iso-date": tx["value_date"].isoformat()})
    value = etree.SubElement(
        element, "value", {"currency": tx["currency"], "value-date": tx["value_date"].isoformat()}
    )
    value.text = tx["amount"]
    if tx["description"]:
        _narrative(element, "description", tx["description"])
    if tx["type"] in _OUTGOING:
        donor = item["donor"]
        etree.SubElement(element, "provider-org", {"ref": xml_text(donor["identifier"])})
        if item["recipient"]["type"] == "organisation":
            ref = xml_text(item["recipient"]["identifier"])
            etree.SubElement(element, "receiver-org", {"ref": ref})


def activity(item: dict[str, Any], today: date) -> etree._Element:
    """The ``iati-activity`` element of one feed item (a live, visible grant)."""
    donor, txs = item["donor"], item["transactions"]
    attrs = {
        _XML_LANG: "en",
        "hierarchy": "1",
        "last-updated-datetime": item["updated_at"].isoformat(timespec="seconds"),
    }
    currencies = {tx["currency"] for tx in txs}
    if len(currencies) == 1:
        attrs["default-currency"] = currencies.pop()
    root = etree.Element("iati-activity", attrs)
    etree.SubElement(root, "iati-identifier").text = identifier(item)
    org_type = ORGANISATION_TYPES[donor["type"]]
    reporting = etree.SubElement(
        root, "reporting-org", {"ref": xml_text(donor["identifier"]), "type": org_type}
    )
    etree.SubElement(reporting, "narrative").text = xml_text(donor["name"])
    _narrative(root, "title", item["title"])
    # The schema requires a description: the title stands in where the donor gave none.
    _narrative(root, "description", item["description"] or item["title"], type="1")
    for role in (FUNDING, ACCOUNTABLE, EXTENDING):
        _org(root, role, donor)
    _recipient(root, item["recipient"])
    etree.SubElement(root, "activity-status", {"code": activity_status(
        item["start_date"], item["end_date"], today)})  # fmt: skip
    _dates(root, item["start_date"], item["end_date"], today)
    etree.SubElement(
        root,
        "sector",
        {"vocabulary": "1", "code": str(codes.PURPOSES[item["purpose"]]), "percentage": "100"},
    )
    etree.SubElement(
        root,
        "policy-marker",
        {"vocabulary": "1", "code": "1", "significance": str(item["gender_marker"])},
    )
    for tx in txs:
        _transaction(root, tx, item)
    return root


def _write(xf: Any, item: dict[str, Any], today: date) -> None:
    try:
        element = activity(item, today)
    except (ValueError, KeyError):
        # Built in memory first, so a failure leaves nothing half-written in the file.
        log.exception("grant %s left out of the IATI file", item["id"])
        return
    xf.write(element)


def _drain(buffer: io.BytesIO) -> bytes:
    data = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return data


async def activities_file(
    db: Database, *, batch: int = 1000, now: datetime | None = None
) -> AsyncIterator[bytes]:
    """The IATI activity file of every public, live grant, in chunks of about ``batch``
    activities, all read from one database snapshot."""
    now = now or datetime.now(UTC)
    today = now.date()
    buffer = io.BytesIO()
    async with feed.snapshot(db) as session:
        with etree.xmlfile(buffer, encoding="utf-8") as xf:
            xf.write_declaration()
            root = {"version": VERSION, "generated-datetime": now.isoformat(timespec="seconds")}
            with xf.element("iati-activities", root):
                xf.flush()
                yield _drain(buffer)
                after = 0
                while True:
                    found = await feed.page(
                        session=session, after=after, limit=batch, audience=feed.PUBLIC
                    )
                    if not found.rows:
                        break
                    for item in found.items():
                        if not item["withdrawn"]:
                            _write(xf, item, today)
                    xf.flush()
                    yield _drain(buffer)
                    after = found.next
        yield _drain(buffer)
