"""The ``scrub`` operator: spans replaced, the rest of the text intact, fakes shared with columns."""

from __future__ import annotations

import polars as pl
import pytest

import privprep
from privprep.detect.scrub import Scrubber  # importing it registers the operator
from privprep.errors import PrivprepError, ReasonCode
from privprep.keys import MasterKey
from privprep.policy import Policy, parse_policy
from privprep.transforms import Context, build, fake_values, pseudonym_values

KEY = "test-key-7f3a9c2e4b1d8f6a"
NOTES = [
    "Called Maria Lopez at +49 30 1234567 about order 12.",
    "Please e-mail jan.kowalski@example.org before Friday.",
    "Order shipped, nothing to report.",
    None,
    "Called Maria Lopez at +49 30 1234567 about order 12.",
]


def _policy(rule: str, extra: str = "") -> Policy:
    return parse_policy(f"version: 1\nname: t\ncolumns:\n  notes: {rule}\n{extra}")


def _scrub(rule: str, notes: list[str | None] = NOTES, extra: str = "") -> list[str | None]:
    policy = _policy(rule, extra)
    frame = pl.DataFrame({"notes": notes}, schema={"notes": pl.String})
    ctx = Context("notes", frame.schema, MasterKey(KEY.encode()), policy)
    return frame.select(build(policy.columns["notes"], ctx))["notes"].to_list()


def test_tag_replaces_spans_and_keeps_the_rest(detector) -> None:  # type: ignore[no-untyped-def]
    out = _scrub("{action: scrub, with: tag}")
    assert out[0] == "Called <PERSON> at <PHONE_NUMBER> about order 12."
    assert out[1] == "Please e-mail <EMAIL_ADDRESS> before Friday."
    assert out[2] == NOTES[2] and out[3] is None and out[4] == out[0]


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("redact", "Called [REDACTED] at [REDACTED] about order 12."),
        ("mask", "Called ***** ***** at *** ** ******* about order 12."),
    ],
)
def test_redact_and_mask(detector, how: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert _scrub(f"{{action: scrub, with: {how}}}")[0] == expected


def test_only_the_listed_entities(detector) -> None:  # type: ignore[no-untyped-def]
    out = _scrub("{action: scrub, entities: [EMAIL_ADDRESS], with: tag}")
    assert out[0] == NOTES[0] and out[1] == "Please e-mail <EMAIL_ADDRESS> before Friday."


@pytest.mark.parametrize(("how", "purpose"), [("fake", "fake"), ("pseudonymize", "pseudonymize")])
def test_span_replacement_is_the_structured_one(detector, how: str, purpose: str) -> None:  # type: ignore[no-untyped-def]
    out = _scrub(f"{{action: scrub, with: {how}, domain: people}}")
    schema = pl.Schema({"notes": pl.String})
    key = Context("notes", schema, MasterKey(KEY.encode()), _policy("keep")).column_key(purpose, "people")
    spans = pl.Series(["Maria Lopez", "+49 30 1234567"])
    if how == "fake":
        person = fake_values(spans[:1], "name", "en_US", key)[0]
        phone = fake_values(spans[1:], "phone", "en_US", key)[0]
    else:
        person, phone = pseudonym_values(spans, key).to_list()
    assert out[0] == f"Called {person} at {phone} about order 12."


def test_fake_person_in_notes_is_the_fake_full_name(detector) -> None:  # type: ignore[no-untyped-def]
    policy = parse_policy(
        "version: 1\nname: t\ncolumns:\n"
        "  full_name: {action: fake, kind: name, domain: people}\n"
        "  notes: {action: scrub, with: fake, domain: people}\n"
    )
    notes = ["Spoke with Maria Lopez today.", "Jan Kowalski called back."]
    frame = pl.DataFrame({"full_name": ["Maria Lopez", "Jan Kowalski"], "notes": notes})
    out = privprep.apply(policy, frame, key=KEY).frame
    assert isinstance(out, pl.DataFrame)
    for name, note in zip(out["full_name"], out["notes"], strict=True):
        assert name in note
    assert "Maria Lopez" not in out["notes"][0]


def test_distinct_texts_are_analyzed_once(detector, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    spans = Scrubber.spans

    def counting(self, texts):  # type: ignore[no-untyped-def]
        seen.append(len(texts))
        return spans(self, texts)

    monkeypatch.setattr(Scrubber, "spans", counting)
    policy = _policy("{action: scrub}")
    scrubber = Scrubber(policy.columns["notes"], policy, None)
    series = pl.Series(NOTES, dtype=pl.String)
    first, second = scrubber(series), scrubber(series)
    assert first.to_list() == second.to_list()
    assert seen == [3, 0]  # three distinct non-null texts, then all cached


def test_prefilter_skips_texts_that_cannot_hold_entities() -> None:
    policy = _policy("{action: scrub}")
    scrubber = Scrubber(policy.columns["notes"], policy, None)
    texts = pl.Series(
        ["all lower case, no digits", "The order was late.", "Maria called", "ring 030 1234567"]
    )
    candidate, ner = scrubber.prefilter(texts)
    assert candidate == [False, False, True, True]
    assert ner == [False, False, True, False]


def test_allow_list_is_never_scrubbed(detector) -> None:  # type: ignore[no-untyped-def]
    out = _scrub("{action: scrub, with: tag}", extra='allow: ["Maria Lopez"]\n')
    assert out[0] == "Called Maria Lopez at <PHONE_NUMBER> about order 12."


def test_custom_entities_are_scrubbed(detector) -> None:  # type: ignore[no-untyped-def]
    extra = (
        "recognizers:\n"
        "  - {entity: TICKET_ID, pattern: 'TCK-\\d{6}', context: [ticket]}\n"
        "  - {entity: PROJECT, deny_list: [Bluebird, Nightjar]}\n"
    )
    rule = "{action: scrub, entities: [TICKET_ID, PROJECT], with: tag}"
    out = _scrub(rule, ["Ticket TCK-123456 is about project Bluebird.", "nothing here"], extra)
    assert out == ["Ticket <TICKET_ID> is about project <PROJECT>.", "nothing here"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{action: scrub, entities: [PERSONS]}", "unknown entity 'PERSONS'; known: "),
        ("{action: scrub, entities: [US_PASSPORT], with: fake}", "no fake for 'US_PASSPORT'"),
    ],
)
def test_invalid_rules_fail_at_build(rule: str, message: str) -> None:
    with pytest.raises(PrivprepError, match=message) as info:
        _scrub(rule)
    assert info.value.code is ReasonCode.POLICY_INVALID


def test_needs_a_string_column() -> None:
    policy = _policy("{action: scrub}")
    frame = pl.DataFrame({"notes": [1, 2]})
    with pytest.raises(PrivprepError, match="needs a string column"):
        build(policy.columns["notes"], Context("notes", frame.schema, MasterKey(KEY.encode()), policy))


def test_two_scrubbed_columns_in_one_run(detector) -> None:  # type: ignore[no-untyped-def]
    policy = parse_policy(
        "version: 1\nname: t\ncolumns:\n"
        "  a: {action: scrub, with: tag}\n"
        "  b: {action: scrub, entities: [EMAIL_ADDRESS], with: redact}\n"
    )
    frame = pl.DataFrame({"a": NOTES * 40, "b": ["mail jan@example.org now", None] * 100})
    out = privprep.apply(policy, frame, key=KEY).frame
    assert isinstance(out, pl.DataFrame)
    assert out["a"][0] == "Called <PERSON> at <PHONE_NUMBER> about order 12."
    assert out["b"].to_list()[:2] == ["mail [REDACTED] now", None]


HARD_CASES = [
    ("upper", "SPOKE WITH MARIA LOPEZ IN BERLIN TODAY", ["MARIA LOPEZ", "BERLIN"]),
    ("lower", "spoke with maria lopez about the refund", ["maria lopez"]),
    ("first alone", "spoke with Ingetraut yesterday about the bill", ["Ingetraut"]),
    ("my name is", "hello, my name is kowalczyk and I need help", ["kowalczyk"]),
    ("titles", "Mr. Hendricks called, ms. o'neil too", ["Hendricks", "o'neil"]),
    ("last, first", "Lopez, Maria asked for a callback", ["Lopez, Maria"]),
    ("emails side by side", "cc a.b@x.com c@y.org d.e@z.net please", ["a.b@x.com", "c@y.org", "d.e@z.net"]),
    ("bare digits", "called from 4907300271346 yesterday", ["4907300271346"]),
    ("street", "She lives at 221B Baker Street, London.", ["Baker Street", "London"]),
    ("street number after", "Wohnt in der Hauptstraße 5 in Köln", ["Hauptstraße 5", "Köln"]),
    ("cities", "visited Gdańsk and Szczecin last week", ["Gdańsk", "Szczecin"]),
]


@pytest.mark.parametrize(("layout", "text", "spans"), HARD_CASES, ids=[c[0] for c in HARD_CASES])
def test_hard_layouts_without_table_context(detector, layout: str, text: str, spans: list[str]) -> None:  # type: ignore[no-untyped-def]
    out = _scrub("{action: scrub, with: tag}", [text])[0]
    assert out is not None and not [s for s in spans if s in out], out


@pytest.mark.parametrize(
    "text",
    [
        "the order 5551234567 shipped on time",
        "The printer on the second floor is broken again.",
        "THE PACKAGE ARRIVED DAMAGED, PLEASE REFUND",
        "customer complained about the delivery time",
    ],
)
def test_texts_without_personal_data_stay(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert _scrub("{action: scrub, with: tag}", [text]) == [text]
