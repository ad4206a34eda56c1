"""Which keys a policy accepts at a given place: read off the models, for error messages."""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel

TAG_FIELDS = ("action", "kind")


def allowed_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Keys allowed in the mapping at ``loc`` (a pydantic error location, union tags included)."""
    keys: set[str] = set()
    for model in _models(_walk(root, loc)):
        keys |= {f.alias or name for name, f in model.model_fields.items() if not f.exclude}
    return sorted(keys)


def description(root: type[BaseModel], loc: tuple[Any, ...]) -> str | None:
    """The documented meaning of the key at ``loc``, if its model gives one."""
    *parent, key = loc
    for model in _models(_walk(root, tuple(parent))):
        field = model.model_fields.get(key)
        if field is not None and field.description:
            return field.description
    return None


def _walk(root: type[BaseModel], loc: tuple[Any, ...]) -> list[Any]:
    candidates: list[Any] = [root]
    for step in loc:
        candidates = [nxt for tp in candidates for nxt in _step(tp, step)]
    return candidates


def _flatten(tp: Any) -> list[Any]:
    origin = get_origin(tp)
    if origin is Annotated:
        return _flatten(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        return [inner for arg in get_args(tp) for inner in _flatten(arg)]
    return [tp]


def _models(candidates: list[Any]) -> list[type[BaseModel]]:
    return [t for c in candidates for t in _flatten(c) if isinstance(t, type) and issubclass(t, BaseModel)]


def _tag(model: type[BaseModel]) -> Any:
    return next((model.model_fields[f].default for f in TAG_FIELDS if f in model.model_fields), None)


def _step(tp: Any, step: Any) -> list[Any]:
    out: list[Any] = []
    for t in _flatten(tp):
        if isinstance(t, type) and issubclass(t, BaseModel):
            field = next((f for n, f in t.model_fields.items() if step in (n, f.alias)), None)
            if field is not None:
                out.append(field.annotation)
            elif _tag(t) == step:
                out.append(t)
        elif get_origin(t) in (list, dict, tuple):
            out.append(get_args(t)[-1])
    return out
