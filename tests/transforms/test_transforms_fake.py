"""fake: realistic values per kind and locale, deterministic per key, unique for identifier kinds."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import polars as pl
import pytest
from core_helpers import OTHER_KEY, POOLED, one, transform

from privprep.transforms import pools
from privprep.transforms.fake import FAKE_KINDS

INPUTS = ["alice", "bob", None, "alice", "Émile Zola", "12345", "carol@example.com", "日本"]


REALISM: dict[str, Any] = {
    "name": lambda v: re.fullmatch(r"[^\s\d]+(?: [^\s\d]+)+", v),
    "first_name": lambda v: re.fullmatch(r"[^\d@]+", v) and v.strip() == v,
    "last_name": lambda v: re.fullmatch(r"[^\d@]+", v) and v.strip() == v,
    "email": lambda v: re.fullmatch(r"[a-z]+[._]?[a-z]+[0-9]{1,6}@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}", v),
    "address": lambda v: ", " in v and re.search(r"\d", v),
    "street": lambda v: re.search(r"\d", v) and re.search(r"[A-Za-z]{3}", v),
    "city": lambda v: re.fullmatch(r"[^\d@]+", v) and v.strip() == v,
    "company": lambda v: len(v) > 2,
    "username": lambda v: re.fullmatch(r"[a-z]+[._]?[a-z]+[0-9]{1,6}", v),
    "url": lambda v: re.fullmatch(r"https?://[^\s/]+\.[a-z]+/", v),
}


@pytest.mark.parametrize("kind", sorted(REALISM))
def test_fakes_look_real_and_keep_nulls(kind: str) -> None:
    out = one(INPUTS, {"action": "fake", "kind": kind, "domain": POOLED})
    assert out[2] is None and out[0] == out[3]
    for value in out[:2] + out[4:]:
        assert isinstance(value, str) and REALISM[kind](value), value
        assert not re.search(r"[\x00-\x02]", value)  # every template slot filled
    assert not set(out) & set(INPUTS) - {None}


def test_date_of_birth_is_a_date_in_a_plausible_range() -> None:
    frame = pl.DataFrame({"v": INPUTS})
    out = transform(frame, {"v": {"action": "fake", "kind": "date_of_birth"}})
    assert out.schema["v"] == pl.Date and out["v"][2] is None
    assert all(dt.date(1940, 1, 1) <= d <= dt.date(2005, 12, 31) for d in out["v"].drop_nulls())


def test_postcode_is_text_so_leading_zeros_survive() -> None:
    values = [f"{i:05d}" for i in range(100_000)]
    out = transform(pl.DataFrame({"v": values}), {"v": {"action": "fake", "kind": "postcode"}})
    assert out.schema["v"] == pl.String and sorted(out["v"]) == values  # a permutation of 5-digit codes


def test_every_kind_of_the_policy_language_is_implemented() -> None:
    sample = {"phone": "555-0100", "ip": "10.0.0.1", "postcode": "02139", "iban": "DE89370400440532013000",
              "credit_card": "4111111111111111", "ssn": "123-45-6789"}  # fmt: skip
    frame = pl.DataFrame({kind: [sample.get(kind, "x"), None] for kind in FAKE_KINDS})
    out = transform(frame, {kind: {"action": "fake", "kind": kind, "domain": POOLED} for kind in FAKE_KINDS})
    assert out.columns == list(FAKE_KINDS) and out.row(1) == (None,) * len(FAKE_KINDS)
    assert None not in out.row(0)


@pytest.mark.parametrize(
    ("locale", "check"),
    [
        ("de_DE", lambda names, emails: all(e.endswith((".de", ".com", ".net", ".org")) for e in emails)),
        ("ja_JP", lambda names, emails: all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", n) for n in names)),
        ("fr_FR", lambda names, emails: len(set(names)) > 10),
    ],
)
def test_locale_is_per_rule(locale: str, check: Any) -> None:
    values = [f"person-{i}" for i in range(30)]
    frame = pl.DataFrame({"n": values, "e": values, "us": values})
    out = transform(
        frame,
        {
            "n": {"action": "fake", "kind": "name", "locale": locale},
            "e": {"action": "fake", "kind": "email", "locale": locale},
            "us": {"action": "fake", "kind": "name"},
        },
    )
    assert check(out["n"].to_list(), out["e"].to_list())
    assert not set(out["n"]) & set(out["us"])


@pytest.mark.parametrize("kind", ["email", "username"])
def test_identifier_fakes_are_unique(kind: str) -> None:
    values = [f"user{i}@corp.example" for i in range(20_000)]
    out = one(values, {"action": "fake", "kind": kind})
    assert len(set(out)) == len(values)


def test_case_variants_are_different_inputs() -> None:
    a, b = one(["Jane@X.com", "jane@x.com"], {"action": "fake", "kind": "email"})
    assert a != b


def test_fakes_depend_on_key_column_and_domain() -> None:
    values = [f"10.0.0.{i}" for i in range(40)]
    frame = pl.DataFrame({"a": values, "b": values, "c": values, "d": values})
    rule = {"action": "fake", "kind": "ip"}  # no pool to draw: cheap
    out = transform(
        frame, {"a": rule, "b": rule, "c": {**rule, "domain": "people"}, "d": {**rule, "domain": "people"}}
    )
    assert len(set(out["a"]) & set(out["b"])) <= 1  # two permutations of 32 bits: a chance clash is possible
    assert out["c"].to_list() == out["d"].to_list()
    assert transform(frame, {"a": rule})["a"].to_list() == out["a"].to_list()
    assert len(set(transform(frame, {"a": rule}, OTHER_KEY)["a"]) & set(out["a"])) <= 1


def test_pooled_fakes_are_shared_by_a_domain() -> None:
    values = [f"v{i}" for i in range(40)]
    rule = {"action": "fake", "kind": "email", "domain": POOLED}
    out = transform(pl.DataFrame({"a": values, "b": values}), {"a": rule, "b": rule})
    assert out["a"].to_list() == out["b"].to_list() and out["a"].n_unique() == 40


@pytest.mark.parametrize(
    ("values", "dtype"), [([1, 2, None], pl.Int64), ([dt.date(1990, 1, 1), None, None], pl.Date)]
)
def test_fake_accepts_non_text_scalars(values: list[Any], dtype: pl.DataType) -> None:
    out = one(values, {"action": "fake", "kind": "name"}, dtype)
    assert " " in out[0] and out[-1] is None


@pytest.mark.parametrize("rows", [10, 20_000])
def test_shipped_pools_run_no_faker(monkeypatch: pytest.MonkeyPatch, rows: int) -> None:
    calls = {"n": 0}
    draw = pools.DRAWN["city"]

    def counting(faker: Any) -> str:
        calls["n"] += 1
        return draw(faker)

    monkeypatch.setitem(pools.DRAWN, "city", counting)
    pools.pool.cache_clear()
    out = one([f"v{i}" for i in range(rows)], {"action": "fake", "kind": "city"})
    assert len(out) == rows and calls["n"] == 0 and pools.pools_faker_version()


def test_a_pool_the_file_lacks_is_drawn_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    draw = pools.DRAWN["city"]

    def counting(faker: Any) -> str:
        calls["n"] += 1
        return draw(faker)

    monkeypatch.setitem(pools.DRAWN, "city", counting)
    monkeypatch.setattr(pools, "_shipped", lambda name, locale: None)
    pools.pool.cache_clear()
    try:
        for _ in range(2):
            one([f"v{i}" for i in range(5000)], {"action": "fake", "kind": "city"})
        assert calls["n"] == 2 * pools.POOL_SIZE
    finally:
        pools.pool.cache_clear()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "share"), [("name", 0.95), ("street", 0.95), ("city", 0.02), ("company", 0.5)]
)
def test_a_million_people_get_mostly_distinct_fakes(kind: str, share: float) -> None:
    n = 1_000_000
    out = one([f"person-{i}" for i in range(n)], {"action": "fake", "kind": kind})
    assert pl.Series(out).n_unique() >= share * n


def test_name_pools_are_large_enough_for_distinct_people() -> None:
    n = 100_000
    out = one([f"person-{i}" for i in range(n)], {"action": "fake", "kind": "name"})
    assert pl.Series(out).n_unique() >= 0.99 * n  # 690 first × 88,703 last names in en_US


# ---------------------------------------------------------------- phone

PHONES = [
    "+1 (212) 555-0100",
    "212.555.0100",
    "(415) 555-0199",
    "+44 20 7946 0123",
    "0049 30 1234567",
    "+49 (0)89 7654321",
    "+33 1 23 45 67 89",
    "+81 3-1234-5678",
    "03-1234-5678",
    "1" * 18,
]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def layout(text: str) -> str:
    return re.sub(r"\d", "#", text)


@pytest.mark.parametrize("phone", PHONES)
def test_phone_keeps_the_format_and_replaces_the_digits(phone: str) -> None:
    [fake] = one([phone], {"action": "fake", "kind": "phone"})
    assert layout(fake) == layout(phone)
    assert fake != phone


def test_phone_digits_are_a_keyed_permutation() -> None:
    numbers = [f"{i:04d}" for i in range(100, 10_000)]  # "00..." would be an international prefix
    rule = {"action": "fake", "kind": "phone", "keep_first": 0}
    out = one(numbers, rule)
    assert sorted(out) == numbers  # a bijection (each count of leading zeros kept)
    assert sum(a == b for a, b in zip(out, numbers, strict=True)) < 40
    other = one(numbers, rule, key=OTHER_KEY)
    assert sum(a == b for a, b in zip(out, other, strict=True)) < 40


def test_phone_fakes_are_unique_and_deterministic() -> None:
    numbers = [f"+1 (212) 555-{i:04d}" for i in range(5000)] + [f"212.555.{i:04d}" for i in range(5000)]
    out = one(numbers, {"action": "fake", "kind": "phone"})
    assert len(set(out)) == len(numbers)
    assert one(numbers[:10], {"action": "fake", "kind": "phone"}) == out[:10]


@pytest.mark.parametrize("value", ["", "12", "abc", "+1 2 3", None])
def test_values_too_short_for_a_phone_become_null(value: str | None) -> None:
    assert one([value, "555-0100"], {"action": "fake", "kind": "phone"})[0] is None


def test_values_with_too_many_digits_become_null() -> None:
    many = ", ".join(f"555-{i:04d}" for i in range(10))  # 70 digits: several numbers in one cell
    assert (
        one(["1" * 19, "1" * 30, "1" * 37, many, "555-0100"], {"action": "fake", "kind": "phone"})[:4]
        == [None] * 4
    )


@pytest.mark.parametrize("value", ["١٢٣٤٥٦٧", "１２３４５６７", "０３-１２３４-５６７８"])
def test_numbers_in_non_ascii_digits_become_null(value: str) -> None:
    assert one([value, "555-0100"], {"action": "fake", "kind": "phone"})[0] is None


def test_no_input_digit_is_copied_through() -> None:
    [fake] = one(["+1 ５55 1234"], {"action": "fake", "kind": "phone"})
    assert fake is None or "５" not in fake
