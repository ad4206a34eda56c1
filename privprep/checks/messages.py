"""What the checks tell people: failure messages with a suggestion, suppression warnings. Counts only."""

from __future__ import annotations

from typing import Any

import polars as pl

from privprep.checks.classes import Criterion, violating_rows_without_each


def unit(c: Criterion) -> str:
    """What a class must have at least ``threshold`` of."""
    return "rows" if c.sensitive is None else f"distinct {c.sensitive!r} values"


def suggestion(frame: pl.LazyFrame, c: Criterion) -> dict[str, Any]:
    """The quasi-identifier whose removal leaves the fewest rows in breaking classes.

    ``rows_below_threshold_without`` maps each quasi-identifier to the rows that would still
    break ``c`` were it dropped (empty with a single quasi-identifier: coarsen that one).
    """
    without = violating_rows_without_each(frame, c)
    best = min(without, key=lambda qi: (without[qi], c.quasi_identifiers.index(qi))) if without else None
    return {"quasi_identifier": best or c.quasi_identifiers[0], "rows_below_threshold_without": without}


def failure_message(c: Criterion, entry: dict[str, Any], rows: int) -> str:
    """One paragraph: which check, on which columns, the numbers, and what would help most."""
    stats = entry["output"]
    below = stats["below_threshold"]
    text = (
        f"{c.label} failed on ({', '.join(c.quasi_identifiers)}): {c.symbol} = {c.threshold} required,"
        f" {entry[f'{c.symbol}_achieved']} achieved; {below['rows']:,} of {stats['rows']:,} rows"
        f" ({_pct(below['rows'], stats['rows'])}) are in {below['classes']:,} classes with fewer than"
        f" {c.threshold} {unit(c)}"
    )
    if c.on_fail == "fail":
        text += " (on_fail: fail)."
    else:
        text += (
            f"; suppressing them would drop {_pct(entry['rows_suppressed'], rows)} of the rows,"
            f" above max_suppression {c.max_suppression:.2%}."
        )
    return f"{text} {_advice(c, entry['suggestion'])} The output was not written."


def _advice(c: Criterion, hint: dict[str, Any]) -> str:
    best, without = hint["quasi_identifier"], hint["rows_below_threshold_without"]
    if not without:
        return f"Coarsen {best!r} further (generalize) or add rows, so that classes grow."
    others = ", ".join(f"without {qi}: {n:,}" for qi, n in without.items() if qi != best)
    tied = [qi for qi, n in without.items() if n == without[best] and qi != best]
    also = f" (as would {', '.join(map(repr, tied))})" if tied else ""
    return (
        f"Coarsening or dropping {best!r} helps most{also}: without it {without[best]:,} rows would"
        f" remain in classes below {c.symbol} = {c.threshold} ({others})."
    )


def suppression_warning(c: Criterion, entry: dict[str, Any], rows: int) -> str:
    n = entry["rows_suppressed"]
    return (
        f"{c.label} on ({', '.join(c.quasi_identifiers)}): suppressed {n:,} of {rows:,} rows"
        f" ({_pct(n, rows)}) in classes with fewer than {c.threshold} {unit(c)}"
    )


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.2%}" if whole else "0.00%"
