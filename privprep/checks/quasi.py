"""Warn about kept columns that look like quasi-identifiers but that no risk check covers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from privprep.policy.model import Policy

QUASI_IDENTIFIER_ENTITIES = frozenset({"DATE_OF_BIRTH", "ZIP_CODE", "GENDER", "AGE", "DATE_TIME", "LOCATION"})
"""Detected entities that single people out in combination (dates, places, gender, age)."""
NAME_HINT = re.compile(
    r"(?:^|[^a-z])(?:zip|post_?code|postal|birth|dob|gender|sex)|(?:^|[^a-z])age(?:$|[^a-z])"
)
"""Column names that say quasi-identifier: zip, postcode, postal, birth, dob, gender, sex, age."""
NOT_IDENTIFYING = frozenset({"drop", "redact"})
"""Actions after which a column cannot single anyone out (removed, or one constant)."""


def quasi_identifier_warnings(
    policy: Policy, plan_columns: Iterable[Any], findings: Mapping[str, Any] | None = None
) -> list[str]:
    """One warning per output column that is a likely quasi-identifier no check lists.

    ``plan_columns`` are the plan's columns (``.name``, ``.action``); ``findings`` maps column
    names to detection findings (``.entity``). Column names are read too, so this works
    without detection: ``zip``, ``postcode``, ``postal``, ``birth``, ``dob``, ``gender``, ``sex``, ``age``.
    """
    covered = policy.checks.quasi_identifiers if policy.checks else set()
    warnings = []
    for column in plan_columns:
        finding = (findings or {}).get(column.name)
        if column.action in NOT_IDENTIFYING or column.name in covered or _warned_as_pii(column, finding):
            continue
        reason = _reason(column.name, finding)
        if reason:
            warnings.append(
                f"column {column.name!r} is kept ({column.action}) and {reason}, but no risk check lists it;"
                " add it to checks.k_anonymity.quasi_identifiers, or drop it"
            )
    return warnings


def _warned_as_pii(column: Any, finding: Any) -> bool:
    """An unlisted column detected as direct PII is already refused or warned about by the plan."""
    return getattr(column, "source", None) == "unlisted" and bool(getattr(finding, "is_pii", False))


def _reason(name: str, finding: Any) -> str | None:
    entity = getattr(finding, "entity", None)
    if entity in QUASI_IDENTIFIER_ENTITIES:
        return f"was detected as {entity}, a quasi-identifier"
    if NAME_HINT.search(name.lower()):
        return "its name suggests a quasi-identifier"
    return None
