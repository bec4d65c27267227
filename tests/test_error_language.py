"""Every error a user can receive speaks the asked language: unknown ids, pydantic's
validation messages (by error type), bundle row problems, 401, 403 and 409. Under zh-CN an
error body's words hold no English (field names, quoted values, codes and identifiers
aside), under en no Chinese; without a language the bodies are today's English ones; and
an outside row still answers exactly like a missing one, in Chinese too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Annotated, Any, Literal

import pytest
from fastapi.testclient import TestClient
from language_check import chinese_words, data_strings, english_words, error_text
from pydantic import Field, StringConstraints, TypeAdapter, ValidationError
from typer.testing import CliRunner

from graphsvc.analysis.findings import Severity
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.cli.main import app as cli
from graphsvc.domain.keys import Role
from graphsvc.domain.model import KINDS, Day, Id, UtcDatetime
from graphsvc.domain.validation_text import MESSAGES, validation_message
from graphsvc.store.base import Store
from graphsvc.support.i18n import use_language
from graphsvc.web.app import create_app

from samples import key_headers

PD, SW = "pd-yunting-complex", "sw-fieldops-3"
PD_PERSON, SW_PERSON = "c-chen-xiaoyan", "c-daniel-wu"
PD_ORG = "org-yunting-properties"
#: identifiers an error names as typed: key roles, bundle arrays, the key header's syntax, a query flag
IDENTIFIERS = re.compile(
    r"\b(?:admin|pmo|manager|member|external|" + "|".join(KINDS) + r")\b"
    r"|'Authorization: Bearer <key>'|\bcascade=true\b|YYYY-MM-DD"
)
DATA = data_strings(demo_data())


def words(language: str, body: dict[str, Any]) -> list[str]:
    text = IDENTIFIERS.sub(" ", error_text(body))
    return english_words(text, DATA) if language == "zh-CN" else chinese_words(text, DATA)


@pytest.fixture
def api(embedded_store: Store) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    import_bundle(embedded_store, demo_data())
    grants = [("root", Role.admin, []), ("pd manager", Role.manager, [PD]), ("reader", Role.member, [PD])]
    headers = key_headers(embedded_store, grants)
    with TestClient(create_app(embedded_store)) as client:
        yield client, headers


#: (name, method, url, key role or None, JSON body or raw text, expected status)
REQUESTS: list[tuple[str, str, str, str | None, Any, int]] = [
    ("unknown contact", "GET", "/api/v1/contacts/c-nobody", "admin", None, 404),
    ("unknown project", "GET", "/api/v1/projects/no-such-project/findings", "admin", None, 404),
    ("unknown stage", "GET", f"/api/v1/projects/{PD}/findings?stage=no-such-stage", "admin", None, 404),
    (
        "query types",
        "GET",
        f"/api/v1/projects/{PD}/findings?as_of=2026-13-45&stale_days=abc&overload=0&severity=extreme",
        "admin",
        None,
        422,
    ),
    ("a day of no calendar", "GET", f"/api/v1/projects/{PD}/findings?as_of=2026-02-30", "admin", None, 422),
    ("not a day", "GET", f"/api/v1/projects/{PD}/findings?as_of=soon", "admin", None, 422),
    (
        "body types",
        "POST",
        "/api/v1/contacts",
        "admin",
        {"id": 5, "name": "x" * 600, "status": "gone", "since": "2026-02-30", "emails": "a@b.c", "extra": 1},
        422,
    ),
    ("missing field", "POST", "/api/v1/contacts", "admin", {"id": "c-new"}, 422),
    ("empty name, bad id", "POST", "/api/v1/contacts", "admin", {"id": "a/b", "name": "  "}, 422),
    ("not JSON", "POST", "/api/v1/contacts", "admin", "{nope", 422),
    ("not an object", "POST", "/api/v1/contacts", "admin", [1, 2], 422),
    (
        "assignment literal",
        "POST",
        "/api/v1/assignments",
        "admin",
        {"id": "a-x", "contact": PD_PERSON, "responsibility": "pd-r-as-built-documents", "raci": "X"},
        422,
    ),
    (
        "bundle rows",
        "POST",
        "/api/v1/import",
        "admin",
        {
            "format": "other",
            "contacts": [{"id": "c-1", "name": "A", "org": "o-gone"}, {"id": "c-1", "name": "B"}],
            "stages": [
                {"id": "s-1", "project": PD, "name": "S", "order": 99, "start": "2026-05-01", "end": "2026-01-01"}
            ],
            "links": [{"id": "l-1", "source": PD_PERSON, "target": PD_PERSON, "kind": "works_with"}],
            "widgets": [],
        },
        422,
    ),
    ("no key", "GET", "/api/v1/contacts", None, None, 401),
    ("wrong key", "GET", "/api/v1/contacts", "bogus", None, 401),
    ("read-only key", "POST", "/api/v1/organizations", "member", {"id": "o-x", "name": "X"}, 403),
    ("audit for admins", "GET", "/api/v1/audit", "manager", None, 403),
    ("manager adds an organisation", "POST", "/api/v1/organizations", "manager", {"id": "o-x", "name": "X"}, 403),
    ("id taken", "POST", "/api/v1/contacts", "admin", {"id": PD_PERSON, "name": "X"}, 409),
    ("still referred to", "DELETE", f"/api/v1/organizations/{PD_ORG}", "admin", None, 409),
    ("unknown route", "GET", "/api/v1/nothing-here", "admin", None, 404),
]


def ask(client: TestClient, headers: dict[str, dict[str, str]], request: tuple[Any, ...], language: str | None) -> Any:
    _name, method, url, role, body, _status = request
    sent = dict(headers.get(role, {"X-API-Key": "gsk_bogus_bogus"} if role == "bogus" else {}))
    if language:
        sent["Accept-Language"] = language
    if isinstance(body, str):
        return client.request(method, url, headers=sent | {"Content-Type": "application/json"}, content=body)
    return client.request(method, url, headers=sent, json=body)


@pytest.mark.parametrize("request_", REQUESTS, ids=[r[0] for r in REQUESTS])
def test_error_bodies_speak_the_asked_language(api, request_):
    client, headers = api
    bodies = {}
    for language in ("zh-CN", "en", None):
        answer = ask(client, headers, request_, language)
        assert answer.status_code == request_[5], answer.text
        bodies[language] = answer.json()
        assert bodies[language]["detail"].strip()
        if language:
            assert words(language, bodies[language]) == [], bodies[language]
    chinese, english, unasked = bodies["zh-CN"], bodies["en"], bodies[None]
    assert unasked == english  # no language asked: the English answer, as before
    assert chinese["code"] == english["code"]  # codes, locations and fields never change
    strip = [{k: v for k, v in p.items() if k != "reason"} for p in english["problems"]]
    assert [{k: v for k, v in p.items() if k != "reason"} for p in chinese["problems"]] == strip
    assert chinese["detail"] != english["detail"]


def test_english_bodies_are_word_for_word_as_before(api):
    """The English text of the common errors, as clients and the README quote them."""
    client, headers = api
    by_name = {r[0]: r for r in REQUESTS}
    assert ask(client, headers, by_name["unknown contact"], None).json()["detail"] == "no contact 'c-nobody'"
    missing = ask(client, headers, by_name["missing field"], None).json()
    assert missing["problems"][0]["reason"] == "Field required"
    query = ask(client, headers, by_name["query types"], None).json()["detail"]
    assert "query stale_days: Input should be a valid integer, unable to parse string as an integer" in query
    assert "query overload: Input should be greater than or equal to 1" in query
    assert "query severity: Input should be 'critical', 'high', 'medium' or 'low'" in query
    assert ask(client, headers, by_name["not JSON"], None).json()["problems"][0]["reason"] == "JSON decode error"
    rows = ask(client, headers, by_name["bundle rows"], None).json()
    reasons = {(p["location"], p["row"], p["field"]): p["reason"] for p in rows["problems"]}
    assert reasons[("contacts", 0, "org")] == "dangling reference: no organization 'o-gone'"
    assert reasons[("contacts", 1, "id")] == "duplicate id 'c-1' (first at row 0)"
    assert reasons[("stages", 0, "end")] == "must not be before start"
    conflict = ask(client, headers, by_name["still referred to"], None).json()["detail"]
    assert conflict.startswith(f"organization '{PD_ORG}' is still referred to by ")


def test_chinese_bodies_read_as_a_chinese_reader_expects(api):
    client, headers = api
    by_name = {r[0]: r for r in REQUESTS}
    assert ask(client, headers, by_name["unknown contact"], "zh-CN").json()["detail"] == "没有联系人 'c-nobody'"
    query = ask(client, headers, by_name["query types"], "zh-CN").json()["detail"]
    assert "查询参数 severity：应为 'critical'、'high'、'medium' 或 'low' 之一" in query
    assert "查询参数 overload：应大于或等于 1" in query
    rows = ask(client, headers, by_name["bundle rows"], "zh-CN").json()
    reasons = {(p["location"], p["row"], p["field"]): p["reason"] for p in rows["problems"]}
    assert reasons[("contacts", 0, "org")] == "引用无效：没有单位 'o-gone'"
    assert ask(client, headers, by_name["no key"], "zh-CN").headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_an_outside_row_answers_like_a_missing_one_in_every_language(store, language):
    """The reach rule holds in Chinese too: same status, same words, only the id differs."""
    import_bundle(store, demo_data())
    headers = key_headers(store, [("pd manager", Role.manager, [PD])])["manager"] | {"Accept-Language": language}
    with TestClient(create_app(store)) as client:
        pairs = [
            (f"/api/v1/contacts/{SW_PERSON}", "/api/v1/contacts/c-nobody", SW_PERSON, "c-nobody"),
            (f"/api/v1/projects/{SW}/findings", "/api/v1/projects/p-nothing/findings", SW, "p-nothing"),
        ]
        for outside_url, missing_url, outside_id, missing_id in pairs:
            outside, missing = client.get(outside_url, headers=headers), client.get(missing_url, headers=headers)
            assert outside.status_code == missing.status_code == 404
            assert outside.text.replace(outside_id, "<id>") == missing.text.replace(missing_id, "<id>")
        link = {"id": "l-reach", "source": PD_PERSON, "target": SW_PERSON, "kind": "works_with"}
        outside = client.post("/api/v1/links", headers=headers, json=link)
        missing = client.post("/api/v1/links", headers=headers, json=link | {"target": "c-nobody"})
        assert outside.status_code == missing.status_code == 422
        assert outside.text.replace(SW_PERSON, "<id>") == missing.text.replace("c-nobody", "<id>")
        assert words(language, outside.json()) == []


def test_the_command_line_says_what_is_wrong_with_a_bundle_in_chinese(tmp_path, monkeypatch):
    """The command line prints the error itself: every problem line in the asked language."""
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"contacts": [{"id": "c-1", "name": "", "org": "o-gone", "status": "gone"}],'
        ' "stages": [{"id": "s", "project": "p", "name": "S", "order": "x"}]}',
        encoding="utf-8",
    )
    monkeypatch.setenv("GRAPHSVC_STORE", "embedded")
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(tmp_path))
    for language, wrong in (("zh-CN", english_words), ("en", chinese_words)):
        done = CliRunner().invoke(cli, ["--lang", language, "validate", str(bad)])
        assert done.exit_code != 0
        lines = [line for line in done.output.splitlines() if line.startswith("  - ")]
        assert len(lines) == 5, done.output
        said = re.sub(r"^\s+- [\w.\[\]]+[:：]", " ", "\n".join(lines), flags=re.M)  # the row and field at fault
        assert wrong(IDENTIFIERS.sub(" ", said), []) == [], done.output


# -- pydantic's messages, type by type ---------------------------------------------------------

#: (type, value) pairs raising each error type our models and parameters can raise
SAMPLES: list[tuple[Any, Any]] = [
    (str, 5),
    (Annotated[str, StringConstraints(min_length=1)], ""),
    (Annotated[str, StringConstraints(min_length=2)], "x"),
    (Annotated[str, StringConstraints(max_length=1)], "xy"),
    (Annotated[str, StringConstraints(max_length=3)], "xyzw"),
    (Annotated[str, StringConstraints(pattern="^a$")], "b"),
    (int, "abc"),
    (int, 1.5),
    (int, [1]),
    (Annotated[int, Field(ge=1)], 0),
    (Annotated[int, Field(gt=1)], 0),
    (Annotated[int, Field(le=1)], 2),
    (Annotated[int, Field(lt=1)], 2),
    (float, "x"),
    (Annotated[float, Field(allow_inf_nan=False)], float("inf")),
    (bool, "perhaps"),
    (bool, [1]),
    (Severity, "extreme"),
    (Literal["R", "A", "C", "I"], "X"),
    (Literal["graphsvc-bundle"], "other"),
    (date, "2026-02-30"),
    (date, "2026-11-22T10:00"),
    (date, "soon"),
    (date, [1]),
    (datetime, "2026-13-01"),
    (datetime, [1]),
    (Day, "2026/11/22"),
    (Day, "1800-01-01"),
    (UtcDatetime, 0),
    (Id, "a/b"),
    (Annotated[list[int], Field(max_length=1)], [1, 2]),
    (Annotated[list[int], Field(min_length=2)], [1]),
    (list[int], 5),
    (dict[str, int], 5),
]


def _errors() -> list[dict[str, Any]]:
    found = []
    for kind, value in SAMPLES:
        with pytest.raises(ValidationError) as raised:
            TypeAdapter(kind).validate_python(value)
        found.extend(raised.value.errors(include_url=False))
    return found


def test_english_validation_messages_are_pydantic_s_own():
    with use_language("en"):
        for error in _errors():
            assert validation_message(error) == error["msg"], error


def test_every_validation_message_has_chinese_words():
    with use_language("zh-CN"):  # our own validators' words are translated as they are raised
        for error in _errors():
            text = validation_message(error)
            assert text != error["msg"], error
            left = re.sub(r"'[^']*'|\^a\$|YYYY-MM-DD|ISO 8601", " ", text)
            assert english_words(left, []) == [], (error, text)


def test_the_table_covers_the_types_requests_raise():
    """A type our requests can raise falls back to English only if it is missing here."""
    raised = {error["type"] for error in _errors()} - {"string_too_short", "string_too_long", "too_long", "too_short"}
    assert raised <= set(MESSAGES), raised - set(MESSAGES)
