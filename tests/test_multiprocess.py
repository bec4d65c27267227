"""Several processes on one embedded store file: each sees every committed write before its
next read or write, and a write computed from rows another process changed meanwhile is
refused as stale and recomputed, never written over them.

First two EmbeddedStore objects on one file (each with its own SQLite connection, as two
processes have), then two real server processes and the CLI on one data directory.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

import httpx
import pytest

from graphsvc.application import entities
from graphsvc.application.importer import import_bundle
from graphsvc.domain.audit import AuditQuery, Change, record
from graphsvc.domain.bundle import Bundle, canonical_dict
from graphsvc.domain.model import Contact
from graphsvc.store import embedded
from graphsvc.store.base import StaleWrite
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.web.entities import PATHS

from audit_chain import chain_is_unbroken
from live_server import serve_process
from samples import small

TODAY = date(2026, 11, 22)
SHARED = "c-li"


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[EmbeddedStore, EmbeddedStore]]:
    """Two stores on one file, the second opened before anything was written."""
    path = tmp_path / "graphsvc.sqlite3"
    first, second = EmbeddedStore(path), EmbeddedStore(path)
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def test_second_store_sees_writes_on_its_next_read(two):
    first, second = two
    import_bundle(first, small(), today=TODAY)
    version = second.data_version()
    entities.patch(first, "contacts", SHARED, {"title": "Site lead"}, "alice", today=TODAY)
    entities.delete(first, "links", "l-2", "alice")
    assert second.read("contacts", [SHARED])[0].title == "Site lead"
    assert second.read("links", ["l-2"]) == []
    assert second.data_version() != version  # its response cache sees the change too
    assert canonical_dict(second.export()) == canonical_dict(first.export())
    assert second.project_scope("p-tower") == first.project_scope("p-tower")
    assert second.referrers("contacts", {SHARED}) == first.referrers("contacts", {SHARED})
    assert second.self_check() == []


def test_a_write_waits_for_another_process_longer_write(tmp_path: Path):
    """A write queued behind another connection's long transaction (a large import) waits
    for it, past SQLite's default 5 s, instead of failing with "database is locked"."""
    path = tmp_path / "graphsvc.sqlite3"
    with EmbeddedStore(path) as store:
        import_bundle(store, small(), today=TODAY)
        holder = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")  # the write lock, as an import in another process holds it
        release = threading.Timer(6.0, holder.execute, ["COMMIT"])
        release.start()
        try:
            entities.patch(store, "contacts", SHARED, {"title": "Site lead"}, "alice", today=TODAY)
        finally:
            release.join()
            holder.close()
        assert store.read("contacts", [SHARED])[0].title == "Site lead"


def test_write_from_a_stale_copy_is_refused_and_recomputed(two):
    first, second = two
    import_bundle(first, small(), today=TODAY)
    stale = second.read("contacts", [SHARED])[0]
    entities.patch(first, "contacts", SHARED, {"title": "Site lead"}, "alice", today=TODAY)
    # computed from the row before the other store's write: refused, nothing written
    ours = stale.model_copy(update={"notes": "from a stale copy"})
    with pytest.raises(StaleWrite):
        second.apply(Change(upserts=_bundle(ours), audit=record("bob", "update", [("contacts", stale, ours)])))
    with pytest.raises(StaleWrite):  # an unguarded import is checked the same way here
        second.apply(
            Change(upserts=_bundle(ours), audit=record("bob", "import", [("contacts", stale, ours)]), guard=False)
        )
    assert first.read("contacts", [SHARED])[0].title == "Site lead"
    # through the application the write is recomputed from the fresh row: both changes kept
    row = entities.patch(second, "contacts", SHARED, {"notes": "checked"}, "bob", today=TODAY)
    assert (row.title, row.notes) == ("Site lead", "checked")
    assert first.read("contacts", [SHARED]) == [row]
    entries = first.audit_log(AuditQuery(entity=SHARED))
    assert chain_is_unbroken(entries[1:], entries[0].after)


def test_import_of_another_process_is_not_reverted(two):
    """The case of issue 13: a CLI import while the server runs, then the server's write."""
    first, second = two
    import_bundle(first, small(), today=TODAY)
    second.read("contacts")  # the server has its copy
    data = small()
    [li] = [c for c in data["contacts"] if c["id"] == SHARED]
    li["emails"] = ["li@example.org"]
    data["organizations"].append({"id": "o-late", "name": "Late Co"})
    import_bundle(first, data, today=TODAY)
    entities.patch(second, "contacts", SHARED, {"notes": "after the import"}, "bob", today=TODAY)
    [row] = first.read("contacts", [SHARED])
    assert (row.emails, row.notes) == (["li@example.org"], "after the import")
    assert [o.id for o in second.read("organizations", ["o-late"])] == ["o-late"]


def test_a_process_behind_the_log_reloads(two, monkeypatch):
    first, second = two
    monkeypatch.setattr(embedded, "SYNC_LOG_KEEP", 3)
    import_bundle(first, small(), today=TODAY)
    second.read("contacts")
    for n in range(6):
        entities.patch(first, "contacts", SHARED, {"notes": f"note {n}"}, "alice", today=TODAY)
    assert second.read("contacts", [SHARED])[0].notes == "note 5"
    first.clear()
    assert second.read("contacts") == []
    assert second.self_check() == []


def _bundle(contact: Contact) -> Bundle:
    return Bundle(contacts=[contact])


# -- two server processes and the CLI on one data directory ----------------------------------

SERVERS = 2
CLIENTS_PER_SERVER = 3
PATCHES = 12  # per client, of the shared contact, at least
MAX_PATCHES = 300
CREATES = 4  # per client, of its own contacts


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "GRAPHSVC_STORE": "embedded", "GRAPHSVC_DATA_DIR": str(data_dir)}


def _cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "graphsvc", *args],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done


@contextmanager
def _server(data_dir: Path) -> Iterator[str]:
    """A ``graphsvc serve`` process on loopback over the data directory; its base URL."""
    with serve_process(_env(data_dir)) as (_, base):
        yield base


class Client(threading.Thread):
    """PATCHes of the shared contact and contacts of its own, through one server; it keeps
    writing until two of its PATCHes came after the CLI import (bounded)."""

    def __init__(self, base: str, name: str, imported: threading.Event):
        super().__init__()
        self.base, self.name, self.imported = base, name, imported
        self.shared: list[dict] = []  # acknowledged rows of the shared contact
        self.created: dict[str, dict] = {}
        self.after_import = 0
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.base, timeout=60) as http:
                for i in range(MAX_PATCHES):
                    if i >= PATCHES and self.after_import >= 2:
                        break
                    imported = self.imported.is_set()
                    tag = f"{self.name}-{i}"
                    field = "title" if i % 2 else "notes"
                    response = http.patch(f"/api/v1/contacts/{SHARED}", json={field: tag})
                    assert response.status_code == 200, response.text
                    assert response.json()[field] == tag
                    self.shared.append(response.json())
                    self.after_import += imported
                    if i < CREATES:
                        row = {"id": f"c-{tag}", "name": f"Person {tag}", "org": "o-build"}
                        response = http.post("/api/v1/contacts", json=row)
                        assert response.status_code == 201, response.text
                        self.created[row["id"]] = response.json()
        except BaseException as exc:  # reported by the test
            self.failure = exc


def _everything(base: str) -> dict[str, list[dict]]:
    with httpx.Client(base_url=base, timeout=60) as http:
        answers = {}
        for segment in PATHS:
            response = http.get(f"/api/v1/{segment}", params={"limit": 500})
            assert response.status_code == 200, response.text
            answers[segment] = response.json()["items"]
        return answers


def test_two_servers_and_the_cli_on_one_data_directory(tmp_path):
    data_dir = tmp_path / "data"
    first = tmp_path / "first.json"
    first.write_text(json.dumps(small()))
    _cli(data_dir, "import", str(first))
    later = small()
    [li] = [c for c in later["contacts"] if c["id"] == SHARED]
    li["emails"] = ["li@example.org"]
    later["organizations"].append({"id": "o-late", "name": "Late Co"})
    second = tmp_path / "second.json"
    second.write_text(json.dumps(later))
    with ExitStack() as stack:
        bases = [stack.enter_context(_server(data_dir)) for _ in range(SERVERS)]
        for base in bases:
            _everything(base)  # each server has its copy in memory
        imported = threading.Event()
        clients = [
            Client(base, f"s{n}c{c}", imported) for n, base in enumerate(bases) for c in range(CLIENTS_PER_SERVER)
        ]
        for client in clients:
            client.start()
        try:
            _cli(data_dir, "import", str(second))  # while they write
        finally:
            imported.set()
        for client in clients:
            client.join(timeout=120)
        assert not any(client.is_alive() for client in clients)
        assert [client.failure for client in clients] == [None] * len(clients)
        assert all(client.after_import >= 2 for client in clients)
        answers = [_everything(base) for base in bases]
    assert answers[0] == answers[1]  # both servers answer the same for every row
    with EmbeddedStore(data_dir / "graphsvc.sqlite3") as store:
        [row] = store.read("contacts", [SHARED])
        assert row.emails == ["li@example.org"]  # the import was not reverted
        assert store.read("organizations", ["o-late"])
        for client in clients:  # nothing acknowledged was lost
            for contact_id, acknowledged in client.created.items():
                assert [c.model_dump(mode="json") for c in store.read("contacts", [contact_id])] == [acknowledged]
        entries = store.audit_log(AuditQuery(kind="contacts", entity=SHARED, limit=1000))
        assert entries[0].before is None
        assert chain_is_unbroken(entries[1:], entries[0].after)
        afters = [entry.after for entry in entries]
        assert all(ack in afters for client in clients for ack in client.shared)
        assert store.self_check() == []
    served = {row["id"]: row for row in answers[0]["contacts"]}
    assert served[SHARED] == row.model_dump(mode="json")
