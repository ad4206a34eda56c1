"""Load YAML into a :class:`Policy`, reporting every problem with its YAML path and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from privprep.errors import PolicyError, Problem
from privprep.policy.keys import allowed_keys, description
from privprep.policy.model import Policy

_NOUNS = {"kind": "fake kind", "action": "action", "to": "generalize target", "with": "scrub replacement"}


class _TextKeys(yaml.SafeLoader):
    """Mapping keys stay text: a column named 2024, no or null is a name, not a number or a boolean."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)  # resolve `<<` merges first, so merged keys become text too
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                key.tag = "tag:yaml.org,2002:str"
        return super().construct_mapping(node, deep=deep)


def load_policy(path: str | Path) -> Policy:
    """Read and validate a policy file; raises :class:`PolicyError` listing all problems."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(f"cannot read policy {path}: {exc.strerror}") from None
    return parse_policy(text, source=str(path))


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    """Validate policy YAML text."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=_TextKeys)  # a SafeLoader: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = Problem("", f"not valid YAML: {getattr(exc, 'problem', exc)}", line)
        raise PolicyError(f"policy {source} is invalid", [problem]) from None
    if not isinstance(data, dict):
        raise PolicyError(f"policy {source} is invalid", [Problem("", "expected a mapping at the top")])
    problems = _duplicate_keys(node, "")
    try:
        policy = Policy.model_validate({**data, "source_text": text})
    except ValidationError as exc:
        problems += [_problem(err, node) for err in exc.errors(include_url=False)]
    if problems:
        raise PolicyError(f"policy {source} has {len(problems)} problem(s)", problems)
    return policy


def _duplicate_keys(node: yaml.Node | None, path: str) -> list[Problem]:
    """YAML lets a later key silently replace an earlier one; a policy must not."""
    found: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            where = f"{path}.{key.value}" if path else str(key.value)
            if key.value in seen:
                found.append(Problem(where, "key given twice", key.start_mark.line + 1))
            seen.add(key.value)
            found += _duplicate_keys(value, where)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicate_keys(item, f"{path}.{i}")
    return found


def _problem(err: Any, root: yaml.Node | None) -> Problem:
    path, line = _locate(err["loc"], root)
    return Problem(path, _message(err, path), line)


def _message(err: Any, path: str) -> str:
    kind, ctx, loc = err["type"], err.get("ctx", {}), err["loc"]
    if kind == "literal_error":
        noun = _NOUNS.get(path.rsplit(".", 1)[-1], "value")
        allowed = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"unknown {noun} {err['input']!r}; known: {allowed}"
    if kind == "unknown_action":
        return f"unknown action {_tag(err['input'])!r}; {err['msg'].split('; ', 1)[1]}"
    if kind == "extra_forbidden":
        return f"unknown key '{loc[-1]}'; allowed: {', '.join(allowed_keys(Policy, loc[:-1]))}"
    if kind == "missing":
        why = description(Policy, loc)
        return f"required key '{loc[-1]}' is missing" + (f": {why}" if why else "")
    return err["msg"].removeprefix("Value error, ")


def _tag(value: Any) -> Any:
    return value.get("action") if isinstance(value, dict) else value


def _locate(loc: tuple[Any, ...], root: yaml.Node | None) -> tuple[str, int | None]:
    """Follow ``loc`` through the YAML node tree, skipping union tags it does not contain."""
    parts: list[str] = []
    node, line = root, (root.start_mark.line + 1 if root else None)
    for step in loc:
        child = _child(node, step)
        if child is None:
            continue
        parts.append(str(step))
        node, line = child, child.start_mark.line + 1
    return ".".join(parts), line


def _child(node: yaml.Node | None, step: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(step):
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
        return node.value[step]
    return None
