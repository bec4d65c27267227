"""Single-entity writes, cascades, the audit trail and key records: same on both stores."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from graphsvc.application import entities
from graphsvc.application.entities import Conflict
from graphsvc.application.importer import import_bundle
from graphsvc.domain.audit import AuditQuery, Change, record
from graphsvc.domain.bundle import Bundle, BundleError, canonical_dict
from graphsvc.domain.keys import Role, issue, matches, split
from graphsvc.domain.model import Organization
from graphsvc.store.base import NotFound, StaleWrite

from samples import small

TODAY = date(2026, 11, 22)


def test_create_reads_back_and_is_audited(store):
    import_bundle(store, small(), today=TODAY)
    row = entities.create(store, "organizations", {"id": "o-new", "name": "New Co", "kind": "vendor"}, "alice")
    assert store.read("organizations", ["o-new"]) == [row]
    [entry] = store.audit_log(AuditQuery(entity="o-new"))
    assert (entry.actor, entry.operation, entry.kind, entry.before) == ("alice", "create", "organizations", None)
    assert entry.after["name"] == "New Co"


def test_create_existing_id_conflicts_and_writes_nothing(store):
    import_bundle(store, small(), today=TODAY)
    before = canonical_dict(store.export())
    with pytest.raises(Conflict, match="o-design"):
        entities.create(store, "organizations", {"id": "o-design", "name": "Again"}, "alice")
    assert canonical_dict(store.export()) == before


def test_create_bad_row_names_the_field(store):
    import_bundle(store, small(), today=TODAY)
    with pytest.raises(BundleError) as caught:
        entities.create(
            store, "assignments", {"id": "a-9", "contact": "c-nobody", "responsibility": "r-site", "raci": "X"}, "a"
        )
    fields = {p.field for p in caught.value.problems}
    assert {"contact", "raci"} <= fields


def test_patch_changes_only_given_fields_and_keeps_history(store):
    import_bundle(store, small(), today=TODAY)
    row = entities.patch(store, "contacts", "c-li", {"org": "o-design", "since": "2026-11-01"}, "bob")
    assert (row.org, row.title, row.name) == ("o-design", "Deputy", "李娜")
    [period] = store.read("contact_history", ["c-li@2026-11-01"])
    assert (period.org, period.valid_to) == ("o-build", date(2026, 11, 1))
    kinds = {(e.kind, e.entity) for e in store.audit_log(AuditQuery(actor="bob"))}
    assert kinds == {("contacts", "c-li"), ("contact_history", "c-li@2026-11-01")}


def test_replace_refuses_another_id(store):
    import_bundle(store, small(), today=TODAY)
    with pytest.raises(BundleError, match="id"):
        entities.replace(store, "organizations", "o-old", {"id": "o-other", "name": "X"}, "a")


def test_unknown_id_is_not_found(store):
    with pytest.raises(NotFound, match="c-ghost"):
        entities.patch(store, "contacts", "c-ghost", {"name": "x"}, "a")
    with pytest.raises(NotFound, match="s-ghost"):
        entities.delete(store, "stages", "s-ghost", "a")


def test_delete_referenced_row_conflicts_unless_cascade(store):
    import_bundle(store, small(), today=TODAY)
    before = canonical_dict(store.export())
    with pytest.raises(Conflict, match="responsibilities"):
        entities.delete(store, "stages", "s-build", "a")
    assert canonical_dict(store.export()) == before
    report = entities.delete(store, "stages", "s-build", "a", cascade=True)
    assert report["deleted"] == {"stages": ["s-build"], "responsibilities": ["r-site"], "assignments": ["a-2", "a-3"]}
    assert store.read("stages", ["s-build"]) == []
    assert {a.id for a in store.read("assignments")} == {"a-1"}
    # the remaining stages are still chained in order on both stores
    assert [s.id for s in store.read("stages")] == ["s-accept", "s-design"]


def test_cascade_clears_optional_and_list_references(store):
    import_bundle(store, small(), today=TODAY)
    report = entities.delete(store, "organizations", "o-build", "a", cascade=True)
    assert report["deleted"] == {"organizations": ["o-build"]}
    assert report["updated"] == {"contacts": ["c-ann", "c-li"], "projects": ["p-tower"]}
    assert store.read("contacts", ["c-ann"])[0].org is None
    assert [p.org for p in store.read("projects", ["p-tower"])[0].organizations] == ["o-design"]
    report = entities.delete(store, "contacts", "c-ann", "a", cascade=True)
    assert report["deleted"]["links"] == ["l-1", "l-2", "l-3"]
    assert store.read("interactions", ["i-1"])[0].participants == ["c-wang"]
    # audit holds the deleted rows' last values
    created, gone = store.audit_log(AuditQuery(kind="links", entity="l-1"))
    assert created.operation == "import" and gone.operation == "delete"
    assert gone.after is None and gone.before["source"] == "c-wang"


def test_leaf_delete_needs_no_cascade(store):
    import_bundle(store, small(), today=TODAY)
    assert entities.delete(store, "links", "l-2", "a") == {"deleted": {"links": ["l-2"]}, "updated": {}}
    assert [link.id for link in store.read("links")] == ["l-1", "l-3"]


def test_import_audits_changed_rows_only(store):
    import_bundle(store, small(), today=TODAY, actor="loader")
    first = store.audit_log(AuditQuery(actor="loader", limit=1000))
    assert len(first) == sum(len(v) for k, v in small().items())
    import_bundle(store, small(), today=TODAY, actor="loader")
    assert len(store.audit_log(AuditQuery(actor="loader", limit=1000))) == len(first)
    changed = small()
    changed["organizations"][2]["name"] = "Renamed"
    import_bundle(store, changed, today=TODAY, actor="loader2")
    [entry] = store.audit_log(AuditQuery(actor="loader2"))
    assert (entry.entity, entry.before["name"], entry.after["name"]) == ("o-old", "Old Employer", "Renamed")


def test_audit_filters_and_pages(store):
    import_bundle(store, small(), today=TODAY, actor="loader")
    entities.patch(store, "organizations", "o-old", {"notes": "x"}, "carol")
    later = datetime.now(UTC) + timedelta(hours=1)
    assert store.audit_log(AuditQuery(since=later)) == []
    assert [e.entity for e in store.audit_log(AuditQuery(kind="organizations", entity="o-old"))] == ["o-old", "o-old"]
    page = store.audit_log(AuditQuery(limit=3, offset=2))
    everything = store.audit_log(AuditQuery(limit=1000))
    assert page == everything[2:5]


def test_keys_are_stored_hashed_and_revocable(store):
    text, record = issue("pmo desk", Role.pmo, [], None)
    store.save_key(record)
    [stored] = store.keys()
    assert stored == record
    key_id, secret = split(text)
    assert key_id == record.id and matches(stored, secret) and not matches(stored, secret + "x")
    assert secret not in stored.model_dump_json()
    assert store.delete_key(record.id) is True
    assert store.delete_key(record.id) is False
    assert store.keys() == []


def test_unguarded_change_refuses_to_create_a_row_stored_meanwhile(store):
    """An import is computed, then someone stores one of its new rows before it lands: the
    write is refused whole (StaleWrite), and import_bundle recomputes it."""
    import_bundle(store, small(), today=TODAY)
    before = canonical_dict(store.export())
    row = Organization(id="o-race", name="Raced")
    stored_meanwhile = Organization(id="o-design", name="Renamed by the import")
    change = Change(
        upserts=Bundle(organizations=[row, stored_meanwhile]),
        audit=record("importer", "import", [("organizations", None, row), ("organizations", None, stored_meanwhile)]),
        guard=False,
    )
    with pytest.raises(StaleWrite):
        store.apply(change)
    assert canonical_dict(store.export()) == before
    assert store.audit_log(AuditQuery(actor="importer")) == []
