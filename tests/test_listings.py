"""Projects and people found without knowing their ids (issue #16): ``projects list``,
``contacts list`` with filters and ``contacts show``, the same on both stores, within a
scoped key's reach, and as the command line prints them."""

from __future__ import annotations

import json
from datetime import date
from unicodedata import east_asian_width

import pytest
from typer.testing import CliRunner

from graphsvc.application.access import Principal, ScopedStore
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.cli.main import app
from graphsvc.domain.keys import Role
from graphsvc.store.base import NotFound

DAY = date(2026, 11, 22)
SW, PD = "sw-fieldops-3", "pd-yunting-complex"


def columns(line: str) -> int:
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in line)


@pytest.fixture
def loaded(store):
    import_bundle(store, demo_data(), today=DAY)
    return store


def test_projects_and_contacts_on_both_stores(loaded):
    from graphsvc.application.listings import contact_card, contact_rows, project_rows

    rows = {r.project.id: r for r in project_rows(loaded, DAY)}
    assert set(rows) == {SW, PD}
    assert [s.name for s in rows[PD].active_stages] == ["施工 Construction"]
    assert rows[PD].stages == 7 and rows[PD].people == len(loaded.project_scope(PD)["contacts"])
    everyone = contact_rows(loaded)
    assert len(everyone) == len(demo_data()["contacts"])
    assert [r.name for r in everyone] == sorted(r.name for r in everyone)
    in_pd = {r.id for r in contact_rows(loaded, project=PD)}
    assert in_pd == loaded.project_scope(PD)["contacts"]
    at_org = contact_rows(loaded, org="org-yunting-properties")
    assert at_org and all(r.org and r.org.id == "org-yunting-properties" for r in at_org)
    left = contact_rows(loaded, status="left")
    assert {r.id for r in left} >= {"c-fang-hua", "c-tom-becker"} and all(r.status == "left" for r in left)
    by_title = contact_rows(loaded, text="project director")
    assert "c-wang-jianguo" in {r.id for r in by_title}
    by_mail = contact_rows(loaded, text="WANGJIANGUO@yunting")
    assert [r.id for r in by_mail] == ["c-wang-jianguo"]
    by_name = contact_rows(loaded, text="王建国", project=PD, status="active", org="org-yunting-properties")
    assert [r.id for r in by_name] == ["c-wang-jianguo"]
    with pytest.raises(NotFound, match="no organization 'nope'"):
        contact_rows(loaded, org="nope")
    with pytest.raises(NotFound):
        contact_rows(loaded, project="nope")
    card = contact_card(loaded, "c-wang-jianguo", DAY)
    assert card.contact.org and card.contact.org.id == "org-yunting-properties"
    assert card.contact.preferred_channel == "wechat" and card.contact.phones
    assert {(d.project.id, d.stage.name, d.raci) for d in card.duties} >= {(PD, "施工 Construction", "I")}
    assert any(line.other.id == "c-chen-xiaoyan" and line.kind == "communicates" for line in card.lines)
    with pytest.raises(NotFound, match="no contact 'nobody'"):
        contact_card(loaded, "nobody", DAY)


def test_a_scoped_key_lists_only_its_reach(loaded):
    from graphsvc.application.listings import contact_card, contact_rows, project_rows

    view = ScopedStore(loaded, Principal("sw", Role.member, frozenset([SW])))
    assert [r.project.id for r in project_rows(view, DAY)] == [SW]
    people = {r.id for r in contact_rows(view)}
    assert people == loaded.project_scope(SW)["contacts"] and "c-wang-jianguo" not in people
    with pytest.raises(NotFound, match="no contact 'c-wang-jianguo'"):  # as unknown as a missing one
        contact_card(view, "c-wang-jianguo", DAY)
    with pytest.raises(NotFound):
        contact_rows(view, project=PD)
    card = contact_card(view, "c-tom-becker", DAY)
    assert all(d.project.id == SW for d in card.duties)


# -- the commands ---------------------------------------------------------------------------------


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


def test_projects_list(demo):
    text = cli("projects", "list", "--as-of", "2026/11/22")
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert lines[0] == "2 projects; active stages as of Nov 22, 2026"
    pd = next(line for line in lines if line.startswith(PD))
    assert "施工 Construction" in pd and pd.split()[-4:] == ["7", "21", "58", "34"]
    rows = json.loads(cli("projects", "list", "--as-of", "2026-11-22", "--json").stdout)
    assert {r["project"]["id"] for r in rows} == {SW, PD}
    assert {"active_stages", "stages", "organizations", "people", "responsibilities"} <= set(rows[0])


def test_contacts_list_filters_and_limit(demo):
    everyone = json.loads(cli("contacts", "list", "--json").stdout)
    assert len(everyone) == len(demo_data()["contacts"])
    text = cli("contacts", "list").stdout.splitlines()
    assert len(text) == 1 + 50 + 1 and text[-1] == f"… {len(everyone) - 50} more; --limit 0 shows all"
    assert len(cli("contacts", "list", "--limit", "0").stdout.splitlines()) == 1 + len(everyone)
    found = cli("contacts", "list", "--q", "Project Director", "--org", "org-yunting-properties", "--status", "active")
    assert found.exit_code == 0 and "c-wang-jianguo" in found.stdout and "王建国" in found.stdout
    left = json.loads(cli("contacts", "list", "--status", "left", "--project", SW, "--json").stdout)
    assert [r["id"] for r in left] == ["c-tom-becker"]
    assert json.loads(cli("contacts", "list", "--json", "--limit", "3").stdout) == everyone[:3]
    for args, code, message in (
        (["--org", "nope"], 4, "no organization 'nope'"),
        (["--project", "nope"], 4, "nope"),
        (["--status", "gone"], 2, "--status"),
        (["--limit", "-1"], 2, "--limit"),
    ):
        done = cli("contacts", "list", *args)
        assert done.exit_code == code and message in done.output, (args, done.output)


def test_contacts_show(demo):
    done = cli("contacts", "show", "c-wang-jianguo", "--as-of", "2026年11月22日")
    assert done.exit_code == 0, done.output
    text = done.stdout
    for part in ("王建国 (c-wang-jianguo), as of Nov 22, 2026", "杭州云庭置业有限公司", "项目总监 Project Director"):
        assert part in text
    for label in ("organisation", "title", "status", "channel", "e-mail", "phone", "duties (", "lines ("):
        assert label in text
    assert "Overall site coordination" in text and "talks with 陈晓燕" in text
    card = json.loads(cli("contacts", "show", "c-wang-jianguo", "--as-of", "2026-11-22", "--json").stdout)
    assert card["contact"]["id"] == "c-wang-jianguo" and card["duties"] and card["lines"]
    unknown = cli("contacts", "show", "nobody")
    assert unknown.exit_code == 4 and "no contact 'nobody'" in unknown.output


@pytest.mark.parametrize(
    "args",
    [
        ["projects", "list", "--as-of", "2026-11-22"],
        ["contacts", "list", "--limit", "0"],
        ["contacts", "show", "c-wang-jianguo", "--as-of", "2026-11-22"],
        ["contacts", "show", "c-zhang-wei", "--as-of", "2026-11-22"],
    ],
)
def test_listings_fit_100_columns(demo, args):
    done = cli(*args)
    assert done.exit_code == 0, done.output
    too_wide = [line for line in done.stdout.splitlines() if columns(line) > 100]
    assert not too_wide, too_wide
