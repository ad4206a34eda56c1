"""Operators by action name, each declared once: its rule model, whether it needs the key, the
dtypes it takes, its parameter checks, and how it builds one Polars expression per column.

>>> @register("redact", rule=Redact)
... def redact(expr, rule, ctx): return pl.when(expr.is_null()).then(None).otherwise(pl.lit(rule.text))

``validate(rule, policy)`` runs when the policy is loaded (``privprep validate``), the dtype check
when the plan is compiled against a schema, ``build`` when the plan is projected: what a run
would refuse is refused at the first of these that can know it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from pydantic import BaseModel

from privprep.dtypes import render_dtype
from privprep.errors import Problem, ReasonCode, fail
from privprep.keys import MasterKey
from privprep.policy.model import Policy


@dataclass(frozen=True)
class Context:
    """What an operator may know: the column, its dtype, the key (when the plan needs one), the policy.

    ``stage`` lets an operator compute an intermediate once (e.g. a digest it reads
    several times): the engine projects staged columns first, then the outputs.
    ``sources`` (scrubbed column → the plan's columns feeding it) and ``terms`` (their
    input values, collected by the engine: :mod:`privprep.detect.table`) serve ``scrub``.
    """

    column: str
    schema: pl.Schema
    key: MasterKey | None
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
        if self.key is None:  # the plan said needs_key; a caller skipped resolving it
            raise fail(ReasonCode.KEY_MISSING, f"column {self.column!r}: {purpose} needs the master key")
        return self.key.derive(purpose, f"domain:{domain}" if domain else f"column:{self.column}")


@dataclass(frozen=True)
class Dtypes:
    """The dtypes an operator takes; ``needs`` completes "this action needs ..." in a mismatch."""

    accepts: Callable[[pl.DataType], bool]
    needs: str


ANY_DTYPE = Dtypes(lambda dtype: True, "any column")
Build = Callable[[pl.Expr, Any, Context], pl.Expr]
Validate = Callable[[Any, Policy], list[Problem]]
Reads = Callable[[Any], dict[str, str | None]]


def _no_problems(rule: Any, policy: Policy) -> list[Problem]:
    return []


def _reads_nothing(rule: Any) -> dict[str, str | None]:
    return {}


@dataclass(frozen=True)
class Operator:
    """One action's declaration. ``keyed`` and ``dtypes`` may depend on the rule's parameters."""

    action: str
    rule: type[BaseModel]
    build: Build
    keyed: bool | Callable[[Any], bool] = False
    dtypes: Dtypes | Callable[[Any], Dtypes] = ANY_DTYPE
    validate: Validate = _no_problems
    reads: Reads = _reads_nothing  # other input columns the rule names, by parameter: {"by": "customer_id"}

    def needs_key(self, rule: Any) -> bool:
        return self.keyed(rule) if callable(self.keyed) else self.keyed

    def dtype_problem(self, rule: Any, where: str, column: str, dtype: pl.DataType) -> Problem | None:
        """A TYPE_MISMATCH naming the column, its dtype (never its categories) and what is accepted."""
        spec = self.dtypes if isinstance(self.dtypes, Dtypes) else self.dtypes(rule)
        if spec.accepts(dtype):
            return None
        message = f"column {column!r} has dtype {render_dtype(dtype)}; this action needs {spec.needs}"
        return Problem(where, message, code=ReasonCode.TYPE_MISMATCH)

    def missing_columns(self, rule: Any, where: str, schema: pl.Schema) -> list[Problem]:
        """A COLUMN_MISSING per parameter naming a column the input does not have."""
        return [
            Problem(f"{where}.{param}", f"names column {name!r}, which the input does not have",
                    code=ReasonCode.COLUMN_MISSING)
            for param, name in self.reads(rule).items()
            if name is not None and name not in schema
        ]  # fmt: skip


_OPERATORS: dict[str, Operator] = {}
_PLUGINS = {"scrub": "privprep.detect.scrub"}  # heavy operators, imported when a policy uses them


def register(
    action: str,
    *,
    rule: type[BaseModel],
    keyed: bool | Callable[[Any], bool] = False,
    dtypes: Dtypes | Callable[[Any], Dtypes] = ANY_DTYPE,
    validate: Validate = _no_problems,
    reads: Reads = _reads_nothing,
) -> Callable[[Build], Build]:
    """Declare the operator for ``action``; the decorated function is its ``build``."""
    if rule.model_fields["action"].default != action:
        raise ValueError(f"operator {action!r} registered with the rule model of another action")

    def decorate(fn: Build) -> Build:
        _OPERATORS[action] = Operator(action, rule, fn, keyed, dtypes, validate, reads)
        return fn

    return decorate


def operator(action: str) -> Operator:
    """The declaration for ``action`` (importing a heavy operator's module on first use)."""
    if action in _PLUGINS and action not in _OPERATORS:
        importlib.import_module(_PLUGINS[action])
    try:
        return _OPERATORS[action]
    except KeyError:
        raise fail(
            ReasonCode.POLICY_INVALID, f"unknown action {action!r}; known: {', '.join(known_actions())}"
        ) from None


def build(rule: Any, ctx: Context) -> pl.Expr:
    """The output expression for ``ctx.column`` under ``rule`` (aliased to the column name).

    ``compile_plan`` has checked the dtype already; a caller that builds directly gets the same check.
    """
    op = operator(rule.action)
    if problem := op.dtype_problem(rule, f"columns.{ctx.column}", ctx.column, ctx.dtype):
        raise fail(ReasonCode.TYPE_MISMATCH, problem.message, column=ctx.column)
    return op.build(pl.col(ctx.column), rule, ctx).alias(ctx.column)


def known_actions() -> list[str]:
    """Every action, in the order the operators registered (heavy ones last)."""
    return [*_OPERATORS, *(action for action in _PLUGINS if action not in _OPERATORS)]


def policy_rules(policy: Policy) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every column rule in ``policy`` and where: ``("columns", name)`` or ``("rules", i, "action")``."""
    for name, rule in policy.columns.items():
        yield ("columns", name), rule
    for i, entry in enumerate(policy.rules):
        yield ("rules", i, "action"), entry.action


def rule_problems(policy: Policy) -> list[tuple[tuple[str | int, ...], Problem]]:
    """Each operator's parameter problems, located: the location tuple extended by the problem's ``where``."""
    found = []
    for loc, rule in policy_rules(policy):
        for problem in operator(rule.action).validate(rule, policy):
            steps = tuple(int(s) if s.isdigit() else s for s in problem.where.split(".") if s)
            found.append(((*loc, *steps), problem))
    return found
