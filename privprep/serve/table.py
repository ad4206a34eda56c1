"""The exact path: the operators' own Polars expressions on a frame of the records.

Used for the columns (or single values) without a scalar twin, for ``scrub``, and by the
compile-time probe that checks every twin against it. A scrubbed column that looks for the
table's own values gets each record's own values, as ``apply`` of that one record would: their
dictionary is built directly (:func:`~privprep.detect.table.record_terms`), each value replaced
by what its structured column gives the record (its scalar twin's output), and the record's
text goes through the column's :class:`~privprep.detect.scrub.Scrubber` itself.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from privprep.detect.replace import STRUCTURED, replacer
from privprep.keys import MasterKey
from privprep.plan import Plan
from privprep.serve.values import text_twin
from privprep.transforms import Context, build

Row = dict[str, Any]
_PURPOSES = {"fake": "fake", "pseudonymize": "pseudonymize"}


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
        self._scrub_keys = {name: self._scrub_key(name) for name in self.aware}
        self._texts = {s.name: text_twin(plan.schema[s.name]) for ss in self.sources.values() for s in ss}
        self._replacers = {name: replacer(plan, column, key) for name, column in self.aware.items()}  # type: ignore[arg-type]

    def frame(self, rows: list[Row]) -> pl.DataFrame:
        schema = self.plan.schema
        return pl.DataFrame({name: [row[name] for row in rows] for name in schema}, schema=schema)

    def run(self, rows: list[Row], names: list[str], outputs: list[Row] | None = None) -> list[Row]:
        """The values of output columns ``names`` for each of ``rows`` (coerced records).

        ``outputs``: the other columns' values already computed for each row (by their twins),
        which a scrubbed column's own-values dictionary takes as replacements.
        """
        plain = [self.exprs[n] for n in names if n in self.exprs]
        aware = [n for n in names if n in self.aware]
        frame = self.frame(rows) if plain or (aware and outputs is None) else None
        out = (
            frame.with_columns(**self.staged).select(plain).to_dicts() if frame is not None and plain else []
        )
        out = out or [{} for _ in rows]
        for i, values in enumerate(out):
            for name in aware:
                direct = self._scrubbed(name, rows[i], outputs[i]) if outputs is not None else _NOT_DIRECT
                if direct is _NOT_DIRECT:
                    one = frame.slice(i, 1) if frame is not None else self.frame([rows[i]])
                    values.update(self._own_values(one, [name]))
                else:
                    values[name] = direct
        return out

    def _scrubbed(self, name: str, row: Row, outputs: Row) -> Any:
        """The scrubbed text of one record with its own values (no query), or ``_NOT_DIRECT``."""
        from privprep.detect.table import build_terms, record_terms
        from privprep.serve.scrub import RecordScrubber

        text, column = row[name], self.aware[name]
        if text is None:
            return None
        sources = self.sources[name]
        texts, replacements = [], []
        for source in sources:
            value, as_text = row[source.name], self._texts[source.name]
            if value is None:
                texts.append(None)
                replacements.append(None)
                continue
            if as_text is None:
                return _NOT_DIRECT
            replacement = self._replacement(name, source, value, outputs)
            if replacement is _NOT_DIRECT:
                return _NOT_DIRECT
            texts.append(as_text(value))
            replacements.append(replacement)
        terms = record_terms(sources, texts, replacements)
        if terms is None:  # accents, Unicode classes, addresses: the vectorized forms of the few values
            terms = build_terms(column.rule, sources, *self._values(sources, row, replacements))
        scrubber = RecordScrubber(column.rule, self.plan.policy, self._scrub_keys[name], terms=terms)  # type: ignore[arg-type]
        return scrubber(pl.Series(name, [text], dtype=pl.String))[0]

    def _values(
        self, sources: list[Any], row: Row, replacements: list[Any]
    ) -> tuple[dict[str, pl.Series], Any]:
        """:func:`~privprep.detect.table.build_terms`' values and replacer for one record."""
        schema = self.plan.schema
        values = {s.name: pl.Series([row[s.name]] if row[s.name] is not None else [], dtype=schema[s.name])
                  for s in sources}  # fmt: skip
        by_name = {s.name: r for s, r in zip(sources, replacements, strict=True)}

        def replace(source: Any, found: pl.Series) -> pl.Series:
            return pl.Series([by_name[source.name]] * found.len(), dtype=pl.String)

        return values, replace

    def _replacement(self, name: str, source: Any, value: Any, outputs: Row) -> Any:
        """What a match of ``source``'s value becomes (:func:`~privprep.detect.replace.replacer`)."""
        rule = self.aware[name].rule
        if rule.with_ not in ("tag", "redact", "mask") and source.action in STRUCTURED:
            return _as_text(outputs.get(source.name, _NOT_DIRECT))
        series = pl.Series(source.name, [value], dtype=self.plan.schema[source.name])
        return self._replacers[name](source, series)[0]

    def _scrub_key(self, name: str) -> str | None:
        rule, plan = self.aware[name].rule, self.plan
        purpose = _PURPOSES.get(rule.with_)
        return (
            Context(name, plan.schema, self.key, plan.policy).column_key(purpose, rule.domain)
            if purpose
            else None
        )

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


_NOT_DIRECT: Any = object()


def _as_text(value: Any) -> Any:
    """A structured output's text, as ``cast(pl.String)`` writes it (binary: its hex)."""
    if value is _NOT_DIRECT or isinstance(value, str | None):
        return value
    if isinstance(value, bytes):
        return value.hex()
    if type(value) is int:
        return str(value)
    if type(value) is dt.date:
        return value.isoformat()
    return _NOT_DIRECT
