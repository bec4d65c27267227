"""An import too large for one Neo4j transaction (a year of mail on the production store's
1 GiB heap fails so): refused with an error that names the server's limit and the way out,
nothing written; and written with ``commit_every`` in parts, each part whole, so that the
rows, their audit entries and the kept line uses agree with an import in one piece.

This test starts its own Neo4j, whose transactions may use at most ``TRANSACTION_MAX_MIB``
(the launcher's ``-Dgraphsvc.transaction.max.mib``); the bundle here needs more (contacts
with long notes and many tags: the memory of a large mail import in a hundred rows)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graphsvc.application.bundle_import import run_import
from graphsvc.cli.main import app as cli_app
from graphsvc.domain.audit import AuditQuery
from graphsvc.domain.line_use import line_uses
from graphsvc.store.neo4j_store import Neo4jStore
from graphsvc.web.app import create_app

from neo4j_server import claim_for_tests, start_neo4j

TRANSACTION_MAX_MIB = 16
CONTACTS = 120
MAILS = 100
PART = 20


@pytest.fixture(scope="module")
def small_neo4j() -> Iterator[tuple[Neo4jStore, dict[str, str]]]:
    """A Neo4j of its own, with the low transaction memory limit, and the settings that
    point a command at it."""
    server = start_neo4j(jvm_opts=(f"-Dgraphsvc.transaction.max.mib={TRANSACTION_MAX_MIB}",))
    try:
        store = Neo4jStore(server.uri)
        claim_for_tests(store.driver, store.database)
        store.init_schema()
        yield store, {"GRAPHSVC_STORE": "neo4j", "NEO4J_URI": server.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": ""}
        store.close()
    finally:
        server.stop()


def large_bundle() -> dict:
    """Contacts of about 100 KB each (a note of some 8,000 characters, 100 tags of 400 characters)
    and e-mails between them."""
    contacts = [
        {
            "id": f"c-{n:04d}",
            "name": f"员工{n}",
            "notes": f"第{n}号的备注。" * 1000,
            "tags": [f"标签{n}-{t}-" + "x" * 400 for t in range(100)],
        }
        for n in range(CONTACTS)
    ]
    mails = [
        {
            "at": f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}T09:00:00+08:00",
            "channel": "e-mail",
            "sender": f"c-{n % CONTACTS:04d}",
            "participants": [
                f"c-{n % CONTACTS:04d}",
                f"c-{(n * 7 + 1) % CONTACTS:04d}",
                f"c-{(n * 13 + 2) % CONTACTS:04d}",
            ],
        }
        for n in range(MAILS)
    ]
    return {"contacts": contacts, "interactions": mails}


def stored_rows(store) -> int:
    return sum(store.counts().values())


def emptied(store: Neo4jStore) -> Neo4jStore:
    """The store emptied a few rows per transaction (``clear`` deletes 200 rows at a time: more
    of these large contacts than this server's transactions hold), then cleared as usual."""
    with store.driver.session(database=store.database) as session:
        session.run(
            "MATCH (n) WHERE NOT n:GraphsvcMeta CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS"
        ).consume()
    store.clear()
    return store


@pytest.mark.neo4j
def test_neo4j_refuses_an_import_past_its_transaction_memory_and_takes_it_in_parts(small_neo4j, tmp_path, monkeypatch):
    neo4j_store, neo4j_settings = small_neo4j
    emptied(neo4j_store)
    data = large_bundle()
    refused = run_import(neo4j_store, data, dry_run=False)
    assert not refused.ok and not refused.committed and refused.commits == 0
    error = refused.errors[0]
    assert error.code == "too_large", refused.errors
    assert f"{TRANSACTION_MAX_MIB}.0 MiB" in error.reason and "--commit-every" in error.reason
    assert stored_rows(neo4j_store) == 0 and neo4j_store.line_uses() == {}

    with TestClient(create_app(neo4j_store)) as client:
        answer = client.post("/api/v1/import", json=data)
        assert answer.status_code == 413 and answer.json()["code"] == "too_large", answer.text
        assert "commit_every" in answer.json()["problems"][0]["reason"]
    assert stored_rows(neo4j_store) == 0

    for name, value in neo4j_settings.items():
        monkeypatch.setenv(name, value)
    bundle = tmp_path / "large.json"
    bundle.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    failed = runner.invoke(cli_app, ["import", str(bundle)])
    assert failed.exit_code == 2 and "--commit-every" in failed.stderr, failed.output
    done = runner.invoke(cli_app, ["import", str(bundle), "--commit-every", str(PART), "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    rows = CONTACTS + MAILS
    assert report["committed"] and report["commits"] == math.ceil(rows / PART)

    # every part whole: the rows, one audit entry each, the line uses of every e-mail
    assert stored_rows(neo4j_store) == rows
    assert neo4j_store.audit_count(AuditQuery()) == rows
    assert neo4j_store.line_uses() == line_uses(neo4j_store.read("interactions"))
    assert runner.invoke(cli_app, ["db", "check"]).exit_code == 0
    # importing again changes nothing
    version = neo4j_store.data_version()
    again = runner.invoke(cli_app, ["import", str(bundle), "--commit-every", str(PART), "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["commits"] == 0
    assert neo4j_store.data_version() == version


@pytest.mark.neo4j
def test_an_import_in_parts_that_meets_a_part_too_large_says_what_it_wrote(small_neo4j):
    neo4j_store = emptied(small_neo4j[0])
    data = large_bundle()
    data["organizations"] = [{"id": f"o-{n}", "name": f"单位{n}"} for n in range(30)]
    # the first part (30 organisations, 30 contacts) fits; the second (60 contacts) does not
    stopped = run_import(neo4j_store, data, dry_run=False, commit_every=60)
    assert not stopped.ok and stopped.commits == 1 and stopped.errors[0].code == "too_large"
    assert "1 earlier transaction of this import was written" in stopped.errors[0].reason
    assert neo4j_store.counts()["organizations"] == 30 and neo4j_store.counts()["contacts"] == 30
    emptied(neo4j_store)
    with TestClient(create_app(neo4j_store)) as client:
        answer = client.post("/api/v1/import", params={"commit_every": 60}, json=data)
        assert answer.status_code == 413 and "import stopped after 1 transaction(s)" in answer.json()["detail"]
    done = run_import(neo4j_store, data, dry_run=False, commit_every=PART)
    assert done.committed and stored_rows(neo4j_store) == 30 + CONTACTS + MAILS
    assert neo4j_store.line_uses() == line_uses(neo4j_store.read("interactions"))


def test_parts_on_the_embedded_store(embedded_store):
    data = large_bundle()
    report = run_import(embedded_store, data, dry_run=False, commit_every=PART)
    assert report.committed and report.commits == math.ceil((CONTACTS + MAILS) / PART)
    assert embedded_store.audit_count(AuditQuery()) == CONTACTS + MAILS
    assert embedded_store.line_uses() == line_uses(embedded_store.read("interactions"))
