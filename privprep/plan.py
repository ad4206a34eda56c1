"""compile(policy, schema) → Plan: what happens to every column. Pure: touches no data."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import polars as pl

from privprep.errors import PrivprepError, Problem, ReasonCode, most_severe
from privprep.keys import MasterKey
from privprep.policy.columns import Drop, Keep
from privprep.policy.detection import Match
from privprep.policy.model import Policy
from privprep.prep.plan import PrepPlan, compile_prep
from privprep.transforms import Context, build, operator, rule_problems


class Finding(Protocol):
    """What detection says of one column (see :mod:`privprep.detect`)."""

    name: str
    entity: str | None
    score: float
    evidence: dict[str, Any]

    @property
    def is_pii(self) -> bool: ...


@dataclass(frozen=True)
class ColumnPlan:
    name: str
    dtype: pl.DataType
    rule: Any
    source: str  # policy | rule | unlisted | detected | labels
    entity: str | None = None  # what detection found in it (personal data only)

    @property
    def action(self) -> str:
        return self.rule.action

    @property
    def params(self) -> dict[str, Any]:
        return self.rule.model_dump(mode="json", by_alias=True, exclude={"action"})


@dataclass(frozen=True)
class Plan:
    policy: Policy
    schema: pl.Schema
    columns: list[ColumnPlan]
    warnings: list[str] = field(default_factory=list)
    prep: PrepPlan | None = None  # dedupe, labels, split: row-level steps before the column rules

    @property
    def output_columns(self) -> list[ColumnPlan]:
        return [c for c in self.columns if c.action != "drop"]

    @property
    def needs_key(self) -> bool:
        """Whether some output column's operator derives a key (as its registration declares), or DP
        releases will be reserved (their ledger rows are MACed with a derived key)."""
        keyed = any(operator(c.action).needs_key(c.rule) for c in self.output_columns)
        return keyed or self.policy.aggregates is not None or (self.prep is not None and self.prep.needs_key)

    @property
    def text_sources(self) -> dict[str, list[ColumnPlan]]:
        """Scrubbed column → the columns whose input values its scrubber looks for (pure)."""
        from privprep.detect.table import sources_for

        return {c.name: sources_for(c, self.columns) for c in self.columns if c.action == "scrub"}

    def projection(
        self, key: MasterKey | None, terms: Any = None
    ) -> tuple[dict[str, pl.Expr], list[pl.Expr]]:
        """Staged intermediates and the output expressions, in input column order.

        ``key`` may be ``None`` only when :attr:`needs_key` is false. ``terms``: the scrubbers'
        dictionaries of input values (:func:`privprep.detect.table.collect_terms`).
        """
        staged: dict[str, pl.Expr] = {}
        outputs = []
        sources = self.text_sources
        for col in self.output_columns:
            ctx = Context(col.name, self.schema, key, self.policy, staged, sources, terms)
            outputs.append(build(col.rule, ctx))
        return staged, outputs

    def frame(
        self, source: pl.LazyFrame, key: MasterKey | None, staged: dict[str, pl.Expr], outputs: list[pl.Expr]
    ) -> pl.LazyFrame:
        """The output frame: the prep steps on ``source``, then the :meth:`projection`'s expressions."""
        if self.prep is None:
            return source.with_columns(**staged).select(outputs)
        prepared = self.prep.apply(source, key).with_columns(**staged)
        return prepared.select(*outputs, *self.prep.added)


def unlisted_columns(policy: Policy, schema: pl.Schema) -> list[str]:
    """Columns the policy does not name and no name rule selects: what detection must look at."""
    named = policy.columns.keys() | policy.labels.keys()
    return [c for c in schema if c not in named and _rule_for(policy, c, None) is None]


def detection_columns(policy: Policy, schema: pl.Schema) -> list[str]:
    """The unlisted columns a run classifies: those kept as is or that entity rules may claim.

    Empty when there are none: a policy naming every column never loads the NLP model.
    """
    entity_rules = any(rule.match.entity for rule in policy.rules)
    if policy.unlisted != "keep" and not entity_rules:
        return []
    return unlisted_columns(policy, schema)


def compile_plan(policy: Policy, schema: pl.Schema, findings: dict[str, Finding] | None = None) -> Plan:
    """Decide every column's rule and check its dtype; all problems are reported together."""
    findings = findings or {}
    problems = [  # a policy built in code never went through load_policy's checks
        Problem(".".join(map(str, loc)), p.message, code=ReasonCode.POLICY_INVALID)
        for loc, p in rule_problems(policy)
    ]
    problems += [
        Problem(f"columns.{name}", "the input has no such column", code=ReasonCode.COLUMN_MISSING)
        for name in policy.columns
        if name not in schema
    ]
    prep, prep_found = compile_prep(policy, schema)
    problems += prep_found
    schema = prep.schema(schema) if prep is not None else schema
    columns, warnings = [], []
    for name, dtype in schema.items():
        finding = findings.get(name)
        entity = finding.entity if finding is not None and finding.is_pii else None
        if name in policy.columns:
            columns.append(ColumnPlan(name, dtype, policy.columns[name], "policy", entity))
            problems += _from_columns_problems(name, policy.columns[name], schema)
            continue
        if name in policy.labels:  # a label column is named: mapped by the prep step, then kept
            columns.append(ColumnPlan(name, dtype, Keep(), "labels", entity))
            continue
        rule = _rule_for(policy, name, finding)
        if rule is not None:
            columns.append(ColumnPlan(name, dtype, rule, "detected" if finding else "rule", entity))
            continue
        if finding is not None and finding.is_pii and policy.unlisted == "keep":
            settle = policy.detect.on_undeclared_pii if policy.detect else "fail"
            summary = _evidence_summary(finding)
            if settle == "warn":
                warnings.append(f"column {name!r} looks like {finding.entity} ({summary}) and is kept")
            else:
                problems.append(Problem(
                    f"column {name}",
                    f"not named in the policy but classified as {finding.entity} ({summary});"
                    " name it under columns (e.g. fake, pseudonymize, drop) or add a rule",
                    code=ReasonCode.UNDECLARED_PII,
                ))  # fmt: skip
                continue
        if policy.unlisted == "fail":
            problems.append(
                Problem(
                    f"column {name}",
                    "not named in the policy and unlisted: fail",
                    code=ReasonCode.UNLISTED_COLUMN,
                )
            )
        else:
            rule = Drop() if policy.unlisted == "drop" else Keep()
            columns.append(ColumnPlan(name, dtype, rule, "unlisted", entity))
    problems += _operator_problems(columns, schema)
    if problems:
        raise _schema_error(problems)
    return Plan(policy, schema, columns, warnings, prep)


def _operator_problems(columns: list[ColumnPlan], schema: pl.Schema) -> list[Problem]:
    """Each kept column against its operator: the dtype it accepts, the other columns it reads."""
    found = []
    for col in columns:
        if col.action == "drop":  # a dropped column has nothing to fit
            continue
        where = f"columns.{col.name}" if col.source == "policy" else f"column {col.name}"
        op = operator(col.action)
        found += op.missing_columns(col.rule, where, schema)
        if problem := op.dtype_problem(col.rule, where, col.name, col.dtype):
            found.append(problem)
    return found


def _from_columns_problems(name: str, rule: Any, schema: pl.Schema) -> list[Problem]:
    listed = getattr(rule, "from_columns", None)
    if not isinstance(listed, list):
        return []
    allowed = ", ".join(c for c in schema if c != name)
    return [Problem(f"columns.{name}.from_columns", f"no input column {c!r} to look for; allowed: {allowed}",
                    code=ReasonCode.COLUMN_MISSING)
            for c in listed if c not in schema or c == name]  # fmt: skip


def _rule_for(policy: Policy, name: str, finding: Finding | None) -> Any:
    for rule in policy.rules:
        if _matches(rule.match, name, finding):
            return rule.action
    return None


def _matches(match: Match, name: str, finding: Finding | None) -> bool:
    if match.name is not None and not fnmatch.fnmatchcase(name, match.name):
        return False
    if match.regex is not None and not re.search(match.regex, name):
        return False
    if match.entity is not None:  # a finding names an entity only above the detection threshold
        return finding is not None and finding.entity == match.entity
    return True


def _evidence_summary(finding: Finding) -> str:
    parts = [f"score {finding.score:.2f}"]
    parts += [f"{k}: {v}" for k, v in list(finding.evidence.items())[:3] if not isinstance(v, dict | list)]
    return ", ".join(parts)


def _schema_error(problems: list[Problem]) -> PrivprepError:
    code = most_severe(problems, ReasonCode.UNLISTED_COLUMN)
    return PrivprepError(code, f"the policy does not fit the input ({len(problems)} problem(s))", problems)
