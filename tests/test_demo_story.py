"""The demo keeps its story: every planted problem is reported by the finding its README
names, on any load day, on both stores, with at most half the entries of the old rules
(91 on the scenario day), and the demo README's generated parts are current."""

from __future__ import annotations

from datetime import date

import pytest

from graphsvc.analysis.findings import Finding, flat, present, project_findings
from graphsvc.analysis.view import build_view
from graphsvc.application.demo import SCENARIO_DAY, build_demo, demo_data_on
from graphsvc.application.importer import import_bundle
from graphsvc.application.reports import project_report
from graphsvc.domain.bundle import parse_bundle

LOAD_DAYS = [SCENARIO_DAY, date(2027, 3, 1), date(2028, 2, 29), date(2031, 7, 15)]
#: entries `graphsvc findings` listed for the two demo projects under the old rules
OLD_COUNT = 91
BUILDERS = build_demo.build()
PLANTED = [(b.project_id, text, reported) for b in BUILDERS.values() for text, _, reported in b.problems if reported]


def missing(findings: list[Finding], project_id: str) -> list[str]:
    """The planted problems of a project no finding reports as its README says."""
    out = []
    for pid, text, (code, *ids) in PLANTED:
        if pid != project_id:
            continue
        named = [{s.id for s in f.subjects} | {s.id for s in f.stages} for f in flat(findings) if f.code == code]
        if not any(set(ids) <= found for found in named):
            out.append(f"{code} {ids}: {text}")
    return out


def test_every_plant_says_which_finding_reports_it():
    assert len(PLANTED) == 19
    unreported = [text for b in BUILDERS.values() for text, _, reported in b.problems if not reported]
    assert all(text.startswith(("Dirty data", "Change of employer")) for text in unreported)


@pytest.mark.parametrize("day", LOAD_DAYS, ids=str)
def test_every_planted_problem_is_reported_on_any_load_day(day):
    bundle = parse_bundle(demo_data_on(day))
    total = 0
    for b in BUILDERS.values():
        shown = present(project_findings(build_view(bundle, b.project_id, day)))
        assert missing(shown, b.project_id) == [], day
        total += len(shown)
    assert total <= OLD_COUNT // 2


def test_the_demo_readme_is_generated_from_build_demo():
    from importlib import resources

    written = resources.files("graphsvc.application.demo").joinpath("README.md").read_text(encoding="utf-8")
    assert written == build_demo.readme(BUILDERS), "run python -m graphsvc.application.demo.build_demo"


def test_the_planted_problems_are_reported_from_both_stores(store):
    day = date(2027, 5, 17)
    import_bundle(store, demo_data_on(day), today=day)
    for b in BUILDERS.values():
        report = project_report(store, b.project_id, None, day)
        assert missing(report.findings, b.project_id) == []
