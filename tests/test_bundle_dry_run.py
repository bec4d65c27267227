"""A JSON bundle gets a dry run like every other import format (issue 17, item 4): the same
checks against the store and the same report, nothing written, on the command line and
over HTTP, on both stores."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graphsvc.application.importer import check_bundle, import_bundle
from graphsvc.cli.main import app as cli_app
from graphsvc.domain.bundle import BundleError, dump_bundle
from graphsvc.web.app import create_app

from samples import small


def changed(data: dict) -> dict:
    """The sample with one contact renamed, one added and an id-less link."""
    data = json.loads(json.dumps(data))
    data["contacts"][0]["name"] = "改名了"
    data["contacts"].append({"id": "c-added", "name": "新人", "emails": ["new@example.cn"]})
    first, second = data["contacts"][0]["id"], "c-added"
    data["links"].append({"source": first, "target": second, "kind": "communicates"})
    return data


def test_a_dry_run_reports_what_importing_would_give_and_writes_nothing(store):
    import_bundle(store, small())
    before, version = dump_bundle(store.export()), store.data_version()
    report = check_bundle(store, changed(small()))
    assert report.dry_run and report.counts["contacts"] == len(small()["contacts"]) + 1
    assert store.data_version() == version and dump_bundle(store.export()) == before
    wrong = changed(small())
    wrong["links"][-1]["target"] = "c-nobody"
    try:
        check_bundle(store, wrong)
    except BundleError as exc:
        assert any(p.field == "target" for p in exc.problems)
    else:
        raise AssertionError("a link to nobody passed the dry run")
    assert dump_bundle(store.export()) == before
    # what the dry run accepted imports
    assert import_bundle(store, changed(small())).counts == report.counts


def test_the_command_line_dry_run_of_a_bundle(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSVC_STORE", "embedded")
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    first.write_text(json.dumps(small(), ensure_ascii=False), encoding="utf-8")
    second.write_text(json.dumps(changed(small()), ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(cli_app, ["import", str(first)]).exit_code == 0
    exported = runner.invoke(cli_app, ["export", "-"]).stdout
    dry = runner.invoke(cli_app, ["import", str(second), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    answer = json.loads(dry.stdout)
    assert answer["dry_run"] and not answer["committed"] and answer["counts"]["links"] == len(small()["links"]) + 1
    text = runner.invoke(cli_app, ["import", str(second), "--dry-run"])
    assert text.exit_code == 0 and "dry run, nothing written" in text.stdout
    assert runner.invoke(cli_app, ["export", "-"]).stdout == exported
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"contacts": [{"id": "x", "name": ""}]}), encoding="utf-8")
    refused = runner.invoke(cli_app, ["import", str(bad), "--dry-run"])
    assert refused.exit_code == 2 and "name" in refused.output
    done = runner.invoke(cli_app, ["import", str(second), "--json"])
    assert done.exit_code == 0 and json.loads(done.stdout)["committed"]


def test_the_http_dry_run_of_a_bundle(store):
    with TestClient(create_app(store)) as client:
        assert client.post("/api/v1/import", json=small()).json()["committed"]
        exported = client.get("/api/v1/export").json()
        dry = client.post("/api/v1/import", params={"dry_run": True}, json=changed(small()))
        assert dry.status_code == 200 and dry.json()["dry_run"] and not dry.json()["committed"]
        assert client.get("/api/v1/export").json() == exported
        bad_rows = {"contacts": [{"id": "x", "name": ""}]}
        bad = client.post("/api/v1/import", params={"dry_run": True}, json=bad_rows)
        assert bad.status_code == 200 and not bad.json()["ok"] and not bad.json()["committed"]
        assert [(e["location"], e["row"], e["field"]) for e in bad.json()["errors"]] == [("contacts", 0, "name")]
        refused = client.post("/api/v1/import", json=bad_rows)
        assert refused.status_code == 422 and refused.json()["problems"][0]["field"] == "name"
        assert "contacts[0].name: must not be empty" in refused.json()["detail"]
        assert client.get("/api/v1/export").json() == exported
