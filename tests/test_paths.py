"""Who-to-contact paths on small hand-made graphs: ranking, target kinds, clear errors."""

from __future__ import annotations

import pytest

from graphsvc.analysis.paths import PathError, build_directory, find_paths, hop_cost
from graphsvc.domain.bundle import parse_bundle

from scenarios import DAY, ago, drop, edit, healthy


def ask(data, source, target, k=3):
    return find_paths(build_directory(parse_bundle(data), DAY), source, target, k)


def routes(answer):
    return [[h.source.id for h in p.hops] + [p.hops[-1].target.id] if p.hops else [p.reaches.id] for p in answer.paths]


def test_direct_line_first_then_longer_routes():
    answer = ask(healthy(), "a1", "b1")
    assert routes(answer) == [["a1", "b1"], ["a1", "a2", "b2", "b1"]]
    first = answer.paths[0]
    assert first.hops[0].last_contact.isoformat() == ago(1) and first.hops[0].kinds == ["communicates"]
    assert "yesterday" in first.hops[0].reason
    assert first.cost == pytest.approx(hop_cost(3, DAY.replace(day=21), DAY), abs=1e-4)  # 1 + 1/3 + 1/180
    assert [p.rank for p in answer.paths] == [1, 2]


def test_a_strong_fresh_line_beats_a_weak_stale_one():
    data = healthy()
    edit(data, "links", "l1", weight=1, last_contact=ago(300))
    data["links"].append(
        {"id": "l9", "source": "a1", "target": "b2", "kind": "communicates", "weight": 5, "last_contact": ago(1)}
    )
    data["links"].append(
        {"id": "l10", "source": "b2", "target": "b1", "kind": "communicates", "weight": 5, "last_contact": ago(1)}
    )
    assert routes(ask(data, "a1", "b1"))[0] == ["a1", "b2", "b1"]


def test_anyone_at_an_organisation():
    answer = ask(healthy(), "a2", "org:ob", k=1)
    assert answer.target_kind == "organization" and {c.id for c in answer.candidates} == {"b1", "b2"}
    assert routes(answer) == [["a2", "b2"]]


def test_by_title():
    answer = ask(healthy(), "a1", "title:site manager", k=1)
    assert [c.id for c in answer.candidates] == ["b1"]


def test_responsibility_resolves_to_accountable_then_responsible_then_backup_then_manager():
    data = healthy()
    assert [c.id for c in ask(data, "a1", "responsibility:r2").candidates] == ["b1"]
    edit(data, "contacts", "b1", status="on_leave")
    answer = ask(data, "a1", "r2")
    assert [c.id for c in answer.candidates] == ["b2"] and "responsible" in answer.resolved_as
    drop(data, "assignments", "x4")
    data["contacts"].append({"id": "b3", "name": "Ben", "org": "ob"})
    data["links"] += [
        {"id": "bk", "source": "b3", "target": "b1", "kind": "backup_for"},
        {"id": "l8", "source": "b3", "target": "b2", "kind": "communicates", "last_contact": ago(1)},
    ]
    assert [c.id for c in ask(data, "a1", "r2").candidates] == ["b3"]
    drop(data, "links", "bk")
    data["contacts"].append({"id": "b0", "name": "Boss", "org": "ob"})
    data["links"] += [
        {"id": "up", "source": "b1", "target": "b0", "kind": "reports_to"},
        {"id": "l7", "source": "b0", "target": "b2", "kind": "communicates", "last_contact": ago(1)},
    ]
    answer = ask(data, "a1", "r2")
    assert [c.id for c in answer.candidates] == ["b0"] and "manager" in answer.resolved_as


def test_a_duty_of_a_coming_stage_resolves_to_who_holds_it_when_the_stage_starts():
    data = edit(healthy(), "stages", "s2", start="2027-04-01")
    edit(data, "assignments", "x3", valid_from="2027-04-01")  # Bo from the stage's start
    edit(data, "assignments", "x4", valid_to="2027-04-01")  # Bea until then
    answer = ask(data, "a1", "responsibility:r2")
    assert [c.id for c in answer.candidates] == ["b1"] and "accountable" in answer.resolved_as


def test_nobody_in_charge_of_a_duty_is_a_clear_error():
    data = drop(healthy(), "assignments", "x3", "x4")
    with pytest.raises(PathError, match="no one to reach") as caught:
        ask(data, "a1", "r2")
    assert caught.value.status == 422


def test_unknown_ids_are_named():
    with pytest.raises(PathError, match="unknown contact 'zz'") as caught:
        ask(healthy(), "zz", "b1")
    assert caught.value.status == 404
    with pytest.raises(PathError, match="unknown target 'nope'"):
        ask(healthy(), "a1", "nope")
    with pytest.raises(PathError, match="unknown organization 'nope'"):
        ask(healthy(), "a1", "org:nope")


def test_ambiguous_bare_id_asks_which():
    data = healthy()
    data["organizations"].append({"id": "b1", "name": "Also b1"})
    with pytest.raises(PathError, match="ambiguous target 'b1'"):
        ask(data, "a1", "b1")
    assert ask(data, "a1", "contact:b1").target_kind == "contact"


def test_no_path_names_the_blocker_and_the_nearest_reachable_people():
    data = drop(healthy(), "links", "l1", "l4")
    data["contacts"].append({"id": "c1", "name": "Chen", "org": "oc", "status": "left"})
    data["links"] += [
        {"id": "m1", "source": "a1", "target": "c1", "kind": "communicates", "last_contact": ago(1)},
        {"id": "m2", "source": "c1", "target": "b1", "kind": "communicates", "last_contact": ago(1)},
    ]
    with pytest.raises(PathError) as caught:
        ask(data, "a2", "b1")
    assert caught.value.status == 422
    assert "run through Chen, who has left" in str(caught.value)
    assert [n.id for n in caught.value.nearest] == ["a1", "a2"]


def test_no_line_at_all():
    data = drop(healthy(), "links", "l1", "l4")
    with pytest.raises(PathError, match="nobody they can reach") as caught:
        ask(data, "a1", "b1")
    assert [n.id for n in caught.value.nearest] == ["a2"]


def test_inactive_source_or_target():
    data = edit(healthy(), "contacts", "b1", status="left")
    with pytest.raises(PathError, match="Bo has left"):
        ask(data, "a1", "b1")
    with pytest.raises(PathError, match="their lines do not carry communication"):
        ask(data, "b1", "a1")


def test_asking_for_yourself():
    answer = ask(healthy(), "a1", "a1")
    assert routes(answer) == [["a1"]] and answer.paths[0].cost == 0
