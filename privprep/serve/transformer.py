"""``compile(policy, key=...)`` → :class:`Transformer`: the policy's row-local operators on single records.

>>> t = privprep.compile("policy.yaml", key=secret, schema="train.parquet")
>>> t.transform({"email": "maria@example.com", "age": 37})
{'email': 'a41c…', 'age': '[30, 40)'}

Every output equals what ``apply`` writes for the same row under the same key (tests/serve).
Steps that need the whole table are refused here unless the policy's ``serve.skip`` lists them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from privprep.audit.record import now
from privprep.engine import _audit_path, _header
from privprep.errors import PrivprepError, Problem, ReasonCode
from privprep.keys import MasterKey, resolve_key
from privprep.plan import Plan, compile_plan, detection_columns
from privprep.policy import Policy, load_policy
from privprep.serve.probe import probe_rows
from privprep.serve.session import Session
from privprep.serve.table import TablePath
from privprep.serve.twins import RowFn, Unsupported, scalar_twin
from privprep.serve.values import RecordError, coercer, not_a_record, unknown_fields
from privprep.transforms import Context

Schema = pl.Schema | Mapping[str, Any] | str | Path
_WHY = {
    "checks": "risk checks (k-anonymity, l-diversity) compare rows with each other",
    "aggregates": "DP aggregates are released over the whole table",
    "detect": "detection classifies unlisted columns from a sample of the table",
    "dedupe": "deduplication compares rows with each other",
    "split": "splits assign rows by the table's composition",
    "labels": "label columns are the training target, which serving records do not carry",
}


class Transformer:
    """A compiled policy: ``transform(record)``, ``transform_batch(records)``; ``close()`` ends it."""

    def __init__(self, plan: Plan, key: MasterKey | None, session: Session, warnings: list[str]) -> None:
        self.plan, self.session, self.warnings = plan, session, warnings
        self.fields = list(plan.schema)
        self._known = frozenset(self.fields)
        self._coerce = [(name, coercer(name, dtype)) for name, dtype in plan.schema.items()]
        self._actions = [(c.name, c.action) for c in plan.columns]
        self.table = TablePath(plan, key)
        self.twins: dict[str, RowFn | None] = {}
        for col in plan.output_columns:
            ctx = Context(col.name, plan.schema, key, plan.policy)
            self.twins[col.name] = scalar_twin(col.rule, ctx) if col.name not in self.table.aware else None
        self._check_twins()
        self._fast = [(n, fn) for n, fn in self.twins.items() if fn is not None]
        self._slow = [n for n, fn in self.twins.items() if fn is None]
        self._order = list(self.twins)

    @property
    def needs_polars(self) -> bool:
        """Whether some column is computed by its Polars expression (scrub, Float32, phone fakes...)."""
        return bool(self._slow)

    def transform(self, record: dict[str, Any]) -> dict[str, Any]:
        """The protected form of one record (a field the record leaves out counts as null)."""
        return self.transform_batch([record])[0]

    def transform_batch(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Each record's protected form; any invalid record refuses the whole batch (RecordError)."""
        rows = [self._row(record, i if len(records) > 1 else None) for i, record in enumerate(records)]
        out = []
        for row in rows:
            values: dict[str, Any] = {}
            for name, fn in self._fast:
                try:
                    values[name] = fn(row)
                except Unsupported:
                    values[name] = self.table.run([row], [name])[0][name]
            out.append(values)
        if self._slow:  # after the twins: a scrubbed column replaces the record's values by their outputs
            for values, slow in zip(out, self.table.run(rows, self._slow, out), strict=True):
                values.update(slow)
            out = [{name: values[name] for name in self._order} for values in out]
        self._count(rows)
        return out

    def close(self) -> None:
        """Append the session's final audit record."""
        self.session.close()

    def __enter__(self) -> Transformer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _row(self, record: Any, index: int | None) -> dict[str, Any]:
        try:
            if not isinstance(record, dict):
                raise not_a_record()
            if extra := sum(1 for name in record if name not in self._known):
                raise unknown_fields(extra, self.fields)
            return {name: coerce(record.get(name)) for name, coerce in self._coerce}
        except RecordError as exc:
            self.session.count(0, {}, refused=1)
            if index is not None:
                exc.message = f"record {index}: {exc.message}"
                exc.args = (exc.message,)
            raise

    def _count(self, rows: list[dict[str, Any]]) -> None:
        values: Counter[str] = Counter()
        for row in rows:
            for name, action in self._actions:
                if row[name] is not None:
                    values[action] += 1
        self.session.count(len(rows), values)

    def _check_twins(self) -> None:
        """Probe every twin against its expression; a differing one yields to the expression."""
        rows = probe_rows(self.plan.schema)
        names = [n for n, fn in self.twins.items() if fn is not None]
        if not names:
            return
        expected = self.table.run(rows, names)
        for name in names:
            fn = self.twins[name]
            for row, want in zip(rows, expected, strict=True):
                try:
                    got = fn(row)  # type: ignore[misc]
                except Unsupported:
                    continue
                if got != want[name] or type(got) is not type(want[name]):
                    self.twins[name] = None
                    self.warnings.append(f"column {name!r}: served by its Polars expression (the scalar"
                                         " form differs from it on probe values)")  # fmt: skip
                    break


def compile(
    policy: str | Path | Policy,
    *,
    key: str | bytes | None = None,
    schema: Schema | None = None,
    audit_log: str | Path | None = None,
    flush_seconds: float = 60.0,
) -> Transformer:
    """Compile ``policy`` for single records of ``schema`` (a Polars schema, ``{name: dtype}`` or a
    Parquet file whose schema to take; default: every column the policy names, as strings).

    The key is resolved as in ``apply`` (argument, else the policy's env variable or key file).
    One audit session opens now (``serve`` records, see :mod:`privprep.serve.session`).
    """
    if not isinstance(policy, Policy):
        policy = load_policy(policy)
    resolved = _schema(policy, schema)
    _refuse_table_steps(policy, resolved)
    plan = compile_plan(policy, resolved)
    master = _key(policy, key, plan.needs_key)
    warnings = list(plan.warnings)
    if master is None:
        warnings.append("no master key: this session's audit records are unsigned")
    header = _header(f"serve-{uuid.uuid4().hex[:12]}", now(), policy, None, plan, master, None)
    skipped = sorted(set(policy.serve.skip)) if policy.serve else []
    session = Session(_audit_path(policy, None, audit_log), header, master, skipped, warnings, flush_seconds)
    try:
        return Transformer(plan, master, session, warnings)
    except BaseException:
        session.close()
        raise


def _schema(policy: Policy, schema: Schema | None) -> pl.Schema:
    if schema is None:
        return pl.Schema({name: pl.String for name in policy.columns})
    if isinstance(schema, str | Path):
        return pl.Schema(pl.read_parquet_schema(schema))
    return pl.Schema(schema)


def table_steps(policy: Policy, schema: pl.Schema) -> list[str]:
    """The policy's steps that need the whole table, in :data:`_WHY` order."""
    found = set()
    if policy.checks is not None and (policy.checks.k_anonymity or policy.checks.l_diversity):
        found.add("checks")
    if policy.aggregates is not None:
        found.add("aggregates")
    if detection_columns(policy, schema):
        found.add("detect")
    found |= {step for step in ("dedupe", "split") if getattr(policy, step) is not None}
    if policy.labels:
        found.add("labels")
    return [step for step in _WHY if step in found]


def _refuse_table_steps(policy: Policy, schema: pl.Schema) -> None:
    skip = set(policy.serve.skip) if policy.serve else set()
    problems = [
        Problem(step, f"{_WHY[step]}: it cannot run on single records; list it under serve.skip"
                f" to serve without it (serve: {{skip: [{step}]}})", code=ReasonCode.POLICY_INVALID)
        for step in table_steps(policy, schema)
        if step not in skip
    ]  # fmt: skip
    if problems:
        message = f"the policy has {len(problems)} step(s) that need the whole table"
        raise PrivprepError(ReasonCode.POLICY_INVALID, message, problems)


def _key(policy: Policy, key: str | bytes | None, needed: bool) -> MasterKey | None:
    try:
        return resolve_key(policy.key, key, policy_text=policy.source_text)
    except PrivprepError:
        if needed or key is not None:
            raise
        return None
