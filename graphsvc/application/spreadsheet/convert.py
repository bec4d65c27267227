"""Spreadsheet sheets -> the raw bundle dict that ``parse_bundle``/``import_bundle`` accept.

Teams keep their contacts in Excel, and Excel has its own ideas about cells: phones stored
as numbers, integers as floats, dates as date cells, blank rows in the middle. This module
turns sheets into exactly the JSON a bundle file would hold (so validation and import stay
in one place) and remembers where every row came from, so that each bundle ``Problem``
(array, index, field) is reported back as sheet / row / column. Pure: no file I/O here
(``spreadsheet_read`` reads files).

Conventions (the README's "Spreadsheet import" says the same):

- One sheet per bundle array, named like it (``contacts``, ``links``, ...); one more,
  ``project_organizations`` (columns project, org, role, valid_from, valid_to), holds the
  organisations taking part in each project, one per row.
- The first non-empty row holds the column names: the field names (case and surrounding
  spaces ignored), or their Chinese names (``COLUMN_ALIASES``: 姓名, 电话, 邮件...); sheets
  may be named in Chinese too (``SHEET_ALIASES``: 联系人, 单位...). Unknown sheets and
  unknown columns are errors naming them; a sheet with nothing in it is ignored with a warning.
- An empty cell means "not given": the field's default applies.
- Assignments, links and interactions need no id column (or cell): a row without one gets
  an id derived from its natural key (``row_ids``); ``duty`` names the responsibility column.
- List fields (emails, phones, tags, participants): items separated by ``;`` (or the
  full-width ``；``) or by line breaks within the cell. Commas are kept as text.
- Numbers: an integral number is its digits (phone 13900001001.0 -> "13900001001",
  order 1.0 -> 1); a number column (order, weight) takes a number cell or number text;
  dates: date cells, ISO text (2025-03-01), 2025/3/1 or 2025年3月1日;
  a date-time cell without a zone is read as UTC (write text with an offset,
  2025-04-15T09:30+08:00, to give one).
- Row numbers are those Excel shows (the header is usually row 1).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel

from graphsvc.application.import_report import Issue
from graphsvc.domain.bundle import Problem
from graphsvc.domain.dates import iso_text
from graphsvc.domain.model import KINDS, Participation
from graphsvc.domain.row_ids import PREFIXES
from graphsvc.support.i18n import gettext as _

PARTICIPATIONS = "project_organizations"
#: every sheet name a spreadsheet may hold
SHEETS: tuple[str, ...] = (*KINDS, PARTICIPATIONS)

_SPLIT = re.compile(r"[;；\r\n]+")

#: Chinese sheet names, as a team names its tabs, for the bundle arrays
SHEET_ALIASES: dict[str, str] = {
    "单位": "organizations",
    "联系人": "contacts",
    "人员": "contacts",
    "人员履历": "contact_history",
    "项目": "projects",
    "阶段": "stages",
    "职责": "responsibilities",
    "职责分工": "assignments",
    "联络线": "links",
    "沟通记录": "interactions",
    "项目参与单位": PARTICIPATIONS,
}
#: Chinese column names (and ``duty``), each standing for the first of its fields the sheet
#: has (角色 is ``raci`` in assignments, ``role`` in project_organizations); the report
#: names the field
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "编号": ("id",),
    "姓名": ("name",),
    "名称": ("name",),
    "单位": ("org",),
    "单位编号": ("org",),
    "职务": ("title",),
    "状态": ("status",),
    "起始日期": ("since",),
    "邮件": ("emails",),
    "邮箱": ("emails",),
    "电话": ("phones",),
    "首选联系方式": ("preferred_channel",),
    "语言": ("language",),
    "标签": ("tags",),
    "备注": ("notes",),
    "类型": ("kind",),
    "项目": ("project",),
    "项目编号": ("project",),
    "阶段": ("stage",),
    "阶段编号": ("stage",),
    "序号": ("order",),
    "开始日期": ("start",),
    "结束日期": ("end",),
    "说明": ("description",),
    "描述": ("description",),
    "联系人": ("contact",),
    "人员": ("contact",),
    "人员编号": ("contact",),
    "职责": ("responsibility",),
    "职责编号": ("responsibility",),
    "duty": ("responsibility",),
    "角色": ("raci", "role"),
    "生效日期": ("valid_from",),
    "失效日期": ("valid_to",),
    "发起人": ("source",),
    "对方": ("target",),
    "最近联系": ("last_contact",),
    "权重": ("weight",),
    "渠道": ("channel",),
    "时间": ("at",),
    "参与人": ("participants",),
    "摘要": ("summary",),
    "发件人": ("sender",),
}


def field_named(name: str, allowed: Iterable[str]) -> str:
    """The field a column name stands for in a sheet with these fields (itself if none)."""
    fields = set(allowed)
    if name in fields:
        return name
    return next((field for field in COLUMN_ALIASES.get(name, ()) if field in fields), name)


@dataclass
class Sheet:
    """A sheet as read: name as written, the file it came from, header and data rows."""

    name: str
    source: str
    header: list[str]
    #: (row number as the spreadsheet shows it, cell values)
    rows: list[tuple[int, tuple[Any, ...]]]
    header_row: int = 1
    encoding: str | None = None


class SpreadsheetError(ValueError):
    """Input that cannot be read as sheets at all (bad file, wrong type); nothing was written."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(str(issue) for issue in issues))


def _shape(annotation: Any) -> str:
    """'list', 'datetime', 'date', 'int', 'float' or 'scalar': how a cell becomes this
    field's JSON value."""
    if typing.get_origin(annotation) is list:
        return "list"
    kinds = typing.get_args(annotation) or (annotation,)
    # Day | None arrives as Annotated[date, ...] | None: look through the annotation
    kinds = tuple(typing.get_args(k)[0] if typing.get_origin(k) is typing.Annotated else k for k in kinds)
    if datetime in kinds:
        return "datetime"
    if date in kinds:
        return "date"
    if int in kinds:
        return "int"
    if float in kinds:
        return "float"
    return "scalar"


def _fields(model: type[BaseModel], skip: Iterable[str] = ()) -> dict[str, tuple[str, bool]]:
    """Column name -> (shape, required) for one sheet."""
    return {
        name: (_shape(info.annotation), info.is_required())
        for name, info in model.model_fields.items()
        if name not in skip
    }


#: sheet -> column -> (shape, required); a project's organisations have their own sheet
COLUMNS: dict[str, dict[str, tuple[str, bool]]] = {
    kind: _fields(model, skip=("organizations",) if kind == "projects" else ()) for kind, model in KINDS.items()
}
COLUMNS[PARTICIPATIONS] = {"project": ("scalar", True), **_fields(Participation)}
for _kind in PREFIXES:  # their rows may omit the id: it is derived from the row's natural key
    COLUMNS[_kind]["id"] = (COLUMNS[_kind]["id"][0], False)


def column_letter(position: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column as Excel names it."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_value(value: Any, shape: str = "scalar") -> Any:
    """A cell's value as the bundle's JSON would hold it; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, datetime):
        midnight = value.time() == time() and value.tzinfo is None
        text = value.date().isoformat() if midnight else value.isoformat()
    elif isinstance(value, (date, time)):
        text = value.isoformat()
    elif isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    else:
        text = str(value).strip()
    if shape == "list":
        items = [item.strip() for item in _SPLIT.split(text)]
        return [item for item in items if item] or None
    if shape in ("date", "datetime"):
        return iso_text(text)
    if shape in ("int", "float"):
        return _number(text, shape)
    return text


def _number(text: str, shape: str) -> Any:
    """A number column's cell as a JSON number (the model takes no numbers as text); text
    that is no number stays text, for the model to report."""
    try:
        number = float(text)
    except ValueError:
        return text
    if shape == "int":
        return int(number) if number.is_integer() else number
    return number


@dataclass
class _Placed:
    """Where one sheet's bundle rows came from."""

    sheet: str
    rows: list[int] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)


@dataclass
class Conversion:
    """The raw bundle made from sheets, its own problems, and the way back to cells."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    #: sheet name (canonical) -> where its rows came from
    placed: dict[str, _Placed] = field(default_factory=dict)
    #: (project index, participation index after canonical sorting) -> spreadsheet row
    participation_rows: dict[tuple[int, int], int] = field(default_factory=dict)
    #: (array, field) of required columns missing from a whole sheet, reported once
    missing_columns: set[tuple[str, str]] = field(default_factory=set)

    def counts(self) -> dict[str, int]:
        return {kind: len(self.data.get(kind, [])) for kind in KINDS}

    def issue(self, sheet: str, row: int | None, column: str | None, message: str) -> Issue:
        placed = self.placed.get(sheet)
        name = placed.sheet if placed else sheet
        position = placed.positions.get(column) if placed and column else None
        cell = f"{column_letter(position)}{row}" if position is not None and row is not None else None
        return Issue(location=name, row=row, field=column, cell=cell, reason=message)

    def locate(self, problem: Problem) -> Issue:
        """A bundle problem (array, index, field) as sheet / row / column."""
        if problem.array not in KINDS:
            return Issue(reason=str(problem))
        parts = problem.field.split(".") if problem.field else []
        if problem.index is None:
            return self.issue(problem.array, None, parts[0] if parts else None, problem.reason)
        if problem.array == "projects" and parts[:1] == ["organizations"] and len(parts) > 1 and parts[1].isdigit():
            row = self.participation_rows.get((problem.index, int(parts[1])))
            column = parts[2] if len(parts) > 2 else None
            return self.issue(PARTICIPATIONS, row, column, problem.reason)
        rows = self.placed[problem.array].rows if problem.array in self.placed else []
        row = rows[problem.index] if problem.index < len(rows) else None
        return self.issue(problem.array, row, parts[0] if parts else None, self._renumber(problem.reason, rows))

    def locate_all(self, problems: Iterable[Problem]) -> list[Issue]:
        """Every problem located, less the per-row echoes of a missing required column."""
        # the bundle's reason for a missing field, in English or as it reads translated
        required_missing = {"required field is missing", _("required field is missing")}
        return [
            self.locate(p)
            for p in problems
            if not ((p.array, p.field) in self.missing_columns and p.reason in required_missing)
        ]

    @staticmethod
    def _renumber(reason: str, rows: list[int]) -> str:
        """Bundle messages cite rows by index ("first at row 0", "第 0 行"): cite the sheet's
        row instead, in either language's wording."""

        def sheet_row(match: re.Match[str]) -> str:
            group = "index" if match.group("index") is not None else "index_zh"
            index = int(match.group(group))
            if index >= len(rows):
                return match.group(0)
            start, end = match.start(group) - match.start(), match.end(group) - match.start()
            return match.group(0)[:start] + str(rows[index]) + match.group(0)[end:]

        return _CITED_ROW.sub(sheet_row, reason)


#: a row a bundle message cites: "(row 3)" / "(first at row 3)" in English, "第 3 行" in Chinese
_CITED_ROW = re.compile(r"\brow (?P<index>\d+)\)|第 ?(?P<index_zh>\d+) ?行")


def sheets_to_bundle(sheets: Iterable[Sheet]) -> Conversion:
    """Convert sheets to a raw bundle; sheet-level mistakes go to ``errors``, nothing raises."""
    conversion = Conversion()
    by_name: dict[str, Sheet] = {}
    for sheet in sheets:
        key = sheet.name.strip().lower()
        key = SHEET_ALIASES.get(key, key)
        if key not in SHEETS:
            if not sheet.header and not sheet.rows:
                conversion.warnings.append(
                    Issue(location=sheet.name, reason=_("empty sheet ignored (in {file})").format(file=sheet.source))
                )
            else:
                conversion.errors.append(
                    Issue(
                        location=sheet.name,
                        reason=_("unknown sheet {sheet!r} in {file}; expected one of {sheets}").format(
                            sheet=sheet.name, file=sheet.source, sheets=", ".join(SHEETS)
                        ),
                    )
                )
            continue
        if key in by_name:
            conversion.errors.append(
                Issue(
                    location=sheet.name,
                    reason=_("sheet {sheet!r} given twice ({first} and {second})").format(
                        sheet=key, first=by_name[key].source, second=sheet.source
                    ),
                )
            )
            continue
        by_name[key] = sheet
    for kind in KINDS:
        if kind in by_name:
            conversion.data[kind] = _records(conversion, kind, by_name[kind])
    if PARTICIPATIONS in by_name:
        _attach_participations(conversion, by_name[PARTICIPATIONS])
    return conversion


def _columns(conversion: Conversion, key: str, sheet: Sheet) -> list[str | None]:
    """Each position's field; None for a column already reported, '' for one without a name."""
    allowed = COLUMNS[key]
    columns: list[str | None] = []
    placed = conversion.placed[key]
    for position, raw in enumerate(sheet.header):
        text = cell_value(raw)
        name = field_named(text.lower(), allowed) if isinstance(text, str) else ""
        if not name:
            columns.append("")
            continue
        if name in placed.positions:
            conversion.errors.append(
                Issue(
                    location=sheet.name,
                    row=sheet.header_row,
                    field=name,
                    cell=f"{column_letter(position)}{sheet.header_row}",
                    reason=_("column {column!r} given twice").format(column=name),
                )
            )
            columns.append(None)
        elif name not in allowed:
            if key == "projects" and name == "organizations":
                message = _("unknown column {column!r}; list a project's organisations in the {sheet} sheet").format(
                    column=name, sheet=PARTICIPATIONS
                )
            else:
                message = _("unknown column {column!r}; expected one of {columns}").format(
                    column=name, columns=", ".join(allowed)
                )
            conversion.errors.append(
                Issue(
                    location=sheet.name,
                    row=sheet.header_row,
                    field=name,
                    cell=f"{column_letter(position)}{sheet.header_row}",
                    reason=message,
                )
            )
            columns.append(None)
        else:
            placed.positions[name] = position
            columns.append(name)
    for name, (_shape_of, required) in allowed.items():
        if required and name not in placed.positions and sheet.rows:
            conversion.errors.append(
                Issue(
                    location=sheet.name,
                    row=sheet.header_row,
                    field=name,
                    reason=_("required column {column!r} is missing").format(column=name),
                )
            )
            conversion.missing_columns.add((key, name))
    return columns


def _records(conversion: Conversion, key: str, sheet: Sheet) -> list[dict[str, Any]]:
    """The sheet's non-empty rows as bundle rows; empty rows between data rows are warned about."""
    conversion.placed[key] = placed = _Placed(sheet.name)
    columns = _columns(conversion, key, sheet)
    shapes = COLUMNS[key]
    records: list[dict[str, Any]] = []
    skipped: list[int] = []
    unnamed_reported: set[int] = set()
    for number, cells in sheet.rows:
        record: dict[str, Any] = {}
        filled = False
        for position, raw in enumerate(cells):
            name = columns[position] if position < len(columns) else ""
            value = cell_value(raw, shapes[name][0] if name else "scalar")
            if value is None:
                continue
            filled = True
            if name == "" and position not in unnamed_reported:
                unnamed_reported.add(position)
                conversion.errors.append(
                    Issue(
                        location=sheet.name,
                        row=number,
                        cell=f"{column_letter(position)}{number}",
                        reason=_("a value in column {letter}, which has no name in the header row").format(
                            letter=column_letter(position)
                        ),
                    )
                )
            elif name:
                record[name] = value
        if not filled:
            skipped.append(number)
            continue
        for empty in skipped:  # only empty rows followed by data: trailing ones are Excel's padding
            conversion.warnings.append(Issue(location=sheet.name, row=empty, reason=_("empty row skipped")))
        skipped = []
        records.append(record)
        placed.rows.append(number)
    return records


def _participation_key(item: dict[str, Any]) -> tuple[str, str, str]:
    """The order Project sorts its organisations in, so problem indices map back to rows."""
    return (str(item.get("org", "")).strip(), str(item.get("valid_from") or ""), str(item.get("role", "")).strip())


def _attach_participations(conversion: Conversion, sheet: Sheet) -> None:
    """Rows of project_organizations become each listed project's ``organizations``."""
    records = _records(conversion, PARTICIPATIONS, sheet)
    numbers = conversion.placed[PARTICIPATIONS].rows
    projects = conversion.data.get("projects", [])
    index_of: dict[str, int] = {}
    for index, project in enumerate(projects):
        if isinstance(project.get("id"), str):
            index_of.setdefault(project["id"], index)
    items: dict[int, list[tuple[dict[str, Any], int]]] = {}
    for record, number in zip(records, numbers):
        project_id = record.pop("project", None)
        if project_id is None:
            if (PARTICIPATIONS, "project") not in conversion.missing_columns:
                conversion.errors.append(
                    conversion.issue(PARTICIPATIONS, number, "project", _("required field is missing"))
                )
            continue
        if project_id not in index_of:
            conversion.errors.append(
                conversion.issue(
                    PARTICIPATIONS,
                    number,
                    "project",
                    _(
                        "project {project!r} is not in the projects sheet (a project's organisations are "
                        "replaced as a whole, so list the project there too)"
                    ).format(project=project_id),
                )
            )
            continue
        items.setdefault(index_of[project_id], []).append((record, number))
    for index, entries in items.items():
        entries.sort(key=lambda entry: _participation_key(entry[0]))
        projects[index]["organizations"] = [record for record, _number in entries]
        for position, (_record, number) in enumerate(entries):
            conversion.participation_rows[(index, position)] = number
