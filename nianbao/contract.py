"""JSON at the boundaries: the plain dataclasses of the review contract (``models.py``), the batch
summary and the like, written to JSON and read back from it by pydantic, which checks every field
(types, Literals, nested dataclasses) on the way in.

Only the paths that write or read JSON import this module, and with it pydantic: a review printed
as text never does (start-up, issue 12)."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import TypeAdapter

T = TypeVar("T")


_ADAPTERS: dict[type, TypeAdapter] = {}  # by class: building one costs more than using it


def _adapter(cls: type[T]) -> TypeAdapter[T]:
    if cls not in _ADAPTERS:
        _ADAPTERS[cls] = TypeAdapter(cls)
    return _ADAPTERS[cls]


def dump(obj: Any, exclude: dict | set | None = None) -> dict[str, Any]:
    """``obj`` (a dataclass) as JSON-ready data, fields in their order; ``exclude`` as pydantic's."""
    return _adapter(type(obj)).dump_python(obj, mode="json", exclude=exclude)


def load(cls: type[T], data: Any) -> T:
    """``data`` (parsed JSON) checked into ``cls``: raises ``pydantic.ValidationError`` when it does
    not fit; keys the class does not have (``cell_label``) are ignored."""
    return _adapter(cls).validate_python(data)
