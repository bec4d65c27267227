"""Hostile strings through the HTTP API, on both stores.

Cypher fragments, backticks, ``$param`` placeholders, template syntax, HTML and awkward
unicode go into every string field of every entity kind (ids, names, notes, titles, tags,
e-mails, phones, channels, roles, descriptions, summaries...). They must be stored and
returned literally (create, read, list and ``q=`` search, export), the rows already stored
must be untouched and the counts right; as path ids and query parameters they must give
404 or 422, never a 500; and the HTML pages (index, map, the handover package's pages) must
show them as text, never as markup.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from graphsvc.application.importer import import_bundle
from graphsvc.domain.bundle import canonical_dict
from graphsvc.domain.model import KINDS
from graphsvc.web.app import create_app

from samples import small

CYPHER = [
    "' }) DETACH DELETE n //",
    '" }) MATCH (m) DETACH DELETE m RETURN 1 //',
    "`id`: 'x'}) MATCH (n) DETACH DELETE n WITH 1 AS `x",
    "$param",
    "$id $props {props} $0",
    "MATCH (n) DETACH DELETE n",
    "x') CALL db.clearQueryCaches() //",
    "\\'; \\\" \\\\ -- /* */",
]
HTML = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(2)</script>",
]
OTHER = [
    "{{ 7*7 }} {% if 1 %}${7*7}{% endif %}",  # template syntax (Jinja, JS template literals)
    "云庭·滨江 Ünïcødé 🚧 \u202egnp.exe \u200b zero-width",
    ".* %_ [a-z]+ (?i)",  # regex and LIKE wildcards in a search
]
PAYLOADS = CYPHER + HTML + OTHER

#: the rows' raw HTML never appears in a page
RAW_MARKUP = ["<script>alert", "<img src=x", "onerror=alert(1)>"]

DAY = "2026-11-22"


def _ids(text: str) -> dict[str, str]:
    """The ids of the rows carrying ``text``: the text itself (a second contact and its
    line need a second id)."""
    return {"one": text, "two": f"{text} ②"}


def hostile_rows(text: str, id_text: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """One row of every kind with ``text`` in every string field (and references between
    them); the ids are ``id_text`` (default: the text itself)."""
    one, two = _ids(text if id_text is None else id_text).values()
    return {
        "organizations": [{"id": one, "name": text, "kind": "vendor", "notes": text, "tags": [text, "plain"]}],
        "contacts": [
            {
                "id": one,
                "name": text,
                "org": one,
                "title": text,
                "emails": [text],
                "phones": [text],
                "preferred_channel": text,
                "language": text,
                "tags": [text],
                "notes": text,
            },
            {"id": two, "name": text, "org": one, "title": text, "tags": [text]},
        ],
        "projects": [
            {"id": one, "name": text, "description": text, "organizations": [{"org": one, "role": text}]},
        ],
        "stages": [{"id": one, "project": one, "name": text, "order": 1, "status": "active", "start": "2026-01-01"}],
        "responsibilities": [{"id": one, "stage": one, "name": text, "description": text}],
        "assignments": [
            {"id": one, "contact": one, "responsibility": one, "raci": "A"},
            {"id": two, "contact": two, "responsibility": one, "raci": "R"},
        ],
        "links": [
            {
                "id": one,
                "source": one,
                "target": two,
                "kind": "communicates",
                "channel": text,
                "weight": 2,
                "last_contact": "2026-10-01",
            },
        ],
        "interactions": [
            {
                "id": one,
                "at": "2026-11-01T09:30:00Z",
                "participants": [one, two],
                "channel": text,
                "summary": text,
                "project": one,
            },
        ],
    }


def history_row(text: str) -> dict[str, Any]:
    one, two = _ids(text).values()
    return {
        "id": f"{two}@2026-06-01",
        "contact": two,
        "org": one,
        "title": text,
        "valid_from": "2025-01-01",
        "valid_to": "2026-06-01",
    }


def normal(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row as the API returns it: the sent values, defaults filled in."""
    return KINDS[kind].model_validate(row).model_dump(mode="json")


def addressable(row_id: str) -> bool:
    """Ids usable as a URL path segment (a '/' would split it)."""
    return "/" not in row_id


def as_id(text: str) -> str:
    """The text made usable as an id (a '/' becomes the look-alike '∕')."""
    return text.replace("/", "∕")


def url(*parts: str) -> str:
    return "/" + "/".join(quote(part, safe="") for part in parts)


@pytest.fixture
def client(store):
    import_bundle(store, small())
    with TestClient(create_app(store)) as client:
        yield client


def exported(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/v1/export")
    assert response.status_code == 200
    return response.json()


def by_id(bundle: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in bundle.get(kind, [])}


def test_hostile_strings_are_stored_and_returned_literally(client, store):
    before = exported(client)
    created: dict[str, dict[str, dict[str, Any]]] = {kind: {} for kind in KINDS}
    for text in PAYLOADS:
        for kind, rows in hostile_rows(text).items():
            for row in rows:
                response = client.post(f"/api/v1/{kind}", json=row)
                if not addressable(row["id"]):
                    # an id that could never be read back by its URL is refused, naming the field
                    assert response.status_code == 422, response.text
                    assert any(p["field"] == "id" for p in response.json()["problems"])
                    continue
                assert response.status_code == 201, (kind, row["id"], response.text)
                assert response.json() == normal(kind, row)
                created[kind][row["id"]] = normal(kind, row)

    # read each back by its id
    for kind, rows in created.items():
        for row_id, row in rows.items():
            response = client.get(url("api", "v1", kind, row_id))
            assert response.status_code == 200, (kind, row_id, response.text)
            assert response.json() == row

    # changes carry them too (a patch, a move that keeps the earlier title as history), and
    # the audit trail keeps them literally
    for text in filter(addressable, PAYLOADS):
        one, two = _ids(text).values()
        changed = client.patch(url("api", "v1", "organizations", one), json={"notes": f"{text} (2)"})
        assert changed.status_code == 200, changed.text
        created["organizations"][one] = changed.json()
        assert changed.json()["notes"] == f"{text} (2)"
        moved = client.post(url("api", "v1", "contacts", two, "move"), json={"on": DAY, "title": f"{text} (new)"})
        assert moved.status_code == 200, moved.text
        assert moved.json()["title"] == f"{text} (new)"
        created["contacts"][two] = moved.json()
        [period] = [p for p in store.read("contact_history") if p.contact == two]
        assert (period.id, period.title, period.org) == (f"{two}@{DAY}", text, one)
        created["contact_history"][period.id] = period.model_dump(mode="json")
        trail = client.get("/api/v1/audit", params={"entity": one, "kind": "organizations"}).json()
        assert [entry["operation"] for entry in trail] == ["create", "update"]
        assert trail[0]["after"] == normal("organizations", hostile_rows(text)["organizations"][0])
        assert (trail[1]["before"]["notes"], trail[1]["after"]["notes"]) == (text, f"{text} (2)")

    # search: each text finds its own rows, literally (no wildcard, no regex), and nothing else
    for text in PAYLOADS:
        for kind in ("organizations", "contacts", "projects", "stages", "responsibilities", "interactions"):
            response = client.get(f"/api/v1/{kind}", params={"q": text, "limit": 500})
            assert response.status_code == 200, response.text
            found = {row["id"] for row in response.json()["items"]}
            expected = {row_id for row_id, row in created[kind].items() if text.casefold() in _text(row)}
            assert found == expected, (kind, text)
        tagged = client.get("/api/v1/contacts", params={"tag": text}).json()["items"]
        assert {row["id"] for row in tagged} == {r for r in _ids(text).values() if r in created["contacts"]}

    # export: the new rows literally, every other row as it was, and the counts right
    after = exported(client)
    for kind in KINDS:
        rows = by_id(after, kind)
        for row_id, row in created[kind].items():
            assert rows[row_id] == row, (kind, row_id)
        untouched = {row_id: row for row_id, row in rows.items() if row_id not in created[kind]}
        assert untouched == by_id(before, kind), kind
        assert len(store.read(kind)) == len(before.get(kind, [])) + len(created[kind]), kind


def _text(row: dict[str, Any]) -> str:
    return " ".join(str(row.get(f, "")) for f in ("id", "name", "title", "summary", "description")).casefold()


def test_hostile_strings_in_an_imported_bundle_round_trip(client, store):
    """Every payload through POST /api/v1/import: exported literally. An id with a '/' is
    refused (it could never be addressed by URL) with the id named, and nothing is written."""
    before = exported(client)
    slashed = [text for text in PAYLOADS if not addressable(text)]
    assert slashed
    for text in slashed:
        refused = client.post("/api/v1/import", json=hostile_rows(text))
        assert refused.status_code == 422 and {p["field"] for p in refused.json()["problems"]} == {"id"}
    assert exported(client) == before
    bundle: dict[str, Any] = {kind: [] for kind in KINDS}
    for text in filter(addressable, PAYLOADS):
        for kind, rows in hostile_rows(text).items():
            bundle[kind] += rows
        bundle["contact_history"].append(history_row(text))
    response = client.post("/api/v1/import", json=bundle)
    assert response.status_code == 200, response.text
    after = exported(client)
    for kind in KINDS:
        rows = by_id(after, kind)
        for row in bundle[kind]:
            assert rows[row["id"]] == normal(kind, row), (kind, row["id"])
        untouched = {row_id: row for row_id, row in rows.items() if row_id not in {r["id"] for r in bundle[kind]}}
        assert untouched == by_id(before, kind), kind
        assert len(after.get(kind, [])) == len(before.get(kind, [])) + len(bundle[kind]), kind
    # the store itself (not only its export) holds them literally
    assert canonical_dict(store.export()) == after
    # importing again changes nothing
    assert client.post("/api/v1/import", json=bundle).status_code == 200
    assert exported(client) == after


@pytest.mark.parametrize("text", PAYLOADS)
def test_hostile_path_ids_and_query_values_are_404_or_422(client, text):
    before = exported(client)
    project_reads = [
        url("api", "v1", "projects", text, "findings"),
        url("api", "v1", "projects", text, "graph"),
        url("api", "v1", "projects", text, "reminders"),
        url("api", "v1", "projects", text, "handover.zip"),
        url("projects", text, "map"),
    ]
    entity_calls = [
        (method, url("api", "v1", kind, text))
        for kind in KINDS
        if kind != "contact_history"
        for method in ("GET", "DELETE")
    ] + [
        ("GET", url("api", "v1", "contacts", text, "reminders")),
        ("POST", url("api", "v1", "contacts", text, "leave")),
    ]
    for method, path in [("GET", p) for p in project_reads] + entity_calls:
        body = {"on": DAY} if path.endswith("leave") else None
        response = client.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert response.json()["code"] == "not_found"
    queries = [
        ("/api/v1/paths", {"source": text, "target": text}, {404}),
        ("/api/v1/paths", {"source": "c-wang", "target": f"title:{text}"}, {404, 422}),
        ("/api/v1/projects/p-tower/findings", {"stage": text}, {404}),
        ("/api/v1/projects/p-tower/findings", {"as_of": text}, {422}),
        ("/api/v1/projects/p-tower/reminders", {"owner": text}, {404}),
        ("/projects/p-tower/map", {"stage": text}, {404}),
        ("/api/v1/contacts", {"project": text}, {404}),
        ("/api/v1/contacts", {"stage": text}, {404}),
        ("/api/v1/audit", {"kind": text}, {422}),
        ("/api/v1/organizations", {"org": text}, {422}),  # not a filter of organizations
    ]
    for path, params, statuses in queries:
        response = client.get(path, params=params)
        assert response.status_code in statuses, (path, params, response.status_code, response.text)
        assert response.json()["code"] in {"not_found", "invalid", "no_path"}
    # filters and searches that match nothing are empty lists, not errors
    for path, params in [
        ("/api/v1/contacts", {"org": text, "status": text, "tag": text, "q": text}),
        ("/api/v1/links", {"contact": text, "kind": text}),
        ("/api/v1/assignments", {"contact": text, "raci": text}),
        ("/api/v1/interactions", {"contact": text, "q": text}),
        ("/api/v1/audit", {"entity": text, "actor": text}),
    ] + [
        (url("api", "v1", "contacts", text, "history"), {})  # the trail outlives deleted rows: empty, not 404
        for _ in [1]
        if addressable(text)
    ]:
        response = client.get(path, params=params)
        assert response.status_code == 200, (path, params, response.text)
        assert response.json() in ([], {"items": [], "total": 0, "offset": 0, "limit": 50})
    assert exported(client) == before


def test_pages_show_hostile_strings_as_text(client, store):
    """The index, each map page and the handover package's pages never carry the markup."""
    bundle: dict[str, Any] = {kind: [] for kind in KINDS}
    for text in PAYLOADS:
        for kind, rows in hostile_rows(text, as_id(text)).items():
            bundle[kind] += rows
    assert client.post("/api/v1/import", json=bundle).status_code == 200

    def clean(where: str, html: str) -> None:
        for raw in RAW_MARKUP:
            assert raw not in html, f"{where}: raw {raw!r} in the page"

    index = client.get("/", params={"as_of": DAY})
    assert index.status_code == 200
    clean("index", index.text)
    assert "alert(1)" in index.text
    for text in PAYLOADS:
        page = client.get(url("projects", as_id(text), "map"), params={"as_of": DAY, "stage": "all"})
        assert page.status_code == 200, (text, page.text[:500])
        clean(f"map of {text!r}", page.text)
        if text in HTML:
            assert "alert(" in page.text  # the text is there, as text
    for text in HTML:
        package = client.get(url("api", "v1", "projects", as_id(text), "handover.zip"), params={"as_of": DAY})
        assert package.status_code == 200, package.text
        with zipfile.ZipFile(io.BytesIO(package.content)) as archive:
            pages = [name for name in archive.namelist() if name.endswith(".html")]
            assert pages
            for name in pages:
                clean(f"handover {name}", archive.read(name).decode("utf-8"))
