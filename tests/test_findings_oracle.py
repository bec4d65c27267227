"""graphsvc's findings and health against an independent oracle of README "The rules"
(tests/findings_oracle.py), on generated projects with dated plans (tests/dated_plans.py)
and on hand-written cases of issue #14, on both stores.

Findings are read as the CLI and the API read them (``project_report``); low findings of
one code may come back grouped, so group entries are flattened into their members first.
Only the codes the oracle models are compared.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from dated_plans import AS_OF, dated_project, merged
from findings_oracle import MODELLED, NAME_EVERY_CUT, Answer, Expected, oracle

from graphsvc.application.importer import import_bundle
from graphsvc.application.reports import ProjectReport, project_report

#: enough seeds to meet every rule (see test_the_seeds_cover_the_rules)
SEEDS = range(40)
DUTY_CODES = {"NO_ACCOUNTABLE", "MULTIPLE_ACCOUNTABLE", "OWNER_INACTIVE", "NO_RESPONSIBLE"}
ASSIGNMENT_CODES = {"EXPIRING_ASSIGNMENT"}
HANDOVER_CODES = {"HANDOVER_NO_PATH", "HANDOVER_SINGLE_POINT"}
STRUCTURE_CODES = {"SINGLE_POINT_OF_FAILURE", "BRIDGE_LINK"}
LINE_CODES = {"STALE_LINK"}


def flat(findings: list[Any]) -> list[Any]:
    """A grouped entry stands for its members."""
    out: list[Any] = []
    for finding in findings:
        members = getattr(finding, "members", None)
        out.extend(flat(members) if members else [finding])
    return out


def stages_of(finding: Any) -> frozenset[str]:
    listed = getattr(finding, "stages", None) or []
    return frozenset(getattr(s, "id", s) for s in listed)


def observed(finding: Any, answer: Answer) -> list[Expected]:
    """A graphsvc finding read as the oracle states it (see ``Expected.names``): a
    HANDOVER_NO_PATH naming several incoming accountables (graphsvc gives one when none of
    them can be reached) stands for one per person."""
    kinds = {"responsibility", "contact"} if finding.code in DUTY_CODES | ASSIGNMENT_CODES else {"contact"}
    ids = [s.id for s in finding.subjects if s.kind in kinds]
    people = [s.id for s in finding.subjects if s.kind == "contact"]
    stage = finding.stage.id if finding.stage is not None else None
    severity = str(getattr(finding.severity, "value", finding.severity))
    stages = stages_of(finding)
    if finding.code == "HANDOVER_NO_PATH":  # the outgoing accountables, then the incoming ones
        outgoing = answer.outgoing.get(stages, frozenset())
        return [Expected(finding.code, stage, stages, frozenset({p}), severity) for p in people if p not in outgoing]
    if finding.code == "OWNER_INACTIVE":  # the duty and its accountable; a backup may follow
        ids = [s.id for s in finding.subjects if s.kind == "responsibility"] + people[:1]
    elif finding.code == "HANDOVER_SINGLE_POINT":  # the person named, then who depends on them
        ids = people[:1]
    return [Expected(finding.code, stage, stages, frozenset(ids), severity)]


def read(report: ProjectReport, answer: Answer, codes: set[str] | frozenset[str]) -> list[Expected]:
    """The report's findings of the given codes, flattened and read as the oracle states
    them; stale lines only between two owners (the oracle models no others)."""
    got = [o for f in flat(report.findings) if f.code in codes for o in observed(f, answer)]
    return [g for g in got if g.code != "STALE_LINK" or g.names <= answer.owners]


def keys(findings: list[Expected]) -> Counter[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """The findings' keys, counted; a person named at a handover counts once (graphsvc
    gives a single point once per incoming accountable that depends on them)."""
    counted = Counter(f.key() for f in findings)
    for key in [k for k in counted if k[0] in HANDOVER_CODES]:
        counted[key] = 1
    return counted


def compare(run: str, report: ProjectReport, answer: Answer, codes: set[str]) -> list[str]:
    """Disagreements on the findings of the given codes, one line each."""
    got = read(report, answer, codes)
    want = [e for e in answer.findings if e.code in codes]
    problems: list[str] = []
    got_keys, want_keys = keys(got), keys(want)
    for key in sorted((want_keys - got_keys).elements()):
        problems.append(f"{run}: oracle has {key}, graphsvc does not")
    for key in sorted((got_keys - want_keys).elements()):
        problems.append(f"{run}: graphsvc has {key}, oracle does not")
    by_key = {g.key(): g for g in got}
    for expected in want:
        found = by_key.get(expected.key())
        if found is None:
            continue
        if expected.code in HANDOVER_CODES and found.stage not in expected.stages:
            problems.append(f"{run}: {expected.key()} is about stage {found.stage}, not one of its two")
        if expected.code in DUTY_CODES | ASSIGNMENT_CODES and found.stage != expected.stage:
            problems.append(f"{run}: {expected.key()} is about stage {found.stage}, not {expected.stage}")
        if found.stages != expected.stages if expected.exact_stages else not expected.stages <= found.stages:
            problems.append(
                f"{run}: {expected.key()} lists stages {sorted(found.stages)}, oracle {sorted(expected.stages)}"
            )
        if expected.severity is not None and found.severity != expected.severity:
            problems.append(f"{run}: {expected.key()} is {found.severity}, oracle {expected.severity}")
    return problems


def project_of(seed: int) -> str:
    return f"t{seed}-p"


#: each project is judged as of these days: before, on and after the day it is dated around
DAYS = (AS_OF - timedelta(days=30), AS_OF, AS_OF + timedelta(days=45))
#: the projects whose stage views are checked too (a report per stage)
STAGE_VIEW_SEEDS = range(8)

Runs = dict[str, tuple[ProjectReport, Answer]]
_runs: dict[str, Runs] = {}


@pytest.fixture
def generated(store) -> Runs:
    """Every seed's project in one store, judged on each of DAYS: graphsvc's report and the
    oracle's answer by "seed S as of D". Computed once per kind of store (the reports are
    plain data; later tests of that store compare them again, by other codes)."""
    if store.name not in _runs:
        projects = {seed: dated_project(seed) for seed in SEEDS}
        import_bundle(store, merged(list(projects.values())), today=AS_OF)
        _runs[store.name] = {
            f"seed {seed} as of {day}": (
                project_report(store, project_of(seed), as_of=day),
                oracle(data, project_of(seed), day),
            )
            for seed, data in projects.items()
            for day in DAYS
        }
    return _runs[store.name]


def check(generated: Runs, codes: set[str]) -> None:
    problems = [p for run, (report, answer) in generated.items() for p in compare(run, report, answer, codes)]
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems)


def test_duty_findings_agree_with_the_oracle(generated):
    check(generated, DUTY_CODES)


def test_handover_findings_agree_with_the_oracle(generated):
    check(generated, HANDOVER_CODES)


def test_structural_findings_agree_with_the_oracle(generated):
    check(generated, STRUCTURE_CODES)


def test_expiring_assignments_agree_with_the_oracle(generated):
    check(generated, ASSIGNMENT_CODES)


def test_stale_lines_between_owners_agree_with_the_oracle(generated):
    check(generated, LINE_CODES)


def test_health_agrees_with_the_oracle_and_with_the_findings(generated):
    problems = []
    for run, (report, answer) in generated.items():
        health = report.health
        robust = (health.robust_handovers.count, health.robust_handovers.total)
        single = (health.single_accountable.count, health.single_accountable.total)
        if robust != answer.robust:
            problems.append(f"{run}: robust handovers {robust}, oracle {answer.robust}")
        if single != answer.single:
            problems.append(f"{run}: single accountable {single}, oracle {answer.single}")
        # (d) a handover not robust has a finding saying why, and a finding makes it not robust
        broken = {stages_of(f) for f in flat(report.findings) if f.code in HANDOVER_CODES}
        if robust[1] - robust[0] != len(broken):
            problems.append(f"{run}: {robust[1] - robust[0]} handovers not robust, findings at {len(broken)}")
    assert not problems, "\n".join(problems)


def grouping_problems(run: str, findings: list[Any]) -> list[str]:
    """README "Grouped when low": two or more low findings of one code are one entry with
    the union of their subjects and stages and the single findings in ``members``."""
    problems = []
    low = Counter(f.code for f in findings if f.severity == "low")
    for code, count in low.items():
        if count > 1:
            problems.append(f"{run}: {count} low {code} entries, not one")
    for entry in findings:
        members = getattr(entry, "members", None) or []
        if not members:
            continue
        if len(members) < 2 or entry.severity != "low":
            problems.append(f"{run}: a {entry.severity} {entry.code} group of {len(members)}")
        if {(m.code, m.severity) for m in members} != {(entry.code, entry.severity)}:
            problems.append(f"{run}: a {entry.code} group holds {sorted({m.code for m in members})}")
        if stages_of(entry) != frozenset().union(*(stages_of(m) for m in members)):
            problems.append(f"{run}: the {entry.code} group's stages are not its members' stages")
        subjects = {(s.kind, s.id) for m in members for s in m.subjects}
        if {(s.kind, s.id) for s in entry.subjects} != subjects:
            problems.append(f"{run}: the {entry.code} group's subjects are not its members' subjects")
    return problems


def test_low_findings_of_one_code_are_one_entry(generated):
    problems = [p for run, (report, _) in generated.items() for p in grouping_problems(run, report.findings)]
    assert not problems, "\n".join(problems)


def test_a_stage_view_lists_the_findings_that_list_the_stage(store):
    """A stage's findings are those whose ``stages`` hold it, in the stage view too."""
    projects = {seed: dated_project(seed) for seed in STAGE_VIEW_SEEDS}
    import_bundle(store, merged(list(projects.values())), today=AS_OF)
    problems = []
    for seed, data in projects.items():
        answer = oracle(data, project_of(seed), AS_OF)
        anywhere = keys(answer.findings)
        for stage in data["stages"]:
            report = project_report(store, project_of(seed), stage["id"], AS_OF)
            problems += grouping_problems(f"seed {seed}, stage {stage['id']}", report.findings)
            got = keys(read(report, answer, MODELLED))
            want = keys([e for e in answer.findings if stage["id"] in e.stages])
            for key in sorted((want - got).elements()):
                problems.append(f"seed {seed}, stage {stage['id']}: oracle lists {key}, graphsvc does not")
            for key in sorted((got - want).elements()):
                if key[0] == "STALE_LINK" and key in anywhere:
                    continue  # it may belong to more stages (a handover path)
                problems.append(f"seed {seed}, stage {stage['id']}: graphsvc lists {key}, oracle does not")
    assert not problems, f"{len(problems)} disagreement(s):\n" + "\n".join(problems)


def test_the_seeds_cover_the_rules():
    """The generated projects meet every modelled code and the dated-plan situations."""
    seen: Counter[str] = Counter()
    for seed, day in ((seed, day) for seed in SEEDS for day in DAYS):
        data = dated_project(seed)
        answer = oracle(data, project_of(seed), day)
        seen.update(f.code for f in answer.findings)
        seen.update(f"{f.code}:{f.severity}" for f in answer.findings if f.code == "OWNER_INACTIVE")
        seen.update(f"{f.code}:{f.why}" for f in answer.findings if f.code == "HANDOVER_SINGLE_POINT")
        seen["checked handovers"] += answer.robust[1]
        seen["robust handovers"] += answer.robust[0]
        seen.update(f"stage {s.get('status')}" for s in data["stages"])
        seen["successor lined up"] += sum(
            1 for a in data["assignments"] if a.get("valid_from") and a["valid_from"] not in _starts(data)
        )
    wanted = set(MODELLED) | {
        "OWNER_INACTIVE:low",
        "OWNER_INACTIVE:critical",
        "OWNER_INACTIVE:high",
        "HANDOVER_SINGLE_POINT:shared",
        "HANDOVER_SINGLE_POINT:cut",
        "checked handovers",
        "robust handovers",
        "stage done",
        "stage active",
        "stage planned",
        "successor lined up",
    }
    assert wanted <= {k for k, n in seen.items() if n}, sorted(wanted - set(seen))


def _starts(data: dict[str, Any]) -> set[str]:
    return {s["start"] for s in data["stages"] if "start" in s}


# -- hand-written cases of issue #14 ------------------------------------------------------

D = date(2026, 11, 22)  # the as-of day: stage 1 active, stage 2 starts on 1 January


def two_stages() -> dict[str, Any]:
    """Stage 1 (active, up to 31 December) and stage 2 (planned, from 1 January), each with
    one duty; every assignment dated to its stage (the outgoing ones end the day the
    incoming ones start). a1/a2 work stage 1, b1/b2 stage 2; no line across yet."""

    def person(pid: str) -> dict[str, Any]:
        return {"id": pid, "name": pid.upper(), "org": "h-o", "title": "Engineer", "emails": [f"{pid}@x.org"]}

    def assign(aid: str, who: str, duty: str, letter: str, start: str, end: str) -> dict[str, Any]:
        return {"id": aid, "contact": who, "responsibility": duty, "raci": letter, "valid_from": start, "valid_to": end}

    s1, s2, s3 = "2026-10-01", "2027-01-01", "2027-04-01"
    return {
        "organizations": [{"id": "h-o", "name": "Org"}],
        "contacts": [person(p) for p in ("a1", "a2", "b1", "b2")],
        "projects": [{"id": "h-p", "name": "Hand", "organizations": [{"org": "h-o"}]}],
        "stages": [
            {
                "id": "h-s1",
                "project": "h-p",
                "name": "One",
                "order": 1,
                "status": "active",
                "start": s1,
                "end": "2026-12-31",
            },
            {
                "id": "h-s2",
                "project": "h-p",
                "name": "Two",
                "order": 2,
                "status": "planned",
                "start": s2,
                "end": "2027-03-31",
            },
        ],
        "responsibilities": [
            {"id": "h-r1", "stage": "h-s1", "name": "Duty one"},
            {"id": "h-r2", "stage": "h-s2", "name": "Duty two"},
        ],
        "assignments": [
            assign("h-x1", "a1", "h-r1", "A", s1, s2),
            assign("h-x2", "a2", "h-r1", "R", s1, s2),
            assign("h-x3", "b1", "h-r2", "A", s2, s3),
            assign("h-x4", "b2", "h-r2", "R", s2, s3),
        ],
        "links": [
            {"id": "h-l1", "source": "a1", "target": "a2", "kind": "communicates", "last_contact": "2026-11-20"},
            {"id": "h-l2", "source": "b1", "target": "b2", "kind": "communicates", "last_contact": "2026-11-20"},
        ],
    }


def link(lid: str, a: str, b: str) -> dict[str, Any]:
    return {"id": lid, "source": a, "target": b, "kind": "communicates", "last_contact": "2026-11-21"}


def report_of(store, data: dict[str, Any]) -> tuple[ProjectReport, list[tuple[str, tuple[str, ...]]]]:
    """graphsvc's report, and its modelled findings as (code, named ids)."""
    import_bundle(store, data, today=D)
    report = project_report(store, "h-p", as_of=D)
    named = sorted({o.key()[::2] for o in read(report, oracle(data, "h-p", D), MODELLED)})
    return report, named


def agrees(data: dict[str, Any], report: ProjectReport) -> None:
    """The oracle says the same on every modelled code (its own check of the case)."""
    answer = oracle(data, "h-p", D)
    disagreements = compare("hand-written", report, answer, set(MODELLED))
    assert not disagreements, "\n".join(disagreements)
    assert robust(report) == answer.robust


def robust(report: ProjectReport) -> tuple[int, int]:
    return report.health.robust_handovers.count, report.health.robust_handovers.total


def test_a_planned_duty_assigned_from_its_start_has_an_accountable(store):
    data = two_stages()
    data["links"].append(link("h-l3", "a1", "b1"))
    report, named = report_of(store, data)
    assert ("NO_ACCOUNTABLE", ("h-r2",)) not in named and ("NO_RESPONSIBLE", ("h-r2",)) not in named
    assert (report.health.single_accountable.count, report.health.single_accountable.total) == (2, 2)
    agrees(data, report)


def test_a_handover_at_a_dated_boundary_without_a_line_has_no_path(store):
    data = two_stages()
    report, named = report_of(store, data)
    assert ("HANDOVER_NO_PATH", ("b1",)) in named
    assert robust(report) == (0, 1)
    agrees(data, report)


def test_a_handover_at_a_dated_boundary_with_a_line_is_robust(store):
    data = two_stages()
    data["links"].append(link("h-l3", "a2", "b2"))
    data["links"].append(link("h-l4", "a2", "b1"))
    data["links"].append(link("h-l5", "a1", "b2"))
    report, named = report_of(store, data)
    assert not [n for n in named if n[0].startswith("HANDOVER_")]
    assert robust(report) == (1, 1)
    agrees(data, report)


def test_a_handover_through_one_person_names_them(store):
    data = two_stages()
    data["links"].append(link("h-l3", "a2", "b2"))  # a1 - a2 - b2 - b1: a2 and b2 carry it
    report, named = report_of(store, data)
    points = ["a2", "b2"] if NAME_EVERY_CUT else ["a2"]
    assert [n for n in named if n[0].startswith("HANDOVER_")] == [("HANDOVER_SINGLE_POINT", (p,)) for p in points]
    assert robust(report) == (0, 1)
    agrees(data, report)


def test_a_handover_carried_by_one_shared_accountable_is_a_single_point(store):
    data = two_stages()
    data["assignments"].append(
        {"id": "h-x5", "contact": "a1", "responsibility": "h-r2", "raci": "A", "valid_from": "2027-01-01"}
    )  # a1 is accountable on both sides; b1 reachable only through a1
    data["links"].append(link("h-l3", "a1", "b1"))
    report, named = report_of(store, data)
    assert ("HANDOVER_SINGLE_POINT", ("a1",)) in named
    assert robust(report) == (0, 1)
    agrees(data, report)


def test_one_shared_accountable_alone_on_both_sides_is_a_single_point(store):
    data = two_stages()
    data["assignments"][2]["contact"] = "a1"  # a1 accountable for both stages, nobody else
    report, named = report_of(store, data)
    assert [n for n in named if n[0].startswith("HANDOVER_")] == [("HANDOVER_SINGLE_POINT", ("a1",))]
    assert robust(report) == (0, 1)
    agrees(data, report)


def test_a_shared_accountable_with_a_line_beside_them_is_robust(store):
    data = two_stages()
    data["assignments"].append(
        {"id": "h-x5", "contact": "a1", "responsibility": "h-r2", "raci": "A", "valid_from": "2027-01-01"}
    )
    data["assignments"].append(
        {"id": "h-x6", "contact": "a2", "responsibility": "h-r1", "raci": "A", "valid_to": "2027-01-01"}
    )  # outgoing: a1, a2; incoming: a1, b1; a2 - b1 joined without a1
    data["links"] += [link("h-l3", "a1", "b1"), link("h-l4", "a2", "b1")]
    report, named = report_of(store, data)
    assert not [n for n in named if n[0].startswith("HANDOVER_")]
    assert robust(report) == (1, 1)
    agrees(data, report)


def test_the_oracle_reads_the_hand_written_cases_as_the_issue_does():
    """The oracle alone (no store) on the cases above: its readings of the rules."""

    def handovers(data: dict[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
        return sorted(e.key()[::2] for e in oracle(data, "h-p", D).findings if e.code in HANDOVER_CODES)

    data = two_stages()
    assert handovers(data) == [("HANDOVER_NO_PATH", ("b1",))]
    assert oracle(data, "h-p", D).robust == (0, 1)
    assert not [e for e in oracle(data, "h-p", D).findings if e.code == "NO_ACCOUNTABLE"]
    data["links"].append(link("h-l3", "a2", "b2"))
    points = ["a2", "b2"] if NAME_EVERY_CUT else ["a2"]
    assert handovers(data) == [("HANDOVER_SINGLE_POINT", (p,)) for p in points]
    data["links"].append(link("h-l4", "a1", "b1"))
    assert handovers(data) == [] and oracle(data, "h-p", D).robust == (1, 1)
    data = two_stages()
    data["assignments"][2]["contact"] = "a1"
    assert handovers(data) == [("HANDOVER_SINGLE_POINT", ("a1",))]
