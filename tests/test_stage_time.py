"""The rules of README "Findings / The rules" on small dated plans: stage time, handovers at
stage boundaries, a shared accountable, structure only where it matters, each finding's
stages, grouping, and health counting exactly what the findings say."""

from __future__ import annotations

from datetime import date
from typing import Any

from graphsvc.analysis.findings import Severity, analyse, flat, grouped, present
from graphsvc.analysis.health import project_health
from graphsvc.analysis.view import build_view
from graphsvc.domain.bundle import parse_bundle

from scenarios import DAY, ago, codes, drop, edit, findings, healthy


def dated() -> dict[str, Any]:
    """healthy() with a planned stage s2 starting 2027-04-01, every assignment dated to its
    stage (s1's end the day before s2 starts, half-open periods)."""
    data = healthy()
    edit(data, "stages", "s1", start="2026-10-01", end="2027-03-31")
    edit(data, "stages", "s2", start="2027-04-01", end="2027-09-30")
    for row in data["assignments"]:
        if row["responsibility"] == "r1":
            row.update(valid_from="2026-10-01", valid_to="2027-04-01")
        else:
            row.update(valid_from="2027-04-01", valid_to="2027-10-01")
    return data


def health(data: dict[str, Any], day: date = DAY):
    return project_health(analyse(build_view(parse_bundle(data), "p", day)))


def test_a_planned_stage_is_judged_by_who_holds_its_duties_when_it_starts():
    data = dated()
    assert findings(data) == []  # before: "Nobody is accountable" for r2, a false HIGH
    assert health(data).single_accountable.count == 2
    # planned from its start, but nobody planned: a real vacuum
    drop(data, "assignments", "x3")
    assert "NO_ACCOUNTABLE" in codes(data)


def test_a_planned_stage_past_its_start_date_is_judged_today():
    data = dated()
    later = date(2027, 4, 10)  # s1 done by its dates; s2 past its start, still marked planned
    assert findings(data, day=later, stale_days=365) == []
    edit(data, "assignments", "x3", valid_to="2027-04-05")  # the accountable's period is over
    found = findings(data, day=later, stale_days=365)
    assert [f.severity for f in found if f.code == "NO_ACCOUNTABLE"] == [Severity.high]


def test_handovers_with_assignments_dated_to_their_stages_are_checked():
    data = dated()
    assert (health(data).robust_handovers.count, health(data).robust_handovers.total) == (1, 1)
    drop(data, "links", "l1", "l4")  # no line between the two sides
    (finding,) = [f for f in findings(data) if f.code == "HANDOVER_NO_PATH"]
    assert {"a1", "b1"} <= {s.id for s in finding.subjects}
    assert (health(data).robust_handovers.count, health(data).robust_handovers.total) == (0, 1)


def test_the_outgoing_side_is_read_on_the_last_day_of_its_stage():
    data = dated()
    # a2 takes r1 over for the last month: the handover is a2's to make, and a2 has no line
    edit(data, "assignments", "x1", valid_to="2027-03-01")
    data["assignments"].append(
        {"id": "x9", "contact": "a2", "responsibility": "r1", "raci": "A", "valid_from": "2027-03-01"}
    )
    drop(data, "links", "l4")
    (finding,) = [f for f in findings(data) if f.code == "HANDOVER_SINGLE_POINT"]
    assert finding.subjects[2].id == "a1"  # every line from a2 to b1 runs through a1


def test_one_accountable_on_both_sides_carries_the_handover_alone():
    data = dated()
    edit(data, "assignments", "x3", contact="a1")  # a1 accountable in s1 and s2
    (finding,) = [f for f in findings(data) if f.code == "HANDOVER_SINGLE_POINT"]
    assert finding.subjects[2].id == "a1" and "carries the handover alone" in finding.explanation
    assert [s.id for s in finding.stages] == ["s1", "s2"]
    assert health(data).robust_handovers.count == 0
    # a second accountable in s2 with a line of their own to the outgoing side: not alone
    data["assignments"].append(
        {"id": "x9", "contact": "b1", "responsibility": "r2", "raci": "A", "valid_from": "2027-04-01"}
    )
    data["assignments"].append(
        {"id": "x8", "contact": "a2", "responsibility": "r1", "raci": "A", "valid_from": "2026-10-01"}
    )
    assert not [f for f in findings(data) if f.code.startswith("HANDOVER")]
    assert health(data).robust_handovers.count == 1


def test_health_and_handover_findings_always_agree():
    for breakage in ([], ["l1", "l4"], ["l4"], ["l1"]):
        data = drop(dated(), "links", *breakage)
        analysis = analyse(build_view(parse_bundle(data), "p", DAY))
        handover_findings = [f for f in analysis.findings if f.code.startswith("HANDOVER")]
        share = project_health(analysis).robust_handovers
        assert share.total - share.count == (1 if handover_findings else 0), breakage


def test_a_person_hanging_on_one_line_who_owns_nothing_is_not_a_finding():
    data = healthy()
    data["contacts"].append({"id": "d1", "name": "Dan", "org": "oc", "title": "Driver"})
    data["links"].append({"id": "m1", "source": "d1", "target": "b2", "kind": "communicates", "last_contact": ago(1)})
    assert not {"SINGLE_POINT_OF_FAILURE", "BRIDGE_LINK"} & set(codes(data))
    # the same person with a duty (Informed) is cut off from the owners by b2's loss
    data["assignments"].append({"id": "x9", "contact": "d1", "responsibility": "r2", "raci": "I"})
    point = [f for f in findings(data) if f.code == "SINGLE_POINT_OF_FAILURE"]
    assert [f.subjects[0].id for f in point] == ["b2"] and point[0].severity == Severity.low
    assert [s.id for s in point[0].stages] == ["s2"]


def test_a_cut_between_owners_is_medium_and_belongs_to_their_stages():
    data = drop(healthy(), "links", "l4")  # a chain a2 - a1 - b1 - b2, all owners
    points = {f.subjects[0].id: f for f in findings(data) if f.code == "SINGLE_POINT_OF_FAILURE"}
    assert set(points) == {"a1", "b1"} and {f.severity for f in points.values()} == {Severity.medium}
    assert [s.id for s in points["a1"].stages] == ["s1"]  # cuts a2 off, a1 itself: both in s1


def test_a_stage_lists_only_the_findings_that_belong_to_it():
    data = edit(drop(healthy(), "links", "l4"), "links", "l5", last_contact=ago(30))
    every = findings(data)
    s1, s2 = present(every, "s1"), present(every, "s2")
    assert all(any(s.id == "s1" for s in f.stages) for f in flat(s1))
    assert all(any(s.id == "s2" for s in f.stages) for f in flat(s2))
    assert {f.code for f in flat(s1)} >= {"STALE_LINK"} and "STALE_LINK" not in {f.code for f in flat(s2)}
    # a done stage is not judged: nothing belongs to it but a handover out of it
    edit(data, "stages", "s1", status="done", end=ago(1))
    edit(data, "stages", "s2", status="active")
    assert present(findings(data), "s1") == []


def test_low_findings_of_one_code_are_grouped_with_their_members():
    data = edit(healthy(), "links", "l4", last_contact=ago(40))
    edit(data, "links", "l5", last_contact=ago(50))  # two stale lines between owners, off the handover
    every = findings(data)
    stale = [f for f in every if f.code == "STALE_LINK"]
    assert len(stale) == 2 and all(f.severity == Severity.low for f in stale)
    (entry,) = [f for f in grouped(every) if f.code == "STALE_LINK"]
    assert entry.members == stale and entry.explanation.startswith("2 lines")
    assert {s.id for s in entry.subjects} == {"a1", "a2", "b2", "l4", "l5"}
    assert [s.id for s in entry.stages] == ["s1", "s2"]
    assert flat(grouped(every)) == every
    # a single low finding of a code stays as it is
    edit(data, "links", "l4", last_contact=ago(1))
    assert [f.members for f in grouped(findings(data)) if f.code == "STALE_LINK"] == [[]]


def test_interactions_after_the_as_of_day_do_not_count():
    data = edit(healthy(), "links", "l5", last_contact=ago(30))
    data["interactions"] = [
        {"id": "i1", "at": "2026-11-25T09:00:00+08:00", "participants": ["a1", "a2"], "channel": "meeting"}
    ]
    assert "STALE_LINK" in codes(data)  # the meeting is three days after the as-of day
    assert "STALE_LINK" not in codes(data, day=date(2026, 11, 26))
