"""CSV encodings are never guessed silently (issue #17 item 5): real files written with Python's codecs.

A BOM (UTF-8, UTF-16) decides, then strict UTF-8, then GB18030 only when the text reads as
Chinese; Windows-1252 or Shift-JIS bytes (which GB18030 decodes into nonsense hanzi) are
refused naming the file and ``--encoding``, and accepted once their encoding is named.
Through the reader, the command line and the HTTP upload; nothing is stored on an error.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc.application.spreadsheet.convert import SpreadsheetError
from graphsvc.application.spreadsheet.read import read_files
from graphsvc.application.spreadsheet.report import run_import
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.web.app import create_app

CHINESE = {
    "organizations": [["id", "name", "kind"], ["o-sz", "深圳市规划和自然资源局", "regulator"]],
    "contacts": [
        ["id", "name", "org", "title"],
        ["c-wang", "王建国", "o-sz", "科长"],
        ["c-li", "李娜", "o-sz", "副主任"],
    ],
}
GERMAN = {"organizations": [["id", "name", "kind"], ["o-mueller", "Müller & Söhne GmbH", "contractor"]]}
JAPANESE = {
    "organizations": [["id", "name", "kind"], ["o-yamada", "株式会社山田商事", "contractor"]],
    "contacts": [["id", "name", "org"], ["c-tanaka", "田中太郎", "o-yamada"], ["c-hanako", "山田花子", "o-yamada"]],
}


def csv_text(rows: list[list[Any]]) -> str:
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    return text.getvalue()


def encoded(rows: list[list[Any]], encoding: str, bom: bytes = b"") -> bytes:
    return bom + codecs.encode(csv_text(rows), encoding)


def write(folder: Path, sheets: dict[str, list[list[Any]]], encoding: str, bom: bytes = b"") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, rows in sheets.items():
        path = folder / f"{name}.csv"
        path.write_bytes(encoded(rows, encoding, bom))
        paths.append(path)
    return paths


def uploads(sheets: dict[str, list[list[Any]]], encoding: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (f"{name}.csv", encoded(rows, encoding), "text/csv")) for name, rows in sheets.items()]


def test_the_samples_decode_as_gb18030_so_a_guess_would_garble_them():
    """Without the plausibility check these files are stored as nonsense hanzi."""
    assert codecs.decode(encoded(GERMAN["organizations"], "cp1252"), "gb18030").count("M黮ler") == 1
    for rows in JAPANESE.values():
        codecs.decode(encoded(rows, "shift_jis"), "gb18030")  # no error: GB18030 takes these bytes
    with pytest.raises(UnicodeDecodeError):
        codecs.decode(encoded(CHINESE["contacts"], "gbk"), "utf-8")


@pytest.mark.parametrize(
    "encoding, bom, reported",
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", codecs.BOM_UTF8, "utf-8-sig"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16"),
        ("gbk", b"", "gb18030"),
        ("gb18030", b"", "gb18030"),
    ],
)
def test_chinese_contacts_are_read_in_each_encoding(tmp_path, encoding, bom, reported):
    paths = write(tmp_path / "in", CHINESE, encoding, bom)
    store = EmbeddedStore()
    report = run_import(store, read_files([(str(p), p.read_bytes()) for p in paths]), dry_run=False)
    assert report.committed, report.errors
    assert {s.sheet: s.encoding for s in report.sources}["contacts"] == reported
    assert store.read("organizations", ["o-sz"])[0].name == "深圳市规划和自然资源局"
    assert sorted(c.name for c in store.read("contacts")) == ["李娜", "王建国"]
    assert store.read("contacts", ["c-li"])[0].title == "副主任"


@pytest.mark.parametrize("sheets, encoding", [(GERMAN, "cp1252"), (JAPANESE, "shift_jis"), (JAPANESE, "cp932")])
def test_other_encodings_are_refused_not_guessed(tmp_path, sheets, encoding):
    paths = write(tmp_path / "in", sheets, encoding)
    with pytest.raises(SpreadsheetError) as caught:
        read_files([(str(p), p.read_bytes()) for p in paths])
    messages = [issue.reason for issue in caught.value.issues]
    assert len(messages) == len(paths)
    for path, message in zip(paths, messages):
        assert str(path) in message and "--encoding" in message, message


def test_a_wrong_encoding_given_names_the_file_and_the_offset(tmp_path):
    data = encoded(CHINESE["contacts"], "utf-8")
    with pytest.raises(SpreadsheetError) as caught:
        read_files([("contacts.csv", data)], encoding="ascii")
    offset = data.index("王".encode())
    assert caught.value.issues[0].reason.startswith(f"contacts.csv is not ascii text: the bytes at offset {offset} ")


# --- command line --------------------------------------------------------------------------


@pytest.fixture
def cli(embedded_cli, tmp_path):
    invoke = embedded_cli

    def stored(kind: str) -> dict[str, str]:
        store = EmbeddedStore(tmp_path / "data" / "graphsvc.sqlite3")
        try:
            return {row.id: row.name for row in store.read(kind)}
        finally:
            store.close()

    invoke.stored = stored
    return invoke


def test_cli_windows_1252_refused_then_read_with_encoding(tmp_path, cli):
    (path,) = write(tmp_path / "in", GERMAN, "cp1252")
    refused = cli("import", str(path))
    assert refused.exit_code == 2, refused.output
    assert f"{path} is neither UTF-8" in refused.output and "--encoding" in refused.output
    assert "nothing was written" in refused.output
    assert cli.stored("organizations") == {}
    done = cli("import", str(path), "--encoding", "cp1252")
    assert done.exit_code == 0, done.output
    assert cli.stored("organizations") == {"o-mueller": "Müller & Söhne GmbH"}


def test_cli_shift_jis_refused_then_read_with_encoding(tmp_path, cli):
    folder = tmp_path / "in"
    write(folder, JAPANESE, "shift_jis")
    refused = cli("import", str(folder))
    assert refused.exit_code == 2, refused.output
    assert "contacts.csv is neither UTF-8" in refused.output and "Japanese" in refused.output
    assert cli.stored("contacts") == {}
    done = cli("import", str(folder), "--encoding", "shift_jis")
    assert done.exit_code == 0, done.output
    assert cli.stored("contacts") == {"c-tanaka": "田中太郎", "c-hanako": "山田花子"}
    assert cli.stored("organizations") == {"o-yamada": "株式会社山田商事"}


@pytest.mark.parametrize("name", ["klingon", "base64"])
def test_cli_unknown_encoding_is_refused_naming_the_option(tmp_path, cli, name):
    (path,) = write(tmp_path / "in", GERMAN, "cp1252")
    refused = cli("import", str(path), "--encoding", name)
    assert refused.exit_code == 2, refused.output
    assert f"error: --encoding: unknown text encoding “{name}”" in refused.output
    assert cli.stored("organizations") == {}


def test_cli_messages_in_chinese(tmp_path, cli, monkeypatch):
    monkeypatch.setenv("GRAPHSVC_LANG", "zh-CN")
    (path,) = write(tmp_path / "in", GERMAN, "cp1252")
    refused = cli("import", str(path))
    assert refused.exit_code == 2
    assert f"{path} 既不是 UTF-8" in refused.output and "--encoding" in refused.output
    unknown = cli("import", str(path), "--encoding", "klingon")
    assert "未知的文本编码" in unknown.output and "--encoding" in unknown.output
    japanese = write(tmp_path / "jp", JAPANESE, "shift_jis")
    refused = cli("import", *map(str, japanese))
    assert "看起来像 cp932（日文）" in refused.output and "Japanese" not in refused.output


# --- HTTP ----------------------------------------------------------------------------------

UPLOAD = "/api/v1/import/spreadsheet"


@pytest.fixture
def http():
    store = EmbeddedStore()
    with TestClient(create_app(store)) as client:
        yield client, store
    store.close()


def test_http_windows_1252_refused_then_read_with_encoding(http):
    client, store = http
    refused = client.post(UPLOAD, files=uploads(GERMAN, "cp1252"))
    assert refused.status_code == 422, refused.text
    (problem,) = refused.json()["problems"]
    assert problem["reason"].startswith("organizations.csv is neither UTF-8") and "encoding=NAME" in problem["reason"]
    assert store.read("organizations") == []
    done = client.post(UPLOAD, params={"encoding": "cp1252"}, files=uploads(GERMAN, "cp1252"))
    assert done.status_code == 200, done.text
    assert done.json()["sources"][0]["encoding"] == "cp1252"
    assert store.read("organizations", ["o-mueller"])[0].name == "Müller & Söhne GmbH"


def test_http_shift_jis_refused_then_read_with_encoding(http):
    client, store = http
    assert client.post(UPLOAD, files=uploads(JAPANESE, "shift_jis")).status_code == 422
    assert store.read("contacts") == []
    done = client.post(UPLOAD, params={"encoding": "shift_jis"}, files=uploads(JAPANESE, "shift_jis"))
    assert done.status_code == 200, done.text
    assert store.read("contacts", ["c-tanaka"])[0].name == "田中太郎"


def test_http_chinese_gbk_upload_is_stored_right(http):
    client, store = http
    done = client.post(UPLOAD, files=uploads(CHINESE, "gbk"))
    assert done.status_code == 200, done.text
    assert store.read("contacts", ["c-wang"])[0].name == "王建国"


def test_http_unknown_encoding_is_refused_naming_the_field(http):
    client, store = http
    refused = client.post(UPLOAD, params={"encoding": "klingon"}, files=uploads(GERMAN, "cp1252"))
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert "encoding" in body["detail"] and "unknown text encoding “klingon”" in body["detail"]
    assert [(p["location"], p["field"]) for p in body["problems"]] == [("query", "encoding")]
    chinese = client.post(
        UPLOAD, params={"encoding": "klingon", "lang": "zh-CN"}, files=uploads(GERMAN, "cp1252")
    ).json()
    assert "未知的文本编码" in chinese["detail"]
    refused = client.post(UPLOAD, params={"lang": "zh-CN"}, files=uploads(GERMAN, "cp1252")).json()
    assert "既不是 UTF-8" in refused["problems"][0]["reason"]
    assert store.read("organizations") == []


def test_names_with_hanzi_beyond_gb2312_are_read_as_chinese(tmp_path):
    """People's names use hanzi GB2312 lacks (喆, 镕, 玥, 昇): a short GBK export of them is
    still Chinese, not refused for an encoding guess."""
    sheets = {
        "organizations": [["id", "name"], ["o-hw", "华为"]],
        "contacts": [
            ["id", "name", "org"],
            ["c-1", "王喆", "o-hw"],
            ["c-2", "朱镕基", "o-hw"],
            ["c-3", "陈玥", "o-hw"],
        ],
    }
    paths = write(tmp_path / "in", sheets, "gbk")
    store = EmbeddedStore()
    report = run_import(store, read_files([(str(p), p.read_bytes()) for p in paths]), dry_run=False)
    assert report.committed, report.errors
    assert sorted(c.name for c in store.read("contacts")) == ["朱镕基", "王喆", "陈玥"]
