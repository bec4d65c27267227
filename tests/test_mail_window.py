"""The days recurring meetings are expanded over, chosen on the command line and over HTTP
(issue 17, item 2): ``--since``/``--until`` and ``since=``/``until=``."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from test_mail_import import ICS, PEOPLE
from typer.testing import CliRunner

from graphsvc.application.importer import import_bundle
from graphsvc.cli.main import app as cli_app
from graphsvc.web.app import create_app


def test_the_command_line_expands_recurring_meetings_over_the_days_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSVC_STORE", "embedded")
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    calendar = tmp_path / "calendar.ics"
    calendar.write_text(ICS, encoding="utf-8")
    people = tmp_path / "people.json"
    people.write_text(json.dumps(PEOPLE, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(cli_app, ["import", str(people)]).exit_code == 0
    done = runner.invoke(
        cli_app, ["import", str(calendar), "--since", "2026-10-01", "--until", "2026-11-01", "--dry-run", "--json"]
    )
    assert done.exit_code == 0, done.output
    # the Mondays Oct 5 ... Oct 26, and the one-off meeting of Oct 15
    assert json.loads(done.stdout)["counts"]["interactions"] == 4 + 1
    wrong = runner.invoke(cli_app, ["import", str(calendar), "--since", "2026-11-01", "--until", "2026-10-01"])
    assert wrong.exit_code == 2 and "--since" in wrong.output
    bad = runner.invoke(cli_app, ["import", str(calendar), "--since", "yesterday-ish"])
    assert bad.exit_code == 2 and "--since" in bad.output


def test_the_upload_expands_recurring_meetings_over_the_days_asked(embedded_store):
    import_bundle(embedded_store, PEOPLE)
    files = [("files", ("calendar.ics", ICS.encode(), "text/calendar"))]
    with TestClient(create_app(embedded_store)) as client:
        answer = client.post("/api/v1/import/mail?dry_run=true&since=2026-10-01&until=2026-11-01", files=files)
        assert answer.status_code == 200 and answer.json()["counts"]["interactions"] == 5
        wrong = client.post("/api/v1/import/mail?dry_run=true&since=2026-11-01&until=2026-10-01", files=files)
        assert wrong.status_code == 422 and wrong.json()["problems"][0]["field"] == "until"


def test_a_large_mail_import_draws_a_progress_bar_on_stderr_only(tmp_path, monkeypatch):
    from test_mail_import import write_eml_folder, write_mbox

    import graphsvc.cli.mail as mail_cli

    monkeypatch.setattr(mail_cli, "LARGE_BYTES", 1)
    monkeypatch.setattr(mail_cli, "LARGE_ITEMS", 1)
    monkeypatch.setenv("GRAPHSVC_STORE", "embedded")
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    people = tmp_path / "people.json"
    people.write_text(json.dumps(PEOPLE, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(cli_app, ["import", str(people)]).exit_code == 0
    files = [write_mbox(tmp_path / "inbox.mbox"), write_eml_folder(tmp_path / "eml")]
    done = runner.invoke(cli_app, ["import", *map(str, files), "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["committed"]
    assert "reading" in done.stderr and "checking and writing" in done.stderr
