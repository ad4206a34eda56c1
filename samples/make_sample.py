"""Generate privprep's bundled sample: a messy, fake customer/support-ticket table.

Deterministic: one numpy Generator and per-locale Faker instances, all seeded from ``seed``;
the Parquet file is written with fixed settings, so two runs give byte-identical files.
Every value is synthetic. Ages are whole years on ``REF_DATE``.

Usage::

    python samples/make_sample.py [--rows N] [--seed S] [-o PATH]
"""

from __future__ import annotations

import argparse
import os
import unicodedata
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
from faker import Faker

REF_DATE = date(2026, 1, 1)
LOCALES = ("en_US", "de_DE", "fr_FR", "es_ES", "pl_PL", "ja_JP")
LOCALE_P = (0.45, 0.15, 0.12, 0.10, 0.10, 0.08)
TICKETS_P = (0.55, 0.25, 0.10, 0.06, 0.04)  # tickets per customer: 1..5
ISSUES = ("billing", "login", "outage", "cancellation", "hardware")
ISSUES_P = (0.35, 0.25, 0.20, 0.12, 0.08)
COLUMNS = (
    "customer_id", "full_name", "email", "phone", "street_address", "city", "zip", "region",
    "gender", "birth_date", "birth_date_str", "age", "signup_at", "salary", "wait_minutes",
    "ssn", "card_number", "diagnosis", "notes", "label", "churned",
)  # fmt: skip
US_AREAS = (212, 312, 415, 617, 206, 303, 404, 512, 702, 718, 213, 305, 602, 919, 503)
PII_NOTES = (  # (template, columns filling its "{}" slots)
    ("Spoke with {} about a {} problem. Call back at {}.", ("name", "diagnosis", "phone")),
    ("Customer {} ({}) reported a {} issue.", ("name", "email", "diagnosis")),
    ("{} moved to {}; asked us to update the address. Reach at {}.", ("name", "city", "phone")),
    ("Sent confirmation to {}. Follow-up scheduled.", ("email",)),
    ("Technician visit in {} requested by {}.", ("city", "name")),
    ("Caller gave number {} and asked about {}. Escalated to tier 2.", ("phone", "diagnosis")),
)
PLAIN_NOTES = (
    "Customer asked about the invoice schedule.",
    "Issue resolved on first contact.",
    "Reset instructions sent; customer confirmed access.",
    "Outage acknowledged, credit applied to next bill.",
    "Device replaced under warranty.",
    "Customer requested a callback next week. No further action.",
)


def _ascii(text: str) -> str:
    """Lowercase ASCII fold of a name part, for building e-mail local parts."""
    folded = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in folded if c.isascii() and c.isalnum()).lower()


def _phone(loc: str, d: np.ndarray, style: int) -> str:
    """Format a phone number from ten random digits ``d`` in a locale-typical style."""
    s = "".join(map(str, d))
    if loc == "en_US":
        area = US_AREAS[int(d[0]) % len(US_AREAS)]
        ex, line = f"{2 + int(d[1]) % 8}{s[2:4]}", s[4:8]
        return (
            f"+1 ({area}) {ex}-{line}",
            f"{area}.{ex}.{line}",
            f"({area}) {ex}-{line}",
            f"+44 20 7946 0{s[1:4]}",
        )[style % 4]
    if loc == "de_DE":
        return (f"0049 30 {s[1:8]}", f"+49 30 {s[1:8]}", f"030 {s[1:8]}", f"+49 (0)89 {s[1:8]}")[style % 4]
    if loc == "fr_FR":
        p = f"{s[2:4]} {s[4:6]} {s[6:8]} {s[8:10]}"
        return (f"+33 1 {p}", f"01 {p}", f"0033 1 {p}")[style % 3]
    if loc == "es_ES":
        return (f"+34 91{s[1]} {s[2:5]} {s[5:8]}", f"91{s[1]} {s[2:5]} {s[5:8]}")[style % 2]
    if loc == "pl_PL":
        return (f"+48 22 {s[1:4]} {s[4:6]} {s[6:8]}", f"22 {s[1:4]} {s[4:6]} {s[6:8]}")[style % 2]
    jp = f"{1 + int(d[1]) % 9}{s[2:5]}-{s[5:9]}"  # Tokyo subscriber numbers never start with 0
    return (f"+81 3-{jp}", f"03-{jp}")[style % 2]


def _luhn_cards(rng: np.random.Generator, n: int) -> np.ndarray:
    """Return ``n`` Luhn-valid 16-digit Visa/Mastercard numbers as int64."""
    body = rng.integers(0, 10, size=(n, 15))
    body[:, 0] = rng.choice([4, 5], size=n)
    body[body[:, 0] == 5, 1] = rng.integers(1, 6, size=int((body[:, 0] == 5).sum()))
    dbl = body[:, ::-2] * 2  # positions doubled once the check digit is appended
    total = body[:, -2::-2].sum(axis=1) + (dbl - 9 * (dbl > 9)).sum(axis=1)
    digits = np.column_stack([body, (10 - total % 10) % 10])
    return (digits * 10 ** np.arange(15, -1, -1, dtype=np.int64)).sum(axis=1)


def _customers(rng: np.random.Generator, n: int, seed: int) -> pl.DataFrame:
    """One clean row per customer (before per-ticket messiness)."""
    fakers = {loc: Faker(loc) for loc in LOCALES}
    for i, f in enumerate(fakers.values()):
        f.seed_instance(seed * 100 + i)
    locs = rng.choice(len(LOCALES), size=n, p=LOCALE_P)
    first, last, street, city, email = [], [], [], [], []
    for li in locs:
        loc = LOCALES[li]
        f = fakers[loc]
        jp = loc == "ja_JP"
        fn = f.first_romanized_name() if jp else f.first_name()
        ln = f.last_romanized_name() if jp else f.last_name()
        first.append(fn)
        last.append(ln)
        street.append(f.street_address())
        city.append(f.city())
        sep = (".", "_", "")[len(email) % 3]
        email.append(f"{_ascii(fn)}{sep}{_ascii(ln)}{len(email) % 97}@{f.free_email_domain()}")
    digits = rng.integers(0, 10, size=(n, 10))
    phone_style = rng.integers(0, 4, size=n)
    phones = [_phone(LOCALES[li], d, int(s)) for li, d, s in zip(locs, digits, phone_style, strict=True)]
    age_days = rng.integers(18 * 365 + 5, 90 * 365, size=n)
    birth = [REF_DATE - timedelta(days=int(x)) for x in age_days]
    ages = [REF_DATE.year - b.year - ((REF_DATE.month, REF_DATE.day) < (b.month, b.day)) for b in birth]
    salary = np.round(rng.lognormal(np.log(52_000), 0.45, size=n), 2)
    outlier = rng.random(n) < 0.006
    salary[outlier] = np.round(rng.uniform(260_000, 1_500_000, size=int(outlier.sum())), 2)
    zips = rng.integers(501, 99_951, size=n)
    plus4 = rng.integers(1000, 10_000, size=n)
    zip_str = [f"{z:05d}-{p}" if p % 7 == 0 else f"{z:05d}" for z, p in zip(zips, plus4, strict=True)]
    ssn = [
        f"{a:03d}-{g:02d}-{s:04d}"
        for a, g, s in zip(
            rng.choice(np.setdiff1d(np.arange(1, 900), [666]), size=n),
            rng.integers(1, 100, size=n),
            rng.integers(1, 10_000, size=n),
            strict=True,
        )
    ]
    cards = _luhn_cards(rng, n).astype(np.float64)
    excel = rng.random(n) < 0.02  # spreadsheet round-trip: only 6 significant digits survive
    cards[excel] = np.array([float(f"{c:.5e}") for c in cards[excel]])
    start = datetime(2015, 1, 1)
    signup = [start + timedelta(seconds=int(s)) for s in rng.integers(0, 11 * 365 * 86_400, n)]
    return pl.DataFrame(
        {
            "customer_id": rng.permutation(np.arange(100_001, 100_001 + n)),
            "first": first,
            "last": last,
            "email": email,
            "phone": phones,
            "street_address": street,
            "city": city,
            "zip": zip_str,
            "region": rng.choice(["north", "south", "east", "west"], size=n),
            "gender": rng.choice(["F", "M", "X"], size=n, p=[0.48, 0.48, 0.04]),
            "birth_date": birth,
            "age": ages,
            "signup_at": signup,
            "salary": salary,
            "ssn": ssn,
            "card_number": cards,
            "churned": rng.random(n) < 0.22,
        },
        schema_overrides={"age": pl.Int64, "customer_id": pl.Int64},
    )


def _ticket_counts(rng: np.random.Generator, rows: int) -> np.ndarray:
    """Tickets per customer (1..5) summing exactly to ``rows``."""
    counts = rng.choice(np.arange(1, 6), size=rows, p=TICKETS_P)
    cut = int(np.searchsorted(np.cumsum(counts), rows))
    counts = counts[: cut + 1]
    counts[-1] -= counts.sum() - rows
    return counts


def _nulls(rng: np.random.Generator, n: int, p: float, expr: pl.Expr) -> pl.Expr:
    """Null out a random ``p`` share of ``expr``."""
    return pl.when(pl.Series(rng.random(n) < p)).then(None).otherwise(expr)


def _vary(rng: np.random.Generator, n: int, options: list[tuple[float, pl.Expr]]) -> pl.Expr:
    """Per row, pick one ``(probability, expr)`` option at random."""
    picks = pl.Series(rng.choice(len(options), size=n, p=[w for w, _ in options]))
    expr = options[-1][1]
    for i, (_, option) in reversed(list(enumerate(options[:-1]))):
        expr = pl.when(picks == i).then(option).otherwise(expr)
    return expr


def make_customers(rows: int, seed: int = 7) -> pl.DataFrame:
    """Return ``rows`` messy support-ticket rows (about 1.5% exact duplicates), deterministically.

    >>> make_customers(50).height
    50
    """
    if rows < 1:
        raise ValueError("rows must be >= 1")
    rng = np.random.default_rng(seed)
    n_dupes = round(rows * 0.015)
    out = _tickets(rng, rows - n_dupes, seed)
    dupes = out[rng.choice(out.height, size=n_dupes, replace=False)]
    return pl.concat([out, dupes])[rng.permutation(rows)]


def _tickets(rng: np.random.Generator, rows: int, seed: int) -> pl.DataFrame:
    """``rows`` distinct ticket rows: 1..5 per customer, customer fields repeated."""
    counts = _ticket_counts(rng, rows)
    df = _customers(rng, len(counts), seed)[np.repeat(np.arange(len(counts)), counts)]
    n = df.height
    churned = df["churned"].to_numpy()
    issues = rng.choice(ISSUES, size=n, p=ISSUES_P)
    yes, no = rng.choice(["yes", "Yes", "Y", "true"], n), rng.choice(["no", "No", "N ", "false"], n)
    wait = np.clip(np.round(rng.gamma(1.3, 18.0, size=n)), 0, 300).astype(np.int64)
    wait[rng.random(n) < 0.005] = 300
    df = df.with_columns(
        name=pl.concat_str("first", "last", separator=" "),
        diagnosis=pl.Series(np.where(churned & (rng.random(n) < 0.35), "cancellation", issues)),
        label=pl.Series(np.where(churned, yes, no)),
        wait_minutes=pl.Series(wait),
    )
    return _messy(rng, df).select(COLUMNS)


def _messy(rng: np.random.Generator, df: pl.DataFrame) -> pl.DataFrame:
    """Apply per-row formatting noise and nulls to the clean ticket rows."""
    n = df.height
    name, email, gender, bd = (pl.col(c) for c in ("name", "email", "gender", "birth_date"))
    garbage = pl.lit(pl.Series(rng.choice(["n/a", "unknown", "", "??", "00/00/0000"], n)))
    names = [name.str.to_uppercase(), pl.format("  {} ", name), name.str.replace(" ", "  ")]
    emails = [email.str.to_uppercase(), pl.format(" {}  ", email), email.str.to_titlecase()]
    dates = ["%Y-%m-%d", "%d/%m/%Y", "%B %-d, %Y", "%Y/%-m/%-d"]
    notes = [pl.format(t, *cols) for t, cols in PII_NOTES] + [pl.lit(t) for t in PLAIN_NOTES]
    return df.with_columns(
        full_name=_nulls(rng, n, 0.01, _vary(rng, n, [(0.1, e) for e in names] + [(0.7, name)])),
        email=_nulls(rng, n, 0.04, _vary(rng, n, [(0.12, e) for e in emails] + [(0.64, email)])),
        phone=_nulls(rng, n, 0.05, pl.col("phone")),
        region=_nulls(rng, n, 0.02, pl.col("region")),
        gender=_nulls(
            rng,
            n,
            0.03,
            _vary(rng, n, [(0.35, gender.replace({"F": "female", "M": "male"})), (0.65, gender)]),
        ),
        birth_date_str=_vary(rng, n, [(0.245, bd.dt.strftime(f)) for f in dates] + [(0.02, garbage)]),
        salary=_nulls(rng, n, 0.05, pl.col("salary")),
        ssn=_vary(rng, n, [(0.25, pl.col("ssn").str.replace_all("-", "")), (0.75, pl.col("ssn"))]),
        notes=_nulls(rng, n, 0.03, _vary(rng, n, [(1 / len(notes), e) for e in notes])),
        label=_nulls(rng, n, 0.03, pl.col("label")),
    )


def write_sample(df: pl.DataFrame, path: Path) -> None:
    """Write ``df`` as reproducible zstd Parquet via a temp file and atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    df.write_parquet(tmp, compression="zstd", compression_level=9, statistics=True, row_group_size=10_000)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "-o", "--output", type=Path, default=Path(__file__).resolve().parent / "customers.parquet"
    )
    args = parser.parse_args(argv)
    df = make_customers(args.rows, args.seed)
    write_sample(df, args.output)
    print(f"wrote {df.height} rows, {df.width} columns, {args.output.stat().st_size} bytes -> {args.output}")


if __name__ == "__main__":
    main()
