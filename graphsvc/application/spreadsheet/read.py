"""Reading uploaded or local spreadsheet files into ``Sheet``s: the I/O edge of the import.

Takes (file name, bytes) pairs so the CLI and the HTTP upload share one reader. An XLSX
workbook gives one sheet per worksheet; a CSV file is one sheet named after the file's
stem (``contacts.csv`` -> ``contacts``). CSV files exported by Excel come as UTF-8 with a
BOM, plain UTF-8, or GB18030 (Chinese Windows), and we try them in that order; anything
else is an error naming the file rather than silently garbled names.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from graphsvc.application.spreadsheet.convert import (
    Issue,
    Sheet,
    SpreadsheetError,
    cell_value,
)

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
#: file suffixes the spreadsheet import takes (and a few it explains it cannot take)
SPREADSHEET_SUFFIXES = (*XLSX_SUFFIXES, *CSV_SUFFIXES, ".xls")
CSV_ENCODINGS = ("utf-8-sig", "utf-8", "gb18030")

#: called with the number of rows just read, for a progress bar
Tick = Callable[[int], None]
_TICK_EVERY = 500


def _no_tick(rows: int) -> None:
    return None


def _suffix(name: str) -> str:
    return PurePath(name).suffix.lower()


def _stem(name: str) -> str:
    """The file name without folders (also Windows ones, from an upload) or suffix."""
    return PurePath(name.replace("\\", "/")).stem


def decode_csv(name: str, data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with, or SpreadsheetError."""
    if b"\x00" in data:
        raise SpreadsheetError(
            [Issue(message=f"{name} is not a text CSV file (it holds NUL bytes: UTF-16?); save it as CSV UTF-8")]
        )
    candidates = CSV_ENCODINGS if data.startswith(codecs.BOM_UTF8) else CSV_ENCODINGS[1:]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            if encoding == "utf-8-sig":
                break  # a BOM promises UTF-8: broken UTF-8 after it is not GB18030
    raise SpreadsheetError(
        [Issue(message=f"{name} is neither UTF-8 (with or without BOM) nor GB18030; save it as CSV UTF-8")]
    )


def _body(rows: Any, sheet: str, source: str, tick: Tick, encoding: str | None = None) -> Sheet:
    """Split numbered rows into header (first non-empty row) and data rows."""
    header: list[Any] = []
    header_row = 1
    body: list[tuple[int, tuple[Any, ...]]] = []
    pending = 0
    for number, cells in rows:
        pending += 1
        if pending == _TICK_EVERY:
            tick(pending)
            pending = 0
        if not header:
            if any(cell_value(cell) is not None for cell in cells):
                header, header_row = list(cells), number
            continue
        body.append((number, tuple(cells)))
    tick(pending)
    return Sheet(name=sheet, source=source, header=header, rows=body, header_row=header_row, encoding=encoding)


def read_csv(name: str, data: bytes, tick: Tick = _no_tick) -> Sheet:
    """One CSV file (comma-separated, as Excel writes it) as the sheet named by its stem."""
    text, encoding = decode_csv(name, data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _body(enumerate(reader, start=1), _stem(name), name, tick, encoding)
    except csv.Error as exc:
        raise SpreadsheetError(
            [Issue(message=f"{name} is not a readable CSV file: {exc} (line {reader.line_num})")]
        ) from exc


def read_xlsx(name: str, data: bytes, tick: Tick = _no_tick) -> list[Sheet]:
    """Every worksheet of a workbook; cached values of formulas, not the formulas."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError([Issue(message=f"{name} is not an XLSX workbook ({exc})")]) from exc
    try:
        return [
            _body(enumerate(sheet.iter_rows(values_only=True), start=1), sheet.title, name, tick)
            for sheet in workbook.worksheets
        ]
    finally:
        workbook.close()


def estimate_rows(files: list[tuple[str, bytes]]) -> int:
    """Roughly how many rows the files hold, cheaply, to size a progress bar."""
    total = 0
    for name, data in files:
        if _suffix(name) in CSV_SUFFIXES:
            total += data.count(b"\n")
        elif _suffix(name) in XLSX_SUFFIXES:
            try:
                from openpyxl import load_workbook

                workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
                total += sum(sheet.max_row or 0 for sheet in workbook.worksheets)
                workbook.close()
            except Exception:
                pass
    return total


def read_files(files: list[tuple[str, bytes]], tick: Tick = _no_tick) -> list[Sheet]:
    """One XLSX workbook, or one or more CSV files, as sheets; every unreadable file is named."""
    if not files:
        raise SpreadsheetError([Issue(message="no file given: one .xlsx, or one or more .csv files")])
    problems: list[Issue] = []
    for name, _ in files:
        suffix = _suffix(name)
        if suffix == ".xls":
            problems.append(Issue(message=f"{name}: the old .xls format is not read; save it as .xlsx"))
        elif suffix not in XLSX_SUFFIXES + CSV_SUFFIXES:
            problems.append(Issue(message=f"{name}: not a spreadsheet (expected .xlsx or .csv)"))
    workbooks = [name for name, _ in files if _suffix(name) in XLSX_SUFFIXES]
    if workbooks and len(files) > 1:
        problems.append(
            Issue(message="give one .xlsx workbook, or one or more .csv files, not several files with a workbook")
        )
    if problems:
        raise SpreadsheetError(problems)
    sheets: list[Sheet] = []
    for name, data in files:
        try:
            if _suffix(name) in XLSX_SUFFIXES:
                sheets.extend(read_xlsx(name, data, tick))
            else:
                sheets.append(read_csv(name, data, tick))
        except SpreadsheetError as exc:
            problems.extend(exc.issues)
    if problems:
        raise SpreadsheetError(problems)
    return sheets
