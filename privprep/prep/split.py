"""Leak-free splits: every entity (a value of ``by``) goes to one split, chosen by a keyed hash.

The entity's text is hashed with HMAC-SHA256 under a key derived for ``split`` and
``seed_domain``; its first 52 bits give a number ``u`` in [0, 1), and ``u`` falls into one
split's share of [0, 1). So the same entity under the same key and domain lands in the same
split in every run and every table, whatever else the table holds, and new entities fill in by
the same rule. Null entities get no split.

With ``stratify: <label column>`` entities are ranked by ``u`` within their label class (an
entity's class: its most frequent label, ties to the first in the taxonomy) and cut at the
fractions, so each class gets the fractions up to one entity. That assignment depends on which
other entities the class holds, so it is *not* stable when the population changes.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from privprep.keys import MasterKey
from privprep.policy.prep import SplitSpec
from privprep.transforms.keyed import hex_int, hmac_hex

HEX_DIGITS = 13  # 52 bits: exact in a float64
UNIT = float(16**HEX_DIGITS)


def unit_hash(by: pl.Expr, key: MasterKey, spec: SplitSpec) -> pl.Expr:
    """Each entity's keyed position ``u`` in [0, 1) (null for a null entity)."""
    digest = hmac_hex(by, key.derive("split", f"domain:{spec.seed_domain}"))
    return hex_int(digest, 0, HEX_DIGITS).cast(pl.Float64) / UNIT


def assign(u: pl.Expr, spec: SplitSpec) -> pl.Expr:
    """The split whose share of [0, 1) holds ``u``; the last split with a share takes the rest."""
    shares = [(name, f) for name, f in spec.fractions.items() if f > 0]
    *first, (last, _) = shares
    expr: Any = None  # pl.Then / pl.ChainedThen once a branch is added
    edge = 0.0
    for name, fraction in first:
        edge += fraction
        expr = (pl.when(u < edge) if expr is None else expr.when(u < edge)).then(pl.lit(name))
    chosen = pl.lit(last) if expr is None else expr.otherwise(pl.lit(last))
    return pl.when(u.is_null()).then(pl.lit(None, pl.String)).otherwise(chosen)


def split_expr(spec: SplitSpec, key: MasterKey) -> pl.Expr:
    """The split column of an unstratified split: row-local (each row's entity, hashed)."""
    return assign(unit_hash(pl.col(spec.by), key, spec), spec).alias(spec.column)


def with_split(frame: pl.LazyFrame, spec: SplitSpec, key: MasterKey, label: pl.Expr | None) -> pl.LazyFrame:
    """``frame`` with the split column appended (``label``: the mapped stratify column, if any)."""
    if label is None:
        return frame.with_columns(split_expr(spec, key))
    return _stratified(frame, spec, unit_hash(pl.col(spec.by), key, spec), label)


def _stratified(frame: pl.LazyFrame, spec: SplitSpec, u: pl.Expr, label: pl.Expr) -> pl.LazyFrame:
    entities = (
        frame.filter(pl.col(spec.by).is_not_null())
        .group_by(spec.by)
        .agg(label.drop_nulls().mode().sort().first().alias("__class"), u.first().alias("__u"))
        .with_columns(
            ((pl.col("__u").rank("ordinal").over("__class") - 0.5) / pl.len().over("__class")).alias("__pos")
        )
        .select(spec.by, assign(pl.col("__pos"), spec).alias(spec.column))
    )
    return frame.join(entities, on=spec.by, how="left", maintain_order="left", nulls_equal=False)
