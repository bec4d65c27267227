"""A permission matrix generated from the OpenAPI document, on both stores.

Every operation the document lists is sent by every role (admin, pmo, manager, member,
external; the scoped ones reach the first demo project) with ids inside the key's reach,
outside it (rows of the other demo project) and unknown (fresh ids), and the answers must
keep the team's rules:

- no 5xx, ever;
- read-only roles (pmo, member, external) never write: 403 for a write they could
  otherwise reach, and the store's data version unchanged by anything they send;
- for a scoped key, outside and unknown ids give the same status and the same body (once
  each outside id is replaced by its unknown twin), and a create with an id taken outside
  the reach is answered as one with an id taken inside it: no existence oracle;
- a scoped key's successful answers mention no id outside its reach, and its writes
  create, change or remove no row outside it;
- an admin gets a 2xx, or a documented 4xx where the request cannot succeed (404 for an
  unknown id, 409 for a conflict, 422 for a reference to an unknown row);
- both stores give the same status in every cell (compared once both have run).

Operations, their parameters and whether they take a body come from the document; only
what it cannot say is in the tables below (which kind of row an id names, which field of a
row is harmless to change, the bodies of the two imports). An operation the tables cannot
handle fails the test with a message saying what to add: a new endpoint forces a decision.

Cost: one store per backend for the module, seeded once; after a request that wrote, only
the rows that differ from the seed are put back (one transaction), not the whole import,
and they are found with one read of the whole store (``portfolio_read``), not one per kind.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from fastapi.testclient import TestClient

from graphsvc.application.access import Principal, ScopedStore
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.lifecycle import merge
from graphsvc.domain.audit import Change
from graphsvc.domain.bundle import Bundle
from graphsvc.domain.keys import Role, issue
from graphsvc.domain.model import KINDS
from graphsvc.store.base import Store
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.web.app import create_app

from neo4j_server import claim_for_tests

ROLES = ("admin", "pmo", "manager", "member", "external")
READ_ONLY = {"pmo", "member", "external"}
SCOPED = {"manager", "member", "external"}

# -- what the document cannot say ----------------------------------------------------------

#: path parameters and the kind of row they name (``entity_id``: the kind in the path)
PATH_KINDS = {"project_id": "projects", "contact_id": "contacts"}
#: query parameters and body fields holding ids, and the kind of row they name
REFERENCES = {
    "project": "projects",
    "stage": "stages",
    "org": "organizations",
    "contact": "contacts",
    "responsibility": "responsibilities",
    "source": "contacts",
    "target": "contacts",
    "owner": "contacts",
    "entity": "contacts",
    "successor": "contacts",
    "duplicate": "contacts",
}
#: query parameters that hold no id, and the value sent (None: not sent; the default is kept)
#: deletes cascade: what they remove must stay inside the reach too
NOT_IDS: dict[str, str | None] = {
    "offset": None,
    "limit": None,
    "q": None,
    "tag": None,
    "kind": None,
    "status": None,
    "raci": None,
    "as_of": None,
    "stale_days": None,
    "overload": None,
    "severity": None,
    "encoding": None,
    "k": None,
    "days": None,
    "since": None,
    "until": None,
    "actor": None,
    "dry_run": None,
    "commit_every": "2",
    "create_contacts": "true",
    "subjects": None,
    "channels": None,
    "cascade": "true",
}
#: per kind, a field a write may change without changing anyone's reach, and its new value
HARMLESS = {
    "organizations": ("notes", "matrix"),
    "contacts": ("notes", "matrix"),
    "projects": ("description", "matrix"),
    "stages": ("name", "Matrix stage"),
    "responsibilities": ("description", "matrix"),
    "assignments": ("valid_to", "2099-12-31"),
    "links": ("weight", 0.5),
    "interactions": ("summary", "matrix"),
}
#: what a created copy changes besides its id, so that it does not conflict with its original
CREATE_TWEAKS: dict[str, dict[str, Any]] = {"stages": {"order": 97}}


def _import_body(rows: Rows) -> dict[str, Any]:
    """A bundle holding one contact of the variant, its notes changed."""
    contact = rows.row("contacts") | {"notes": "matrix import"}
    return {"format": "graphsvc-bundle", "version": 1, "contacts": [contact]}


def _spreadsheet_files(rows: Rows) -> list[tuple[str, tuple[str, bytes, str]]]:
    """One contacts.csv with one contact of the variant, its notes changed."""
    contact = rows.row("contacts")
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["id", "name", "org", "notes"])
    writer.writerow([contact["id"], contact["name"], contact.get("org") or "", "matrix sheet"])
    return [("files", ("contacts.csv", text.getvalue().encode(), "text/csv"))]


def _mail_files(rows: Rows) -> list[tuple[str, tuple[str, bytes, str]]]:
    """One address book holding the variant's contact and a person no one has stored."""
    contact = rows.row("contacts")
    emails = "".join(f"EMAIL:{email}\r\n" for email in contact.get("emails") or [])
    text = f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{contact['name']}\r\n{emails}END:VCARD\r\n"
    text += "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Matrix Person\r\nEMAIL:matrix@example.org\r\nEND:VCARD\r\n"
    return [("files", ("contacts.vcf", text.encode(), "text/vcard"))]


def _unmerge_body(rows: Rows) -> dict[str, Any]:
    """The change of a merge of two of the variant's contacts, made for the occasion (an
    admin's unmerge then puts everything back); unknown contacts: a change never made."""
    first, second = rows.take("contacts"), rows.take("contacts")
    if rows.demo.store.existing_ids("contacts", {first, second}) != {first, second}:
        return {"change": "mx-no-such-change"}
    return {"change": merge(rows.demo.store, first, second, "matrix").change}


#: bodies the document's examples cannot give: (method, path) -> builder
JSON_BODIES = {("POST", "/api/v1/import"): _import_body}
#: bodies only an admin's request can be given (a scoped key's is refused before it is read)
ADMIN_BODIES = {("POST", "/api/v1/contacts/unmerge"): _unmerge_body}
MULTIPART_BODIES = {
    ("POST", "/api/v1/import/spreadsheet"): _spreadsheet_files,
    ("POST", "/api/v1/import/mail"): _mail_files,
}

# -- the demo store, its keys and its rows by reach ----------------------------------------


@dataclass
class Demo:
    store: Store
    keys: dict[str, dict[str, str]]
    #: the rows as seeded: kind -> id -> row (JSON-ready)
    seeded: dict[str, dict[str, dict[str, Any]]]
    #: kind -> ids inside the scoped keys' reach (and not in the other project's)
    inside: dict[str, list[str]]
    #: kind -> ids of the other project, outside the scoped keys' reach
    outside: dict[str, list[str]]
    #: every stored id a scoped key must never be told about
    hidden: set[str]
    #: kind -> ids in the scoped keys' reach as seeded
    reach: dict[str, set[str]]
    #: the scoped keys' reach at any time (a view on the store)
    view: ScopedStore
    #: a person in the scoped keys' reach who also works in the other project
    shared: str
    version: int = 0


def _seed(store: Store) -> Demo:
    store.clear()
    data = demo_data()
    import_bundle(store, data)
    inside_project, outside_project = (p["id"] for p in data["projects"][:2])
    keys = {}
    for role in ROLES:
        scoped = role in SCOPED
        org = data["contacts"][0]["org"] if scoped else None
        text, record = issue(f"matrix-{role}", Role(role), [inside_project] if scoped else [], org)
        store.save_key(record)
        keys[role] = {"X-API-Key": text}
    view = ScopedStore(store, Principal("in", Role.manager, frozenset([inside_project]), None))
    other_view = ScopedStore(store, Principal("out", Role.manager, frozenset([outside_project]), None))
    shared = _share_a_person(store, view.scope(), other_view.scope(), outside_project)
    reach, other = view.scope(), other_view.scope()
    assert shared in reach["contacts"] & other["contacts"]
    seeded = {kind: {row.id: row.model_dump(mode="json") for row in store.read(kind)} for kind in KINDS}
    every = {row_id for rows in seeded.values() for row_id in rows}
    return Demo(
        store=store,
        keys=keys,
        seeded=seeded,
        inside={kind: sorted(reach[kind] - other[kind]) for kind in KINDS},
        outside={kind: sorted(other[kind] - reach[kind]) for kind in KINDS},
        hidden=every - {row_id for ids in reach.values() for row_id in ids},
        reach={kind: set(ids) for kind, ids in reach.items()},
        view=view,
        shared=shared,
        version=store.data_version(),
    )


def _share_a_person(store: Store, reach: dict[str, set[str]], other: dict[str, set[str]], project: str) -> str:
    """The demo's projects share nobody; leaks happen through people who work in two. One
    person of the keys' project gets a duty in the other one and a meeting there with one of
    its people (both outside the keys' reach). Returns the shared person."""
    person = sorted(reach["contacts"] - other["contacts"])[-1]
    duty, colleague = sorted(other["responsibilities"])[0], sorted(other["contacts"] - reach["contacts"])[0]
    assignment = {"id": "mx-shared-duty", "contact": person, "responsibility": duty, "raci": "C"}
    meeting = {
        "id": "mx-shared-meeting",
        "at": "2026-06-01T10:00:00+00:00",
        "participants": [person, colleague],
        "channel": "meeting",
        "summary": "shared",
        "project": project,
    }
    import_bundle(
        store, {"format": "graphsvc-bundle", "version": 1, "assignments": [assignment], "interactions": [meeting]}
    )
    return person


def _restore(demo: Demo) -> list[str]:
    """Put back the seeded rows a request changed or removed, remove what it added: one
    transaction instead of a whole import. Returns what the request did outside the scoped
    keys' reach: rows created outside it after the write, removed outside it before, or
    changed outside it both before and after."""
    upserts: dict[str, list[Any]] = {}
    deletes: dict[str, set[str]] = {}
    after = demo.view.scope()
    outside = []
    # one read of every row (one transaction on Neo4j), the same rows as read(kind) gives
    _, stored = demo.store.portfolio_read(None)
    for kind, model in KINDS.items():
        now = {row.id: row.model_dump(mode="json") for row in stored[kind]}
        seeded = demo.seeded[kind]
        upserts[kind] = [model.model_validate(row) for row_id, row in seeded.items() if now.get(row_id) != row]
        deletes[kind] = set(now) - set(seeded)
        for row in upserts[kind]:
            gone = row.id not in now
            if row.id not in demo.reach[kind] and (gone or row.id not in after[kind]):
                outside.append(f"{'removed' if gone else 'changed'} {kind} {row.id}")
        outside += [f"created {kind} {row_id}" for row_id in sorted(deletes[kind] - after[kind])]
    demo.store.apply(Change(upserts=Bundle(**upserts), deletes=deletes, guard=False))
    demo.version = demo.store.data_version()
    return outside


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    if request.param == "embedded":
        store: Store = EmbeddedStore(tmp_path_factory.mktemp("matrix") / "graphsvc.sqlite3")
        yield _seed(store)
        store.close()
    else:
        shared = request.getfixturevalue("_neo4j_shared")
        yield _seed(shared)
        shared.clear()
        claim_for_tests(shared.driver, shared.database)


# -- requests built from the document ------------------------------------------------------


class Rows:
    """Rows of one variant handed out in turn, so that two ids of one kind in a request
    (source and target, a contact and its duplicate) name different rows."""

    def __init__(self, demo: Demo, ids: dict[str, list[str]]):
        self.demo, self.ids, self.used = demo, ids, dict.fromkeys(KINDS, 0)

    def take(self, kind: str) -> str:
        ids = self.ids[kind]
        assert ids, f"the demo has no {kind} row for this variant"
        row_id = ids[self.used[kind] % len(ids)]
        self.used[kind] += 1
        return row_id

    def row(self, kind: str, row_id: str | None = None) -> dict[str, Any]:
        return copy.deepcopy(self.demo.seeded[kind][row_id or self.take(kind)])


@dataclass
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"

    def parameters(self, where: str) -> list[dict[str, Any]]:
        return [p for p in self.spec.get("parameters", []) if p["in"] == where]

    def path_kind(self, name: str) -> str:
        if name == "entity_id":
            kind = self.path.split("/")[3]
            if kind in KINDS:
                return kind
        if name in PATH_KINDS:
            return PATH_KINDS[name]
        raise AssertionError(f"{self.label}: which kind of row does path parameter {name!r} name? Add it to PATH_KINDS")

    def entity_kind(self) -> str | None:
        """The kind of ``/api/v1/<kind>`` and ``/api/v1/<kind>/{entity_id}``."""
        parts = self.path.strip("/").split("/")
        collection = len(parts) == 3 or (len(parts) == 4 and parts[3] == "{entity_id}")
        return parts[2] if collection and parts[:2] == ["api", "v1"] and parts[2] in KINDS else None

    def body_type(self) -> str | None:
        content = self.spec.get("requestBody", {}).get("content", {})
        assert len(content) <= 1, f"{self.label}: more than one body type: {list(content)}"
        return next(iter(content), None)

    def takes_ids(self) -> bool:
        query_ids = [p for p in self.parameters("query") if p["name"] in REFERENCES]
        return bool(self.parameters("path") or query_ids or self.body_type())


def operations(document: dict[str, Any]) -> list[Operation]:
    found = []
    for path, item in document["paths"].items():
        for method, spec in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append(Operation(method.upper(), path, spec))
    return found


@dataclass
class Request:
    method: str
    url: str
    query: dict[str, str] = field(default_factory=dict)
    json: Any = None
    files: Any = None


def _swap_references(value: Any, rows: Rows) -> Any:
    """A body with every id-valued field pointing at a row of ``rows``' variant."""
    if isinstance(value, dict):
        swapped = {}
        for name, item in value.items():
            if name in REFERENCES and isinstance(item, str):
                swapped[name] = rows.take(REFERENCES[name])
            elif name == "participants" and isinstance(item, list):
                swapped[name] = [rows.take("contacts") for _ in item]
            else:
                swapped[name] = _swap_references(item, rows)
        return swapped
    if isinstance(value, list):
        return [_swap_references(item, rows) for item in value]
    return value


def _example(op: Operation, schemas: dict[str, Any]) -> Any:
    """The first example the document gives for the operation's JSON body, if any."""
    content = op.spec["requestBody"]["content"]["application/json"]
    if content.get("examples"):
        return copy.deepcopy(next(iter(content["examples"].values()))["value"])
    name = content.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
    examples = schemas.get(name, {}).get("examples") or [None]
    return copy.deepcopy(examples[0])


def build(op: Operation, role: str, variant: str, path_rows: Rows, ref_rows: Rows, schemas: dict[str, Any]) -> Request:
    """The request of one cell: path ids from ``path_rows``, referenced ids (query, body)
    from ``ref_rows``."""
    path_ids = {p["name"]: path_rows.take(op.path_kind(p["name"])) for p in op.parameters("path")}
    url = op.path.format(**path_ids)
    request = Request(op.method, url)
    for parameter in op.parameters("query"):
        name = parameter["name"]
        if name in REFERENCES:
            request.query[name] = ref_rows.take(REFERENCES[name])
        elif NOT_IDS.get(name) is not None:
            request.query[name] = str(NOT_IDS[name])
        elif name not in NOT_IDS or parameter.get("required"):
            raise AssertionError(f"{op.label}: is query parameter {name!r} an id? Add it to REFERENCES or NOT_IDS")
    kind, body_type = op.entity_kind(), op.body_type()
    if body_type is None:
        return request
    if body_type == "multipart/form-data":
        builder = MULTIPART_BODIES.get((op.method, op.path))
        assert builder, f"{op.label}: no multipart body known; add one to MULTIPART_BODIES"
        request.files = builder(ref_rows)
        return request
    assert body_type == "application/json", f"{op.label}: unknown body type {body_type}"
    if role == "admin" and (op.method, op.path) in ADMIN_BODIES:
        request.json = ADMIN_BODIES[(op.method, op.path)](ref_rows)
    elif (op.method, op.path) in JSON_BODIES:
        request.json = JSON_BODIES[(op.method, op.path)](ref_rows)
    elif kind and op.method == "POST" and not path_ids:
        row = ref_rows.row(kind)
        request.json = row | {"id": f"mx-{role}-{variant}"} | CREATE_TWEAKS.get(kind, {})
    elif kind and op.method in ("PUT", "PATCH") and "entity_id" in path_ids:
        row_id = path_ids["entity_id"]
        row = path_rows.row(kind, row_id)
        if ref_rows is not path_rows:
            row = _swap_references(row, ref_rows)
        harmless, value = HARMLESS[kind]
        row[harmless] = value
        row["id"] = row_id
        if op.method == "PATCH":
            row = {
                name: row[name]
                for name in row
                if name in REFERENCES or name in ("participants", "organizations", harmless)
            }
        request.json = row
    else:
        example = _example(op, schemas)
        assert example is not None, f"{op.label}: no example body in the document; add one to JSON_BODIES"
        request.json = _swap_references(example, ref_rows)
    return request


def id_pattern(ids: set[str]) -> re.Pattern[str]:
    """Any of the ids as a whole (not as a part of a longer id)."""
    alternatives = "|".join(re.escape(row_id) for row_id in sorted(ids, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


class Twins:
    """Outside ids and their unknown twins: the unknown variant of a request is its outside
    variant with every outside id replaced by a fresh one, so both must be answered alike."""

    def __init__(self, outside: set[str], suffix: str):
        # a suffix keeps a twin where its original sorts among other ids (answers list
        # rows and problems in id order)
        self.twins = {row_id: f"{row_id}{suffix}" for row_id in outside}
        self.pattern = id_pattern(outside)

    def text(self, text: str) -> str:
        return self.pattern.sub(lambda match: self.twins[match.group(0)], text)

    def request(self, request: Request) -> Request:
        twin = Request(request.method, self.text(request.url), {k: self.text(v) for k, v in request.query.items()})
        if request.json is not None:
            twin.json = json.loads(self.text(json.dumps(request.json, ensure_ascii=False)))
        if request.files is not None:
            twin.files = [
                (name, (filename, self.text(data.decode()).encode(), mime))
                for name, (filename, data, mime) in request.files
            ]
        return twin


def answer_text(response: Any) -> str:
    """The answer as text, a zip package's members included."""
    if response.headers.get("content-type", "").startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return response.content.decode("utf-8", "replace")


@dataclass
class Matrix:
    demo: Demo
    client: TestClient
    schemas: dict[str, Any]
    hidden: re.Pattern[str]
    failures: list[str] = field(default_factory=list)
    sent: int = 0
    #: (role, variant, status) -> requests, printed as the run's summary
    tally: Counter[tuple[str, str, int]] = field(default_factory=Counter)
    #: (operation, role, variant) -> status, to compare the stores
    cells: dict[tuple[str, str, str], int] = field(default_factory=dict)
    restores: int = 0

    def fail(self, text: str) -> None:
        self.failures.append(text)

    def send(self, op: Operation, role: str, variant: str, request: Request) -> Any:
        demo = self.demo
        before = demo.store.data_version()
        response = self.client.request(
            request.method,
            request.url,
            params=request.query,
            json=request.json,
            files=request.files,
            headers=demo.keys[role],
        )
        self.sent += 1
        self.tally[(role, variant, response.status_code)] += 1
        self.cells[(op.label, role, variant)] = response.status_code
        cell = f"{op.label} as {role}, {variant} ids ({request.method} {request.url} {request.query}): "
        status = response.status_code
        documented = op.spec.get("responses", {})
        wrote = demo.store.data_version() != before
        if status >= 500:
            self.fail(cell + f"{status} {response.text[:300]}")
        if str(status) not in documented:
            self.fail(cell + f"undocumented status {status}: {response.text[:300]}")
        if wrote and (role in READ_ONLY or op.method == "GET"):
            self.fail(cell + f"a {role} key changed the store ({status})")
        if role in READ_ONLY and op.method != "GET" and variant == "inside" and status != 403:
            self.fail(cell + f"a read-only key's write answered {status}, not 403")
        if role in SCOPED and 200 <= status < 300:
            leaked = sorted({m.group(0) for m in self.hidden.finditer(answer_text(response))})
            if leaked:
                self.fail(cell + f"the answer names rows outside the key's reach: {leaked[:5]}")
        if role == "admin" and not 200 <= status < 300:
            # rows that exist may still conflict (a delete of a row others refer to)
            allowed = {"no": set(), "inside": {409}, "outside": {409}}.get(variant, {404, 409, 422})
            if status not in allowed:
                self.fail(cell + f"an admin got {status}: {response.text[:300]}")
        if demo.store.data_version() != demo.version:
            beyond = _restore(demo)
            if role in SCOPED and beyond:
                self.fail(cell + f"a {role} key's write reached beyond its reach: {beyond[:5]}")
            self.restores += 1
        return response

    def same(self, op: Operation, role: str, pair: str, outside: Any, unknown: Any, twins: Twins) -> None:
        """Outside and unknown ids answered alike, up to the ids themselves."""
        if (outside.status_code, twins.text(outside.text)) != (unknown.status_code, unknown.text):
            self.fail(
                f"{op.label} as {role}: an oracle between {pair} ids: "
                f"{outside.status_code} {outside.text[:300]} / {unknown.status_code} {unknown.text[:300]}"
            )

    def taken(self, op: Operation, role: str) -> None:
        """Creating a row with an id taken outside the reach is answered as one taken
        inside it (one 409 "not available"), not as a free id."""
        kind = op.entity_kind()
        assert kind
        answers = []
        for variant, row_id in (
            ("taken outside", self.demo.outside[kind][0]),
            ("taken inside", self.demo.inside[kind][-1]),
        ):
            request = self.build(op, role, "inside", self.demo.inside, self.demo.inside)
            request.json["id"] = row_id
            response = self.send(op, role, f"id {variant}", request)
            answers.append((response.status_code, response.text.replace(row_id, "<id>")))
        if role in SCOPED and answers[0] != answers[1]:
            self.fail(f"{op.label} as {role}: an oracle between ids taken outside and inside: {answers}")

    def build(
        self, op: Operation, role: str, variant: str, path_ids: dict[str, list[str]], refs: dict[str, list[str]]
    ) -> Request:
        path_rows = Rows(self.demo, path_ids)
        ref_rows = path_rows if refs is path_ids else Rows(self.demo, refs)
        return build(op, role, variant, path_rows, ref_rows, self.schemas)

    def run(self, op: Operation) -> None:
        """Every role's cells of one operation: one request without ids, or inside, outside
        and unknown ids (and, for ids in a path and in references, inside path ids with
        outside and unknown references)."""
        demo = self.demo
        for index, role in enumerate(ROLES):
            if not op.takes_ids():
                self.send(op, role, "no", self.build(op, role, "no", demo.inside, demo.inside))
                continue
            twins = Twins({i for ids in demo.outside.values() for i in ids}, f"-nx{index}")
            self.send(op, role, "inside", self.build(op, role, "inside", demo.inside, demo.inside))
            outside = self.build(op, role, "outside", demo.outside, demo.outside)
            answers = [self.send(op, role, "outside", outside), self.send(op, role, "unknown", twins.request(outside))]
            if role in SCOPED:
                self.same(op, role, "outside and unknown", *answers, twins)
            named = [op.path_kind(p["name"]) for p in op.parameters("path")]
            named += [REFERENCES[p["name"]] for p in op.parameters("query") if p["name"] in REFERENCES]
            if "contacts" in named:
                # the person shared with the other project, first in the path or the query:
                # what the key reads or does about them stays inside its reach (see send)
                shared = demo.inside | {"contacts": [demo.shared, *demo.inside["contacts"]]}
                self.send(op, role, "shared person", self.build(op, role, "shared", shared, shared))
            if op.entity_kind() and op.method == "POST" and not op.parameters("path"):
                self.taken(op, role)
            has_refs = any(p["name"] in REFERENCES for p in op.parameters("query")) or op.body_type()
            if op.parameters("path") and has_refs:
                refs = self.build(op, role, "refs", demo.inside, demo.outside)
                answers = [
                    self.send(op, role, "inside path, outside references", refs),
                    self.send(op, role, "inside path, unknown references", twins.request(refs)),
                ]
                if role in SCOPED:
                    self.same(op, role, "outside and unknown referenced", *answers, twins)


def test_every_operation_by_every_role_keeps_the_reach_rule(demo: Demo) -> None:
    with TestClient(create_app(demo.store, host="0.0.0.0")) as client:
        document = client.get("/openapi.json", headers=demo.keys["admin"]).json()
        found = operations(document)
        assert len(found) >= 70, f"only {len(found)} operations in the document"
        matrix = Matrix(demo, client, document["components"]["schemas"], id_pattern(demo.hidden))
        for op in found:
            matrix.run(op)
    print(f"{matrix.sent} requests over {len(found)} operations, {matrix.restores} restores")
    for (role, variant, status), count in sorted(matrix.tally.items()):
        print(f"  {role:8} {variant:34} {status}: {count}")
    assert not matrix.failures, f"{len(matrix.failures)} failing cell(s):\n" + "\n".join(matrix.failures)
    STATUSES[demo.store.name] = matrix.cells
    if len(STATUSES) == 2:  # both stores ran: one behaviour
        first, second = STATUSES.values()
        differ = sorted(
            f"{cell}: {first.get(cell)} / {second.get(cell)}"
            for cell in first.keys() | second.keys()
            if first.get(cell) != second.get(cell)
        )
        assert not differ, f"the stores answer differently ({', '.join(STATUSES)}):\n" + "\n".join(differ)


#: store name -> the matrix's statuses, once its run passed
STATUSES: dict[str, dict[tuple[str, str, str], int]] = {}


def test_an_operation_the_tables_cannot_handle_fails_clearly() -> None:
    """A new endpoint whose ids or body the tables cannot fill stops the matrix with a
    message saying which table to extend."""
    rows = Rows(cast(Demo, None), {kind: ["some-id"] for kind in KINDS})
    cases = [
        (
            {"parameters": [{"name": "widget_id", "in": "path", "required": True}]},
            "/api/v1/widgets/{widget_id}",
            "PATH_KINDS",
        ),
        ({"parameters": [{"name": "colour", "in": "query"}]}, "/api/v1/contacts", "REFERENCES or NOT_IDS"),
        ({"requestBody": {"content": {"application/json": {"schema": {}}}}}, "/api/v1/widgets", "JSON_BODIES"),
        ({"requestBody": {"content": {"multipart/form-data": {"schema": {}}}}}, "/api/v1/widgets", "MULTIPART_BODIES"),
    ]
    for spec, path, table in cases:
        with pytest.raises(AssertionError, match=table):
            build(Operation("POST", path, spec), "admin", "inside", rows, rows, {})
