"""People found by name (issue #16 item 2): wherever a contact, organisation or duty is
typed, an id, a name, its pinyin in full or by initials (surnames read as surnames) or a
Latin spelling without accents finds it; an ambiguous name answers the candidates (exit 2,
HTTP 422 with ``candidates``), never a guess; and a scoped key's lookups know nothing
outside its reach."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graphsvc.analysis.paths import PathError
from graphsvc.application.access import Principal, ScopedStore
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.listings import contact_card, contact_rows
from graphsvc.application.maps import project_graph
from graphsvc.application.name_lookup import (
    AmbiguousName,
    build_index,
    find,
    index_of,
    mentions,
    pinyin_forms,
    pinyin_matches,
)
from graphsvc.application.reminders import reminders_report
from graphsvc.application.reports import contact_paths
from graphsvc.cli.main import app
from graphsvc.domain.keys import Role
from graphsvc.domain.model import Contact, Organization
from graphsvc.web.app import create_app

from samples import key_headers

DAY = date(2026, 11, 22)
PD, SW = "pd-yunting-complex", "sw-fieldops-3"
WANG = "c-wang-jianguo"


def index_of_people(*people: tuple[str, str], orgs: tuple[tuple[str, str], ...] = ()):
    return build_index(
        [Contact(id=cid, name=name) for cid, name in people], [Organization(id=oid, name=n) for oid, n in orgs]
    )


# -- the forms of a name (pure) ------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["wangjianguo", "wjg", "Wang Jianguo", "wang jianguo", "jianguo wang", "WANG-Jianguo", "wangjg"]
)
def test_wang_jianguo_by_pinyin(typed):
    assert pinyin_matches("王建国", typed)
    assert find(index_of_people(("c-1", "王建国"), ("c-2", "王建华")), typed).id == "c-1"


@pytest.mark.parametrize(
    ("name", "typed", "everyday"),
    [
        ("曾国藩", "zengguofan", "cengguofan"),
        ("单雄信", "shanxiongxin", "danxiongxin"),
        ("解缙", "xiejin", None),
        ("仇英", "qiuying", None),
        ("朴槿惠", "piaojinhui", None),
        ("查良镛", "zhaliangyong", None),
        ("区家麟", "oujialin", None),
        ("乐嘉", "yuejia", None),
        ("覃振", "qinzhen", None),
        ("尉迟恭", "yuchigong", None),
    ],
)
def test_polyphonic_surnames_read_as_surnames(name, typed, everyday):
    assert pinyin_matches(name, typed), (name, pinyin_forms(name))
    assert typed in pinyin_forms(name)
    assert pinyin_forms(name)[0] == typed  # the surname reading comes first
    if everyday:  # the everyday reading still finds them, after the surname's
        assert everyday in pinyin_forms(name)[1:]


def test_surname_initials_follow_the_surname_reading():
    index = index_of_people(("c-zeng", "曾艳"), ("c-shan", "单磊"), ("c-xie", "解放"))
    assert find(index, "zy").id == "c-zeng"
    assert find(index, "Zeng Yan").id == "c-zeng"
    assert find(index, "shan lei").id == "c-shan"
    assert find(index, "xief").id == "c-xie"


def test_latin_names_without_case_or_accents():
    index = index_of_people(("c-jose", "José Müller"), ("c-sophie", "Sophie Laurent"))
    assert find(index, "jose muller").id == "c-jose"
    assert find(index, "MÜLLER José").id == "c-jose"
    assert find(index, "laurent").id == "c-sophie"  # a unique part of the name
    assert find(index, "nobody") is None
    assert mentions("Harbourline Façade Consultants", "facade")


def test_ladder_prefers_the_exact_rung_and_never_guesses():
    index = index_of_people(("c-a", "张伟"), ("c-b", "张伟"), ("c-c", "张伟明"), orgs=(("org-zw", "张伟"),))
    assert find(index, "c-c").id == "c-c"  # an id first
    with pytest.raises(AmbiguousName) as caught:
        find(index, "张伟", ("contact",))
    assert [c.id for c in caught.value.candidates] == ["c-a", "c-b"]  # not 张伟明: the exact name wins
    with pytest.raises(AmbiguousName):
        find(index, "张伟")  # a person and an organisation of that name
    assert find(index, "张伟", ("organization",)).id == "org-zw"
    assert find(index, "zwm").id == "c-c"


def test_organisations_by_part_of_their_name_or_its_pinyin():
    index = index_of_people(orgs=(("org-bafang", "浙江八方建设集团有限公司"), ("org-x", "杭州云庭置业有限公司")))
    assert find(index, "八方").id == "org-bafang"
    assert find(index, "bafang").id == "org-bafang"
    with pytest.raises(AmbiguousName):
        find(index, "有限公司")


# -- on both stores -------------------------------------------------------------------------


@pytest.fixture
def loaded(store):
    import_bundle(store, demo_data(), today=DAY)
    return store


def test_people_by_name_and_pinyin_on_both_stores(loaded):
    index = index_of(loaded)
    for typed in ("c-wang-jianguo", "王建国", "wangjianguo", "wjg", "Wang Jianguo", "jianguo wang"):
        assert find(index, typed, ("contact",)).id == WANG, typed
    assert find(index, "zengyan").id == "c-zeng-yan"  # 曾 read as a surname
    assert find(index, "sophie laurent").id == "c-sophie-laurent"
    assert find(index, "Harbourline Facade").id == "org-harbourline-facade"  # part of the name, no accent
    assert contact_card(loaded, "wjg", DAY).contact.id == WANG
    assert [r.id for r in contact_rows(loaded, text="wjg")] == [WANG]
    assert WANG in {r.id for r in contact_rows(loaded, text="wang")}
    assert {r.id for r in contact_rows(loaded, org="八方")} == {
        c["id"] for c in demo_data()["contacts"] if c.get("org") == "org-bafang-construction"
    }
    assert reminders_report(loaded, None, "Wang Jianguo", 14, DAY).owner.id == WANG


def test_two_zhang_wei_are_answered_with_both(loaded):
    with pytest.raises(AmbiguousName) as caught:
        contact_paths(loaded, WANG, "张伟", as_of=DAY)
    candidates = {c.id: c for c in caught.value.candidates}
    assert set(candidates) == {"c-zhang-wei", "c-zhang-wei-2"}
    assert candidates["c-zhang-wei"].organization == "杭州云庭置业有限公司"
    assert "Construction Manager" in candidates["c-zhang-wei"].title
    for typed in ("zhangwei", "zw"):
        with pytest.raises(AmbiguousName):
            contact_card(loaded, typed, DAY)


def test_a_path_to_a_name(loaded):
    """石磊 was an "unknown target"; by name, pinyin and initials it is the person."""
    answers = []
    for target in ("c-shi-lei", "石磊", "shilei", "sl"):
        try:
            answer = contact_paths(loaded, "王建国", target, as_of=DAY)
            answers.append(("path", answer.candidates[0].id, [p.summary for p in answer.paths]))
        except PathError as exc:  # a real answer about 石磊 (e.g. no working line), not an unknown name
            assert "unknown" not in str(exc) and exc.status == 422, str(exc)
            answers.append(("no path", str(exc).replace("'c-shi-lei'", "石磊")))
    assert all(a == answers[0] for a in answers[1:]) or all(a[0] == "path" for a in answers), answers
    assert contact_paths(loaded, "wjg", "org:八方", as_of=DAY).target == "org-bafang-construction"
    answer = contact_paths(loaded, "wjg", "bafang", as_of=DAY)
    assert answer.target_kind == "organization" and answer.target == "org-bafang-construction"
    with pytest.raises(PathError, match="unknown target 'no such person'"):
        contact_paths(loaded, WANG, "no such person", as_of=DAY)


def test_a_scoped_key_does_not_learn_of_outside_people(loaded):
    view = ScopedStore(loaded, Principal("sw", Role.member, frozenset([SW])))
    index = index_of(view)
    for typed in ("王建国", "wjg", "wangjianguo", "张伟", "zw"):
        assert find(index, typed) is None, typed  # as if they did not exist
    assert find(index, "emily").id == "c-emily-carter"
    with pytest.raises(PathError) as outside:
        contact_paths(view, "c-emily-carter", "王建国", as_of=DAY)
    with pytest.raises(PathError) as missing:
        contact_paths(view, "c-emily-carter", "王不在", as_of=DAY)
    assert (outside.value.status, str(outside.value).replace("王建国", "?")) == (
        missing.value.status,
        str(missing.value).replace("王不在", "?"),
    )
    assert contact_rows(view, text="wjg") == []


def test_map_nodes_carry_their_pinyin(loaded):
    data = project_graph(loaded, PD, as_of=DAY)
    node = next(n for n in data.nodes if n.id == "c:c-guo-rui")
    assert {"guorui", "ruiguo", "gr"} <= set(node.pinyin)
    zeng = next(n for n in data.nodes if n.id == "c:c-zeng-yan")
    assert zeng.pinyin[:3] == ["zengyan", "yanzeng", "zy"]
    duty = next(n for n in data.nodes if n.kind == "duty" and n.label.startswith("方案设计"))
    assert "fangansheji" in duty.pinyin and "fasj" in duty.pinyin


# -- the command line and the API ------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRAPHSVC_STORE", "embedded")
        patch.setenv("GRAPHSVC_DATA_DIR", str(data))
        assert CliRunner().invoke(app, ["demo", "--scenario-dates"]).exit_code == 0
        yield data


def cli(*args: str):
    return CliRunner().invoke(app, list(args))


def test_commands_take_names(demo):
    for source in ("wjg", "王建国", "Wang Jianguo"):
        done = cli("path", source, "石磊", "--as-of", "2026-11-22", "--json")
        assert done.exit_code in (0, 5), done.output  # a path, or why there is none: never "unknown"
        assert "unknown" not in done.output
    shown = cli("contacts", "show", "wangjianguo", "--as-of", "2026-11-22", "--json")
    assert shown.exit_code == 0 and json.loads(shown.stdout)["contact"]["id"] == WANG
    listed = json.loads(cli("contacts", "list", "--q", "wjg", "--json").stdout)
    assert [r["id"] for r in listed] == [WANG]
    owner = cli("reminders", "--owner", "jianguo wang", "--as-of", "2026-11-22", "--json")
    assert owner.exit_code == 0 and json.loads(owner.stdout)["owner"]["id"] == WANG


def test_an_ambiguous_name_on_the_command_line_lists_the_candidates(demo):
    for args in (["path", "wjg", "张伟"], ["contacts", "show", "张伟"], ["reminders", "--owner", "zhangwei"]):
        done = cli(*args)
        assert done.exit_code == 2, (args, done.output)
        assert "c-zhang-wei " in done.output and "c-zhang-wei-2" in done.output
        assert "杭州云庭置业有限公司" in done.output and "Construction Manager" in done.output
    body = json.loads(cli("path", "wjg", "张伟", "--json").stdout)
    assert body["code"] == "ambiguous" and {c["id"] for c in body["candidates"]} == {"c-zhang-wei", "c-zhang-wei-2"}


def test_the_api_answers_422_with_candidates_within_the_reach(loaded):
    headers = key_headers(loaded, [("root", Role.admin, []), ("sw", Role.member, [SW])])
    with TestClient(create_app(loaded)) as client:
        admin, member = headers["admin"], headers["member"]
        got = client.get(
            "/api/v1/paths", params={"source": "wjg", "target": "张伟", "as_of": "2026-11-22"}, headers=admin
        )
        assert got.status_code == 422, got.text
        body = got.json()
        assert body["code"] == "ambiguous"
        assert {(c["id"], c["organization"]) for c in body["candidates"]} == {
            ("c-zhang-wei", "杭州云庭置业有限公司"),
            ("c-zhang-wei-2", "杭州云庭置业有限公司"),
        }
        ok = client.get("/api/v1/paths", params={"source": "wjg", "target": "sl", "as_of": "2026-11-22"}, headers=admin)
        assert ok.status_code in (200, 422) and "unknown" not in ok.text, ok.text
        found = client.get("/api/v1/contacts", params={"q": "wjg"}, headers=admin).json()["items"]
        assert [r["id"] for r in found] == [WANG]
        # a scoped key: an outside name is answered as a name nobody has
        outside = client.get("/api/v1/paths", params={"source": "emily", "target": "张伟"}, headers=member)
        missing = client.get("/api/v1/paths", params={"source": "emily", "target": "张不在"}, headers=member)
        assert outside.status_code == missing.status_code == 404
        assert outside.json()["detail"].replace("张伟", "?") == missing.json()["detail"].replace("张不在", "?")
        assert "candidates" not in outside.text or outside.json()["candidates"] == []
        assert client.get("/api/v1/contacts", params={"q": "wjg"}, headers=member).json()["items"] == []


def test_latin_names_are_found_by_their_initials_after_pinyin():
    people = [
        Contact(id="c-sophie", name="Sophie Laurent"),
        Contact(id="c-ann", name="Ann Lee"),
        Contact(id="c-jose", name="José María Müller"),
    ]
    index = build_index(people, [])
    assert [find(index, q).id for q in ("sl", "ls", "al", "jmm", "SL")] == [
        "c-sophie", "c-sophie", "c-ann", "c-jose", "c-sophie",
    ]  # fmt: skip
    assert find(index, "xq") is None
    # a Chinese name read by its pinyin initials comes first
    with_shi = build_index([*people, Contact(id="c-shi", name="石磊")], [])
    assert find(with_shi, "sl").id == "c-shi"
    assert "sl" in pinyin_forms("Sophie Laurent") and "ls" in pinyin_forms("Sophie Laurent")
