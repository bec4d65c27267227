"""The analysis speaks the reader's language (issue #16): every finding of the demo (both
projects, on the scenario day) is explained and remedied in Chinese with no English
interface word, and in English with no Chinese one (data aside: ``language_check``); the
reminders, severity and health labels likewise. A change of language gives the other
language's text, also where answers are cached (the web's response cache, the Neo4j
portfolio scan)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from language_check import chinese_words, data_strings, english_words

from graphsvc.analysis.findings import Finding, Severity, analyse, flat, group_wording, present, severity_label
from graphsvc.analysis.health import HEALTH_LABELS, health_label
from graphsvc.analysis.view import build_view
from graphsvc.application.demo import SCENARIO_DAY, demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.reminders import project_reminders, reminders_report, reminders_text
from graphsvc.application.reports import portfolio_report
from graphsvc.domain.bundle import parse_bundle
from graphsvc.support.i18n import LOCALE_DIR, use_language
from graphsvc.web.app import create_app

PD, SW = "pd-yunting-complex", "sw-fieldops-3"
LANGUAGES = ["zh-CN", "en"]
#: every code the demo's two projects report on the scenario day (its README's story);
#: the other sentences (OVERLOADED_OWNER, HANDOVER_NO_PATH, the cases the demo lacks) are
#: checked in the catalog by test_every_analysis_message_is_chinese_in_the_catalog
DEMO_CODES = {
    "BRIDGE_LINK",
    "EXPIRING_ASSIGNMENT",
    "HANDOVER_SINGLE_POINT",
    "ISOLATED_OWNER",
    "MULTIPLE_ACCOUNTABLE",
    "NO_ACCOUNTABLE",
    "NO_RESPONSIBLE",
    "ORG_SILO",
    "OWNER_INACTIVE",
    "OWNER_ORG_NOT_ENGAGED",
    "SINGLE_POINT_OF_FAILURE",
    "STALE_LINK",
}


@pytest.fixture(scope="module")
def demo() -> tuple[Any, list[str]]:
    raw = demo_data()
    return parse_bundle(raw), data_strings(raw)


def wrong_words(language: str, text: str, data: list[str]) -> list[str]:
    return english_words(text, data) if language == "zh-CN" else chinese_words(text, data)


def demo_findings(bundle: Any, language: str) -> list[Finding]:
    """Both projects' findings as a view lists them (grouped entries with their members)."""
    with use_language(language):
        return [f for pid in (PD, SW) for f in present(analyse(build_view(bundle, pid, SCENARIO_DAY)).findings)]


def texts(findings: list[Finding]) -> list[str]:
    """Each explanation and remedy, of grouped entries and of their members."""
    return [t for f in findings for m in [f, *f.members] for t in (m.explanation, m.remedy)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_demo_finding_is_explained_and_remedied_in_the_reader_s_language(demo, language):
    bundle, data = demo
    findings = demo_findings(bundle, language)
    assert {f.code for f in flat(findings)} == DEMO_CODES
    assert any(f.members for f in findings)  # grouped entries are checked too
    for text in texts(findings):
        assert text.strip()
        assert wrong_words(language, text, data) == [], text


def test_every_stage_and_status_case_has_its_own_sentence_in_chinese(demo):
    """The Chinese reader gets each case's own sentence (no English status words left,
    days as Chinese dates), not fragments pasted in."""
    bundle, data = demo
    zh = texts(demo_findings(bundle, "zh-CN"))
    assert any("已离职" in t for t in zh) and any("休假中" in t for t in zh)
    assert any("2026年" in t or "2027年" in t for t in zh)
    assert not any("has left" in t or "on leave" in t for t in zh)


def test_a_change_of_language_gives_the_other_language_s_text(demo):
    bundle, _data = demo
    zh, en = demo_findings(bundle, "zh-CN"), demo_findings(bundle, "en")
    assert [f.code for f in zh] == [f.code for f in en]
    for one, other in zip(texts(zh), texts(en), strict=True):
        assert one != other
    # and back: nothing kept the first language's text
    assert texts(demo_findings(bundle, "zh-CN")) == texts(zh)


@pytest.mark.parametrize("language", LANGUAGES)
def test_group_wording_of_every_code_speaks_the_language(demo, language):
    _bundle, data = demo
    with use_language(language):
        for code in [*DEMO_CODES, "SOMETHING_NEW"]:
            for count in (1, 2, 5):
                for text in group_wording(code, count):
                    assert wrong_words(language, text, data) == [], text


def test_severity_and_health_labels():
    with use_language("zh-CN"):
        assert [severity_label(s) for s in Severity] == ["严重", "高", "中", "低"]
        assert severity_label("critical") == "严重"
        assert all(chinese_words(health_label(name), []) for name in HEALTH_LABELS)
    with use_language("en"):
        assert [severity_label(s) for s in Severity] == ["critical", "high", "medium", "low"]
        assert health_label("single_accountable") == "one accountable"


@pytest.mark.parametrize("language", LANGUAGES)
def test_reminders_speak_the_reader_s_language(demo, language, embedded_store):
    bundle, data = demo
    with use_language(language):
        messages = [r.message for pid in (PD, SW) for r in project_reminders(bundle, pid, SCENARIO_DAY)]
        assert messages
        for message in messages:
            assert wrong_words(language, message, data) == [], message
        import_bundle(embedded_store, demo_data(), today=SCENARIO_DAY)
        for report in (
            reminders_report(embedded_store, PD, as_of=SCENARIO_DAY),
            reminders_report(embedded_store, owner="c-zhang-wei", as_of=SCENARIO_DAY),
            reminders_report(embedded_store, SW, "c-zhang-wei", as_of=SCENARIO_DAY),
        ):
            table = reminders_text(report)
            assert wrong_words(language, table, data) == [], table
    if language == "zh-CN":
        assert any("天未与" in m for m in messages)


def test_the_portfolio_scan_answers_in_each_language(store, demo):
    """The scan (on Neo4j its pattern checks come from one query) writes its texts in the
    language asked, one after the other on the same store."""
    _bundle, data = demo
    import_bundle(store, demo_data(), today=SCENARIO_DAY)
    seen = {}
    for language in ["zh-CN", "en", "zh-CN"]:
        with use_language(language):
            report = portfolio_report(store, SCENARIO_DAY)
        found = texts(report.findings)
        assert {f.code for f in flat(report.findings)} == DEMO_CODES
        for text in found:
            assert wrong_words(language, text, data) == [], text
        if language in seen:
            assert seen[language] == found
        seen[language] = found


def test_the_web_s_cached_findings_follow_the_asked_language(embedded_store, demo):
    _bundle, data = demo
    import_bundle(embedded_store, demo_data(), today=SCENARIO_DAY)
    url = f"/api/v1/projects/{PD}/findings?as_of={SCENARIO_DAY}"
    with TestClient(create_app(embedded_store)) as http:
        answers = {}
        for language in ["en", "zh-CN", "en", "zh-CN"]:
            got = http.get(f"{url}&lang={language}")
            assert got.status_code == 200
            body = got.json()
            found = [t for f in body["findings"] for t in (f["explanation"], f["remedy"])]
            for text in found:
                assert wrong_words(language, text, data) == [], text
            assert {f["severity"] for f in body["findings"]} <= {s.value for s in Severity}  # codes stay
            answers.setdefault(language, found)
            assert answers[language] == found
        assert answers["en"] != answers["zh-CN"]


#: the files whose messages this area writes
AREA = (
    "graphsvc/analysis/findings.py",
    "graphsvc/analysis/health.py",
    "graphsvc/application/reminders.py",
    "graphsvc/application/reports.py",
    "graphsvc/application/stage_order.py",
    "graphsvc/application/consistency.py",
)


def test_every_analysis_message_is_chinese_in_the_catalog():
    """Every sentence of the analysis, also the cases the demo does not show, has a Chinese
    text with no English word left (placeholders and the R/A/C letters aside)."""
    with Path(LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "graphsvc.po").open("rb") as source:
        catalog = read_po(source)
    checked = 0
    for message in catalog:
        if not message.id or not any(path in AREA for path, _line in message.locations):
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert text, message.id
            assert english_words(re.sub(r"\{[a-z_]+(?:![rs])?\}", " ", text), []) == [], (message.id, text)
        checked += 1
    assert checked > 80
