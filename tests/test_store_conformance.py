"""Every store operation, with the same expectations on the embedded and the Neo4j store."""

from __future__ import annotations

from datetime import date

import pytest

from graphsvc.application.importer import import_bundle
from graphsvc.domain.bundle import BundleError, canonical_dict, parse_bundle
from graphsvc.domain.model import KINDS

from samples import small

TODAY = date(2026, 11, 22)


def test_every_kind_reads_back_as_written(store):
    expected = parse_bundle(small())
    import_bundle(store, small(), today=TODAY)
    for kind in KINDS:
        assert store.read(kind) == sorted(expected.rows(kind), key=lambda r: r.id), kind
    assert store.counts() == expected.counts()


def test_values_survive_exactly(store):
    import_bundle(store, small(), today=TODAY)
    wang = store.read("contacts", ["c-wang"])[0]
    assert wang.name == "王建国"
    assert wang.emails == ["wang@example.cn", "w2@example.cn"]  # order kept
    assert wang.since == date(2025, 3, 1)
    interaction = store.read("interactions", ["i-1"])[0]
    assert interaction.at.isoformat() == "2026-11-01T02:00:00+00:00"
    assert interaction.participants == ["c-ann", "c-wang"]
    project = store.read("projects", ["p-tower"])[0]
    assert [(p.org, p.role) for p in project.organizations] == [
        ("o-build", "general contractor"),
        ("o-design", "design"),
    ]
    link = store.read("links", ["l-1"])[0]
    assert (link.weight, link.last_contact, link.channel) == (3.0, date(2026, 11, 1), "phone")


def test_read_by_ids_ignores_unknown_and_empty(store):
    import_bundle(store, small(), today=TODAY)
    assert [c.id for c in store.read("contacts", ["c-li", "nobody", "c-ann"])] == ["c-ann", "c-li"]
    assert store.read("links", []) == []
    assert store.existing_ids("organizations", {"o-old", "o-nope"}) == {"o-old"}


def test_import_twice_changes_nothing(store):
    import_bundle(store, small(), today=TODAY)
    first = canonical_dict(store.export())
    report = import_bundle(store, small(), today=TODAY)
    assert report.history_added == []
    assert canonical_dict(store.export()) == first


def test_upsert_replaces_fields_and_references(store):
    import_bundle(store, small(), today=TODAY)
    changed = {
        "stages": [{"id": "s-accept", "project": "p-tower", "name": "Acceptance", "order": 4}],
        "responsibilities": [{"id": "r-site", "stage": "s-accept", "name": "Run the site"}],
        "assignments": [{"id": "a-3", "contact": "c-wang", "responsibility": "r-approve", "raci": "C"}],
        "links": [{"id": "l-2", "source": "c-ann", "target": "c-li", "kind": "communicates", "weight": 2}],
        "projects": [{"id": "p-tower", "name": "Tower A2", "organizations": [{"org": "o-old", "role": "x"}]}],
        "interactions": [{"id": "i-2", "at": "2026-11-03T00:00:00Z", "participants": ["c-wang"], "project": "p-tower"}],
    }
    before = store.counts()
    import_bundle(store, changed, today=TODAY)
    assert store.counts() == before
    assert store.read("stages", ["s-accept"])[0].order == 4
    assert store.read("responsibilities", ["r-site"])[0].stage == "s-accept"
    a3 = store.read("assignments", ["a-3"])[0]
    assert (a3.contact, a3.responsibility, a3.raci) == ("c-wang", "r-approve", "C")
    l2 = store.read("links", ["l-2"])[0]
    assert (l2.source, l2.target, l2.kind, l2.weight) == ("c-ann", "c-li", "communicates", 2.0)
    project = store.read("projects", ["p-tower"])[0]
    assert project.name == "Tower A2" and [p.org for p in project.organizations] == ["o-old"]
    i2 = store.read("interactions", ["i-2"])[0]
    assert (i2.participants, i2.project) == (["c-wang"], "p-tower")


def test_change_of_employer_keeps_history(store):
    import_bundle(store, small(), today=TODAY)
    moved = {
        "contacts": [{"id": "c-li", "name": "李娜", "org": "o-design", "title": "Architect", "since": "2026-10-01"}]
    }
    report = import_bundle(store, moved, today=TODAY)
    assert report.history_added == ["c-li@2026-10-01"]
    li = store.read("contacts", ["c-li"])[0]
    assert (li.org, li.title, li.since) == ("o-design", "Architect", date(2026, 10, 1))
    period = store.read("contact_history", ["c-li@2026-10-01"])[0]
    assert (period.org, period.title, period.valid_to) == ("o-build", "Deputy", date(2026, 10, 1))
    # the same row again is no change: since is kept, no second period
    assert import_bundle(store, moved, today=TODAY).history_added == []


def test_change_without_date_is_dated_today(store):
    import_bundle(store, small(), today=TODAY)
    import_bundle(
        store,
        {"contacts": [{"id": "c-ann", "name": "Ann Lee", "org": "o-build", "title": "Site Manager"}]},
        today=TODAY,
    )
    ann = store.read("contacts", ["c-ann"])[0]
    assert (ann.status, ann.since) == ("active", TODAY)
    assert store.read("contact_history", [f"c-ann@{TODAY}"])[0].status == "on_leave"


def test_change_dated_before_stored_state_is_rejected(store):
    import_bundle(store, small(), today=TODAY)
    before = canonical_dict(store.export())
    early = {"contacts": [{"id": "c-wang", "name": "王建国", "org": "o-build", "since": "2024-01-01"}]}
    with pytest.raises(BundleError) as caught:
        import_bundle(store, early, today=TODAY)
    assert [(p.array, p.index, p.field) for p in caught.value.problems] == [("contacts", 0, "since")]
    assert canonical_dict(store.export()) == before


BAD_CASES = {
    "dangling reference": ({"contacts": [{"id": "x", "name": "X", "org": "o-missing"}]}, ("contacts", 0, "org")),
    "unknown RACI letter": (
        {"assignments": [{"id": "a-9", "contact": "c-li", "responsibility": "r-site", "raci": "Z"}]},
        ("assignments", 0, "raci"),
    ),
    "unknown status": ({"contacts": [{"id": "x", "name": "X", "status": "fired"}]}, ("contacts", 0, "status")),
    "duplicate id": (
        {"organizations": [{"id": "o-n", "name": "A"}, {"id": "o-n", "name": "B"}]},
        ("organizations", 1, "id"),
    ),
    "wrong type": (
        {"stages": [{"id": "s-x", "project": "p-tower", "name": "X", "order": "first"}]},
        ("stages", 0, "order"),
    ),
    "empty name": ({"organizations": [{"id": "o-e", "name": "  "}]}, ("organizations", 0, "name")),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_bundle_writes_nothing(store, case):
    import_bundle(store, small(), today=TODAY)
    before = canonical_dict(store.export())
    bad, where = BAD_CASES[case]
    bad = {**bad, "organizations": bad.get("organizations", []) + [{"id": "o-good-new", "name": "New"}]}
    with pytest.raises(BundleError) as caught:
        import_bundle(store, bad, today=TODAY)
    assert where in [(p.array, p.index, p.field) for p in caught.value.problems]
    assert canonical_dict(store.export()) == before


def test_every_problem_is_listed_at_once(store):
    bad = {
        "organizations": [{"id": "o1", "name": ""}, {"id": "o1", "name": "B", "kind": "bank"}],
        "contacts": [{"id": "c1", "name": "C", "org": "o9", "status": "gone", "phones": "123"}],
        "assignments": [{"id": "a1", "contact": "c1", "responsibility": "r9", "raci": "Q"}],
        "links": [{"id": "l1", "source": "c1", "target": "c1", "kind": "likes"}],
    }
    with pytest.raises(BundleError) as caught:
        import_bundle(store, bad, today=TODAY)
    found = {(p.array, p.index, p.field) for p in caught.value.problems}
    assert found == {
        ("organizations", 0, "name"),
        ("organizations", 1, "id"),
        ("organizations", 1, "kind"),
        ("contacts", 0, "status"),
        ("contacts", 0, "phones"),
        ("contacts", 0, "org"),
        ("assignments", 0, "raci"),
        ("assignments", 0, "responsibility"),
        ("links", 0, "kind"),
    }
    assert store.counts() == dict.fromkeys(KINDS, 0)


def test_references_may_point_at_stored_rows(store):
    import_bundle(store, small(), today=TODAY)
    import_bundle(store, {"contacts": [{"id": "c-new", "name": "New", "org": "o-build"}]}, today=TODAY)
    assert store.read("contacts", ["c-new"])[0].org == "o-build"


@pytest.mark.parametrize(
    "text",
    ["' }) DETACH DELETE n //", "`Label` $param {x}", "<img src=x onerror=alert(1)>", '"; DROP TABLE rows; --'],
)
def test_hostile_strings_are_stored_literally(store, text):
    import_bundle(store, small(), today=TODAY)
    org_id = text.replace("/", "∕")  # ids must work as URL path segments
    hostile = {
        "organizations": [{"id": org_id, "name": text, "notes": text}],
        "contacts": [{"id": "c-h", "name": text, "org": org_id, "title": text, "tags": [text]}],
    }
    import_bundle(store, hostile, today=TODAY)
    contact = store.read("contacts", ["c-h"])[0]
    assert (contact.name, contact.org, contact.title, contact.tags) == (text, org_id, text, [text])
    assert store.counts()["contacts"] == 5


def test_round_trip_within_store(store, tmp_path):
    from graphsvc.application.demo import demo_data

    import_bundle(store, demo_data(), today=TODAY)
    exported = canonical_dict(store.export())
    store.clear()
    assert store.counts() == dict.fromkeys(KINDS, 0)
    import_bundle(store, exported, today=TODAY)
    assert canonical_dict(store.export()) == exported


def test_init_schema_is_idempotent(store):
    store.init_schema()
    store.init_schema()
    store.ping()
