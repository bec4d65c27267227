"""Spreadsheet import: real XLSX and CSV files (UTF-8, UTF-8 with BOM, GB18030) into a real store.

The sheets are written here by hand, following the documented conventions, not by the code
under test, so a convention broken on the reading side shows up as a failed round trip.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from graphsvc.application.demo import demo_data
from graphsvc.application.duplicates import normalise_phone
from graphsvc.application.importer import import_bundle
from graphsvc.application.spreadsheet.read import read_files
from graphsvc.application.spreadsheet.report import run_import
from graphsvc.cli import spreadsheet as spreadsheet_cli
from graphsvc.domain.bundle import canonical_dict
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.web.app import create_app

DATE_FIELDS = {"since", "valid_from", "valid_to", "start", "end", "last_contact"}
#: the columns of each sheet (projects without organizations: they have their own sheet)
COLUMNS = {
    "organizations": ["id", "name", "kind", "notes", "tags"],
    "contacts": [
        "id",
        "name",
        "org",
        "title",
        "status",
        "since",
        "emails",
        "phones",
        "preferred_channel",
        "language",
        "tags",
        "notes",
    ],
    "contact_history": ["id", "contact", "org", "title", "status", "valid_from", "valid_to"],
    "projects": ["id", "name", "description"],
    "stages": ["id", "project", "name", "order", "status", "start", "end"],
    "responsibilities": ["id", "stage", "name", "description"],
    "assignments": ["id", "contact", "responsibility", "raci", "valid_from", "valid_to"],
    "links": ["id", "source", "target", "kind", "last_contact", "weight", "channel", "valid_from", "valid_to"],
    "interactions": ["id", "at", "participants", "channel", "summary", "project"],
    "project_organizations": ["project", "org", "role", "valid_from", "valid_to"],
}


def as_sheets(bundle: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """A raw bundle as sheets of text cells: lists joined with '; ', organisations on their own sheet."""
    sheets: dict[str, list[list[Any]]] = {}
    for name, columns in COLUMNS.items():
        if name == "project_organizations":
            rows = [{"project": p["id"], **o} for p in bundle.get("projects", []) for o in p.get("organizations", [])]
        else:
            rows = bundle.get(name, [])
        sheets[name] = [columns] + [
            ["; ".join(v) if isinstance(v, list) else v for v in (row.get(c) for c in columns)] for row in rows
        ]
    return sheets


def excel_typed(sheets: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """Cells as Excel holds them: dates as date cells, orders and weights as floats."""
    typed = {}
    for name, (header, *rows) in sheets.items():
        out = [header]
        for row in rows:
            cells = []
            for column, value in zip(header, row):
                if column in DATE_FIELDS and isinstance(value, str):
                    value = datetime.combine(date.fromisoformat(value), datetime.min.time())
                elif column in ("order", "weight") and value is not None:
                    value = float(value)
                cells.append(value)
            out.append(cells)
        typed[name] = out
    return typed


def xlsx_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text).writerows([["" if v is None else v for v in row] for row in rows])
    return text.getvalue().encode(encoding)


def write_csvs(folder: Path, sheets: dict[str, list[list[Any]]], encoding: str = "utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        (folder / f"{name}.csv").write_bytes(csv_bytes(rows, encoding))
    return folder


def exported(store: EmbeddedStore) -> dict[str, Any]:
    return canonical_dict(store.export())


@pytest.fixture(scope="module")
def demo_export() -> dict[str, Any]:
    store = EmbeddedStore()
    import_bundle(store, demo_data())
    return exported(store)


def small_sheets(**changes: list[list[Any]]) -> dict[str, list[list[Any]]]:
    """A small valid spreadsheet (an organisation, three people, a project, a stage, a duty)."""
    sheets: dict[str, list[list[Any]]] = {
        "organizations": [
            ["id", "name", "kind"],
            ["o-sz", "深圳市规划和自然资源局", "regulator"],
            ["o-b", "Builder", "contractor"],
        ],
        "contacts": [
            ["id", "name", "org", "title", "emails", "phones"],
            ["c-wang", "王建国", "o-sz", "科长", "wang@sz.example.cn", "+86 139 0000 1001"],
            ["c-li", "李娜", "o-b", "PM", "lina@b.example.cn", "138 0000 2002"],
            ["c-ann", "Ann Lee", "o-b", "Site Manager", "ann@b.example.cn", "137 0000 3003"],
        ],
        "projects": [["id", "name"], ["p-1", "前海项目"]],
        "project_organizations": [["project", "org", "role"], ["p-1", "o-sz", "监管"], ["p-1", "o-b", "施工"]],
        "stages": [["id", "project", "name", "order"], ["s-1", "p-1", "施工", 1]],
        "responsibilities": [["id", "stage", "name"], ["r-1", "s-1", "消防验收"]],
        "assignments": [["id", "contact", "responsibility", "raci"], ["a-1", "c-wang", "r-1", "A"]],
    }
    sheets.update(changes)
    return sheets


def sheets_from_xlsx(sheets: dict[str, list[list[Any]]]):
    return read_files([("book.xlsx", xlsx_bytes(sheets))])


# --- round trips ---------------------------------------------------------------------------


def test_demo_as_xlsx_imports_like_the_json(demo_export):
    store = EmbeddedStore()
    report = run_import(store, sheets_from_xlsx(excel_typed(as_sheets(demo_data()))), dry_run=False)
    assert report.ok and report.committed, report.errors
    assert report.counts["contacts"] == len(demo_data()["contacts"])
    assert exported(store) == demo_export


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_demo_as_csv_folder_imports_like_the_json(tmp_path, demo_export, encoding):
    folder = write_csvs(tmp_path / "csv", as_sheets(demo_data()), encoding)
    files = [(str(p), p.read_bytes()) for p in sorted(folder.iterdir())]
    store = EmbeddedStore()
    report = run_import(store, read_files(files), dry_run=False)
    assert report.ok and report.committed, report.errors
    encodings = {s.sheet: s.encoding for s in report.sources}
    assert encodings["contacts"] == encoding  # ASCII-only sheets (assignments) also read as UTF-8
    assert exported(store) == demo_export


def test_demo_duplicates_are_the_planted_namesakes():
    report = run_import(EmbeddedStore(), sheets_from_xlsx(as_sheets(demo_data())), dry_run=True)
    pairs = {(d.reason, d.first.id, d.second.id) for d in report.suspected_duplicates}
    assert pairs == {
        ("same_name_different_phones", "c-zhang-wei", "c-zhang-wei-2"),
        ("same_name_different_phones", "c-li-wei", "c-li-wei-2"),
    }


# --- cells ---------------------------------------------------------------------------------


def test_excel_cells_come_out_right():
    sheets = small_sheets(
        contacts=[
            ["ID ", " Name", "org", "phones", "emails", "tags", "since"],
            ["c-wang", "王建国", "o-sz", 13900001001, None, "key; 甲方\nsite；night", datetime(2025, 3, 1)],
            ["c-li", "李娜", "o-b", 13800002002.0, "lina@b.example.cn", None, "2025/3/2"],
            ["c-ann", "Ann Lee", "o-b", "+86 137 0000 3003; 0571-8888 1234", "", "", "2025年3月3日"],
        ],
        stages=[["id", "project", "name", "order", "start"], ["s-1", "p-1", "施工", 1.0, datetime(2026, 1, 5)]],
        links=[
            ["id", "source", "target", "kind", "weight", "last_contact"],
            ["l-1", "c-wang", "c-li", "communicates", 0.5, "2026-01-02"],
        ],
        interactions=[
            ["id", "at", "participants", "summary"],
            ["i-1", "2026-01-02T09:30:00+08:00", "c-wang; c-li\nc-ann", "开会"],
            ["i-2", datetime(2026, 1, 3, 14, 0), "c-wang;c-li", ""],
        ],
    )
    store = EmbeddedStore()
    report = run_import(store, sheets_from_xlsx(sheets), dry_run=False)
    assert report.committed, report.errors
    contacts = {c.id: c for c in store.read("contacts")}
    assert contacts["c-wang"].phones == ["13900001001"]
    assert contacts["c-wang"].tags == ["key", "甲方", "site", "night"]
    assert contacts["c-wang"].emails == []
    assert [str(contacts[c].since) for c in ("c-wang", "c-li", "c-ann")] == ["2025-03-01", "2025-03-02", "2025-03-03"]
    assert contacts["c-li"].phones == ["13800002002"]
    assert contacts["c-ann"].phones == ["+86 137 0000 3003", "0571-8888 1234"]
    stage = store.read("stages")[0]
    assert stage.order == 1 and str(stage.start) == "2026-01-05"
    assert store.read("links")[0].weight == 0.5
    first, second = store.read("interactions")
    assert first.participants == ["c-ann", "c-li", "c-wang"] and first.at.isoformat() == "2026-01-02T01:30:00+00:00"
    assert second.at.isoformat() == "2026-01-03T14:00:00+00:00"
    project = store.read("projects")[0]
    assert [(p.org, p.role) for p in project.organizations] == [("o-b", "施工"), ("o-sz", "监管")]


@pytest.mark.parametrize("encoding, bom", [("utf-8", False), ("utf-8", True), ("gb18030", False)])
def test_chinese_csv_encodings(tmp_path, encoding, bom):
    sheets = small_sheets()
    folder = tmp_path / "in"
    folder.mkdir()
    for name, rows in sheets.items():
        data = csv_bytes(rows, encoding)
        (folder / f"{name}.csv").write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    if encoding == "gb18030":  # really not UTF-8: the test would pass for the wrong reason otherwise
        with pytest.raises(UnicodeDecodeError):
            (folder / "organizations.csv").read_bytes().decode("utf-8")
    store = EmbeddedStore()
    report = run_import(store, read_files([(str(p), p.read_bytes()) for p in folder.iterdir()]), dry_run=False)
    assert report.committed, report.errors
    assert {s.sheet: s.encoding for s in report.sources}["contacts"] == ("utf-8-sig" if bom else encoding)
    assert store.read("organizations", ["o-sz"])[0].name == "深圳市规划和自然资源局"
    assert store.read("contacts", ["c-wang"])[0].name == "王建国"


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("contacts.csv", "id,name\nc-1,café\n".encode("latin-1"), "contacts.csv is neither UTF-8"),
        ("contacts.csv", "id,name\nc-1,王\n".encode("utf-16-le"), "contacts.csv is not a text CSV file"),
        ("book.xlsx", b"PK not really a zip", "book.xlsx is not an XLSX workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "old .xls format"),
        ("notes.txt", b"hello", "notes.txt: not a spreadsheet"),
    ],
)
def test_unreadable_files_are_named(name, data, message):
    from graphsvc.application.spreadsheet.convert import SpreadsheetError

    with pytest.raises(SpreadsheetError) as caught:
        read_files([(name, data)])
    assert message in str(caught.value)


# --- errors --------------------------------------------------------------------------------


def issues(report) -> set[tuple[Any, ...]]:
    return {(e.location, e.row, e.field) for e in report.errors}


def test_errors_carry_sheet_row_and_column_and_nothing_is_written():
    store = EmbeddedStore()
    import_bundle(store, {"organizations": [{"id": "o-old", "name": "Kept"}]})
    before = exported(store)
    sheets = small_sheets(
        contacts=[
            ["id", "name", "org", "status", "phones", "nickname"],
            ["c-wang", "王建国", "o-sz", "active", "139 0000 1001", "老王"],
            [None, None, None, None, None, None],
            ["c-li", "", "o-b", "retired", "138", None],
            ["c-ann", "Ann Lee", "o-nowhere", None, None, None],
            ["c-wang", "王建国二", "o-sz", None, None, None],
        ],
        stages=[
            ["id", "project", "name", "order", "start", "end"],
            ["s-1", "p-1", "施工", 1, "2026-05-01", "2026-01-01"],
            ["s-2", "p-1", "验收", 1, None, None],
        ],
        project_organizations=[
            ["project", "org", "role", "valid_from", "valid_to"],
            ["p-1", "o-sz", "监管", "2026-06-01", "2026-01-01"],
            ["p-9", "o-b", "施工", None, None],
        ],
        Sheet1=[["anything"], ["x"]],
    )
    report = run_import(store, sheets_from_xlsx(sheets), dry_run=False)
    assert not report.ok and not report.committed
    assert {
        ("contacts", 1, "nickname"),  # unknown column, on the header row
        ("contacts", 4, "name"),  # empty required field
        ("contacts", 4, "status"),  # not an allowed status
        ("contacts", 5, "org"),  # dangling reference
        ("contacts", 6, "id"),  # duplicate id
        ("stages", 2, "end"),  # end before start
        ("stages", 3, "order"),  # two stages with the same order
        ("project_organizations", 2, "valid_to"),
        ("project_organizations", 3, "project"),
        ("Sheet1", None, None),  # unknown sheet
    } <= issues(report)
    duplicate = next(e for e in report.errors if e.field == "id")
    assert "first at row 2" in duplicate.reason and duplicate.cell == "A6"
    assert next(e for e in report.errors if e.location == "stages" and e.field == "order").reason.endswith("(row 2)")
    assert any(w.location == "contacts" and w.row == 3 and "empty row" in w.reason for w in report.warnings)
    assert exported(store) == before


def test_missing_required_column_is_reported_once():
    sheets = {
        "organizations": [["id", "name"], ["o-b", "B"]],
        "contacts": [["id", "org"], ["c-1", "o-b"], ["c-2", "o-b"]],
    }
    report = run_import(EmbeddedStore(), sheets_from_xlsx(sheets), dry_run=True)
    assert [(e.location, e.field, e.reason) for e in report.errors] == [
        ("contacts", "name", "required column 'name' is missing")
    ]


def test_history_conflict_is_located_in_dry_run_and_commit():
    store = EmbeddedStore()
    import_bundle(store, {"contacts": [{"id": "c-x", "name": "X", "title": "Engineer", "since": "2025-06-01"}]})
    before = exported(store)
    sheets = {"contacts": [["id", "name", "title", "since"], ["c-x", "X", "Chief", "2025-01-01"]]}
    for dry_run in (True, False):
        report = run_import(store, sheets_from_xlsx(sheets), dry_run=dry_run)
        assert issues(report) == {("contacts", 2, "since")}
    assert exported(store) == before


def test_dry_run_writes_nothing():
    store = EmbeddedStore()
    import_bundle(store, {"organizations": [{"id": "o-old", "name": "Kept"}]})
    before = exported(store)
    report = run_import(store, sheets_from_xlsx(small_sheets()), dry_run=True)
    assert report.ok and report.dry_run and not report.committed
    assert report.counts["contacts"] == 3 and report.counts["assignments"] == 1
    assert exported(store) == before


def test_references_to_stored_rows_resolve():
    store = EmbeddedStore()
    import_bundle(store, {"organizations": [{"id": "o-old", "name": "Kept"}]})
    sheets = {"contacts": [["id", "name", "org", "phones"], ["c-new", "New", "o-old", "139 1111 2222"]]}
    report = run_import(store, sheets_from_xlsx(sheets), dry_run=False)
    assert report.committed, report.errors
    assert store.read("contacts", ["c-new"])[0].org == "o-old"


# --- duplicates ----------------------------------------------------------------------------


def test_suspected_duplicates_in_file_and_against_store():
    store = EmbeddedStore()
    import_bundle(
        store,
        {
            "contacts": [
                {"id": "s-zhao", "name": "赵磊", "phones": ["137 0000 7777"]},
                {"id": "s-chen", "name": "陈晓燕", "emails": ["xy.chen@example.cn"], "phones": ["136 0000 6666"]},
                {"id": "c-kept", "name": "Kept Person", "phones": ["135 0000 5555"]},
            ]
        },
    )
    sheets = {
        "contacts": [
            ["id", "name", "phones", "emails"],
            ["c-wang", "王建国", "+86 139 0000 1001", "wang@a.example.cn"],
            ["c-wang-b", "王建国", "13800001002", None],  # same name, other phone
            ["c-wang-typo", "王健国", "139-0000-1001", None],  # same phone, other name
            ["c-lina", "Li Na", None, "LI.NA@example.cn"],
            ["c-lina-wu", "Lina Wu", None, "li.na@example.cn "],  # same e-mail, other name
            ["c-zhao-new", "赵蕾", "+8613700007777", None],  # phone of a stored contact
            ["c-chen-2", "陈 晓燕", "13600006666", None],  # stored namesake, same phone
            ["c-kept", "Kept Person", "135 0000 5555", None],  # same id: an update, not a duplicate
            ["c-ann", "Ann Lee", "137 1111 3003", "ann@b.example.cn"],  # distinct people: nothing
            ["c-bob", "Bob Wu", "137 2222 3003", "bob@b.example.cn"],
            ["c-noph", "王建国", None, None],  # namesake without a phone: nothing
        ]
    }
    before = exported(store)
    report = run_import(store, sheets_from_xlsx(sheets), dry_run=True)
    found = {(d.reason, d.first.id, d.second.id, d.value) for d in report.suspected_duplicates}
    assert found == {
        ("same_name_different_phones", "c-wang", "c-wang-b", "王建国"),
        ("same_phone_different_names", "c-wang", "c-wang-typo", "13900001001"),
        ("same_email_different_names", "c-lina", "c-lina-wu", "li.na@example.cn"),
        ("same_phone_different_names", "c-zhao-new", "s-zhao", "13700007777"),
        ("same_name_shared_channel", "c-chen-2", "s-chen", "13600006666"),
    }
    stored_side = next(d for d in report.suspected_duplicates if d.second.id == "s-zhao")
    assert stored_side.second.stored and stored_side.second.row is None
    assert (stored_side.first.location, stored_side.first.row) == ("contacts", 7)
    assert "赵蕾" in stored_side.message and "赵磊" in stored_side.message
    assert any(w.row == 12 and "no e-mail and no phone" in w.reason for w in report.warnings)
    assert report.ok and exported(store) == before
    committed = run_import(store, sheets_from_xlsx(sheets), dry_run=False)  # warnings never block
    assert committed.committed and len(store.read("contacts")) == 3 + 11 - 1


def test_phone_normalisation():
    assert normalise_phone("+86 139-0000-1001") == normalise_phone("139 0000 1001") == "13900001001"
    assert normalise_phone("0086 13900001001") == "13900001001"
    assert normalise_phone("+86 571 8888 1234") == normalise_phone("0571-88881234") == "057188881234"
    assert normalise_phone("+1 415 555 0100") == "+14155550100"
    assert normalise_phone("12") is None


# --- command line --------------------------------------------------------------------------


@pytest.fixture
def cli(embedded_cli, tmp_path):
    invoke = embedded_cli

    def stored() -> dict[str, Any]:
        store = EmbeddedStore(tmp_path / "data" / "graphsvc.sqlite3")
        try:
            return exported(store)
        finally:
            store.close()

    invoke.stored = stored
    return invoke


def test_cli_xlsx_dry_run_then_commit(tmp_path, cli, demo_export):
    book = tmp_path / "demo.xlsx"
    book.write_bytes(xlsx_bytes(excel_typed(as_sheets(demo_data()))))
    empty = cli.stored()
    dry = cli("import", str(book), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout)
    assert report["ok"] and report["dry_run"] and not report["committed"]
    assert len(report["suspected_duplicates"]) == 2
    assert cli.stored() == empty
    done = cli("import", str(book))
    assert done.exit_code == 0, done.output
    assert "imported into the embedded store" in done.stdout and "78 contacts" in done.stdout
    assert "suspected duplicate: the same name with different phones (张伟)" in done.stdout
    assert cli.stored() == demo_export


def test_cli_csv_files_and_folder(tmp_path, cli):
    folder = write_csvs(tmp_path / "sheets", small_sheets(), "gb18030")
    files = [str(p) for p in sorted(folder.iterdir())]
    assert cli("import", "--dry-run", *files).exit_code == 0
    done = cli("import", str(folder))
    assert done.exit_code == 0, done.output
    assert "3 contacts" in done.stdout
    assert [c["name"] for c in cli.stored()["contacts"]] == ["Ann Lee", "李娜", "王建国"]


def test_cli_bad_spreadsheet_exits_2_and_writes_nothing(tmp_path, cli):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes(small_sheets()))
    assert cli("import", str(good)).exit_code == 0
    before = cli.stored()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes(small_sheets(contacts=[["id", "name", "status"], ["c-wang", "王建国", "gone"]])))
    done = cli("import", str(bad))
    assert done.exit_code == 2
    assert "error: contacts, row 2, column status:" in done.stderr and "nothing was written" in done.stderr
    as_json = cli("import", str(bad), "--json")
    assert as_json.exit_code == 2
    errors = json.loads(as_json.stdout)["errors"]
    assert [(e["location"], e["row"], e["field"], e["cell"]) for e in errors] == [("contacts", 2, "status", "C2")]
    missing = cli("import", str(tmp_path / "nope.xlsx"), "--json")
    assert missing.exit_code == 2 and "no such file" in json.loads(missing.stdout)["errors"][0]["reason"]
    assert cli.stored() == before


def test_cli_json_bundle_path_unchanged(tmp_path, cli, demo_export):
    bundle = tmp_path / "demo.json"
    bundle.write_text(json.dumps(demo_data(), ensure_ascii=False), encoding="utf-8")
    done = cli("import", str(bundle), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["counts"]["contacts"] == 78
    assert cli.stored() == demo_export
    # a JSON bundle has a dry run too now (issue 17): it writes nothing
    assert cli("import", str(bundle), "--dry-run").exit_code == 0 and cli.stored() == demo_export


def test_cli_progress_bar_stays_off_stdout(tmp_path, cli, monkeypatch):
    monkeypatch.setattr(spreadsheet_cli, "LARGE_ROWS", 5)
    rows = [["id", "name", "phones"]] + [[f"c-{i}", f"Person {i}", f"139{i:08d}"] for i in range(300)]
    path = tmp_path / "contacts.csv"
    path.write_bytes(csv_bytes(rows))
    done = cli("import", str(path), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["counts"]["contacts"] == 300
    assert "reading" in done.stderr
    assert len(cli.stored()["contacts"]) == 300


# --- HTTP ----------------------------------------------------------------------------------


@pytest.fixture
def http():
    store = EmbeddedStore()
    with TestClient(create_app(store)) as client:
        yield client, store
    store.close()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_http_xlsx_dry_run_then_commit(http, demo_export):
    client, store = http
    book = xlsx_bytes(excel_typed(as_sheets(demo_data())))
    dry = client.post(
        "/api/v1/import/spreadsheet", params={"dry_run": True}, files=[("files", ("demo.xlsx", book, XLSX_TYPE))]
    )
    assert dry.status_code == 200, dry.text
    assert dry.json()["ok"] and not dry.json()["committed"] and len(dry.json()["suspected_duplicates"]) == 2
    assert store.read("contacts") == []
    done = client.post("/api/v1/import/spreadsheet", files=[("files", ("demo.xlsx", book, XLSX_TYPE))])
    assert done.status_code == 200, done.text
    assert done.json()["committed"] and done.json()["counts"]["links"] == 176
    assert exported(store) == demo_export
    assert "/api/v1/import/spreadsheet" in client.get("/openapi.json").json()["paths"]


def test_http_csv_files_and_errors(http):
    client, store = http
    sheets = small_sheets()
    upload = [("files", (f"{name}.csv", csv_bytes(rows, "gb18030"), "text/csv")) for name, rows in sheets.items()]
    done = client.post("/api/v1/import/spreadsheet", files=upload)
    assert done.status_code == 200, done.text
    assert store.read("organizations", ["o-sz"])[0].name == "深圳市规划和自然资源局"
    before = exported(store)
    bad_rows = [["id", "contact", "responsibility", "raci"], ["a-2", "c-nobody", "r-1", "A"]]
    bad = client.post(
        "/api/v1/import/spreadsheet", files=[("files", ("assignments.csv", csv_bytes(bad_rows), "text/csv"))]
    )
    assert bad.status_code == 422
    assert [(e["location"], e["row"], e["field"]) for e in bad.json()["problems"]] == [("assignments", 2, "contact")]
    assert "nothing was written" in bad.json()["detail"]
    dry = client.post(
        "/api/v1/import/spreadsheet",
        params={"dry_run": True},
        files=[("files", ("assignments.csv", csv_bytes(bad_rows), "text/csv"))],
    )
    assert dry.status_code == 200 and [e["field"] for e in dry.json()["errors"]] == ["contact"]
    unreadable = client.post("/api/v1/import/spreadsheet", files=[("files", ("notes.txt", b"hi", "text/plain"))])
    assert unreadable.status_code == 422 and "not a spreadsheet" in unreadable.json()["problems"][0]["reason"]
    assert exported(store) == before
