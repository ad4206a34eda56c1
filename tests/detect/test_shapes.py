"""Value shapes that need no column name: one parametrized table per shape, and invariants."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privprep.detect import shapes


def _one(fn, value: str) -> float:  # type: ignore[no-untyped-def]
    return fn(pl.Series([value]))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ingetraut", 1), ("Szwedowska", 1), ("O'Neil", 1), ("Müller-Lüdenscheidt", 1), ("van Lochem", 1),
        ("Dudek, Marta", 1), ("J. Smith", 1), ("Maria de la Cruz", 1), ("Ó Súilleabháin", 1),
        ("Software engineer", 0), ("Cameriere ai piani", 0), ("SKU-1234", 0), ("2004 Honda Civic", 0),
        ("Soldat / Soldatin", 0), ("hello world again and again", 0),
    ],
)  # fmt: skip
def test_proper_nouns(value: str, expected: int) -> None:
    assert _one(shapes.proper_noun_share, value) == expected


def test_proper_nouns_in_one_case_are_title_cased() -> None:
    names = ["MARIA LOPEZ", "JAN KOWALSKI", "ANNE O'NEIL"]
    assert shapes.proper_noun_share(pl.Series(names)) == 1.0
    assert shapes.proper_noun_share(pl.Series([n.lower() for n in names])) == 1.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1013 Fulton Walk", 1), ("Hauptstraße 5", 1), ("Via Roma 12, 00184 Roma", 1), ("ul. Polna 5/3", 1),
        ("12, rue Victor Hugo", 1), ("Avenida Paulista, 1578", 1), ("P.O. Box 771", 1), ("Postfach 12", 1),
        ("Calle Mayor 7b", 1), ("Na Letné 130", 1),
        ("2004 Honda Civic", 0), ("SKU-1234-XL", 0), ("12345", 0), ("Maria Lopez", 0),
    ],
)  # fmt: skip
def test_addresses(value: str, expected: int) -> None:
    assert _one(shapes.address_share, value) == expected


@pytest.mark.parametrize(
    ("value", "any_format", "distinctive"),
    [
        ("10115", 1, 0), ("8001", 1, 0), ("SW1A 1AA", 1, 1), ("1012 AB", 1, 1), ("00-950", 1, 1),
        ("K1A 0B1", 1, 1), ("4000-123", 1, 1), ("01310-100", 1, 1), ("114 55", 1, 1), ("D02 X285", 1, 1),
        ("90210-1234", 1, 1), ("DK-8367", 1, 1), ("sw1a 1aa", 1, 1),
        ("hello", 0, 0), ("123456789", 0, 0), ("12", 0, 0),
    ],
)  # fmt: skip
def test_postcodes(value: str, any_format: int, distinctive: int) -> None:
    assert shapes.postcode_shares(pl.Series([value])) == (any_format, distinctive)


@pytest.mark.parametrize(
    ("value", "password", "username"),
    [
        ("Eeb0ohgh3", 1, 0), ("k#9Lm!2q", 1, 0), ("aiKah0ohp", 1, 0), ("Tr0ub4dor&3", 1, 0),
        ("john_doe88", 0, 1), ("sherri_1987", 0, 1), ("Forgrat1968", 0, 1), ("maria.lopez", 0, 1),
        ("SKU-1234-XL", 1, 0),  # mixed classes: the column's single layout rules it out (layout_variety)
        ("3f2a9c1e-8b7d-4e6f-a5c4-1d2e3f4a5b6c", 0, 0), ("ana@example.org", 0, 0), ("pass word 1A", 0, 0),
    ],
)  # fmt: skip
def test_credentials_and_handles(value: str, password: int, username: int) -> None:
    assert _one(shapes.password_share, value) == password
    assert _one(shapes.username_share, value) == username


def test_layout_variety_separates_codes_from_passwords() -> None:
    codes = pl.Series([f"SKU-{i}-XL" for i in range(1000, 1100)])
    secrets = pl.Series(["Eeb0ohgh3", "k#9Lm!2q", "aiKah0ohp", "Tr0ub4dor&3", "xY7!pq", "9zzTop#1"])
    assert shapes.layout_variety(codes) < 0.05 < 0.5 < shapes.layout_variety(secrets)


def test_marked_handles() -> None:
    assert shapes.marked_username_share(pl.Series(["Thavent", "Wheirn", "Forgrat1968", "j.doe"])) == 0.5


@pytest.mark.parametrize(
    ("value", "expected"),
    [("+351 67 5118 4320", 1), ("(030) 1234567", 1), ("555-123-4567", 1), ("0044 20 7946 0000", 1),
     ("2024-01-31", 0), ("123-45-6789", 0), ("12.03.1985", 0), ("4907300271346", 0), ("1.2.3", 0)],
)  # fmt: skip
def test_phone_shape(value: str, expected: int) -> None:
    assert _one(shapes.phone_share, value) == expected


def test_float_card_numbers() -> None:
    cards = pl.Series([5.54563e15, 4.1e15, 3.7e14, 6.011e15])
    assert shapes.card_prefix_share(cards) == 1.0
    assert shapes.card_prefix_share(pl.Series([1.2e15, 9.9e15, 45.5, 7.0e15])) == 0.0
    assert shapes.scientific_share(pl.Series(["5.54563E+15", "4,1E+15", "hello", "12"])) == 0.5


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=20))
def test_shares_are_shares(values: list[str]) -> None:
    series = pl.Series(values, dtype=pl.String)
    fns = (shapes.proper_noun_share, shapes.address_share, shapes.username_share, shapes.password_share,
           shapes.phone_share, shapes.layout_variety, shapes.leading_zero_share)  # fmt: skip
    for fn in fns:
        assert 0.0 <= fn(series) <= 1.0
    assert all(0.0 <= s <= 1.0 for s in shapes.postcode_shares(series))


def test_national_ids_by_check_digits() -> None:
    from privprep.detect.identifiers import national_id_share

    valid = ["12345678Z", "111222333", "RSSMRA85T10A562S", "529.982.247-25"]  # ES DNI, NL BSN, IT CF, BR CPF
    assert national_id_share(pl.Series(valid)) == 1.0
    assert national_id_share(pl.Series(["12345678A", "111222334", "hello world", "4111"])) == 0.0
