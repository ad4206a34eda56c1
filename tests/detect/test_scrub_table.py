"""Table-aware scrubbing: the table's own protected values, in their written forms, leave the text."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import privprep
from privprep.detect.table import Terms, collect_terms
from privprep.errors import PrivprepError
from privprep.keys import MasterKey
from privprep.plan import compile_plan
from privprep.policy import parse_policy
from privprep.transforms import Context, fake_values

KEY = "test-key-7f3a9c2e4b1d8f6a"
PEOPLE = pl.DataFrame({
    "full_name": ["Maria Lopez", "Jürgen Müller", "Will Hendricks", "Ann Kowalczyk"],
    "phone": ["+49 30 1234567", "(555) 201-4567", None, "0171 9876543"],
    "email": ["maria.lopez@example.org", "jm@x.de", "will.h@example.com", "ann.k@y.pl"],
    "street": ["12 Baker Street", "Hauptstraße 5", "ul. Długa 7", "Via Roma 12"],
    "city": ["Springfield", "München", "Gdańsk", "Zaragoza"],
    "tier": ["gold", "silver", "gold", "bronze"],
    "notes": ["n/a"] * 4,
})  # fmt: skip
COLUMNS = (
    "  full_name: {action: fake, kind: name, domain: people}\n"
    "  phone: {action: fake, kind: phone, domain: people}\n"
    "  email: pseudonymize\n"
    "  street: {action: fake, kind: street}\n"
    "  city: drop\n"
    "  tier: keep\n"
)


def _policy(scrub: str = "{action: scrub, with: tag}") -> privprep.Policy:
    return parse_policy(f"version: 1\nname: t\ncolumns:\n{COLUMNS}  notes: {scrub}\n")


def _terms(scrub: str = "{action: scrub, with: tag}", frame: pl.DataFrame = PEOPLE) -> Terms:
    plan = compile_plan(_policy(scrub), frame.schema)
    terms, _ = collect_terms(plan, frame.lazy(), MasterKey(KEY.encode()))
    return terms["notes"]


def _scrub(terms: Terms, texts: list[str]) -> list[str]:
    return terms.fill(*terms.mark(texts, [1] * len(texts)))


@pytest.fixture(scope="module")
def tagged() -> Terms:
    return _terms()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MARIA LOPEZ called", "<PERSON> called"),
        ("maria lopez called", "<PERSON> called"),
        ("per lopez, maria: ok", "per <PERSON>: ok"),
        ("M. Lopez signed", "<PERSON> signed"),
        ("Mr. Lopez and Mrs Kowalczyk", "Mr. <PERSON> and Mrs <PERSON>"),
        ("spoke with Maria yesterday", "spoke with <PERSON> yesterday"),
        ("Juergen Mueller and Jurgen Muller", "<PERSON> and <PERSON>"),
        ("ring 030-1234567 or 030 123 45 67", "ring <PHONE_NUMBER> or <PHONE_NUMBER>"),
        ("from 555.201.4567!", "from <PHONE_NUMBER>!"),
        ("maria.lopez wrote", "<EMAIL_ADDRESS> wrote"),
        ("moved to Baker Street", "moved to <LOCATION>"),
        ("at Hauptstrasse 5, Munchen", "at <LOCATION>, <LOCATION>"),
        ("lives in GDANSK", "lives in <LOCATION>"),
        ("Annex and Lopezville untouched", "Annex and Lopezville untouched"),  # word boundaries
        ("we will call", "we will call"),  # a common word is never a name alone
        ("Hendricks will call", "<PERSON> will call"),
        ("the gold tier", "the gold tier"),  # kept columns are not looked for
    ],
)
def test_written_forms_of_the_tables_values(tagged: Terms, text: str, expected: str) -> None:
    assert _scrub(tagged, [text]) == [expected]


def test_counts_per_source_column_weighted_by_rows(tagged: Terms) -> None:
    terms = _terms()
    terms.mark(["Maria Lopez at 030 1234567", "no one"], [3, 5])
    assert terms.record()["matches"] == {"full_name": 3, "phone": 3, "email": 0, "street": 0, "city": 0}
    assert terms.record()["values"]["full_name"] == 4


def test_a_match_gets_what_the_structured_column_gets(detector) -> None:  # type: ignore[no-untyped-def]
    policy = _policy("{action: scrub, with: fake, domain: people}")
    note = "Maria Lopez called 030-1234567; Lopez again."
    frame = PEOPLE.with_columns(notes=pl.Series([note, *["ok"] * 3]))
    out = privprep.apply(policy, frame, key=KEY).frame
    assert isinstance(out, pl.DataFrame)
    fake_name, fake_phone = out["full_name"][0], out["phone"][0]
    assert out["notes"][0] == f"{fake_name} called {fake_phone}; {fake_name.split()[-1]} again."
    ctx = Context("notes", frame.schema, MasterKey(KEY.encode()), policy)
    key = ctx.column_key("fake", "people")
    assert fake_name == fake_values(pl.Series(["Maria Lopez"]), "name", "en_US", key)[0]


def test_the_audit_record_counts_matches_never_values(detector) -> None:  # type: ignore[no-untyped-def]
    frame = PEOPLE.with_columns(notes=pl.Series(["Maria Lopez lives in Springfield", "jm@x.de", "ok", "ok"]))
    result = privprep.apply(_policy(), frame, key=KEY)
    record = result.record["result"]["scrub"]["notes"]
    assert record["matches"]["full_name"] == 1 and record["matches"]["city"] == 1
    assert record["matches"]["email"] == 1
    text = json.dumps(result.record) + result.audit_log.read_text()
    for value in PEOPLE.drop("notes", "tier").unpivot()["value"].drop_nulls():
        assert value not in text


@pytest.mark.parametrize(("setting", "sources"), [("none", None), ("[city]", ["city"])])
def test_from_columns_narrows_or_switches_off(setting: str, sources: list[str] | None) -> None:
    plan = compile_plan(_policy(f"{{action: scrub, with: tag, from_columns: {setting}}}"), PEOPLE.schema)
    terms, _ = collect_terms(plan, PEOPLE.lazy(), MasterKey(KEY.encode()))
    assert (terms["notes"].sources if "notes" in terms else None) == sources


def test_from_columns_names_must_exist() -> None:
    with pytest.raises(PrivprepError) as info:
        compile_plan(_policy("{action: scrub, from_columns: [nope, notes]}"), PEOPLE.schema)
    wheres = [p.where for p in info.value.problems]
    assert wheres == ["columns.notes.from_columns", "columns.notes.from_columns"]


def test_above_the_cap_the_dictionary_is_sampled_and_says_so() -> None:
    plan = compile_plan(_policy("{action: scrub, with: tag, max_values: 2}"), PEOPLE.schema)
    terms, warnings = collect_terms(plan, PEOPLE.lazy(), MasterKey(KEY.encode()))
    assert terms["notes"].record()["sampled"]["full_name"] == 2
    assert any("'full_name' has more than 2 distinct values" in w for w in warnings)


FIRST = ["Ingetraut", "Wojciech", "Esperanza", "Thorvald", "Maribel"]
LAST = ["Kowalczyk", "Oyelaran", "Villaseñor", "Brandstätter", "Nakashima"]
FORMS = [
    lambda f, la, ph, e: f"{f} {la}",
    lambda f, la, ph, e: f"{f} {la}".upper(),
    lambda f, la, ph, e: f"{f} {la}".lower(),
    lambda f, la, ph, e: f"{la}, {f}",
    lambda f, la, ph, e: f"{f[0]}. {la}",
    lambda f, la, ph, e: f,
    lambda f, la, ph, e: la,
    lambda f, la, ph, e: ph.replace(" ", "-"),
    lambda f, la, ph, e: ph.replace(" ", ""),
    lambda f, la, ph, e: e.split("@")[0],
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    person=st.integers(0, len(FIRST) - 1),
    form=st.sampled_from(FORMS),
    before=st.text(alphabet="xqzj .,;:!?()\n", max_size=20),
    after=st.text(alphabet="xqzj .,;:!?()\n", max_size=20),
)
def test_a_protected_value_never_survives_in_any_written_form(person, form, before, after) -> None:  # type: ignore[no-untyped-def]
    first, last = FIRST[person], LAST[person]
    written = form(first, last, f"+48 22 {person}23 45 67", f"{first.lower()}.{last.lower()}@example.org")
    out = _scrub(_random_terms(), [f"{before} {written} {after}"])[0]
    assert written not in out


_CACHE: dict[int, Terms] = {}


def _random_terms() -> Terms:
    if not _CACHE:
        names = [f"{a} {b}" for a, b in zip(FIRST, LAST, strict=True)]
        emails = [f"{a.lower()}.{b.lower()}@example.org" for a, b in zip(FIRST, LAST, strict=True)]
        frame = PEOPLE.head(0).cast(pl.String).vstack(pl.DataFrame({
            "full_name": names, "phone": [f"+48 22 {i}23 45 67" for i in range(5)], "email": emails,
            "street": ["x"] * 5, "city": ["x"] * 5, "tier": ["x"] * 5, "notes": ["x"] * 5,
        }))  # fmt: skip
        _CACHE[0] = _terms(frame=frame)
    return _CACHE[0]


def test_a_sampled_dictionary_still_finds_the_rows_own_values(detector) -> None:  # type: ignore[no-untyped-def]
    notes = ["Hendricks asked", "Kowalczyk asked", "Lopez asked", "Müller asked"]
    frame = PEOPLE.with_columns(notes=pl.Series(notes))
    result = privprep.apply(_policy("{action: scrub, with: tag, max_values: 1}"), frame, key=KEY)
    assert isinstance(result.frame, pl.DataFrame)
    assert result.frame["notes"].to_list() == ["<PERSON> asked"] * 4
    record = result.record["result"]["scrub"]["notes"]
    assert record["sampled"]["full_name"] == 1 and record["matches"]["full_name"] == 4
    assert any("scrub.max_values" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("how", "expected"),
    [("mask", "***** ***** at *********** ok"), ("redact", "[REDACTED] at [REDACTED] ok")],
)
def test_mask_and_redact_of_table_matches(how: str, expected: str) -> None:
    terms = _terms(f"{{action: scrub, with: {how}}}")
    assert _scrub(terms, ["Maria Lopez at 030-1234567 ok"]) == [expected]


def test_private_use_characters_in_the_input_never_pass_for_placeholders(tagged: Terms) -> None:
    # the scrubber marks matches with Private Use Area characters; a text's own are neutralized first
    text = "Call Maria Lopez \U000f0000 or \U000f0003 now"
    (out,) = _scrub(tagged, [text])
    assert "Maria" not in out and "\U000f0000" not in out and "\U000f0003" not in out
    assert out.endswith("\ufffd or \ufffd now")


def test_binary_and_integer_source_columns_do_not_break_the_scrubber(tmp_path: Path) -> None:
    policy = parse_policy(
        "version: 1\nname: t\ncolumns:\n  blob: drop\n  num: drop\n  notes: {action: scrub, with: tag}\n"
    )
    frame = pl.DataFrame({"blob": [b"\xff\x00", b"ab"], "num": [1234567, 7654321],
                          "notes": ["call 1234567 now", "hello"]})  # fmt: skip
    result = privprep.apply(policy, frame, key=KEY, audit_log=tmp_path / "audit.jsonl")
    assert result.frame["notes"].to_list() == ["call <PII> now", "hello"]
