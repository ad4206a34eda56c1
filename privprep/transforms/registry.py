"""Operators by action name: each builds one Polars expression for one column.

>>> @register("redact")
... def redact(expr, rule, ctx): return pl.when(expr.is_null()).then(None).otherwise(pl.lit(rule.text))
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from privprep.errors import ReasonCode, fail
from privprep.keys import MasterKey
from privprep.policy.model import Policy


@dataclass(frozen=True)
class Context:
    """What an operator may know: the column, its dtype, the key and the policy.

    ``stage`` lets an operator compute an intermediate once (e.g. a digest it reads
    several times): the engine projects staged columns first, then the outputs.
    ``sources`` (scrubbed column → the plan's columns feeding it) and ``terms`` (their
    input values, collected by the engine: :mod:`privprep.detect.table`) serve ``scrub``.
    """

    column: str
    schema: pl.Schema
    key: MasterKey
    policy: Policy
    staged: dict[str, pl.Expr] = field(default_factory=dict)
    sources: dict[str, list[Any]] = field(default_factory=dict)
    terms: Any = None

    def stage(self, expr: pl.Expr) -> pl.Expr:
        """Compute ``expr`` in the first projection; returns a reference to it."""
        name = f"__privprep_{self.column}_{len(self.staged)}"
        self.staged[name] = expr
        return pl.col(name)

    @property
    def dtype(self) -> pl.DataType:
        return self.schema[self.column]

    def column_key(self, purpose: str, domain: str | None) -> str:
        """Derived key for this column, shared by every column of the same ``domain``."""
        return self.key.derive(purpose, f"domain:{domain}" if domain else f"column:{self.column}")

    def type_error(self, allowed: str) -> Exception:
        return fail(
            ReasonCode.TYPE_MISMATCH,
            f"column {self.column!r} has dtype {self.dtype}; this action needs {allowed}",
            column=self.column,
            dtype=str(self.dtype),
        )


Operator = Callable[[pl.Expr, Any, Context], pl.Expr]
_OPERATORS: dict[str, Operator] = {}
_PLUGINS = {"scrub": "privprep.detect.scrub"}  # heavy operators, imported when a policy uses them


def register(action: str) -> Callable[[Operator], Operator]:
    """Register ``fn`` as the operator for ``action``."""

    def decorate(fn: Operator) -> Operator:
        _OPERATORS[action] = fn
        return fn

    return decorate


def build(rule: Any, ctx: Context) -> pl.Expr:
    """The output expression for ``ctx.column`` under ``rule`` (aliased to the column name)."""
    if rule.action in _PLUGINS and rule.action not in _OPERATORS:
        importlib.import_module(_PLUGINS[rule.action])
    try:
        operator = _OPERATORS[rule.action]
    except KeyError:
        known = ", ".join(sorted(_OPERATORS))
        raise fail(ReasonCode.POLICY_INVALID, f"unknown action {rule.action!r}; known: {known}") from None
    return operator(pl.col(ctx.column), rule, ctx).alias(ctx.column)


def known_actions() -> list[str]:
    return sorted(_OPERATORS)
