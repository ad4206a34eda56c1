"""One fake person per row (``person`` groups) and a locale per row (``locale_from``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from core_helpers import KEY, transform
from hypothesis import given, settings
from hypothesis import strategies as st

import privprep
from privprep import PolicyError
from privprep.transforms.people import known_locale
from privprep.transforms.pools import slug

PEOPLE = pl.DataFrame(
    {
        "first": ["María", "John", "Hans", None, "Akira"],
        "last": ["López", "Smith", "Müller", "Doe", "Sato"],
        "email": ["ml@x.com", "js@y.com", "hm@z.de", "jd@q.org", "as@w.jp"],
        "user": ["maria", "johns", "hmueller", "jdoe", "akira"],
        "country": ["ES", "United States", "DEU", "Atlantis", None],
    }
)


def person_rules(**extra: Any) -> dict[str, Any]:
    kinds = {"first": "first_name", "last": "last_name", "email": "email", "user": "username"}
    return {col: {"action": "fake", "kind": kind, "person": "p", **extra} for col, kind in kinds.items()}


def test_a_rows_fakes_describe_one_person() -> None:
    frame = PEOPLE.with_columns(full=pl.concat_str("first", "last", separator=" "))
    rules = {**person_rules(), "full": {"action": "fake", "kind": "name", "person": "p"}}
    out = transform(frame, rules)
    for first, last, email, user, name in out.select("first", "last", "email", "user", "full").rows():
        assert email.split("@")[0] == user
        if first is not None:
            assert re.fullmatch(rf"{slug_of(first)}[._]?{slug_of(last)}[0-9]+", user), (first, last, user)
            assert name == f"{first} {last}"  # full is null where first is
    assert out["first"][3] is None and out["last"][3] is not None  # each column keeps its own nulls


def slug_of(name: str) -> str:
    return pl.select(slug(pl.lit(name))).item()


def test_the_same_person_gets_the_same_fake_in_another_table() -> None:
    first = transform(PEOPLE, person_rules())
    shuffled = PEOPLE.reverse().rename({"first": "given", "last": "family"})
    rules = person_rules()
    rules["given"], rules["family"] = rules.pop("first"), rules.pop("last")
    second = transform(shuffled, rules).reverse()
    assert second["email"].to_list() == first["email"].to_list()
    assert second["given"].to_list() == first["first"].to_list()


def test_by_keys_the_person_on_an_id_column() -> None:
    frame = pl.DataFrame({"id": [1, 1, 2], "first": ["Ann", "Anne", "Ann"], "email": ["a@x", "b@x", "a@x"]})
    rules = {
        "first": {"action": "fake", "kind": "first_name", "person": "p", "by": "id"},
        "email": {"action": "fake", "kind": "email", "person": "p", "by": "id"},
    }
    out = transform(frame, rules)
    assert out["email"][0] == out["email"][1] != out["email"][2]
    assert out["first"][0] == out["first"][1]


def test_distinct_people_get_distinct_emails() -> None:
    n = 50_000
    frame = pl.DataFrame(
        {"first": [f"f{i % 300}" for i in range(n)], "email": [f"u{i}@x.org" for i in range(n)]}
    )
    rules = {
        "first": {"action": "fake", "kind": "first_name", "person": "p"},
        "email": {"action": "fake", "kind": "email", "person": "p"},
    }
    assert transform(frame, rules)["email"].n_unique() == n


def test_locale_from_picks_each_rows_locale() -> None:
    frame = pl.DataFrame({"n": [f"p{i}" for i in range(40)], "c": ["JP", "Japan"] * 10 + ["DE"] * 20})
    out = transform(frame, {"n": {"action": "fake", "kind": "name", "locale_from": "c"}})["n"].to_list()
    assert all(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", n) for n in out[:20])
    assert not any(re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", n) for n in out[20:])


@pytest.mark.parametrize(
    ("value", "locale"),
    [("DE", "de_DE"), ("deu", "de_DE"), ("Germany", "de_DE"), (" france ", "fr_FR"), ("JP", "ja_JP"),
     ("United Kingdom", "en_GB"), ("US", "en_US"), ("es", "es_ES"), ("Atlantis", None), (None, None)],
)  # fmt: skip
def test_country_values_name_a_locale(value: str | None, locale: str | None) -> None:
    frame = pl.DataFrame({"c": [value]}, schema={"c": pl.String})
    assert frame.select(known_locale(pl.col("c"))).item() == locale


@settings(max_examples=20, deadline=None)
@given(st.lists(st.sampled_from(["DE", "FR", "Japan", "xx", None, "Brazil"]), min_size=1, max_size=30))
def test_locale_from_is_deterministic_per_value_and_country(countries: list[str | None]) -> None:
    frame = pl.DataFrame(
        {"v": ["same"] * len(countries), "c": countries}, schema={"v": pl.String, "c": pl.String}
    )
    rule = {"v": {"action": "fake", "kind": "city", "locale_from": "c"}}
    out = transform(frame, rule)["v"].to_list()
    by_country: dict[str | None, str] = {}
    for country, value in zip(countries, out, strict=True):
        assert by_country.setdefault(country, value) == value


def test_unknown_countries_are_counted_in_the_audit(tmp_path: Path) -> None:
    text = (
        "version: 1\nname: t\nkey: {env: PRIVPREP_KEY}\nunlisted: drop\ncolumns:\n"
        "  first: {action: fake, kind: first_name, locale_from: country}\n"
        "  last: {action: fake, kind: last_name}\n"
    )
    result = privprep.apply(privprep.parse_policy(text), PEOPLE, tmp_path / "o.parquet", key=KEY)
    assert result.record["result"]["fake_locales"] == {"first": 2}  # "Atlantis" and a null
    assert "Atlantis" not in (tmp_path / "o.parquet").read_bytes().decode("latin-1")


@pytest.mark.parametrize(
    ("rule", "where", "says"),
    [
        (
            "{action: fake, kind: city, keep_first: 2}",
            "columns.a.keep_first",
            "applies to: phone, credit_card",
        ),
        ("{action: fake, kind: phone, keep_bits: 8}", "columns.a.keep_bits", "applies to: ip"),
        ("{action: fake, kind: iban, person: p}", "columns.a.person", "applies to: name, first_name"),
        ("{action: fake, kind: ssn, locale_from: c}", "columns.a.locale_from", "applies to: name"),
        ("{action: fake, kind: name, by: c}", "columns.a.by", "set person too"),
        ("{action: fake, kind: ip, keep_bits: 40}", "columns.a.keep_bits", "less than or equal to 31"),
    ],
)
def test_options_are_checked_at_policy_load(rule: str, where: str, says: str) -> None:
    with pytest.raises(PolicyError) as caught:
        privprep.parse_policy(f"version: 1\nname: t\ncolumns:\n  a: {rule}\n")
    problems = {p.where: p.message for p in caught.value.problems}
    assert any(w.startswith(where) and says in m for w, m in problems.items()), problems
    assert all(p.line == 4 for p in caught.value.problems)


def test_a_person_group_shares_its_locale() -> None:
    text = (
        "version: 1\nname: t\ncolumns:\n"
        "  a: {action: fake, kind: first_name, person: p, locale: de_DE}\n"
        "  b: {action: fake, kind: last_name, person: p}\n"
    )
    with pytest.raises(PolicyError) as caught:
        privprep.parse_policy(text)
    assert any("must share locale" in p.message for p in caught.value.problems)


def test_a_missing_locale_column_is_reported_at_compile() -> None:
    with pytest.raises(privprep.PrivprepError) as caught:
        transform(
            pl.DataFrame({"a": ["x"]}), {"a": {"action": "fake", "kind": "city", "locale_from": "country"}}
        )
    assert any("country" in p.message for p in caught.value.problems)
