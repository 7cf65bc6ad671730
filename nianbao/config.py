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
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path

from .errors import UserError
from .models import Severity
from .records import Record

CONFIG_FILES = ("nianbao.toml", "pyproject.toml")
SEVERITIES = ("error", "warning", "info")
MAX_REPORT_TIMEOUT = 86400  # a worker process over its time is killed; at most a day, so a deadline is always finite


class ConfigError(UserError):
    """The configuration cannot be used; the message says which file and why."""


@dataclass(kw_only=True)
class Config(Record):
    """Checked when made, whether from a file or in code: a bad value names its key (``ConfigError``)."""

    disable: list[str] = field(default_factory=list)
    severity: dict[str, Severity] = field(default_factory=dict)
    deadline: str = "01-31"
    government_deadline: str = field(default="03-31", metadata={"alias": "government-deadline"})
    max_size_mb: float = field(default=50.0, metadata={"alias": "max-size-mb"})
    report_timeout: float = field(default=60.0, metadata={"alias": "report-timeout"})
    source: str | None = field(default=None, metadata={"exclude": True})

    def __post_init__(self) -> None:
        for f in fields(self):
            check = _CHECKS.get(f.name)
            problem = check and check(getattr(self, f.name))
            if problem:
                raise ConfigError(f"配置项 {f.metadata.get('alias', f.name)} 无效（{problem}）")
        self.max_size_mb, self.report_timeout = float(self.max_size_mb), float(self.report_timeout)

    @property
    def max_bytes(self) -> int:
        return int(self.max_size_mb * 1024 * 1024)

    def check_rule_ids(self, known: set[str]) -> None:
        unknown = sorted((set(self.disable) | set(self.severity)) - known)
        if unknown:
            raise ConfigError(f"{self.source or '配置'}：未知的规则 {', '.join(unknown)}（nianbao rules 列出全部规则）")


def _table_of(path: Path) -> dict | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}：无法读取（{exc.__class__.__name__}）") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}：TOML 格式错误（{exc}）") from None
    tool = data.get("tool", {}).get("nianbao")
    if tool is not None:
        return tool
    return None if path.name == "pyproject.toml" else data


def load_config(path: str | Path | None = None, start: Path | None = None) -> Config:
    """An explicit file, else the nearest nianbao.toml / pyproject.toml with [tool.nianbao]."""
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"{p}：配置文件不存在")
        candidates = [p]
    else:
        here = (start or Path.cwd()).resolve()
        candidates = [d / name for d in (here, *here.parents) for name in CONFIG_FILES if (d / name).is_file()]
    for candidate in candidates:
        table = _table_of(candidate)
        if table is not None:
            return _config_of(table, str(candidate))
    return Config()


def _config_of(table: dict, source: str) -> Config:
    """A key is spelt as in TOML (``max-size-mb``) or as in Python (``max_size_mb``)."""
    settings = [f for f in fields(Config) if not f.metadata.get("exclude")]
    names = {key: f.name for f in settings for key in (f.name, f.metadata.get("alias", f.name))}
    unknown = sorted(set(table) - set(names))
    if unknown:
        known = ", ".join(f.metadata.get("alias", f.name) for f in settings)
        raise ConfigError(f"{source}：未知的配置项 {', '.join(unknown)}（可用：{known}）")
    try:
        return Config(**{names[key]: value for key, value in table.items()}, source=source)
    except ConfigError as exc:
        raise ConfigError(f"{source}：{exc}") from None


def _month_day(value: object) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"\d\d-\d\d", value):
        return "应为 MM-DD，例如 01-31"
    try:
        date(2001, *map(int, value.split("-")))  # a common year: 02-29 is not a yearly deadline
    except ValueError:
        return f"{value} 不是每年都有的日期"
    return None


def _number(low: float, high: float, what: str) -> Callable[[object], str | None]:
    def check(value: object) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or not low < value <= high:
            return what
        return None

    return check


def _rule_ids(value: object) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return "应为规则编号的列表，例如 [\"vague-time-reference\"]"
    return None


def _severities(value: object) -> str | None:
    if not isinstance(value, dict) or not all(isinstance(k, str) and v in SEVERITIES for k, v in value.items()):
        return "应为 { 规则编号 = 级别 }，级别为 error、warning 或 info"
    return None


_CHECKS = {
    "disable": _rule_ids,
    "severity": _severities,
    "deadline": _month_day,
    "government_deadline": _month_day,
    "max_size_mb": _number(0, float("inf"), "应为大于 0 的数（MB）"),
    "report_timeout": _number(0, MAX_REPORT_TIMEOUT, f"应为大于 0、不超过 {MAX_REPORT_TIMEOUT} 的秒数"),
}
