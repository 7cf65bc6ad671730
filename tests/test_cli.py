"""The command line as a user runs it: real processes, exit codes 0/1/2, one clear line per bad
input, never a traceback, every readable input still reviewed."""

import json
import os
import subprocess
import sys

import pytest
from conftest import HERE, seed
from report_builder import build_report

BAD = HERE / "fixtures" / "bad"


def nianbao(*args, cwd=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "NIANBAO"))}
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=60,
    )
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    return proc


def reviews(batch: list[dict]) -> list[dict]:
    """The reviews of a batch's JSON array (besides them: unreadable entries and the summary, last)."""
    assert batch[-1]["schema"] == "nianbao.summary/1"
    return [d for d in batch if d["schema"] == "nianbao.review/1"]


def test_review_exit_1_on_errors_and_text_grouped_by_part():
    proc = nianbao("review", seed("001"), "--no-llm")
    assert proc.returncode == 1
    assert "personal-info-exposed" in proc.stdout and "一、总体情况" in proc.stdout
    assert "18753357806" not in proc.stdout  # the review itself never spreads the number


def test_review_exit_0_without_errors():
    assert nianbao("review", seed("004"), "--no-llm").returncode == 0


def test_json_contract_single_input():
    proc = nianbao("review", seed("004"), "--format", "json", "--no-llm")
    data = json.loads(proc.stdout)
    assert data["schema"] == "nianbao.review/1"
    assert data["source"]["format"] == "txt" and len(data["source"]["sha256"]) == 64
    assert data["report"]["issuer"] == "淄博经济开发区管理委员会" and data["report"]["year"] == 2024
    assert data["tables"]["t3"]["new_received"]["total"] == 26
    assert data["tables"]["t2"]["art20_8"]["admin_fees"]["amount_10k_yuan"] == 182.68
    assert data["verdict"] == "pass" and set(data["counts"]) == {"error", "warning", "info"}
    assert {"load", "extract", "rules"} <= set(data["timing_ms"])
    finding = data["findings"][0]
    assert set(finding) == {"rule", "severity", "part", "message", "evidence", "location", "source"}


def test_json_array_in_input_order_and_highest_status(tmp_path):
    proc = nianbao("review", seed("004"), seed("001"), "--format", "json", "--no-llm")
    data = reviews(json.loads(proc.stdout))
    assert [d["report"]["year"] for d in data] == [2024, 2022]
    assert proc.returncode == 1
    assert "共 2 份" in proc.stderr


def test_markdown_format():
    proc = nianbao("review", seed("002"), "--format", "markdown", "--no-llm")
    assert proc.stdout.startswith("# 审阅报告")
    assert "| 错误 | `report-date-invalid` |" in proc.stdout


def test_folder_is_reviewed_recursively(tmp_path):
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    (sub / "r.txt").write_bytes(seed("000").read_bytes())
    (tmp_path / "notes.png").write_bytes(b"\x89PNG not a report")
    proc = nianbao("review", tmp_path, "--format", "json", "--no-llm")
    data = json.loads(proc.stdout)
    assert data["report"]["issuer"] == "临淄区齐都镇人民政府"
    assert proc.returncode == 0


@pytest.mark.parametrize(
    "name, reason",
    [
        ("empty.txt", "文件为空"),
        ("corrupt.docx", "损坏或不完整"),
        ("truncated.pdf", "损坏或不完整"),
        ("meeting_notice.txt", "不是政府信息公开工作年度报告"),
    ],
)
def test_bad_input_exit_2_with_one_line(name, reason):
    proc = nianbao("review", BAD / name, "--no-llm")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and reason in lines[0]
    assert proc.stdout == ""


def test_too_large_and_missing(tmp_path):
    proc = nianbao("review", seed("000"), "--max-size-mb", "0.001", "--no-llm")
    assert proc.returncode == 2 and "文件过大（" in proc.stderr and "KB，上限 1.02 KB）" in proc.stderr
    proc = nianbao("review", tmp_path / "nope.docx")
    assert proc.returncode == 2 and "文件不存在" in proc.stderr


def test_a_huge_size_limit_is_a_limit_not_a_buffer():
    """--max-size-mb 1e9 is a petabyte: the file is read by what it holds, not by the limit."""
    proc = nianbao("review", seed("004"), "--max-size-mb", "1e9", "--no-llm")
    assert proc.returncode in (0, 1) and proc.stderr == "", proc.stderr


def test_bad_input_does_not_stop_the_batch():
    proc = nianbao("review", BAD / "corrupt.docx", seed("004"), "--format", "json", "--no-llm")
    assert proc.returncode == 2
    batch = json.loads(proc.stdout)
    assert [d["report"]["year"] for d in reviews(batch)] == [2024]
    assert (
        batch[0]
        == {
            "schema": "nianbao.unreadable/1",
            "source": {"path": str(BAD / "corrupt.docx")},
            "error": batch[0]["error"],
        }
        and "损坏" in batch[0]["error"]
    )  # in its place, with its reason
    assert batch[-1]["unreadable"] == [{"path": str(BAD / "corrupt.docx"), "reason": batch[0]["error"]}]
    assert "corrupt.docx" in proc.stderr and "无法读取 1" in proc.stderr


def test_jobs_gives_the_same_reviews():
    one = json.loads(nianbao("review", *[seed(f"00{s}") for s in "01234"], "-f", "json", "--no-llm").stdout)
    two = json.loads(
        nianbao("review", *[seed(f"00{s}") for s in "01234"], "-f", "json", "--no-llm", "--jobs", "2").stdout
    )
    strip = lambda ds: [{k: v for k, v in d.items() if k != "timing_ms"} for d in ds]  # noqa: E731
    assert strip(one) == strip(two)


def test_batch_pairs_last_years_report_of_the_same_issuer(tmp_path):
    (tmp_path / "2024.txt").write_text(build_report(), encoding="utf-8")
    prev = build_report().replace("2024", "2023").replace("2025年1月20日", "2024年1月20日")
    (tmp_path / "2023.txt").write_text(prev, encoding="utf-8")
    data = reviews(json.loads(nianbao("review", tmp_path, "-f", "json", "--no-llm").stdout))
    rules_2024 = {f["rule"] for d in data if d["report"]["year"] == 2024 for f in d["findings"]}
    assert "copy-paste-previous-year" in rules_2024


def test_rules_list_and_explain():
    listing = nianbao("rules").stdout
    assert "t3-balance-mismatch" in listing and "assessment-results-missing" in listing
    assert (
        listing.startswith("编号") and "严重程度" in listing and "D+L = 规则初筛，大模型补充确认" in listing
    )
    assert "错误" in listing and "warning" not in listing
    proc = nianbao("rules", "t3-balance-mismatch")
    assert proc.returncode == 0 and "严重程度：错误" in proc.stdout
    assert all(f"\n{name}\n" in proc.stdout for name in ("做什么", "为什么", "示例", "如何改正"))
    assert (
        json.loads(nianbao("rules", "t3-balance-mismatch", "--format", "json").stdout)["spec"]
        == "§4.1 R-T3-BAL"
    )
    assert nianbao("rules", "--format", "markdown").stdout.startswith("| 编号 | 严重程度 |")
    proc = nianbao("rules", "balance")
    assert proc.returncode == 2 and "t3-balance-mismatch" in proc.stderr
    for asked in ("R-T3-BAL", "T3-Balance-Mismatch"):  # the code its summary cites; an id in any case
        assert nianbao("rules", asked).stdout.startswith("t3-balance-mismatch：")


def test_config_disables_and_regrades_rules(tmp_path):
    (tmp_path / "nianbao.toml").write_text(
        'disable = ["report-date-missing"]\nseverity = { "vague-time-reference" = "warning" }\n',
        encoding="utf-8",
    )
    data = json.loads(nianbao("review", seed("004"), "-f", "json", "--no-llm", cwd=tmp_path).stdout)
    rules = {f["rule"]: f["severity"] for f in data["findings"]}
    assert "report-date-missing" not in rules and rules["vague-time-reference"] == "warning"


def test_pyproject_tool_table_and_bad_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.nianbao]\ndisable = ["no-such-rule"]\n', encoding="utf-8")
    proc = nianbao("review", seed("004"), "--no-llm", cwd=tmp_path)
    assert proc.returncode == 2 and "未知的规则 no-such-rule" in proc.stderr
    bad = tmp_path / "x.toml"
    bad.write_text("deadline = 13\n", encoding="utf-8")
    proc = nianbao("review", seed("004"), "--config", bad)
    assert proc.returncode == 2 and "deadline" in proc.stderr
    bad.write_text("[tool.nianbao\n", encoding="utf-8")
    proc = nianbao("review", seed("004"), "--config", bad)
    assert proc.returncode == 2 and proc.stderr.endswith("TOML 格式错误（第 1 行第 14 列附近）\n"), (
        proc.stderr
    )


def test_a_config_that_is_not_a_file_says_what_it_is(tmp_path):
    proc = nianbao("review", seed("004"), "--no-llm", "--config", tmp_path)
    assert proc.returncode == 2 and proc.stderr == f"nianbao: {tmp_path}：是文件夹，不是配置文件\n"
    proc = nianbao("review", seed("004"), "--no-llm", "--config", tmp_path / "nope.toml")
    assert proc.returncode == 2 and proc.stderr == f"nianbao: {tmp_path / 'nope.toml'}：配置文件不存在\n"


def test_a_projects_own_pyproject_is_not_ours_to_fault(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project\nname = 'x'\n", encoding="utf-8")  # broken
    assert nianbao("review", seed("004"), "--no-llm", cwd=tmp_path).returncode == 0
    # naming nianbao (a dependency, a script) does not make the file ours
    (tmp_path / "pyproject.toml").write_text(
        '[project\ndependencies = ["nianbao"]\n[project.scripts]\nnianbao = "nianbao.entry:main"\n',
        encoding="utf-8",
    )
    assert nianbao("review", seed("004"), "--no-llm", cwd=tmp_path).returncode == 0
    (tmp_path / "pyproject.toml").write_text("[tool.nianbao\n", encoding="utf-8")
    proc = nianbao("review", seed("004"), "--no-llm", cwd=tmp_path)
    assert proc.returncode == 2 and "TOML 格式错误" in proc.stderr


def test_our_keys_in_a_pyproject_tool_table_however_spelt(tmp_path):
    for text in (
        '[tool]\nnianbao = { disable = ["no-such-rule"] }\n',
        'tool.nianbao.disable = ["no-such-rule"]\n',
        '[ tool . "nianbao" ]\ndisable = ["no-such-rule"]\n',
    ):
        (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
        proc = nianbao("review", seed("004"), "--no-llm", cwd=tmp_path)
        assert proc.returncode == 2 and "未知的规则 no-such-rule" in proc.stderr, text


def test_a_misspelt_config_key_is_named_with_the_key_meant(tmp_path):
    (tmp_path / "nianbao.toml").write_text('disabel = ["report-date-missing"]\n', encoding="utf-8")
    proc = nianbao("review", seed("004"), "--no-llm", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.endswith("未知的配置项 disabel（是否指 disable？）\n")
    (tmp_path / "nianbao.toml").write_text("colour = 1\n", encoding="utf-8")
    proc = nianbao("review", seed("004"), "--no-llm", cwd=tmp_path)
    assert "未知的配置项 colour（可用：disable, severity, deadline, government-deadline," in proc.stderr


def test_cli_import_does_not_pull_langchain_or_slack():
    code = (
        "import sys, nianbao.cli; heavy = [m for m in ('langchain_core', 'langchain_openai', 'openai', "
        "'slack_bolt', 'slack_sdk', 'sqlalchemy') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.strip() == "[]"


def test_a_crash_in_the_narrative_costs_the_narrative_only():
    from nianbao.batch import review_paths
    from nianbao.config import Config
    from nianbao.models import Narrative

    def broken(ex, config):
        if ex.meta.year == 2022:
            raise RuntimeError("bug")
        return Narrative(), []

    first, second = review_paths([str(seed("001")), str(seed("004"))], Config(), narrative=broken)
    rules = {f.rule for f in first.review.findings}
    assert "personal-info-exposed" in rules and "narrative-review-unavailable" in rules  # nothing lost
    assert first.review.narrative.method == "heuristic" and "RuntimeError" in first.review.narrative.note
    assert first.status == 1 and second.review.verdict == "pass"


def test_a_crash_in_a_rule_costs_one_report_not_the_batch(monkeypatch):
    from dataclasses import replace

    from nianbao.batch import review_paths
    from nianbao.config import Config
    from nianbao.rules import REGISTRY

    def broken(ctx):
        if ctx.year == 2022:
            raise RuntimeError("bug")
        return []

    monkeypatch.setitem(
        REGISTRY, "vague-time-reference", replace(REGISTRY["vague-time-reference"], check=broken)
    )
    outcomes = review_paths([str(seed("001")), str(seed("004"))], Config())
    assert outcomes[0].status == 2 and "内部错误" in outcomes[0].error and "RuntimeError" in outcomes[0].error
    assert outcomes[1].review is not None


def test_single_unreadable_input_prints_no_json():
    proc = nianbao("review", BAD / "empty.txt", "--format", "json")
    assert proc.returncode == 2 and proc.stdout == "" and "文件为空" in proc.stderr


@pytest.mark.parametrize("deadline", ["02-30", "02-29", "13-01", "1-31"])
def test_impossible_deadline_is_a_usage_error(tmp_path, deadline):
    (tmp_path / "nianbao.toml").write_text(f'deadline = "{deadline}"\n', encoding="utf-8")
    proc = nianbao("review", seed("004"), "--no-llm", cwd=tmp_path)
    assert proc.returncode == 2 and "deadline" in proc.stderr and "内部错误" not in proc.stderr


@pytest.mark.parametrize("output", [[], ["-f", "json"], ["-f", "markdown"]], ids=["text", "json", "markdown"])
def test_a_reader_that_stops_reading_ends_the_review_quietly(output):
    """``nianbao review 文件夹 | head -1``: exit 1 as click does, no traceback, no 内部错误."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "NIANBAO"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao", "review", str(seed("001").parent), "--no-llm", *output],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(1)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert "Traceback" not in stderr and "内部错误" not in stderr and "Exception ignored" not in stderr, (
        stderr
    )


def review_failing_to_write(*output, **popen) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "NIANBAO"))}
    return subprocess.run(
        [sys.executable, "-m", "nianbao", "review", str(seed("004")), "--no-llm", *output],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        timeout=60,
        **popen,
    )


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full (a device that is always full)")
@pytest.mark.parametrize(
    "output",
    [[], ["-f", "json"], ["-f", "jsonl", "-o", "/dev/full"], ["-f", "xlsx", "-o", "/dev/full"]],
    ids=str,
)
def test_a_full_disk_is_named_not_an_internal_error(output):
    with open("/dev/full", "w") as full:
        proc = review_failing_to_write(*output, stdout=full)
    assert proc.returncode == 2 and proc.stderr == "nianbao: 无法写出结果（磁盘已满）\n"


def test_a_closed_stdout_is_named():
    """``nianbao review report.txt >&-``: nowhere to write, said in one line."""
    proc = review_failing_to_write(preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2 and proc.stderr == "nianbao: 标准输出已关闭，无处写出结果\n"


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names are always UTF-8")
def test_a_file_name_that_is_not_utf8_is_reviewed_with_the_rest(tmp_path):
    odd = os.fsencode(tmp_path) + b"/report\xff.txt"
    with open(odd, "wb") as f:
        f.write(seed("004").read_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI", "NIANBAO"))}
    for output in ([], ["-f", "jsonl"], ["-f", "csv"]):
        proc = subprocess.run(
            [sys.executable, "-m", "nianbao", "review", str(tmp_path), str(seed("004")), "--no-llm", *output],
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )
        stderr = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode == 0 and "内部错误" not in stderr and "Traceback" not in stderr, stderr
        assert proc.stdout.count(b"report") >= 1
