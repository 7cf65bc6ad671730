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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .models import Severity

CONFIG_FILES = ("nianbao.toml", "pyproject.toml")


class ConfigError(Exception):
    """The configuration cannot be used; the message says which file and why."""


class Config(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    disable: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)
    deadline: str = "01-31"
    government_deadline: str = Field("03-31", alias="government-deadline")
    max_size_mb: float = Field(50, alias="max-size-mb", gt=0)
    # a worker process over it is killed; at most a day, so a deadline is always a finite time
    report_timeout: float = Field(60, alias="report-timeout", gt=0, le=86400)
    source: str | None = Field(None, exclude=True)

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
        if table is None:
            continue
        try:
            return Config.model_validate({**table, "source": str(candidate)})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            raise ConfigError(f"{candidate}：配置项 {where} 无效（{first['msg']}）") from None
    return Config()
