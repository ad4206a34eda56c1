"""Fakes per kind on 1,000,000 distinct inputs: distinct in vs distinct out, values/s, validator pass rate.

Inputs are synthetic and distinct (identifiers valid by construction: IBAN mod-97, Luhn, SSN
ranges); each kind runs through the real plan projection (``compile_plan`` → ``projection`` →
``collect``), timed alone. Validators run on a sample of ``--check`` outputs: python-stdnum
(IBAN, Luhn, US SSN), :mod:`ipaddress`, :mod:`phonenumbers` (on Faker-drawn numbers of six
locales, the share of valid inputs whose fake is still valid), an e-mail syntax check.

    python bench/bench_fakes.py                  # ~3-6 minutes on 2 cores
    python bench/bench_fakes.py --rows 100000    # quick look
"""

from __future__ import annotations

import argparse
import ipaddress
import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import phonenumbers
import polars as pl
from faker import Faker
from stdnum import iban, luhn
from stdnum.us import ssn

from privprep.keys import MasterKey
from privprep.plan import compile_plan
from privprep.policy.model import Policy

KEY = MasterKey(b"bench-master-key-0123456789abcdef")
PHONE_LOCALES = ("en_US", "de_DE", "fr_FR", "en_GB", "it_IT", "ja_JP")
EMAIL = re.compile(r"[a-z0-9._]+@[a-z0-9-]+(\.[a-z0-9-]+)+")


def apply(frame: pl.DataFrame, columns: dict[str, Any]) -> tuple[pl.DataFrame, float]:
    """The plan's projection of ``frame`` under ``columns``, and its seconds."""
    policy = Policy.model_validate({"version": 1, "name": "bench", "columns": columns, "unlisted": "drop"})
    plan = compile_plan(policy, frame.schema)
    start = time.perf_counter()
    staged, outputs = plan.projection(KEY)
    out = frame.lazy().with_columns(**staged).select(outputs).collect()
    return out, time.perf_counter() - start


def _digits(rng: np.random.Generator, n: int, width: int) -> list[str]:
    high = rng.integers(0, 10 ** min(width, 18), n, dtype=np.int64)
    low = rng.integers(0, 10 ** max(width - 18, 0), n, dtype=np.int64) if width > 18 else None
    if low is None:
        return [f"{v:0{width}d}" for v in high]
    return [f"{h:018d}{lo:0{width - 18}d}" for h, lo in zip(high, low, strict=True)]


def ibans(rng: np.random.Generator, n: int) -> list[str]:
    """DE (18 digits), GB (4 letters + 14 digits), NL (4 letters + 10 digits) BBANs, mod-97 valid."""
    out = set()
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    while len(out) < n:
        m = n - len(out)
        country = rng.choice(["DE", "GB", "NL"], m)
        banks = ["".join(row) for row in letters[rng.integers(0, 26, (m, 4))]]
        numbers = _digits(rng, m, 18)
        for c, bank, digits in zip(country, banks, numbers, strict=True):
            bban = digits if c == "DE" else bank + (digits[:14] if c == "GB" else digits[:10])
            out.add(f"{c}{iban.calc_check_digits(c + '00' + bban)}{bban}")
    return sorted(out)[:n]


def cards(rng: np.random.Generator, n: int) -> list[str]:
    prefixes = np.array(["411111", "424242", "510510", "555555", "222300", "601100"])
    payload = [
        p + d for p, d in zip(prefixes[rng.integers(0, 6, n * 2)], _digits(rng, n * 2, 9), strict=True)
    ]
    return sorted({p + luhn.calc_check_digit(p) for p in payload})[:n]


def ssns(rng: np.random.Generator, n: int) -> list[str]:
    area = rng.integers(1, 899, n * 2)
    area = area + (area >= 666)
    group, serial = rng.integers(1, 100, n * 2), rng.integers(1, 10000, n * 2)
    return sorted({f"{a:03d}-{g:02d}-{s:04d}" for a, g, s in zip(area, group, serial, strict=True)})[:n]


def ipv4s(rng: np.random.Generator, n: int) -> list[str]:
    values = np.unique(rng.integers(1 << 24, 0xE0000000, n * 2, dtype=np.int64))[:n]
    return [str(ipaddress.IPv4Address(int(v))) for v in values]


def ipv6s(rng: np.random.Generator, n: int) -> list[str]:
    return sorted(
        {str(ipaddress.IPv6Address(int(a) << 64 | int(b))) for a, b in rng.integers(0, 2**62, (n, 2))}
    )


def postcodes(rng: np.random.Generator, n: int) -> list[str]:
    """Canadian ``A9A 9A9`` and US ZIP+4 ``12345-6789`` codes."""
    letters = np.array(list("ABCEGHJKLMNPRSTVXY"))
    half = n // 2
    a, b, c = letters[rng.integers(0, 18, (3, n * 2))]
    d1, d2, d3 = rng.integers(0, 10, (3, n * 2))
    ca = {f"{x}{p}{y} {q}{z}{r}" for x, y, z, p, q, r in zip(a, b, c, d1, d2, d3, strict=True)}
    us = {f"{v // 10000:05d}-{v % 10000:04d}" for v in rng.integers(0, 10**9, half * 2)}
    return sorted(ca)[:half] + sorted(us)[: n - half]


def phones(rng: np.random.Generator, n: int) -> list[str]:
    numbers = np.unique(rng.integers(2_000_000_000, 9_999_999_999, n * 2))[:n]
    return [f"+1 ({v // 10**7}) {v // 10**4 % 1000:03d}-{v % 10**4:04d}" for v in numbers]


def faker_phones(per_locale: int) -> list[tuple[str, str]]:
    out = []
    for locale in PHONE_LOCALES:
        region = locale[-2:]
        fake = Faker(locale)
        fake.seed_instance(7)
        out += [(fake.phone_number(), region) for _ in range(per_locale)]
    return out


def phone_valid(text: str | None, region: str) -> bool:
    if text is None:
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, region))
    except phonenumbers.NumberParseException:
        return False


Check = Callable[[str | None], bool]


def numbered(template: str) -> Callable[[np.random.Generator, int], list[str]]:
    return lambda rng, n: [template.format(i) for i in range(n)]


KINDS: dict[str, tuple[Callable[[np.random.Generator, int], list[str]], dict[str, Any], Check | None]] = {
    "iban": (ibans, {}, lambda v: v is not None and iban.is_valid(v)),
    "credit_card": (cards, {}, lambda v: v is not None and luhn.is_valid(v)),
    "ssn": (ssns, {}, lambda v: v is not None and ssn.is_valid(v)),
    "ip (v4)": (ipv4s, {"kind": "ip"}, lambda v: v is not None and ipaddress.ip_address(v).version == 4),
    "ip (v4, keep_bits 24)": (ipv4s, {"kind": "ip", "keep_bits": 24}, None),
    "ip (v6)": (ipv6s, {"kind": "ip"}, lambda v: v is not None and ipaddress.ip_address(v).version == 6),
    "postcode": (postcodes, {}, None),
    "phone": (phones, {}, None),
    "email": (numbered("user{}@corp.example"), {}, lambda v: bool(v and EMAIL.fullmatch(v))),
    "username": (numbered("user{}"), {}, None),
    "name": (numbered("person {}"), {}, None),
    "first_name": (numbered("person {}"), {}, None),
    "last_name": (numbered("person {}"), {}, None),
    "city": (numbered("town {}"), {}, None),
    "street": (numbered("{} Main St"), {}, None),
    "company": (numbered("firm {}"), {}, None),
    "address": (numbered("{} Main St"), {}, None),
    "name (de_DE)": (numbered("person {}"), {"kind": "name", "locale": "de_DE"}, None),
    "email (de_DE)": (numbered("user{}@x.de"), {"kind": "email", "locale": "de_DE"}, None),
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--check", type=int, default=50_000, help="outputs validated per kind")
    parser.add_argument("--kinds", nargs="*", help="only these rows of the table (e.g. city company)")
    args = parser.parse_args()
    rng = np.random.default_rng(11)
    print(
        f"{'kind':24} {'distinct in':>12} {'distinct out':>12} {'out/in':>8} {'values/s':>10}  validator pass"
    )
    for name, (make, options, check) in KINDS.items():
        if args.kinds and name not in args.kinds:
            continue
        rows = args.rows // 5 if name == "ip (v6)" else args.rows
        values = make(rng, rows)
        frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
        rule = {"action": "fake", "kind": name.split(" ")[0], **options}
        out, seconds = apply(frame, {"v": rule})
        fakes = out["v"]
        distinct_in, distinct_out = frame["v"].n_unique(), fakes.drop_nulls().n_unique()
        rate = "-"
        if check is not None:
            sample = fakes.head(args.check).to_list()
            rate = f"{sum(map(check, sample)) / len(sample):.4%} of {len(sample):,}"
        print(f"{name:24} {distinct_in:12,} {distinct_out:12,} {distinct_out / distinct_in:8.4f} "
              f"{len(values) / seconds:10,.0f}  {rate}")  # fmt: skip
    if not args.kinds:
        person(args.rows)
        phone_validity()
        iban_national()


def person(rows: int) -> None:
    """A person group (first, last, e-mail) on ``rows`` distinct people."""
    frame = pl.DataFrame({"f": [f"f{i % 5000}" for i in range(rows)], "l": [f"l{i}" for i in range(rows)],
                          "e": [f"u{i}@x.org" for i in range(rows)]})  # fmt: skip
    rules = {
        c: {"action": "fake", "kind": k, "person": "p"}
        for c, k in (("f", "first_name"), ("l", "last_name"), ("e", "email"))
    }
    out, seconds = apply(frame, rules)
    agree = (
        out.select(
            pl.col("e").str.contains(
                pl.col("l").str.to_lowercase().str.replace_all(r"[^a-z]", ""), literal=True
            )
        )
        .to_series()
        .mean()
    )
    distinct = out["e"].n_unique()
    print(f"{'person (first+last+email)':24} {rows:12,} {distinct:12,} {distinct / rows:8.4f} "
          f"{rows / seconds:10,.0f}  e-mail has the last name: {agree:.2%} (rows/s, 3 columns)")  # fmt: skip


def phone_validity() -> None:
    """Phones drawn by Faker: the share of phonenumbers-valid inputs whose fake is valid too."""
    pairs = faker_phones(5000)
    frame = pl.DataFrame({"v": [p for p, _ in pairs]})
    for keep in (0, 1, 3):
        out, _ = apply(frame, {"v": {"action": "fake", "kind": "phone", "keep_first": keep}})
        valid_in = [i for i, (p, region) in enumerate(pairs) if phone_valid(p, region)]
        kept = sum(phone_valid(out["v"][i], pairs[i][1]) for i in valid_in)
        print(f"phone keep_first {keep}: {kept / len(valid_in):.2%} of {len(valid_in):,} valid Faker numbers"
              " (US, DE, FR, GB, IT, JP) stay valid (phonenumbers.is_valid_number)")  # fmt: skip


def iban_national() -> None:
    """IBANs drawn by Faker for eleven countries: full python-stdnum validity, national checks included."""
    values = []
    for locale in (
        "de_DE",
        "en_GB",
        "fr_FR",
        "nl_NL",
        "it_IT",
        "es_ES",
        "pl_PL",
        "no_NO",
        "fi_FI",
        "pt_PT",
        "nl_BE",
    ):
        fake = Faker(locale)
        fake.seed_instance(3)
        values += [fake.iban() for _ in range(2000)]
    out, _ = apply(pl.DataFrame({"v": values}), {"v": {"action": "fake", "kind": "iban"}})
    full = sum(iban.is_valid(v) for v in out["v"]) / len(values)
    structure = sum(iban.is_valid(v, check_country=False) for v in out["v"]) / len(values)
    print(
        f"iban (Faker, 11 countries): mod-97 and BBAN format {structure:.2%},"
        f" with national check digits {full:.2%}"
    )


if __name__ == "__main__":
    main()
