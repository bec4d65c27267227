"""Suspected duplicates in every import's report (issue 17, item 4): a JSON bundle and an
address book are checked as a spreadsheet is, within the input and against the stored
contacts (同名不同号: the same name under another phone), in a dry run and on commit."""

from __future__ import annotations

import json
from datetime import date

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graphsvc.application.importer import check_bundle, import_bundle
from graphsvc.application.mail_import.run import default_window, read_paths, run_import
from graphsvc.cli.main import app as cli_app
from graphsvc.web.app import create_app

STORED = {"contacts": [{"id": "c-zhang", "name": "张伟", "phones": ["+86 139 0000 1001"]}]}
INCOMING = {
    "contacts": [
        {"id": "c-zhang-2", "name": "张伟", "phones": ["+86 139 0000 9999"]},  # 同名不同号
        {"id": "c-li", "name": "李娜", "emails": ["li@acme.cn"]},
        {"id": "c-li-2", "name": "Li Na", "emails": ["LI@acme.cn"]},  # the same e-mail, another name
    ]
}


def reasons(found) -> set[tuple[str, str, str]]:
    return {(d.reason, d.first.id, d.second.id) for d in found}


def test_a_bundle_reports_suspected_duplicates_in_a_dry_run_and_on_commit(store):
    import_bundle(store, STORED)
    expected = {
        ("same_name_different_phones", "c-zhang-2", "c-zhang"),
        ("same_email_different_names", "c-li", "c-li-2"),
    }
    dry = check_bundle(store, INCOMING, duplicates=True)
    assert reasons(dry.suspected_duplicates) == expected
    zhang = next(d for d in dry.suspected_duplicates if d.second.id == "c-zhang")
    assert (zhang.first.location, zhang.first.row, zhang.second.stored) == ("contacts", 0, True)
    done = import_bundle(store, INCOMING, duplicates=True)
    assert reasons(done.suspected_duplicates) == expected
    # without asking, nothing is compared (a bulk load's speed stays its own)
    assert check_bundle(store, INCOMING).suspected_duplicates == []


def test_the_command_line_and_http_show_a_bundles_suspected_duplicates(tmp_path, monkeypatch, embedded_store):
    monkeypatch.setenv("GRAPHSVC_STORE", "embedded")
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    stored, incoming = tmp_path / "stored.json", tmp_path / "incoming.json"
    stored.write_text(json.dumps(STORED, ensure_ascii=False), encoding="utf-8")
    incoming.write_text(json.dumps(INCOMING, ensure_ascii=False), encoding="utf-8")
    assert runner.invoke(cli_app, ["import", str(stored)]).exit_code == 0
    text = runner.invoke(cli_app, ["import", str(incoming), "--dry-run"])
    assert text.exit_code == 0 and "suspected duplicate: the same name with different phones" in text.stdout
    chinese = runner.invoke(cli_app, ["--lang", "zh-CN", "import", str(incoming), "--dry-run"])
    assert chinese.exit_code == 0 and "疑似重复" in chinese.stdout
    answer = json.loads(runner.invoke(cli_app, ["import", str(incoming), "--dry-run", "--json"]).stdout)
    assert {d["reason"] for d in answer["suspected_duplicates"]} == {
        "same_name_different_phones",
        "same_email_different_names",
    }
    import_bundle(embedded_store, STORED)
    with TestClient(create_app(embedded_store)) as client:
        dry = client.post("/api/v1/import", params={"dry_run": True}, json=INCOMING)
        assert dry.status_code == 200 and len(dry.json()["suspected_duplicates"]) == 2


def test_an_address_book_card_with_a_stored_name_and_another_phone_is_suspected(store, tmp_path):
    import_bundle(store, STORED)
    book = tmp_path / "phone.vcf"
    book.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:张伟\r\nTEL;TYPE=CELL:+86 139 0000 7777\r\nEND:VCARD\r\n", encoding="utf-8"
    )
    records, problems = read_paths([book], default_window(date(2026, 11, 22)), False)
    report = run_import(store, records, problems, dry_run=True, create_contacts=False, actor="test")
    ((reason, first, second),) = reasons(report.suspected_duplicates)
    assert reason == "same_name_different_phones" and second == "c-zhang"
    assert report.suspected_duplicates[0].first.location == "suggested_contacts"
