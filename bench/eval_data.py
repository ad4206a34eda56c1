"""Labelled evaluation data for PII detection, generated from Faker (deterministic per seed).

Columns: for each of several locales a table of typical and messy columns (names in many
spellings, national phone formats, card numbers as floats, postcodes as ints, unicode
names, upper-cased names, "Last, First"), a third of them under opaque headers (``col_7``),
plus negatives: product codes, prose without personal data, 10-digit order numbers that
parse as phone numbers, 16-digit tracking numbers, amounts, categories, colours, companies,
job titles, UUIDs and hashes.

Labels say what a careful reader could know: under an opaque header a birth date is a
DATE_TIME, and a postcode, an age or a card number stored as a float is nothing at all.

Generation is deterministic per seed once ``PYTHONHASHSEED`` is fixed (:func:`reproducible`).

Free text: notes built from templates with the character span of every entity recorded,
plus texts without personal data (order numbers, dates, product talk) and a few sloppy
lower-case notes.
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass, field

import polars as pl
from faker import Faker

LOCALES = ("en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_BR", "sv_SE")
ROWS = 400
OPAQUE_SHARE = 1 / 3
# entity → header spellings
HEADERS = {
    "full_name": ["full_name", "CustomerName", "name", "NAME", "contact_person", "Patient Name"],
    "first_name": ["first_name", "GivenName", "FirstName", "vorname", "fname"],
    "last_name": ["last_name", "Surname", "family_name", "LastName", "lname"],
    "email": ["email", "EmailAddress", "e-mail", "E_MAIL", "contact_email", "customeremail"],
    "phone": ["phone", "tel_no", "PhoneNumber", "mobile", "Telefon", "cell_phone"],
    "city": ["city", "City", "town", "Stadt", "hometown"],
    "address": ["street_address", "address", "Addr", "street", "AddressLine1"],
    "card": ["card_number", "cc_num", "CreditCard", "PAN"],
    "iban": ["iban", "IBAN", "bank_account"],
    "ip": ["ip", "ip_address", "IPAddress", "client_ip"],
    "url": ["url", "website", "homepage"],
    "dob": ["dob", "birth_date", "DateOfBirth", "birthday"],
    "date": ["created_at", "updated", "event_date", "ts"],
    "zip": ["zip", "postcode", "PostalCode", "ZIPCode", "plz"],
    "gender": ["gender", "sex", "Geschlecht"],
    "age": ["age", "Age", "age_years"],
    "notes": ["notes", "comment", "description", "message"],
}


def reproducible() -> None:
    """Re-run this script with ``PYTHONHASHSEED=0``: some Faker draws follow set order."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})


@dataclass
class Column:
    name: str
    values: pl.Series
    label: str | None


@dataclass
class Text:
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)


def _header(rng: random.Random, kind: str, index: int) -> tuple[str, bool]:
    if rng.random() < OPAQUE_SHARE:
        return f"col_{index}", True
    return rng.choice(HEADERS[kind]), False


def _pick(rng: random.Random, options: list[str]) -> str:
    return rng.choice(options)


def _luhn_fail(rng: random.Random) -> str:
    while True:
        digits = "".join(str(rng.randrange(10)) for _ in range(16))
        total = sum(int(d) * (2 if i % 2 else 1) - (9 if int(d) * (2 if i % 2 else 1) > 9 else 0)
                    for i, d in enumerate(reversed(digits)))  # fmt: skip
        if total % 10:
            return digits


def locale_table(locale: str, seed: int) -> list[Column]:
    """One locale's labelled columns (positives and negatives)."""
    f = Faker(locale)
    f.seed_instance(seed)
    rng = random.Random(seed)
    n = ROWS
    cols: list[tuple[str, list, str | None, str | None]] = []  # kind, values, label, label if opaque

    def gen(fn):  # type: ignore[no-untyped-def]
        return [fn() for _ in range(n)]

    name_style = rng.randrange(3)
    names = gen(f.name)
    if name_style == 1:
        names = [v.upper() for v in names]
    elif name_style == 2:
        names = [f"{f.last_name()}, {f.first_name()}" for _ in range(n)]
    cols += [("full_name", names, "PERSON", "PERSON")]
    cols += [("first_name", gen(f.first_name), "PERSON", "PERSON")]
    cols += [("last_name", gen(f.last_name), "PERSON", "PERSON")]
    emails = gen(f.email)
    if rng.random() < 0.5:
        emails = [e.upper() if rng.random() < 0.2 else f" {e} " for e in emails]
    cols += [("email", emails, "EMAIL_ADDRESS", "EMAIL_ADDRESS")]
    cols += [("phone", gen(f.phone_number), "PHONE_NUMBER", "PHONE_NUMBER")]
    cols += [("city", gen(f.city), "LOCATION", "LOCATION")]
    cols += [("address", gen(f.street_address), "LOCATION", "LOCATION")]
    cards = gen(f.credit_card_number)
    style = rng.randrange(3)
    if style == 0:
        cols += [("card", [" ".join(c[i : i + 4] for i in range(0, len(c), 4)) for c in cards], "CREDIT_CARD",
                  "CREDIT_CARD")]  # fmt: skip
    elif style == 1:
        cols += [("card", [float(c) for c in cards], "CREDIT_CARD", None)]
    else:
        cols += [("card", cards, "CREDIT_CARD", "CREDIT_CARD")]
    ibans = gen(f.iban)
    if rng.random() < 0.5:
        ibans = [" ".join(v[i : i + 4] for i in range(0, len(v), 4)) for v in ibans]
    cols += [("iban", ibans, "IBAN_CODE", "IBAN_CODE")]
    cols += [("ip", gen(f.ipv4) if rng.random() < 0.7 else gen(f.ipv6), "IP_ADDRESS", "IP_ADDRESS")]
    cols += [("url", gen(f.url), "URL", "URL")]
    dob_fmt = rng.choice([None, "%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y"])
    dobs = gen(lambda: f.date_of_birth(minimum_age=18, maximum_age=90))
    cols += [
        (
            "dob",
            dobs if dob_fmt is None else [d.strftime(dob_fmt) for d in dobs],
            "DATE_OF_BIRTH",
            "DATE_TIME",
        )
    ]
    cols += [("date", gen(f.date_time_this_decade), "DATE_TIME", "DATE_TIME")]
    zips = gen(f.postcode)
    if locale == "en_US" and rng.random() < 0.5:
        zips = [int(z[:5]) for z in zips]
    cols += [("zip", zips, "ZIP_CODE", None)]
    vocab = rng.choice(
        [["M", "F"], ["male", "female", "unknown"], ["w", "m", "d"], ["Female", "Male", "Non-binary"]]
    )
    cols += [("gender", [rng.choice(vocab) for _ in range(n)], "GENDER", "GENDER")]
    cols += [("age", [rng.randrange(18, 95) for _ in range(n)], "AGE", None)]
    if locale == "en_US":
        cols += [("ssn", gen(f.ssn), "US_SSN", "US_SSN")]
    out = []
    for i, (kind, values, label, opaque_label) in enumerate(cols):
        header, opaque = _header(rng, kind, i) if kind in HEADERS else (kind, False)
        out.append(
            Column(f"{locale}.{header}", pl.Series(values, strict=False), opaque_label if opaque else label)
        )
    notes = [t.text for t in texts(ROWS, seed, locales=(locale,))]
    out.append(Column(f"{locale}.{_header(rng, 'notes', len(cols))[0]}", pl.Series(notes), "FREE_TEXT"))
    return out + _negatives(f, rng, locale)


def _negatives(f: Faker, rng: random.Random, locale: str) -> list[Column]:
    n = ROWS
    neg = {
        "product_code": [f.bothify("??-####-??").upper() for _ in range(n)],
        "sku": [
            f"SKU-{rng.randrange(1000, 9999)}-{rng.choice(['XS', 'S', 'M', 'L', 'XL'])}" for _ in range(n)
        ],
        "order_id": [rng.randrange(2_000_000_000, 9_999_999_999) for _ in range(n)],
        "tracking_no": [_luhn_fail(rng) for _ in range(n)],
        "col_ref": [str(rng.randrange(2_000_000_000, 9_999_999_999)) for _ in range(n)],
        "amount": [round(rng.uniform(1, 5000), 2) for _ in range(n)],
        "quantity": [rng.randrange(1, 50) for _ in range(n)],
        "status": [rng.choice(["open", "closed", "pending", "escalated"]) for _ in range(n)],
        "colour": [f.color_name() for _ in range(n)],
        "company": [f.company() for _ in range(n)],
        "job_title": [f.job() for _ in range(n)],
        "tagline": [f.catch_phrase() for _ in range(n)],
        "remarks": [Faker("en_US").sentence(nb_words=12) for _ in range(n)],
        "uuid": [f.uuid4() for _ in range(n)],
        "checksum": [f.sha1() for _ in range(n)],
        "size": [rng.choice(["S", "M", "L", "XL"]) for _ in range(n)],
        "is_active": [rng.random() < 0.5 for _ in range(n)],
    }
    return [Column(f"{locale}.{k}", pl.Series(v, strict=False), None) for k, v in neg.items()]


def columns(seed: int = 7) -> list[Column]:
    """Every labelled column of every locale."""
    return [c for i, loc in enumerate(LOCALES) for c in locale_table(loc, seed + i)]


# ---- free text -------------------------------------------------------------------------------

TEMPLATES = [
    "Spoke with {PERSON} about a billing problem. Call back at {PHONE_NUMBER}.",
    "Customer {PERSON} ({EMAIL_ADDRESS}) reported a login issue.",
    "{PERSON} moved to {LOCATION}; asked us to update the address. Reach at {PHONE_NUMBER}.",
    "Sent confirmation to {EMAIL_ADDRESS}. Follow-up scheduled for next week.",
    "Technician visit in {LOCATION} requested by {PERSON}.",
    "Caller gave number {PHONE_NUMBER} and asked about order {ORDER}. Escalated to tier 2.",
    "Please contact {PERSON} at {EMAIL_ADDRESS} or {PHONE_NUMBER} before Friday.",
    "Refund approved by {PERSON}; card ending in {DIGITS4} was credited.",
    "Delivery to {LOCATION} failed twice, parcel {ORDER} returned to the depot.",
    "Met {PERSON} and {PERSON} at the {LOCATION} branch to discuss the contract.",
]
NEGATIVE_TEXTS = [
    "Order {ORDER} shipped on time; no further action.",
    "Invoice {ORDER} paid in full, thank you.",
    "Customer asked about the invoice schedule.",
    "Issue resolved on first contact.",
    "The device was replaced under warranty on {DATE}.",
    "Ticket {ORDER} merged into ticket {ORDER}.",
    "Reset instructions sent; customer confirmed access.",
    "Outage acknowledged, credit applied to next bill.",
    "Product code {CODE} is out of stock until {DATE}.",
    "We called back twice, no answer. Will retry tomorrow.",
]
LOWERCASE = "spoke with {person} about the refund, they were happy with it."


def _fill(template: str, f: Faker, rng: random.Random) -> Text:
    text, spans, rest = "", [], template
    fillers = {
        "PERSON": f.name, "EMAIL_ADDRESS": f.email, "PHONE_NUMBER": f.phone_number, "LOCATION": f.city,
        "ORDER": lambda: str(rng.randrange(2_000_000_000, 9_999_999_999)),
        "DIGITS4": lambda: f"{rng.randrange(10000):04d}",
        "DATE": lambda: f.date_this_year().strftime("%d %B %Y"), "CODE": lambda: f.bothify("??-####").upper(),
        "person": lambda: f.name().lower(),
    }  # fmt: skip
    while "{" in rest:
        head, tail = rest.split("{", 1)
        key, rest = tail.split("}", 1)
        text += head
        value = fillers[key]()
        if key in ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "LOCATION", "person"):
            spans.append((len(text), len(text) + len(value), key.upper()))
        text += value
    return Text(text + rest, spans)


def texts(n: int = 1500, seed: int = 11, locales: tuple[str, ...] = LOCALES) -> list[Text]:
    """``n`` labelled notes: 65 % with personal data, 30 % without, 5 % sloppy lower case."""
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in locales}
    for i, fk in enumerate(fakers.values()):
        fk.seed_instance(seed + i)
    out = []
    for _ in range(n):
        f = fakers[rng.choice(locales)]
        roll = rng.random()
        template = (
            rng.choice(TEMPLATES) if roll < 0.65 else rng.choice(NEGATIVE_TEXTS) if roll < 0.95 else LOWERCASE
        )
        out.append(_fill(template, f, rng))
    return out
