"""The layers hold: extract → rules → narrative → review → render → cli, the bot and the eval on
top (the contract is [tool.importlinter] in pyproject.toml), a review never loads the layers above
the CLI, and every message meant for a user comes from one base class."""

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from conftest import seed

from bot.config import SettingsError
from bot.digest import WeekError
from bot.fetch import FetchError
from bot.jobs import Unreviewable
from bot.units import UnitsError
from eval.cases import CaseError
from extractors.errors import LimitError, LoadError, NotAReportError
from nianbao.cli import PLUGINS
from nianbao.config import ConfigError
from nianbao.errors import UserError
from nianbao.narrative.llm import LLMFailure

ROOT = Path(__file__).resolve().parent.parent


def test_import_layers_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    proc = subprocess.run(
        [str(lint), "--no-cache", "--no-logo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_review_loads_neither_the_bot_nor_the_eval():
    code = (
        "import sys\nfrom nianbao.cli import main\nsys.argv = ['nianbao', 'review', sys.argv[1], '--no-llm']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'bot', 'eval'}), file=sys.stderr)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(seed("004"))],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("name, module", PLUGINS.items())
def test_each_plugin_module_brings_its_command(name, module):
    plugin = __import__(module, fromlist=["app"])
    assert name in typer.main.get_group(plugin.app).commands


@pytest.mark.parametrize(
    "error",
    [
        ConfigError,
        LoadError,
        NotAReportError,
        LimitError,
        SettingsError,
        UnitsError,
        WeekError,
        FetchError,
        Unreviewable,
        CaseError,
        LLMFailure,
    ],
)
def test_every_message_for_a_user_is_a_user_error(error):
    assert issubclass(error, UserError)
