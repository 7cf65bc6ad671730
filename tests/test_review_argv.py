"""A plain ``nianbao review`` command line is read without typer (start-up, issue 12): to exactly
the values typer reads from it, or not at all, when typer reads the line and prints its message."""

import subprocess
import sys

import gen_docs
import pytest
from conftest import seed
from typer.testing import CliRunner

import nianbao.cli as cli
from nianbao.review_argv import read
from nianbao.review_command import run

SEED = str(seed("004"))

READABLE = [
    [SEED],
    [SEED, "--no-llm"],
    ["--no-llm", SEED, "a.txt", "-f", "json"],
    [SEED, "--format=markdown", "--jobs", "3", "--sort", "unit", "--min-severity", "warning"],
    [SEED, "-j", "64", "--timeout", "0.5", "--max-size-mb", "12", "--config", "x.toml"],
    [SEED, "--timeout=86400", "--previous", "old.pdf", "-o", "out.csv", "-f", "csv"],
    [SEED, "--allow-host", "10.0.0.0/8", "--allow-host=intranet.local", "--no-ocr"],
    [SEED, "--ocr", "--no-ocr", "--ocr", "--format", "json", "--format", "text"],
    ["--", "-odd-name.txt", "--no-llm"],
    [SEED, "--timeout", "1e2", "--jobs", "+2"],
]

FOR_TYPER = [
    [],
    ["--help"],
    [SEED, "--help"],
    [SEED, "-h"],
    [SEED, "--jobs", "0"],
    [SEED, "--jobs", "65"],
    [SEED, "--jobs", "two"],
    [SEED, "--jobs", "２"],
    [SEED, "--jobs", "٣"],
    [SEED, "--timeout", "٣"],
    [SEED, "--jobs", "1" * 5000],
    [SEED, "--timeout", "0"],
    [SEED, "--timeout", "nan"],
    [SEED, "--format", "pdf"],
    [SEED, "--format", "JSON"],
    [SEED, "-fjson"],
    [SEED, "-f=json"],
    [SEED, "--no-llm=yes"],
    [SEED, "--unknown"],
    [SEED, "-o"],
    [SEED, "-o", "--no-llm"],
    ["--no-llm"],
]


def typer_reads(argv: list[str], monkeypatch) -> dict:
    """What typer hands to ``run`` for this command line."""
    seen: list[tuple] = []
    monkeypatch.setattr(cli, "run", lambda *args: seen.append(args) or 0)
    result = CliRunner().invoke(cli.app, ["review", *argv])
    assert result.exit_code == 0, result.output
    names = run.__code__.co_varnames[: run.__code__.co_argcount]
    return {name: getattr(value, "value", value) for name, value in zip(names, seen[0], strict=True)}


@pytest.mark.parametrize("argv", READABLE, ids=" ".join)
def test_a_plain_review_line_is_read_to_what_typer_reads(argv, monkeypatch):
    assert read(argv) == typer_reads(argv, monkeypatch)


@pytest.mark.parametrize("argv", FOR_TYPER, ids=" ".join)
def test_help_and_mistakes_are_left_to_typer(argv):
    assert read(argv) is None


def test_the_option_table_is_generated_from_the_typer_command():
    assert not gen_docs.options_stale(), "run scripts/gen_docs.py"


def test_a_mistake_gets_typers_chinese_usage_error():
    proc = subprocess.run(
        [sys.executable, "-m", "nianbao", "review", SEED, "--jobs", "0"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert "错误：'--jobs' / '-j' 的值无效：应不小于 1" in proc.stderr
