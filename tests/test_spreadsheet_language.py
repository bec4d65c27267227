"""The spreadsheet import's report in the reader's language: every message of a dry run in
zh-CN is Chinese (data and codes aside), and its codes (sheets, rows, columns, cells,
duplicate reasons) are the same as in English."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from language_check import chinese_words, english_words

from graphsvc.application.import_report import ImportReport
from graphsvc.application.importer import import_bundle
from graphsvc.application.spreadsheet.convert import COLUMNS, SHEETS, Conversion
from graphsvc.application.spreadsheet.read import read_files
from graphsvc.application.spreadsheet.report import run_import
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.support.i18n import use_language
from graphsvc.web.app import create_app

SHEET_ROWS: dict[str, list[list[Any]]] = {
    "organizations": [["id", "name", "kind"], ["o-b", "滨江建设", "contractor"]],
    "contacts": [
        ["id", "name", "org", "phones", "emails", "nickname", "", "emails"],
        ["c-wang", "王建国", "o-b", "+86 139 0000 1001", "wang@b.example.cn", "老王", None, None],
        [None, None, None, None, None, None, None, None],
        ["c-wang-b", "王建国", "o-b", "13800001002", None, None, "多出的值", None],
        ["c-zhao-new", "赵蕾", "o-b", "+8613700007777", None, None, None, None],
        ["c-quiet", "孙静", "o-b", None, None, None, None, None],
    ],
    "Sheet1": [["anything"], ["x"]],
    "notes": [],
}


def _csv(rows: list[list[Any]]) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text).writerows([["" if v is None else v for v in row] for row in rows])
    return text.getvalue().encode("utf-8")


FILES = [(f"{name}.csv", _csv(rows)) for name, rows in SHEET_ROWS.items()]


@pytest.fixture
def store():
    with EmbeddedStore() as opened:
        import_bundle(opened, {"contacts": [{"id": "s-zhao", "name": "赵磊", "phones": ["137 0000 7777"]}]})
        yield opened


def data_and_codes() -> list[str]:
    """What a message may quote as it is: the file's cells, file and sheet names, column names."""
    words = {str(v) for rows in SHEET_ROWS.values() for row in rows for v in row if v not in (None, "")}
    words |= (
        {name for name, _ in FILES}
        | set(SHEET_ROWS)
        | set(SHEETS)
        | {c for columns in COLUMNS.values() for c in columns}
    )
    words |= {"s-zhao", "赵磊", "13700007777", "13900001001"}
    return sorted((w.replace(" ", "") for w in words), key=len, reverse=True)


def texts(report: ImportReport, language: str) -> list[str]:
    """Every text the report shows a person: each issue with its place (as the command line
    prints it), each duplicate."""
    with use_language(language):
        places = [str(issue) for issue in report.errors + report.warnings]
    return places + [d.message for d in report.suspected_duplicates]


def codes(report: ImportReport) -> Any:
    return (
        [(i.location, i.row, i.field, i.cell) for i in report.errors + report.warnings],
        [
            (d.reason, d.value, d.first.id, d.first.row, d.second.id, d.second.stored)
            for d in report.suspected_duplicates
        ],
        report.counts,
    )


def dry_run(store: EmbeddedStore, language: str) -> ImportReport:
    with use_language(language):
        return run_import(store, read_files(FILES), dry_run=True)


def test_a_dry_run_report_speaks_chinese_and_keeps_its_codes(store):
    chinese, english = dry_run(store, "zh-CN"), dry_run(store, "en")
    # the report holds every kind of message the test means to check
    assert {i.field for i in english.errors} >= {"nickname", "emails"} and any(
        i.location == "Sheet1" for i in english.errors
    )
    assert {"empty row skipped", "contact has no e-mail and no phone"} <= {w.reason for w in english.warnings}
    assert any("empty sheet ignored" in w.reason for w in english.warnings)
    assert {d.reason for d in english.suspected_duplicates} == {
        "same_name_different_phones",
        "same_phone_different_names",
    }

    assert codes(chinese) == codes(english)
    data = data_and_codes()
    for text in texts(chinese, "zh-CN"):
        assert english_words(text, data) == [], text
        assert chinese_words(text, data), text  # it does say something, in Chinese
    for text in texts(english, "en"):
        assert chinese_words(text, data) == [], text
    assert "contacts，第 3 行：已跳过空行" in texts(chinese, "zh-CN")


def test_the_upload_s_dry_run_answers_in_the_asked_language(store):
    with TestClient(create_app(store)) as client:
        answers = {
            language: client.post(
                "/api/v1/import/spreadsheet",
                params={"dry_run": True},
                files=[("files", (name, data, "text/csv")) for name, data in FILES],
                headers={"Accept-Language": language},
            )
            for language in ("zh-CN", "en")
        }
    for answer in answers.values():
        assert answer.status_code == 200, answer.text
    chinese, english = (ImportReport.model_validate(answers[lang].json()) for lang in ("zh-CN", "en"))
    assert codes(chinese) == codes(english)
    messages = [i.reason for i in chinese.errors + chinese.warnings] + [d.message for d in chinese.suspected_duplicates]
    assert all(english_words(text, data_and_codes()) == [] for text in messages), messages
    assert "已跳过空行" in {w.reason for w in chinese.warnings}


def test_sheets_and_columns_may_be_named_in_chinese():
    """A workbook with Chinese tab and column names imports as its English-named twin."""
    english = {
        "organizations": [["id", "name", "kind"], ["o-b", "滨江建设", "contractor"]],
        "contacts": [
            ["id", "name", "org", "title", "emails", "phones"],
            ["c-wang", "王建国", "o-b", "项目经理", "wang@b.example.cn", "139 0000 1001"],
        ],
        "projects": [["id", "name"], ["p-1", "云庭"]],
        "project_organizations": [["project", "org", "role"], ["p-1", "o-b", "施工"]],
        "stages": [["id", "project", "name", "order"], ["s-1", "p-1", "施工", 1]],
        "responsibilities": [["id", "stage", "name"], ["r-1", "s-1", "消防验收"]],
        "assignments": [["id", "contact", "responsibility", "raci"], ["a-1", "c-wang", "r-1", "A"]],
    }
    chinese = {
        "单位": [["编号", "名称", "类型"], english["organizations"][1]],
        "联系人": [["编号", "姓名", "单位", "职务", "邮箱", "电话"], english["contacts"][1]],
        "项目": [["编号", "名称"], english["projects"][1]],
        "项目参与单位": [["项目", "单位", "角色"], english["project_organizations"][1]],
        "阶段": [["编号", "项目", "名称", "序号"], english["stages"][1]],
        "职责": [["编号", "阶段", "名称"], english["responsibilities"][1]],
        "职责分工": [["编号", "联系人", "职责", "角色"], english["assignments"][1]],
    }
    exports = []
    for sheets in (english, chinese):
        with EmbeddedStore() as fresh:
            files = [(f"{name}.csv", _csv(rows)) for name, rows in sheets.items()]
            report = run_import(fresh, read_files(files), dry_run=False)
            assert report.committed and not report.errors, report.errors
            exports.append(fresh.export())
    assert exports[0] == exports[1]
    assert exports[1].assignments[0].raci == "A" and exports[1].projects[0].organizations[0].role == "施工"


def test_a_cited_row_is_the_sheet_s_row_in_either_language():
    """Bundle messages cite a row by its index; the report cites the sheet's row, in the
    English and in the Chinese wording alike."""
    rows = [2, 5, 9]
    assert Conversion._renumber("duplicate id 'x' (first at row 1)", rows) == "duplicate id 'x' (first at row 5)"
    assert Conversion._renumber("编号 'x' 重复（首次出现在第 1 行）", rows) == "编号 'x' 重复（首次出现在第 5 行）"
    assert Conversion._renumber("（第 7 行）", rows) == "（第 7 行）"  # no such row: left as written
