"""One record's scrub path in Python (own-values dictionary, NER pre-filter) equals the vectorized one."""

from __future__ import annotations

import string

import polars as pl
from core_helpers import make_policy
from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.detect.scrub import Scrubber
from privprep.detect.table import build_terms, record_terms
from privprep.detect.text import needs_ner, needs_ner_ascii
from privprep.plan import compile_plan
from privprep.serve.scrub import RecordScrubber
from privprep.transforms.fake import ENTITY_FAKES

SCHEMA = pl.Schema({"name": pl.String, "email": pl.String, "phone": pl.String, "code": pl.String,
                    "nick": pl.String, "note": pl.String})  # fmt: skip
POLICY = make_policy({
    "name": {"action": "fake", "kind": "name"}, "email": "pseudonymize", "phone": {"action": "mask"},
    "code": "redact", "nick": "drop", "note": {"action": "scrub", "with": "fake"},
}, unlisted="fail")  # fmt: skip
SOURCES = compile_plan(POLICY, SCHEMA).text_sources["note"]
ASCII = st.text(alphabet=string.printable, max_size=20)
WORDS = st.sampled_from(["Maria Lopez", "J. Carter", "ana", "Lee  Wong-Li", "o'neil, sean", "Dr. Who", "x"])
VALUE = st.none() | ASCII | WORDS | st.sampled_from(["maria@example.com", "+1 555 010 0142", "ab1234567"])
REPLACEMENT = st.none() | st.text(max_size=12) | st.sampled_from(["José María", "a@b.c", "1, 2, 3", " "])


def entries(terms) -> dict[tuple[bool, str], str | None]:  # type: ignore[no-untyped-def]
    """Search key → replacement, for words and digit keys."""
    values = terms.replacements.to_list()
    out = {(False, k): values[e] for k, e in terms.words.items()}
    return out | {(True, k): values[e] for k, e in terms.digits.items()}


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(VALUE, min_size=len(SOURCES), max_size=len(SOURCES)),
    replacements=st.lists(REPLACEMENT, min_size=len(SOURCES), max_size=len(SOURCES)),
)
def test_record_terms_equal_build_terms(values: list, replacements: list) -> None:
    direct = record_terms(SOURCES, values, replacements)
    if any(v is not None and not (v.isascii() and v.isprintable()) for v in values):
        assert direct is None  # the vectorized forms fold accents and read Unicode classes
        return
    assert direct is not None
    present = [[v] if v is not None else [] for v in values]
    series = {s.name: pl.Series(v, dtype=pl.String) for s, v in zip(SOURCES, present, strict=True)}
    by_name = dict(zip([s.name for s in SOURCES], replacements, strict=True))

    def replace(source, found: pl.Series) -> pl.Series:  # type: ignore[no-untyped-def]
        return pl.Series([by_name[source.name]] * found.len(), dtype=pl.String)

    vectorized = build_terms(None, SOURCES, series, replace)
    assert entries(direct) == entries(vectorized)
    note = " and ".join(v for v in values if v) + " today"
    assert direct.fill(*direct.mark([note], [1])) == vectorized.fill(*vectorized.mark([note], [1]))


def test_addresses_take_the_vectorized_path() -> None:
    policy = make_policy({"street": "drop", "note": "scrub"}, unlisted="fail")
    sources = compile_plan(policy, pl.Schema({"street": pl.String, "note": pl.String})).text_sources["note"]
    assert record_terms(sources, ["1 Main Street, Springfield"], ["x"]) is None


SENTENCES = st.lists(
    st.sampled_from(["The", "issue", "Resolved.", "maria", "Maria", "called", "Lyon", "I", "ok!", "John's",
                     "well-known", "\n", "\t", "\x1c", "x.", "Follow", ":", "JUNE", "1984", "O'Neil",
                     "\U000f0000", "\U000f0001Lee", "\x00"]),
    max_size=12,
).map(" ".join)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.none() | SENTENCES | st.text(alphabet=string.printable, max_size=40), min_size=1))
def test_needs_ner_of_one_text_equals_the_vectorized_form(texts: list) -> None:
    vectorized = needs_ner(pl.Series([*texts, "x"], dtype=pl.String)).to_list()[:-1]  # two texts or more
    assert [needs_ner_ascii(t) for t in texts] == vectorized


SPANS = st.lists(
    st.tuples(st.sampled_from(sorted(ENTITY_FAKES)), st.text(min_size=1, max_size=20)), max_size=6
)


@settings(max_examples=100, deadline=None)
@given(found=SPANS, locale=st.sampled_from(["en_US", "de_DE", "fr_FR"]))
def test_record_scrubber_fakes_spans_as_the_scrubber(found: list, locale: str) -> None:
    policy = make_policy({"note": {"action": "scrub", "with": "fake", "locale": locale}}, unlisted="fail")
    rule = policy.columns["note"]
    key_hex = "ab" * 32
    assert RecordScrubber(rule, policy, key_hex).replacements(found) == Scrubber(
        rule, policy, key_hex
    ).replacements(found)
