"""A table with every Polars dtype, each column carrying marker values that must never be printed.

String markers are unique words (``enumsecret0007``); numbers, dates and times carry digit runs
no artefact would hold by chance. ``MARKERS`` are what the suite searches every artefact for.
"""

from __future__ import annotations

import datetime as dt
import decimal
from pathlib import Path

import polars as pl
from core_helpers import occurring

ROWS = 60
CATEGORIES = [f"enumsecret{i:04d}" for i in range(1000)]  # only the first ROWS occur in the data
TEXT_MARKERS = [
    "strsecret", "enumsecret", "catsecret", "listsecret", "structsecret", "arrsecret", "binsecret",
    "nestmailsecret",
]  # fmt: skip
VALUE_MARKERS = ["91827364", "7714.55", "13:37:42", "2031-07-19", "2039-11-23", "0.61803", "918273"]
MARKERS = TEXT_MARKERS + VALUE_MARKERS
NESTED = ("l", "st", "a", "b", "mail_list", "mail_struct")


def every_dtype(rows: int = ROWS) -> pl.DataFrame:
    """One column per dtype family: id, String, Enum, Categorical, List, Struct, Array, Binary,
    Decimal, Time, Duration, Datetime with a zone, Date, Int, Float, Boolean and Null."""
    r = range(rows)
    stamps = pl.Series([dt.datetime(2031, 7, 19, 4, 5, 6, 7000 + i) for i in r])
    return pl.DataFrame(
        {
            "id": list(r),
            "s": [f"strsecret{i:03d}" for i in r],
            "e": pl.Series([CATEGORIES[i] for i in r], dtype=pl.Enum(CATEGORIES)),
            "c": pl.Series([f"catsecret{i:03d}" for i in r], dtype=pl.Categorical),
            "l": [[f"listsecret{i:03d}", None] for i in r],
            "st": [{"f": f"structsecret{i:03d}", "g": i} for i in r],
            "a": pl.Series([[f"arrsecret{i:03d}", "x"] for i in r], dtype=pl.Array(pl.String, 2)),
            "b": [f"binsecret{i:03d}".encode() for i in r],
            "dec": pl.Series([decimal.Decimal(f"7714.55{i:02d}") for i in r], dtype=pl.Decimal(10, 4)),
            "t": [dt.time(13, 37, 42, 1000 + i) for i in r],
            "du": [dt.timedelta(microseconds=918_273_000 + i) for i in r],
            "dtz": stamps.dt.replace_time_zone("Europe/Paris"),
            "d": [dt.date(2039, 11, 23)] * rows,
            "i": [91_827_364 + i for i in r],
            "fl": [0.61803 + i for i in r],
            "bo": [i % 2 == 0 for i in r],
            "nu": pl.Series([None] * rows, dtype=pl.Null),
        }
    )


def with_nested_emails(rows: int = ROWS) -> pl.DataFrame:
    """``id`` plus e-mails inside a List[str] and inside a Struct field."""
    r = range(rows)
    return pl.DataFrame(
        {
            "id": list(r),
            "mail_list": [[f"nestmailsecret{i}@example.org"] for i in r],
            "mail_struct": [{"who": {"email": f"nestmailsecret{i}@corp.example.com"}} for i in r],
        }
    )


def found(*texts: str) -> set[str]:
    """The markers occurring in any of ``texts``."""
    return occurring(MARKERS, [t for t in texts if t])


def found_in_files(*paths: Path) -> set[str]:
    """The markers occurring in the bytes of any existing file among ``paths``."""
    return found(*(p.read_bytes().decode("latin-1") for p in paths if p.exists()))
