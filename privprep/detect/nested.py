"""Nested and binary columns, scanned by their scalar leaves.

A ``List``/``Array`` column is exploded, a ``Struct`` unnested field by field (recursively)
and a ``Binary`` column decoded as UTF-8, all on the detection sample; each leaf is then
classified like a column of its own, named by its path (``contacts[].email``). The column's
finding is its most telling leaf's: personal data in any leaf makes the column PII. A leaf
that cannot be read (bytes that are not UTF-8 text, Python objects) makes the column
``UNSCANNABLE``, which counts as undeclared PII: under ``detect.on_undeclared_pii: fail`` such
a column is kept only if the policy names it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import polars as pl

from privprep.detect.report import ColumnFinding
from privprep.detect.sampling import ROWS_PER_VALUE, ColumnSample, column_samples
from privprep.dtypes import render_dtype

UNSCANNABLE = "UNSCANNABLE"
"""Entity of a column with a leaf that could not be read as text (see ``evidence.unscanned``)."""

Classify = Callable[[ColumnSample], ColumnFinding]


@dataclass(frozen=True)
class Leaf:
    """One scalar leaf: its path and values, or why it cannot be scanned."""

    path: str
    values: pl.Series | None
    unscanned: str | None = None


def has_leaves(dtype: pl.DataType) -> bool:
    """Whether a column is scanned through its leaves rather than as it is."""
    return dtype.is_nested() or dtype in (pl.Binary, pl.Object)


def leaves(series: pl.Series, path: str, limit: int) -> Iterator[Leaf]:
    """Scalar leaves of ``series`` (at most ``limit`` values each, seeded), depth first."""
    dtype = series.dtype
    if isinstance(dtype, pl.List | pl.Array):
        items = series.explode() if isinstance(dtype, pl.List) else series.arr.explode()
        yield from leaves(_bounded(items, limit), f"{path}[]", limit)
    elif isinstance(dtype, pl.Struct):
        for field in series.struct.unnest().iter_columns():
            yield from leaves(field, f"{path}.{field.name}", limit)
    elif dtype == pl.Binary:
        yield _decoded(series, path, limit)
    elif dtype == pl.Object:
        yield Leaf(path, None, "Python objects")
    else:
        yield Leaf(path, series)


def scan_column(cs: ColumnSample, frame: pl.DataFrame, sample: int, classify: Classify) -> ColumnFinding:
    """``classify(cs)``, or for a nested/binary column the finding of its leaves."""
    if not has_leaves(cs.dtype):
        return classify(cs)
    found: list[tuple[str, ColumnFinding]] = []
    unscanned: list[Leaf] = []
    for leaf in leaves(frame.get_column(cs.name), cs.name, sample * ROWS_PER_VALUE):
        if leaf.values is None:
            unscanned.append(leaf)
            continue
        (leaf_sample,) = column_samples(pl.DataFrame([leaf.values.alias(leaf.path)]), sample)
        found.append((leaf.path, classify(leaf_sample)))
    return _merge(cs, found, unscanned)


def _bounded(values: pl.Series, limit: int) -> pl.Series:
    return values.sample(limit, seed=0) if values.len() > limit else values


def _decoded(series: pl.Series, path: str, limit: int) -> Leaf:
    """UTF-8 text of the distinct sampled byte strings (Python per distinct value, ≤ ``limit``)."""
    distinct = _bounded(series.drop_nulls().unique(), limit)
    texts: list[str] = []
    for raw in distinct.to_list():
        try:
            texts.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return Leaf(path, None, "binary values that are not UTF-8 text")
    return Leaf(path, pl.Series(path, texts, dtype=pl.String))


def _merge(cs: ColumnSample, found: list[tuple[str, ColumnFinding]], unscanned: list[Leaf]) -> ColumnFinding:
    leaves_seen = [{"path": p, "entity": f.entity, "score": f.score} for p, f in found]
    leaves_seen += [{"path": leaf.path, "entity": UNSCANNABLE, "score": 1.0} for leaf in unscanned]
    pii = [(p, f) for p, f in found if f.is_pii]
    if not pii and unscanned:
        leaf = unscanned[0]
        evidence = {
            "summary": f"{leaf.path}: cannot be scanned ({leaf.unscanned})",
            "leaf": leaf.path,
            "dtype": render_dtype(cs.dtype),
            "unscanned": leaf.unscanned,
            "leaves": leaves_seen,
        }
        return ColumnFinding(name=cs.name, entity=UNSCANNABLE, score=1.0, evidence=evidence)
    ranked = pii or [(p, f) for p, f in found if f.entity is not None] or found
    if not ranked:  # no leaf at all (e.g. a struct of nulls)
        return ColumnFinding(name=cs.name, entity=None, score=0.0, evidence={"dtype": render_dtype(cs.dtype)})
    path, best = max(ranked, key=lambda pf: pf[1].score)
    evidence = {
        "summary": f"{path}: {best.evidence.get('summary', best.entity or 'no personal data')}",
        "leaf": path,
        "dtype": render_dtype(cs.dtype),
        "leaves": leaves_seen,
        "leaf_evidence": best.evidence,
    }
    return ColumnFinding(name=cs.name, entity=best.entity, score=best.score, evidence=evidence)
