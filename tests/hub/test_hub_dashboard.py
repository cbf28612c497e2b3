"""The coalition dashboard: the seeded coalition's numbers on the pages and in their CSV,
"suppressed" never 0, sign-in with CSRF, refusal without the scope, every string translated;
the coordination group's workspace (commitments, agenda, decisions) as the API records it."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import pytest
from dashboard_support import broadcast_practices, everything, seed, seed_workspace
from hub_support import Hub
from web_support import untranslated, visible_text

from concordia.events import NatsServer
from concordia.events.runtime.snapshot_store import digest_of

PAGES = ("/dashboard", "/dashboard/nodes", "/dashboard/overlaps", "/dashboard?period=2026-Q3")
WORKSPACE_PAGES = (
    "/dashboard/commitments", "/dashboard/commitments?period=2026-Q4&member=state:pl",
    "/dashboard/agenda", "/dashboard/agenda?status=open", "/dashboard/decisions",
    "/dashboard/decisions?status=in_force&node=se",
)  # fmt: skip


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
async def seeded(hub: Hub, country_nats: NatsServer) -> Hub:
    await seed(hub, country_nats)
    return hub


@pytest.fixture
async def workspace(seeded: Hub) -> dict[str, Any]:
    """The coordination group's records over the seeded coalition (``seed_workspace``)."""
    return await seed_workspace(seeded)


async def test_the_overview_shows_the_seeded_funding_and_suppressed_cells(seeded: Hub) -> None:
    hub = seeded
    page = await hub.client.get("/dashboard", headers=hub.auth())
    assert page.status_code == 200, page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    text = visible_text(page.text)
    assert "Coalition overview" in text
    assert "190,000" in text  # 120,000 (se) + 70,000 (pl) for independent media in 2026-Q4
    assert "suppressed" in text
    download = await hub.client.get(
        "/dashboard", params={"period": "2026-Q4", "csv": "committed_eur_by_purpose"},
        headers=hub.auth(),
    )  # fmt: skip
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    rows = _csv(download.text)
    assert rows[0] == ["Level", "PL", "SE", "Coalition total", "Part suppressed or missing"]
    assert ["independent_media", "70000.00", "120000.00", "190000.00", "false"] in rows
    # pl's legal aid is withheld: it reads "suppressed", never 0, and the total says so.
    assert ["legal_aid", "suppressed", "25000.00", "25000.00", "true"] in rows
    earlier = await hub.client.get(
        "/dashboard", params={"period": "2026-Q3", "csv": "committed_eur_by_purpose"},
        headers=hub.auth(),
    )  # fmt: skip
    assert ["legal_aid", "30000.00", "20000.00", "50000.00", "false"] in _csv(earlier.text)


async def test_targets_trends_and_districts(seeded: Hub) -> None:
    hub = seeded
    targets = await hub.client.get("/dashboard?csv=targets", headers=hub.auth())
    rows = {(r[0], r[1]): r for r in _csv(targets.text)[1:]}
    assert rows[("women_share", "persons_by_gender")][2] == "0.5385"  # 70 / 130
    origin = rows[("non_russian_share", "persons_by_ethnic_origin")]
    assert origin[2:7] == ["0.1923", "0.15", "0.20", "", "true"]  # 25 / 130
    trends = _csv((await hub.client.get("/dashboard?csv=trends", headers=hub.auth())).text)
    assert trends[1][0] == "2026-Q3"
    assert trends[1][1] == "200000.00"  # every cell published in Q3
    assert trends[2][1] == "suppressed"  # pl's legal aid withheld in Q4: no total
    assert [r[4] for r in trends[1:]] == ["3", "3"]  # central, volga, siberian
    assert [r[2] for r in trends[1:]] == ["0.5385", "0.5385"]  # from persons_by_gender
    districts = _csv((await hub.client.get("/dashboard?csv=districts", headers=hub.auth())).text)
    assert ["central", "80"] in districts
    page = await hub.client.get("/dashboard", headers=hub.auth())
    assert 'data-district="siberian"' in page.text
    assert "<svg" in page.text
    assert "<script" not in page.text


async def test_nodes_and_overlaps(seeded: Hub) -> None:
    hub = seeded
    nodes = _csv((await hub.client.get("/dashboard/nodes?csv=nodes", headers=hub.auth())).text)
    assert [r[0] for r in nodes[1:]] == ["pl", "se"]
    received = _csv((await hub.client.get("/dashboard/nodes?csv=received",
                                          headers=hub.auth())).text)  # fmt: skip
    shown = {(r[0], r[2], r[3]): r[6] for r in received[1:]}
    sent = everything()
    assert len(shown) == len(sent)
    for event in sent:  # the fingerprint the node's console shows for what it sent
        node_side = digest_of(event.model_dump(mode="json")).hex()
        assert shown[(event.node, event.aggregate, event.period)] == node_side
    overlaps = await hub.client.get("/dashboard/overlaps?csv=overlaps", headers=hub.auth())
    (_header, row) = _csv(overlaps.text)
    assert row[:5] == ["independent_media", "se", "pl", "counted", "3"]
    missing = await hub.client.get("/dashboard/overlaps?csv=nope", headers=hub.auth())
    assert missing.status_code == 404


async def test_a_reader_without_the_scope_is_refused_and_sees_no_data(seeded: Hub) -> None:
    hub = seeded
    for path in PAGES:
        refused = await hub.client.get(path, headers=hub.auth("ops"))
        assert refused.status_code == 403, path
        assert "190,000" not in refused.text
        assert "suppressed" not in refused.text
        anonymous = await hub.client.get(path)
        assert anonymous.status_code == 401
        assert 'name="token"' in anonymous.text
        assert "190,000" not in anonymous.text
    download = await hub.client.get("/dashboard?csv=committed_eur_by_purpose",
                                    headers=hub.auth("ops"))  # fmt: skip
    assert download.status_code == 403
    assert "text/csv" not in download.headers["content-type"]


async def test_sign_in_keeps_the_token_in_a_strict_cookie_and_forms_need_the_csrf_token(
    seeded: Hub,
) -> None:
    hub, client = seeded, seeded.client
    form = await client.get("/dashboard/sign-in", params={"next": "//attacker.example/x"})
    assert form.status_code == 200
    csrf = client.cookies["concordia_csrf"]
    assert f'value="{csrf}"' in form.text
    assert "httponly" in form.headers["set-cookie"].lower()
    forged = await client.post(
        "/dashboard/sign-in", data={"token": hub.tokens["hub:read"], "csrf": "forged"}
    )
    assert forged.status_code == 403
    assert "concordia_session" not in client.cookies
    wrong = await client.post("/dashboard/sign-in", data={"token": "cnc_x_y", "csrf": csrf})
    assert wrong.status_code == 401
    signed = await client.post(
        "/dashboard/sign-in",
        data={"token": hub.tokens["hub:read"], "csrf": csrf, "next": "//attacker.example/x"},
    )
    assert signed.status_code == 303
    assert signed.headers["location"] == "/dashboard"  # never off the site
    cookie = signed.headers["set-cookie"].lower()
    for attribute in ("httponly", "samesite=strict", "path=/dashboard"):
        assert attribute in cookie
    page = await client.get("/dashboard/nodes")
    assert page.status_code == 200
    assert "Signed in as" in page.text
    forged_out = await client.post("/dashboard/sign-out", data={"csrf": "forged"})
    assert forged_out.status_code == 403
    assert (await client.get("/dashboard/nodes")).status_code == 200  # still signed in
    out = await client.post("/dashboard/sign-out", data={"csrf": csrf})
    assert out.status_code == 303
    assert (await client.get("/dashboard/nodes")).status_code == 401


async def test_every_string_goes_through_gettext_and_russian_is_a_catalogue_away(
    seeded: Hub, workspace: dict[str, Any]
) -> None:
    hub = seeded
    details = (f"/dashboard/agenda/{workspace['item']['id']}",
               f"/dashboard/decisions/{workspace['decision']['id']}",
               *(f"/dashboard/agenda/{i['id']}" for i in workspace["scan"]["raised"]))  # fmt: skip
    for path in (*PAGES, *WORKSPACE_PAGES, *details, "/dashboard/sign-in"):
        sep = "&" if "?" in path else "?"
        page = await hub.client.get(f"{path}{sep}lang=qps", headers=hub.auth())
        assert page.status_code == 200, path
        assert untranslated(page.text) == [], path
    denied = await hub.client.get("/dashboard?lang=qps", headers=hub.auth("ops"))
    assert untranslated(denied.text) == []
    hub.client.cookies.clear()  # the choice of the pseudo-locale is remembered; forget it
    russian = await hub.client.get("/dashboard", headers=hub.auth() | {"Accept-Language": "ru"})
    assert '<html lang="ru">' in russian.text
    assert "Обзор коалиции" in russian.text
    assert "скрыто" in russian.text
    assert "190\xa0000" in russian.text  # numbers as Russian writes them


async def test_the_library_keeps_the_newest_revision_searches_and_reads(
    hub: Hub, country_nats: NatsServer
) -> None:
    await broadcast_practices(hub, country_nats)
    listed = _csv((await hub.client.get("/dashboard/practices?csv=practices",
                                        headers=hub.auth())).text)  # fmt: skip
    titles = {r[0]: r[4] for r in listed[1:]}
    # The first practice's revision 1 arrived after revision 2: the library keeps 2.
    assert titles == {"Test practice 1: a fast track for work permits (r2)": "2",
                      "Test practice 2: legal aid clinics": "1"}  # fmt: skip
    found = _csv((await hub.client.get("/dashboard/practices?q=LEGAL+clinic&csv=practices",
                                       headers=hub.auth())).text)  # fmt: skip
    assert [r[0] for r in found[1:]] == ["Test practice 2: legal aid clinics"]
    nothing = _csv((await hub.client.get("/dashboard/practices?q=100%25&csv=practices",
                                         headers=hub.auth())).text)  # fmt: skip
    assert nothing[1:] == []  # "%" is a character, not a wildcard
    page = await hub.client.get(f"/dashboard/practices/{1:032x}", headers=hub.auth())
    assert page.status_code == 200
    assert "permits &lt;quickly&gt; &amp; safely" in page.text  # escaped, never markup
    assert (await hub.client.get(f"/dashboard/practices/{9:032x}",
                                 headers=hub.auth())).status_code == 404  # fmt: skip
    refused = await hub.client.get(f"/dashboard/practices/{1:032x}", headers=hub.auth("ops"))
    assert refused.status_code == 403
    assert "fast track" not in refused.text
    for path in ("/dashboard/practices?lang=qps", f"/dashboard/practices/{1:032x}?lang=qps"):
        pseudo = await hub.client.get(path, headers=hub.auth())
        assert untranslated(pseudo.text) == [], path


async def test_commitments_show_their_status_and_filter(
    seeded: Hub, workspace: dict[str, Any]
) -> None:
    hub = seeded
    page = await hub.client.get("/dashboard/commitments", headers=hub.auth())
    assert page.status_code == 200, page.text
    text = visible_text(page.text)
    assert "Synthetic pledge of the Swedish ministry" in text
    assert "suppressed or not published at pl" in text
    rows = _csv((await hub.client.get("/dashboard/commitments?csv=commitments",
                                      headers=hub.auth())).text)  # fmt: skip
    assert rows[0][:10] == ["Member", "Kind", "Period", "Tracked at node", "Measure",
                            "Pledged for", "Target", "Actual", "Due by now", "Status"]  # fmt: skip
    by_member = {r[0]: r for r in rows[1:]}
    assert set(by_member) == {"state:se", "state:pl", "donor:fund-x"}
    se, pl, donor = by_member["state:se"], by_member["state:pl"], by_member["donor:fund-x"]
    # se's 120,000 for independent media in 2026-Q4 meets its 100,000.
    assert se[2:10] == ["2026-Q4", "se", "eur_committed", "purpose: independent_media",
                        "100000.00", "120000.00", se[8], "met"]  # fmt: skip
    assert se[8] == workspace["met"]["progress"]["expected"]
    assert "versions: se 1" in se[11]
    # pl's legal aid is suppressed at pl: unknown, never 0.
    assert (pl[7], pl[9], pl[10]) == ("", "unknown", "suppressed or not published at pl")
    # The donor's, without a node, on the coalition's totals of 2026-Q3: 150,000 of 160,000.
    assert (donor[3], donor[7], donor[9]) == ("", "150000.00", "behind")
    assert "versions: pl 1, se 1" in donor[11] or "versions: se 1, pl 1" in donor[11]
    for query, members in (
        ("period=2026-Q4", {"state:se", "state:pl"}), ("member=donor:fund-x", {"donor:fund-x"}),
        ("status=unknown", {"state:pl"}), ("period=2026-Q3&status=met", set()),
        ("period=&member=&status=", {"state:se", "state:pl", "donor:fund-x"}),
    ):  # fmt: skip
        found = _csv((await hub.client.get(f"/dashboard/commitments?{query}&csv=commitments",
                                           headers=hub.auth())).text)  # fmt: skip
        assert {r[0] for r in found[1:]} == members, query
    nothing = await hub.client.get("/dashboard/commitments?period=2026-Q3&status=met",
                                   headers=hub.auth())  # fmt: skip
    assert "no commitment matches." in visible_text(nothing.text)
    # The filter form offers the periods and members recorded.
    assert '<option value="donor:fund-x"' in page.text
    assert '<option value="2026-Q3"' in page.text


async def test_agenda_items_show_their_evidence_and_discussion(
    seeded: Hub, workspace: dict[str, Any]
) -> None:
    hub = seeded
    listed = await hub.get("/v1/agenda")
    assert workspace["scan"]["raised"], "the seeded coalition raises no signal"
    rows = _csv((await hub.client.get("/dashboard/agenda?csv=agenda", headers=hub.auth())).text)
    assert rows[0] == ["Item", "Raised by signal", "Period", "Status", "Raised by", "Raised",
                       "Evidence", "Comments", "Decision"]  # fmt: skip
    # Every item the API lists, in its order, with the evidence it holds.
    assert [r[0] for r in rows[1:]] == [i["title"] for i in listed]
    for row, item in zip(rows[1:], listed, strict=True):
        assert (row[1], row[3], row[4]) == (item["kind"], item["status"], item["raised_by"])
        for key, value in item["evidence"].items():
            if isinstance(value, str | int):
                assert f"{key}: {value}" in row[6], (key, row[6])
    mine = next(r for r in rows[1:] if r[0] == workspace["item"]["title"])
    assert mine[1:5] == ["member", "2026-Q4", "decided", "state:se"]
    assert mine[6] == "description: Legal aid is suppressed at pl for 2026-Q4"
    assert (mine[7], mine[8]) == ("1", "Synthetic decision: pool legal aid in 2027")
    page = await hub.client.get("/dashboard/agenda", headers=hub.auth())
    item_url = f"/dashboard/agenda/{workspace['item']['id']}"
    assert f'href="{item_url}"' in page.text
    opened = _csv((await hub.client.get("/dashboard/agenda?status=open&csv=agenda",
                                        headers=hub.auth())).text)  # fmt: skip
    assert [r[0] for r in opened[1:]] == [i["title"] for i in listed if i["status"] == "open"]
    kind = workspace["scan"]["raised"][0]["kind"]
    by_kind = _csv((await hub.client.get(f"/dashboard/agenda?kind={kind}&csv=agenda",
                                         headers=hub.auth())).text)  # fmt: skip
    assert {r[1] for r in by_kind[1:]} == {kind}

    detail = await hub.client.get(item_url, headers=hub.auth())
    assert detail.status_code == 200, detail.text
    text = visible_text(detail.text)
    assert "Synthetic objective: one legal aid desk per node" in text
    assert "expert:panel-1" in text
    assert f'href="/dashboard/decisions/{workspace["decision"]["id"]}"' in detail.text
    evidence = _csv((await hub.client.get(f"{item_url}?csv=evidence", headers=hub.auth())).text)
    assert evidence[1:] == [["description", "Legal aid is suppressed at pl for 2026-Q4"]]
    signal = workspace["scan"]["raised"][0]
    shown = _csv((await hub.client.get(f"/dashboard/agenda/{signal['id']}?csv=evidence",
                                       headers=hub.auth())).text)  # fmt: skip
    assert [r[0] for r in shown[1:]] == list(signal["evidence"])
    # The donor's commitment behind in 2026-Q3: its evidence links to the commitment and to
    # the overview's table it was read from (that one only for a reader of the coalition's).
    assert signal["kind"] == "commitment_behind"
    signal_url = f"/dashboard/agenda/{signal['id']}"
    commitment = 'href="/dashboard/commitments?period=2026-Q3&amp;member=donor%3Afund-x"'
    table = 'href="/dashboard?period=2026-Q3#table-committed_eur_by_purpose"'
    read = await hub.client.get(signal_url, headers=hub.auth())
    assert commitment in read.text
    assert table in read.text
    donor = {"Authorization": f"Bearer {workspace['tokens']['donor']}"}
    member = await hub.client.get(signal_url, headers=donor)
    assert commitment in member.text
    assert table not in member.text
    missing = await hub.client.get(f"/dashboard/agenda/{'0' * 8}-0000-0000-0000-{'0' * 12}",
                                   headers=hub.auth())  # fmt: skip
    assert missing.status_code == 404


async def test_decisions_show_their_signatures_and_follow_up(
    seeded: Hub, workspace: dict[str, Any]
) -> None:
    hub = seeded
    decision = workspace["decision"]
    rows = _csv((await hub.client.get("/dashboard/decisions?csv=decisions",
                                      headers=hub.auth())).text)  # fmt: skip
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row | {"Decided": ""} == {
        "Decision": "Synthetic decision: pool legal aid in 2027",
        "Agenda item": "Synthetic item: pool legal aid across nodes", "Period": "2026-Q4",
        "Concerns": "pl, se", "Status": "in_force", "Signed by": "de, pl, se",
        "Signatures required": "3", "Charter adopted": "", "Due": "2027-03-31",
        "Recorded by": "state:pl", "Decided": "", "Open follow-ups": "1", "Follow-ups": "2",
    }  # fmt: skip
    follow = _csv((await hub.client.get("/dashboard/decisions?csv=follow_ups",
                                        headers=hub.auth())).text)  # fmt: skip
    assert [r[:5] for r in follow[1:]] == [
        [decision["decided"], "1", "Synthetic follow-up: draft the desk's terms", "state:se", ""],
        [decision["decided"], "2", "Synthetic follow-up: report the first quarter", "state:pl",
         "2027-06-30"],
    ]  # fmt: skip
    assert datetime.fromisoformat(follow[1][5]).tzinfo is not None  # done, and by whom
    assert follow[1][6] == "state:se"
    assert follow[2][5:] == ["", ""]
    for query, count in (("status=in_force", 1), ("status=pending_signatures", 0),
                         ("node=se", 1), ("node=de", 0)):  # fmt: skip
        found = _csv((await hub.client.get(f"/dashboard/decisions?{query}&csv=decisions",
                                           headers=hub.auth())).text)  # fmt: skip
        assert len(found) - 1 == count, query

    url = f"/dashboard/decisions/{decision['id']}"
    page = await hub.client.get(url, headers=hub.auth())
    assert page.status_code == 200, page.text
    text = visible_text(page.text)
    assert "Synthetic rationale: two members asked for it" in text
    state = await hub.get(f"/v1/decisions/{decision['id']}/signatures")
    assert state["digest"] in text
    signatures = _csv((await hub.client.get(f"{url}?csv=signatures", headers=hub.auth())).text)
    assert [r[:2] for r in signatures[1:]] == [["se", "true"], ["pl", "true"], ["de", "true"]]
    log = _csv((await hub.client.get(f"{url}?csv=log", headers=hub.auth())).text)
    # Taken (pending), signed into force, a follow-up done: three entries, each sent to pl, se.
    assert [(r[2], r[3], r[4], r[5]) for r in log[1:]] == [
        ("pending_signatures", "0", "0", "pl, se"), ("in_force", "3", "0", "pl, se"),
        ("in_force", "3", "1", "pl, se"),
    ]  # fmt: skip


async def test_the_workspace_shows_only_what_the_token_allows(
    seeded: Hub, workspace: dict[str, Any]
) -> None:
    hub = seeded
    details = (f"/dashboard/agenda/{workspace['item']['id']}",
               f"/dashboard/decisions/{workspace['decision']['id']}")  # fmt: skip
    for path in (*WORKSPACE_PAGES, *details):
        refused = await hub.client.get(path, headers=hub.auth("ops"))
        assert refused.status_code == 403, path
        assert "Synthetic" not in refused.text
        assert "state:se" not in refused.text
        anonymous = await hub.client.get(path)
        assert anonymous.status_code == 401, path
        assert "Synthetic" not in anonymous.text
    download = await hub.client.get("/dashboard/commitments?csv=commitments",
                                    headers=hub.auth("ops"))  # fmt: skip
    assert download.status_code == 403
    assert "text/csv" not in download.headers["content-type"]
    # A member's representative and an expert read the workspace, not the coalition's tables.
    for role in ("pl", "expert"):
        token = {"Authorization": f"Bearer {workspace['tokens'][role]}"}
        page = await hub.client.get("/dashboard/decisions", headers=token)
        assert page.status_code == 200, role
        assert 'href="/dashboard/commitments"' in page.text
        assert 'href="/dashboard/nodes"' not in page.text  # not in its navigation
        assert (await hub.client.get("/dashboard/nodes", headers=token)).status_code == 403
    reader = await hub.client.get("/dashboard", headers=hub.auth())
    for path in ("/dashboard/commitments", "/dashboard/agenda", "/dashboard/decisions"):
        assert f'href="{path}"' in reader.text  # linked from the navigation


async def test_the_group_records_its_work_through_csrf_protected_forms(
    seeded: Hub, workspace: dict[str, Any]
) -> None:
    hub, client = seeded, seeded.client
    se = {"Authorization": f"Bearer {workspace['tokens']['se']}"}
    expert = {"Authorization": f"Bearer {workspace['tokens']['expert']}"}
    page = await client.get("/dashboard/commitments", headers=se)
    form_tag = 'method="post" action="/dashboard/commitments"'
    assert form_tag in page.text  # a member sees the form
    csrf = client.cookies["concordia_csrf"]
    reader_page = await client.get("/dashboard/commitments", headers=hub.auth())
    assert form_tag not in reader_page.text  # a reader does not
    form = {"kind": "funding", "period": "2026-Q3", "target": "50000",
            "measure": "eur_committed", "dimension": "purpose", "level": "legal_aid",
            "note": "Synthetic form pledge"}  # fmt: skip
    forged = await client.post("/dashboard/commitments", data=form | {"csrf": "forged"}, headers=se)
    assert forged.status_code == 403
    read_only = await client.post("/dashboard/commitments", data=form | {"csrf": csrf},
                                  headers=hub.auth())  # fmt: skip
    assert read_only.status_code == 403
    bad = await client.post("/dashboard/commitments", data=form | {"csrf": csrf, "target": "-5"},
                            headers=se)  # fmt: skip
    assert bad.status_code == 422
    assert "target" in visible_text(bad.text)
    assert len(await hub.get("/v1/commitments", member="state:se")) == 1  # nothing recorded
    made = await client.post("/dashboard/commitments", data=form | {"csrf": csrf}, headers=se)
    assert made.status_code == 303, made.text
    assert made.headers["location"] == "/dashboard/commitments?period=2026-Q3"
    recorded = [c for c in await hub.get("/v1/commitments", member="state:se")
                if c["note"] == "Synthetic form pledge"]  # fmt: skip
    assert [(c["node"], c["level"], c["target"], c["progress"]["status"]) for c in recorded] == [
        ("se", "legal_aid", "50000.00", "behind")  # se's 20,000 of legal aid in 2026-Q3
    ]  # fmt: skip

    added = await client.post("/dashboard/agenda", headers=se, data={
        "csrf": csrf, "title": "Synthetic form item", "period": "2026-Q4", "description": "",
    })  # fmt: skip
    assert added.status_code == 303, added.text
    item_url = added.headers["location"]
    for headers in (se, expert):  # the comment and decision forms: every string translated
        pseudo = await client.get(f"{item_url}?lang=qps", headers=headers)
        assert 'name="body"' in pseudo.text
        assert untranslated(pseudo.text) == []
    client.cookies.delete("concordia_lang", path="/dashboard")
    item_page = await client.get(item_url, headers=expert)
    assert 'name="kind"' in item_page.text  # an expert may propose an objective
    assert f'action="{item_url}/decision"' not in item_page.text  # but never decides
    advice = {"csrf": csrf, "body": "Synthetic advice", "kind": "objective"}
    said = await client.post(f"{item_url}/comments", headers=expert, data=advice)
    assert said.status_code == 303, said.text
    refused = await client.post(f"{item_url}/decision", headers=expert,
                                data={"csrf": csrf, "decided": "x", "rationale": "y"})  # fmt: skip
    assert refused.status_code == 403
    assert "hub:member" in visible_text(refused.text)  # members decide
    decided = await client.post(f"{item_url}/decision", headers=se, data={
        "csrf": csrf, "decided": "Synthetic form decision", "rationale": "Synthetic reasons",
        "concerns": "se, pl", "due": "", "action": "Synthetic form follow-up",
        "actor": "state:pl", "follow_up_due": "2027-01-31",
    })  # fmt: skip
    assert decided.status_code == 303, decided.text
    decision_id = decided.headers["location"].rsplit("/", 1)[1]
    item = await hub.get(f"/v1/agenda/{item_url.rsplit('/', 1)[1]}")
    assert [(c["role"], c["kind"], c["body"]) for c in item["comments"]] == [
        ("expert", "objective", "Synthetic advice")
    ]
    decision = await hub.get(f"/v1/decisions/{decision_id}")
    assert (decision["status"], decision["concerns"], decision["decided_by"]) == (
        "pending_signatures", ["pl", "se"], "state:se",
    )  # fmt: skip
    assert [(f["action"], f["actor"], f["due"]) for f in decision["follow_ups"]] == [
        ("Synthetic form follow-up", "state:pl", "2027-01-31")
    ]
    # Only its actor (pl) sees and may use the button that reports the follow-up done.
    done_url = f"/dashboard/decisions/{decision_id}/follow-ups/1/done"
    assert done_url not in (await client.get(f"/dashboard/decisions/{decision_id}",
                                             headers=se)).text  # fmt: skip
    assert (await client.post(done_url, headers=se, data={"csrf": csrf})).status_code == 403
    pl = {"Authorization": f"Bearer {workspace['tokens']['pl']}"}
    button = await client.get(f"/dashboard/decisions/{decision_id}?lang=qps", headers=pl)
    assert done_url in button.text
    assert untranslated(button.text) == []
    client.cookies.delete("concordia_lang", path="/dashboard")
    reported = await client.post(done_url, headers=pl, data={"csrf": csrf})
    assert reported.status_code == 303, reported.text
    follow_up = (await hub.get(f"/v1/decisions/{decision_id}"))["follow_ups"][0]
    assert follow_up["done_by"] == "state:pl"
    for path, headers in (
        ("/dashboard/commitments", se), ("/dashboard/agenda", se),
        (f"/dashboard/decisions/{decision_id}", pl),
    ):  # fmt: skip
        pseudo = await client.get(f"{path}?lang=qps", headers=headers)
        assert untranslated(pseudo.text) == [], path
    bad_pseudo = await client.post("/dashboard/commitments?lang=qps", headers=se,
                                   data=form | {"csrf": csrf, "target": "-5"})  # fmt: skip
    assert bad_pseudo.status_code == 422
    assert untranslated(bad_pseudo.text) == []
