"""Wide-table detection: dtypes skipped with a reason, early stop, one NER batch for all columns."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest
from core_helpers import make_policy, records
from hypothesis import given
from hypothesis import strategies as st

import privprep
from privprep.detect import classify as classify_module
from privprep.detect import scan
from privprep.detect.classify import Settings, classify, classify_all
from privprep.detect.report import FEATURES
from privprep.detect.sampling import CHUNK, column_samples, settled
from privprep.detect.text import NER_SAMPLE
from privprep.policy import parse_policy

ROWS = 400
FIRST = ("Maria", "Jonas", "Aylin", "Pierre", "Giulia", "Tomasz", "Sofia", "Henrik", "Lucas", "Emma")
LAST = ("Kowalski", "Moreau", "Rossi", "Schneider", "Jansen", "Pereira", "Novak", "Larsen", "Weber")


def _frame() -> pl.DataFrame:
    rng = random.Random(7)
    words = ("lorem", "quartz", "nimbus", "vector", "saffron", "harbor")
    return pl.DataFrame({
        "active": [rng.random() < 0.5 for _ in range(ROWS)],
        "c07": [rng.randrange(0, 9999) for _ in range(ROWS)],
        "age": [rng.randrange(18, 90) for _ in range(ROWS)],
        "c09": [rng.randrange(10**9, 10**10) for _ in range(ROWS)],
        "score": [rng.random() * 100 for _ in range(ROWS)],
        "c11": [float(rng.randrange(4 * 10**15, 5 * 10**15)) for _ in range(ROWS)],
        "contact": [f"{rng.choice(words)}.{i}@example.org" for i in range(ROWS)],
        "holder": [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(ROWS)],
        "item": [f"size {i} {rng.choice(('widget', 'bracket', 'gasket', 'hinge'))}" for i in range(ROWS)],
        "mixed": [f"{rng.choice(words)}{i}@example.org" if i % 2 else f"{rng.choice(words)} {i}"
                  for i in range(ROWS)],
    })  # fmt: skip


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return scan(_frame(), policy=parse_policy("version: 1\nname: t\ndetect: {sample: 400}\n"))


@pytest.mark.parametrize(
    ("column", "reason"),
    [
        ("active", "boolean"),
        ("c07", "integers of at most 4 digits"),
        ("score", "floats without whole numbers"),
    ],
)
def test_columns_that_cannot_hold_pii_are_reported_as_skipped(report, column: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    finding = report.finding(column)
    assert finding.entity is None and finding.score == 0.0
    assert finding.evidence["skipped"].startswith(reason)
    assert finding.evidence["summary"] == f"skipped: {finding.evidence['skipped']}"
    assert "signals" not in finding.evidence  # nothing was analyzed


@pytest.mark.parametrize("column", ["age", "c09", "c11", "contact", "holder", "item", "mixed"])
def test_a_name_hint_long_numbers_or_text_are_never_skipped(report, column: str) -> None:  # type: ignore[no-untyped-def]
    assert "skipped" not in report.finding(column).evidence


def test_float_card_numbers_without_a_name_are_still_found(report) -> None:  # type: ignore[no-untyped-def]
    assert report.finding("c11").entity == "CREDIT_CARD"


def test_custom_recognizers_keep_numbers_scanned() -> None:
    policy = parse_policy(
        "version: 1\nname: t\nrecognizers:\n  - {entity: BADGE, pattern: '^\\d{4}$', score: 0.9}\n"
    )
    found = scan(_frame().select("c07", "active"), policy=policy)
    assert "skipped" not in found.finding("c07").evidence
    assert found.finding("active").evidence["skipped"] == "boolean"


def test_decided_columns_stop_after_one_round(report) -> None:  # type: ignore[no-untyped-def]
    assert report.finding("contact").entity == "EMAIL_ADDRESS"
    assert report.finding("contact").evidence["values_analyzed"] == CHUNK
    assert report.finding("holder").entity == "PERSON"
    item = report.finding("item")
    assert item.entity is None and item.evidence["ner_run"] and item.evidence["ner_values"] == CHUNK


def test_an_unsettled_share_reads_more_values(report) -> None:  # type: ignore[no-untyped-def]
    analyzed = report.finding("mixed").evidence["values_analyzed"]
    assert 2 * CHUNK < analyzed <= ROWS


@pytest.mark.parametrize(
    ("hits", "analyzed", "expected"),
    [([0], 100, True), ([100], 100, True), ([2], 100, True), ([90], 100, False), ([126], 140, True),
     ([50], 100, False), ([192], 384, False), ([193], 385, True), ([], 1, True), ([0, 50], 100, False)],
)  # fmt: skip
def test_settled_at_the_documented_sizes(hits: list[int], analyzed: int, expected: bool) -> None:
    assert settled(hits, analyzed) is expected


@given(st.integers(1, 1000), st.integers(0, 1000), st.integers(2, 10))
def test_a_settled_share_stays_settled_with_more_values(analyzed: int, hits: int, factor: int) -> None:
    hits = min(hits, analyzed)
    if settled([hits], analyzed):
        assert settled([hits * factor], analyzed * factor)


def test_one_ner_batch_gives_the_findings_of_one_column_at_a_time(detector) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(detector, 0.5, (), FEATURES)
    samples = column_samples(_frame(), NER_SAMPLE)
    assert classify_all(samples, settings) == [classify(cs, settings) for cs in samples]


def test_skipped_columns_are_in_the_audit_record(tmp_path: Path) -> None:
    policy = make_policy({"contact": "drop"}, "keep", detect={"on_undeclared_pii": "warn"})
    log = tmp_path / "audit.jsonl"
    privprep.apply(
        policy, _frame().select("contact", "active", "score"), tmp_path / "o.parquet", audit_log=log
    )
    columns = {c["name"]: c for c in records(log)[-1]["result"]["detection"]["columns"]}
    assert set(columns) == {"active", "score"}
    assert columns["active"]["evidence"]["skipped"] == "boolean"
    assert columns["score"]["evidence"]["skipped"].startswith("floats")


def test_progress_counts_every_column_once_in_order() -> None:
    seen: list[int] = []
    frame = _frame().with_columns(tags=pl.Series([["a@example.org"]] * ROWS))
    scan(frame, policy=parse_policy("version: 1\nname: t\ndetect: {sample: 150}\n"), on_column=seen.append)
    assert seen == sorted(set(seen)) and seen[-1] == frame.width


KNOWN = ("Maria", "Jonas", "Aylin", "Pierre", "Giulia", "Tomasz", "Sofia", "Henrik", "Lucas", "Emma")
UNLISTED = ("Zbyszko", "Ingetraut", "Wojciecha", "Radomir", "Bozydar", "Eadlin", "Thorvald", "Gunnvor",
            "Przemko", "Kasimira", "Eberwin", "Sigrun")  # fmt: skip


def _first_names() -> pl.DataFrame:
    rng = random.Random(3)
    names = [rng.choice(KNOWN if i % 2 else UNLISTED) for i in range(ROWS)]
    return pl.DataFrame({"first_name": names, "c02": names})


def test_ner_is_skipped_when_it_could_not_change_the_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    settled_early = scan(_first_names())
    named, bare = settled_early.finding("first_name"), settled_early.finding("c02")
    assert named.entity == "PERSON" and named.score == 1.0 and not named.evidence["ner_run"]
    assert named.evidence["ner_skipped"].startswith("settled")
    assert bare.evidence["ner_run"] and "ner_skipped" not in bare.evidence  # below 1.0: NER still speaks
    monkeypatch.setattr(classify_module, "_ner_can_change", lambda ev: True)
    with_ner = scan(_first_names())
    for column in ("first_name", "c02"):
        assert (with_ner.finding(column).entity, with_ner.finding(column).score) == (
            settled_early.finding(column).entity,
            settled_early.finding(column).score,
        )
    assert with_ner.finding("first_name").evidence["ner_run"]
