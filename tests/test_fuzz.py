"""Fuzzing the HTTP API against its own OpenAPI document (schemathesis, in-process).

Every operation of ``create_app(store)``'s OpenAPI document gets generated requests, valid
(positive) and invalid (negative), sent through schemathesis' ASGI transport (no network).
Each response goes through every schemathesis check: not a server error, a declared
status code, content type, headers and body; invalid input rejected (4xx), valid input
accepted (but for the rules the document cannot state, RULES_THE_SCHEMA_CANNOT_STATE, each
named and listed in SECURITY.md); a real key's operation refusing no key and a wrong one. HTML pages must be HTML
documents and the handover package a readable zip with its manifest.

Requests hit real rows: the store holds the demo portfolio (re-imported before every
writing operation once anything was written, so each starts from the same data), and two in three of the generated ids
(path ids, id-valued query parameters, references in request bodies) are replaced by
stored ones. Callers are mostly an admin key, sometimes a pmo, manager, member or external
key (their scoped, redacted views), sometimes the credentials schemathesis made up (401).

Deterministic: Hypothesis is derandomized and keeps no example database, so CI sends the
same cases every run. The cases sent are counted, and the run fails if they fall below
``MIN_CASES`` or if any operation got none, so a silently shrinking generation is caught.
"""

from __future__ import annotations

import io
import time
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as ALL_CHECKS
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.domain.keys import Role, issue
from graphsvc.store.base import Store
from graphsvc.web.app import create_app

#: every check schemathesis has (``schemathesis.specs.openapi.checks`` registers the OpenAPI
#: ones): stateless ones judge each response; the stateful ones (use_after_free,
#: ensure_resource_availability) need a sequence of calls and pass here, the one-off run in
#: SECURITY.md covers them
ALL = list(ALL_CHECKS.get_all())

#: Schema-valid requests the service refuses (422) for a rule the OpenAPI document cannot
#: state: each reason, by name, with what it refuses (SECURITY.md, "Fuzzing", lists them).
#: ``positive_data_acceptance`` passes a 422 whose every problem is one of these.
RULES_THE_SCHEMA_CANNOT_STATE = {
    # schemathesis drops the document's control-character patterns (it cannot use \ud800-
    # \udfff ranges as written: "Unsupported regex patterns"), so it sends what they forbid
    "control characters": "must not contain control character",
    # `format: date` / `date-time` have no range: years 1900-2999, UTC offsets within 14 h
    "years": "year must be between 1900 and 2999",
    "offsets": "UTC offset must be within",
    # an id is a URL path segment: no '/', not '.' or '..' (the pattern would be dropped too)
    "ids are path segments": "must work as a URL path segment",
    # references must name stored rows (made-up ids do not), a PUT's id is the path's
    "references": "dangling reference",
    "unknown ids": "no contact '",
    "id in the path": "the id in the path",
    # a CSV upload's `encoding` must be a text encoding Python knows (too many to list)
    "text encodings": "unknown text encoding",
    # a name typed for a person (path, reminders' owner) that fits several: the candidates, never a guess
    "ambiguous names": "matches more than one",
    "unknown bundle arrays": "unknown array",  # the bundle's arrays are checked by the importer
    "unknown audit kind": "unknown kind",
    # texts are stripped: "  " has minLength 1 in the schema but is blank
    "blank texts": "String should have at least 1 character",
    # rules across fields
    "a link joins two contacts": "a link needs two different contacts",
    "a stage ends after it starts": "must not be before start",
    "periods end after they start": "must be after valid_from",
    "a calendar window ends after it starts": "must be after since",
    "participants are distinct": "participants must be distinct",
    "the sender takes part": "must be one of the participants",
    "a merge needs two contacts": "must differ from the survivor",
    "a move changes something": "give a new org, a new title, or both",
    "stage orders are unique": "already has stage",
    # JSON Schema counts 4.0 as an integer; `order` is strict (README: not "4", not true)
    "integers are integers": "Input should be a valid integer",
    # a path search between two people with no working line, or to someone on leave (422 no_path)
    "no path": "no working line",
    "target on leave": "is on leave; try their backup",
    # a contact's change of employer, title or status starts after the stored one began
    "history in order": "so that the change can be kept in history",
    # an upload with no file part (schemathesis sends an empty multipart body)
    "an upload needs a file": "Field required",
    # a file part's content: random bytes are no workbook (`format: binary` says nothing more)
    "an upload is a spreadsheet": "not a spreadsheet",
    "an upload is mail": "not a .mbox, .eml, .ics or .vcf file",
}


def positive_data_acceptance_but_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    """``positive_data_acceptance`` with the rules of RULES_THE_SCHEMA_CANNOT_STATE allowed."""
    try:
        return positive_data_acceptance(ctx, response, case)
    except Exception:
        if response.status_code != 422:
            raise
        unstated = [
            r for r in _reasons(response) if not any(rule in r for rule in RULES_THE_SCHEMA_CANNOT_STATE.values())
        ]
        if unstated:
            raise AssertionError(f"a schema-valid request refused for a reason not documented: {unstated}") from None
        return None


def _reasons(response: Any) -> list[str]:
    body = response.json()
    return [str(p.get("reason", "")) for p in body.get("problems") or []] or [str(body.get("detail", ""))]


CHECKS = [positive_data_acceptance_but_documented if c is positive_data_acceptance else c for c in ALL]

#: cases per operation and generation mode; about 75 operations x 2 modes
EMBEDDED_EXAMPLES = 10
NEO4J_EXAMPLES = 2
#: the floors: fewer cases sent fails the test
MIN_CASES = 1000
MIN_CASES_NEO4J = 250

#: parameters and body fields holding ids, and the kind they name
REFERENCES = {
    "contact_id": "contacts",
    "project_id": "projects",
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

#: who sends a request (drawn per case)
CALLERS = ["admin", "admin", "admin", "admin", "pmo", "manager", "member", "external", "generated"]


@dataclass
class Tally:
    operations: list[str] = field(default_factory=list)
    cases: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: writing operations that found the store changed and re-imported the demo portfolio
    seeds: int = 0

    @property
    def total(self) -> int:
        return sum(self.cases.values())

    def summary(self) -> str:
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        return (
            f"{self.total} cases over {len(self.cases)} operations in {self.seconds:.0f}s ({statuses}),"
            f" {self.seeds} re-imports"
        )


def issue_keys(project: str, org: str) -> dict[str, tuple[str, Any]]:
    """One key per role; scoped ones reach ``project``, and work for ``org``."""
    keys = {}
    for role in Role:
        scoped = role in (Role.manager, Role.member, Role.external)
        keys[role.value] = issue(f"fuzz-{role.value}", role, [project] if scoped else [], org if scoped else None)
    return keys


def seed(store: Store, keys: dict[str, tuple[str, Any]]) -> dict[str, list[str]]:
    """The demo portfolio freshly imported, and the keys; returns the demo ids by kind."""
    store.clear()
    data = demo_data()
    import_bundle(store, data)
    for _, record in keys.values():
        store.save_key(record)
    return {kind: sorted(row["id"] for row in rows) for kind, rows in data.items() if isinstance(rows, list)}


def state(store: Store) -> tuple[int, list[Any]]:
    """What tells whether anything was written: the data version (every row write, the
    audit entries with it, bumps it; it never goes back) and the keys (not versioned)."""
    return store.data_version(), store.keys()


def _kind_of_path(path: str) -> str | None:
    """The entity kind of ``/api/v1/<kind>/{entity_id}...`` routes."""
    parts = path.strip("/").split("/")
    return parts[2] if len(parts) >= 4 and parts[3] == "{entity_id}" else None


def _realistic(case: Any, data: Any, ids: dict[str, list[str]], positive: bool) -> None:
    """Two times in three, put a stored id where the case has a generated one. Negative
    cases keep their query and body: they may be invalid exactly there."""

    def real(kind: str | None, generated: Any) -> Any:
        choices = [case.path_parameters["entity_id"]] if kind == "same id" else ids.get(kind or "")
        if not choices or not data.draw(st.sampled_from([True, True, False])):
            return generated
        return data.draw(st.sampled_from(choices))

    path = case.operation.path
    for name in list(case.path_parameters or {}):
        kind = _kind_of_path(path) if name == "entity_id" else REFERENCES.get(name)
        case.path_parameters[name] = real(kind, case.path_parameters[name])
    if not positive:
        return
    for name in list(case.query or {}):
        if isinstance(case.query[name], str):
            case.query[name] = real(REFERENCES.get(name), case.query[name])
    body = case.body
    if isinstance(body, dict):
        for name, value in list(body.items()):
            if isinstance(value, str):
                body[name] = real(REFERENCES.get(name), value)
            elif name == "participants" and isinstance(value, list):
                body[name] = [real("contacts", v) if isinstance(v, str) else v for v in value]
            elif name == "organizations" and isinstance(value, list):
                for item in value:
                    if isinstance(item, dict) and isinstance(item.get("org"), str):
                        item["org"] = real("organizations", item["org"])
        if "entity_id" in (case.path_parameters or {}) and "id" in body:
            body["id"] = real("same id", body["id"])  # a replacement or change keeps its id


def _authenticate(case: Any, caller: str, keys: dict[str, tuple[str, Any]]) -> None:
    if caller == "generated":
        return
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ("authorization", "x-api-key")}
    case.headers = headers | {"X-API-Key": keys[caller][0]}
    # a real key, not one schemathesis made up: ignored_auth then probes the operation without
    # it and with a wrong one, and expects a 401
    case._has_explicit_auth = True


def checks_for(caller: str, response: Any) -> list[Any]:
    """All checks, but one documented exception: a page asked for with no key at all (a
    browser) redirects (303) to the sign-in form before it reads its parameters, so invalid
    ones are not rejected there; signed in, they are (422)."""
    location = (response.headers.get("location") or [""])[0]
    if response.status_code == 303 and location.startswith("/signin?next="):
        assert caller == "generated", f"a {caller} key was sent to sign in"
        return [check for check in CHECKS if check is not negative_data_rejection]
    return CHECKS


def check_payload(label: str, response: Any) -> None:
    """What the schema cannot say about an HTML page or a zip package."""
    if not 200 <= response.status_code < 300:
        return
    content_type = (response.headers.get("content-type") or [""])[0]
    if content_type.startswith("text/html"):
        text = response.content.decode("utf-8")
        assert text.lstrip().lower().startswith("<!doctype html"), f"{label}: not an HTML document"
        assert "</html>" in text.lower(), f"{label}: HTML cut short"
    elif content_type.startswith("application/zip"):
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            assert archive.testzip() is None, f"{label}: corrupt zip"
            assert "manifest.json" in archive.namelist(), f"{label}: zip without its manifest"


def fuzz(store: Store, examples: int, modes: list[GenerationMode], only: Callable[[str], bool] | None = None) -> Tally:
    """Every operation, up to ``examples`` cases per generation mode; failures are collected
    per operation (the first per operation and mode), not raised."""
    started = time.monotonic()
    data = demo_data()
    keys = issue_keys(data["projects"][0]["id"], data["contacts"][0]["org"])
    ids = seed(store, keys)
    seeded = state(store)
    app = create_app(store)
    # the document needs a key like the API it describes
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, headers={"X-API-Key": keys["admin"][0]})
    tally = Tally()
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if only is not None and not only(label):
            continue
        tally.operations.append(label)
        if operation.method.upper() != "GET" and state(store) != seeded:
            # each writing operation starts from the demo portfolio: re-imported unless
            # nothing was written since the last import (then the store is just as it left it)
            seed(store, keys)
            seeded = state(store)
            tally.seeds += 1
        for mode in modes:
            if mode == GenerationMode.NEGATIVE and not _can_be_invalid(operation):
                continue  # the probes: no parameter, no body, no key to get wrong

            @settings(
                max_examples=examples,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
                report_multiple_bugs=False,
            )
            @given(case=operation.as_strategy(generation_mode=mode), caller=st.sampled_from(CALLERS), data=st.data())
            def run(case: Any, caller: str, data: Any) -> None:
                _realistic(case, data, ids, mode == GenerationMode.POSITIVE)
                _authenticate(case, caller, keys)
                tally.cases[label] += 1
                response = case.call()
                tally.statuses[response.status_code] += 1
                case.validate_response(response, checks=checks_for(caller, response))
                check_payload(label, response)

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, report all
                tally.failures.append(f"{label} [{mode.value}]: {type(exc).__name__}: {exc}")
    tally.seconds = time.monotonic() - started
    return tally


def _can_be_invalid(operation: Any) -> bool:
    definition = operation.definition.raw
    return bool(definition.get("parameters") or definition.get("requestBody") or definition.get("security") != [])


def _verdict(tally: Tally, floor: int) -> None:
    print(tally.summary())
    assert not tally.failures, f"{len(tally.failures)} failing operation(s):\n\n" + "\n\n".join(tally.failures)
    assert not set(tally.operations) - set(tally.cases), (
        f"operations without a case: {set(tally.operations) - set(tally.cases)}"
    )
    assert tally.total >= floor, f"only {tally.total} cases were generated (at least {floor} expected)"


def test_fuzz_every_operation_on_the_embedded_store(embedded_store):
    tally = fuzz(embedded_store, EMBEDDED_EXAMPLES, list(GenerationMode))
    assert len(tally.operations) >= 70  # the whole document was fuzzed, not a slice of it
    _verdict(tally, MIN_CASES)


@pytest.mark.neo4j
def test_fuzz_every_operation_on_neo4j(neo4j_store):
    tally = fuzz(neo4j_store, NEO4J_EXAMPLES, list(GenerationMode))
    _verdict(tally, MIN_CASES_NEO4J)
