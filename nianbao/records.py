"""Plain dataclasses with the three pydantic methods the review contract needs: building pydantic
validators for every model costs more than a whole review of a .txt report, and the review's own
code builds these objects from values it has already checked. Only the bot and the eval read
reviews back from JSON (``model_validate``), so only they pay for the type hints being resolved.

A field's ``metadata`` may carry ``alias`` (its name in JSON) and ``exclude`` (kept out of JSON);
a class may list ``computed`` properties that JSON carries after the fields."""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from typing import Any, ClassVar, Self


class Record:
    """Base of a ``@dataclass(kw_only=True)``: ``model_copy``, ``model_dump`` (JSON mode) and
    ``model_validate``, named and behaving as pydantic's do for these models."""

    computed: ClassVar[tuple[str, ...]] = ()

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]

    def model_dump(self, *, by_alias: bool = False) -> dict[str, Any]:
        """The JSON form (pydantic's ``mode="json"``): records as objects, tuples as lists, dates as ISO."""
        out = {}
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if not f.metadata.get("exclude"):
                out[f.metadata.get("alias", f.name) if by_alias else f.name] = _jsonable(getattr(self, f.name), by_alias)
        for name in self.computed:
            out[name] = _jsonable(getattr(self, name), by_alias)
        return out

    @classmethod
    def model_validate(cls, data: dict[str, Any]) -> Self:
        """The record from its JSON form; keys it does not know (computed ones) are ignored."""
        hints = typing.get_type_hints(cls)
        values = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            key = f.metadata.get("alias", f.name)
            if key in data:
                values[f.name] = _built(hints[f.name], data[key])
            elif f.name in data:
                values[f.name] = _built(hints[f.name], data[f.name])
        return cls(**values)


def _jsonable(value: Any, by_alias: bool) -> Any:
    if isinstance(value, Record):
        return value.model_dump(by_alias=by_alias)
    if isinstance(value, dict):
        return {k: _jsonable(v, by_alias) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v, by_alias) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _built(hint: Any, value: Any) -> Any:
    """``value`` (JSON) as ``hint`` says: records, and lists and dicts of them; else as it is."""
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return _built(next(a for a in args if a is not type(None)), value)
    if origin is list and args:
        return [_built(args[0], v) for v in value]
    if origin is dict and len(args) == 2:
        return {k: _built(args[1], v) for k, v in value.items()}
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.model_validate(value)
    return value
