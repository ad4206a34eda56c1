"""Duplicate rows out, before any transform (so keyed fakes cannot hide them); streaming group-by.

``keep`` matches pandas ``drop_duplicates``: ``first`` / ``last`` keep one row of each group of
equal rows, in input order; ``none`` drops every row that has a duplicate.
"""

from __future__ import annotations

import polars as pl

from privprep.policy.prep import DedupeSpec
from privprep.prep.normalize import normalize


def dedupe_subset(spec: DedupeSpec, schema: pl.Schema) -> list[str]:
    """The columns compared: ``on``, or every input column for ``on: all``."""
    return list(schema) if spec.on == "all" else list(spec.on)


def comparison(spec: DedupeSpec, subset: list[str]) -> tuple[dict[str, pl.Expr], list[str]]:
    """The normalized stand-ins of ``spec.normalize`` (temp column → expression) and the columns compared."""
    temp = {name: f"__privprep_dedupe_{i}" for i, name in enumerate(spec.normalize)}
    stand_ins = {temp[name]: normalize(pl.col(name), steps) for name, steps in spec.normalize.items()}
    return stand_ins, [temp.get(name, name) for name in subset]


def deduplicate(frame: pl.LazyFrame, spec: DedupeSpec, subset: list[str]) -> pl.LazyFrame:
    """``frame`` without duplicate rows over ``subset``; normalized columns compare by their normal form."""
    stand_ins, compared = comparison(spec, subset)
    if stand_ins:
        frame = frame.with_columns(**stand_ins)
    deduped = frame.unique(subset=compared, keep=spec.keep, maintain_order=True)
    return deduped.drop(list(stand_ins)) if stand_ins else deduped
