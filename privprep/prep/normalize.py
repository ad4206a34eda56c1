"""Text normalization shared by label mapping and near-duplicate detection (Polars expressions)."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

ORDER = ("unicode", "casefold", "collapse_spaces", "strip")
"""Steps always run in this order, whatever order the policy lists them in."""


def normalize(expr: pl.Expr, steps: Iterable[str]) -> pl.Expr:
    """``expr`` (text) with ``steps`` applied: ``unicode`` NFKC, ``casefold`` (upper- then lowercase, so
    ``ß`` → ``ss``), ``collapse_spaces`` (runs of whitespace → one space), ``strip`` (ends)."""
    wanted = set(steps)
    for step in ORDER:
        if step not in wanted:
            continue
        if step == "unicode":
            expr = expr.str.normalize("NFKC")
        elif step == "casefold":
            expr = expr.str.to_uppercase().str.to_lowercase()
        elif step == "collapse_spaces":
            expr = expr.str.replace_all(r"\s+", " ")
        else:
            expr = expr.str.strip_chars()
    return expr


def normalize_texts(texts: list[str], steps: Iterable[str]) -> list[str]:
    """The same normalization on policy text (map keys, class names): no data involved."""
    series = pl.Series("t", texts, dtype=pl.String)
    return series.to_frame().select(normalize(pl.col("t"), steps))["t"].to_list()
