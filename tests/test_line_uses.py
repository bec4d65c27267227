"""Lines from interactions (issue 17, item 1): the rule, and the line uses the stores keep.

Every pair who were in touch by a day has a ``communicates`` line that day, its strength
the sum of its uses each halved per half-life of age (README "Lines from interactions").
Both stores keep the uses per pair and day as interactions are written, replaced and
deleted, and the kept uses always equal those counted from the stored log.
"""

from __future__ import annotations

from datetime import date, timedelta

import networkx as nx
import pytest

from graphsvc.analysis.interactions import derived_lines, line_uses
from graphsvc.application.importer import import_bundle
from graphsvc.application.reports import DirectoryCache, contact_paths
from graphsvc.domain.audit import Change
from graphsvc.domain.bundle import Bundle
from graphsvc.domain.model import Interaction

DAY = date(2026, 11, 22)


def at(days_ago: int) -> str:
    return f"{DAY - timedelta(days=days_ago)}T09:00:00+00:00"


def people(*ids: str) -> dict:
    return {"contacts": [{"id": cid, "name": cid.upper()} for cid in ids]}


def mail(iid: str, sender: str, to: list[str], days_ago: int) -> dict:
    return {"id": iid, "at": at(days_ago), "participants": [sender, *to], "channel": "email", "sender": sender}


def meeting(iid: str, who: list[str], days_ago: int) -> dict:
    return {"id": iid, "at": at(days_ago), "participants": who, "channel": "meeting"}


# -- the rule -------------------------------------------------------------------------------


def test_strength_halves_every_half_life_and_ignores_what_came_later():
    log = [
        Interaction.model_validate(mail("i1", "a", ["b"], 0)),
        Interaction.model_validate(mail("i2", "a", ["b"], 90)),
        Interaction.model_validate(mail("i3", "b", ["a"], 180)),
        Interaction.model_validate(mail("i4", "a", ["b"], -5)),  # after the day: not known yet
    ]
    (line,) = derived_lines(line_uses(log), DAY, half_life=90).values()
    assert line.last == DAY and line.uses == 3
    assert line.strength == pytest.approx(1 + 0.5 + 0.25)
    (longer,) = derived_lines(line_uses(log), DAY, half_life=180).values()
    assert longer.strength == pytest.approx(1 + 0.5**0.5 + 0.5)


def test_an_email_makes_lines_from_its_sender_a_meeting_between_everyone():
    log = [
        Interaction.model_validate(mail("i1", "a", ["b", "c"], 1)),
        Interaction.model_validate(meeting("i2", ["d", "e", "f"], 2)),
    ]
    lines = derived_lines(line_uses(log), DAY, half_life=90)
    pairs = {tuple(sorted(pair)) for pair in lines}
    assert pairs == {("a", "b"), ("a", "c"), ("d", "e"), ("d", "f"), ("e", "f")}


# -- paths over lines nobody entered --------------------------------------------------------


def test_two_people_who_only_emailed_are_reached_over_their_line(store):
    data = people("a", "b", "c")
    data["interactions"] = [mail(f"m{n}", "a", ["b"], n) for n in range(5)] + [mail("x", "b", ["c"], 200)]
    import_bundle(store, data, today=DAY)
    answer = contact_paths(store, "a", "c", k=2, as_of=DAY, cache=DirectoryCache())
    (best,) = answer.paths
    assert [hop.target.id for hop in best.hops] == ["b", "c"]
    assert best.hops[0].last_contact == DAY and best.hops[1].last_contact == DAY - timedelta(days=200)
    assert best.hops[0].weight == pytest.approx(sum(0.5 ** (n / 90) for n in range(5)))


def test_an_entered_link_and_the_log_combine_to_the_larger_weight_and_the_later_contact(store):
    data = people("a", "b")
    data["links"] = [
        {"id": "l1", "source": "a", "target": "b", "kind": "communicates", "weight": 2, "last_contact": str(DAY)}
    ]
    data["interactions"] = [mail("m1", "a", ["b"], 30)]
    import_bundle(store, data, today=DAY)
    (hop,) = contact_paths(store, "a", "b", as_of=DAY, cache=DirectoryCache()).paths[0].hops
    assert (hop.weight, hop.last_contact, hop.links) == (2, DAY, ["l1"])
    more = {"interactions": [mail(f"n{n}", "b", ["a"], 0) for n in range(3)]}
    import_bundle(store, more, today=DAY)
    (hop,) = contact_paths(store, "a", "b", as_of=DAY, cache=DirectoryCache()).paths[0].hops
    assert hop.weight == pytest.approx(3 + 0.5 ** (30 / 90))


# -- the kept uses follow every write -------------------------------------------------------


def counted(store) -> dict:
    return line_uses(store.read("interactions"))


def test_the_kept_line_uses_follow_writes_replacements_and_deletions(store):
    data = people("a", "b", "c", "d")
    data["interactions"] = [
        mail("m1", "a", ["b", "c"], 3),
        meeting("m2", ["b", "c", "d"], 3),
        mail("m3", "a", ["b"], 3),
    ]
    import_bundle(store, data, today=DAY)
    kept = store.line_uses()
    assert kept == counted(store) and kept[frozenset("ab")] == {DAY - timedelta(days=3): 2}
    # replaced: m1 now goes from d to a only; deleted: m3
    store.apply(Change(upserts=Bundle(interactions=[mail("m1", "d", ["a"], 1)]), deletes={"interactions": {"m3"}}))
    kept = store.line_uses()
    assert kept == counted(store)
    assert frozenset("ab") not in kept and frozenset("ac") not in kept
    assert kept[frozenset("ad")] == {DAY - timedelta(days=1): 1}
    assert store.self_check() == []
    store.apply(Change(deletes={"interactions": {"m1", "m2"}}))
    assert store.line_uses() == {} == counted(store)


def test_a_neo4j_database_written_before_line_uses_were_kept_gets_them_on_opening(neo4j_store):
    data = people("a", "b", "c")
    data["interactions"] = [meeting("m1", ["a", "b", "c"], 2)]
    import_bundle(neo4j_store, data, today=DAY)
    neo4j_store._query("clear_line_uses")
    assert neo4j_store.line_uses() == {} and neo4j_store.self_check()  # db check notices
    neo4j_store.init_schema()
    assert neo4j_store.line_uses() == counted(neo4j_store) != {}
    assert neo4j_store.self_check() == []


def test_the_embedded_store_reopened_keeps_the_same_line_uses(tmp_path):
    from graphsvc.store.embedded import EmbeddedStore

    path = tmp_path / "g.sqlite3"
    with EmbeddedStore(path) as first:
        data = people("a", "b", "c")
        data["interactions"] = [meeting("m1", ["a", "b", "c"], 2), mail("m2", "a", ["c"], 1)]
        import_bundle(first, data, today=DAY)
        before = first.line_uses()
    with EmbeddedStore(path) as again:
        assert again.line_uses() == before != {}


def test_a_scoped_view_counts_only_the_interactions_it_may_see(store):
    from graphsvc.application.access import Principal, ScopedStore
    from graphsvc.domain.keys import Role

    data = people("a", "b", "c")
    data["organizations"] = [{"id": "o", "name": "O"}]
    data["projects"] = [
        {"id": "p", "name": "P", "organizations": [{"org": "o"}]},
        {"id": "q", "name": "Q", "organizations": [{"org": "o"}]},
    ]
    for contact in data["contacts"]:
        contact["org"] = "o"
    data["interactions"] = [
        {**meeting("m1", ["a", "b"], 1), "project": "p"},
        {**meeting("m2", ["a", "c"], 1), "project": "q"},
    ]
    import_bundle(store, data, today=DAY)
    view = ScopedStore(store, Principal(name="k", role=Role.manager, projects=frozenset({"p"}), org=None))
    assert set(view.line_uses()) == {frozenset("ab")}
    assert set(store.line_uses()) == {frozenset("ab"), frozenset("ac")}


def test_the_directory_equals_a_graph_built_from_the_log_by_hand(store):
    """An oracle: networkx graph of the same pairs with the documented strength."""
    ids = [f"p{n:02d}" for n in range(12)]
    data = people(*ids)
    log = []
    for n in range(60):
        sender, to = ids[(n * 7) % 12], [ids[(n * 5 + 1) % 12], ids[(n * 3 + 2) % 12]]
        to = [t for t in to if t != sender]
        log.append(
            mail(f"m{n}", sender, sorted(set(to)), n * 3) if n % 4 else meeting(f"m{n}", sorted({sender, *to}), n * 3)
        )
    data["interactions"] = log
    import_bundle(store, data, today=DAY)
    oracle = nx.Graph()
    for row in log:
        held = (DAY - date.fromisoformat(row["at"][:10])).days
        who = row["participants"]
        pairs = (
            [(row["sender"], p) for p in who if p != row["sender"]]
            if row["channel"] == "email"
            else [(x, y) for i, x in enumerate(who) for y in who[i + 1 :]]
        )
        for x, y in pairs:
            weight = oracle.get_edge_data(x, y, {"w": 0.0})["w"] + 0.5 ** (held / 90)
            oracle.add_edge(x, y, w=weight)
    directory = DirectoryCache().get(store, DAY)
    assert {frozenset(e) for e in directory.graph.edges} == {frozenset(e) for e in oracle.edges}
    for x, y, w in oracle.edges(data="w"):
        assert directory.graph.edges[x, y]["weight"] == pytest.approx(w)


# -- the half-life is a setting -------------------------------------------------------------


@pytest.fixture
def cli(embedded_cli):
    from graphsvc.analysis.interactions import HALF_LIFE_DAYS, use_half_life

    yield embedded_cli
    use_half_life(HALF_LIFE_DAYS)  # a process setting: leave it as the other tests expect


def test_the_half_life_comes_from_the_settings_and_a_bad_one_is_refused(cli, tmp_path, monkeypatch):
    import json

    data = people("a", "b")
    data["interactions"] = [mail("m1", "a", ["b"], 90)]
    bundle = tmp_path / "b.json"
    bundle.write_text(json.dumps(data), encoding="utf-8")
    assert cli("import", str(bundle)).exit_code == 0

    def weight() -> float:
        done = cli("path", "a", "b", "--as-of", str(DAY), "--json")
        assert done.exit_code == 0, done.output
        return json.loads(done.stdout)["paths"][0]["hops"][0]["weight"]

    assert weight() == pytest.approx(0.5)
    monkeypatch.setenv("GRAPHSVC_HALF_LIFE_DAYS", "45")
    assert weight() == pytest.approx(0.25)
    monkeypatch.setenv("GRAPHSVC_HALF_LIFE_DAYS", "0")
    refused = cli("path", "a", "b")
    assert refused.exit_code == 2 and "GRAPHSVC_HALF_LIFE_DAYS" in refused.output


def test_a_neo4j_process_sees_the_line_uses_another_process_wrote(neo4j_store, neo4j_uri):
    """Each Neo4j store object keeps the uses it read and moves them by its own writes; a
    write by another one (another process) makes it read them again."""
    from conftest import make_neo4j_store

    data = people("a", "b", "c")
    data["interactions"] = [meeting("m1", ["a", "b"], 2)]
    import_bundle(neo4j_store, data, today=DAY)
    assert set(neo4j_store.line_uses()) == {frozenset("ab")}
    other = make_neo4j_store(neo4j_uri)
    try:
        import_bundle(other, {"interactions": [mail("m2", "c", ["a"], 1)]}, today=DAY)
        neo4j_store._version_memo = (0.0, None)  # past the data version's few hundred ms of memory
        assert set(neo4j_store.line_uses()) == {frozenset("ab"), frozenset("ac")} == set(counted(neo4j_store))
        # and our own write moves what we keep without reading it all again
        import_bundle(neo4j_store, {"interactions": [mail("m3", "b", ["c"], 0)]}, today=DAY)
        assert neo4j_store.line_uses() == counted(neo4j_store)
        assert neo4j_store._uses_cache is not None and neo4j_store._uses_cache[0] == neo4j_store.data_version()
    finally:
        other.close()


def test_a_neo4j_process_reads_only_what_another_process_moved(neo4j_store, neo4j_uri):
    """After another process's write, a store object moves its copy of the uses by what
    changed since it (``USED_LINE.v``) instead of reading them all: the pairs nobody touched
    are the very objects of its earlier answer. Additions, replacements and deletions of
    interactions move the copy; a deleted contact (its lines go without a trace) and a
    rebuild make it read all again. Every answer equals a recount of the log."""
    from conftest import make_neo4j_store

    def fresh() -> dict:
        neo4j_store._version_memo = (0.0, None)  # past the data version's few hundred ms of memory
        kept = neo4j_store.line_uses()
        assert kept == counted(neo4j_store)
        return kept

    data = people("a", "b", "c", "d", "e")
    data["interactions"] = [meeting("m1", ["a", "b"], 5), mail("m2", "c", ["d"], 4), mail("m3", "a", ["e"], 3)]
    import_bundle(neo4j_store, data, today=DAY)
    before = fresh()
    other = make_neo4j_store(neo4j_uri)
    try:
        import_bundle(other, {"interactions": [mail("m4", "b", ["c"], 1)]}, today=DAY)  # added
        after = fresh()
        assert after[frozenset("ab")] is before[frozenset("ab")] and frozenset("bc") in after
        other.apply(Change(upserts=Bundle(interactions=[mail("m2", "c", ["e"], 4)])))  # replaced: c-d becomes c-e
        after = fresh()
        assert frozenset("cd") not in after and frozenset("ce") in after
        assert after[frozenset("ab")] is before[frozenset("ab")]
        other.apply(Change(deletes={"interactions": {"m3"}}))  # deleted: a-e gone
        after = fresh()
        assert frozenset("ae") not in after and after[frozenset("ab")] is before[frozenset("ab")]
        other.apply(Change(deletes={"contacts": {"e"}, "interactions": {"m2"}}))  # a contact deleted: read all
        after = fresh()
        assert after[frozenset("ab")] is not before[frozenset("ab")] and all("e" not in pair for pair in after)
        again = fresh()
        other.rebuild_line_uses()  # counted again: read all
        assert fresh()[frozenset("ab")] is not again[frozenset("ab")]
    finally:
        other.close()
