"""Identifier fakes: keyed format-preserving bijections whose outputs pass the validators downstream runs."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import phonenumbers
import polars as pl
import pytest
from core_helpers import OTHER_KEY, one, transform
from faker import Faker
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from stdnum import iban, luhn
from stdnum.us import ssn

IBAN_LOCALES = ["de_DE", "en_GB", "fr_FR", "nl_NL", "it_IT", "es_ES", "pl_PL", "no_NO", "fi_FI", "pt_PT"]
PHONE_REGIONS = {"en_US": "US", "de_DE": "DE", "fr_FR": "FR", "en_GB": "GB", "ja_JP": "JP", "it_IT": "IT"}


@cache
def _faker(locale: str) -> Faker:
    return Faker(locale)


def drawn(locale: str, method: str) -> st.SearchStrategy[str]:
    """Values Faker draws for ``locale`` with a Hypothesis-chosen seed."""

    def draw(seed: int) -> str:
        fake = _faker(locale)
        fake.seed_instance(seed)
        return str(getattr(fake, method)())

    return st.integers(0, 2**32).map(draw)


IBANS = st.sampled_from(IBAN_LOCALES).flatmap(lambda loc: drawn(loc, "iban"))
CARDS = drawn("en_US", "credit_card_number")
SSNS = st.tuples(
    st.integers(1, 899).filter(lambda a: a != 666), st.integers(1, 99), st.integers(1, 9999)
).map(lambda t: f"{t[0]:03d}-{t[1]:02d}-{t[2]:04d}")
IPV4 = st.ip_addresses(v=4).map(str)
IPV6 = st.ip_addresses(v=6).map(str)
POSTCODES = st.from_regex(
    r"\A([0-9]{5}|[A-Z][0-9][A-Z] [0-9][A-Z][0-9]|[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2})\Z"
)
PHONES = st.sampled_from(sorted(PHONE_REGIONS)).flatmap(
    lambda loc: drawn(loc, "phone_number").map(lambda p: (p, PHONE_REGIONS[loc]))
)


def layout(text: str) -> str:
    return re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", re.sub(r"[0-9]", "9", text)))


def iban_ok(before: str, after: str) -> bool:
    return (
        after[:2] == before[:2]
        and layout(after) == layout(before)
        and iban.is_valid(after, check_country=False)
    )


def card_ok(before: str, after: str) -> bool:
    return luhn.is_valid(after) and after[:6] == before[:6] and len(after) == len(before)


def ip_ok(before: str, after: str) -> bool:
    return ipaddress.ip_address(after).version == ipaddress.ip_address(before).version


def postcode_ok(before: str, after: str) -> bool:
    return layout(after) == layout(before)


VALID: dict[str, tuple[st.SearchStrategy[str], Callable[[str, str], bool]]] = {
    "iban": (IBANS, iban_ok),
    "credit_card": (CARDS, card_ok),
    "ssn": (SSNS, lambda before, after: ssn.is_valid(after) and layout(after) == layout(before)),
    "ip": (st.one_of(IPV4, IPV6), ip_ok),
    "postcode": (POSTCODES, postcode_ok),
}
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("kind", sorted(VALID))
@FAST
@given(data=st.data())
def test_distinct_inputs_give_distinct_valid_fakes(kind: str, data: st.DataObject) -> None:
    strategy, valid = VALID[kind]
    values = data.draw(st.lists(strategy, min_size=1, max_size=60, unique=True))
    out = one(values, {"action": "fake", "kind": kind})
    assert len(set(out)) == len(values)
    assert all(valid(b, a) for b, a in zip(values, out, strict=True)), list(zip(values, out, strict=True))


@pytest.mark.parametrize("kind", sorted(VALID))
@FAST
@given(data=st.data())
def test_same_key_and_value_give_the_same_fake_in_every_table(kind: str, data: st.DataObject) -> None:
    strategy = VALID[kind][0]
    value, others = data.draw(strategy), data.draw(st.lists(strategy, max_size=20))
    rule = {"action": "fake", "kind": kind, "domain": "shared"}
    first = transform(pl.DataFrame({"a": [value, *others]}), {"a": rule})["a"][0]
    second = transform(pl.DataFrame({"b": [*others, value, value]}), {"b": rule})["b"].to_list()
    assert second[-2:] == [first, first]
    assert one([value], {"action": "fake", "kind": kind}, key=OTHER_KEY) != [first] or kind == "ip"


@pytest.mark.parametrize(
    ("kind", "count"), [("iban", 20_000), ("credit_card", 20_000), ("ssn", 20_000), ("postcode", 20_000)]
)
def test_dense_inputs_stay_distinct(kind: str, count: int) -> None:
    values = {
        "iban": [f"DE{i % 90 + 10:02d}{i:018d}" for i in range(count)],
        "credit_card": [f"411111{i:010d}" for i in range(count)],
        "ssn": [f"123-{i // 9999 + 1:02d}-{i % 9999 + 1:04d}" for i in range(count)],
        "postcode": [f"{i:05d}" for i in range(count)],
    }[kind]
    out = one(values, {"action": "fake", "kind": kind})
    assert len(set(out)) == count and None not in out


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["iban", "credit_card", "ssn", "postcode", "ip", "phone"])
def test_a_million_distinct_inputs_give_a_million_distinct_fakes(kind: str) -> None:
    n = 1_000_000
    values = {
        "iban": [f"GB{i % 90 + 10:02d}NWBK{i:014d}" for i in range(n)],
        "credit_card": [f"5500{i:012d}" for i in range(n)],
        "ssn": [f"{i // 989_901 + 1:03d}{i // 9999 % 99 + 1:02d}{i % 9999 + 1:04d}" for i in range(n)],
        "postcode": [f"{i:07d}" for i in range(n)],
        "ip": [str(ipaddress.IPv4Address(167772160 + i)) for i in range(n)],
        "phone": [f"+1 212 {i:07d}" for i in range(n)],
    }[kind]
    assert len(set(values)) == n
    out = one(values, {"action": "fake", "kind": kind})
    assert pl.Series(out).drop_nulls().n_unique() == n


# ---------------------------------------------------------------- per kind


def test_iban_keeps_country_layout_and_gets_valid_check_digits() -> None:
    spaced, compact, bad = "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "DE00370400440532013000"
    a, b, c, d = one([spaced, compact, bad, "not an iban"], {"action": "fake", "kind": "iban"})
    assert layout(a) == layout(spaced) and a.replace(" ", "") == b and iban.is_valid(b)
    assert not iban.is_valid(c) and c[4:] == b[4:]  # a wrong check stays wrong: the map stays a bijection
    assert d is None


@pytest.mark.parametrize("locale", [*IBAN_LOCALES, "nl_BE"])
def test_iban_national_checks_stay_valid(locale: str) -> None:
    values = [_faker(locale).iban() for _ in range(200)]
    assert all(iban.is_valid(v) for v in values)
    out = one(values, {"action": "fake", "kind": "iban"})
    assert all(iban.is_valid(v) for v in out)  # python-stdnum's national checks too (BE, ES, NO)


@pytest.mark.parametrize("country", ["BE", "ES", "NO"])
def test_national_check_positions_keep_the_map_a_bijection(country: str) -> None:
    width = {"BE": 12, "ES": 20, "NO": 11}[country]
    values = [f"{country}00{i:0{width}d}" for i in range(20_000)]  # every check digit wrong or right
    assert len(set(one(values, {"action": "fake", "kind": "iban"}))) == len(values)


@pytest.mark.parametrize(("keep", "prefix"), [(None, 6), (1, 1), (4, 4)])
def test_credit_card_keeps_the_prefix_and_layout(keep: int | None, prefix: int) -> None:
    rule: dict[str, Any] = {"action": "fake", "kind": "credit_card"}
    if keep is not None:
        rule["keep_first"] = keep
    [fake] = one(["4111 1111 1111 1111"], rule)
    digits = fake.replace(" ", "")
    assert layout(fake) == "9999 9999 9999 9999" and digits[:prefix] == "4111111111111111"[:prefix]
    assert luhn.is_valid(digits) and digits != "4111111111111111"


def test_values_that_do_not_fit_the_kind_become_null() -> None:
    assert one(["12", "abc", None], {"action": "fake", "kind": "credit_card"}) == [None] * 3
    assert (
        one(
            ["000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "12345"],
            {"action": "fake", "kind": "ssn"},
        )
        == [None] * 5
    )
    assert one(["999.1.1.1", "1.2.3", "01.2.3.4", "::g"], {"action": "fake", "kind": "ip"}) == [None] * 4


@pytest.mark.parametrize(("keep", "network"), [(24, "192.0.2.0/24"), (16, "192.0.0.0/16")])
def test_ip_keeps_the_first_bits(keep: int, network: str) -> None:
    values = [f"192.0.2.{i}" for i in range(256)]
    out = one(values, {"action": "fake", "kind": "ip", "keep_bits": keep})
    assert len(set(out)) == 256 and all(ipaddress.ip_address(v) in ipaddress.ip_network(network) for v in out)


def test_ipv6_stays_ipv6_and_keeps_its_prefix() -> None:
    values = [f"2001:db8::{i:x}" for i in range(500)]
    out = one(values, {"action": "fake", "kind": "ip", "keep_bits_v6": 32})
    assert len(set(out)) == 500
    assert all(ipaddress.ip_address(v) in ipaddress.ip_network("2001:db8::/32") for v in out)


@FAST
@given(PHONES)
def test_phone_keeps_country_code_length_and_layout(phone_region: tuple[str, str]) -> None:
    phone, region = phone_region
    [fake] = one([phone], {"action": "fake", "kind": "phone"})
    try:
        before = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        assume(False)  # Faker draws some numbers no phone library reads
    if fake is None:  # an international prefix without a calling code ("000...")
        assert not phonenumbers.is_valid_number(before)
        return
    assert re.sub(r"\d", "9", fake) == re.sub(r"\d", "9", phone)
    after = phonenumbers.parse(fake, region)
    assert after.country_code == before.country_code
    if phonenumbers.is_possible_number(before):
        assert phonenumbers.is_possible_number(after)


@pytest.mark.parametrize(
    ("phone", "kept"),
    [("+44 20 7946 0123", "+44 "), ("+49 (0)89 7654321", "+49 (0)"), ("0049 30 1234567", "0049 "),
     ("030 1234567", "0"), ("+1 (212) 555-0100", "+1 (")],
)  # fmt: skip
def test_phone_keeps_the_country_code_and_trunk_zero(phone: str, kept: str) -> None:
    [fake] = one([phone], {"action": "fake", "kind": "phone"})
    assert fake.startswith(kept) and fake != phone


def test_phone_keep_first_keeps_the_area_code() -> None:
    [fake] = one(["+1 (212) 555-0100"], {"action": "fake", "kind": "phone", "keep_first": 3})
    assert fake.startswith("+1 (212) ") and fake != "+1 (212) 555-0100"
