"""The checks section of a policy, and warnings about quasi-identifiers no check covers."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import privprep
from privprep.checks import quasi_identifier_warnings
from privprep.errors import PolicyError

HEAD = "version: 1\nname: t\ncolumns: {zip: keep, gender: keep, ssn: drop, dob: keep, score: keep}\n"


def policy(checks: str = "") -> privprep.Policy:
    return privprep.parse_policy(HEAD + checks)


@dataclass
class Col:
    name: str
    action: str = "keep"
    source: str = "policy"


@dataclass
class Finding:
    entity: str | None
    is_pii: bool = False


@pytest.mark.parametrize(
    ("checks", "message"),
    [
        (
            "checks: {k_anonymity: {quasi_identifiers: [zip], k: 5, on_fail: suppress}}",
            "needs max_suppression",
        ),
        (
            "checks: {k_anonymity: {quasi_identifiers: [zip], k: 5, max_suppression: 0.1}}",
            "only with on_fail",
        ),
        ("checks: {k_anonymity: {quasi_identifiers: [zip, zip], k: 5}}", "lists a column twice"),
        ("checks: {k_anonymity: {quasi_identifiers: [zip], k: 1}}", "greater than or equal to 2"),
        ("checks: {l_diversity: {quasi_identifiers: [zip], sensitive: zip, l: 2}}", "also listed as a quasi"),
        ("checks: {k_anonymity: {quasi_identifiers: [], k: 5}}", "at least 1"),
    ],
)
def test_invalid_checks_are_refused_with_their_place(checks: str, message: str) -> None:
    with pytest.raises(PolicyError) as err:
        policy(checks)
    assert message in str(err.value) and "checks." in str(err.value)


def test_valid_checks() -> None:
    loaded = policy(
        "checks:\n  k_anonymity: {quasi_identifiers: [zip, dob], k: 5, on_fail: suppress,"
        " max_suppression: 0.02}\n"
        "  l_diversity: {quasi_identifiers: [zip], sensitive: score, l: 2}\n"
    )
    assert loaded.checks is not None and loaded.checks.quasi_identifiers == {"zip", "dob"}


def test_warns_by_column_name_without_detection() -> None:
    names = ["zip", "gender", "dob", "score", "Sex", "post_code", "age", "page_views"]
    columns = [*map(Col, names), Col("birth_date_str", "generalize"), Col("zip_redacted", "redact")]
    warned = " ".join(quasi_identifier_warnings(policy(), columns, None))
    for name in ("'zip'", "'gender'", "'dob'", "'birth_date_str'", "'Sex'", "'post_code'", "'age'"):
        assert name in warned
    assert "'score'" not in warned and "'page_views'" not in warned and "'zip_redacted'" not in warned


def test_warns_by_detected_entity_and_not_for_covered_or_removed_columns() -> None:
    loaded = policy("checks: {k_anonymity: {quasi_identifiers: [zip], k: 5}}")
    unlisted = [Col(name, source="unlisted") for name in ("place", "when", "town")]
    columns = [Col("zip"), *unlisted, Col("ssn", "drop")]
    findings = {
        "place": Finding("ZIP_CODE"),
        "when": Finding("DATE_TIME"),
        "town": Finding("LOCATION", is_pii=True),
    }
    warnings = quasi_identifier_warnings(loaded, columns, findings)
    assert len(warnings) == 2
    assert "'place' is kept (keep) and was detected as ZIP_CODE" in warnings[0]
    assert "'when'" in warnings[1] and "checks.k_anonymity.quasi_identifiers" in warnings[1]
    # 'town' is direct PII kept unlisted: the plan already warns (or fails) about it
