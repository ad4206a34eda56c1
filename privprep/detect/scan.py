"""``scan``: classify every column of a table from a bounded sample."""

from __future__ import annotations

import time
from collections.abc import Callable

import polars as pl

from privprep.detect.nested import has_leaves, scan_column
from privprep.detect.report import FEATURES, ScanReport
from privprep.detect.sampling import ROWS_PER_VALUE, column_samples, sample_rows
from privprep.policy.detection import DetectSpec
from privprep.policy.model import Policy


def scan(
    data: pl.LazyFrame | pl.DataFrame,
    *,
    policy: Policy | None = None,
    sample: int = 1000,
    features: frozenset[str] | None = None,
    on_column: Callable[[int], None] | None = None,
) -> ScanReport:
    """Classify each column: the entity it holds (or none), a score and the evidence.

    Reads about ``5 × sample`` rows in windows spread over the table and at most ``sample``
    distinct non-null values per column, whatever the row count. The policy's ``detect``
    section sets threshold, language and NER; ``recognizers`` add custom entities; ``allow``
    values are never treated as personal data. ``features`` (default: all) exists for the
    evaluation, which measures each of privprep's additions to Presidio. ``on_column`` is
    called with the number of columns classified so far (for progress displays). NER runs
    once, batched over every column the other signals left undecided.

    >>> report = scan(pl.LazyFrame({"email": ["ana@example.org"]}))
    >>> report.columns[0].entity
    'EMAIL_ADDRESS'
    """
    from privprep.detect.classify import Settings, classify, classify_all  # imports Presidio and spaCy
    from privprep.detect.engine import get_detector

    spec = policy.detect if policy and policy.detect else DetectSpec()
    chosen = FEATURES if features is None else features
    started = time.perf_counter()
    detector = get_detector(spec.language, spec.ner, policy.recognizers if policy else (), chosen)
    allow = tuple(policy.allow) if policy else ()
    settings = Settings(detector, spec.threshold, allow, frozenset(chosen))
    frame = sample_rows(data.lazy(), sample * ROWS_PER_VALUE)
    samples = column_samples(frame, sample)
    flat = [cs for cs in samples if not has_leaves(cs.dtype)]
    found = dict(zip((cs.name for cs in flat), classify_all(flat, settings, on_column), strict=True))
    for nested in (cs for cs in samples if has_leaves(cs.dtype)):  # by their leaves (detect.nested)
        found[nested.name] = scan_column(nested, frame, sample, lambda leaf: classify(leaf, settings))
        if on_column is not None:
            on_column(len(found))
    findings = [found[cs.name] for cs in samples]
    return ScanReport(
        columns=findings,
        rows_sampled=frame.height,
        ner=detector.ner,
        settings={
            **detector.settings(),
            "sample": sample,
            "threshold": spec.threshold,
            "allow_values": len(allow),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
