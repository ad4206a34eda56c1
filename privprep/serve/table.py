"""The exact path: the operators' own Polars expressions on a frame of the records.

Used for the columns (or single values) without a scalar twin, for ``scrub``, and by the
compile-time probe that checks every twin against it. A scrubbed column that looks for the
table's own values gets each record's own values, as ``apply`` of that one record would.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from privprep.keys import MasterKey
from privprep.plan import Plan
from privprep.transforms import Context, build

Row = dict[str, Any]


class TablePath:
    """``run(rows, names)``: the named output columns for ``rows``, computed by the plan's expressions."""

    def __init__(self, plan: Plan, key: MasterKey | None) -> None:
        self.plan, self.key = plan, key
        self.sources = plan.text_sources
        self.aware = {c.name: c for c in plan.output_columns if self.sources.get(c.name)}
        self.staged: dict[str, pl.Expr] = {}
        self.exprs = {
            c.name: build(c.rule, Context(c.name, plan.schema, key, plan.policy, self.staged, self.sources))
            for c in plan.output_columns
            if c.name not in self.aware
        }

    def frame(self, rows: list[Row]) -> pl.DataFrame:
        schema = self.plan.schema
        return pl.DataFrame({name: [row[name] for row in rows] for name in schema}, schema=schema)

    def run(self, rows: list[Row], names: list[str]) -> list[Row]:
        """The values of output columns ``names`` for each of ``rows`` (coerced records)."""
        frame = self.frame(rows)
        plain = [self.exprs[n] for n in names if n in self.exprs]
        out = frame.with_columns(**self.staged).select(plain).to_dicts() if plain else [{} for _ in rows]
        aware = [n for n in names if n in self.aware]
        if aware:
            for i, values in enumerate(out):
                values.update(self._own_values(frame.slice(i, 1), aware))
        return out

    def _own_values(self, one: pl.DataFrame, names: list[str]) -> Row:
        """Table-aware scrubbing of one record: its dictionary is the record's own values."""
        from privprep.detect.table import collect_terms

        terms, _ = collect_terms(self.plan, one.lazy(), self.key)  # type: ignore[arg-type]
        staged: dict[str, pl.Expr] = {}
        plan, sources = self.plan, self.sources
        exprs = [
            build(self.aware[n].rule, Context(n, plan.schema, self.key, plan.policy, staged, sources, terms))
            for n in names
        ]
        return one.with_columns(**staged).select(exprs).row(0, named=True)
