"""Label columns: normalize, map onto the taxonomy, handle unknowns; and count what that did.

Counting groups rows by derived facts only (which class the raw value spelled exactly, which map
rule matched, the resulting class), so no raw label value ever leaves Polars.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from privprep.errors import Problem, ReasonCode
from privprep.policy.prep import LabelSpec
from privprep.prep.normalize import normalize, normalize_texts
from privprep.prep.records import LabelCounts, RuleCount

OTHER, NULL = "__other__", "__null__"


@dataclass(frozen=True)
class LabelMapping:
    """One label column's compiled lookup: normalized spelling → class, and rule index per spelling."""

    column: str
    spec: LabelSpec
    lookup: dict[str, str]
    rule_of: dict[str, int]

    def raw(self) -> pl.Expr:
        return pl.col(self.column).cast(pl.String)

    def normalized(self) -> pl.Expr:
        return normalize(self.raw(), self.spec.normalize)

    def mapped(self) -> pl.Expr:
        """The class of each row before unknowns are settled (null for nulls and unknowns)."""
        keys = list(self.lookup)
        return self.normalized().replace_strict(
            keys, list(self.lookup.values()), default=None, return_dtype=pl.String
        )

    def expr(self) -> pl.Expr:
        """The output label column (``unknown: fail`` is enforced by the counting pass)."""
        other = self.spec.other_class
        mapped = self.mapped()
        if other is not None:
            mapped = (
                pl.when(self.raw().is_not_null() & mapped.is_null()).then(pl.lit(other)).otherwise(mapped)
            )
        return mapped.alias(self.column)


def compile_label(column: str, spec: LabelSpec) -> tuple[LabelMapping, list[Problem]]:
    """The lookup of ``spec``; two spellings that normalize alike but name different classes are problems."""
    lookup: dict[str, str] = {}
    rule_of: dict[str, int] = {}
    problems = []
    for name, normal in zip(spec.classes, normalize_texts(spec.classes, spec.normalize), strict=True):
        if lookup.get(normal, name) != name:
            problems.append(_clash(column, "classes", name, lookup[normal]))
        lookup[normal] = name
    keys = list(spec.map)
    for i, (key, normal) in enumerate(zip(keys, normalize_texts(keys, spec.normalize), strict=True)):
        target = spec.map[key]
        if lookup.get(normal, target) != target:
            problems.append(_clash(column, f"map.{key}", target, lookup[normal]))
        lookup[normal] = target
        rule_of.setdefault(normal, i)
    return LabelMapping(column, spec, lookup, rule_of), problems


def _clash(column: str, where: str, one: str, other: str) -> Problem:
    message = f"normalizes to the same spelling as a value of class {other!r}, but names class {one!r}"
    return Problem(f"labels.{column}.{where}", message, code=ReasonCode.POLICY_INVALID)


FACTS = ("exact", "is_null", "changed", "rule", "mapped")
"""What :func:`count_facts` derives of each row; the counting groups rows by them."""


def count_facts(mapping: LabelMapping) -> list[pl.Expr]:
    """Per row: the class its raw value spells exactly, null or not, changed by normalization, the
    map rule that matched, the resulting class (no raw value)."""
    classes = mapping.spec.classes
    raw, normal, mapped = mapping.raw(), mapping.normalized(), mapping.mapped()
    rules = list(mapping.rule_of)
    return [
        raw.replace_strict(classes, classes, default=None, return_dtype=pl.String).alias("exact"),
        raw.is_null().alias("is_null"),
        (normal != raw).fill_null(False).alias("changed"),
        normal.replace_strict(
            rules, list(mapping.rule_of.values()), default=None, return_dtype=pl.Int64
        ).alias("rule"),
        mapped.alias("mapped"),
    ]


def unknown_spelling(mapping: LabelMapping) -> pl.Expr:
    """Per row: its normalized spelling when no class or map entry names it, else null."""
    unknown = mapping.raw().is_not_null() & mapping.mapped().is_null()
    return pl.when(unknown).then(mapping.normalized()).alias("unknown")


def count_query(mapping: LabelMapping, frame: pl.LazyFrame) -> list[pl.LazyFrame]:
    """Two small queries: rows per :data:`FACTS` combination, and distinct unknown spellings."""
    grouped = frame.select(count_facts(mapping)).group_by(*FACTS).agg(pl.len().alias("n"))
    unknown = frame.select(unknown_spelling(mapping).drop_nulls().n_unique().alias("n"))
    return [grouped, unknown]


def label_counts(
    mapping: LabelMapping, grouped: pl.DataFrame, unknown_distinct: int, report_k: int
) -> LabelCounts:
    """The audit record of one label column from :func:`count_query`'s results."""
    spec, keys = mapping.spec, list(mapping.spec.map)
    before = dict.fromkeys([*spec.classes, OTHER, NULL], 0)
    after = dict.fromkeys([*spec.classes, NULL], 0)
    moved = [0] * len(keys)
    normalized = unknown = 0
    for row in grouped.iter_rows(named=True):
        n = row["n"]
        before[NULL if row["is_null"] else row["exact"] or OTHER] += n
        normalized += n if row["changed"] else 0
        if row["rule"] is not None and row["mapped"] != row["exact"]:
            moved[row["rule"]] += n
        if row["mapped"] is None and not row["is_null"]:
            unknown += n
            after[spec.other_class or NULL] += n if spec.unknown != "fail" else 0
        else:
            after[row["mapped"] or NULL] += n
    return LabelCounts(
        taxonomy_version=spec.taxonomy_version,
        classes=list(spec.classes),
        before=before,
        after=after,
        normalized=normalized,
        rules=[RuleCount(key=k, target=spec.map[k], rows=moved[i]) for i, k in enumerate(keys)],
        unknown=unknown,
        unknown_distinct=unknown_distinct,
        unknown_action=spec.unknown,
        report_k=report_k,
    )
