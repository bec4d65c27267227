"""Uploads with limits: hostile and huge spreadsheets are a report naming the file or the
limit (CLI exit 2, HTTP 413/422), never a crash, an expanded entity or an unbounded read.

The hostile files are written here by hand (zipfile, openpyxl, csv); the limits are set
small (settings, environment variables) instead of sending huge files. The last tests run
the real server on 127.0.0.1: it answers other requests and stops on SIGTERM while it reads
an upload.
"""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import time
import zipfile
from pathlib import Path

import httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from test_spreadsheet import XLSX_TYPE, csv_bytes, exported, small_sheets, xlsx_bytes

from graphsvc.application.spreadsheet.convert import SpreadsheetError
from graphsvc.application.spreadsheet.read import read_files
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.support.settings import ImportLimits, load_settings
from graphsvc.web.app import create_app

from live_server import serve_process

ROOT = Path(__file__).resolve().parent.parent
UPLOAD = "/api/v1/import/spreadsheet"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# -- hostile workbooks -------------------------------------------------------------------


def replaced(book: bytes, member: str, content: bytes) -> bytes:
    """The workbook with one zip member's bytes replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(book)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == member else source.read(info.filename))
    return out.getvalue()


def one_sheet_book() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "organizations"
    for row in [["id", "name", "kind"], *[[f"o-{i}", f"Org {i}", "other"] for i in range(200)]]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def sheet_xml(doctype: str, name_cell: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<worksheet xmlns="{MAIN_NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>name</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>kind</t></is></c></row>'
        f'<row r="2"><c r="A2" t="inlineStr"><is><t>o-1</t></is></c><c r="B2" t="inlineStr"><is><t>{name_cell}</t></is></c>'
        '<c r="C2" t="inlineStr"><is><t>other</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()


def _laughs() -> str:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    return "<!DOCTYPE worksheet [" + "".join(entities) + "]>"


def truncated() -> bytes:
    book = one_sheet_book()
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        xml = archive.read(SHEET)
    return replaced(book, SHEET, xml[: len(xml) // 2])


def billion_laughs() -> bytes:
    return replaced(one_sheet_book(), SHEET, sheet_xml(_laughs(), "&lol9;"))


def xxe(target: Path) -> bytes:
    doctype = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "{target.as_uri()}">]>'
    return replaced(one_sheet_book(), SHEET, sheet_xml(doctype, "&xxe;"))


def laughs_in_workbook_xml() -> bytes:
    book = one_sheet_book()
    with zipfile.ZipFile(io.BytesIO(book)) as archive:
        xml = archive.read("xl/workbook.xml").decode()
    xml = xml.replace("<workbook ", _laughs().replace("worksheet", "workbook") + "<workbook ", 1)
    xml = xml.replace('name="organizations"', 'name="&lol9;"')
    return replaced(book, "xl/workbook.xml", xml.encode())


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-XXE", encoding="utf-8")
    return path


@pytest.fixture
def hostile(secret) -> dict[str, bytes]:
    return {
        "truncated": truncated(),
        "laughs": billion_laughs(),
        "xxe": xxe(secret),
        "laughs-workbook": laughs_in_workbook_xml(),
    }


def test_openpyxl_parses_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "defusedxml must be installed (a dependency) for openpyxl to use it"


@pytest.mark.parametrize("case", ["truncated", "laughs", "xxe", "laughs-workbook"])
def test_hostile_workbook_is_a_report_naming_the_file(hostile, case):
    with pytest.raises(SpreadsheetError) as caught:
        read_files([(f"{case}.xlsx", hostile[case])])
    message = str(caught.value)
    assert f"{case}.xlsx is not a readable XLSX workbook" in message
    assert "TOP-SECRET" not in message and "lollol" not in message
    if case != "truncated":
        assert "entities" in message


@pytest.fixture
def http():
    store = EmbeddedStore()
    with TestClient(create_app(store, limits=ImportLimits())) as client:
        yield client, store
    store.close()


@pytest.mark.parametrize("case", ["truncated", "laughs", "xxe", "laughs-workbook"])
def test_http_hostile_workbook_is_422_naming_the_file(http, hostile, case):
    client, store = http
    answer = client.post(UPLOAD, files=[("files", (f"{case}.xlsx", hostile[case], XLSX_TYPE))])
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert body["code"] == "invalid" and f"{case}.xlsx" in body["detail"]
    assert "TOP-SECRET" not in answer.text
    dry = client.post(UPLOAD, params={"dry_run": True}, files=[("files", (f"{case}.xlsx", hostile[case], XLSX_TYPE))])
    assert dry.status_code == 200 and f"{case}.xlsx" in dry.json()["errors"][0]["reason"]
    assert store.read("organizations") == []


# -- limits ------------------------------------------------------------------------------


def test_the_limits_are_settings_with_sane_defaults(monkeypatch):
    defaults = load_settings().import_limits
    assert defaults == ImportLimits()
    assert defaults.max_bytes == 20 * 2**20 and defaults.max_rows == 100_000 and defaults.max_cell_chars == 32_767
    monkeypatch.setenv("GRAPHSVC_UPLOAD_MAX_BYTES", "1000")
    monkeypatch.setenv("GRAPHSVC_UPLOAD_MAX_UNCOMPRESSED_BYTES", "2000")
    monkeypatch.setenv("GRAPHSVC_IMPORT_MAX_ROWS", "30")
    monkeypatch.setenv("GRAPHSVC_IMPORT_MAX_CELL_CHARS", "40")
    assert load_settings().import_limits == ImportLimits(1000, 2000, 30, 40)


def zip_bomb() -> bytes:
    """A small workbook that unpacks to over 5 MB (whitespace between rows, as XML allows)."""
    xml = sheet_xml("", "Bomb").replace(b"<sheetData>", b"<sheetData>" + b" " * 5_000_000)
    return replaced(one_sheet_book(), SHEET, xml)


def test_workbook_unpacking_past_the_limit_is_refused_before_parsing():
    bomb = zip_bomb()
    assert len(bomb) < 20_000
    limits = ImportLimits(max_uncompressed_bytes=1_000_000)
    with pytest.raises(SpreadsheetError) as caught:
        read_files([("bomb.xlsx", bomb)], limits=limits)
    assert "bomb.xlsx unpacks to" in str(caught.value) and "GRAPHSVC_UPLOAD_MAX_UNCOMPRESSED_BYTES" in str(caught.value)
    assert read_files([("bomb.xlsx", bomb)])  # within the default


def test_rows_past_the_limit_stop_the_reading():
    rows = [["id", "name", "kind"]] + [[f"o-{i}", f"Org {i}", "other"] for i in range(60)]
    limits = ImportLimits(max_rows=50)
    with pytest.raises(SpreadsheetError) as caught:
        read_files([("organizations.csv", csv_bytes(rows))], limits=limits)
    [issue] = caught.value.issues
    assert (issue.location, issue.row) == ("organizations", 51) and "GRAPHSVC_IMPORT_MAX_ROWS" in issue.reason
    assert read_files([("organizations.csv", csv_bytes(rows[:50]))], limits=limits)
    # the limit is for all sheets together
    with pytest.raises(SpreadsheetError):
        read_files([("organizations.csv", csv_bytes(rows[:30])), ("contacts.csv", csv_bytes(rows[:30]))], limits=limits)


def far_row_book(row: int) -> bytes:
    """A tiny workbook whose second row is numbered ``row``: 3 million rows for a reader that pads."""
    xml = sheet_xml("", "Far").replace(b'<row r="2">', f'<row r="{row}">'.encode()).replace(b'r="A2"', b"")
    xml = xml.replace(b'r="B2"', b"").replace(b'r="C2"', b"")
    return replaced(one_sheet_book(), SHEET, xml)


def test_a_three_million_row_sheet_stops_at_the_row_limit():
    book = far_row_book(3_000_000)
    assert len(book) < 10_000
    started = time.monotonic()
    with pytest.raises(SpreadsheetError) as caught:
        read_files([("far.xlsx", book)], limits=ImportLimits(max_rows=1000))
    assert time.monotonic() - started < 2
    [issue] = caught.value.issues
    assert issue.row == 1001 and "far.xlsx holds more than 1000 rows" in issue.reason


def test_a_long_cell_is_named():
    sheets = small_sheets()
    sheets["contacts"][2][3] = "x" * 41
    limits = ImportLimits(max_cell_chars=40)
    for name, files in {
        "xlsx": [("book.xlsx", xlsx_bytes(sheets))],
        "csv": [("contacts.csv", csv_bytes(sheets["contacts"]))],
    }.items():
        with pytest.raises(SpreadsheetError) as caught:
            read_files(files, limits=limits)
        [issue] = caught.value.issues
        assert (issue.location, issue.row, issue.field, issue.cell) == ("contacts", 3, "title", "D3"), name
        assert "41 characters" in issue.reason and "GRAPHSVC_IMPORT_MAX_CELL_CHARS" in issue.reason
    sheets["contacts"][2][3] = "x" * 40
    assert read_files([("book.xlsx", xlsx_bytes(sheets))], limits=limits)


def test_a_value_beyond_the_last_column_read_is_named():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "organizations"
    sheet.append(["id", "name", "kind"])
    sheet.append(["o-1", "Org", "other"])
    sheet.cell(row=2, column=16384, value="far")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(SpreadsheetError) as caught:
        read_files([("wide.xlsx", buffer.getvalue())])
    assert caught.value.issues[0].cell == "XFD2"


def test_http_limits(monkeypatch):
    monkeypatch.setenv("GRAPHSVC_IMPORT_MAX_ROWS", "5")
    monkeypatch.setenv("GRAPHSVC_IMPORT_MAX_CELL_CHARS", "40")
    monkeypatch.setenv("GRAPHSVC_UPLOAD_MAX_BYTES", "5000")
    store = EmbeddedStore()
    with TestClient(create_app(store)) as client:  # the limits from the environment
        rows = [["id", "name", "kind"]] + [[f"o-{i}", f"Org {i}", "other"] for i in range(10)]
        many = client.post(UPLOAD, files=[("files", ("organizations.csv", csv_bytes(rows), "text/csv"))])
        assert many.status_code == 422 and "GRAPHSVC_IMPORT_MAX_ROWS" in many.json()["detail"]
        assert many.json()["problems"][0]["location"] == "organizations" and many.json()["problems"][0]["row"] == 6
        long = [["id", "name", "kind"], ["o-1", "y" * 41, "other"]]
        named = client.post(UPLOAD, files=[("files", ("organizations.csv", csv_bytes(long), "text/csv"))])
        assert named.status_code == 422
        problem = named.json()["problems"][0]
        assert (problem["location"], problem["row"], problem["field"]) == ("organizations", 2, "name")
        assert "cell B2 holds 41 characters" in problem["reason"]
        big = client.post(UPLOAD, files=[("files", ("organizations.csv", b"id,name\n" + b"x" * 6000, "text/csv"))])
        assert big.status_code == 413 and big.json()["code"] == "too_large"
        assert "GRAPHSVC_UPLOAD_MAX_BYTES" in big.json()["detail"]
        assert "413" in client.get("/openapi.json").json()["paths"][UPLOAD]["post"]["responses"]
    assert store.read("organizations") == []
    store.close()


# -- command line ------------------------------------------------------------------------


@pytest.fixture
def cli(embedded_cli):
    return embedded_cli


def test_cli_hostile_workbooks_exit_2_naming_the_file(tmp_path, cli, hostile):
    for case, data in hostile.items():
        path = tmp_path / f"{case}.xlsx"
        path.write_bytes(data)
        done = cli("import", str(path), "--json")
        assert done.exit_code == 2, (case, done.output)
        assert f"{case}.xlsx is not a readable XLSX workbook" in json.loads(done.stdout)["errors"][0]["reason"]
        assert "TOP-SECRET" not in done.output


def test_cli_applies_the_same_limits(tmp_path, cli, monkeypatch):
    rows = [["id", "name", "kind"]] + [[f"o-{i}", f"Org {i}", "other"] for i in range(10)]
    path = tmp_path / "organizations.csv"
    path.write_bytes(csv_bytes(rows))
    monkeypatch.setenv("GRAPHSVC_IMPORT_MAX_ROWS", "5")
    done = cli("import", str(path))
    assert done.exit_code == 2 and "GRAPHSVC_IMPORT_MAX_ROWS" in done.stderr
    monkeypatch.setenv("GRAPHSVC_IMPORT_MAX_ROWS", "100")
    monkeypatch.setenv("GRAPHSVC_UPLOAD_MAX_BYTES", "50")
    done = cli("import", str(path))
    assert done.exit_code == 2 and "GRAPHSVC_UPLOAD_MAX_BYTES" in done.stderr
    monkeypatch.setenv("GRAPHSVC_UPLOAD_MAX_BYTES", "0")
    done = cli("import", str(path))
    assert done.exit_code == 2 and "GRAPHSVC_UPLOAD_MAX_BYTES" in done.stderr
    monkeypatch.delenv("GRAPHSVC_UPLOAD_MAX_BYTES")
    assert cli("import", str(path)).exit_code == 0


# -- the real server ---------------------------------------------------------------------


@pytest.fixture
def server(tmp_path):
    """``graphsvc serve`` on 127.0.0.1 with a high row limit, so that reading takes seconds."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GRAPHSVC_STORE": "embedded",
        "GRAPHSVC_DATA_DIR": str(tmp_path / "data"),
        "GRAPHSVC_IMPORT_MAX_ROWS": "2000000",
        "GRAPHSVC_UPLOAD_MAX_BYTES": "100000",
    }
    with serve_process(env) as (child, base):
        yield child, base


def test_server_answers_and_stops_while_reading_an_upload(server):
    child, base = server
    book = far_row_book(4_000_000)  # ~4 million (padded) rows to read
    answers: list[httpx.Response | BaseException] = []

    def upload() -> None:
        try:
            answers.append(httpx.post(f"{base}{UPLOAD}", files=[("files", ("far.xlsx", book, XLSX_TYPE))], timeout=120))
        except BaseException as exc:  # the server may stop before answering
            answers.append(exc)

    thread = threading.Thread(target=upload)
    thread.start()
    time.sleep(1.0)  # the upload is being read now
    for _ in range(5):
        started = time.monotonic()
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        assert time.monotonic() - started < 1.0
    child.send_signal(signal.SIGTERM)
    child.wait(60)  # stops: raises TimeoutExpired otherwise
    thread.join(60)
    assert not thread.is_alive()


def test_server_refuses_a_large_upload_as_it_streams(server):
    _, base = server
    sent = 0

    def body():
        nonlocal sent
        boundary = b"--x\r\n"
        yield boundary + b'Content-Disposition: form-data; name="files"; filename="o.csv"\r\n\r\n'
        for _ in range(10_000):  # 10 MB in 1 kB chunks, no Content-Length
            sent += 1
            yield b"a" * 1024

    answer = httpx.post(
        f"{base}{UPLOAD}", content=body(), headers={"content-type": "multipart/form-data; boundary=x"}, timeout=30
    )
    assert answer.status_code == 413 and answer.json()["code"] == "too_large"
    declared = httpx.post(f"{base}{UPLOAD}", files=[("files", ("o.csv", b"a" * 200_000, "text/csv"))], timeout=30)
    assert declared.status_code == 413 and "GRAPHSVC_UPLOAD_MAX_BYTES" in declared.json()["detail"]


def test_store_untouched_after_refusals(http, hostile):
    client, store = http
    before = exported(store)
    for case, data in hostile.items():
        client.post(UPLOAD, files=[("files", (f"{case}.xlsx", data, XLSX_TYPE))])
    assert exported(store) == before
