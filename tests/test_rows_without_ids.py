"""Assignments, links and interactions without ids, in every import format (issue 17, item 3).

A spreadsheet user's natural sheet is "contact, duty, R/A/C/I": no id column. Such rows get
an id derived from their natural key, so importing them again changes nothing, an export
holds the ids, and re-importing the export changes nothing either. On both stores.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_spreadsheet import xlsx_bytes
from typer.testing import CliRunner

from graphsvc.application.importer import import_bundle
from graphsvc.application.spreadsheet.read import read_files
from graphsvc.application.spreadsheet.report import run_import
from graphsvc.cli.main import app as cli_app
from graphsvc.domain.bundle import BundleError, canonical_dict, dump_bundle
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.support.i18n import use_language
from graphsvc.web.app import create_app

#: the rows the relationship rows refer to: people, a project, a stage, two duties
PEOPLE: dict[str, Any] = {
    "organizations": [{"id": "o-b", "name": "Builder", "kind": "contractor"}],
    "contacts": [
        {"id": "c-wang", "name": "王建国", "org": "o-b", "phones": ["+86 139 0000 1001"]},
        {"id": "c-li", "name": "李娜", "org": "o-b", "phones": ["+86 138 0000 2002"]},
        {"id": "c-ann", "name": "Ann Lee", "org": "o-b", "phones": ["+86 137 0000 3003"]},
    ],
    "projects": [{"id": "p-1", "name": "前海项目"}],
    "stages": [{"id": "s-1", "project": "p-1", "name": "施工", "order": 1}],
    "responsibilities": [
        {"id": "r-fire", "stage": "s-1", "name": "消防验收"},
        {"id": "r-safety", "stage": "s-1", "name": "现场安全"},
    ],
}

#: the same relationship rows in every format: no ids anywhere
ASSIGNMENTS = [("c-wang", "r-fire", "A"), ("c-li", "r-fire", "R"), ("c-ann", "r-safety", "R")]
LINKS = [("c-wang", "c-li", "communicates"), ("c-li", "c-ann", "reports_to")]
INTERACTIONS = [("2026-11-20T09:30:00+08:00", "c-wang;c-li", "meeting"), ("2026-11-21T10:00:00Z", "c-li;c-ann", "call")]


def id_less() -> dict[str, Any]:
    return {
        "assignments": [{"contact": c, "responsibility": r, "raci": raci} for c, r, raci in ASSIGNMENTS],
        "links": [{"source": s, "target": t, "kind": k} for s, t, k in LINKS],
        "interactions": [{"at": at, "participants": p.split(";"), "channel": ch} for at, p, ch in INTERACTIONS],
    }


def relationship_ids(store) -> dict[str, list[str]]:
    data = canonical_dict(store.export())
    return {kind: [row["id"] for row in data[kind]] for kind in ("assignments", "links", "interactions")}


def sheets() -> dict[str, list[list[Any]]]:
    """The id-less rows as a spreadsheet user writes them: contact, duty, raci."""
    return {
        "assignments": [["contact", "duty", "raci"], *[[c, r, raci] for c, r, raci in ASSIGNMENTS]],
        "links": [["source", "target", "kind"], *[list(link) for link in LINKS]],
        "interactions": [["at", "participants", "channel"], *[list(i) for i in INTERACTIONS]],
    }


def csv_files(book: dict[str, list[list[Any]]]) -> list[tuple[str, bytes]]:
    files = []
    for name, rows in book.items():
        text = io.StringIO(newline="")
        csv.writer(text).writerows(rows)
        files.append((f"{name}.csv", text.getvalue().encode("utf-8")))
    return files


@pytest.fixture
def seeded(store):
    import_bundle(store, PEOPLE)
    return store


def test_a_json_bundle_without_ids_imports_and_importing_it_again_changes_nothing(seeded):
    report = import_bundle(seeded, id_less())
    assert report.counts["assignments"] == 3 and report.counts["links"] == 2 and report.counts["interactions"] == 2
    assert report.warnings == []
    ids = relationship_ids(seeded)
    assert [i[:2] for i in ids["assignments"]] == ["a-"] * 3
    assert [i[:2] for i in ids["links"]] == ["l-"] * 2
    assert [i[:2] for i in ids["interactions"]] == ["i-"] * 2
    version, before = seeded.data_version(), dump_bundle(seeded.export())
    import_bundle(seeded, id_less())
    assert seeded.data_version() == version and dump_bundle(seeded.export()) == before


def test_the_id_follows_the_natural_key_not_its_spelling(seeded):
    """The same instant in another UTC offset, participants in another order, spaces around
    values: the same row, so the same id; another raci is another assignment."""
    import_bundle(seeded, id_less())
    version = seeded.data_version()
    respelled = id_less()
    respelled["interactions"][0].update(at="2026-11-20T01:30:00Z", participants=["c-li", "c-wang"])
    respelled["assignments"][0].update(contact=" c-wang ")
    import_bundle(seeded, respelled)
    assert seeded.data_version() == version
    import_bundle(seeded, {"assignments": [{"contact": "c-wang", "responsibility": "r-fire", "raci": "C"}]})
    assert len(relationship_ids(seeded)["assignments"]) == 4


def test_the_export_keeps_the_derived_ids_and_importing_it_changes_nothing(seeded):
    import_bundle(seeded, id_less())
    ids = relationship_ids(seeded)
    exported = json.loads(dump_bundle(seeded.export()))
    assert [row["id"] for row in exported["assignments"]] == ids["assignments"]
    version = seeded.data_version()
    import_bundle(seeded, exported)
    import_bundle(seeded, id_less())  # and the id-less rows still find the exported ones
    assert seeded.data_version() == version and relationship_ids(seeded) == ids


def test_a_row_with_an_id_keeps_it(seeded):
    data = id_less()
    data["assignments"][0]["id"] = "a-mine"
    import_bundle(seeded, data)
    assert "a-mine" in relationship_ids(seeded)["assignments"]
    assert len(relationship_ids(seeded)["assignments"]) == 3


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_spreadsheet_without_id_column_imports_like_the_json(seeded, form, tmp_path):
    book = sheets()
    files = [("book.xlsx", xlsx_bytes(book))] if form == "xlsx" else csv_files(book)
    report = run_import(seeded, read_files(files), dry_run=False, actor="test")
    assert report.ok and report.committed, report.errors
    from_sheets = relationship_ids(seeded)
    json_store = EmbeddedStore(tmp_path / "json.sqlite3")
    try:
        import_bundle(json_store, PEOPLE)
        import_bundle(json_store, id_less())
        assert relationship_ids(json_store) == from_sheets  # one key, one id, whatever the format
    finally:
        json_store.close()
    version = seeded.data_version()
    again = run_import(seeded, read_files(files), dry_run=False, actor="test")
    assert again.ok and again.committed and seeded.data_version() == version


def test_the_same_id_less_row_twice_is_a_warning_and_kept_once(seeded):
    data = id_less()
    data["assignments"].append({"contact": "c-wang", "responsibility": "r-fire", "raci": "A", "valid_to": "2027-01-01"})
    report = import_bundle(seeded, data)
    assert [(w.array, w.index) for w in report.warnings] == [("assignments", 3)]
    assert "first at row 0" in report.warnings[0].reason
    stored = canonical_dict(seeded.export())["assignments"]
    assert len(stored) == 3 and all(row["valid_to"] is None for row in stored)  # the first kept


def test_the_same_row_twice_in_a_sheet_is_a_warning_naming_both_rows(seeded):
    book = sheets()
    book["assignments"].append(["c-wang", "r-fire", "A"])  # sheet row 5 repeats row 2
    report = run_import(seeded, read_files([("book.xlsx", xlsx_bytes(book))]), dry_run=True, actor="test")
    assert report.ok, report.errors
    [warning] = report.warnings
    assert (warning.location, warning.row) == ("assignments", 5) and "first at row 2)" in warning.reason
    done = run_import(seeded, read_files([("book.xlsx", xlsx_bytes(book))]), dry_run=False, actor="test")
    assert done.committed and [(w.location, w.row) for w in done.warnings] == [("assignments", 5)]
    assert len(relationship_ids(seeded)["assignments"]) == 3


def test_an_error_in_an_id_less_row_is_located_and_nothing_is_written(seeded):
    data = id_less()
    data["assignments"][1]["raci"] = "X"
    data["links"][1]["target"] = "c-nobody"
    version = seeded.data_version()
    with pytest.raises(BundleError) as caught:
        import_bundle(seeded, data)
    located = {(p.array, p.index, p.field) for p in caught.value.problems}
    assert located == {("assignments", 1, "raci"), ("links", 1, "target")}  # no complaint about ids
    assert seeded.data_version() == version and seeded.counts()["assignments"] == 0


def test_an_error_in_an_id_less_sheet_row_names_its_cell(seeded):
    book = sheets()
    book["assignments"][2][2] = "X"  # sheet row 3, column C
    report = run_import(seeded, read_files(csv_files(book)), dry_run=False, actor="test")
    assert not report.ok and not report.committed
    assert [(e.location, e.row, e.field, e.cell) for e in report.errors] == [("assignments", 3, "raci", "C3")]
    assert seeded.counts()["assignments"] == 0


def test_http_import_without_ids_reports_warnings_and_located_errors(seeded):
    with TestClient(create_app(seeded)) as client:
        data = id_less()
        data["links"].append(dict(data["links"][0]))
        done = client.post("/api/v1/import", json=data)
        assert done.status_code == 200, done.text
        assert [(w["location"], w["row"]) for w in done.json()["warnings"]] == [("links", 2)]
        version = seeded.data_version()
        data["interactions"][1]["participants"] = []
        refused = client.post("/api/v1/import", json=data)
        assert refused.status_code == 422, refused.text
        located = [(p["location"], p["row"], p["field"]) for p in refused.json()["problems"]]
        assert located == [("interactions", 1, "participants")], located
        assert seeded.data_version() == version


def test_cli_import_without_ids_twice(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSVC_STORE", "embedded")
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(tmp_path / "data"))
    bundle = tmp_path / "bundle.json"
    data = {**PEOPLE, **id_less()}
    data["assignments"].append(dict(data["assignments"][0]))
    bundle.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(cli_app, ["import", str(bundle)])
    assert first.exit_code == 0, first.output
    assert "warning: assignments[3]: left out" in first.output
    second = runner.invoke(cli_app, ["import", str(bundle), "--json"])
    assert second.exit_code == 0, second.output
    assert json.loads(second.output)["warnings"][0]["row"] == 3
    checked = runner.invoke(cli_app, ["validate", str(bundle)])
    assert checked.exit_code == 0 and "warning: assignments[3]: left out" in checked.output, checked.output
    exported = tmp_path / "export.json"
    assert runner.invoke(cli_app, ["export", str(exported)]).exit_code == 0
    assert [row["id"][:2] for row in json.loads(exported.read_text(encoding="utf-8"))["assignments"]] == ["a-"] * 3


def test_the_published_schema_lets_these_rows_omit_the_id():
    schema = json.loads((Path(__file__).parent.parent / "schema" / "bundle.schema.json").read_text(encoding="utf-8"))
    for name in ("Assignment", "Link", "Interaction"):
        assert "id" not in schema["$defs"][name]["required"]
    assert "id" in schema["$defs"]["Contact"]["required"]


def test_a_chinese_sheet_without_id_column_and_its_warning_in_chinese(seeded):
    """职责分工 with 联系人, 职责, 角色: a Chinese team's natural sheet; the repeat is reported in
    Chinese, citing the sheet's row."""
    book = {
        "职责分工": [
            ["联系人", "职责", "角色"],
            ["c-wang", "r-fire", "A"],
            ["c-li", "r-fire", "R"],
            ["c-wang", "r-fire", "A"],
        ]
    }
    with use_language("zh-CN"):
        report = run_import(seeded, read_files([("分工.xlsx", xlsx_bytes(book))]), dry_run=False, actor="test")
        assert report.committed, report.errors
        [warning] = report.warnings
        assert (warning.location, warning.row) == ("职责分工", 4)
        assert "已略去" in str(warning) and "第 2 行" in str(warning)
    assert len(relationship_ids(seeded)["assignments"]) == 2
