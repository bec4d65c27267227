"""16 clients x 150 mixed writes against one real server, on both stores.

Afterwards: every acknowledged write is what is stored (no lost updates), no id was created
twice, the contended row's audit history is one unbroken chain (each write started from
the value the previous one left), and the store passes its consistency check.
"""

from __future__ import annotations

import random
import threading
from collections import Counter

import httpx

from graphsvc.application.consistency import check
from graphsvc.application.importer import import_bundle
from graphsvc.domain.audit import AuditQuery

from audit_chain import chain_is_unbroken
from live_server import serving
from samples import small

THREADS = 16
WRITES = 150
SHARED = "c-li"  # every client edits this contact too


class Client(threading.Thread):
    """One client: its own contacts and links, plus edits of the shared contact."""

    def __init__(self, base: str, number: int):
        super().__init__()
        self.base, self.number = base, number
        self.rng = random.Random(number)
        self.contacts: dict[str, dict] = {}  # id -> last acknowledged row
        self.links: dict[str, dict] = {}
        self.statuses: Counter[int] = Counter()
        self.shared_writes = 0
        self.duplicate_refused = 0
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            with httpx.Client(base_url=self.base, timeout=120) as http:
                for i in range(WRITES):
                    self.step(http, i)
        except BaseException as exc:  # reported by the test
            self.failure = exc

    def call(self, http: httpx.Client, method: str, url: str, **kwargs) -> httpx.Response:
        response = http.request(method, url, **kwargs)
        self.statuses[response.status_code] += 1
        return response

    def step(self, http: httpx.Client, i: int) -> None:
        tag = f"t{self.number}-{i}"
        roll = self.rng.random()
        if roll < 0.35 or len(self.contacts) < 2:
            row = {"id": f"c-{tag}", "name": f"Person {tag}", "org": "o-build", "title": "engineer"}
            response = self.call(http, "POST", "/api/v1/contacts", json=row)
            assert response.status_code == 201, response.text
            self.contacts[row["id"]] = response.json()
        elif roll < 0.55:
            contact = self.rng.choice(sorted(self.contacts))
            response = self.call(http, "PATCH", f"/api/v1/contacts/{contact}", json={"title": f"title {tag}"})
            assert response.status_code == 200, response.text
            self.contacts[contact] = response.json()
        elif roll < 0.70:
            field = "title" if self.number % 2 else "notes"
            response = self.call(http, "PATCH", f"/api/v1/contacts/{SHARED}", json={field: tag})
            assert response.status_code == 200, response.text
            assert response.json()[field] == tag
            self.shared_writes += 1
        elif roll < 0.85:
            source, target = self.rng.sample(sorted(self.contacts), 2)
            row = {
                "id": f"l-{tag}",
                "source": source,
                "target": target,
                "kind": "communicates",
                "last_contact": "2026-11-01",
            }
            response = self.call(http, "POST", "/api/v1/links", json=row)
            assert response.status_code == 201, response.text
            self.links[row["id"]] = response.json()
        elif roll < 0.95:
            contact = self.rng.choice(sorted(self.contacts))
            response = self.call(http, "DELETE", f"/api/v1/contacts/{contact}", params={"cascade": "true"})
            assert response.status_code == 200, response.text
            del self.contacts[contact]
            for link_id in response.json()["deleted"].get("links", []):
                self.links.pop(link_id, None)
        else:
            contact = self.rng.choice(sorted(self.contacts))
            response = self.call(http, "POST", "/api/v1/contacts", json={"id": contact, "name": "again"})
            assert response.status_code == 409, response.text
            self.duplicate_refused += 1


def test_sixteen_clients_mixed_writes(store):
    import_bundle(store, small())
    shared_before = store.read("contacts", [SHARED])[0].model_dump(mode="json")
    with serving(store) as base:
        clients = [Client(base, n) for n in range(THREADS)]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
    for client in clients:
        assert client.failure is None, f"client {client.number}: {client.failure!r}"
    statuses = sum((c.statuses for c in clients), Counter())
    assert sum(statuses.values()) == THREADS * WRITES
    assert not [code for code in statuses if code >= 500]

    # no lost updates: every client's own rows are exactly as last acknowledged
    stored_contacts = {row.id: row.model_dump(mode="json") for row in store.read("contacts")}
    stored_links = {row.id: row.model_dump(mode="json") for row in store.read("links")}
    for client in clients:
        for contact_id, row in client.contacts.items():
            assert stored_contacts.get(contact_id) == row
        for link_id, row in client.links.items():
            assert stored_links.get(link_id) == row
        mine = {i for i in stored_contacts if i.startswith(f"c-t{client.number}-")}
        assert mine == set(client.contacts), "a deleted contact came back, or an acknowledged one is missing"

    # the contended row: one unbroken chain of all acknowledged writes, ending in what is stored
    history = store.audit_log(AuditQuery(kind="contacts", entity=SHARED, limit=100_000))
    writes = [e for e in history if e.operation == "update"]
    assert len(writes) == sum(c.shared_writes for c in clients)
    assert chain_is_unbroken(writes, shared_before)
    final = store.read("contacts", [SHARED])[0].model_dump(mode="json")
    assert final in [e.after for e in writes]

    assert sum(c.duplicate_refused for c in clients) == statuses[409]
    assert check(store) == []
