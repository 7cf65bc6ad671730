"""A text report's review loads only what it needs (issue 12, "Fast start"): what other formats,
the LLM, a configuration file or a failure need stays unloaded until then. bench/bench_startup.py
measures the time; this keeps a stray top-level import from quietly adding to it."""

import subprocess
import sys

import pytest
from conftest import seed

# modules `nianbao review report.txt --no-llm` has no use for, and who imports them when needed
NOT_NEEDED = {
    "typer": "nianbao.cli, for help, the other commands and a command line with a mistake",
    "rich": "nianbao.render.draw, for a terminal",
    "pydantic": "nianbao.contract, for JSON out or in",
    "zipfile": "extractors.load, for a .docx",
    "logging": "nianbao.review, when a narrative review fails",
    "concurrent.futures": "nianbao.batch, for the LLM's threads",
    "tomllib": "nianbao.config, when there is a configuration file",
    "json": "nianbao.summary and nianbao.export, for JSON out",
    "multiprocessing": "nobody: a batch forks its workers itself",
    "numpy": "extractors.ocr and ocr_engine, for a scanned page (its import alone is 100 ms)",
    "nianbao.narrative.settings": "nianbao.narrative.make_reviewer, unless --no-llm",
}


@pytest.mark.parametrize(
    "pyproject",
    [
        pytest.param(None, id="no-configuration-file"),
        # a project that depends on nianbao, with no table of ours: not parsed
        pytest.param('[project]\nname = "x"\ndependencies = ["nianbao"]\n', id="a-projects-own-pyproject"),
    ],
)
def test_a_text_review_loads_nothing_it_does_not_need(tmp_path, pyproject):
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    code = (
        "import runpy, sys\n"
        "report, names = sys.argv[1], sys.argv[2:]\n"
        "sys.argv = ['nianbao', 'review', report, '--no-llm']\n"
        "try:\n    runpy.run_module('nianbao', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(n for n in names if n in sys.modules), file=sys.stderr)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(seed("004")), *NOT_NEEDED],
        cwd=tmp_path,  # no configuration file here (but pyproject's) or above
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.stderr.strip().splitlines()[-1] == "[]", proc.stderr
