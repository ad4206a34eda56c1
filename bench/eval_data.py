"""Labelled evaluation tables from `mimesis`, a generator privprep does not use for detection.

privprep's name and place lists once came from Faker's locale data, so data made by Faker
measured Faker against itself. Everything here comes from mimesis' own locale data (ten
locales) and NumPy-free ``random.Random`` draws, deterministic per seed:

- :func:`people`: a multi-country, 34-column export in the layout of a public "fake name
  generator" bulk download (``GivenName``, ``Surname``, ``MothersMaiden``, ``CCNumber`` as
  a float, ...), each column labelled ``pii``, ``not`` (must not be flagged) or ``either``
  (quasi-identifying or ambiguous: not scored);
- :func:`customers`: a customer table whose ``notes`` mention the row's own name, phone,
  street, city and e-mail in the forms people write them, and sometimes another
  customer's name (:mod:`eval_text` holds the free-text corpus).
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

import polars as pl
from mimesis import Address, Cryptographic, Datetime, Finance, Internet, Payment, Person, Transport
from mimesis.enums import CardType, Gender, Locale, TitleType

# mimesis locale → country name, ISO code
COUNTRIES = {
    "en": ("United States", "US"), "en-gb": ("United Kingdom", "GB"), "de": ("Germany", "DE"),
    "fr": ("France", "FR"), "es": ("Spain", "ES"), "it": ("Italy", "IT"), "pt": ("Portugal", "PT"),
    "pt-br": ("Brazil", "BR"), "nl": ("Netherlands", "NL"), "pl": ("Poland", "PL"),
}  # fmt: skip
LOCALES = tuple(COUNTRIES)
Label = Literal["pii", "not", "either"]
PEOPLE_LABELS: dict[str, Label] = {
    "Number": "not", "Gender": "either", "Title": "either", "GivenName": "pii", "Surname": "pii",
    "StreetAddress": "pii", "City": "pii", "State": "pii", "ZipCode": "pii", "Country": "not",
    "CountryFull": "either", "EmailAddress": "pii", "Username": "pii", "Password": "pii",
    "TelephoneNumber": "pii", "MothersMaiden": "pii", "Birthday": "pii", "CCType": "not",
    "CCNumber": "pii", "CVV2": "either", "CCExpires": "either", "NationalID": "pii", "Occupation": "not",
    "Company": "not", "Vehicle": "not", "Domain": "not", "BloodType": "not", "Pounds": "not",
    "Kilograms": "not", "FeetInches": "not", "Centimeters": "not", "GUID": "either",
    "Latitude": "either", "Longitude": "either",
}  # fmt: skip
MAIL_DOMAINS = ("gmail.com", "web.de", "orange.fr", "libero.it", "sapo.pt", "wp.pl", "ziggo.nl", "yahoo.com")
CARD_NAMES = {
    CardType.VISA: "Visa",
    CardType.MASTER_CARD: "MasterCard",
    CardType.AMERICAN_EXPRESS: "American Express",
}
CARDS = tuple(CARD_NAMES)


def fold(text: str) -> str:
    """Lower case without accents (``Gołębiewska`` → ``golebiewska``), for e-mail local parts."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return re.sub(r"[^a-z]", "", "".join(c for c in decomposed if not unicodedata.combining(c)).lower())


def national_id(code: str, rng: random.Random) -> str:
    """A national identifier in the country's usual written format (check digits where cheap)."""
    d = lambda n: "".join(str(rng.randrange(10)) for _ in range(n))  # noqa: E731
    if code == "US":
        return f"{rng.randrange(100, 900)}-{d(2)}-{d(4)}"
    if code == "GB":
        letters = "ABCEGHJKLMNPRSTWXYZ"
        return f"{rng.choice(letters)}{rng.choice(letters)} {d(2)} {d(2)} {d(2)} {rng.choice('ABCD')}"
    if code == "ES":
        number = rng.randrange(10**7, 10**8)
        return f"{number}{'TRWAGMYFPDXBNJZSQVHLCKE'[number % 23]}"
    if code == "NL":  # BSN: 11-proof
        while True:
            digits = [rng.randrange(10) for _ in range(9)]
            if sum(w * x for w, x in zip([9, 8, 7, 6, 5, 4, 3, 2, -1], digits, strict=True)) % 11 == 0:
                return "".join(map(str, digits))
    if code == "BR":
        return f"{d(3)}.{d(3)}.{d(3)}-{d(2)}"
    if code == "FR":
        return f"{rng.choice('12')} {d(2)} {d(2)} {d(2)} {d(3)} {d(3)} {d(2)}"
    if code == "IT":
        up = lambda n: "".join(rng.choice("BCDFGHLMNPRSTVZ") for _ in range(n))  # noqa: E731
        return f"{up(6)}{d(2)}{rng.choice('ABCDEHLMPRST')}{d(2)}{up(1)}{d(3)}{up(1)}"
    return d({"DE": 11, "PL": 11, "PT": 9}[code])


def iban(code: str, rng: random.Random) -> str:
    """A valid IBAN (mod-97 check digits) for a country, BBAN of random digits (and bank letters)."""
    lengths = {"DE": 18, "FR": 23, "ES": 20, "IT": 23, "PT": 21, "NL": 14, "PL": 24, "GB": 18, "BR": 25}
    bban = "".join(str(rng.randrange(10)) for _ in range(lengths.get(code, 18)))
    if code in ("NL", "GB"):
        bban = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + bban[4:]
    country = "DE" if code == "US" else code
    number = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


@dataclass
class Locals:
    """The mimesis providers of one locale."""

    person: Person
    address: Address
    finance: Finance

    @classmethod
    def make(cls, locale: str, seed: int) -> Locals:
        loc = Locale(locale)
        return cls(Person(loc, seed=seed), Address(loc, seed=seed + 1), Finance(loc, seed=seed + 2))


def providers(seed: int) -> dict[str, Locals]:
    return {loc: Locals.make(loc, seed + 10 * i) for i, loc in enumerate(LOCALES)}


def email_for(first: str, last: str, gen: Person, rng: random.Random) -> str:
    """Half built from the name (as real exports are), half mimesis' word-based addresses."""
    if rng.random() < 0.5:
        return gen.email()
    local = rng.choice(
        [f"{fold(first)}.{fold(last)}", f"{fold(first)[:1]}{fold(last)}", f"{fold(first)}{fold(last)}"]
    )
    return f"{local}{rng.choice(['', str(rng.randrange(1, 99))])}@{rng.choice(MAIL_DOMAINS)}"


def people(rows: int = 3000, seed: int = 20) -> pl.DataFrame:
    """The 34-column multi-country export (labels in :data:`PEOPLE_LABELS`)."""
    rng, gens = random.Random(seed), providers(seed)
    dt, pay, net, car, crypto = (Datetime(seed=seed), Payment(seed=seed), Internet(seed=seed),
                                 Transport(seed=seed), Cryptographic(seed=seed))  # fmt: skip
    out: dict[str, list] = {k: [] for k in PEOPLE_LABELS}
    for n in range(rows):
        loc = rng.choice(LOCALES)
        g, (country, code) = gens[loc], COUNTRIES[loc]
        sex = rng.choice([Gender.FEMALE, Gender.MALE])
        first, last = g.person.first_name(gender=sex), g.person.last_name(gender=sex)
        born = dt.date(start=1940, end=2004)
        card = rng.choice(CARDS)
        kg = round(rng.uniform(45, 130), 1)
        cm = rng.randrange(150, 201)
        inches = round(cm / 2.54)
        row = {
            "Number": n + 1, "Gender": sex.value,
            "Title": g.person.title(gender=sex, title_type=TitleType.TYPICAL),
            "GivenName": first, "Surname": last, "StreetAddress": g.address.address(),
            "City": g.address.city(), "State": g.address.state(), "ZipCode": g.address.postal_code(),
            "Country": code, "CountryFull": country, "EmailAddress": email_for(first, last, g.person, rng),
            "Username": g.person.username(mask=rng.choice(["Cld", "l_d", "l.l", "Ud", "ld"])),
            "Password": g.person.password(length=rng.randrange(8, 13)),
            "TelephoneNumber": g.person.phone_number(),
            "MothersMaiden": g.person.last_name(gender=Gender.FEMALE),
            "Birthday": f"{born.month}/{born.day}/{born.year}",
            "CCType": CARD_NAMES[card],
            "CCNumber": float(pay.credit_card_number(card).replace(" ", "")),  # as spreadsheets export it
            "CVV2": int(pay.cvv()), "CCExpires": f"{rng.randrange(1, 13)}/{rng.randrange(2026, 2033)}",
            "NationalID": national_id(code, rng), "Occupation": g.person.occupation(),
            "Company": g.finance.company(), "Vehicle": f"{rng.randrange(1998, 2025)} {car.car()}",
            "Domain": net.hostname(), "BloodType": g.person.blood_type(), "Pounds": round(kg * 2.20462, 1),
            "Kilograms": kg, "FeetInches": f"{inches // 12}' {inches % 12}\"", "Centimeters": cm,
            "GUID": crypto.uuid(), "Latitude": g.address.latitude(), "Longitude": g.address.longitude(),
        }  # fmt: skip
        for k, v in row.items():
            out[k].append(v)
    for k in ("TelephoneNumber", "EmailAddress", "State"):  # a few blanks, as in real exports
        out[k] = [None if rng.random() < 0.02 else v for v in out[k]]
    return pl.DataFrame(out, strict=False)


def opaque(frame: pl.DataFrame) -> pl.DataFrame:
    """The same table with headers ``c01``, ``c02``, ... (what a reader of an unnamed export sees)."""
    return frame.rename({c: f"c{i + 1:02d}" for i, c in enumerate(frame.columns)})


# ---- a customer table whose notes mention the row (table-aware scrubbing) -----------------------

CUSTOMER_COLUMNS = ("first_name", "last_name", "email", "phone", "street", "city")
# each note: up to three of these, filled with the row's values (and "other" with another customer's)
NOTE_PARTS = (
    "Spoke with {first_name} {last_name} about the invoice.",
    "{first_name} called from {phone_digits} and asked for a refund.",
    "Called {FIRST_NAME} {LAST_NAME} back on {phone}, no answer.",
    "{last_name}, {first_name} wants the delivery moved to next week.",
    "{first_name} says the parcel for {street} never arrived.",
    "Customer lives on {street_name} in {city}; technician booked.",
    "Confirmation sent to {email}.",
    "Mr./Ms. {last_name} prefers e-mail ({email}) over phone.",
    "spoke with {first_name_lc} yesterday, she will pay by friday.",
    "{initial}. {last_name} from {city} complained about the noise.",
    "Moved from {city} last month, new address on file.",
    "Referred by {other_first_name} {other_last_name}, discount applied.",
    "Same household as {other_last_name}, merge the accounts.",
)
NOTE_TAIL = ("Ticket closed.", "Follow up on Monday.", "Escalated to billing.", "Order 48213 shipped.", "")


def _forms(row: dict[str, str], prefix: str = "") -> dict[str, tuple[str, str]]:
    """Slot → (text as written, source column)."""
    f, last = row["first_name"], row["last_name"]
    street_name = re.sub(r"(^|\s|,)\d+\w?(\s|,|$)", " ", row["street"]).strip(" ,") or row["street"]
    forms = {
        "first_name": (f, "first_name"), "last_name": (last, "last_name"),
        "FIRST_NAME": (f.upper(), "first_name"), "LAST_NAME": (last.upper(), "last_name"),
        "first_name_lc": (f.lower(), "first_name"), "initial": (f[:1], "first_name"),
        "phone": (row["phone"], "phone"), "phone_digits": (re.sub(r"\D", "", row["phone"]), "phone"),
        "street": (row["street"], "street"), "street_name": (street_name, "street"),
        "city": (row["city"], "city"), "email": (row["email"], "email"),
    }  # fmt: skip
    return {prefix + k: v for k, v in forms.items()}


def customers(rows: int = 2000, seed: int = 30) -> tuple[pl.DataFrame, list[list[tuple[str, str]]]]:
    """The table and, per row, what its note mentions: (source column or ``other:<column>``, text)."""
    rng, gens = random.Random(seed), providers(seed)
    records = []
    for i in range(rows):
        g = gens[rng.choice(LOCALES)]
        sex = rng.choice([Gender.FEMALE, Gender.MALE])
        first, last = g.person.first_name(gender=sex), g.person.last_name(gender=sex)
        records.append({"customer_id": 100_000 + i, "first_name": first, "last_name": last,
                        "email": email_for(first, last, g.person, rng), "phone": g.person.phone_number(),
                        "street": g.address.address(), "city": g.address.city()})  # fmt: skip
    mentions = []
    for rec in records:
        other = records[rng.randrange(rows)]
        slots = {**_forms(rec), **{k: (v, "other:" + c) for k, (v, c) in _forms(other, "other_").items()}}
        parts = rng.sample(NOTE_PARTS, rng.choice([1, 2, 2, 3]))
        parts = [p.replace("Mr./Ms.", "Mr." if rng.random() < 0.5 else "ms.") for p in parts]
        note, mentioned = " ".join([*parts, rng.choice(NOTE_TAIL)]).strip(), []
        for slot in re.findall(r"\{(\w+)\}", note):
            text, source = slots[slot]
            note = note.replace("{" + slot + "}", text, 1)
            if slot != "initial":
                mentioned.append((source, text))
        rec["notes"] = note
        mentions.append(mentioned)
    return pl.DataFrame(records), mentions
