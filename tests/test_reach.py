"""The reach rule for writes, on both stores: a manager's write may only create or change
rows inside its key's reach (before and after the write) and never widens that reach;
lifecycle operations on people who also appear outside it need an admin; interactions are
in reach by their project or their participants; and outside rows look exactly like
missing ones, whatever the request. Demo data: two projects with disjoint people."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.domain.bundle import parse_bundle
from graphsvc.domain.keys import Role
from graphsvc.store.base import Store
from graphsvc.web.app import create_app

from samples import key_headers

PD, SW = "pd-yunting-complex", "sw-fieldops-3"
PD_DUTY, PD_STAGE = "pd-r-as-built-documents", "pd-stage-handover"
PD_ORG = "org-yunting-properties"  # takes part in PD
PD_PERSON, PD_OTHER, PD_THIRD = "c-chen-xiaoyan", "c-cui-peng", "c-deng-hui"
SW_PERSON, SW_OTHER = "c-daniel-wu", "c-sarah-kim"
SW_ORG, SW_STAGE, SW_DUTY = "org-lumen-product", "sw-stage-handover", "sw-r-budget"


@pytest.fixture
def api(store: Store) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], Store]]:
    import_bundle(store, demo_data())
    headers = key_headers(store, [("root", Role.admin, []), ("pd manager", Role.manager, [PD])])
    with TestClient(create_app(store)) as client:
        yield client, headers, store


def same_answer(first: Any, second: Any, first_id: str, second_id: str) -> None:
    """Two answers that differ only by the id asked about."""
    assert first.status_code == second.status_code, (first.text, second.text)
    assert first.text.replace(first_id, "<id>") == second.text.replace(second_id, "<id>")


# -- 1. no write widens the reach ----------------------------------------------------------


def test_assigning_an_outside_contact_is_refused_like_an_unknown_one(api):
    client, h, store = api
    before = store.data_version()

    def assign(contact: str) -> Any:
        body = {"id": "a-reach", "contact": contact, "responsibility": PD_DUTY, "raci": "C"}
        return client.post("/api/v1/assignments", headers=h["manager"], json=body)

    outside, unknown = assign(SW_PERSON), assign("c-nobody")
    assert outside.status_code == 422 and "contact" in outside.json()["problems"][0]["field"]
    same_answer(outside, unknown, SW_PERSON, "c-nobody")
    assert store.data_version() == before
    assert client.get(f"/api/v1/contacts/{SW_PERSON}", headers=h["manager"]).status_code == 404
    assert assign(PD_OTHER).status_code == 201  # someone in reach may be assigned
    # a link to someone outside is refused the same way
    link = {"id": "l-reach", "source": PD_PERSON, "target": SW_PERSON, "kind": "works_with"}
    outside = client.post("/api/v1/links", headers=h["manager"], json=link)
    unknown = client.post("/api/v1/links", headers=h["manager"], json=link | {"target": "c-nobody"})
    assert outside.status_code == 422
    same_answer(outside, unknown, SW_PERSON, "c-nobody")


def test_adding_an_organisation_to_a_project_needs_an_admin(api):
    client, h, store = api
    # an organisation in reach (employer of someone assigned here) but not taking part
    assert (
        client.post("/api/v1/organizations", headers=h["admin"], json={"id": "o-side", "name": "Side"}).status_code
        == 201
    )
    for person in (
        {"id": "c-side", "name": "Side One", "org": "o-side"},
        {"id": "c-hidden", "name": "Hidden", "org": "o-side"},
    ):
        assert client.post("/api/v1/contacts", headers=h["admin"], json=person).status_code == 201
    body = {"id": "a-side", "contact": "c-side", "responsibility": PD_DUTY, "raci": "C"}
    assert client.post("/api/v1/assignments", headers=h["admin"], json=body).status_code == 201
    assert client.get("/api/v1/organizations/o-side", headers=h["manager"]).status_code == 200
    assert client.get("/api/v1/contacts/c-hidden", headers=h["manager"]).status_code == 404

    project = client.get(f"/api/v1/projects/{PD}", headers=h["manager"]).json()
    before = store.data_version()
    wider = project["organizations"] + [{"org": "o-side", "role": "helper"}]
    refused = client.patch(f"/api/v1/projects/{PD}", headers=h["manager"], json={"organizations": wider})
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    assert store.data_version() == before
    assert client.get("/api/v1/contacts/c-hidden", headers=h["manager"]).status_code == 404
    # an organisation outside the reach is refused as an unknown one
    outside = project["organizations"] + [{"org": SW_ORG, "role": "helper"}]
    unknown = project["organizations"] + [{"org": "o-nobody", "role": "helper"}]
    same_answer(
        client.patch(f"/api/v1/projects/{PD}", headers=h["manager"], json={"organizations": outside}),
        client.patch(f"/api/v1/projects/{PD}", headers=h["manager"], json={"organizations": unknown}),
        SW_ORG,
        "o-nobody",
    )
    assert store.data_version() == before
    # the admin may
    added = client.patch(f"/api/v1/projects/{PD}", headers=h["admin"], json={"organizations": wider})
    assert added.status_code == 200
    # dropping an organisation narrows the reach: a manager may
    narrower = [p for p in project["organizations"] if p["org"] != PD_ORG]
    assert (
        client.patch(f"/api/v1/projects/{PD}", headers=h["manager"], json={"organizations": narrower}).status_code
        == 200
    )


def test_new_contacts_and_organisations_stay_inside_the_reach(api):
    client, h, store = api
    before = store.data_version()
    outside = client.post("/api/v1/contacts", headers=h["manager"], json={"id": "c-new", "name": "N", "org": SW_ORG})
    unknown = client.post(
        "/api/v1/contacts", headers=h["manager"], json={"id": "c-new", "name": "N", "org": "o-nobody"}
    )
    assert outside.status_code == 422
    same_answer(outside, unknown, SW_ORG, "o-nobody")
    # without an organisation taking part, the new row would be outside the reach at once
    for body in ({"id": "c-new", "name": "N"},):
        refused = client.post("/api/v1/contacts", headers=h["manager"], json=body)
        assert refused.status_code == 403 and "reach" in refused.json()["detail"]
    refused = client.post("/api/v1/organizations", headers=h["manager"], json={"id": "o-new", "name": "New"})
    assert refused.status_code == 403 and "admin" in refused.json()["detail"]
    assert store.data_version() == before
    created = client.post("/api/v1/contacts", headers=h["manager"], json={"id": "c-new", "name": "N", "org": PD_ORG})
    assert created.status_code == 201
    assert client.get("/api/v1/contacts/c-new", headers=h["manager"]).status_code == 200
    # moving a contact in reach to an outside organisation: as if it did not exist
    outside = client.patch("/api/v1/contacts/c-new", headers=h["manager"], json={"org": SW_ORG})
    unknown = client.patch("/api/v1/contacts/c-new", headers=h["manager"], json={"org": "o-nobody"})
    same_answer(outside, unknown, SW_ORG, "o-nobody")


def test_interactions_among_outside_people_are_refused(api):
    client, h, store = api
    before = store.data_version()
    base = {"id": "i-new", "at": "2026-11-20T09:00:00+00:00", "channel": "call", "summary": "chat"}
    outside = client.post(
        "/api/v1/interactions", headers=h["manager"], json=base | {"participants": [SW_PERSON, SW_OTHER]}
    )
    unknown = client.post(
        "/api/v1/interactions", headers=h["manager"], json=base | {"participants": ["c-nobody", SW_OTHER]}
    )
    assert outside.status_code == 422
    # both name a missing participant at the same place
    assert outside.json()["problems"][0]["field"] == unknown.json()["problems"][0]["field"] == "participants.0"
    mixed = client.post(
        "/api/v1/interactions", headers=h["manager"], json=base | {"participants": [PD_PERSON, SW_OTHER]}
    )
    same_answer(
        mixed,
        client.post(
            "/api/v1/interactions", headers=h["manager"], json=base | {"participants": [PD_PERSON, "c-nobody"]}
        ),
        SW_OTHER,
        "c-nobody",
    )
    other_project = client.post(
        "/api/v1/interactions", headers=h["manager"], json=base | {"participants": [PD_PERSON], "project": SW}
    )
    same_answer(
        other_project,
        client.post(
            "/api/v1/interactions",
            headers=h["manager"],
            json=base | {"participants": [PD_PERSON], "project": "p-nobody"},
        ),
        SW,
        "p-nobody",
    )
    assert store.data_version() == before
    ok = client.post("/api/v1/interactions", headers=h["manager"], json=base | {"participants": [PD_PERSON, PD_OTHER]})
    assert ok.status_code == 201


# -- 2. lifecycle operations reaching other projects ----------------------------------------


def test_lifecycle_of_someone_also_in_another_project_needs_an_admin(api):
    client, h, store = api
    body = {"id": "a-twice", "contact": PD_PERSON, "responsibility": SW_DUTY, "raci": "C"}
    assert client.post("/api/v1/assignments", headers=h["admin"], json=body).status_code == 201
    before = store.data_version()
    attempts = [
        client.post(
            f"/api/v1/contacts/{PD_PERSON}/leave",
            headers=h["manager"],
            json={"on": "2026-12-01", "successor": PD_OTHER},
        ),
        client.post(f"/api/v1/contacts/{PD_OTHER}/merge", headers=h["manager"], json={"duplicate": PD_PERSON}),
        client.post(f"/api/v1/contacts/{PD_PERSON}/merge", headers=h["manager"], json={"duplicate": PD_OTHER}),
        client.post(
            f"/api/v1/contacts/{PD_PERSON}/move", headers=h["manager"], json={"on": "2026-12-01", "title": "Boss"}
        ),
    ]
    for response in attempts:
        assert response.status_code == 403, response.text
        assert "outside this key's reach" in response.json()["detail"] and "admin" in response.json()["detail"]
    assert store.data_version() == before
    [kept] = store.read("assignments", ["a-twice"])
    assert kept.contact == PD_PERSON and kept.valid_to is None
    # someone only in reach: the manager may
    left = client.post(
        f"/api/v1/contacts/{PD_THIRD}/leave", headers=h["manager"], json={"on": "2026-12-01", "successor": PD_OTHER}
    )
    assert left.status_code == 200, left.text
    # someone whose employer also takes part in another project appears there too
    sw = client.get(f"/api/v1/projects/{SW}", headers=h["admin"]).json()["organizations"]
    shared = sw + [{"org": "org-mingsuan-cost", "role": "Cost review"}]
    assert client.patch(f"/api/v1/projects/{SW}", headers=h["admin"], json={"organizations": shared}).status_code == 200
    refused = client.post(
        "/api/v1/contacts/c-peng-li/move", headers=h["manager"], json={"on": "2026-12-01", "title": "T"}
    )
    assert refused.status_code == 403 and "outside this key's reach" in refused.json()["detail"]
    # the admin may do it for the one in both
    left = client.post(
        f"/api/v1/contacts/{PD_PERSON}/leave", headers=h["admin"], json={"on": "2026-12-01", "successor": PD_OTHER}
    )
    assert left.status_code == 200, left.text


def test_editing_the_career_of_someone_also_in_another_project_needs_an_admin(api):
    """A PATCH or PUT of employer, title or status is a ``move`` underneath: the same rule."""
    client, h, store = api
    body = {"id": "a-twice", "contact": PD_PERSON, "responsibility": SW_DUTY, "raci": "C"}
    assert client.post("/api/v1/assignments", headers=h["admin"], json=body).status_code == 201
    before = store.data_version()
    url = f"/api/v1/contacts/{PD_PERSON}"
    row = client.get(url, headers=h["manager"]).json()
    for response in (
        client.patch(url, headers=h["manager"], json={"title": "Boss"}),
        client.patch(url, headers=h["manager"], json={"status": "left"}),
        client.put(url, headers=h["manager"], json={**row, "title": "Boss"}),
    ):
        assert response.status_code == 403, response.text
        assert "outside this key's reach" in response.json()["detail"]
    assert store.data_version() == before
    # other fields stay the manager's to keep up to date, and so does the career of someone only in reach
    assert client.patch(url, headers=h["manager"], json={"phones": ["13800000000"]}).status_code == 200
    assert client.patch(f"/api/v1/contacts/{PD_THIRD}", headers=h["manager"], json={"title": "Lead"}).status_code == 200


# -- 3. interactions in reach; exports that validate ---------------------------------------


def test_other_projects_interactions_are_out_of_reach(api):
    client, h, store = api
    at = "2026-11-20T09:00:00+00:00"
    for row in (
        {"id": "i-sw-mixed", "project": SW, "participants": [PD_PERSON, SW_PERSON], "summary": "reachword one"},
        {"id": "i-none-mixed", "participants": [PD_PERSON, SW_PERSON], "summary": "reachword two"},
        {"id": "i-pd-mixed", "project": PD, "participants": [PD_PERSON, SW_PERSON], "summary": "reachword three"},
        {"id": "i-none-pd", "participants": [PD_PERSON, PD_OTHER], "summary": "reachword four"},
    ):
        created = client.post("/api/v1/interactions", headers=h["admin"], json=row | {"at": at, "channel": "call"})
        assert created.status_code == 201, created.text
    m = h["manager"]
    for hidden in ("i-sw-mixed", "i-none-mixed", "sw-i-001"):
        same_answer(
            client.get(f"/api/v1/interactions/{hidden}", headers=m),
            client.get("/api/v1/interactions/i-nobody", headers=m),
            hidden,
            "i-nobody",
        )
    found = client.get("/api/v1/interactions", headers=m, params={"q": "reachword"}).json()["items"]
    assert sorted(i["id"] for i in found) == ["i-none-pd", "i-pd-mixed"]
    found = client.get("/api/v1/interactions", headers=m, params={"contact": PD_PERSON, "limit": 500}).json()["items"]
    assert {"i-sw-mixed", "i-none-mixed"}.isdisjoint(i["id"] for i in found) and "i-pd-mixed" in {
        i["id"] for i in found
    }
    # a participant outside the reach is not shown (nor its id)
    shown = client.get("/api/v1/interactions/i-pd-mixed", headers=m).json()
    assert shown["participants"] == [PD_PERSON]
    changed = client.patch("/api/v1/interactions/i-pd-mixed", headers=m, json={"summary": "reachword three!"})
    assert changed.status_code == 200 and changed.json()["participants"] == [PD_PERSON]
    assert store.read("interactions", ["i-pd-mixed"])[0].participants == sorted([PD_PERSON, SW_PERSON])
    # taking its project away would put it outside the reach
    refused = client.patch("/api/v1/interactions/i-pd-mixed", headers=m, json={"project": None})
    assert refused.status_code == 403 and store.read("interactions", ["i-pd-mixed"])[0].project == PD
    assert SW_PERSON not in client.get("/api/v1/interactions", headers=m, params={"limit": 500}).text

    export = client.get("/api/v1/export", headers=m)
    assert export.status_code == 200 and SW_PERSON not in export.text
    bundle = parse_bundle(export.json())  # valid on its own: nothing dangles
    assert {i.id for i in bundle.interactions} >= {"i-pd-mixed", "i-none-pd"}
    assert {"i-sw-mixed", "i-none-mixed"}.isdisjoint(i.id for i in bundle.interactions)
    handover = client.get(f"/api/v1/projects/{PD}/handover.zip", headers=m)
    assert handover.status_code == 200
    with zipfile.ZipFile(io.BytesIO(handover.content)) as package:
        data = json.loads(package.read("bundle.json"))
    handed = parse_bundle(data)
    assert {"i-sw-mixed", "i-none-mixed"}.isdisjoint(i.id for i in handed.interactions)


# -- 4. no existence oracles ---------------------------------------------------------------


def test_outside_ids_cannot_be_told_from_unknown_ones(api):
    client, h, store = api
    m = h["manager"]
    # an id that was used once (an unknown id now) answers a create as an outside one does
    stage = {"project": PD, "name": "Extra", "order": 99}
    assert client.post("/api/v1/stages", headers=h["admin"], json=stage | {"id": "st-gone"}).status_code == 201
    assert client.delete("/api/v1/stages/st-gone", headers=h["admin"]).status_code == 200
    before = store.data_version()
    outside = client.post("/api/v1/stages", headers=m, json=stage | {"id": SW_STAGE})
    gone = client.post("/api/v1/stages", headers=m, json=stage | {"id": "st-gone"})
    inside = client.post("/api/v1/stages", headers=m, json=stage | {"id": PD_STAGE})
    assert outside.status_code == 409, outside.text
    same_answer(outside, gone, SW_STAGE, "st-gone")
    same_answer(outside, inside, SW_STAGE, PD_STAGE)
    person = {"name": "X", "org": PD_ORG}
    assert client.post("/api/v1/contacts", headers=h["admin"], json=person | {"id": "c-gone"}).status_code == 201
    assert client.delete("/api/v1/contacts/c-gone", headers=h["admin"]).status_code == 200
    before = store.data_version()
    same_answer(
        client.post("/api/v1/contacts", headers=m, json=person | {"id": SW_PERSON}),
        client.post("/api/v1/contacts", headers=m, json=person | {"id": "c-gone"}),
        SW_PERSON,
        "c-gone",
    )
    assert store.data_version() == before
    assert store.read("stages", [SW_STAGE])[0].project == SW
    # by path: read, change, delete, lifecycle
    for outside_id, unknown_id, kind in ((SW_PERSON, "c-nobody", "contacts"), (SW_STAGE, "st-nobody", "stages")):
        for method, suffix, body in (
            ("GET", "", None),
            ("PATCH", "", {"name": "x"}),
            ("PUT", "", {"name": "x", "project": PD, "order": 98} if kind == "stages" else {"name": "x"}),
            ("DELETE", "?cascade=true", None),
        ):
            same_answer(
                client.request(method, f"/api/v1/{kind}/{outside_id}{suffix}", headers=m, json=body),
                client.request(method, f"/api/v1/{kind}/{unknown_id}{suffix}", headers=m, json=body),
                outside_id,
                unknown_id,
            )
    for url, body in (
        ("/api/v1/contacts/{}/leave", {"on": "2026-12-01"}),
        ("/api/v1/contacts/{}/move", {"on": "2026-12-01", "title": "T"}),
        ("/api/v1/contacts/{}/merge", {"duplicate": PD_OTHER}),
    ):
        same_answer(
            client.post(url.format(SW_PERSON), headers=m, json=body),
            client.post(url.format("c-nobody"), headers=m, json=body),
            SW_PERSON,
            "c-nobody",
        )
    # named in a body
    same_answer(
        client.post(
            f"/api/v1/contacts/{PD_PERSON}/leave", headers=m, json={"on": "2026-12-01", "successor": SW_PERSON}
        ),
        client.post(
            f"/api/v1/contacts/{PD_PERSON}/leave", headers=m, json={"on": "2026-12-01", "successor": "c-nobody"}
        ),
        SW_PERSON,
        "c-nobody",
    )
    same_answer(
        client.post(f"/api/v1/contacts/{PD_PERSON}/merge", headers=m, json={"duplicate": SW_PERSON}),
        client.post(f"/api/v1/contacts/{PD_PERSON}/merge", headers=m, json={"duplicate": "c-nobody"}),
        SW_PERSON,
        "c-nobody",
    )
    same_answer(
        client.patch(f"/api/v1/stages/{PD_STAGE}", headers=m, json={"project": SW}),
        client.patch(f"/api/v1/stages/{PD_STAGE}", headers=m, json={"project": "p-nobody"}),
        SW,
        "p-nobody",
    )
    same_answer(
        client.patch(f"/api/v1/responsibilities/{PD_DUTY}", headers=m, json={"stage": SW_STAGE}),
        client.patch(f"/api/v1/responsibilities/{PD_DUTY}", headers=m, json={"stage": "st-nobody"}),
        SW_STAGE,
        "st-nobody",
    )
    assert store.read("stages", [PD_STAGE])[0].project == PD


def test_deleting_what_outside_rows_depend_on_needs_an_admin(api):
    client, h, store = api
    body = {"id": "a-twice", "contact": PD_PERSON, "responsibility": SW_DUTY, "raci": "C"}
    assert client.post("/api/v1/assignments", headers=h["admin"], json=body).status_code == 201
    before = store.data_version()
    for cascade in ("false", "true"):
        refused = client.delete(f"/api/v1/contacts/{PD_PERSON}?cascade={cascade}", headers=h["manager"])
        assert refused.status_code == 403 and "admin" in refused.json()["detail"]
        assert "a-twice" not in refused.text and SW_DUTY not in refused.text
    assert store.data_version() == before
