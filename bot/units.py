"""The units a supervising office expects a report from, for the digest's "not submitted yet" list.

One file, in one of two forms::

    # units.txt or units.csv: one unit per line, optionally with its Slack channel ID
    临淄区财政局
    金岭回族镇人民政府,C0123ABCD

    # units.toml
    units = ["临淄区财政局", { name = "金岭回族镇人民政府", channel = "C0123ABCD" }]

A unit with a channel is expected only in that channel's digest; one without, in every digest.
Reviews are matched by issuer name, folded and without 人民政府 / 管理委员会 at the end, so that
「金岭回族镇人民政府」 matches a report signed 「临淄区金岭回族镇」.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from extractors.normalize import name_key, same_body
from nianbao.config import toml_error
from nianbao.errors import UserError

CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,}")
_HEADER = {"单位", "单位名称", "名称", "unit", "name"}
_SEPARATOR = re.compile(r"\s*[,，\t]\s*")


class UnitsError(UserError):
    """The units file cannot be used; the message names the file, the line and the fix (Chinese)."""


@dataclass(frozen=True)
class Unit:
    name: str
    channel: str | None = None

    def matches(self, issuer: str) -> bool:
        return same_body(self.name, issuer)


def load_units(path: str | Path) -> list[Unit]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel writes CSV with a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise UnitsError(f"{path}：无法读取单位名单（{exc.__class__.__name__}）") from None
    units = _from_toml(path, text) if path.suffix.lower() == ".toml" else _from_lines(path, text)
    if not units:
        raise UnitsError(f"{path}：单位名单是空的")
    return list(dict.fromkeys(units))


def expected_in(units: list[Unit], channel: str) -> list[Unit]:
    return [u for u in units if u.channel in (None, channel)]


def _from_lines(path: Path, text: str) -> list[Unit]:
    units = []
    for number, line in enumerate(text.splitlines(), 1):
        cells = [
            c.strip('"') for c in _SEPARATOR.split(line.strip(), maxsplit=2)
        ]  # a third column is ignored
        if not cells[0] or cells[0].startswith("#") or cells[0] in _HEADER:
            continue
        units.append(_unit(f"{path} 第 {number} 行", cells[0], cells[1] if len(cells) > 1 else ""))
    return units


def _from_toml(path: Path, text: str) -> list[Unit]:
    try:
        entries = tomllib.loads(text).get("units")
    except tomllib.TOMLDecodeError as exc:
        raise UnitsError(f"{path}：{toml_error(exc)}") from None
    if not isinstance(entries, list):
        raise UnitsError(f'{path}：应有 units = ["单位名称", …]')
    units = []
    for number, entry in enumerate(entries, 1):
        where = f"{path} 第 {number} 个单位"
        if isinstance(entry, str):
            entry = {"name": entry}
        name, channel = (entry.get(k, "") if isinstance(entry, dict) else None for k in ("name", "channel"))
        if not isinstance(name, str) or not isinstance(channel, str):
            raise UnitsError(f'{where}：应为 "单位名称" 或 {{ name = "单位名称", channel = "C0123ABCD" }}')
        units.append(_unit(where, name, channel))
    return units


def _unit(where: str, name: str, channel: str) -> Unit:
    name, channel = name.strip(), channel.strip().lstrip("#")
    if not name_key(name):
        raise UnitsError(f"{where}：缺少单位名称")
    if channel and not CHANNEL_ID.fullmatch(channel):
        raise UnitsError(
            f"{where}：频道「{channel}」应为频道 ID，例如 C0123ABCD（在 Slack 的频道详情底部复制）"
        )
    return Unit(name, channel or None)
