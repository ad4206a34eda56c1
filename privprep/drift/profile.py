"""The drift profile of a frame: schema hash, null rates, distinct estimates and fixed-bin histograms.

Numeric bins come from the policy (``checks.drift.bins``), else from the baseline run's profile,
else from this frame's deciles rounded to two significant digits. Label columns are binned by
their taxonomy. Other text, categorical and boolean columns are binned by the keyed digests of
their (at most ``TOP``) most frequent values occurring at least ``k`` times (needs the master key;
without one they get no histogram). Statistics cover the first ``row_limit`` rows.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from privprep.drift.model import OTHER, BinSource, ColumnDrift, DriftProfile, Histogram
from privprep.keys import MasterKey
from privprep.profile import PROFILE_ROWS, profile_frame
from privprep.transforms.keyed import hmac_hex

TOP = 20
MAX_DISTINCT = 1000  # more distinct values than this: an identifier or free text, not a category
DECILES = [i / 10 for i in range(1, 10)]
DIGEST_CHARS = 16


@dataclass(frozen=True)
class Binning:
    """What fixes the bins: the label taxonomies, the policy's edges, the baseline, ``k`` and the key."""

    labels: dict[str, list[str]] = field(default_factory=dict)
    edges: dict[str, list[float]] = field(default_factory=dict)
    baseline: DriftProfile | None = None
    k: int = 10
    key: MasterKey | None = None

    def fixed(self, column: str) -> Histogram | None:
        if self.baseline is None or column not in self.baseline.columns:
            return None
        return self.baseline.columns[column].histogram


def schema_hash(dtypes: dict[str, str]) -> str:
    """``sha256:`` + 16 hex of the ordered (name, dtype) list: equal hashes, equal schemas."""
    text = json.dumps(list(dtypes.items()), separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def from_output(base: dict[str, Any], histograms: dict[str, Histogram], k: int) -> DriftProfile:
    """A drift profile from an output profile (:func:`privprep.profile.profile_frame`) and histograms."""
    columns = {
        name: ColumnDrift(
            dtype=stats["dtype"], null_rate=stats["null_rate"], distinct=stats["distinct"],
            histogram=histograms.get(name),
        )
        for name, stats in base["columns"].items()
    }  # fmt: skip
    dtypes = {name: c.dtype for name, c in columns.items()}
    return DriftProfile(
        rows=base["rows"], row_limit=base["row_limit"], schema_hash=schema_hash(dtypes), k=k, columns=columns
    )


def drift_profile(
    frame: pl.LazyFrame, binning: Binning, base: dict[str, Any] | None = None, max_rows: int = PROFILE_ROWS
) -> DriftProfile:
    """Profile ``frame``; ``base`` is :func:`privprep.profile.profile_frame`'s result if already computed."""
    base = base or profile_frame(frame, max_rows)
    head = frame.head(max_rows)
    schema = head.collect_schema()
    numeric = [c for c, d in schema.items() if d.is_numeric() and c not in binning.labels]
    edges = _edges(head, numeric, binning)
    categorical = [c for c, d in schema.items() if c in binning.labels or _is_category(c, d, base, binning)]
    histograms = _numeric_histograms(head, edges, binning)
    histograms |= _categorical_histograms(head, categorical, binning)
    return from_output(base, histograms, binning.k)


def _is_category(column: str, dtype: pl.DataType, base: dict[str, Any], binning: Binning) -> bool:
    if binning.key is None or not (
        dtype in (pl.String, pl.Boolean, pl.Categorical) or isinstance(dtype, pl.Enum)
    ):
        return False
    fixed = binning.fixed(column)
    return (fixed is not None and fixed.kind == "category") or base["columns"][column][
        "distinct"
    ] <= MAX_DISTINCT


def _edges(
    head: pl.LazyFrame, numeric: list[str], binning: Binning
) -> dict[str, tuple[list[float], BinSource]]:
    """Each numeric column's edges and where they came from; deciles only where nothing fixes them."""
    found: dict[str, tuple[list[float], BinSource]] = {}
    derive = []
    for name in numeric:
        fixed = binning.fixed(name)
        if name in binning.edges:
            found[name] = (list(binning.edges[name]), "policy")
        elif fixed is not None and fixed.kind == "numeric" and fixed.edges:
            found[name] = (list(fixed.edges), "baseline")
        else:
            derive.append(name)
    if derive:
        exprs = [
            _as_float(n).quantile(q).alias(f"{i}:{j}")
            for i, n in enumerate(derive)
            for j, q in enumerate(DECILES)
        ]
        row = head.select(exprs).collect().row(0, named=True)
        for i, name in enumerate(derive):
            deciles = [row[f"{i}:{j}"] for j in range(len(DECILES))]
            cut = sorted({_two_digits(q) for q in deciles if q is not None})
            if cut:
                found[name] = (cut, "derived")
    return found


def _two_digits(x: float) -> float:
    """``x`` rounded to two significant digits: a coarse edge, not a value of the data."""
    return float(f"{x:.2g}")


def _as_float(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Float64).fill_nan(None)


def _numeric_histograms(
    head: pl.LazyFrame, edges: dict[str, tuple[list[float], BinSource]], binning: Binning
) -> dict[str, Histogram]:
    """Counts per bin of every numeric column: one streaming select of sums."""
    if not edges:
        return {}
    exprs = []
    for i, (name, (cut, _)) in enumerate(edges.items()):
        x = _as_float(name)
        bounds = [None, *cut, None]
        for j in range(len(cut) + 1):
            lo, hi = bounds[j], bounds[j + 1]
            inside = x.is_not_null()
            inside = inside & (x > lo) if lo is not None else inside
            inside = inside & (x <= hi) if hi is not None else inside
            exprs.append(inside.sum().alias(f"{i}:{j}"))
    row = head.select(exprs).collect(engine="streaming").row(0, named=True)
    return {
        name: Histogram(
            kind="numeric", source=source, edges=cut, counts=[row[f"{i}:{j}"] for j in range(len(cut) + 1)]
        )
        for i, (name, (cut, source)) in enumerate(edges.items())
    }


def _categorical_histograms(head: pl.LazyFrame, columns: list[str], binning: Binning) -> dict[str, Histogram]:
    """Counts per class (labels) or per keyed digest of a frequent value (other categories)."""
    if not columns:
        return {}
    queries = [
        head.group_by(pl.col(c).cast(pl.String).alias("v")).agg(pl.len().alias("n")).drop_nulls("v")
        for c in columns
    ]
    tables = pl.collect_all(queries, engine="streaming")
    found = {}
    for name, table in zip(columns, tables, strict=True):
        if name in binning.labels:
            counts = dict(zip(table["v"].to_list(), table["n"].to_list(), strict=True))
            classes = binning.labels[name]
            bins = [*classes, OTHER]
            other = sum(n for v, n in counts.items() if v not in classes)
            found[name] = Histogram(
                kind="label",
                source="taxonomy",
                bins=bins,
                counts=[*(counts.get(c, 0) for c in classes), other],
            )
        else:
            found[name] = _category_histogram(name, table, binning)
    return found


def _category_histogram(name: str, table: pl.DataFrame, binning: Binning) -> Histogram:
    assert binning.key is not None
    key = binning.key.derive("drift", f"column:{name}")
    digests = table.select(
        (pl.lit("h:") + hmac_hex(pl.col("v"), key).str.slice(0, DIGEST_CHARS)).alias("d"), "n"
    )  # the values stay inside Polars; only digests of frequent ones leave
    fixed = binning.fixed(name)
    if fixed is not None and fixed.kind == "category" and fixed.bins is not None:
        bins, source = [b for b in fixed.bins if b != OTHER], "baseline"
    else:  # the most frequent digests, never a value under k
        top = digests.filter(pl.col("n") >= binning.k).sort(["n", "d"], descending=[True, False]).head(TOP)
        bins, source = top["d"].to_list(), "derived"
    counts = dict(zip(digests["d"].to_list(), digests["n"].to_list(), strict=True))
    kept = [counts.get(b, 0) for b in bins]
    return Histogram(
        kind="category", source=source, bins=[*bins, OTHER], counts=[*kept, sum(counts.values()) - sum(kept)]
    )
