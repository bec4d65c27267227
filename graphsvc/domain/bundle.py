"""The JSON bundle: parse and check a whole bundle before anything is written.

``parse_bundle`` collects *every* problem (array, row index, field, reason) instead of
stopping at the first, so a user can fix a spreadsheet in one pass. References may point
into the bundle itself or at rows already stored (``known`` tells which ids exist).
Assignments, links and interactions may omit ``id``: theirs is derived from the row's
natural key (``row_ids``), and a second row with the same key is a warning, left out.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from graphsvc.domain.missing import dangling
from graphsvc.domain.model import (
    KINDS,
    Assignment,
    Contact,
    ContactPeriod,
    Interaction,
    Link,
    Organization,
    Project,
    Responsibility,
    Row,
    Stage,
)
from graphsvc.domain.row_ids import PLACEHOLDER, PREFIXES, derived_row_id, describe_key, omits_id
from graphsvc.domain.validation_text import validation_message
from graphsvc.support.i18n import _

FORMAT: Final = "graphsvc-bundle"
VERSION: Final = 1


class Bundle(BaseModel):
    """A whole data set as flat arrays of rows; also the published JSON Schema."""

    model_config = ConfigDict(extra="forbid", title="graphsvc bundle")

    format: Literal["graphsvc-bundle"] = FORMAT
    version: Literal[1] = VERSION
    organizations: list[Organization] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    contact_history: list[ContactPeriod] = Field(default_factory=list)
    projects: list[Project] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    responsibilities: list[Responsibility] = Field(default_factory=list)
    assignments: list[Assignment] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    interactions: list[Interaction] = Field(default_factory=list)

    def rows(self, kind: str) -> list[Row]:
        rows: list[Row] = getattr(self, kind)
        return rows

    def size(self) -> int:
        return sum(len(self.rows(kind)) for kind in KINDS)

    def counts(self) -> dict[str, int]:
        return {kind: len(self.rows(kind)) for kind in KINDS}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle, located precisely enough to fix it."""

    array: str
    index: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.array if self.index is None else f"{self.array}[{self.index}]"
        if self.field:
            where += f".{self.field}"
        return _("{field}: {reason}").format(field=where, reason=self.reason)


class BundleError(ValueError):
    """A bundle that cannot be imported; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(_("bundle rejected, {count} problem(s):\n{lines}").format(count=len(problems), lines=lines))


#: kind -> set of ids that already exist in the target store, for the given candidates
KnownIds = Callable[[str, set[str]], set[str]]


def _no_known(kind: str, ids: set[str]) -> set[str]:
    return set()


def parse_bundle(data: Any, known: KnownIds = _no_known, derive_ids: bool = True) -> Bundle:
    """Validate raw JSON data into a Bundle, or raise BundleError listing every problem.
    ``derive_ids``: rows that may omit their id get one from their natural key."""
    return parse_bundle_with_warnings(data, known, derive_ids)[0]


def parse_bundle_with_warnings(
    data: Any, known: KnownIds = _no_known, derive_ids: bool = True, tick: Callable[[int], None] | None = None
) -> tuple[Bundle, list[Problem]]:
    """``parse_bundle``, with the warnings that do not block an import: id-less rows with the
    natural key of an earlier row, left out (located by array and row index). ``tick`` is
    told how many rows each step validated (a progress bar)."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        raise BundleError([Problem("(bundle)", None, None, _("a bundle must be a JSON object"))])

    parsed: dict[str, list[tuple[int, Row]]] = {}
    raw: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    derived: dict[str, set[int]] = {}
    for key, value in data.items():
        if key in ("format", "version"):
            expected = FORMAT if key == "format" else VERSION
            if value != expected:
                problems.append(
                    Problem(
                        key, None, None, _("must be {expected!r}, got {value!r}").format(expected=expected, value=value)
                    )
                )
        elif key not in KINDS:
            problems.append(
                Problem(key, None, None, _("unknown array; expected one of {kinds}").format(kinds=", ".join(KINDS)))
            )
    for kind, model in KINDS.items():
        raw_rows = data.get(kind, [])
        if not isinstance(raw_rows, list):
            problems.append(Problem(kind, None, None, _("must be an array of rows")))
            raw_rows = []
        derived[kind] = {i for i, r in enumerate(raw_rows) if omits_id(kind, r)} if derive_ids else set()
        if derived[kind]:
            # validated with a placeholder id, then given the id their key derives
            raw_rows = [{**r, "id": PLACEHOLDER} if i in derived[kind] else r for i, r in enumerate(raw_rows)]
        raw[kind] = [(i, r) for i, r in enumerate(raw_rows) if isinstance(r, dict)]
        parsed[kind] = _with_derived_ids(kind, _parse_rows(kind, model, raw_rows, problems, tick), derived[kind])

    # Duplicates and references are checked on the raw rows too, so that a row with a bad
    # field still has its other problems reported in the same pass.
    ids = {kind: [(index, _text(row.get("id"))) for index, row in rows] for kind, rows in raw.items()}
    for kind, rows in parsed.items():
        if derived[kind]:  # an id-less row that failed validation has no id to compare
            own = {index: row.id for index, row in rows if index in derived[kind]}
            ids[kind] = [(index, own.get(index) if index in derived[kind] else row_id) for index, row_id in ids[kind]]
    warnings, left_out = _same_keys(ids, derived, parsed)
    problems.extend(_check_duplicates(ids, left_out))
    problems.extend(_check_references(raw, ids, known))
    problems.extend(_check_consistency(parsed))
    if problems:
        raise BundleError(problems)
    kept = {kind: [row for index, row in rows if index not in left_out[kind]] for kind, rows in parsed.items()}
    return Bundle(**kept), warnings


def _with_derived_ids(kind: str, rows: list[tuple[int, Row]], derived: set[int]) -> list[tuple[int, Row]]:
    if not derived:
        return rows
    return [
        (index, row.model_copy(update={"id": derived_row_id(kind, row)}) if index in derived else row)
        for index, row in rows
    ]


def _same_keys(
    ids: dict[str, list[tuple[int, str | None]]], derived: dict[str, set[int]], parsed: dict[str, list[tuple[int, Row]]]
) -> tuple[list[Problem], dict[str, set[int]]]:
    """Rows whose id is that of an earlier row and one of the two had it derived: the same
    row given twice, so a warning and the first kept (as mail import keeps the first copy
    of a message). Explicit ids given twice stay an error (``_check_duplicates``)."""
    warnings: list[Problem] = []
    left_out: dict[str, set[int]] = {kind: set() for kind in ids}
    for kind, rows in ids.items():
        if not derived[kind]:
            continue
        by_index = dict(parsed[kind])
        first_seen: dict[str, int] = {}
        for index, row_id in rows:
            if row_id is None:
                continue
            first = first_seen.setdefault(row_id, index)
            if first != index and (index in derived[kind] or first in derived[kind]):
                row = by_index.get(index) or by_index[first]
                reason = _("left out: the same row as an earlier one (natural key {key}, first at row {row})").format(
                    key=describe_key(row), row=first
                )
                warnings.append(Problem(kind, index, None, reason))
                left_out[kind].add(index)
    return warnings, left_out


def load_bundle_file(path: str, known: KnownIds = _no_known) -> Bundle:
    return load_bundle_file_with_warnings(path, known)[0]


def load_bundle_file_with_warnings(path: str, known: KnownIds = _no_known) -> tuple[Bundle, list[Problem]]:
    """A bundle file parsed, with the warnings of ``parse_bundle_with_warnings``."""
    try:
        with open(path, encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as exc:
        raise BundleError(
            [
                Problem(
                    "(file)",
                    None,
                    None,
                    _("not valid JSON: {error} at line {line}").format(error=exc.msg, line=exc.lineno),
                )
            ]
        ) from exc
    return parse_bundle_with_warnings(data, known)


#: one validator per kind for the whole array: a clean array is validated in one call
_ARRAYS: dict[str, TypeAdapter[list[Row]]] = {
    kind: TypeAdapter(list[model])  # type: ignore[valid-type]  # a runtime class per kind; its rows are Rows
    for kind, model in KINDS.items()
}


#: rows validated in one step when someone watches (``tick``)
TICK_ROWS = 5000


def _parse_rows(
    kind: str, model: type[Row], raw_rows: list[Any], problems: list[Problem], tick: Callable[[int], None] | None
) -> list[tuple[int, Row]]:
    try:
        if tick is None:
            return list(enumerate(_ARRAYS[kind].validate_python(raw_rows)))
        valid: list[Row] = []
        for start in range(0, len(raw_rows), TICK_ROWS):
            valid += _ARRAYS[kind].validate_python(raw_rows[start : start + TICK_ROWS])
            tick(min(TICK_ROWS, len(raw_rows) - start))
        return list(enumerate(valid))
    except ValidationError:
        pass  # something is wrong: go row by row so that every problem is located
    rows = []
    for index, raw in enumerate(raw_rows):
        if not isinstance(raw, dict):
            problems.append(Problem(kind, index, None, _("each row must be a JSON object")))
            continue
        try:
            rows.append((index, model.model_validate(raw)))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                field = ".".join(str(part) for part in error["loc"]) or None
                problems.append(Problem(kind, index, field, _reason(error)))
    return rows


def _reason(error: ErrorDetails) -> str:
    if error["type"] == "extra_forbidden":
        return _("unknown field")
    if error["type"] == "missing":
        return _("required field is missing")
    if error["type"] == "string_too_short":
        return _("must not be empty")
    if error["type"] == "enum":
        return _("{reason}, got {value!r}").format(reason=validation_message(error), value=error["input"])
    return validation_message(error)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    return None


def _check_duplicates(ids: dict[str, list[tuple[int, str | None]]], left_out: dict[str, set[int]]) -> Iterable[Problem]:
    """``ids``: kind -> (row index, the row's id as text, None if it has none); ``left_out``:
    rows already warned about as repeats of an earlier one."""
    for kind, rows in ids.items():
        first_seen: dict[str, int] = {}
        for index, row_id in rows:
            if row_id is None or index in left_out[kind]:
                continue
            if row_id in first_seen:
                yield Problem(
                    kind,
                    index,
                    "id",
                    _("duplicate id {id!r} (first at row {row})").format(id=row_id, row=first_seen[row_id]),
                )
            else:
                first_seen[row_id] = index


#: references held inside lists: kind -> (list field, referenced kind, key inside an item)
_NESTED = {"projects": ("organizations", "organizations", "org"), "interactions": ("participants", "contacts", None)}

#: (kind, row index, field path, referenced kind, id)
Reference = tuple[str, int, str, str, str]


def _all_references(
    raw: dict[str, list[tuple[int, dict[str, Any]]]], skip: dict[str, set[str | None]] | None = None
) -> Iterator[Reference]:
    """Every id each raw row points at, in one pass (bundles reach hundreds of thousands of
    rows); with ``skip``, only those not among ``skip[referenced kind]``."""
    skip = skip or {}
    for kind, rows in raw.items():
        for field, target in KINDS[kind].references.items():
            known = skip.get(target, ())
            for index, row in rows:
                ref = _text(row.get(field))
                if ref is not None and ref not in known:
                    yield kind, index, field, target, ref
        if kind in _NESTED:
            field, target, key = _NESTED[kind]
            known = skip.get(target, ())
            for index, row in rows:
                items = row.get(field)
                for i, item in enumerate(items if isinstance(items, list) else []):
                    if key is None:
                        ref, path = _text(item), f"{field}.{i}"
                    else:
                        ref, path = (_text(item.get(key)) if isinstance(item, dict) else None), f"{field}.{i}.{key}"
                    if ref is not None and ref not in known:
                        yield kind, index, path, target, ref


def _check_references(
    raw: dict[str, list[tuple[int, dict[str, Any]]]], ids: dict[str, list[tuple[int, str | None]]], known: KnownIds
) -> Iterable[Problem]:
    in_bundle = {kind: {row_id for _, row_id in rows} for kind, rows in ids.items()}
    outside = list(_all_references(raw, skip=in_bundle))
    wanted: dict[str, set[str]] = defaultdict(set)
    for _kind, _index, _field, target, ref in outside:
        wanted[target].add(ref)
    stored = {target: known(target, ids) for target, ids in wanted.items()}
    for kind, index, field, target, ref in outside:
        if ref not in stored[target]:
            yield Problem(kind, index, field, dangling(target, ref))


_RowT = TypeVar("_RowT", bound=Row)


def _of(rows: list[tuple[int, Row]], model: type[_RowT]) -> list[tuple[int, _RowT]]:
    """The parsed rows of one kind, typed as that kind's model (``KINDS`` maps each kind to it)."""
    return cast(list[tuple[int, _RowT]], rows)


def _check_consistency(parsed: dict[str, list[tuple[int, Row]]]) -> Iterable[Problem]:
    dated: dict[str, list[tuple[int, ContactPeriod]] | list[tuple[int, Assignment]] | list[tuple[int, Link]]] = {
        "contact_history": _of(parsed["contact_history"], ContactPeriod),
        "assignments": _of(parsed["assignments"], Assignment),
        "links": _of(parsed["links"], Link),
    }
    for kind, rows in dated.items():
        for index, row in rows:
            if row.valid_from and row.valid_to and row.valid_from >= row.valid_to:
                yield Problem(kind, index, "valid_to", _("must be after valid_from"))
    for index, stage in _of(parsed["stages"], Stage):
        if stage.start and stage.end and stage.start > stage.end:
            yield Problem("stages", index, "end", _("must not be before start"))
    for index, link in _of(parsed["links"], Link):
        if link.source == link.target:
            yield Problem("links", index, "target", _("a link needs two different contacts"))
    for index, project in _of(parsed["projects"], Project):
        for i, part in enumerate(project.organizations):
            if part.valid_from and part.valid_to and part.valid_from >= part.valid_to:
                yield Problem("projects", index, f"organizations.{i}.valid_to", _("must be after valid_from"))
    yield from _check_stage_order(_of(parsed["stages"], Stage))
    yield from _check_history(_of(parsed["contact_history"], ContactPeriod), _of(parsed["contacts"], Contact))


def _check_stage_order(stages: list[tuple[int, Stage]]) -> Iterable[Problem]:
    seen: dict[tuple[str, int], int] = {}
    for index, stage in stages:
        key = (stage.project, stage.order)
        if key in seen:
            yield Problem(
                "stages",
                index,
                "order",
                _("project {project!r} already has a stage with order {order} (row {row})").format(
                    project=stage.project, order=stage.order, row=seen[key]
                ),
            )
        else:
            seen[key] = index


def _check_history(periods: list[tuple[int, ContactPeriod]], contacts: list[tuple[int, Contact]]) -> Iterable[Problem]:
    since = {c.id: c.since for _, c in contacts}
    by_contact: dict[str, list[tuple[int, ContactPeriod]]] = defaultdict(list)
    for index, period in periods:
        by_contact[period.contact].append((index, period))
        current_since = since.get(period.contact)
        if current_since and period.valid_to > current_since:
            yield Problem(
                "contact_history",
                index,
                "valid_to",
                _("overlaps the contact's current state (since {day})").format(day=current_since),
            )
    for entries in by_contact.values():
        entries.sort(key=lambda e: (e[1].valid_from is not None, e[1].valid_from, e[1].valid_to))
        for (_earlier_index, earlier), (index, later) in zip(entries, entries[1:]):
            if later.valid_from is None or later.valid_from < earlier.valid_to:
                yield Problem(
                    "contact_history",
                    index,
                    "valid_from",
                    _("overlaps period {id!r} of the same contact").format(id=earlier.id),
                )


def canonical_dict(bundle: Bundle) -> dict[str, Any]:
    """The export form: every array sorted by id, every field present, JSON types only."""
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    for kind in KINDS:
        rows = sorted(bundle.rows(kind), key=lambda row: row.id)
        out[kind] = [row.model_dump(mode="json") for row in rows]
    return out


def dump_bundle(bundle: Bundle) -> str:
    return json.dumps(canonical_dict(bundle), ensure_ascii=False, indent=2) + "\n"


def json_schema() -> dict[str, Any]:
    """The bundle's JSON Schema; in a bundle, the kinds that may omit ``id`` do not require it."""
    schema = Bundle.model_json_schema()
    for kind in PREFIXES:
        definition = schema["$defs"][KINDS[kind].__name__]
        definition["required"] = [name for name in definition["required"] if name != "id"]
        definition["properties"]["id"]["description"] = _ID_OPTIONAL
    return schema


#: the schema's word on an optional id (English: the schema is published as a file)
_ID_OPTIONAL = "optional: without one, the id is derived from the row's natural key (see the README)"
