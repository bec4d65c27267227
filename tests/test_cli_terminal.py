"""The command line in a terminal (issue #16): dates typed as people type them, help
without type placeholders, coloured severities only where colour belongs, --severity and
--limit, the portfolio by urgency, the audit trail newest first, and every table within
100 columns (Chinese characters counting two)."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from unicodedata import east_asian_width

import pytest
import typer
from typer.testing import CliRunner

from graphsvc.application.importer import import_bundle
from graphsvc.application.spreadsheet.convert import cell_value
from graphsvc.application.synthetic import portfolio
from graphsvc.cli.main import app
from graphsvc.domain.audit import AuditQuery

DAY = "2026-11-22"
FORMS = ["2026-11-22", "2026/11/22", "2026.11.22", "2026年11月22日"]
BAD = ["22.11.2026", "soon", "2026-13-01", "2026-11-22T09:30"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")
SW, PD = "sw-fieldops-3", "pd-yunting-complex"


def columns(line: str) -> int:
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in line)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo with its fixed dates, in an embedded store the commands are pointed at."""
    data = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRAPHSVC_STORE", "embedded")
        patch.setenv("GRAPHSVC_DATA_DIR", str(data))
        patch.delenv("NO_COLOR", raising=False)
        done = CliRunner().invoke(app, ["demo", "--scenario-dates"])
        assert done.exit_code == 0, done.output
        yield data


def cli(*args: str, color: bool = False, **env: str):
    return CliRunner().invoke(app, list(args), color=color, env=env or None)


# -- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMS + ["2026-11-22 ", "2026 / 11 / 22"])
def test_parse_day_takes_the_forms_imports_take(text):
    from graphsvc.domain.dates import parse_day

    assert parse_day(text) == date(2026, 11, 22)
    assert cell_value(text.strip(), "date") == DAY  # the spreadsheet import reads them alike


@pytest.mark.parametrize("text", BAD)
def test_parse_day_refuses_anything_else(text):
    from graphsvc.domain.dates import parse_day

    with pytest.raises(ValueError, match="2026/11/22"):
        parse_day(text) if text != "2026-13-01" else parse_day("x")
    if text == "2026-13-01":
        with pytest.raises(ValueError, match="no day of the calendar"):
            parse_day(text)


#: each date option, with a command that reaches a known answer once the day is read
DATE_OPTIONS = {
    "findings --as-of": (["findings", "--project", SW, "--json", "--as-of"], 0, '"as_of": "2026-11-22"'),
    "portfolio --as-of": (["portfolio", "--json", "--limit", "1", "--as-of"], 0, '"as_of": "2026-11-22"'),
    "path --as-of": (["path", "c-wang-jianguo", "c-guo-rui", "--json", "--as-of"], 0, '"as_of": "2026-11-22"'),
    "reminders --as-of": (["reminders", "--project", SW, "--json", "--as-of"], 0, '"as_of": "2026-11-22"'),
    "map --as-of": (["map", "--project", "nope", "--out", "-", "--as-of"], 4, "no project"),
    "handover --as-of": (["handover", "--project", "nope", "--out", "x.zip", "--as-of"], 4, "no project"),
    "audit --since": (["audit", "--json", "--limit", "1", "--since"], 0, '"at": "'),
    "demo --on": (["demo", "--scenario-dates", "--on"], 2, "give --on or --scenario-dates, not both"),
    "contact leave --on": (["contact", "leave", "nobody", "--on"], 4, "nobody"),
    "contact move --on": (["contact", "move", "nobody", "--org", "x", "--on"], 4, "nobody"),
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("option", sorted(DATE_OPTIONS))
def test_every_date_option_takes_every_form(demo, option, form, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args, code, answer = DATE_OPTIONS[option]
    done = cli(*args, form)
    assert done.exit_code == code, done.output
    assert answer in done.output


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("option", sorted(DATE_OPTIONS))
def test_a_bad_day_names_the_option(demo, option, bad, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args, _, _ = DATE_OPTIONS[option]
    done = cli(*args, bad)
    assert done.exit_code == 2, done.output
    assert option.split()[-1] in done.output and "2026/11/22" in done.output or "calendar" in done.output
    assert "Traceback" not in done.output


# -- help -----------------------------------------------------------------------------------------


def command_paths(command=None, path=()):
    command = command or typer.main.get_command(app)
    yield path
    for name, sub in getattr(command, "commands", {}).items():
        yield from command_paths(sub, (*path, name))


def test_help_shows_no_type_placeholders():
    paths = list(command_paths())
    assert ("findings",) in paths and ("contact", "leave") in paths and ("audit",) in paths
    for path in paths:
        done = cli(*path, "--help")
        assert done.exit_code == 0, (path, done.output)
        text = done.output
        for placeholder in ("<bool>", "<str>", "<int", "<%Y", "TEXT ", "INTEGER", "DATETIME", "BOOLEAN", "%Y-%m-%d"):
            assert placeholder not in text, (path, placeholder, text)
        assert not re.search(r"<[a-z][^>]*>", text), (path, text)
        for line in text.splitlines():
            if re.match(r"\s+--(json|help|no-color|dry-run|scenario-dates|oldest-first)\b", line):
                assert re.match(r"\s+--[a-z-]+(\s{2,}|$)", line), (path, line)  # a flag: no metavar
    findings = cli("findings", "--help").output
    assert re.search(r"--as-of DAY\s", findings) and re.search(r"--project ID\s", findings)
    assert re.search(r"--severity LEVEL\s", findings) and re.search(r"--limit N\s", findings)
    assert re.search(r"--since DAY\s", cli("audit", "--help").output)


# -- colour ---------------------------------------------------------------------------------------


def test_severities_are_coloured_on_a_terminal_only(demo):
    coloured = cli("findings", "--project", PD, "--as-of", DAY, color=True).output
    assert "\x1b[31m" in coloured and "\x1b[33m" in coloured and "\x1b[2m" in coloured  # red, yellow, dim
    critical = next(line for line in coloured.splitlines() if "OWNER_INACTIVE" in line)
    assert critical.startswith("\x1b[31m") and "CRITICAL" in critical
    for plain in (
        cli("findings", "--project", PD, "--as-of", DAY).output,  # not a terminal
        cli("findings", "--project", PD, "--as-of", DAY, "--no-color", color=True).output,
        cli("findings", "--project", PD, "--as-of", DAY, color=True, NO_COLOR="1").output,
        cli("portfolio", "--as-of", DAY, color=True, NO_COLOR="1").output,
    ):
        assert "\x1b[" not in plain and "CRITICAL  OWNER_INACTIVE" in plain
    assert "\x1b[31m" in cli("portfolio", "--as-of", DAY, color=True).output


def _in_terminal(args: list[str], **env: str) -> str:
    """Run the real command with its stdout on a pseudo-terminal; what it printed."""
    leader, follower = pty.openpty()
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), **env}
    environment.pop("NO_COLOR", None) if "NO_COLOR" not in env else None
    process = subprocess.Popen(
        [sys.executable, "-m", "graphsvc", *args], stdout=follower, stderr=subprocess.PIPE, env=environment
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8")


def test_colour_in_a_real_terminal_and_none_in_a_pipe(demo):
    args = ["findings", "--project", PD, "--as-of", DAY, "--severity", "high"]
    env = {"GRAPHSVC_STORE": "embedded", "GRAPHSVC_DATA_DIR": str(demo)}
    assert "\x1b[31m" in _in_terminal(args, **env)
    assert "\x1b[" not in _in_terminal(args, NO_COLOR="1", **env)
    piped = subprocess.run(
        [sys.executable, "-m", "graphsvc", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "PYTHONPATH": str(Path(__file__).parents[1])},
    )
    assert piped.returncode == 0 and "CRITICAL" in piped.stdout and "\x1b[" not in piped.stdout


# -- severity, limit, urgency ---------------------------------------------------------------------


def severities(text: str) -> list[str]:
    return [line.split()[0] for line in text.splitlines() if re.match(r"(CRITICAL|HIGH|MEDIUM|LOW) ", line)]


def test_severity_and_limit_on_findings(demo):
    full = json.loads(cli("findings", "--project", PD, "--as-of", DAY, "--json").stdout)
    assert "more" not in full  # no filter asked: the JSON is the report as before
    high = cli("findings", "--project", PD, "--as-of", DAY, "--severity", "high").output
    expected = sum(full["counts"][s] for s in ("critical", "high"))
    assert severities(high) == ["CRITICAL"] * full["counts"]["critical"] + ["HIGH"] * full["counts"]["high"]
    assert "more" not in high
    cut = cli("findings", "--project", PD, "--as-of", DAY, "--severity", "HIGH", "--limit", "3").output
    assert len(severities(cut)) == 3 and f"… {expected - 3} more; --limit 0 shows all" in cut
    everything = cli("findings", "--project", PD, "--as-of", DAY, "--limit", "0").output
    assert len(severities(everything)) == len(full["findings"]) and "more;" not in everything
    as_json = json.loads(
        cli("findings", "--project", PD, "--as-of", DAY, "--json", "--severity", "high", "--limit", "2").stdout
    )
    assert set(as_json) == set(full) | {"more"} and as_json["more"] == expected - 2
    assert as_json["findings"] == full["findings"][:2] and as_json["counts"] == full["counts"]
    bad = cli("findings", "--project", PD, "--severity", "urgent")
    assert bad.exit_code == 2 and "--severity" in bad.output


def test_limit_and_severity_on_portfolio(demo):
    full = json.loads(cli("portfolio", "--as-of", DAY, "--json").stdout)
    assert "more" not in full
    text = cli("portfolio", "--as-of", DAY, "--limit", "2", "--severity", "critical").output
    critical = full["counts"]["critical"]
    assert severities(text) == ["CRITICAL", "CRITICAL"] and f"… {critical - 2} more; --limit 0 shows all" in text
    default = cli("portfolio", "--as-of", DAY).output
    assert len(severities(default)) == 20 and f"… {len(full['findings']) - 20} more" in default


def test_portfolio_ranks_projects_by_urgency_and_stays_short(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSVC_STORE", "embedded")
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(tmp_path))
    from graphsvc.store.embedded import EmbeddedStore

    with EmbeddedStore(tmp_path / "graphsvc.sqlite3") as store:
        import_bundle(store, portfolio(20, 12, cross_links=0.2, seed=5), today=date(2026, 11, 22))
    report = json.loads(cli("portfolio", "--as-of", DAY, "--json").stdout)
    text = cli("portfolio", "--as-of", DAY).output
    assert len(text.splitlines()) < 150, "a summary per project and the top findings, not every finding"
    counts = {p["project"]["id"]: p["counts"] for p in report["projects"]}
    shown = [pid for line in text.splitlines() for pid in counts if f"({pid})" in line.split("  ")[0]]
    assert sorted(shown) == sorted(counts)
    keys = [tuple(-counts[pid][s] for s in ("critical", "high", "medium", "low")) for pid in shown]
    assert keys == sorted(keys) and shown != sorted(shown), "most urgent first, not by id"
    assert [p["project"]["id"] for p in report["projects"]] == sorted(counts), "the JSON keeps the API's order"
    top = [line.split("  ")[-1].strip().split(" / ")[0] for line in text.splitlines() if re.match(r"CRITICAL ", line)]
    names = {p["project"]["id"]: p["project"]["name"] for p in report["projects"]}
    critical = [names[pid] for pid in shown for _ in range(counts[pid]["critical"])]
    assert top == critical, "the critical findings of the most urgent projects first"


def test_by_urgency_orders_most_critical_then_high_first():
    from graphsvc.analysis.findings import Severity, Subject
    from graphsvc.analysis.health import Health
    from graphsvc.application.reports import ProjectSummary
    from graphsvc.application.triage import by_urgency

    def summary(pid: str, *n: int) -> ProjectSummary:
        health = Health.model_validate(json.loads(cli_health()))
        return ProjectSummary(
            project=Subject(kind="project", id=pid, name=pid), health=health, counts=dict(zip(Severity, n))
        )

    projects = [summary("a", 0, 9, 9, 9), summary("b", 1, 0, 0, 0), summary("c", 1, 2, 0, 0), summary("d", 0, 9, 9, 10)]
    assert [p.project.id for p in by_urgency(projects)] == ["c", "b", "d", "a"]


def cli_health() -> str:
    share = {"value": None, "count": 0, "total": 0}
    return json.dumps(
        dict.fromkeys(("single_accountable", "robust_handovers", "fresh_owner_links", "contact_completeness"), share)
    )


# -- audit ----------------------------------------------------------------------------------------


def test_audit_is_newest_first_and_says_how_many_more(demo):
    oldest = json.loads(cli("audit", "--json", "--limit", "0", "--oldest-first").stdout)
    newest = json.loads(cli("audit", "--json", "--limit", "5").stdout)
    assert len(oldest) > 100
    assert newest == oldest[::-1][:5]
    text = cli("audit", "--limit", "5").stdout.splitlines()
    assert len(text) == 6 and text[-1] == f"… {len(oldest) - 5} more; --limit 0 shows all"
    assert [line.split("  ")[-1].split()[-1] for line in text[:5]] == [f"{e['kind']}/{e['entity']}" for e in newest]
    assert "more" not in cli("audit", "--limit", "0").output
    default = cli("audit").stdout.splitlines()
    assert len(default) == 101 and default[-1] == f"… {len(oldest) - 100} more; --limit 0 shows all"


def test_audit_page_on_both_stores(store):
    from graphsvc.application.audit_trail import audit_page

    import_bundle(store, portfolio(1, 3, seed=2), today=date(2026, 11, 22))
    everything = store.audit_log(AuditQuery(limit=10_000))
    assert store.audit_count(AuditQuery()) == len(everything) > 6
    entries, more = audit_page(store, AuditQuery(limit=4))
    assert entries == everything[::-1][:4] and more == len(everything) - 4
    entries, more = audit_page(store, AuditQuery(limit=4, offset=2), newest_first=False)
    assert entries == everything[2:6] and more == len(everything) - 6
    kind = everything[0].kind
    assert store.audit_count(AuditQuery(kind=kind)) == sum(e.kind == kind for e in everything)
    entity = everything[0].entity
    assert store.audit_count(AuditQuery(entity=entity)) == sum(e.entity == entity for e in everything)
    assert audit_page(store, AuditQuery(limit=0)) == (everything[::-1], 0)


# -- width ----------------------------------------------------------------------------------------

WIDE = {
    "reminders --project PD": ["reminders", "--project", PD, "--as-of", DAY],
    "reminders --project SW": ["reminders", "--project", SW, "--as-of", DAY],
    "reminders --owner": ["reminders", "--owner", "c-zhang-wei", "--as-of", DAY],
    "findings PD": ["findings", "--project", PD, "--as-of", DAY, "--limit", "0"],
    "findings SW": ["findings", "--project", SW, "--as-of", DAY, "--limit", "0"],
    "portfolio": ["portfolio", "--as-of", DAY, "--limit", "0"],
}


#: in Chinese the tables' headers, severities and statuses are wider too
WIDE_IN_CHINESE = {
    **WIDE,
    "projects list": ["projects", "list", "--as-of", DAY],
    "contacts list": ["contacts", "list", "--limit", "0"],
    "contacts show": ["contacts", "show", "c-wang-jianguo", "--as-of", DAY],
}


@pytest.mark.parametrize(
    ("language", "name"), [("en", name) for name in sorted(WIDE)] + [("zh-CN", n) for n in sorted(WIDE_IN_CHINESE)]
)
def test_text_output_fits_100_columns(demo, language, name):
    done = cli("--lang", language, *WIDE_IN_CHINESE[name])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert len(lines) >= 5
    too_wide = [line for line in lines if columns(line) > 100]
    assert not too_wide, too_wide
