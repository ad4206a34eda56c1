"""What a table-aware match is replaced with: what the structured column gives the same value.

A source column protected with ``fake``, ``pseudonymize``, ``mask`` or ``redact`` gives its own
output for the value (the note and ``full_name`` name the same fake person); a dropped or
kept source gives the scrub rule's own fake or pseudonym; ``with: tag`` / ``redact`` give the
entity tag or ``[REDACTED]``, ``with: mask`` stars computed from the matched text (null here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import polars as pl

from privprep.detect.table import entity_of
from privprep.keys import MasterKey
from privprep.transforms import Context, build, fake_values, pseudonym_values

STRUCTURED = frozenset({"fake", "pseudonymize", "mask", "redact"})
Replace = Callable[[Any, pl.Series], pl.Series]


def replacer(plan: Any, column: Any, key: MasterKey) -> Replace:
    """``replace(source, values)``: one replacement per value of ``source`` for scrubbed ``column``."""
    from privprep.detect.scrub import REDACTED
    from privprep.transforms.fake import ENTITY_FAKES

    rule = column.rule

    def replace(source: Any, values: pl.Series) -> pl.Series:
        n, entity = values.len(), entity_of(source)
        if rule.with_ in ("tag", "redact", "mask"):
            const = {"tag": f"<{entity}>", "redact": REDACTED, "mask": None}[rule.with_]
            return pl.repeat(const, n, dtype=pl.String, eager=True)
        if source.action in STRUCTURED:
            frame = values.to_frame(source.name)
            ctx = Context(source.name, frame.schema, key, plan.policy, {})
            expr = build(source.rule, ctx)
            binary = getattr(source.rule, "format", None) == "binary"  # a token's text: its hex
            text = expr.bin.encode("hex") if binary else expr.cast(pl.String)
            return frame.with_columns(**ctx.staged).select(text).to_series()
        own = Context(column.name, plan.schema, key, plan.policy)
        text = values.cast(pl.String)
        if rule.with_ == "fake" and entity in ENTITY_FAKES:
            return fake_values(text, ENTITY_FAKES[entity], rule.locale, own.column_key("fake", rule.domain))
        return pseudonym_values(text, own.column_key("pseudonymize", rule.domain))

    return replace
