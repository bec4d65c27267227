"""The handover package: one offline zip with maps, findings, roster, GraphML, bundle, manifest.

Every test that takes ``store`` runs on the embedded store and on the real Neo4j server.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import networkx as nx
import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graphsvc.analysis.findings import Severity, flat
from graphsvc.analysis.interactions import used_pairs
from graphsvc.analysis.timeline import contact_state, valid_on
from graphsvc.application.demo import demo_data
from graphsvc.application.handover import (
    FINDINGS_COLUMNS,
    ROSTER_COLUMNS,
    Manifest,
    build_handover,
)
from graphsvc.application.importer import import_bundle
from graphsvc.application.reports import project_report
from graphsvc.cli.main import app as main_app
from graphsvc.domain.bundle import dump_bundle
from graphsvc.store.base import NotFound
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.support.i18n import use_language
from graphsvc.web.app import create_app

from scenarios import healthy

PID = "pd-yunting-complex"
DAY = date(2026, 11, 22)
ROUTE = "/api/v1/projects/{project_id}/handover.zip"
FIXED = {
    "index.html",
    "findings.html",
    "findings.csv",
    "roster.csv",
    "graph.graphml",
    "bundle.json",
    "manifest.json",
    "maps/all-stages.html",
    "raci.html",
    "raci.csv",
}


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {info.filename: archive.read(info) for info in archive.infolist()}


def text(files: dict[str, bytes], path: str) -> str:
    return files[path].decode("utf-8")


def csv_rows(files: dict[str, bytes], path: str) -> tuple[list[str], list[dict[str, str]]]:
    raw = files[path]
    assert raw.startswith(b"\xef\xbb\xbf"), f"{path} has no UTF-8 byte-order mark"
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.urls.append(value)


def links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


@pytest.fixture
def demo(store):
    import_bundle(store, demo_data())
    return store


@pytest.fixture
def package(demo) -> dict[str, bytes]:
    return unzip(build_handover(demo, PID, DAY))


# -- contents ----------------------------------------------------------------------------


def test_every_file_is_there_and_the_manifest_matches(demo, package):
    stages = sorted(demo.project_snapshot(PID).stages, key=lambda s: s.order)
    assert len(stages) == 7
    stage_maps = {path for path in package if path.startswith("maps/") and path.endswith(".html")} - FIXED
    assert len(stage_maps) == 7 and all(re.fullmatch(r"maps/0\d-[a-z0-9-]+\.html", p) for p in stage_maps)
    pictures = {path[: -len(".html")] + ".svg" for path in stage_maps}  # a picture beside each stage map
    assert set(package) == FIXED | stage_maps | pictures

    manifest = Manifest.model_validate_json(package["manifest.json"])
    assert manifest.project.id == PID and manifest.project.name.startswith("云庭·滨江综合体")
    assert manifest.as_of == DAY
    assert manifest.generated_by.startswith("graphsvc ")
    assert [s.id for s in manifest.stages] == [s.id for s in stages]
    assert {f.path for f in manifest.files} == set(package) - {"manifest.json"}
    for entry in manifest.files:
        assert entry.size == len(package[entry.path])
        assert entry.sha256 == hashlib.sha256(package[entry.path]).hexdigest()
    assert manifest.findings == project_report(demo, PID, None, DAY).counts
    assert manifest.rows["contacts"] == 58 and manifest.rows["stages"] == 7


def test_maps_are_the_project_maps_of_each_stage(demo, package):
    from graphsvc.application.maps import ALL_STAGES, project_map_html

    assert text(package, "maps/all-stages.html") == project_map_html(demo, PID, ALL_STAGES, DAY)
    stages = sorted(demo.project_snapshot(PID).stages, key=lambda s: s.order)
    for stage in stages:
        (path,) = [p for p in package if p.startswith(f"maps/{stage.order:02d}-") and p.endswith(".html")]
        assert path == f"maps/{stage.order:02d}-{stage.id}.html"  # demo ids are already slugs
        assert text(package, path) == project_map_html(demo, PID, stage.id, DAY)


def test_bundle_reimports_into_an_empty_store_identically(demo, package, tmp_path):
    bundle_text = text(package, "bundle.json")
    assert bundle_text == dump_bundle(demo.project_snapshot(PID))
    with EmbeddedStore(tmp_path / "fresh.sqlite3") as fresh:
        import_bundle(fresh, json.loads(bundle_text))
        assert dump_bundle(fresh.export()) == bundle_text
        assert dump_bundle(fresh.project_snapshot(PID)) == bundle_text


def test_bundle_stays_importable_with_people_from_outside_the_project(store, tmp_path):
    """An interaction with someone of another project must not leave a dangling reference."""
    data = demo_data()
    data["interactions"].append(
        {
            "id": "ix-cross",
            "at": "2026-11-01T10:00:00Z",
            "participants": ["c-li-na", "c-tom-becker"],
            "summary": "cross-project call",
            "project": "sw-fieldops-3",
        }
    )
    import_bundle(store, data)
    files = unzip(build_handover(store, PID, DAY))
    bundle = json.loads(files["bundle.json"])
    assert "ix-cross" in {i["id"] for i in bundle["interactions"]}
    with EmbeddedStore(tmp_path / "fresh.sqlite3") as fresh:
        import_bundle(fresh, bundle)
        assert dump_bundle(fresh.export()) == text(files, "bundle.json")
    # the roster is still the project's people only
    _, roster = csv_rows(files, "roster.csv")
    assert "c-tom-becker" not in {r["id"] for r in roster}


def test_graphml_parses_back_with_the_expected_nodes_and_edges(demo, package):
    snapshot = demo.project_snapshot(PID)
    graph = nx.read_graphml(io.BytesIO(package["graph.graphml"]), force_multigraph=True)
    nodes = Counter(data["type"] for _, data in graph.nodes(data=True))
    assert nodes == {
        "project": 1,
        "organization": len(snapshot.organizations),
        "contact": 58,
        "stage": 7,
        "responsibility": 34,
    }

    history = {}
    for period in snapshot.contact_history:
        history.setdefault(period.contact, []).append(period)
    employed = sum(1 for c in snapshot.contacts if contact_state(c, history.get(c.id, []), DAY).org)
    expected = Counter(
        {
            "has_stage": 7,
            "requires": 34,
            "participates": sum(1 for p in snapshot.projects[0].organizations if valid_on(p, DAY)),
            "works_for": employed,
            "assigned": sum(1 for a in snapshot.assignments if valid_on(a, DAY)),
        }
    )
    expected.update(link.kind for link in snapshot.links if valid_on(link, DAY))
    # and a line for each pair the interaction log joins where no communicates link does
    people = {data["ref"] for _, data in graph.nodes(data=True) if data["type"] == "contact"}
    linked = {frozenset((k.source, k.target)) for k in snapshot.links if k.kind == "communicates" and valid_on(k, DAY)}
    logged = {p for i in snapshot.interactions if i.at.date() <= DAY for p in used_pairs(i) if p <= people}
    expected["communicates"] += len(logged - linked)
    edges = Counter(data["type"] for _, _, data in graph.edges(data=True))
    assert edges == expected
    assert expected["communicates"] > 0 and expected["reports_to"] > 0 and expected["backup_for"] > 0

    for data in [d for _, d in graph.nodes(data=True)] + [d for _, _, d in graph.edges(data=True)]:
        for value in data.values():
            assert isinstance(value, (str, int, float)) and value != "None"
    assert graph.nodes["contact:c-li-na"]["label"] == "李娜"
    assert graph.nodes["contact:c-fang-hua"]["status"] == "left"
    raci = Counter(d["raci"] for _, _, d in graph.edges(data=True) if d["type"] == "assigned")
    assert set(raci) == {"R", "A", "C", "I"}
    talks = [d for _, _, d in graph.edges(data=True) if d["type"] == "communicates"]
    assert all(isinstance(d["weight"], float) and isinstance(d["last_contact"], str) for d in talks)
    assert any(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["last_contact"]) for d in talks)


def test_csv_files_parse_with_their_columns_and_chinese_names(demo, package):
    columns, roster = csv_rows(package, "roster.csv")
    assert columns == ROSTER_COLUMNS
    snapshot = demo.project_snapshot(PID)
    assert sorted(r["id"] for r in roster) == sorted(c.id for c in snapshot.contacts)
    people = {r["id"]: r for r in roster}
    assert people["c-li-na"]["name"] == "李娜"
    assert (
        people["c-fang-hua"]["status"] == "left"
        and "A:pd-r-supervise-concrete-pours" in people["c-fang-hua"]["duty_ids"]
    )
    assert people["c-han-bin"]["status"] == "on_leave"
    assert people["c-zhang-wei"]["phones"] != people["c-zhang-wei-2"]["phones"]  # 同名不同号 stays visible
    assert "A: " in people["c-fang-hua"]["duties"] and "混凝土" in people["c-fang-hua"]["duties"]
    assert people["c-li-na"]["org_name"] and people["c-li-na"]["org_id"]

    columns, findings = csv_rows(package, "findings.csv")
    assert columns == FINDINGS_COLUMNS
    report = project_report(demo, PID, None, DAY)
    assert len(findings) == len(flat(report.findings)) > len(report.findings)  # one row per finding, groups opened
    for row, finding in zip(findings, flat(report.findings)):
        assert (row["severity"], row["code"], row["explanation"], row["remedy"]) == (
            finding.severity.value,
            finding.code,
            finding.explanation,
            finding.remedy,
        )
        assert row["subject_ids"].split("; ") == [s.id for s in finding.subjects]
        assert row["stage_id"] == (finding.stage.id if finding.stage else "")
    assert any("韩斌" in row["subject_names"] for row in findings)


def test_index_links_resolve_inside_the_zip_and_nothing_is_online(package):
    index = text(package, "index.html")
    assert '<meta charset="utf-8">' in index and "云庭·滨江综合体" in index and "2026-11-22" in index
    for severity in Severity:
        assert severity.value in index
    hrefs = links(index)
    targets = {unquote(urlsplit(h).path) for h in hrefs}
    assert all(not urlsplit(h).scheme and not h.startswith("//") for h in hrefs)
    assert targets <= set(package)
    assert targets == set(package) - {"index.html"}  # every file is reachable from the index
    assert set(links(text(package, "findings.html"))) == {"index.html"}
    for path in ("index.html", "findings.html"):
        page = text(package, path)
        assert "http://" not in page and "https://" not in page, path
    for path in (p for p in package if p.startswith("maps/") or p == "raci.html"):
        page = text(package, path)
        remote = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.IGNORECASE)
        assert not remote, f"{path} loads something from the network: {remote}"
        assert "<html" in page.lower() if path.endswith(".html") else page.startswith("<?xml")


def test_the_same_data_gives_the_same_bytes(demo):
    first = build_handover(demo, PID, DAY)
    assert build_handover(demo, PID, DAY) == first
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(2026, 11, 22, 0, 0, 0)}
    later = build_handover(demo, PID, date(2026, 12, 1))
    assert later != first
    assert Manifest.model_validate_json(unzip(later)["manifest.json"]).as_of == date(2026, 12, 1)


def test_the_package_speaks_the_language_it_is_built_in_and_stays_deterministic(demo):
    """zh-CN and en packages differ in their words (pages, CSV headers, manifest descriptions),
    not in their codes, ids or data; each is the same bytes for the same data."""
    packages = {}
    for language in ("zh-CN", "en"):
        with use_language(language):
            packages[language] = build_handover(demo, PID, DAY)
            assert build_handover(demo, PID, DAY) == packages[language], language
    assert packages["zh-CN"] != packages["en"]
    zh, en = unzip(packages["zh-CN"]), unzip(packages["en"])
    assert set(zh) == set(en)
    for path in ("index.html", "findings.html", "raci.html", "findings.csv", "roster.csv", "raci.csv"):
        assert zh[path] != en[path], path
    assert zh["bundle.json"] == en["bundle.json"]

    assert '<html lang="zh-CN">' in text(zh, "index.html") and '<html lang="en">' in text(en, "index.html")
    assert "截至 2026年11月22日" in text(zh, "index.html") and "as of Nov 22, 2026" in text(en, "index.html")
    assert "交接包" in text(zh, "index.html") and "Handover package" in text(en, "index.html")

    zh_columns, zh_roster = csv_rows(zh, "roster.csv")
    en_columns, en_roster = csv_rows(en, "roster.csv")
    assert en_columns == ROSTER_COLUMNS and zh_columns[:3] == ["编号", "姓名", "单位编号"]
    assert [list(r.values()) for r in zh_roster] == [list(r.values()) for r in en_roster]  # codes and data stay
    zh_columns, zh_findings = csv_rows(zh, "findings.csv")
    assert zh_columns[:2] == ["严重程度", "问题代码"] and csv_rows(en, "findings.csv")[0] == FINDINGS_COLUMNS
    assert [r["问题代码"] for r in zh_findings] == [r["code"] for r in csv_rows(en, "findings.csv")[1]]
    assert {r["严重程度"] for r in zh_findings} <= {s.value for s in Severity}

    zh_manifest, en_manifest = (Manifest.model_validate_json(p["manifest.json"]) for p in (zh, en))
    assert (zh_manifest.language, en_manifest.language) == ("zh-CN", "en")
    descriptions = {f.path: f.description for f in zh_manifest.files}
    assert (
        descriptions["index.html"] == "首页"
        and {f.path: f.description for f in en_manifest.files}["index.html"] == "start page"
    )
    assert [f.path for f in zh_manifest.files] == [f.path for f in en_manifest.files]


def test_the_package_over_http_and_the_command_line_is_in_the_asked_language(cli_env, tmp_path):
    with use_language("zh-CN"):
        chinese = build_handover(cli_env, PID, DAY)
    with _client(cli_env) as client:
        asked = client.get(f"/api/v1/projects/{PID}/handover.zip", params={"as_of": "2026-11-22", "lang": "zh-CN"})
        assert asked.content == chinese
        assert Manifest.model_validate_json(unzip(chinese)["manifest.json"]).language == "zh-CN"
        header = client.get(
            f"/api/v1/projects/{PID}/handover.zip", params={"as_of": "2026-11-22"}, headers={"Accept-Language": "zh-CN"}
        )
        assert header.content == chinese
    out = tmp_path / "handover.zip"
    done = CliRunner().invoke(
        _cli_app(), ["--lang", "zh-CN", "handover", "--project", PID, "--out", str(out), "--as-of", "2026-11-22"]
    )
    assert done.exit_code == 0, done.output
    assert out.read_bytes() == chinese


@pytest.mark.neo4j
def test_both_stores_give_the_same_package(embedded_store, neo4j_store):
    for current in (embedded_store, neo4j_store):
        import_bundle(current, demo_data())
    embedded, neo4j = (unzip(build_handover(s, PID, DAY)) for s in (embedded_store, neo4j_store))
    assert set(embedded) == set(neo4j)
    differing = [path for path in sorted(embedded) if embedded[path] != neo4j[path]]
    assert differing == []


# -- hostile text ------------------------------------------------------------------------

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(2)</script>"


@pytest.fixture
def hostile(store):
    data = healthy()
    data["projects"][0]["name"] = SCRIPT
    data["projects"][0]["description"] = '"><svg onload=alert(3)>'
    for contact in data["contacts"]:
        if contact["id"] == "a1":
            contact.update(name=IMG)
        if contact["id"] == "b2":
            contact.update(title='=HYPERLINK("x","y")', phones=["+86 138 0000 0001"])
    data["assignments"][1]["raci"] = "A"  # two accountable, so findings name the hostile contact
    data["stages"][0]["name"] = "<b>Design</b> & 设计"
    data["organizations"][0]["name"] = "<i>Client</i> 甲方"
    import_bundle(store, data)
    return unzip(build_handover(store, "p", DAY))


def test_hostile_strings_are_escaped_in_our_pages(hostile):
    assert "MULTIPLE_ACCOUNTABLE" in text(hostile, "findings.html")
    for path in ("index.html", "findings.html"):
        page = text(hostile, path)
        assert "<img" not in page and "<script" not in page and "<svg" not in page and "<b>Design" not in page, path
        assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page, path
    assert "&lt;img src=x onerror=alert(1)&gt;" in text(hostile, "findings.html")
    assert "&lt;b&gt;Design&lt;/b&gt; &amp; 设计" in text(hostile, "index.html")
    assert "Content-Security-Policy" in text(hostile, "index.html")


def test_hostile_strings_do_not_break_out_of_the_maps(hostile):
    for path in (p for p in hostile if p.startswith("maps/")):
        page = text(hostile, path)
        assert IMG not in page and "</script><script>alert" not in page, path


def test_hostile_strings_stay_data_in_csv_and_graphml(hostile):
    _, roster = csv_rows(hostile, "roster.csv")
    people = {r["id"]: r for r in roster}
    assert people["a1"]["name"] == IMG
    assert people["b2"]["title"] == "'" + '=HYPERLINK("x","y")'  # not run as a formula by Excel
    assert people["b2"]["phones"] == "'+86 138 0000 0001"  # a leading + is a formula to Excel, phone or not
    _, findings = csv_rows(hostile, "findings.csv")
    assert any(IMG in row["subject_names"] for row in findings)
    graph = nx.read_graphml(io.BytesIO(hostile["graph.graphml"]))
    assert graph.nodes["contact:a1"]["label"] == IMG and graph.nodes["project:p"]["label"] == SCRIPT


# -- entry points ------------------------------------------------------------------------


def test_unknown_project_is_not_found(store):
    with pytest.raises(NotFound):
        build_handover(store, "no-such-project", DAY)


def _client(store) -> TestClient:
    return TestClient(create_app(store))


def test_http_download(demo):
    with _client(demo) as client:
        response = client.get(f"/api/v1/projects/{PID}/handover.zip", params={"as_of": "2026-11-22"})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/zip"
        disposition = response.headers["content-disposition"]
        assert disposition == f'attachment; filename="handover-{PID}-2026-11-22.zip"'
        assert response.content == build_handover(demo, PID, DAY)
        missing = client.get("/api/v1/projects/no-such-project/handover.zip")
        assert missing.status_code == 404 and "no-such-project" in missing.json()["detail"]
        assert client.get(f"/api/v1/projects/{PID}/handover.zip", params={"as_of": "soon"}).status_code == 422
        assert ROUTE in client.get("/openapi.json").json()["paths"]


def _cli_app() -> typer.Typer:
    return main_app


@pytest.fixture
def cli_env(demo, monkeypatch, settings_of):
    """Point the command's settings at the test's store, which holds the demo."""
    for name, value in settings_of(demo).items():
        monkeypatch.setenv(name, value)
    return demo


def test_cli_writes_the_package(cli_env, tmp_path):
    out = tmp_path / "out" / "handover.zip"
    out.parent.mkdir()
    runner = CliRunner()
    done = runner.invoke(_cli_app(), ["handover", "--project", PID, "--out", str(out), "--as-of", "2026-11-22"])
    assert done.exit_code == 0, done.output
    assert out.read_bytes() == build_handover(cli_env, PID, DAY)
    assert str(out) in done.stdout and "index.html" in done.stdout and "critical" in done.stdout
    assert [p.name for p in out.parent.iterdir()] == ["handover.zip"]  # no temporary file left


def test_cli_errors(cli_env, tmp_path):
    runner = CliRunner()
    app = _cli_app()
    unknown = runner.invoke(app, ["handover", "--project", "no-such-project", "--out", str(tmp_path / "x.zip")])
    assert unknown.exit_code == 4 and "no-such-project" in unknown.stderr
    assert not (tmp_path / "x.zip").exists()
    for bad in (tmp_path / "missing-dir" / "x.zip", tmp_path):
        done = runner.invoke(app, ["handover", "--project", PID, "--out", str(bad)])
        assert done.exit_code == 2 and "error:" in done.stderr, done.output
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = runner.invoke(app, ["handover", "--project", PID, "--out", str(blocker / "x.zip")])
    assert done.exit_code == 2


def test_default_day_is_today(demo):
    manifest = Manifest.model_validate_json(unzip(build_handover(demo, PID))["manifest.json"])
    assert manifest.as_of == date.today()


def test_manifest_of_a_written_file_checks_out(demo, tmp_path):
    """What a recipient does: unzip, then verify every file against the manifest."""
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(io.BytesIO(build_handover(demo, PID, DAY))) as archive:
        archive.extractall(folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        data = Path(folder, entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_package_when_the_only_owner_of_a_stage_has_left(embedded_store):
    data = healthy()
    data["contacts"][0].update(status="left", since="2026-10-01")  # a1, sole Accountable of s1
    import_bundle(embedded_store, data)
    files = unzip(build_handover(embedded_store, "p", DAY))
    _, findings = csv_rows(files, "findings.csv")
    assert "OWNER_INACTIVE" in {row["code"] for row in findings}
