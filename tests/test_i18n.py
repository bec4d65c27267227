"""The interface's languages: catalogs complete and compiled, the language chosen as users
expect (``--lang``, ``GRAPHSVC_LANG``, the locale; ``?lang=``, ``Accept-Language``), days
and numbers written the reader's way, and every help text of the command line translated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import typer.main
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graphsvc.cli.main import app as cli_app
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.support import catalogs
from graphsvc.support.i18n import (
    CATALOG_NAMES,
    LANGUAGES,
    format_day,
    format_number,
    from_accept_language,
    from_environment,
    gettext,
    supported,
    use_language,
)
from graphsvc.web.app import create_app


def test_the_catalogs_hold_every_message_translated_and_compiled() -> None:
    """Fails on a message the code marks but a catalog lacks or leaves untranslated, on a
    catalog entry nothing uses, and on a .mo not compiled from its .po."""
    problems = catalogs.problems()
    assert not problems, "\n".join(problems[:40]) + "\n(run: python -m graphsvc.support.catalogs update)"


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{[a-zA-Z_]\w*(?:![rs])?(?::[^{}]*)?\}|%\([a-z_]+\)[sd]", text))


def test_every_translation_keeps_the_placeholders_of_its_message() -> None:
    for language in LANGUAGES:
        path = catalogs._po_path(catalogs.ROOT, language)
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set().union(*(_placeholders(i) for i in ids))
            for string in (s for s in strings if s):  # untranslated: the catalog test's
                assert _placeholders(string) == wanted, (language, message.id, string)


def test_a_message_translates_and_english_is_the_code_s_own_words() -> None:
    with use_language("zh-CN"):
        assert gettext("Options") == "选项"
    with use_language("en"):
        assert gettext("Options") == "Options"


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("zh", "zh-CN"),
        ("zh-CN", "zh-CN"),
        ("zh_CN.UTF-8", "zh-CN"),
        ("zh-Hans-CN", "zh-CN"),
        ("zh-TW", None),
        ("zh-Hant", None),
        ("en_GB.UTF-8", "en"),
        ("en", "en"),
        ("C.UTF-8", None),
        ("fr_FR", None),
        ("", None),
    ],
)
def test_language_tags_and_locale_names(tag: str, language: str | None) -> None:
    assert supported(tag) == language


def test_accept_language_takes_the_heaviest_spoken_language() -> None:
    assert from_accept_language("zh-CN,zh;q=0.9,en;q=0.8") == "zh-CN"
    assert from_accept_language("fr-FR, en;q=0.5, zh;q=0.7") == "zh-CN"
    assert from_accept_language("de, fr") is None
    assert from_accept_language("zh;q=0, en") == "en"
    assert from_accept_language(None) is None


def test_the_command_line_s_language_comes_from_graphsvc_lang_then_the_locale() -> None:
    assert from_environment({"GRAPHSVC_LANG": "zh-CN", "LANG": "en_US.UTF-8"}) == "zh-CN"
    assert from_environment({"LANG": "zh_CN.UTF-8"}) == "zh-CN"
    assert from_environment({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert from_environment({"LANG": "C.UTF-8"}) == "en"


def test_days_and_numbers_are_written_the_reader_s_way() -> None:
    with use_language("zh-CN"):
        assert format_day(date(2026, 11, 22)) == "2026年11月22日"
        assert format_number(12345.678) == "12,345.68"
    with use_language("en"):
        assert format_day(date(2026, 11, 22)) == "Nov 22, 2026"


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = [(path, command)]
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            found += _commands(sub, (*path, name))
    return found


def test_every_help_text_of_the_command_line_is_in_the_catalog() -> None:
    """A help text written so the extraction cannot see it (an f-string, a variable) would
    show in English under zh-CN: each one shown must have a Chinese translation."""
    root = typer.main.get_command(cli_app)
    untranslated = []
    with use_language("zh-CN"):
        for path, command in _commands(root):
            texts = [command.help, command.short_help, *(getattr(p, "help", None) for p in command.params)]
            for text in texts:
                if text and gettext(text) == text:
                    untranslated.append((" ".join(path), text))
    assert not untranslated, untranslated


def test_help_speaks_the_language_asked_for() -> None:
    runner = CliRunner()
    chinese = runner.invoke(cli_app, ["--lang", "zh-CN", "findings", "--help"], env={"GRAPHSVC_LANG": "en"})
    assert chinese.exit_code == 0, chinese.output
    assert "选项" in chinese.output and "Options" not in chinese.output
    by_environment = runner.invoke(cli_app, ["findings", "--help"], env={"GRAPHSVC_LANG": "zh-CN"})
    assert "选项" in by_environment.output
    by_locale = runner.invoke(cli_app, ["findings", "--help"], env={"GRAPHSVC_LANG": "", "LANG": "zh_CN.UTF-8"})
    assert "选项" in by_locale.output
    english = runner.invoke(cli_app, ["--lang", "en", "findings", "--help"])
    assert "Options" in english.output and "选项" not in english.output


def test_an_unknown_language_is_refused_by_name() -> None:
    runner = CliRunner()
    result = runner.invoke(cli_app, ["--lang", "fr", "projects", "list"])
    assert result.exit_code == 2
    assert "--lang" in result.output and "fr" in result.output
    result = runner.invoke(cli_app, ["projects", "list"], env={"GRAPHSVC_LANG": "klingon"})
    assert result.exit_code == 2
    assert "GRAPHSVC_LANG" in result.output


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with EmbeddedStore(tmp_path / "graphsvc.sqlite3") as store, TestClient(create_app(store)) as http:
        yield http


def test_the_web_speaks_lang_then_accept_language(client: TestClient) -> None:
    unknown = "/api/v1/projects/no-such-project"
    asked = client.get(unknown, params={"lang": "zh-CN"}, headers={"Accept-Language": "en"})
    assert asked.headers["Content-Language"] == "zh-CN"
    assert "Accept-Language" in asked.headers["Vary"]
    by_header = client.get(unknown, headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert by_header.headers["Content-Language"] == "zh-CN"
    plain = client.get(unknown)
    assert plain.headers["Content-Language"] == "en"


def test_the_web_refuses_an_unknown_lang_naming_the_field(client: TestClient) -> None:
    answer = client.get("/healthz", params={"lang": "xx"})
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid"
    assert body["problems"][0]["field"] == "lang"


def test_the_catalogs_ship_for_each_language() -> None:
    for language in LANGUAGES:
        compiled = catalogs.ROOT / "graphsvc" / "locale" / CATALOG_NAMES[language] / "LC_MESSAGES" / "graphsvc.mo"
        assert compiled.stat().st_size > 1000, compiled


def test_lang_is_no_filter_on_the_lists(client: TestClient) -> None:
    """``?lang=`` chooses the language on every URL; the list endpoints, which refuse
    unknown filters, take it too."""
    for kind in ("contacts", "organizations", "projects"):
        answer = client.get(f"/api/v1/{kind}", params={"lang": "zh-CN"})
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Language"] == "zh-CN"
