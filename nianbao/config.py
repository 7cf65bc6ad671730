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
from datetime import date
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import UserError
from .models import Severity

CONFIG_FILES = ("nianbao.toml", "pyproject.toml")
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


class ConfigError(UserError):
    """The configuration cannot be used; the message says which file and why."""


class Config(BaseModel):
    """Checked when made, from a file or in code: a bad value names its key (``ConfigError``)."""

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    disable: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    deadline: str = "01-31"
    government_deadline: str = Field("03-31", alias="government-deadline")
    max_size_mb: Annotated[float, Field(gt=0, alias="max-size-mb")] = 50.0
    report_timeout: Annotated[float, Field(gt=0, le=MAX_REPORT_TIMEOUT, alias="report-timeout")] = 60.0
    source: str | None = Field(None, exclude=True)

    def __init__(self, **data: object) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise ConfigError(_message(exc)) from None

    @field_validator("deadline", "government_deadline")
    @classmethod
    def _month_day(cls, value: str) -> str:
        if not re.fullmatch(r"\d\d-\d\d", value):
            raise ValueError("应为 MM-DD，例如 01-31")
        try:
            date(2001, *map(int, value.split("-")))  # a common year: 02-29 is not a yearly deadline
        except ValueError:
            raise ValueError(f"{value} 不是每年都有的日期") from None
        return value

    @property
    def max_bytes(self) -> int:
        return int(self.max_size_mb * 1024 * 1024)

    def check_rule_ids(self, known: set[str]) -> None:
        unknown = sorted((set(self.disable) | set(self.severity)) - known)
        if unknown:
            raise ConfigError(
                f"{self.source or '配置'}：未知的规则 {', '.join(unknown)}（nianbao rules 列出全部规则）"
            )


def _table_of(path: Path) -> dict | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}：无法读取（{exc.__class__.__name__}）") from None
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
            raise ConfigError(f"{p}：配置文件不存在")
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
        return Config(**table, source=source)
    except ConfigError as exc:
        raise ConfigError(f"{source}：{exc}") from None


def _message(exc: ValidationError) -> str:
    """pydantic's first complaint in Chinese, naming the key as the file spells it."""
    first = exc.errors()[0]
    given = str(first["loc"][0]) if first["loc"] else ""
    if first["type"] == "extra_forbidden":
        known = ", ".join(f.alias or n for n, f in Config.model_fields.items() if not f.exclude)
        return f"未知的配置项 {given}（可用：{known}）"
    key = next((n for n, f in Config.model_fields.items() if given in (n, f.alias)), given)
    name = Config.model_fields[key].alias or key if key in Config.model_fields else given
    if first["type"] == "value_error":  # our own validators already speak Chinese
        return f"配置项 {name} 无效（{str(first['msg']).removeprefix('Value error, ')}）"
    return f"配置项 {name} 无效（{_EXPECTED.get(key, '类型不对')}）"
