"""The command line's own words in the language asked for (issue #16): usage errors (which
Typer writes in English), the error lines of ``fail()``, statuses and severities in text
(the JSON keeps its codes), table headers and the note under a cut list."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from graphsvc.cli.main import app
from graphsvc.support.text_width import width

DAY = "2026-11-22"
PD = "pd-yunting-complex"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GRAPHSVC_STORE", "embedded")
        patch.setenv("GRAPHSVC_DATA_DIR", str(data))
        done = CliRunner().invoke(app, ["demo", "--scenario-dates"])
        assert done.exit_code == 0, done.output
        yield data


def cli(*args: str, **env: str):
    return CliRunner().invoke(app, list(args), env={"NO_COLOR": "1", **env})


@pytest.mark.parametrize(
    ("args", "chinese", "english"),
    [
        (["findings"], "错误：缺少选项 '--project'。", "Error: Missing option '--project'."),
        (["findings", "--project", PD, "--bogus"], "错误：没有这个选项：--bogus", "Error: No such option: --bogus"),
        (
            ["contacts", "list", "--status", "gone"],
            "错误：'--status' 的取值无效：应为 active, on_leave, left 之一，收到的是 'gone'",
            "Error: Invalid value for '--status': expected one of active, on_leave, left, got 'gone'",
        ),
        (["projekts"], "错误：没有这个命令：'projekts'。是不是要用 'projects'？", "No such command 'projekts'."),
        (["validate"], "错误：缺少参数 'file'。", "Error: Missing argument 'file'."),
    ],
)
def test_usage_errors_speak_the_language_asked_for(demo, args, chinese, english):
    done = cli("--lang", "zh-CN", *args)
    assert done.exit_code == 2
    assert chinese in done.output and "用法：" in done.output and "查看帮助" in done.output, done.output
    assert "Error" not in done.output and "Usage" not in done.output
    done = cli("--lang", "en", *args)
    assert done.exit_code == 2 and english in done.output and "Usage: " in done.output, done.output


def test_a_usage_error_before_lang_is_read_is_in_the_language_named(demo):
    """Options are parsed before ``--lang`` takes effect: the error still speaks it."""
    done = cli("--lang", "zh-CN", "--bogus")
    assert done.exit_code == 2 and "错误：没有这个选项：--bogus" in done.output, done.output
    done = cli("--bogus", GRAPHSVC_LANG="zh-CN")
    assert "错误：没有这个选项：--bogus" in done.output, done.output


def test_an_unknown_language_is_refused_in_the_environment_s_language(demo):
    done = cli("--lang", "fr", "projects", "list", GRAPHSVC_LANG="zh-CN")
    assert done.exit_code == 2 and "不支持的语言 'fr'" in done.output and "--lang" in done.output, done.output


def test_the_command_line_s_own_errors_speak_the_language_asked_for(demo):
    done = cli("--lang", "zh-CN", "reminders", "--as-of", DAY)
    assert done.exit_code == 2 and done.output.strip() == "错误：请给出 --project ID、--owner ID，或两者都给"
    done = cli("--lang", "zh-CN", "contacts", "list", "--org", "nope")
    assert done.exit_code == 4 and done.output.strip() == "错误：没有单位 'nope'"
    done = cli("--lang", "en", "contacts", "show", "nope")
    assert done.exit_code == 4 and done.output.strip() == "error: no contact 'nope'"


def test_statuses_and_severities_are_words_in_text_and_codes_in_json(demo):
    people = cli("--lang", "zh-CN", "contacts", "list", "--project", "sw-fieldops-3", "--limit", "0").output
    assert people.splitlines()[0].split() == ["编号", "姓名", "状态", "单位", "职务"]
    assert "在岗" in people and "已离职" in people and "on_leave" not in people and " left " not in people
    listed = json.loads(cli("--lang", "zh-CN", "contacts", "list", "--status", "left", "--json").output)
    assert {row["status"] for row in listed} == {"left"}
    report = cli("--lang", "zh-CN", "findings", "--project", PD, "--as-of", DAY, "--limit", "3").output
    assert "截至 2026年11月22日" in report and "问题：严重 2、高 5" in report
    first = next(line for line in report.splitlines() if "OWNER_INACTIVE" in line)
    assert first.startswith("严重      OWNER_INACTIVE")
    codes = json.loads(cli("--lang", "zh-CN", "findings", "--project", PD, "--as-of", DAY, "--json").output)
    assert f"… 另有 {len(codes['findings']) - 3} 项；--limit 0 可显示全部" in report
    assert {f["severity"] for f in codes["findings"]} == {"critical", "high", "medium", "low"}


def test_the_portfolio_table_lines_up_in_chinese(demo):
    lines = cli("--lang", "zh-CN", "portfolio", "--as-of", DAY, "--limit", "0").output.splitlines()
    head = next(line for line in lines if line.startswith("项目（最紧急的在前）"))
    row = next(line for line in lines if "(pd-yunting-complex)" in line)
    # every column ends where its header ends (Chinese characters take two columns)
    assert head.split()[1:] == ["严重", "高", "中", "低", "唯一负责", "交接稳妥", "联络及时", "联系完整"]
    assert width(head) == width(row) == 100
