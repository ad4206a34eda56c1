"""Policy settings in detection: custom recognizers, allow list, threshold, language."""

from __future__ import annotations

import polars as pl
import pytest

from privprep.detect import scan
from privprep.errors import PolicyError
from privprep.policy import parse_policy

BASE = "version: 1\nname: t\n"


def test_custom_regex_entity_classifies_a_column(detector) -> None:  # type: ignore[no-untyped-def]
    policy = parse_policy(
        BASE + "recognizers:\n  - {entity: BADGE_ID, pattern: 'B-\\d{5}', context: [badge]}\n"
    )
    frame = pl.LazyFrame({"employeeBadge": [f"B-{i:05d}" for i in range(50)], "code": ["X1", "Y2"] * 25})
    report = scan(frame, policy=policy)
    badge = report.finding("employeeBadge")
    assert badge.entity == "BADGE_ID" and badge.is_pii
    assert {"name:badge", "policy:BADGE_ID"} <= {s["signal"] for s in badge.evidence["signals"]}
    assert report.finding("code").entity is None
    assert report.settings["custom_entities"] == ["BADGE_ID"]


def test_custom_deny_list_entity(detector) -> None:  # type: ignore[no-untyped-def]
    policy = parse_policy(BASE + "recognizers:\n  - {entity: WARD, deny_list: [Rosewood, Oakfield, Elm]}\n")
    report = scan(pl.LazyFrame({"w": ["Rosewood", "Oakfield", "Elm"] * 10}), policy=policy)
    assert report.finding("w").entity == "WARD"


def test_allowed_values_are_never_pii(detector) -> None:  # type: ignore[no-untyped-def]
    emails = ["support@example.com", "sales@example.com"]
    policy = parse_policy(BASE + f"allow: {emails}\n")
    frame = pl.LazyFrame({"contact": emails * 20})
    assert scan(frame).finding("contact").entity == "EMAIL_ADDRESS"
    assert scan(frame, policy=policy).finding("contact").entity is None


def test_threshold_from_policy(detector) -> None:  # type: ignore[no-untyped-def]
    frame = pl.LazyFrame({"zip": ["12345", "54321"] * 10})  # name 0.45 + shape 0.35
    strict = parse_policy(BASE + "detect: {threshold: 0.9}\n")
    assert scan(frame).finding("zip").entity == "ZIP_CODE"
    finding = scan(frame, policy=strict).finding("zip")
    assert finding.entity is None and finding.score == pytest.approx(0.8)


def test_unsupported_language_is_a_policy_error() -> None:
    # refused when the policy is loaded (privprep validate), no longer only when a scan starts
    with pytest.raises(PolicyError, match=r"detect\.language \(line 3\): unknown language 'de'; known: en"):
        parse_policy(BASE + "detect: {language: de}\n")


def test_invalid_custom_regex_is_reported_with_its_place() -> None:
    with pytest.raises(PolicyError) as info:
        parse_policy(BASE + "recognizers:\n  - {entity: BAD, pattern: 'B-(\\d'}\n")
    assert "recognizers.0.pattern" in str(info.value) and "not a valid regular expression" in str(info.value)
