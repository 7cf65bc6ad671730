"""What a user reads is Chinese: every command's help, usage errors, template names and cell names
in the renderings (the JSON keeps its canonical keys beside them), and who judged a finding."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

import pytest
from conftest import seed
from rich.console import Console
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.config import Config
from nianbao.models import Finding, Location, verdict_of
from nianbao.render import text
from nianbao.render.markdown import render as markdown
from nianbao.review import review_bytes

ENGLISH = re.compile(
    r"Show this message|Usage:|Options:|Arguments:|Commands:|\[OPTIONS\]|<[a-z\[\] |]+>|"
    r"\[default|\[required|Error:|Try '"
)


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), prog_name="nianbao", env={"NIANBAO_UNITS": None})


def commands() -> list[str]:
    listing = invoke("--help").stdout
    return re.findall(r"^  ([a-z]+)  ", listing.split("命令：", 1)[1], re.M)


def test_the_command_list_is_chinese():
    result = invoke("--help")
    assert result.exit_code == 0 and "用法：nianbao [选项] 命令 [参数]…" in result.stdout
    assert not ENGLISH.search(result.stdout), result.stdout
    assert {"review", "rules", "serve", "digest", "eval"} <= set(commands())
    assert "…" not in result.stdout.split("命令：", 1)[1]  # every command's summary whole, never cut


@pytest.mark.parametrize("command", ["review", "rules", "serve", "digest", "eval"])
def test_every_help_is_chinese(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0, result.output
    assert "显示本帮助并退出。" in result.stdout and "选项：" in result.stdout
    assert not ENGLISH.search(result.stdout), result.stdout
    assert not any(c in result.stdout for c in ("list[str]", "<path>", "int range"))


def test_review_help_names_what_it_takes():
    help_text = invoke("review", "--help").stdout
    assert "用法：nianbao review [选项] {文件或文件夹}…" in help_text
    assert re.search(r"^  文件或文件夹  报告文件或文件夹", help_text, re.M)
    assert re.search(r"--jobs 整数 +并行审阅", help_text)  # columns line up although 整数 takes 4 cells


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "错误：缺少参数 文件或文件夹"),
        (["x.txt", "--bogus"], "错误：没有选项 --bogus"),
        (["x.txt", "--jobs", "0"], "'--jobs' / '-j' 的值无效：应不小于 1"),
        (["x.txt", "--jobs", "many"], "'--jobs' / '-j' 的值无效：应为整数"),
    ],
)
def test_usage_errors_are_chinese(args, message):
    result = invoke("review", *args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr
    assert "运行「nianbao review --help」查看帮助。" in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_an_unknown_command_suggests_the_right_one():
    result = invoke("revew")
    assert result.exit_code == 2 and "错误：没有命令 'revew'；是否指 'review'" in result.stderr


def test_templates_cells_and_judgements_read_as_people_say_them():
    review = review_bytes(seed("001").read_bytes(), "001.txt", Config())
    llm = Finding(
        rule="narrative-table-mismatch",
        severity="warning",
        part="一",
        source="llm",
        message="叙述与表三不符",
        location=Location(cell="t3.results_total.natural_person"),
    )
    heuristic = Finding(
        rule="section5-weak", severity="info", part="五", source="heuristic", message="第五部分空泛"
    )
    findings = [*review.findings, heuristic, llm]
    verdict, counts = verdict_of(findings)
    review = replace(review, findings=findings, verdict=verdict, counts=counts)
    page = markdown(review)
    assert "| 格式模板 | 混用 |" in page
    assert "表三「（七）总计」行「自然人」列" in page and "t3.results_total" not in page
    assert "**「大模型判断」**叙述与表三不符" in page and "**「启发式判断」**第五部分空泛" in page
    data = review.to_json_dict()
    assert data["report"]["template"] == "hybrid"
    assert data["findings"][-1]["location"] == {
        "line": None,
        "page": None,
        "page_line": None,
        "cell": "t3.results_total.natural_person",
        "cell_label": "表三「（七）总计」行「自然人」列",
    }
    assert json.loads(json.dumps(data))["disabled_rules"] == []


def test_rules_switched_off_by_the_configuration_are_named_in_the_footer():
    review = review_bytes(
        seed("004").read_bytes(), "004.txt", Config(disable=["vague-time-reference", "typo"])
    )
    assert review.disabled_rules == ["typo", "vague-time-reference"]
    assert "_按配置停用的规则（未检查）：typo、vague-time-reference_" in markdown(review)


@pytest.mark.parametrize("args", [["--help"], ["review", "--help"], ["digest", "--help"]])
def test_help_wraps_chinese_by_columns(args):
    from rich.cells import cell_len

    result = CliRunner().invoke(
        app, args, prog_name="nianbao", env={"NIANBAO_UNITS": None}, terminal_width=60
    )
    lines = result.stdout.splitlines()
    assert max(cell_len(line) for line in lines) <= 60, result.stdout
    assert not any(line.rstrip().endswith("[x") for line in lines)  # 「[x>=0.001]」 stays whole
    if args == ["--help"]:
        assert "  review  审阅报告：表格勾稽、结构、日期、联系方式、个人…" in lines


def test_findings_hidden_by_min_severity_are_not_called_none():
    """--min-severity error on a report with only hints: the page must not say there is no problem."""
    review = review_bytes(seed("003").read_bytes(), "003.txt", Config())
    shown = replace(review, findings=[f for f in review.findings if f.severity == "error"])
    assert not shown.findings and review.counts["info"]
    console = Console(file=io.StringIO(), width=100)
    text.render(shown, console)
    for page in (console.file.getvalue(), markdown(shown)):
        assert "未发现问题" not in page and "未列出" in page and f"提示 {review.counts['info']} 处" in page
