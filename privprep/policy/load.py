"""Load YAML into a :class:`Policy`, reporting every problem with its YAML path and line."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from privprep.errors import PolicyError, Problem, ReasonCode
from privprep.policy.keys import allowed_keys, description
from privprep.policy.limits import FAST_LOADER, MAX_POLICY_BYTES, TooLarge, check_limits
from privprep.policy.model import Policy

_NOUNS = {"action": "action", "to": "generalize target", "with": "scrub replacement", "language": "language"}


class _TextKeys(FAST_LOADER):  # type: ignore[misc,valid-type]
    """Mapping keys stay text: a column named 2024, no or null is a name, not a number or a boolean."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)  # resolve `<<` merges first, so merged keys become text too
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                key.tag = "tag:yaml.org,2002:str"
        return super().construct_mapping(node, deep=deep)


_TOO_LONG = "larger than 1 MiB; a policy is a short text file"
_COMMENTED_KEY = re.compile(r"^\s*(?:-\s+)?[^\s#'\"{\[][^#'\":]*\s#")
_COLON_KEY = re.compile(  # a plain key, ': ', a plain value holding another ': '
    r"^\s*(?:-\s+)?[^\s#'\"{\[](?:[^#'\":]|:(?!\s))*:\s+[^\s#'\"{\[|>&*!](?:[^#:]|:(?!\s))*:(?:\s|$)"
)


def load_policy(path: str | Path, engine: str = "polars") -> Policy:
    """Read and validate a policy file; raises :class:`PolicyError` listing all problems
    (with ``engine="spark"`` also what that engine refuses)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_POLICY_BYTES + 1)
    except OSError as exc:
        raise PolicyError(f"cannot read policy {path}: {exc.strerror}") from None
    if len(raw) > MAX_POLICY_BYTES:
        raise PolicyError(f"policy {path} is invalid", [_located("", _TOO_LONG, None)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem("", "not UTF-8 text", line, ReasonCode.POLICY_INVALID)
        raise PolicyError(f"policy {path} is invalid", [problem]) from None
    return parse_policy(text, source=str(path), engine=engine)


def parse_policy(text: str, source: str = "<policy>", engine: str = "polars") -> Policy:
    """Validate policy YAML text: the model, then every operator's own checks of its parameters,
    then (``engine="spark"``) what that engine refuses."""
    invalid = f"policy {source} is invalid"
    if len(text.encode("utf-8", "surrogatepass")) > MAX_POLICY_BYTES:
        raise PolicyError(invalid, [_located("", _TOO_LONG, None)])
    try:
        check_limits(text)
        node = _compose(text)
        data = _TextKeys("").construct_document(node) if node is not None else None  # safe: no objects
    except yaml.YAMLError as exc:
        raise PolicyError(invalid, [_yaml_problem(exc, text)]) from None
    except TooLarge as exc:
        raise PolicyError(invalid, [_located("", exc.message, exc.line)]) from None
    except RecursionError:
        raise PolicyError(invalid, [_located("", "nested too deeply to be a policy", None)]) from None
    if not isinstance(data, dict):
        raise PolicyError(invalid, [_located("", "expected a mapping at the top", None)])
    problems = _duplicate_keys(node, "")
    try:
        policy = Policy.model_validate({**data, "source_text": text})
    except ValidationError as exc:
        found = [_problem(err, node) for err in exc.errors(include_url=False)]
        found += _operator_problems(_valid_parts(data), node)
        problems += sorted(found, key=lambda p: p.line or 0)  # in the order the file reads
    else:
        problems += _operator_problems(policy, node) + _engine_problems(policy, node, engine)
    if problems:
        lines = text.splitlines()
        problems = [_located(p.where, p.message + _key_hint(lines, p.line), p.line) for p in problems]
        raise PolicyError(f"policy {source} has {len(problems)} problem(s)", problems)
    return policy


def _located(where: str, message: str, line: int | None) -> Problem:
    return Problem(where, message, line, ReasonCode.POLICY_INVALID)


def _compose(text: str) -> yaml.Node | None:
    """The node tree, by libyaml when present; a syntax error is worded by PyYAML, as documented."""
    try:
        return yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)


def _yaml_problem(exc: yaml.YAMLError, text: str) -> Problem:
    """The syntax error's line, with a hint when an unquoted key holds a ``#`` or a ``: ``."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else None
    message = f"not valid YAML: {getattr(exc, 'problem', None) or exc}"
    return _located("", message + _key_hint(text.splitlines(), line, colon=True), line)


def _key_hint(lines: list[str], line: int | None, *, colon: bool = False) -> str:
    """A hint when the problem's line, or one of the two before it, has an unquoted key that YAML cut
    short at a ``#`` (read as a comment); with ``colon`` (a syntax error), also when the line's key
    holds a ``: `` (read as a nested mapping)."""
    for n in range(min(line or len(lines), len(lines)), max((line or 0) - 3, 0), -1):
        if _COMMENTED_KEY.match(lines[n - 1]):
            return f"; line {n} has a '#' that YAML reads as a comment; quote the key"
        if colon and n == line and _COLON_KEY.match(lines[n - 1]):
            return f"; line {n} has a key with ': ' in it, which YAML reads as a nested mapping; quote it"
    return ""


def _valid_parts(data: dict[str, Any]) -> Policy:
    """What the operators' checks read (column rules, rules, recognizers): each piece valid on its own."""
    columns = data.get("columns") if isinstance(data.get("columns"), dict) else {}
    valid: dict[str, Any] = {}
    for name, value in columns.items():
        valid.update(_valid("columns", {name: value}) or {})

    def pieces(key: str) -> list[Any]:
        items = data.get(key) if isinstance(data.get(key), list) else []
        return [one for item in items for one in _valid(key, [item]) or []]

    return Policy.model_construct(columns=valid, rules=pieces("rules"), recognizers=pieces("recognizers"))


def _valid(key: str, value: Any) -> Any:
    try:
        return _adapter(key).validate_python(value)
    except ValidationError:
        return None


@functools.cache
def _adapter(key: str) -> TypeAdapter[Any]:
    return TypeAdapter(Policy.model_fields[key].annotation)


def _operator_problems(policy: Policy, root: yaml.Node | None) -> list[Problem]:
    """Each action's own checks (fake kinds, scrub entities, ...), located in the YAML."""
    from privprep.prep.plan import prep_problems
    from privprep.transforms import rule_problems  # the operators import the policy models

    found = []
    for loc, problem in [*rule_problems(policy), *prep_problems(policy)]:
        where, line = _locate(loc, root)
        found.append(_located(where, problem.message, line))
    return found


def check_engine(policy: Policy, engine: str) -> None:
    """Raise :class:`PolicyError` for what ``engine`` refuses in ``policy`` (located in its YAML text)."""
    node = _compose(policy.source_text) if policy.source_text else None
    if problems := _engine_problems(policy, node, engine):
        raise PolicyError(f"--engine {engine} cannot run this policy ({len(problems)} problem(s))", problems)


def _engine_problems(policy: Policy, root: yaml.Node | None, engine: str) -> list[Problem]:
    if engine != "spark":
        return []
    from privprep.spark.rules import spark_problems

    found = []
    for loc, message in spark_problems(policy):  # a policy built in code has no YAML to locate in
        where, line = _locate(loc, root) if root is not None else (".".join(loc), None)
        found.append(_located(where, message, line))
    return found


def _duplicate_keys(node: yaml.Node | None, path: str) -> list[Problem]:
    """YAML lets a later key silently replace an earlier one; a policy must not."""
    found: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            where = f"{path}.{key.value}" if path else str(key.value)
            if key.value in seen:
                found.append(_located(where, "key given twice", key.start_mark.line + 1))
            seen.add(key.value)
            found += _duplicate_keys(value, where)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            found += _duplicate_keys(item, f"{path}.{i}")
    return found


def _problem(err: Any, root: yaml.Node | None) -> Problem:
    path, line = _locate(err["loc"], root)
    return _located(path, _message(err, path), line)


def _message(err: Any, path: str) -> str:
    kind, ctx, loc = err["type"], err.get("ctx", {}), err["loc"]
    if kind == "literal_error":
        noun = _NOUNS.get(path.rsplit(".", 1)[-1], "value")
        allowed = ctx.get("expected", "").replace("'", "").replace(" or ", ", ")
        return f"unknown {noun} {err['input']!r}; known: {allowed}"
    if kind == "unknown_action":
        from privprep.transforms import known_actions  # the operators import the policy models

        return f"unknown action {_tag(err['input'])!r}; known: {', '.join(known_actions())}"
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
