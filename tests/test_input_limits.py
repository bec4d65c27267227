"""The model refuses what a store cannot keep, and no stored row stops a store from opening.

Non-finite numbers, dates and offsets out of range, control characters, texts and lists
over the documented limits, numbers given as strings or booleans, and a stage order taken
twice in a project: refused alike by HTTP, bundle import and spreadsheet conversion, with
the same answer on both stores. A row stored before (or behind the service's back) that
today's model refuses is left out of reads, reported by ``graphsvc db check`` and kept.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from graphsvc.application.consistency import check
from graphsvc.application.importer import import_bundle
from graphsvc.application.spreadsheet.convert import Sheet, sheets_to_bundle
from graphsvc.domain.bundle import BundleError, canonical_dict, parse_bundle
from graphsvc.domain.model import MAX_ID, MAX_ITEMS, MAX_LINE, MAX_TEXT
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.web.app import create_app

from live_server import free_port
from samples import small

LINK = {"id": "l-new", "source": "c-wang", "target": "c-li", "kind": "communicates"}
ORG = {"id": "o-new", "name": "New Org"}
MEETING = {"id": "i-new", "participants": ["c-wang", "c-li"]}


def problems_of(data: dict) -> list[str]:
    """The bundle problems of ``data``, as ``array[index].field: reason`` lines (every
    reference taken as stored)."""
    try:
        parse_bundle(data, known=lambda kind, ids: ids)
    except BundleError as exc:
        return [str(problem) for problem in exc.problems]
    return []


# -- the model, as a bundle import meets it -------------------------------------------------


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_non_finite_weight_is_a_bundle_problem(number):
    data = json.loads(f'{{"links": [{json.dumps(LINK)[:-1]}, "weight": {number}}}]}}')
    found = problems_of(data)
    assert len(found) == 1 and found[0].startswith("links[0].weight: ")


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        ("9999-12-31T23:59:59-23:59", "UTC offset"),
        ("2026-01-01T00:00:00+14:01", "UTC offset"),
        ("0001-01-01T00:00:00Z", "year"),
        ("2999-12-31T23:00:00-10:00", "year"),  # in range, but not in UTC
        ("3000-01-01T00:00:00", "year"),
    ],
)
def test_date_times_out_of_range(at, reason):
    found = problems_of({"interactions": [{**MEETING, "at": at}]})
    assert len(found) == 1 and found[0].startswith("interactions[0].at: ") and reason in found[0]


def test_date_times_in_range_are_kept():
    assert problems_of({"interactions": [{**MEETING, "at": "2026-01-01T00:00:00-14:00"}]}) == []
    assert problems_of({"interactions": [{**MEETING, "at": "1900-01-01T00:00:00Z"}]}) == []


@pytest.mark.parametrize("day", ["1899-12-31", "3000-01-01", "0001-01-01"])
def test_days_out_of_range(day):
    found = problems_of({"stages": [{"id": "s", "project": "p", "name": "S", "order": 1, "start": day}]})
    assert found == ["stages[0].start: Value error, year must be between 1900 and 2999"]


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ufffe", "\ud800"])
def test_control_characters_in_text_are_refused(char):
    found = problems_of({"organizations": [{**ORG, "name": f"bad{char}name"}]})
    assert len(found) == 1 and found[0].startswith("organizations[0].name: ")


def test_tab_and_line_breaks_are_text():
    assert problems_of({"organizations": [{**ORG, "notes": "a\tb\nc\r\nd"}]}) == []


def test_ids_hold_no_control_characters_at_all():
    found = problems_of({"organizations": [{**ORG, "id": "o\tnew"}]})
    assert len(found) == 1 and found[0].startswith("organizations[0].id: ")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "o" * (MAX_ID + 1)),
        ("name", "n" * (MAX_LINE + 1)),
        ("notes", "n" * (MAX_TEXT + 1)),
        ("tags", ["t"] * (MAX_ITEMS + 1)),
        ("tags", ["t" * (MAX_LINE + 1)]),
    ],
)
def test_texts_and_lists_over_limits(field, value):
    found = problems_of({"organizations": [{**ORG, field: value}]})
    assert len(found) == 1 and found[0].startswith(f"organizations[0].{field}")


def test_texts_and_lists_at_limits_are_kept():
    at_limits = {"id": "o" * MAX_ID, "name": "n" * MAX_LINE, "notes": "n" * MAX_TEXT, "tags": ["t"] * MAX_ITEMS}
    assert problems_of({"organizations": [at_limits]}) == []


@pytest.mark.parametrize("order", [True, "4", 4.0, 4.5])
def test_stage_order_must_be_an_integer(order):
    found = problems_of({"stages": [{"id": "s", "project": "p", "name": "S", "order": order}]})
    assert found == ["stages[0].order: Input should be a valid integer"]


@pytest.mark.parametrize("weight", [True, "3"])
def test_weight_must_be_a_number(weight):
    assert problems_of({"links": [{**LINK, "weight": weight}]}) == ["links[0].weight: Input should be a valid number"]


def test_an_integral_weight_is_a_number():
    assert problems_of({"links": [{**LINK, "weight": 3}]}) == []


def test_spreadsheet_cells_become_numbers():
    """A spreadsheet has number cells and number text; both import as numbers."""
    sheets = [
        Sheet(
            "stages",
            "t.xlsx",
            ["id", "project", "name", "order"],
            [(2, ("s-1", "p", "S1", "4")), (3, ("s-2", "p", "S2", 5.0))],
        ),
        Sheet(
            "links",
            "t.xlsx",
            ["id", "source", "target", "kind", "weight"],
            [(2, ("l-1", "a", "b", "communicates", "2.5")), (3, ("l-2", "a", "b", "reports_to", 3))],
        ),
    ]
    conversion = sheets_to_bundle(sheets)
    assert [s["order"] for s in conversion.data["stages"]] == [4, 5]
    assert [link["weight"] for link in conversion.data["links"]] == [2.5, 3.0]
    bundle = parse_bundle(conversion.data, known=lambda kind, ids: ids)
    assert [s.order for s in bundle.stages] == [4, 5]


# -- HTTP and imports on both stores -----------------------------------------------------------


@pytest.fixture
def client(store):
    with TestClient(create_app(store), raise_server_exceptions=False) as http:
        assert http.post("/api/v1/import", json=small()).status_code == 200
        yield http


def refused(response: httpx.Response, field: str, status: int = 422) -> None:
    body = response.json()
    assert response.status_code == status, body
    assert set(body) == {"detail", "code", "problems", "nearest", "candidates"} and body["code"] == "invalid"
    assert field in {p["field"] for p in body["problems"]}, body
    assert field in body["detail"]


def post_json(client: TestClient, path: str, text: str) -> httpx.Response:
    return client.post(path, content=text, headers={"content-type": "application/json"})


def test_http_refuses_non_finite_weight(client, store):
    before = canonical_dict(store.export())
    refused(post_json(client, "/api/v1/links", json.dumps(LINK)[:-1] + ', "weight": 1e999}'), "weight")
    body = json.dumps(small())[:-1] + ', "links": [' + json.dumps(LINK)[:-1] + ', "weight": 1e999}]}'
    imported = post_json(client, "/api/v1/import", body)
    refused(imported, "weight")
    assert {"location": "links", "row": 0, "field": "weight"}.items() <= imported.json()["problems"][0].items()
    refused(
        client.patch("/api/v1/links/l-1", content='{"weight": -1e999}', headers={"content-type": "application/json"}),
        "weight",
    )
    assert canonical_dict(store.export()) == before
    assert check(store) == []


def test_http_refuses_date_times_out_of_range(client, store):
    before = canonical_dict(store.export())
    refused(client.post("/api/v1/interactions", json={**MEETING, "at": "9999-12-31T23:59:59-23:59"}), "at")
    refused(client.post("/api/v1/interactions", json={**MEETING, "at": "2026-01-01T00:00:00+15:00"}), "at")
    refused(client.patch("/api/v1/stages/s-build", json={"end": "0001-01-01"}), "end")
    assert canonical_dict(store.export()) == before


def test_http_refuses_control_characters_and_huge_texts(client, store):
    before = canonical_dict(store.export())
    refused(client.post("/api/v1/organizations", json={**ORG, "name": "bad\x07name"}), "name")
    refused(client.post("/api/v1/organizations", json={**ORG, "name": "n" * 1_000_000}), "name")
    refused(client.put("/api/v1/organizations/o-old", json={"name": "Old", "notes": "x" * (MAX_TEXT + 1)}), "notes")
    refused(client.patch("/api/v1/contacts/c-li", json={"tags": ["t"] * (MAX_ITEMS + 1)}), "tags")
    refused(client.post("/api/v1/contacts/c-li/move", json={"on": "2026-12-01", "title": "a\x00b"}), "title")
    assert canonical_dict(store.export()) == before
    assert client.post("/api/v1/organizations", json={**ORG, "notes": "line one\nline\ttwo"}).status_code == 201


def test_http_bodies_are_strict_for_numbers(client, store):
    before = canonical_dict(store.export())
    stage = {"id": "s-new", "project": "p-tower", "name": "New", "order": 9}
    refused(client.post("/api/v1/stages", json={**stage, "order": True}), "order")
    refused(client.post("/api/v1/stages", json={**stage, "order": "4"}), "order")
    refused(client.patch("/api/v1/links/l-1", json={"weight": "2"}), "weight")
    assert canonical_dict(store.export()) == before


def test_a_stage_order_is_unique_in_its_project(client, store):
    before = canonical_dict(store.export())
    stage = {"id": "s-new", "project": "p-tower", "name": "New", "order": 2}  # s-build holds 2
    refused(client.post("/api/v1/stages", json=stage), "order")
    refused(client.put("/api/v1/stages/s-accept", json={**stage, "id": "s-accept"}), "order")
    refused(client.patch("/api/v1/stages/s-accept", json={"order": 1}), "order")
    imported = client.post("/api/v1/import", json={"stages": [stage]})
    refused(imported, "order")
    assert imported.json()["problems"][0]["row"] == 0
    assert canonical_dict(store.export()) == before
    # its own order again, or one the bundle frees, is fine
    assert client.patch("/api/v1/stages/s-accept", json={"order": 3}).status_code == 200
    swapped = [{**s, "order": {"s-build": 1, "s-design": 2}.get(s["id"], s["order"])} for s in small()["stages"]]
    assert client.post("/api/v1/import", json={"stages": swapped}).status_code == 200
    assert client.post("/api/v1/stages", json={**stage, "order": 4}).status_code == 201
    assert check(store) == []


def test_the_cli_import_refuses_a_taken_stage_order(store):
    import_bundle(store, small())
    with pytest.raises(BundleError) as refused_import:
        import_bundle(store, {"stages": [{"id": "s-new", "project": "p-tower", "name": "New", "order": 3}]})
    assert [str(p) for p in refused_import.value.problems] == [
        "stages[0].order: project 'p-tower' already has stage 's-accept' with order 3"
    ]
    assert check(store) == []


# -- stored rows today's model refuses -----------------------------------------------------


def corrupt(store):
    """Write rows today's model refuses straight into the store, as an older version or a
    hand-made change could have; the store as it opens afterwards."""
    if isinstance(store, EmbeddedStore):
        path = store.path
        store.close()
        with sqlite3.connect(path) as db:
            (data,) = db.execute("SELECT data FROM rows WHERE kind = 'links' AND id = 'l-1'").fetchone()
            db.execute(
                "UPDATE rows SET data = ? WHERE kind = 'links' AND id = 'l-1'",
                (json.dumps({**json.loads(data), "weight": None}),),
            )
            db.execute(
                "INSERT INTO rows (kind, id, data) VALUES ('organizations', 'o-bad', ?)",
                (json.dumps({"id": "o-bad", "name": "bad\x07name"}),),
            )
        return EmbeddedStore(path)
    store.driver.execute_query(
        "MATCH ()-[r:COMMUNICATES_WITH {id: 'l-1'}]->() SET r.weight = $weight", {"weight": float("inf")}
    )
    store.driver.execute_query(
        "CREATE (:Organization {id: 'o-bad', name: $name, kind: 'other'})", {"name": "bad\x07name"}
    )
    return store


def test_a_stored_invalid_row_never_stops_the_store(store, settings_of):
    import_bundle(store, small())
    settings = settings_of(store)
    opened = corrupt(store)
    try:
        assert [o.id for o in opened.read("organizations")] == ["o-build", "o-design", "o-old"]
        assert [link.id for link in opened.read("links")] == ["l-2", "l-3"]
        assert [r.id for r in opened.read("organizations", ["o-bad", "o-old"])] == ["o-old"]
        problems = check(opened)
        assert problems[:2] == [
            "links 'l-1': stored row is invalid (weight: Input should be a finite number); kept as stored, not served"
            if opened.name == "neo4j"
            else "links 'l-1': stored row is invalid (weight: Input should be a valid number); kept as stored, not served",
            "organizations 'o-bad': stored row is invalid (name: Value error, must not contain control character"
            " U+0007 (at 3); tab and line breaks are allowed); kept as stored, not served",
        ]
        assert len(problems) == 2
        # nothing is lost: the row's id stays taken, a write cannot replace it
        with TestClient(create_app(opened), raise_server_exceptions=False) as http:
            assert http.post("/api/v1/organizations", json={"id": "o-bad", "name": "Good"}).status_code == 409
            imported = http.post("/api/v1/import", json={"organizations": [{"id": "o-bad", "name": "Good"}]})
            assert imported.status_code == 422 and imported.json()["problems"][0]["field"] == "id"
            assert http.get("/api/v1/organizations/o-bad").status_code == 404
            assert http.get("/api/v1/export").status_code == 200
        assert opened.counts()["organizations"] == 4
        assert len(check(opened)) == 2
    finally:
        if opened is not store:
            opened.close()

    environment = {**os.environ, **settings}
    command = [sys.executable, "-m", "graphsvc"]
    checked = subprocess.run([*command, "db", "check"], capture_output=True, text=True, env=environment, timeout=120)
    assert checked.returncode == 7, checked.stderr
    assert "organizations 'o-bad'" in checked.stderr and "links 'l-1'" in checked.stderr
    status = subprocess.run([*command, "db", "status"], capture_output=True, text=True, env=environment, timeout=120)
    assert status.returncode == 0 and "organizations      4" in status.stdout

    port = free_port()
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port)], env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/organizations", timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        assert answer.status_code == 200
        assert [o["id"] for o in answer.json()["items"]] == ["o-build", "o-design", "o-old"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_ids_the_service_makes_stay_within_the_limit(client, store):
    """A contact period (``<contact>@<day>``) or a line handed over on leave
    (``<link>@<day>``) made from an id at the limit is still a valid id."""
    long_contact, long_link = "c" * MAX_ID, "l" * MAX_ID
    assert (
        client.post("/api/v1/contacts", json={"id": long_contact, "name": "Long", "org": "o-build"}).status_code == 201
    )
    assert client.patch(f"/api/v1/contacts/{long_contact}", json={"org": "o-design"}).status_code == 200
    link = {"id": long_link, "source": "c-li", "target": "c-free", "kind": "communicates", "valid_from": "2026-01-01"}
    assert client.post("/api/v1/links", json=link).status_code == 201
    left = client.post("/api/v1/contacts/c-li/leave", json={"on": "2026-12-01", "successor": "c-wang"})
    assert left.status_code == 200, left.json()
    made = [r.id for kind in ("contact_history", "links") for r in store.read(kind)]
    assert any(i.startswith("c" * 100) for i in made) and any(i.startswith("l" * 100) and i != long_link for i in made)
    assert all(len(i) <= MAX_ID for i in made)
    assert check(store) == []
    assert store.invalid_rows() == []


def test_a_merge_over_the_list_limit_is_refused(client, store):
    half = MAX_ITEMS // 2 + 1
    client.patch("/api/v1/contacts/c-li", json={"tags": [f"a{i}" for i in range(half)]})
    duplicate = {"id": "c-li-2", "name": "李娜", "tags": [f"b{i}" for i in range(half)]}
    assert client.post("/api/v1/contacts", json=duplicate).status_code == 201
    before = canonical_dict(store.export())
    refused(client.post("/api/v1/contacts/c-li/merge", json={"duplicate": "c-li-2"}), "duplicate")
    assert canonical_dict(store.export()) == before
    assert check(store) == []


def test_the_cli_refuses_what_the_model_refuses(store, settings_of, tmp_path):
    """The same rules for a bundle file and a spreadsheet given to ``graphsvc import``."""
    import_bundle(store, small())
    before = canonical_dict(store.export())
    environment = {**os.environ, **settings_of(store)}

    def graphsvc(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "graphsvc", *args]
        return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=120)

    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps({"links": [{**LINK, "weight": float("inf")}]}), encoding="utf-8")  # Infinity
    refused_bundle = graphsvc("import", str(bundle))
    assert (
        refused_bundle.returncode == 2 and "links[0].weight: Input should be a finite number" in refused_bundle.stderr
    )
    sheet = tmp_path / "stages.csv"
    sheet.write_text("id,project,name,order\ns-new,p-tower,New,TRUE\n", encoding="utf-8")
    refused_sheet = graphsvc("import", str(sheet))
    assert refused_sheet.returncode == 2 and "stages, row 2, column order: Input should be a valid integer" in (
        refused_sheet.stderr
    )
    sheet.write_text("id,project,name,order\ns-new,p-tower,New,2\n", encoding="utf-8")
    refused_sheet = graphsvc("import", str(sheet))
    assert refused_sheet.returncode == 2
    assert "row 2, column order: project 'p-tower' already has stage 's-build' with order 2" in refused_sheet.stderr
    assert canonical_dict(store.export()) == before
