"""``draft_policy``: a complete policy the loader accepts, with the expected actions."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import privprep
from privprep.detect import ScanReport
from privprep.detect.draft import draft_policy
from privprep.detect.report import ColumnFinding
from privprep.detect.scrub import Scrubber  # noqa: F401  (registers the scrub operator)
from privprep.policy import parse_policy
from privprep.policy.columns import Fake, Generalize, Keep, Pseudonymize, Scrub


def _finding(name: str, entity: str | None, **evidence: object) -> ColumnFinding:
    return ColumnFinding(name=name, entity=entity, score=0.9, free_text=entity == "FREE_TEXT",
                         evidence={"dtype": "String", **evidence})  # fmt: skip


REPORT = ScanReport(
    columns=[
        _finding("customer id", None, dtype="Int64"),
        _finding("GivenName", "PERSON", kind_hint="first_name"),
        _finding("email", "EMAIL_ADDRESS"),
        _finding("ssn", "US_SSN"),
        _finding("BADGE", "BADGE_ID"),
        _finding("dob", "DATE_OF_BIRTH", dtype="Date"),
        _finding("zip", "ZIP_CODE"),
        _finding("age", "AGE", dtype="Int64"),
        _finding("gender", "GENDER"),
        _finding("notes", "FREE_TEXT", contains={"PERSON": 0.4, "US_PASSPORT": 0.1, "DATE_TIME": 0.3}),
        _finding("städte", "LOCATION", kind_hint="city"),
    ],
    rows_sampled=100,
    ner=True,
)


def test_draft_is_a_valid_policy() -> None:
    text = draft_policy(REPORT, input_name="export 2024.parquet")
    policy = parse_policy(text)
    cols = policy.columns
    assert policy.name == "export_2024" and policy.unlisted == "fail"
    assert isinstance(cols["customer id"], Keep)
    assert cols["GivenName"] == Fake(kind="first_name", domain="person")
    assert cols["email"] == Fake(kind="email", domain="person")
    assert isinstance(cols["ssn"], Pseudonymize) and isinstance(cols["BADGE"], Pseudonymize)
    assert cols["dob"] == Generalize(to="year")
    assert cols["zip"] == Generalize(keep_prefix=3)
    assert cols["age"] == Generalize(round_to=10, top=90)
    assert isinstance(cols["gender"], Keep)
    notes = cols["notes"]
    assert isinstance(notes, Scrub) and notes.with_ == "tag"  # US_PASSPORT has no fake: tagged
    assert set(notes.entities) == {"PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "LOCATION", "US_PASSPORT"}
    assert cols["städte"] == Fake(kind="city", domain="person")
    assert "# checks:" in text and "quasi_identifiers: [dob, zip, age, gender]" in text


def test_every_column_has_a_comment() -> None:
    lines = draft_policy(REPORT, input_name="t.parquet").splitlines()
    start = lines.index("columns:") + 1
    body = lines[start : start + 2 * len(REPORT.columns)]
    assert all(line.startswith("  # ") for line in body[::2])


def test_drafted_policy_applies(detector) -> None:  # type: ignore[no-untyped-def]
    from privprep.detect import scan

    frame = pl.DataFrame({
        "full_name": ["Maria Lopez", "Jan Kowalski", "Chloé Martin"] * 10,
        "email": ["maria@example.org", "jan@example.pl", "chloe@example.fr"] * 10,
        "notes": ["Spoke with Maria Lopez about the invoice and the refund.",
                  "Jan Kowalski asked for a call back on Monday morning.",
                  "Nothing to report for this customer, all fine today."] * 10,
        "amount": [1.5, 2.5, 3.5] * 10,
    })  # fmt: skip
    text = draft_policy(scan(frame.lazy()), input_name="t.parquet")
    out = privprep.apply(parse_policy(text), frame, key="test-key-7f3a9c2e4b1d8f6a").frame
    assert isinstance(out, pl.DataFrame) and out.columns == frame.columns
    assert not set(out["full_name"]) & set(frame["full_name"])
    assert "Maria Lopez" not in out["notes"][0] and out["full_name"][0] in out["notes"][0]


@pytest.mark.parametrize("name", ["with space", "Ünïcode", "1st", "a:b"])
def test_odd_column_names_are_quoted(name: str) -> None:
    report = ScanReport(columns=[_finding(name, "EMAIL_ADDRESS")], rows_sampled=1, ner=False)
    assert name in parse_policy(draft_policy(report, input_name="x")).columns


ODD_NAMES = [
    "😀",  # json.dumps wrote "\ud83d\ude00": YAML read two lone surrogates, and init crashed encoding them
    "\ud83d\ude00",  # lone surrogates (an in-memory frame can have them): escaped, never written raw
    "line\nbreak: {action: keep}",  # a newline must not start a new YAML line
    "Phone #",
    "# comment",
    "quote\"and'apostrophe",
    "tab\there",
    "\x00nul",
    "- dash",
    "*alias",
    "&anchor",
    "",
]


@pytest.mark.parametrize("name", ODD_NAMES, ids=repr)
def test_any_column_name_round_trips_as_one_key(name: str) -> None:
    report = ScanReport(columns=[_finding(name, "EMAIL_ADDRESS"), _finding("zip", "ZIP_CODE")],
                        rows_sampled=1, ner=False)  # fmt: skip
    text = draft_policy(report, input_name="x.parquet")
    text.encode("utf-8")  # what init writes: no lone surrogate reaches the file
    policy = parse_policy(text)
    assert list(policy.columns) == [name, "zip"]
    assert policy.columns[name] == Fake(kind="email", domain="person")


@pytest.mark.parametrize(
    "input_name",
    ["a\nversion: 2\nx.parquet", "evil\r\nunlisted: keep.parquet", "\ud83d\ude00.parquet", "😀 \x85.pq"],
)
def test_the_input_file_name_cannot_inject_yaml(input_name: str) -> None:
    text = draft_policy(REPORT, input_name=input_name)
    text.encode("utf-8")
    policy = parse_policy(text)
    assert policy.version == 1 and policy.unlisted == "fail"
    assert policy.description == "Drafted by privprep init from " + input_name
    assert all(line.startswith("#") for line in text.splitlines()[:3])
    assert len(text.splitlines()) == len(draft_policy(REPORT, input_name="t.parquet").splitlines())


@pytest.mark.slow
def test_init_on_an_emoji_column_of_a_file_with_a_newline_in_its_name(tmp_path: Path) -> None:
    from core_helpers import run_cli

    path = tmp_path / "odd\nname.parquet"
    pl.DataFrame({"😀": ["maria@example.org", "jan@example.pl"] * 20, "n": list(range(40))}).write_parquet(
        path
    )
    proc = run_cli("init", path.name, "-o", "policy.yaml", "--sample", "20", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    policy = privprep.load_policy(tmp_path / "policy.yaml")
    assert set(policy.columns) == {"😀", "n"} and policy.description.endswith("odd\nname.parquet")


@settings(max_examples=150, deadline=None)
@given(
    names=st.lists(st.text(max_size=12), min_size=1, max_size=4, unique=True), input_name=st.text(max_size=20)
)
def test_drafts_round_trip_any_names(names: list[str], input_name: str) -> None:
    """Whatever the column and file names (surrogates, newlines, quotes, '#'), the draft parses to them."""
    report = ScanReport(columns=[_finding(n, "EMAIL_ADDRESS") for n in names], rows_sampled=1, ner=False)
    text = draft_policy(report, input_name=input_name)
    text.encode("utf-8")
    policy = parse_policy(text)
    assert list(policy.columns) == names and policy.description.endswith(input_name)
