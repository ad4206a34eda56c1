"""The prep part of a plan: dedupe → labels → split, compiled against the input schema (pure).

>>> prep, problems = compile_prep(policy, schema)
>>> frame = prep.apply(source.frame, key)   # lazy; the column rules run on this
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from privprep.dtypes import render_dtype
from privprep.errors import Problem, ReasonCode
from privprep.keys import MasterKey
from privprep.policy.model import Policy
from privprep.policy.prep import DedupeSpec, SplitSpec
from privprep.prep.dedupe import dedupe_subset, deduplicate
from privprep.prep.labels import LabelMapping, compile_label
from privprep.prep.split import split_expr, with_split
from privprep.transforms.keyed import SCALAR

TEXT_NEEDED = "a String column"


@dataclass(frozen=True)
class PrepPlan:
    """Row-level steps before the column rules: what they read, what they add."""

    dedupe: DedupeSpec | None = None
    subset: list[str] = field(default_factory=list)
    labels: dict[str, LabelMapping] = field(default_factory=dict)
    split: SplitSpec | None = None

    @property
    def needs_key(self) -> bool:
        return self.split is not None

    @property
    def added(self) -> list[str]:
        """Output columns the prep steps add (after the policy's columns)."""
        return [self.split.column] if self.split else []

    def row_steps(self, key: MasterKey | None) -> list[list[pl.Expr]]:
        """The row-local steps after dedupe, in order, each one ``with_columns``: the label columns,
        then an unstratified split (the Spark engine runs these per Arrow batch)."""
        steps = [[m.expr() for m in self.labels.values()]] if self.labels else []
        if self.split is not None and self.split.stratify is None:
            steps.append([split_expr(self.split, split_key(key))])
        return steps

    def apply(self, frame: pl.LazyFrame, key: MasterKey | None) -> pl.LazyFrame:
        """Every prep step on ``frame``; ``key`` is needed when :attr:`needs_key`."""
        if self.dedupe is not None:
            frame = deduplicate(frame, self.dedupe, self.subset)
        for exprs in self.row_steps(key):
            frame = frame.with_columns(exprs)
        if self.split is not None and self.split.stratify is not None:
            frame = with_split(frame, self.split, split_key(key), pl.col(self.split.stratify))
        return frame

    def describe(self) -> list[str]:
        """One line per prep step, in the order they run (for ``privprep plan``)."""
        lines = []
        if (d := self.dedupe) is not None:
            near = f", near-duplicates of {', '.join(d.normalize)}" if d.normalize else ""
            lines.append(f"dedupe on {', '.join(self.subset)}, keep {d.keep}{near}")
        for name, m in self.labels.items():
            lines.append(
                f"label {name}: {len(m.spec.map)} map rule(s) onto {len(m.spec.classes)} classes"
                f" (taxonomy {m.spec.taxonomy_version}), unknown: {m.spec.unknown}"
            )
        if (s := self.split) is not None:
            shares = ", ".join(f"{n} {f:g}" for n, f in s.fractions.items())
            strata = f", stratified by {s.stratify}" if s.stratify else ""
            lines.append(f"split by {s.by} (domain {s.seed_domain}) into column {s.column}: {shares}{strata}")
        return lines

    def schema(self, schema: pl.Schema) -> pl.Schema:
        """The schema the column rules see: label columns become String."""
        return pl.Schema({n: pl.String() if n in self.labels else d for n, d in schema.items()})


def split_key(key: MasterKey | None) -> MasterKey:
    """The key a split hashes with; :attr:`PrepPlan.needs_key` made the engine resolve it."""
    if key is None:
        raise ValueError("split needs the master key")
    return key


def prep_problems(policy: Policy) -> list[tuple[tuple[str | int, ...], Problem]]:
    """Checks across prep keys that need no data (``privprep validate``), located like model errors."""
    found: list[tuple[tuple[str | int, ...], Problem]] = []
    for column, spec in policy.labels.items():
        for problem in compile_label(column, spec)[1]:
            found.append((tuple(problem.where.split(".")), problem))
    split = policy.split
    if split is not None and split.stratify is not None and split.stratify not in policy.labels:
        allowed = ", ".join(policy.labels) or "none: the policy has no labels block"
        found.append(
            (("split", "stratify"), _problem("split.stratify", f"is not a labels column; allowed: {allowed}"))
        )
    if split is not None and (split.column in policy.columns or split.column in policy.labels):
        found.append(
            (("split", "column"), _problem("split.column", f"{split.column!r} is a column of the input"))
        )
    return found


def compile_prep(policy: Policy, schema: pl.Schema) -> tuple[PrepPlan | None, list[Problem]]:
    """The prep plan against ``schema``: every named column must exist and have a usable dtype."""
    if not (policy.labels or policy.dedupe or policy.split):
        return None, []
    problems = [p for _, p in prep_problems(policy)]
    labels = {}
    for column, spec in policy.labels.items():
        problems += _column_problems(f"labels.{column}", column, schema, SCALAR.accepts, SCALAR.needs)
        labels[column] = compile_label(column, spec)[0]
    subset: list[str] = []
    if (dedupe := policy.dedupe) is not None:
        subset = dedupe_subset(dedupe, schema)
        for i, column in enumerate(subset if dedupe.on != "all" else []):
            problems += _column_problems(f"dedupe.on.{i}", column, schema, None, "")
        for column in dedupe.normalize:
            is_text = lambda d: d == pl.String  # noqa: E731
            problems += _column_problems(f"dedupe.normalize.{column}", column, schema, is_text, TEXT_NEEDED)
    if (split := policy.split) is not None:
        problems += _column_problems("split.by", split.by, schema, SCALAR.accepts, SCALAR.needs)
        if split.column in schema:
            problems.append(_problem("split.column", f"{split.column!r} is a column of the input already"))
    return PrepPlan(dedupe, subset, labels, split), problems


def _column_problems(
    where: str, column: str, schema: pl.Schema, accepts: Callable[[pl.DataType], bool] | None, needs: str
) -> list[Problem]:
    if column not in schema:
        return [
            Problem(
                where,
                f"names column {column!r}, which the input does not have",
                code=ReasonCode.COLUMN_MISSING,
            )
        ]
    dtype = schema[column]
    if accepts is not None and not accepts(dtype):
        message = f"column {column!r} has dtype {render_dtype(dtype)}; this needs {needs}"
        return [Problem(where, message, code=ReasonCode.TYPE_MISMATCH)]
    return []


def _problem(where: str, message: str) -> Problem:
    return Problem(where, message, code=ReasonCode.POLICY_INVALID)
