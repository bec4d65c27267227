"""One truth in every view: over many generated projects with dated plans, on several days,
a stage's findings are the same in the map, the handover package, the CLI and the HTTP API
(and a project's in all of them), and the health figures are explained by the findings."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from dated_plans import AS_OF, dated_project, merged
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graphsvc.analysis.findings import flat
from graphsvc.application.handover import handover_files
from graphsvc.application.importer import import_bundle
from graphsvc.application.maps import project_graph
from graphsvc.application.reports import project_report
from graphsvc.cli.main import app as cli_app
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.web.app import create_app

SEEDS = range(12)
DAYS = [AS_OF, AS_OF + timedelta(days=75), AS_OF - timedelta(days=60)]


def key(finding) -> tuple:
    """What makes a finding the same finding in every view."""
    return (finding["code"], finding["severity"], tuple(s["id"] for s in finding["subjects"]))


def opened(entries: list[dict]) -> list[tuple]:
    """One key per finding: grouped entries opened into their members."""
    return sorted(key(m) for f in entries for m in (f["members"] or [f]))


def index_counts(html: str) -> dict[str, int]:
    """Stage name -> the findings count in the handover package's index table."""
    rows = re.findall(r"<tr><td>\d+</td><td>([^<]*)</td>.*?<td>(\d+)</td><td>(\d+)</td><td><a", html, re.S)
    return {name: int(findings) for name, _duties, findings in rows}


@pytest.fixture
def loaded(store):
    import_bundle(store, merged([dated_project(seed) for seed in SEEDS]), today=AS_OF)
    return store


def test_a_stage_has_the_same_findings_in_every_view(loaded, monkeypatch, settings_of):
    for name, value in settings_of(loaded).items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    checked = 0
    # every seed on the embedded store; the Neo4j server answers the same reads slower, and
    # the cross-store tests hold the two stores' snapshots equal
    seeds = SEEDS if isinstance(loaded, EmbeddedStore) else SEEDS[:4]
    with TestClient(create_app(loaded)) as http:
        for seed in seeds:
            pid = f"t{seed}-p"
            for day in DAYS:
                report = project_report(loaded, pid, None, day)
                package = handover_files(loaded, pid, day)
                counts = index_counts(package["index.html"].decode("utf-8"))
                whole = project_graph(loaded, pid, "all", day)
                assert opened([f.model_dump() for f in report.findings]) == sorted(
                    (f.code, f.severity, tuple(s.id for s in f.subjects)) for f in whole.findings
                )
                for stage in whole.stages:
                    api = http.get(f"/api/v1/projects/{pid}/findings", params={"stage": stage.id, "as_of": str(day)})
                    assert api.status_code == 200, api.text
                    entries = api.json()["findings"]
                    done = runner.invoke(
                        cli_app,
                        ["findings", "--project", pid, "--stage", stage.id, "--as-of", str(day), "--json"],
                    )
                    assert done.exit_code == 0, done.output
                    assert json.loads(done.stdout)["findings"] == entries  # the CLI prints the API's answer
                    stage_map = project_graph(loaded, pid, stage.id, day)
                    on_map = stage_map.findings
                    shown = {f.index for f in on_map}
                    for drawn in [*stage_map.nodes, *stage_map.edges]:  # no ring for another stage's finding
                        assert set(drawn.findings) <= shown and (drawn.severity is None or drawn.findings)
                    assert opened(entries) == sorted(
                        (f.code, f.severity.value, tuple(s.id for s in f.subjects)) for f in on_map
                    ), (pid, day, stage.id)
                    assert counts[stage.name] == len(entries), (pid, day, stage.id)
                    assert all(any(s["id"] == stage.id for s in f["stages"]) for f in entries)
                    checked += len(entries)
                # health explained by the findings (README "Handovers")
                handover_findings = {
                    frozenset(s.id for s in f.stages) for f in flat(report.findings) if f.code.startswith("HANDOVER")
                }
                share = report.health.robust_handovers
                assert share.total - share.count == len(handover_findings), (pid, day)
    assert checked > 40 * len(seeds), "the generated projects have findings in their stages"


def test_stage_views_never_show_another_stage_s_finding(loaded):
    for seed in SEEDS[:8]:
        pid = f"t{seed}-p"
        report = project_report(loaded, pid, None, AS_OF)
        stages = {s.id for f in flat(report.findings) for s in f.stages}
        for stage_id in stages:
            entries = project_report(loaded, pid, stage_id, AS_OF).findings
            assert all(stage_id in {s.id for s in m.stages} for f in entries for m in (f.members or [f]))
        # a finding of no stage appears only in the project view
        unstaged = [f for f in flat(report.findings) if not f.stages]
        for f in unstaged:
            assert all(f not in flat(project_report(loaded, pid, sid, AS_OF).findings) for sid in stages), f.code
