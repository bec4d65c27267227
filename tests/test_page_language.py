"""The pages' words the acceptance cases do not reach speak the asked language too (issue #16):
the sign-in form and its error messages, the signed-in index, the empty index, the SVG
drawing of a stage and the RACI export's flags. Data aside (``language_check``)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from language_check import chinese_words, data_strings, english_words, page_text

from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.maps import project_graph
from graphsvc.application.maps.raci import csv_rows
from graphsvc.application.maps.svg import stage_svg
from graphsvc.domain.keys import Role, issue
from graphsvc.support.i18n import use_language
from graphsvc.web.app import create_app

DAY = date(2026, 11, 22)
PD = "pd-yunting-complex"
CONSTRUCTION = "pd-stage-construction"
LANGUAGES = ["zh-CN", "en"]


def wrong_words(language: str, text: str, data: list[str]) -> list[str]:
    return english_words(text, data) if language == "zh-CN" else chinese_words(text, data)


def without_commands(html: str) -> str:
    """The page without its <code> elements: command lines are typed as they are, in any language."""
    return re.sub(r"<code>.*?</code>", " ", html, flags=re.DOTALL)


def field(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


@pytest.fixture
def demo(embedded_store):
    import_bundle(embedded_store, demo_data())
    return embedded_store, data_strings(embedded_store.export().model_dump(mode="json"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_sign_in_its_errors_and_the_signed_in_index_speak_the_language(demo, language):
    store, data = demo
    key, record = issue("pd manager", Role.manager, [PD], None)
    store.save_key(record)
    data = ["pdmanager", *data]  # the key's name is data too
    seen = {}
    with TestClient(create_app(store, host="0.0.0.0"), headers={"Accept-Language": language}) as client:
        form = client.get("/signin")
        seen["form"] = form.text
        refused = client.post(
            "/signin",
            data={"key": "gsk_not-a-key", "csrf": field(form.text, "csrf"), "next": "/"},
            follow_redirects=False,
        )
        assert refused.status_code == 401
        seen["refused"] = refused.text
        seen["expired"] = client.post("/signin", data={"key": key, "csrf": "x", "next": "/"}).text
        form = client.get("/signin")
        signed = client.post("/signin", data={"key": key, "csrf": field(form.text, "csrf"), "next": f"/?as_of={DAY}"})
        assert signed.status_code == 200
        seen["index"] = signed.text
        seen["signed in"] = client.get("/signin").text
    assert f'lang="{language}"' in seen["form"]
    wrong = {name: wrong_words(language, page_text(without_commands(html)), data) for name, html in seen.items()}
    assert {name: words for name, words in wrong.items() if words} == {}
    if language == "zh-CN":
        assert "该密钥无效" in seen["refused"] and "项目经理" in seen["index"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_empty_index_speaks_the_language(embedded_store, language):
    with TestClient(create_app(embedded_store)) as client:
        page = client.get("/", headers={"Accept-Language": language}).text
    assert wrong_words(language, page_text(without_commands(page)), []) == []
    assert ("尚未存储任何项目" if language == "zh-CN" else "No projects are stored yet") in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_stage_drawing_and_the_raci_flags_speak_the_language(demo, language):
    store, data = demo
    with use_language(language):
        mapped = project_graph(store, PD, None, DAY)
        drawing = stage_svg(mapped, CONSTRUCTION)
        flags = {row[5] for row in csv_rows(mapped.raci) if row[5]}
    texts = "\n".join(re.findall(r">([^<>]+)</(?:text|title)>", drawing))
    assert wrong_words(language, texts, data) == []
    assert ("韩斌（休假中）" if language == "zh-CN" else "韩斌 (on leave)") in texts
    assert flags and wrong_words(language, "\n".join(flags), data) == []
