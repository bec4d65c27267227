"""Each finding code on small hand-made projects: when it must fire, and when it must not."""

from __future__ import annotations

from datetime import date

from scenarios import DAY, ago, codes, drop, edit, findings, healthy


def only(data, code, **limits):
    found = [f for f in findings(data, **limits) if f.code == code]
    assert found, f"{code} did not fire; got {codes(data, **limits)}"
    return found


def test_a_healthy_project_has_no_findings():
    assert findings(healthy()) == []


# -- responsibilities -------------------------------------------------------------------


def test_no_accountable_in_active_stage_is_critical():
    data = drop(healthy(), "assignments", "x1")
    (finding,) = only(data, "NO_ACCOUNTABLE")
    assert finding.severity == "critical" and finding.stage.id == "s1"
    assert [s.id for s in finding.subjects] == ["r1"]
    assert finding.subjects[0].name == "Approve drawings"
    assert "a2" in [c.id for c in finding.candidates]  # same stage team, linked


def test_no_accountable_in_planned_stage_is_high_and_done_stage_is_not_judged():
    data = drop(healthy(), "assignments", "x3")
    assert [f.severity for f in only(data, "NO_ACCOUNTABLE")] == ["high"]
    edit(data, "stages", "s2", status="done")
    assert "NO_ACCOUNTABLE" not in codes(data)


def test_multiple_accountable():
    data = healthy()
    data["assignments"].append({"id": "x9", "contact": "a2", "responsibility": "r1", "raci": "A"})
    (finding,) = only(data, "MULTIPLE_ACCOUNTABLE")
    assert {s.id for s in finding.subjects} == {"r1", "a1", "a2"}


def test_second_accountable_on_leave_is_not_multiple():
    data = healthy()
    data["assignments"].append({"id": "x9", "contact": "b2", "responsibility": "r1", "raci": "A"})
    edit(data, "contacts", "b2", status="on_leave")
    assert "MULTIPLE_ACCOUNTABLE" not in codes(data)
    assert "OWNER_INACTIVE" in codes(data)


def test_no_responsible():
    data = drop(healthy(), "assignments", "x2")
    (finding,) = only(data, "NO_RESPONSIBLE")
    assert finding.severity == "medium" and finding.subjects[0].id == "r1"


def test_owner_who_left_without_backup_is_critical():
    data = edit(healthy(), "contacts", "a1", status="left")
    (finding,) = only(data, "OWNER_INACTIVE")
    assert finding.severity == "critical"
    assert "Alice" in finding.explanation and "has left" in finding.explanation
    assert "a2" in [c.id for c in finding.candidates]  # same organisation


def test_owner_on_leave_with_active_backup_is_a_low_warning_naming_the_backup():
    data = edit(healthy(), "contacts", "a1", status="on_leave")
    data["links"].append({"id": "bk", "source": "a2", "target": "a1", "kind": "backup_for"})
    (finding,) = only(data, "OWNER_INACTIVE")
    assert finding.severity == "low"
    assert "Adam stands in as backup" in finding.explanation
    assert "a2" in [s.id for s in finding.subjects]


def test_backup_who_is_away_too_does_not_cover():
    data = edit(healthy(), "contacts", "a1", status="on_leave")
    edit(data, "contacts", "a2", status="on_leave")
    data["links"].append({"id": "bk", "source": "a2", "target": "a1", "kind": "backup_for"})
    assert [f.severity for f in only(data, "OWNER_INACTIVE")] == ["critical"]


def test_owner_org_no_longer_engaged():
    data = healthy()
    data["projects"][0]["organizations"][0]["valid_to"] = ago(10)
    found = only(data, "OWNER_ORG_NOT_ENGAGED")
    assert [f.subjects[1].id for f in found] == ["a1"]
    assert "Client Co no longer takes part" in found[0].explanation
    # engaged on a day before the participation ended: no finding
    assert "OWNER_ORG_NOT_ENGAGED" not in codes(data, day=date(2026, 11, 1))


def test_overloaded_owner():
    data = healthy()
    for i in range(6):
        data["responsibilities"].append({"id": f"rx{i}", "stage": "s1", "name": f"Duty {i}"})
        data["assignments"].append({"id": f"ax{i}", "contact": "a1", "responsibility": f"rx{i}", "raci": "A"})
        data["assignments"].append({"id": f"rr{i}", "contact": "a2", "responsibility": f"rx{i}", "raci": "R"})
    (finding,) = only(data, "OVERLOADED_OWNER")
    assert finding.subjects[0].id == "a1" and "7 duties" in finding.explanation
    assert "OVERLOADED_OWNER" not in codes(data, overload=7)


def test_assignment_ending_before_its_stage_ends():
    data = edit(healthy(), "assignments", "x1", valid_to="2027-01-31")
    (finding,) = only(data, "EXPIRING_ASSIGNMENT")
    assert finding.subjects[1].id == "a1" and "Jan 31, 2027" in finding.explanation


def test_assignment_ending_after_the_stage_or_with_a_successor_does_not_fire():
    data = edit(healthy(), "assignments", "x1", valid_to="2027-05-01")
    assert "EXPIRING_ASSIGNMENT" not in codes(data)
    data = edit(healthy(), "assignments", "x1", valid_to="2027-01-31")
    data["assignments"].append(
        {"id": "x9", "contact": "a2", "responsibility": "r1", "raci": "A", "valid_from": "2027-01-31"}
    )
    assert "EXPIRING_ASSIGNMENT" not in codes(data)


def test_history_answers_as_of_a_past_day():
    data = healthy()
    edit(data, "contacts", "a1", since="2026-10-01")
    data["contact_history"] = [
        {
            "id": "h1",
            "contact": "a1",
            "org": "oa",
            "title": "Director",
            "status": "on_leave",
            "valid_from": "2026-08-01",
            "valid_to": "2026-10-01",
        }
    ]
    assert "OWNER_INACTIVE" not in codes(data)
    assert "OWNER_INACTIVE" in codes(data, day=date(2026, 9, 1))


# -- communication ----------------------------------------------------------------------


def test_owners_who_talk_directly_have_no_handover_finding():
    assert not [c for c in codes(healthy()) if c.startswith("HANDOVER")]


def test_handover_with_no_working_line():
    data = drop(healthy(), "links", "l1", "l4")
    (finding,) = only(data, "HANDOVER_NO_PATH")
    assert finding.severity == "critical" and finding.stage.id == "s2"
    assert {"s1", "s2", "a1", "b1"} <= {s.id for s in finding.subjects}


def test_a_line_through_someone_who_left_does_not_count():
    data = drop(healthy(), "links", "l1", "l4")
    data["contacts"].append({"id": "c1", "name": "Chen", "org": "oc", "status": "left"})
    data["links"] += [
        {"id": "m1", "source": "a1", "target": "c1", "kind": "communicates", "last_contact": ago(1)},
        {"id": "m2", "source": "c1", "target": "b1", "kind": "communicates", "last_contact": ago(1)},
    ]
    assert "HANDOVER_NO_PATH" in codes(data)
    edit(data, "contacts", "c1", status="active")
    assert "HANDOVER_NO_PATH" not in codes(data)


def test_handover_through_one_person():
    data = drop(healthy(), "links", "l1", "l4")
    data["contacts"].append({"id": "c1", "name": "Chen", "org": "oc", "title": "Consultant"})
    data["links"] += [
        {"id": "m1", "source": "a1", "target": "c1", "kind": "communicates", "last_contact": ago(1)},
        {"id": "m2", "source": "c1", "target": "b1", "kind": "communicates", "last_contact": ago(1)},
    ]
    (finding,) = only(data, "HANDOVER_SINGLE_POINT")
    assert finding.subjects[2].id == "c1" and "runs through Chen" in finding.explanation
    # a second, independent route removes it
    data["links"].append({"id": "m3", "source": "a2", "target": "b2", "kind": "communicates", "last_contact": ago(1)})
    assert "HANDOVER_SINGLE_POINT" not in codes(data)


def test_single_point_of_failure_and_bridge_link():
    data = drop(healthy(), "links", "l4")  # the ring becomes a chain a2 - a1 - b1 - b2
    points = {f.subjects[0].id: f for f in only(data, "SINGLE_POINT_OF_FAILURE")}
    assert set(points) == {"a1", "b1"}
    assert [[s.id for s in g] for g in points["a1"].groups] == [["b1", "b2"], ["a2"]]
    bridges = only(data, "BRIDGE_LINK")
    # a2 - a1 and b1 - b2 cut off one person each, whom the single points a1 and b1 name
    assert {tuple(s.id for s in f.subjects[:2]) for f in bridges} == {("a1", "b1")}


def test_a_ring_has_no_single_point():
    assert not {"SINGLE_POINT_OF_FAILURE", "BRIDGE_LINK"} & set(codes(healthy()))


def test_stale_link_between_owners():
    data = edit(healthy(), "links", "l5", last_contact=ago(30))
    (finding,) = only(data, "STALE_LINK")
    assert {s.id for s in finding.subjects} == {"a1", "a2", "l5"} and "30 days ago" in finding.explanation
    assert "STALE_LINK" not in codes(data, stale_days=30)


def test_stale_link_on_a_handover_path_is_medium():
    data = edit(healthy(), "links", "l1", last_contact=ago(40))
    (finding,) = only(data, "STALE_LINK")
    assert finding.severity == "medium" and "handover" in finding.explanation


def test_a_link_used_yesterday_per_the_interaction_log_is_fresh():
    data = edit(healthy(), "links", "l1", last_contact=ago(40))
    data["interactions"] = [{"id": "i1", "at": f"{ago(1)}T09:00:00", "participants": ["a1", "b1"]}]
    assert "STALE_LINK" not in codes(data)
    # a meeting logged after the day judged does not count
    data["interactions"][0]["at"] = "2026-12-01T09:00:00"
    assert "STALE_LINK" in codes(data)


def test_org_silo_on_a_shared_duty():
    data = drop(healthy(), "links", "l1", "l4")
    data["assignments"].append({"id": "x9", "contact": "b2", "responsibility": "r1", "raci": "C"})
    (finding,) = only(data, "ORG_SILO")
    assert [s.id for s in finding.subjects] == ["oa", "ob", "r1"] and finding.stage.id == "s1"
    data["links"].append({"id": "m1", "source": "a2", "target": "b2", "kind": "communicates", "last_contact": ago(1)})
    assert "ORG_SILO" not in codes(data)


def test_isolated_owner():
    data = drop(healthy(), "links", "l3", "l4")
    (finding,) = only(data, "ISOLATED_OWNER")
    assert finding.subjects[0].id == "b2"


def test_findings_are_ranked_by_severity():
    data = edit(drop(healthy(), "assignments", "x2"), "contacts", "a1", status="left")
    ranks = [f.severity.rank for f in findings(data)]
    assert ranks == sorted(ranks) and ranks[0] == 0


def test_every_finding_names_its_subjects_and_explains():
    data = edit(drop(healthy(), "links", "l4"), "contacts", "b1", status="left")
    for finding in findings(data):
        assert finding.explanation.endswith(".") and finding.remedy
        assert all(s.id and s.name for s in finding.subjects)
        assert finding.project.id == "p" and finding.project.name == "Tower"


def test_day_is_used_not_today():
    data = edit(healthy(), "links", "l1", last_contact="2026-11-20")
    assert "STALE_LINK" not in codes(data, day=DAY)
    assert "STALE_LINK" in codes(data, day=date(2027, 1, 1))


def test_health_when_a_stage_has_no_active_owner():
    from graphsvc.analysis.findings import analyse
    from graphsvc.analysis.health import project_health
    from graphsvc.analysis.view import build_view
    from graphsvc.domain.bundle import parse_bundle

    data = edit(healthy(), "contacts", "a1", status="left")
    health = project_health(analyse(build_view(parse_bundle(data), "p", DAY)))
    # nobody accountable on the outgoing side: the handover is not checked, and not counted
    assert (health.robust_handovers.count, health.robust_handovers.total) == (0, 0)
    assert health.single_accountable.count == 1  # r2 only
