"""The graphsvc command as a user runs it: a real process, a real data directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from samples import small


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "GRAPHSVC_STORE": "embedded", "GRAPHSVC_DATA_DIR": str(tmp_path / "data"), **env}
    return subprocess.run(
        [sys.executable, "-m", "graphsvc", *args], capture_output=True, text=True, env=environment, timeout=120
    )


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_import_export_status(tmp_path):
    bundle = write_json(tmp_path / "b.json", small())
    done = run(tmp_path, "import", str(bundle))
    assert done.returncode == 0, done.stderr
    assert "imported into the embedded store" in done.stdout and "4 contacts" in done.stdout
    out = tmp_path / "out.json"
    assert run(tmp_path, "export", str(out)).returncode == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [c["name"] for c in exported["contacts"]] == ["Ann Lee", "No Org", "李娜", "王建国"]
    status = run(tmp_path, "db", "status")
    assert "contacts           4" in status.stdout


def test_bad_bundle_lists_every_problem_and_exits_2(tmp_path):
    run(tmp_path, "import", str(write_json(tmp_path / "good.json", small())))
    before = run(tmp_path, "export", "-").stdout
    bad = {
        "contacts": [{"id": "x", "name": "", "org": "o-none"}],
        "assignments": [{"id": "a", "contact": "x", "responsibility": "r-site", "raci": "X"}],
    }
    done = run(tmp_path, "import", str(write_json(tmp_path / "bad.json", bad)))
    assert done.returncode == 2
    for text in ("contacts[0].name: must not be empty", "contacts[0].org: dangling reference", "assignments[0].raci"):
        assert text in done.stderr
    assert "nothing was written" in done.stderr
    assert run(tmp_path, "export", "-").stdout == before


def test_bad_bundle_as_json(tmp_path):
    done = run(tmp_path, "import", "--json", str(write_json(tmp_path / "bad.json", {"contacts": [{"id": "x"}]})))
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert not report["ok"] and not report["committed"] and report["counts"]["contacts"] == 1
    assert [(e["location"], e["row"], e["field"], e["reason"]) for e in report["errors"]] == [
        ("contacts", 0, "name", "required field is missing")
    ]


@pytest.mark.parametrize(
    "content, message",
    [(None, "no such file"), ("{not json", "is not a JSON bundle"), ("[1, 2]", "must be a JSON object")],
)
def test_unreadable_input_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "in.json"
    if content is not None:
        path.write_text(content)
    done = run(tmp_path, "import", str(path))
    assert done.returncode == 2 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_demo_loads_and_is_idempotent(tmp_path):
    first = run(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    exported = run(tmp_path, "export", "-").stdout
    assert run(tmp_path, "demo").returncode == 0
    assert run(tmp_path, "export", "-").stdout == exported
    data = json.loads(exported)
    assert len(data["organizations"]) >= 20 and len(data["contacts"]) >= 50


def test_unreachable_neo4j_is_exit_3(tmp_path):
    done = run(tmp_path, "db", "init", GRAPHSVC_STORE="neo4j", NEO4J_URI="bolt://127.0.0.1:1")
    assert done.returncode == 3
    assert "Neo4j at bolt://127.0.0.1:1 unavailable" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_setting_is_a_clear_error(tmp_path):
    done = run(tmp_path, "db", "init", GRAPHSVC_STORE="mongo")
    assert done.returncode == 2
    assert "GRAPHSVC_STORE" in done.stderr and "Traceback" not in done.stderr


def test_validate_and_schema(tmp_path):
    ok = run(tmp_path, "validate", str(write_json(tmp_path / "b.json", small())))
    assert ok.returncode == 0 and "valid bundle" in ok.stdout
    schema = json.loads(run(tmp_path, "schema").stdout)
    assert set(schema["properties"]) >= {"organizations", "contacts", "links", "interactions"}


def test_findings_portfolio_and_path(tmp_path):
    assert run(tmp_path, "demo", "--scenario-dates").returncode == 0
    done = run(tmp_path, "findings", "--project", "sw-fieldops-3", "--as-of", "2026-11-22")
    assert done.returncode == 0, done.stderr
    assert "FieldOps 3.0 (sw-fieldops-3), as of Nov 22, 2026" in done.stdout
    assert "CRITICAL  OWNER_INACTIVE" in done.stdout and "Tom Becker" in done.stdout
    as_json = json.loads(
        run(tmp_path, "findings", "--project", "sw-fieldops-3", "--as-of", "2026-11-22", "--json").stdout
    )
    assert as_json["counts"]["critical"] == 2 and as_json["findings"][0]["severity"] == "critical"
    staged = json.loads(
        run(
            tmp_path,
            "findings",
            "--project",
            "sw-fieldops-3",
            "--stage",
            "sw-stage-acceptance",
            "--as-of",
            "2026-11-22",
            "--json",
        ).stdout
    )
    assert staged["stage"]["id"] == "sw-stage-acceptance"
    assert all("sw-stage-acceptance" in json.dumps(f) for f in staged["findings"])
    portfolio = run(tmp_path, "portfolio", "--as-of", "2026-11-22")
    assert portfolio.returncode == 0 and "portfolio of 2 projects" in portfolio.stdout
    path = run(tmp_path, "path", "c-wang-jianguo", "c-guo-rui", "--k", "2", "--as-of", "2026-11-22")
    assert path.returncode == 0 and "#1" in path.stdout and "王建国 → 陈晓燕 → 郭锐" in path.stdout
    answer = json.loads(
        run(tmp_path, "path", "c-wang-jianguo", "org:org-anxiao-fire", "--json", "--as-of", "2026-11-22").stdout
    )
    assert answer["target_kind"] == "organization" and answer["paths"]


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["findings", "--project", "nope"], 4, "no project 'nope'"),
        (["findings", "--project", "sw-fieldops-3", "--stage", "zz"], 4, "has no stage 'zz'"),
        (["findings", "--project", "sw-fieldops-3", "--as-of", "2026-13-01"], 2, "--as-of"),
        (["findings", "--project", "sw-fieldops-3", "--stale-days", "0"], 2, "--stale-days"),
        (["path", "nobody", "c-guo-rui"], 4, "unknown contact 'nobody'"),
        (["path", "c-wang-jianguo", "c-tom-becker", "--as-of", "2026-11-22"], 5, "Tom Becker has left"),
        (["path", "c-wang-jianguo", "c-guo-rui", "--k", "0"], 2, "--k"),
    ],
)
def test_query_errors(tmp_path, args, code, message):
    run(tmp_path, "demo", "--scenario-dates")
    done = run(tmp_path, *args)
    assert done.returncode == code, done.stderr
    assert message in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "target, code, status",
    [("c-tom-becker", 5, 422), ("nobody", 4, 404)],
)
def test_path_json_without_an_answer_prints_the_apis_error_body(tmp_path, target, code, status):
    from fastapi.testclient import TestClient

    from graphsvc.store.embedded import EmbeddedStore
    from graphsvc.web.app import create_app

    run(tmp_path, "demo", "--scenario-dates")
    done = run(tmp_path, "path", "c-wang-jianguo", target, "--json", "--as-of", "2026-11-22")
    assert done.returncode == code and "Traceback" not in done.stderr
    with EmbeddedStore(tmp_path / "data" / "graphsvc.sqlite3") as store, TestClient(create_app(store)) as client:
        answer = client.get(
            "/api/v1/paths", params={"source": "c-wang-jianguo", "target": target, "as_of": "2026-11-22"}
        )
    assert answer.status_code == status
    assert json.loads(done.stdout) == answer.json()


def test_stale_line_findings_read_as_sentences(tmp_path):
    run(tmp_path, "demo", "--scenario-dates")
    done = run(tmp_path, "findings", "--project", "pd-yunting-complex", "--json", "--as-of", "2026-11-22")
    entries = [f for f in json.loads(done.stdout)["findings"] if f["code"] == "STALE_LINK"]
    stale = [m["explanation"] for f in entries for m in (f["members"] or [f])]  # low ones come grouped
    assert len(stale) > len(entries), "the demo has stale lines, some of them grouped"
    for sentence in stale:
        assert sentence.startswith("The line between ") and sentence.count(" between ") == 1, sentence
        assert "was last used" in sentence or "has never been recorded as used" in sentence, sentence
