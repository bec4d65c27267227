"""The demo keeps its story (issue #14, item 9): ``graphsvc demo`` moves every date so that
its scenario day is the day it is loaded, and on that day the findings are those of the
scenario day. Compared load against load, never against a fixed list of findings."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import types
import typing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from graphsvc.application.demo import SCENARIO_DAY, demo_data
from graphsvc.application.demo.dates import shift_dates
from graphsvc.domain.bundle import parse_bundle
from graphsvc.domain.model import KINDS
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.support.i18n import format_day, use_language

#: the scenario day itself, a day in a later year, a leap day, and years away
LOAD_DAYS = ["2026-11-22", "2027-03-01", "2028-02-29", "2030-12-31"]
PROJECTS = ["pd-yunting-complex", "sw-fieldops-3"]
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
WRITTEN_DAY = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}\b")
#: a whole value that is a day or an instant (ids such as ``c-li-na@2025-07-01`` are not)
DATE_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?")


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "graphsvc", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def embedded(folder: Path) -> dict[str, str]:
    return {"GRAPHSVC_STORE": "embedded", "GRAPHSVC_DATA_DIR": str(folder)}


def fresh(store, settings_of, tmp_path: Path, day: str) -> dict[str, str]:
    """Settings of an empty store of the fixture's kind for a load on ``day``."""
    if isinstance(store, EmbeddedStore):
        return embedded(tmp_path / f"load-{day}")
    store.clear()
    return settings_of(store)


def offset(day: str) -> timedelta:
    return date.fromisoformat(day) - SCENARIO_DAY


def moved_back(text: str, by: timedelta) -> str:
    """``text`` with every day in it moved back by ``by`` (an instant keeps its time), days
    in data (ISO) and in English sentences ("Nov 22, 2026", ``format_day``) alike."""
    text = ISO_DAY.sub(lambda m: (date.fromisoformat(m.group()) - by).isoformat(), text)
    with use_language("en"):
        return WRITTEN_DAY.sub(lambda m: format_day(datetime.strptime(m.group(), "%b %d, %Y").date() - by), text)


def normalised(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What a finding is, without its wording: code, severity, stage and subjects."""
    return sorted(
        (
            f["code"],
            f["severity"],
            (f.get("stage") or {}).get("id"),
            json.dumps(sorted(json.dumps(s, sort_keys=True) for s in f.get("subjects", []))),
        )
        for f in report["findings"]
    )


def load_and_ask(env: dict[str, str], day: str) -> tuple[dict[str, str], str]:
    """Load the demo on ``day``; its findings per project as of that day, and its export."""
    loaded = run(env, "demo", "--on", day)
    assert loaded.returncode == 0, loaded.stderr
    assert f"scenario day {SCENARIO_DAY} became {day}" in loaded.stdout
    findings = {}
    for project in PROJECTS:
        done = run(env, "findings", "--project", project, "--json", "--as-of", day)
        assert done.returncode == 0, done.stderr
        findings[project] = done.stdout
    exported = run(env, "export", "-")
    assert exported.returncode == 0, exported.stderr
    return findings, exported.stdout


def moved_on(text: str, by: timedelta) -> str:
    return moved_back(text, -by)


def check_shift(original: Any, moved: Any, by: timedelta, where: str = "", texts: bool = True) -> int:
    """Every day or instant of ``original`` moved by exactly ``by`` (an instant keeps its time
    of day), with ``texts`` the days quoted in texts too (ids kept), everything else equal;
    returns how many date values were compared."""
    if isinstance(original, dict):
        assert isinstance(moved, dict) and moved.keys() == original.keys(), where
        return sum(check_shift(original[k], moved[k], by, f"{where}.{k}", texts) for k in original)
    if isinstance(original, list):
        assert isinstance(moved, list) and len(moved) == len(original), where
        return sum(check_shift(a, b, by, f"{where}[{i}]", texts) for i, (a, b) in enumerate(zip(original, moved)))
    if isinstance(original, str) and DATE_VALUE.fullmatch(original):
        if "T" in original:
            before, after = datetime.fromisoformat(original), datetime.fromisoformat(moved)
            assert after - before == by and after.timetz() == before.timetz(), f"{where}: {original} -> {moved}"
        else:
            assert date.fromisoformat(moved) - date.fromisoformat(original) == by, f"{where}: {original} -> {moved}"
        return 1
    if texts and isinstance(original, str) and not where.endswith(".id"):
        assert moved == moved_on(original, by), f"{where}: {original!r} -> {moved!r}"
        return 0
    assert moved == original, f"{where}: {original!r} -> {moved!r}"
    return 0


# on both stores the leap day; every load day on the embedded store in the test below
@pytest.mark.parametrize("day", ["2028-02-29"])
def test_findings_on_the_load_day_are_those_of_the_scenario_day(store, settings_of, tmp_path, day):
    scenario_findings, scenario_export = load_and_ask(
        fresh(store, settings_of, tmp_path, SCENARIO_DAY.isoformat()), SCENARIO_DAY.isoformat()
    )
    findings, exported = load_and_ask(fresh(store, settings_of, tmp_path, day), day)
    by = offset(day)
    for project in PROJECTS:
        expected, got = json.loads(scenario_findings[project]), json.loads(findings[project])
        assert expected["findings"], f"the demo plants findings in {project}"
        assert got["as_of"] == day
        assert normalised(got) == normalised(expected), project
        # the same report word for word once the days quoted in it are moved back
        assert json.loads(moved_back(findings[project], by)) == expected, project
    # the load itself: every date moved by the same days, and the days quoted in notes;
    # nothing else changed (ids such as c-li-na@2025-07-01 included)
    assert check_shift(json.loads(scenario_export), json.loads(exported), by) == dates_in_demo()


def test_loads_on_several_days_agree_and_the_scenario_day_is_the_readme(tmp_path):
    """The embedded store through the real command, every load day against each other;
    ``--on`` the scenario day is exactly ``--scenario-dates``, the README's fixed dates."""
    reports = {}
    for day in LOAD_DAYS:
        findings, _ = load_and_ask(embedded(tmp_path / day), day)
        reports[day] = {p: json.loads(moved_back(text, offset(day))) for p, text in findings.items()}
    for day in LOAD_DAYS[1:]:
        assert reports[day] == reports[LOAD_DAYS[0]], day
    fixed = embedded(tmp_path / "fixed")
    done = run(fixed, "demo", "--scenario-dates")
    assert done.returncode == 0 and f"scenario day is {SCENARIO_DAY}" in done.stdout
    assert json.loads(run(fixed, "export", "-").stdout) == json.loads(
        run(embedded(tmp_path / LOAD_DAYS[0]), "export", "-").stdout
    )


def test_by_default_the_load_day_is_today(tmp_path):
    env = embedded(tmp_path / "data")
    done = run(env, "demo", "--json")
    today = date.today()
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["scenario_day"] == SCENARIO_DAY.isoformat()
    assert report["loaded_as_of"] == today.isoformat() and report["shifted_days"] == (today - SCENARIO_DAY).days
    assert report["counts"]["contacts"] == len(demo_data()["contacts"])
    again = run(env, "demo")  # idempotent on the same day
    assert again.returncode == 0 and f"became {today} (today)" in again.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--on", "2026-02-30"], "--on"),
        (["--on", "next week"], "--on"),
        (["--on", "2999-06-01"], "--on: the demo can be loaded as of"),
        (["--on", "1900-06-01"], "--on: the demo can be loaded as of"),
        (["--on", "2027-03-01", "--scenario-dates"], "not both"),
    ],
)
def test_a_bad_load_day_is_a_clear_error_and_writes_nothing(tmp_path, args, message):
    env = embedded(tmp_path / "data")
    done = run(env, "demo", *args)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert json.loads(run(env, "export", "-").stdout)["contacts"] == []


# -- the shift itself: every date field of every model, found from the models' types --------


def _types_in(annotation: Any) -> set[Any]:
    """Every class named in a type: ``Day | None`` -> {date, NoneType}, ``list[X]`` -> {list, X}."""
    found = {annotation}
    if typing.get_origin(annotation) is typing.Annotated:
        return _types_in(typing.get_args(annotation)[0])
    for arg in typing.get_args(annotation):
        found |= _types_in(arg)
    origin = typing.get_origin(annotation)
    if origin is not None and origin not in (typing.Union, types.UnionType):
        found.add(origin)
    return found


def _date_fields(model: type[BaseModel]) -> dict[str, type]:
    """Field path -> date or datetime, for every date-typed field, nested models included."""
    fields: dict[str, type] = {}
    for name, info in model.model_fields.items():
        named = _types_in(info.annotation)
        if datetime in named:
            fields[name] = datetime
        elif date in named:
            fields[name] = date
        for inner in named:
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                fields |= {f"{name}[].{path}": kind for path, kind in _date_fields(inner).items()}
    return fields


def dates_in_demo() -> int:
    """How many date-typed values (by the models' types) the demo holds."""
    bundle = parse_bundle(demo_data())
    count = 0
    for kind, model in KINDS.items():
        for path in _date_fields(model):
            outer, _, inner = path.partition("[].")
            for row in bundle.rows(kind):
                values = [getattr(item, inner) for item in getattr(row, outer)] if inner else [getattr(row, outer)]
                count += sum(value is not None for value in values)
    return count


def test_the_models_have_the_date_fields_we_know_of():
    """The type walk finds the date fields (a check of the test's own helper)."""
    found = {f"{kind}.{path}" for kind, model in KINDS.items() for path in _date_fields(model)}
    assert found >= {
        "contacts.since",
        "contact_history.valid_from",
        "contact_history.valid_to",
        "projects.organizations[].valid_from",
        "projects.organizations[].valid_to",
        "stages.start",
        "stages.end",
        "assignments.valid_from",
        "assignments.valid_to",
        "links.last_contact",
        "links.valid_from",
        "links.valid_to",
        "interactions.at",
    }


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_date_field_of_every_model_moves(kind):
    """Each row kind with every date-typed field filled: each moves by exactly the shift,
    an instant keeps its time of day, and nothing else changes."""
    model = KINDS[kind]
    row = parse_bundle(demo_data()).rows(kind)[0]
    fields = _date_fields(model)
    filled = row.model_dump()
    for n, (path, typ) in enumerate(fields.items()):  # later fields later: ends after starts
        value = datetime(2026, 11, 22 + n, 23, 45, 6, tzinfo=UTC) if typ is datetime else date(2026, 11, 22 + n)
        if "[]." in path:
            outer, inner = path.split("[].")
            for item in filled[outer]:
                item[inner] = value
        else:
            filled[path] = value
    row = model.model_validate(filled)
    by = timedelta(days=1196)
    moved = shift_dates(row, by).model_dump(mode="json")
    dates = check_shift(row.model_dump(mode="json"), moved, by, kind, texts=False)
    nested = sum(len(filled[p.split("[].")[0]]) for p in fields if "[]." in p)
    assert dates == len([p for p in fields if "[]." not in p]) + nested
    assert shift_dates(row, by).id == row.id
