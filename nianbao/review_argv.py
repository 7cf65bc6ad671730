"""Reads a ``nianbao review`` command line without typer, from the option table generated out of
the typer command itself (``review_options.py``, by ``scripts/gen_docs.py``).

It only ever accepts what typer would read to the same values (a test compares the two on many
command lines); anything else (``--help``, an unknown option, a value out of range, a short option
written together with its value) gives ``None``, and typer reads the line and prints its message."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .review_options import ARGUMENT, OPTIONS

# ASCII digits, and no more than a number of them that converts at once: anything else (「２」,
# five thousand digits) is typer's to judge and explain
_INT = re.compile(r"[+-]?[0-9]{1,18}")
_FLOAT = re.compile(r"[+-]?([0-9]{1,18}(\.[0-9]{0,18})?|\.[0-9]{1,18})([eE][+-]?[0-9]{1,3})?")
_BY_FLAG = {flag: option for option in OPTIONS for flag in option[1]}
_OFF = {flag: option[0] for option in OPTIONS for flag in option[2]}


def read(argv: list[str]) -> dict[str, Any] | None:
    """The values ``run`` takes, by parameter name; None when typer must read this line."""
    given: dict[str, Any] = {name: default for name, *_, default in OPTIONS}
    paths: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--":
            paths.extend(args)
            break
        if not arg.startswith("-") or arg == "-":
            paths.append(arg)
            continue
        flag, eq, value = arg.partition("=")
        if flag in _OFF and not eq:
            given[_OFF[flag]] = False
            continue
        option = _BY_FLAG.get(flag)
        if option is None or (eq and not flag.startswith("--")):
            return None
        name, _, _, kind, limits, multiple, _ = option
        if kind == "flag":
            if eq:
                return None
            given[name] = True
            continue
        if not eq:
            following = next(args, None)
            if following is None or following.startswith("-"):  # typer's reading of these is its own
                return None
            value = following
        converted = _convert(kind, limits, value)
        if converted is None:
            return None
        if multiple:
            given[name] = [*(given[name] or ()), converted]
        else:
            given[name] = converted
    if not paths:
        return None
    return {ARGUMENT: paths, **given}


def _convert(kind: str, limits: tuple, value: str) -> Any:
    if kind == "choice":
        return value if value in limits else None
    if kind == "path":
        return Path(value) if value else None
    if kind == "text":
        return value
    if not (_INT if kind == "int" else _FLOAT).fullmatch(value):
        return None
    number = int(value) if kind == "int" else float(value)
    low, high = limits
    return number if (low is None or number >= low) and (high is None or number <= high) else None
