"""Reading uploaded or local spreadsheet files into ``Sheet``s: the I/O edge of the import.

Takes (file name, bytes) pairs so the CLI and the HTTP upload share one reader. An XLSX
workbook gives one sheet per worksheet; a CSV file is one sheet named after the file's
stem (``contacts.csv`` -> ``contacts``). CSV files exported by Excel come as UTF-8 with a
BOM, plain UTF-8, UTF-16 (with a BOM), or GB18030 (Chinese Windows); GB18030 decodes
almost any bytes, so it is taken only when the text reads as Chinese. Anything else is an
error naming the file and ``--encoding`` rather than silently garbled names (``Müller``
read as ``M黮ler``); the encoding a user names is used as given.

Uploads are hostile until read: every limit of ``ImportLimits`` (settings) is checked as
early as it can be, the size of the files before anything is parsed, a workbook's unpacked
size before its XML is, rows and cell lengths while reading, so that reading stops there.
openpyxl parses XML with defusedxml (installed with us), which refuses entity declarations
(billion laughs, XXE); a workbook that fails to parse in any way is a report naming the file.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from defusedxml import DefusedXmlException

from graphsvc.application.import_report import Issue
from graphsvc.application.spreadsheet.convert import (
    Sheet,
    SpreadsheetError,
    cell_value,
    column_letter,
)
from graphsvc.support.i18n import N_
from graphsvc.support.i18n import gettext as _
from graphsvc.support.settings import ImportLimits

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv",)
#: file suffixes the spreadsheet import takes (and a few it explains it cannot take)
SPREADSHEET_SUFFIXES = (*XLSX_SUFFIXES, *CSV_SUFFIXES, ".xls")
#: byte order marks and the codec each promises (UTF-8's first, UTF-16's are shorter prefixes of nothing else)
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
#: how a CSV file read after its BOM is named in the report
CSV_BOM_NAMES = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}
#: the share of non-ASCII characters that must be in GB2312 to read a file as GB18030
PLAUSIBLE_SHARE = 0.9
#: the share of those that must be first-level hanzi or punctuation
COMMON_SHARE = 0.5
#: charset-normalizer's language names that an error message names (in the reader's language)
GUESSED_LANGUAGES = {
    "Japanese": N_("Japanese"),
    "Chinese": N_("Chinese"),
    "Korean": N_("Korean"),
    "Russian": N_("Russian"),
    "English": N_("English"),
    "German": N_("German"),
    "French": N_("French"),
    "Spanish": N_("Spanish"),
    "Italian": N_("Italian"),
    "Portuguese": N_("Portuguese"),
    "Turkish": N_("Turkish"),
    "Greek": N_("Greek"),
    "Polish": N_("Polish"),
    "Arabic": N_("Arabic"),
    "Hebrew": N_("Hebrew"),
    "Thai": N_("Thai"),
    "Vietnamese": N_("Vietnamese"),
}
#: how much of an unreadable file charset-normalizer looks at for its guess
_GUESS_BYTES = 64 * 1024

#: called with the number of rows just read, for a progress bar
Tick = Callable[[int], None]
_TICK_EVERY = 500
#: more columns than any sheet has fields; a row's empty cells beyond are dropped, a value is an error
MAX_COLUMNS = 256


def _no_tick(rows: int) -> None:
    return None


def _suffix(name: str) -> str:
    return PurePath(name).suffix.lower()


def _stem(name: str) -> str:
    """The file name without folders (also Windows ones, from an upload) or suffix."""
    return PurePath(name.replace("\\", "/")).stem


def text_encoding(name: str) -> str:
    """The codec a user named for a CSV file, or ValueError: only text encodings are known."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        info = None
    # bytes-to-bytes codecs (base64, zip) are found too, but are no text encoding
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise ValueError(
            _("unknown text encoding “{name}” (known ones are e.g. utf-8, gb18030, cp1252, shift_jis)").format(
                name=name
            )
        )
    return info.name


def _gb2312_lead(char: str) -> int | None:
    """The first byte of a character in GB2312, None when GB2312 lacks it (GBK-only, Latin, kana...)."""
    try:
        return char.encode("gb2312")[0]
    except UnicodeEncodeError:
        return None


def plausibly_chinese(text: str) -> bool:
    """Whether GB18030-decoded text reads as Chinese rather than another encoding's bytes.

    GB18030 decodes almost any bytes, so the decoded characters are judged, each distinct
    character once (a large file costs no more than its alphabet): no private-use or
    unassigned ones; nearly all of them Han characters or GB2312's punctuation (names use
    hanzi beyond GB2312, such as 喆, 镕, 玥); and most of the Han ones on GB2312's first level
    (lead bytes 0xB0-0xD7: the 3755 most used hanzi). Windows-1252 or Shift-JIS bytes land
    on rare GBK-only hanzi (黮, 揷), Cyrillic bytes on GB2312's rare second level.
    """
    others = Counter(char for char in text if ord(char) >= 0x80)
    if any(unicodedata.category(char) in ("Co", "Cn", "Cs") for char in others):
        return False
    total = sum(others.values())
    han = {char: n for char, n in others.items() if "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"}
    leads = {char: _gb2312_lead(char) for char in others}

    def punctuation(char: str) -> bool:  # GB2312's rows before the hanzi: punctuation, full-width forms
        lead = leads[char]
        return lead is not None and lead < 0xB0

    def common_hanzi(char: str) -> bool:
        lead = leads[char]
        return lead is not None and 0xB0 <= lead <= 0xD7

    chinese = sum(n for char, n in others.items() if char in han or punctuation(char))
    common = sum(n for char, n in han.items() if common_hanzi(char))
    han_total = sum(han.values())
    return chinese >= PLAUSIBLE_SHARE * total and common >= COMMON_SHARE * han_total


def _looks_like(data: bytes) -> str:
    """charset-normalizer's best guess of a file's encoding (and language), for the message."""
    from charset_normalizer import from_bytes  # lazy: only an unreadable file needs it

    best = from_bytes(data[:_GUESS_BYTES]).best()
    if best is None:
        return _("no known text encoding")
    language = GUESSED_LANGUAGES.get(best.language)
    if language is None:
        return best.encoding  # a language we cannot name in every interface language is left out
    return _("{encoding} ({language})").format(encoding=best.encoding, language=_(language))


def _undecodable(name: str, encoding: str, exc: UnicodeDecodeError) -> SpreadsheetError:
    message = _(
        "{file} is not {encoding} text: the bytes at offset {offset} do not decode; "
        "check the encoding given (--encoding)"
    ).format(file=name, encoding=encoding, offset=exc.start)
    return SpreadsheetError([Issue(reason=message)])


def _nul_bytes(name: str) -> SpreadsheetError:
    message = _("{file} is not a text CSV file (it holds NUL bytes: UTF-16?); save it as CSV UTF-8").format(file=name)
    return SpreadsheetError([Issue(reason=message)])


def _without_nul(name: str, text: str, encoding: str) -> tuple[str, str]:
    """The text as decoded, unless it holds NUL characters (a binary file, UTF-32, a wrong codec)."""
    if "\x00" in text:
        raise _nul_bytes(name)
    return text, encoding


def decode_csv(name: str, data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with, or SpreadsheetError.

    Never a silent guess: an encoding given is used (a BOM dropped); else a BOM decides
    (UTF-8, UTF-16), then strict UTF-8, then GB18030 only when the text reads as Chinese;
    anything else is an error naming the file, what it looks like, and ``--encoding``.
    """
    if encoding is not None:
        try:
            return _without_nul(name, data.decode(encoding).removeprefix("\ufeff"), encoding)
        except UnicodeDecodeError as exc:
            raise _undecodable(name, encoding, exc) from exc
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return _without_nul(name, data[len(bom) :].decode(codec), CSV_BOM_NAMES[codec])
            except UnicodeDecodeError as exc:
                raise _undecodable(name, codec, exc) from exc  # a BOM promises its encoding
    if b"\x00" in data:
        raise _nul_bytes(name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and plausibly_chinese(text):
        return text, "gb18030"
    message = _(
        "{file} is neither UTF-8 (with or without BOM) nor Chinese GB18030 text; it looks like {guess}. "
        "Name its encoding with --encoding NAME (HTTP upload: encoding=NAME), e.g. --encoding cp1252, "
        "or save it as CSV UTF-8"
    ).format(file=name, guess=_looks_like(data))
    raise SpreadsheetError([Issue(reason=message)])


class _Budget:
    """The rows one import may still read, across all its sheets and files."""

    def __init__(self, limits: ImportLimits) -> None:
        self.limits = limits
        self.rows = 0

    def take_row(self, sheet: str, number: int, source: str) -> None:
        self.rows += 1
        if self.rows > self.limits.max_rows:
            message = _(
                "{file} holds more than {limit} rows (GRAPHSVC_IMPORT_MAX_ROWS), empty ones included; "
                "reading stopped here: split the file"
            ).format(file=source, limit=self.limits.max_rows)
            raise SpreadsheetError([Issue(location=sheet, row=number, reason=message)])

    def checked(self, cells: Any, header: list[Any], sheet: str, number: int) -> tuple[Any, ...]:
        """The row's cells, refused when a cell is too long or lies beyond MAX_COLUMNS."""
        if len(cells) > MAX_COLUMNS:
            tail = cells[MAX_COLUMNS:]
            if tail.count(None) + tail.count("") != len(tail):
                position = MAX_COLUMNS + next(i for i, value in enumerate(tail) if value not in (None, ""))
                ref = f"{column_letter(position)}{number}"
                message = _("cell {cell} lies beyond column {last}, the last one read").format(
                    cell=ref, last=column_letter(MAX_COLUMNS - 1)
                )
                raise SpreadsheetError([Issue(location=sheet, row=number, cell=ref, reason=message)])
            cells = cells[:MAX_COLUMNS]
        limit = self.limits.max_cell_chars
        for position, value in enumerate(cells):
            if isinstance(value, str) and len(value) > limit:
                ref = f"{column_letter(position)}{number}"
                name = header[position] if position < len(header) and isinstance(header[position], str) else None
                message = _(
                    "cell {cell} holds {count} characters, more than {limit} (GRAPHSVC_IMPORT_MAX_CELL_CHARS)"
                ).format(cell=ref, count=len(value), limit=limit)
                raise SpreadsheetError([Issue(location=sheet, row=number, field=name, cell=ref, reason=message)])
        return tuple(cells)


def _body(rows: Any, sheet: str, source: str, tick: Tick, budget: _Budget, encoding: str | None = None) -> Sheet:
    """Split numbered rows into header (first non-empty row) and data rows, within the limits."""
    header: list[Any] = []
    header_row = 1
    body: list[tuple[int, tuple[Any, ...]]] = []
    pending = 0
    for number, row in rows:
        budget.take_row(sheet, number, source)
        cells = budget.checked(row, header, sheet, number)
        pending += 1
        if pending == _TICK_EVERY:
            tick(pending)
            pending = 0
        if not header:
            if any(cell_value(cell) is not None for cell in cells):
                header, header_row = list(cells), number
            continue
        body.append((number, cells))
    tick(pending)
    return Sheet(name=sheet, source=source, header=header, rows=body, header_row=header_row, encoding=encoding)


def read_csv(
    name: str,
    data: bytes,
    tick: Tick = _no_tick,
    limits: ImportLimits = ImportLimits(),
    budget: _Budget | None = None,
    encoding: str | None = None,
) -> Sheet:
    """One CSV file (comma-separated, as Excel writes it) as the sheet named by its stem."""
    text, encoding = decode_csv(name, data, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _body(enumerate(reader, start=1), _stem(name), name, tick, budget or _Budget(limits), encoding)
    except csv.Error as exc:
        raise SpreadsheetError(
            [
                Issue(
                    reason=_("{file} is not a readable CSV file: {reason} (line {line})").format(
                        file=name, reason=exc, line=reader.line_num
                    )
                )
            ]
        ) from exc


def unpacked_size(name: str, data: bytes) -> int:
    """What a workbook unpacks to: the sum of its members' sizes as the zip declares them.

    A bound, not a guess: ``zipfile`` never inflates a member past its declared size (and
    fails on the CRC when the data says otherwise), so a zip bomb cannot lie its way past.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetError(
            [Issue(reason=_("{file} is not an XLSX workbook ({reason})").format(file=name, reason=exc))]
        ) from exc


def check_unpacked(name: str, data: bytes, limits: ImportLimits) -> None:
    """SpreadsheetError naming the file when the workbook unpacks past the limit."""
    size = unpacked_size(name, data)
    if size > limits.max_uncompressed_bytes:
        raise SpreadsheetError(
            [
                Issue(
                    reason=_(
                        "{file} unpacks to {size} bytes, more than {limit} "
                        "(GRAPHSVC_UPLOAD_MAX_UNCOMPRESSED_BYTES); nothing of it was read"
                    ).format(file=name, size=size, limit=limits.max_uncompressed_bytes)
                )
            ]
        )


def _defused() -> None:
    """Refuse to parse a workbook unless openpyxl parses its XML with defusedxml."""
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise SpreadsheetError(
            [Issue(reason=_("XLSX reading is off: openpyxl does not use defusedxml here (OPENPYXL_DEFUSEDXML?)"))]
        )


def _unreadable(name: str, exc: BaseException) -> str:
    """Why a workbook could not be read, from the first error raised (openpyxl wraps it)."""
    causes = [exc]
    while (cause := causes[-1].__cause__ or causes[-1].__context__) is not None and len(causes) < 10:
        causes.append(cause)
    if any(isinstance(cause, DefusedXmlException) for cause in causes):
        return _("{file} is not a readable XLSX workbook: its XML declares entities, which are refused").format(
            file=name
        )
    first = causes[-1]
    return _("{file} is not a readable XLSX workbook ({reason})").format(
        file=name, reason=f"{type(first).__name__}: {first}"
    )


def read_xlsx(
    name: str, data: bytes, tick: Tick = _no_tick, limits: ImportLimits = ImportLimits(), budget: _Budget | None = None
) -> list[Sheet]:
    """Every worksheet of a workbook; cached values of formulas, not the formulas.

    Any failure while parsing is the file's: openpyxl raises many kinds of error on a
    damaged or hostile workbook (cut-off XML, entity declarations, wrong types), and each
    one becomes a report naming the file instead of a crash.
    """
    from openpyxl import load_workbook

    _defused()
    check_unpacked(name, data, limits)
    budget = budget or _Budget(limits)
    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheets = []
        for sheet in workbook.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # a declared size is not a promise: rows come as stored
            sheets.append(_body(enumerate(sheet.iter_rows(values_only=True), start=1), sheet.title, name, tick, budget))
        return sheets
    except SpreadsheetError:
        raise
    except Exception as exc:
        raise SpreadsheetError([Issue(reason=_unreadable(name, exc))]) from exc
    finally:
        if workbook is not None:
            workbook.close()


def estimate_rows(files: list[tuple[str, bytes]], limits: ImportLimits = ImportLimits()) -> int:
    """Roughly how many rows the files hold, cheaply, to size a progress bar.

    A workbook is only opened within the limits, with defusedxml; any failure counts 0 rows
    (reading it reports the failure).
    """
    total = 0
    for name, data in files:
        if _suffix(name) in CSV_SUFFIXES:
            total += data.count(b"\n")
        elif _suffix(name) in XLSX_SUFFIXES:
            try:
                from openpyxl import load_workbook

                _defused()
                check_unpacked(name, data, limits)
                workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
                total += sum(sheet.max_row or 0 for sheet in workbook.worksheets)
                workbook.close()
            except Exception:
                pass
    return min(total, limits.max_rows)


def check_size(files: list[tuple[str, int]], limits: ImportLimits) -> None:
    """SpreadsheetError when the files (name, size) together are over the upload limit."""
    total = sum(size for _, size in files)
    if total > limits.max_bytes:
        names = ", ".join(name for name, _ in files)
        raise SpreadsheetError(
            [
                Issue(
                    reason=_(
                        "{files}: {size} bytes, more than {limit} (GRAPHSVC_UPLOAD_MAX_BYTES); nothing was read"
                    ).format(files=names, size=total, limit=limits.max_bytes)
                )
            ]
        )


def read_files(
    files: list[tuple[str, bytes]],
    tick: Tick = _no_tick,
    limits: ImportLimits = ImportLimits(),
    encoding: str | None = None,
) -> list[Sheet]:
    """One XLSX workbook, or one or more CSV files, as sheets; every unreadable file is named.

    Within ``limits``: reading stops at the first limit passed, with an error naming it.
    ``encoding`` (a name ``text_encoding`` accepts) is the CSV files' encoding; None detects it.
    """
    if not files:
        raise SpreadsheetError([Issue(reason=_("no file given: one .xlsx, or one or more .csv files"))])
    problems: list[Issue] = []
    for name, _data in files:
        suffix = _suffix(name)
        if suffix == ".xls":
            problems.append(
                Issue(reason=_("{file}: the old .xls format is not read; save it as .xlsx").format(file=name))
            )
        elif suffix not in XLSX_SUFFIXES + CSV_SUFFIXES:
            problems.append(Issue(reason=_("{file}: not a spreadsheet (expected .xlsx or .csv)").format(file=name)))
    workbooks = [name for name, _ in files if _suffix(name) in XLSX_SUFFIXES]
    if workbooks and len(files) > 1:
        problems.append(
            Issue(reason=_("give one .xlsx workbook, or one or more .csv files, not several files with a workbook"))
        )
    if problems:
        raise SpreadsheetError(problems)
    check_size([(name, len(data)) for name, data in files], limits)
    budget = _Budget(limits)
    sheets: list[Sheet] = []
    for name, data in files:
        try:
            if _suffix(name) in XLSX_SUFFIXES:
                sheets.extend(read_xlsx(name, data, tick, limits, budget))
            else:
                sheets.append(read_csv(name, data, tick, limits, budget, encoding))
        except SpreadsheetError as exc:
            problems.extend(exc.issues)
            if budget.rows > limits.max_rows:
                break  # over the row limit: no more reading
    if problems:
        raise SpreadsheetError(problems)
    return sheets
