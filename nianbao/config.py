"""User configuration: ``[tool.nianbao]`` in a pyproject.toml, or a nianbao.toml (--config).

Example::

    [tool.nianbao]
    disable = ["vague-time-reference"]
    severity = { "section6-items-missing" = "info" }
    deadline = "01-31"           # MM-DD of Y+1 for departments, townships, 街道, 管委会
    government-deadline = "03-31" # reports of a 县级以上人民政府 itself (条例第四十九条)
    max-size-mb = 50
    report-timeout = 60          # seconds to read and check one report (docs/limits-batch.md)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import UserError
from .models import Severity

if TYPE_CHECKING:
    import tomllib

CONFIG_FILES = ("nianbao.toml", "pyproject.toml")
# Where a pyproject.toml may hold our table: [tool.nianbao], a dotted tool.nianbao key, or a [tool]
# table or inline tool table (whose keys may be ours). A file that only names nianbao otherwise (a
# dependency, a script) is a project's own: neither parsed (tomllib costs a review's start) nor faulted.
_OUR_TABLE = re.compile(
    r"""^\s*(?:\[\s*)?["']?tool["']?\s*(?:\.\s*["']?nianbao\b|\]|=)""",
    re.MULTILINE,
)
MAX_REPORT_TIMEOUT = (
    86400  # a worker process over its time is killed; at most a day, so a deadline is always finite
)
# what a bad value should be, by key, in the words the error message uses
_EXPECTED = {
    "disable": '应为规则编号的列表，例如 ["vague-time-reference"]',
    "severity": "应为 { 规则编号 = 级别 }，级别为 error、warning 或 info",
    "max_size_mb": "应为大于 0 的数（MB）",
    "report_timeout": f"应为大于 0、不超过 {MAX_REPORT_TIMEOUT} 的秒数",
}
_SEVERITIES = ("error", "warning", "info")
# the keys a file spells otherwise than the fields
_ALIASES = {
    "government_deadline": "government-deadline",
    "max_size_mb": "max-size-mb",
    "report_timeout": "report-timeout",
}


class ConfigError(UserError):
    """The configuration cannot be used; the message says which file and why."""


class _Invalid(ValueError):
    """A value that does not fit its key; the message says why in Chinese when it can."""


@dataclass(kw_only=True)
class Config:
    """Checked when made, from a file (``from_table``) or in code: a bad value names its key
    (``ConfigError``). A plain dataclass, checked by hand: the configuration is read by every
    review, and pydantic's import alone costs more than a small report's review (issue 12)."""

    disable: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    deadline: str = "01-31"
    government_deadline: str = "03-31"
    max_size_mb: float = 50.0
    report_timeout: float = 60.0
    source: str | None = None  # the file read, for messages; not a key of the file

    def __post_init__(self) -> None:
        for f in fields(self):
            if f.name == "source":
                continue
            try:
                setattr(self, f.name, _CHECKS[f.name](getattr(self, f.name)))
            except _Invalid as exc:
                name = _ALIASES.get(f.name, f.name)
                why = str(exc) or _EXPECTED.get(f.name, "类型不对")
                raise ConfigError(f"配置项 {name} 无效（{why}）") from None

    @classmethod
    def from_table(cls, table: dict[str, Any], source: str | None = None) -> Config:
        """A file's table: keys spelt as in the file (``max-size-mb``; the field's own name too)."""
        given = dict(table)
        values = {}
        for f in fields(cls):
            if f.name == "source":
                continue
            alias = _ALIASES.get(f.name, f.name)
            if alias in given:
                values[f.name] = given.pop(alias)
            elif f.name in given:
                values[f.name] = given.pop(f.name)
        config = cls(**values, source=source)  # a bad value first, as it comes in the file's order
        if given:
            from difflib import get_close_matches  # only for this message

            keys = [_ALIASES.get(f.name, f.name) for f in fields(cls) if f.name != "source"]
            wrong = next(iter(given))
            close = get_close_matches(wrong, keys, n=1)
            hint = f"是否指 {close[0]}？" if close else f"可用：{', '.join(keys)}"
            raise ConfigError(f"未知的配置项 {wrong}（{hint}）")
        return config

    @property
    def max_bytes(self) -> int:
        return int(self.max_size_mb * 1024 * 1024)

    def check_rule_ids(self, known: set[str]) -> None:
        unknown = sorted((set(self.disable) | set(self.severity)) - known)
        if unknown:
            raise ConfigError(
                f"{self.source or '配置'}：未知的规则 {', '.join(unknown)}（nianbao rules 列出全部规则）"
            )


def _rule_ids(value: object) -> list[str]:
    if not isinstance(value, list | tuple | set | frozenset) or not all(isinstance(v, str) for v in value):
        raise _Invalid
    return list(value)


def _severities(value: object) -> dict[str, Severity]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v in _SEVERITIES for k, v in value.items()
    ):
        raise _Invalid
    return dict(value)


def _month_day(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid
    if not re.fullmatch(r"\d\d-\d\d", value):
        raise _Invalid("应为 MM-DD，例如 01-31")
    try:
        date(2001, *map(int, value.split("-")))  # a common year: 02-29 is not a yearly deadline
    except ValueError:
        raise _Invalid(f"{value} 不是每年都有的日期") from None
    return value


def _number(value: object) -> float:
    """A number, or a string of one (as pydantic's lax mode took it: " 5 ", "1e3", "inf")."""
    if isinstance(value, str) and "_" not in value:
        try:
            return float(value.strip())
        except ValueError:
            raise _Invalid from None
    if not isinstance(value, int | float):  # bool too, as 1.0 / 0.0
        raise _Invalid
    try:
        return float(value)
    except OverflowError:  # an integer beyond any float
        raise _Invalid from None


def _positive(value: object) -> float:
    number = _number(value)
    if not number > 0:  # nan too
        raise _Invalid
    return number


def _seconds(value: object) -> float:
    number = _positive(value)
    if number > MAX_REPORT_TIMEOUT:
        raise _Invalid
    return number


_CHECKS = {
    "disable": _rule_ids,
    "severity": _severities,
    "deadline": _month_day,
    "government_deadline": _month_day,
    "max_size_mb": _positive,
    "report_timeout": _seconds,
}


def _table_of(path: Path) -> dict | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}：无法读取（{exc.__class__.__name__}）") from None
    if path.name == "pyproject.toml" and ("nianbao" not in text or not _OUR_TABLE.search(text)):
        return None  # a project's own file, with nothing for us: not ours to parse, nor to fault
    import tomllib  # here: where no configuration file is found, a review never needs it (issue 12)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}：{toml_error(exc)}") from None
    tool = data.get("tool", {}).get("nianbao")
    if tool is not None:
        return tool
    return None if path.name == "pyproject.toml" else data


def toml_error(exc: tomllib.TOMLDecodeError) -> str:
    """tomllib words its complaint in English; where it is, is what a user needs."""
    at = re.search(r"at line (\d+), column (\d+)", str(exc))
    return f"TOML 格式错误（第 {at[1]} 行第 {at[2]} 列附近）" if at else "TOML 格式错误"


def load_config(path: str | Path | None = None, start: Path | None = None) -> Config:
    """An explicit file, else the nearest nianbao.toml / pyproject.toml with [tool.nianbao]."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"{p}：{'是文件夹，不是配置文件' if p.is_dir() else '配置文件不存在'}")
        candidates = [p]
    else:
        here = (start or Path.cwd()).resolve()
        candidates = [
            d / name for d in (here, *here.parents) for name in CONFIG_FILES if (d / name).is_file()
        ]
    for candidate in candidates:
        table = _table_of(candidate)
        if table is not None:
            return _config_of(table, str(candidate))
    return Config()


def _config_of(table: dict, source: str) -> Config:
    try:
        return Config.from_table(table, source)
    except ConfigError as exc:
        raise ConfigError(f"{source}：{exc}") from None
