"""The embedded store's graph mirror is brought up to date on first use after writes: it
must end up exactly as a store freshly opened from the same file builds it, whatever
writes (imports, edits, moves of stages, deletes) happened since it was last used."""

from __future__ import annotations

from datetime import date

from graphsvc.application import entities
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.lifecycle import leave
from graphsvc.store.embedded import EmbeddedStore

TODAY = date(2026, 11, 22)


def _shape(store: EmbeddedStore) -> tuple[dict, set]:
    graph = store.graph
    nodes = {node: data.get("row") for node, data in graph.nodes(data=True)}
    edges = {(u, v, key) for u, v, key in graph.edges(keys=True)}
    return nodes, edges


def _next_edges_from_rows(store: EmbeddedStore) -> set:
    """NEXT as the rows define it: consecutive stages of each project by order."""
    by_project: dict[str, list] = {}
    for stage in store.read("stages"):
        by_project.setdefault(stage.project, []).append(stage)
    expected = set()
    for stages in by_project.values():
        stages.sort(key=lambda s: s.order)
        expected.update((("Stage", a.id), ("Stage", b.id), ("NEXT", "")) for a, b in zip(stages, stages[1:]))
    return expected


def _writes(store: EmbeddedStore) -> None:
    """Imports, edits, a stage moved between projects, deletes with and without cascade."""
    import_bundle(store, demo_data(), today=TODAY)
    projects = [p.id for p in store.read("projects")]
    stage = store.read("stages")[0]
    other = next(p for p in projects if p != stage.project)
    entities.patch(store, "stages", stage.id, {"project": other, "order": 99}, "t")
    contact = next(c for c in store.read("contacts") if c.status == "active")
    entities.patch(store, "contacts", contact.id, {"title": "Changed", "since": "2026-11-01"}, "t")
    link = store.read("links")[0]
    entities.delete(store, "links", link.id, "t")
    duty = store.read("responsibilities")[0]
    entities.delete(store, "responsibilities", duty.id, "t", cascade=True)
    org = store.read("organizations")[-1]
    entities.delete(store, "organizations", org.id, "t", cascade=True)
    successor = next(c for c in store.read("contacts") if c.status == "active" and c.id != contact.id)
    leave(store, contact.id, TODAY, successor.id, "t")


def test_mirror_after_many_writes_equals_a_fresh_load(tmp_path):
    path = tmp_path / "store.sqlite"
    store = EmbeddedStore(path)
    _writes(store)  # the graph is not used in between: every write is still pending
    assert store.self_check() == []
    fresh = EmbeddedStore(path)
    assert _shape(store) == _shape(fresh)
    assert {e for e in _shape(store)[1] if e[2][0] == "NEXT"} == _next_edges_from_rows(store)
    store.close()
    fresh.close()


def test_mirror_used_between_writes_ends_the_same(tmp_path):
    lazy = EmbeddedStore(tmp_path / "lazy.sqlite")
    eager = EmbeddedStore(tmp_path / "eager.sqlite")
    _writes(lazy)
    original = eager.apply

    def apply_then_use(change):
        original(change)
        eager.graph  # noqa: B018 - mirror every write as soon as it is made

    eager.apply = apply_then_use
    _writes(eager)
    assert _shape(lazy) == _shape(eager)
    assert eager.self_check() == []
