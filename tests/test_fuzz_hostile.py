"""Hostile values schemathesis never generates, sent into every field the OpenAPI document names.

Schemathesis builds requests from the schema, so it sends neither what JSON's grammar
leaves out (``1e999``, ``NaN``, written here as raw JSON text), nor what the schema's
``format`` hides (a date-time 23:59 behind UTC in year 9999, an offset of 14:01, year
10000), nor the control characters the patterns forbid (it drops those patterns), nor a
1 MB name or 10,000 tags. This test takes every operation of ``create_app(store)``'s own
document and sends each such value into each body field (list items and a project's
organisations included), query parameter and path parameter, on both stores.

What must hold: never a 5xx; a value the model refuses is a 4xx whose problems name the
field (an over-long body may be a 413 instead); a value the model allows (``U+2028`` or a
date-like text in a name or an id) is kept where the body is otherwise valid; and
afterwards nothing stored is invalid: ``check`` is clean, the embedded store reopens, and
``graphsvc db check`` exits 0.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient

from graphsvc.application.consistency import check
from graphsvc.application.importer import import_bundle
from graphsvc.domain.keys import Role, issue
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.web.app import create_app

from samples import small

CONTROLS = ["\x00", "\x01", "\x1b", "\x7f"]


@dataclass(frozen=True)
class Hostile:
    label: str
    #: the value as JSON text (non-finite numbers cannot be written by ``json.dumps`` strictly)
    text: str
    #: the kinds of schema leaf that may legally hold it: "text" (a string without format or
    #: enum: names, notes, ids, references), "integer", "number"; empty: refused everywhere
    legal_in: frozenset[str] = frozenset()
    #: also sent in query and path parameters (as text)
    in_url: str | None = None


def _text(value: str, legal: bool = False) -> Hostile:
    return Hostile(
        repr(value) if len(value) < 40 else f"{len(value)} chars",
        json.dumps(value),
        frozenset({"text"}) if legal else frozenset(),
        value,
    )


HOSTILE = [
    Hostile("1e999", "1e999", in_url="1e999"),
    Hostile("-1e999", "-1e999", in_url="-1e999"),
    Hostile("NaN", "NaN", in_url="NaN"),
    Hostile("0 (a number where text or a date is expected)", "0", frozenset({"integer"}), None),
    *[_text(f"a{char}b") for char in CONTROLS],
    _text("a\u2028b", legal=True),  # a line separator is text; JSON in pages escapes it
    _text("9999-12-31T23:59:59-23:59", legal=True),
    _text("2026-01-01T00:00:00+14:01", legal=True),
    _text("0001-01-01", legal=True),
    _text("10000-01-01", legal=True),
    _text("10000-01-01T00:00:00Z", legal=True),
    Hostile("a 1 MB text", json.dumps("n" * 1_000_000), in_url="n" * 10_000),
    Hostile("10,000 items", json.dumps(["tag"] * 10_000)),
]

#: On Neo4j, of the legal values only U+2028 and one date-like text: to the store they are
#: all just text, and each is a write (the embedded run sends them all)
NEO4J_HOSTILE = [
    v for v in HOSTILE if "text" not in v.legal_in or v.label in ("'a\\u2028b'", "'9999-12-31T23:59:59-23:59'")
]

#: fields whose value names another row: a legal text there may still be refused (a
#: reference that does not resolve), with a problem naming the field
REFERENCE_FIELDS = {
    "org",
    "contact",
    "project",
    "stage",
    "responsibility",
    "source",
    "target",
    "participants",
    "sender",  # one of the participants
    "successor",
    "duplicate",
    "change",  # an unmerge names the merge's audit change
}


def resolve(doc: dict, schema: dict) -> dict:
    """A schema with ``$ref`` followed and an optional ``anyOf [X, null]`` reduced to X."""
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    return resolve(doc, options[0]) if len(options) == 1 else schema


def leaf_kind(schema: dict) -> str:
    if "enum" in schema or "format" in schema:
        return "special"
    return str(schema.get("type", "any"))


def legal(value: Hostile, schema: dict) -> bool:
    kind = leaf_kind(schema)
    kind = "text" if kind == "string" else kind
    if kind not in value.legal_in:
        return False
    positive_only = schema.get("minimum", 0) > 0 or "exclusiveMinimum" in schema
    return not (value.label.startswith("0 ") and positive_only)


def variants(doc: dict, body: dict[str, Any], schema: dict, row: dict[str, Any]) -> list[tuple[str, str, dict, str]]:
    """Every (field name, path shown, leaf schema, JSON template) of a body: each top-level
    field, and inside lists their first item (a string item, or each field of an object item,
    the others taken from ``row``).
    The template holds ``@@`` where the hostile value goes."""
    marker = "@@MARK@@"
    found = []
    for name, prop in schema.get("properties", {}).items():
        prop = resolve(doc, prop)
        found.append((name, name, prop, json.dumps({**body, name: marker})))
        if prop.get("type") == "array":
            item = resolve(doc, prop.get("items", {}))
            if item.get("type") == "object":
                base = (row.get(name) or [{}])[0]
                for sub, sub_schema in item.get("properties", {}).items():
                    entry = {**base, sub: marker}
                    found.append(
                        (name, f"{name}[0].{sub}", resolve(doc, sub_schema), json.dumps({**body, name: [entry]}))
                    )
            else:
                rest = list(body.get(name) or [])[1:]
                found.append((name, f"{name}[0]", item, json.dumps({**body, name: [marker, *rest]})))
    return [(name, shown, leaf, text.replace(json.dumps(marker), "@@")) for name, shown, leaf, text in found]


def names_field(response: Any, field: str) -> bool:
    problems = response.json().get("problems") or []
    return any(
        (p.get("field") or "").split(".")[0].split("[")[0] == field or p.get("location") == field for p in problems
    )


class Sender:
    """Sends the requests and collects every broken expectation (all are reported at once)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.failures: list[str] = []
        self.sent = 0
        self.fresh = itertools.count()

    def send(self, method: str, path: str, **kwargs: Any) -> Any:
        self.sent += 1
        return self.client.request(method, path, **kwargs)

    def fail(self, label: str, response: Any) -> None:
        self.failures.append(f"{label}: {response.status_code} {response.text[:300]}")


def bodies(data: dict[str, list[dict]]) -> dict[tuple[str, str], tuple[str, dict, dict]]:
    """A valid body for each (method, path template) that takes one, its path, and the stored
    row it starts from (a PATCH sends only the field)."""
    found: dict[tuple[str, str], tuple[str, dict, dict]] = {}
    for kind, rows in data.items():
        if not isinstance(rows, list) or not rows or kind == "contact_history":
            continue
        row = rows[0]
        found[("POST", f"/api/v1/{kind}")] = (f"/api/v1/{kind}", row, row)
        found[("PUT", f"/api/v1/{kind}/{{entity_id}}")] = (f"/api/v1/{kind}/{row['id']}", row, row)
        found[("PATCH", f"/api/v1/{kind}/{{entity_id}}")] = (f"/api/v1/{kind}/{row['id']}", {}, row)
    for operation, contact, body in [("move", "c-li", {"on": "2026-12-01"}), ("leave", "c-ann", {"on": "2026-12-01"})]:
        found[("POST", f"/api/v1/contacts/{{contact_id}}/{operation}")] = (
            f"/api/v1/contacts/{contact}/{operation}",
            body,
            {},
        )
    found[("POST", "/api/v1/contacts/{contact_id}/merge")] = (
        "/api/v1/contacts/c-li/merge",
        {"duplicate": "c-nobody"},
        {},
    )
    found[("POST", "/api/v1/contacts/unmerge")] = ("/api/v1/contacts/unmerge", {"change": "no-such-change"}, {})
    return found


def fresh(sender: Sender, template: str, body: dict, name: str) -> str:
    """A create gets an id (and a stage an order) no earlier create took."""
    n = next(sender.fresh)
    if name != "id" and "id" in body:
        template = template.replace(json.dumps(body["id"]), json.dumps(f"fz-{n}"), 1)
    if name != "order" and "order" in body:
        template = template.replace(f'"order": {body["order"]}', f'"order": {500_000 + n}', 1)
    return template


def hostile_bodies(sender: Sender, doc: dict, data: dict, values: list[Hostile], with_import: bool) -> int:
    """Each hostile value into each field of each JSON body; returns the operations covered."""
    known = bodies(data)
    covered = 0
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            method = method.upper()
            if path == "/api/v1/import":
                continue  # a bundle: its rows are the entities' bodies, covered below
            assert (method, path) in known, f"no valid body for {method} {path}: add one to bodies()"
            url, body, row = known[(method, path)]
            schema = resolve(doc, content["application/json"]["schema"])
            covered += 1
            entity_write = path.startswith("/api/v1/") and "/contacts/{contact_id}/" not in path
            for name, shown, leaf, template in variants(doc, body, schema, row):
                for value in values:
                    text = (
                        fresh(sender, template, body, name).replace("@@", value.text)
                        if method == "POST"
                        else template.replace("@@", value.text)
                    )
                    response = sender.send(method, url, content=text, headers={"content-type": "application/json"})
                    label = f"{method} {url} {shown}={value.label}"
                    if response.status_code >= 500:
                        sender.fail(label, response)
                    elif legal(value, leaf):
                        reference = name in REFERENCE_FIELDS or (name == "id" and method != "POST")
                        must_accept = entity_write and not reference and leaf_kind(leaf) == "string"
                        named = response.status_code in (404, 409) or names_field(response, name)
                        if response.status_code >= 400 and (must_accept or not named):
                            sender.fail(f"{label} (legal, refused)", response)
                    elif response.status_code < 400:
                        sender.fail(f"{label} (accepted)", response)
                    elif response.status_code != 413 and not names_field(response, name):
                        sender.fail(f"{label} (the field is not named)", response)
            # the import takes the same rows: each hostile value in each field of one row per kind
            # (embedded store only: the bundle is checked by the same model before any store
            # sees it, and Neo4j writes are slow enough to double this test's time)
            if with_import and method == "POST" and path.count("/") == 3 and not path.endswith("/import"):
                kind = path.rsplit("/", 1)[1]
                for name, shown, leaf, template in variants(doc, body, schema, row):
                    for value in values:
                        row = template.replace("@@", value.text)
                        response = sender.send(
                            "POST",
                            "/api/v1/import",
                            content=f'{{"{kind}": [{row}]}}',
                            headers={"content-type": "application/json"},
                        )
                        label = f"POST /api/v1/import {kind}[0].{shown}={value.label}"
                        refused = response.status_code == 413 or (
                            400 <= response.status_code < 500 and names_field(response, name)
                        )
                        if response.status_code >= 500 or (not legal(value, leaf) and not refused):
                            sender.fail(label, response)
    return covered


def hostile_parameters(sender: Sender, doc: dict, data: dict, values: list[Hostile]) -> None:
    """Each hostile value as each query parameter (the other required ones real) and as each
    path parameter: never a 5xx, never an accepted write, a 422 names the query parameter."""
    contacts = [row["id"] for row in data["contacts"]]
    real = {"project_id": data["projects"][0]["id"], "contact_id": contacts[0], "source": contacts[0]}
    real["target"] = contacts[1]
    for path, operations in doc["paths"].items():
        kind = path.split("/")[3] if path.startswith("/api/v1/") and "{entity_id}" in path else None
        ids = {**real, "entity_id": data[kind][0]["id"] if kind else ""}
        for method, operation in operations.items():
            method = method.upper()
            parameters = operation.get("parameters", [])
            required = {p["name"]: ids[p["name"]] for p in parameters if p["in"] == "query" and p.get("required")}
            in_path = {k: v for k, v in ids.items() if "{" + k + "}" in path}
            for parameter, value in itertools.product(parameters, values):
                if value.in_url is None or parameter["in"] not in ("query", "path"):
                    continue
                if parameter["in"] == "query":
                    query = {**required, parameter["name"]: value.in_url}
                    response = sender.send(method, path.format(**in_path), params=query)
                else:
                    url = path.format(**{**in_path, parameter["name"]: quote(value.in_url, safe="")})
                    response = sender.send(method, url)
                label = f"{method} {path} {parameter['in']} {parameter['name']}={value.label}"
                legal_id = parameter["in"] == "path" and "text" in value.legal_in  # a row created above
                if response.status_code >= 500:
                    sender.fail(label, response)
                elif method != "GET" and response.status_code < 400 and not legal_id:
                    sender.fail(f"{label} (a write was accepted)", response)
                elif (
                    parameter["in"] == "query"
                    and response.status_code == 422
                    and response.json()["code"] != "no_path"  # the names were understood: an answer, not a refusal
                    and not names_field(response, parameter["name"])
                    and parameter["name"] not in response.json()["detail"]
                ):
                    sender.fail(f"{label} (the parameter is not named)", response)


def test_hostile_values_in_every_field(store, settings_of):
    data = small()
    key, record = issue("fuzz-admin", Role.admin, [], None)
    store.save_key(record)
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        client.headers["X-API-Key"] = key
        assert client.post("/api/v1/import", json=data).status_code == 200
        doc = client.get("/openapi.json").json()
        sender = Sender(client)
        started = time.monotonic()
        embedded = isinstance(store, EmbeddedStore)
        values = HOSTILE if embedded else NEO4J_HOSTILE
        covered = hostile_bodies(sender, doc, data, values, with_import=embedded)
        print(f"bodies {sender.sent} {time.monotonic() - started:.1f}s")
        started = time.monotonic()
        hostile_parameters(sender, doc, data, values)
        print(f"parameters {time.monotonic() - started:.1f}s")
        assert client.get("/api/v1/export").status_code == 200
    print(f"{sender.sent} hostile requests")
    assert covered >= 25, "every entity's create, replace and change, and the lifecycle operations"
    assert not sender.failures, f"{len(sender.failures)} broken expectation(s):\n" + "\n".join(sender.failures[:80])

    # nothing stored breaks the store: clean check, the embedded store reopens, the CLI agrees
    assert check(store) == []
    if isinstance(store, EmbeddedStore):
        store.close()
        reopened = EmbeddedStore(store.path)
        try:
            assert check(reopened) == []
            assert reopened.counts()["contacts"] >= len(data["contacts"])
        finally:
            reopened.close()
    checked = subprocess.run(
        [sys.executable, "-m", "graphsvc", "db", "check"],
        capture_output=True,
        text=True,
        env={**os.environ, **settings_of(store)},
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


# -- what the hostile run found, each on its own ----------------------------------------------


def test_a_date_time_is_text_never_a_number(store):
    """``"at": 0`` was taken as a Unix timestamp (1970-01-01) by every write."""
    import_bundle(store, small())
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        for number in ("0", "1700000000", "1.5"):
            body = f'{{"id": "i-new", "at": {number}, "participants": ["c-wang", "c-li"]}}'
            answer = client.post("/api/v1/interactions", content=body, headers={"content-type": "application/json"})
            assert answer.status_code == 422 and names_field(answer, "at"), answer.text
            answer = client.patch(
                "/api/v1/interactions/i-1", content=f'{{"at": {number}}}', headers={"content-type": "application/json"}
            )
            assert answer.status_code == 422 and names_field(answer, "at"), answer.text
    assert [i.at.year for i in store.read("interactions")] == [2026, 2026]


def test_a_merge_keeps_an_interaction_in_canonical_form(store):
    """A merge re-pointed participants without sorting them: served out of order, and the
    embedded store's memory then differed from its file (``check`` failed)."""
    import_bundle(store, small())
    with TestClient(create_app(store), raise_server_exceptions=False) as client:
        assert client.post("/api/v1/contacts", json={"id": "a-dup", "name": "Li again"}).status_code == 201
        meeting = {"id": "i-x", "at": "2026-01-01T00:00:00Z", "participants": ["a-dup", "c-ann"]}
        assert client.post("/api/v1/interactions", json=meeting).status_code == 201
        assert client.post("/api/v1/contacts/c-li/merge", json={"duplicate": "a-dup"}).status_code == 200
        assert client.get("/api/v1/interactions/i-x").json()["participants"] == ["c-ann", "c-li"]
    assert check(store) == []
