"""Labelled free-text corpus: templates filled with mimesis values, plus hand-written hard cases.

- ``eval_corpus/templates.jsonl``: support-note templates with slots (``{full}``,
  ``{last_first}``, ``{phone_digits}``, ``{street}``, ...; non-personal slots such as
  ``{order}``, ``{amount}``, ``{code}``), filled with values from mimesis' locale data for ten
  locales; each personal slot's character span is recorded with its entity.
- ``eval_corpus/hard_cases.jsonl``: hand-written sentences, entities marked inline as
  ``[[Ingetraut|PERSON]]``: "Last, First", ALL CAPS and lower case, first names alone, bare
  digit phone runs, street addresses of several countries, several e-mails side by side,
  titles, names that are common words, and sentences without personal data that look like
  they have some (product codes, dates, amounts).
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from eval_data import COUNTRIES, LOCALES, Locals, email_for, iban, providers
from mimesis import Datetime, Internet, Payment
from mimesis.enums import Gender

CORPUS = Path(__file__).resolve().parent / "eval_corpus"
ENTITIES = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "LOCATION",
    "CREDIT_CARD",
    "IBAN_CODE",
    "IP_ADDRESS",
    "URL",
)
MARK = re.compile(r"\[\[(.+?)\|([A-Z_]+)\]\]")
SLOT = re.compile(r"\{(\w+)\}")


@dataclass
class Text:
    text: str
    case: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)

    def values(self) -> list[tuple[str, str]]:
        """(entity, text) of each labelled span."""
        return [(e, self.text[s:t]) for s, t, e in self.spans]


def _jsonl(name: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (CORPUS / name).read_text().splitlines() if line.strip()]


def hard_cases() -> list[Text]:
    """The hand-written corpus, markup resolved into spans."""
    out = []
    for row in _jsonl("hard_cases.jsonl"):
        text, spans, pos = "", [], 0
        for m in MARK.finditer(row["text"]):
            text += row["text"][pos : m.start()]
            spans.append((len(text), len(text) + len(m.group(1)), m.group(2)))
            text += m.group(1)
            pos = m.end()
        out.append(Text(text + row["text"][pos:], row["case"], spans))
    return out


class Filler:
    """Slot values for one sentence, drawn from one locale's mimesis providers."""

    def __init__(self, rng: random.Random, seed: int) -> None:
        self.rng, self.gens = rng, providers(seed)
        self.dt, self.pay, self.net = Datetime(seed=seed), Payment(seed=seed), Internet(seed=seed)

    def fill(self, slot: str, g: Locals, code: str) -> tuple[str, str | None]:
        """(value, entity or None for a non-personal slot)."""
        rng, p, a = self.rng, g.person, g.address
        sex = rng.choice([Gender.FEMALE, Gender.MALE])
        first, last = p.first_name(gender=sex), p.last_name(gender=sex)
        people = {
            "first": first, "last": last, "full": f"{first} {last}", "FULL": f"{first} {last}".upper(),
            "full_lc": f"{first} {last}".lower(), "first_lc": first.lower(), "last_first": f"{last}, {first}",
            "initial_last": f"{first[:1]}. {last}",
        }  # fmt: skip
        if slot in people:
            return people[slot], "PERSON"
        places = {"street": a.address, "city": a.city, "zip": a.postal_code}
        if slot.lower() in places:
            value = places[slot.lower()]()
            return (value.upper() if slot.isupper() else value), "LOCATION"
        if slot == "city_lc":
            return a.city().lower(), "LOCATION"
        if slot in ("phone", "phone_digits"):
            phone = p.phone_number()
            return (re.sub(r"\D", "", phone) if slot == "phone_digits" else phone), "PHONE_NUMBER"
        identifiers = {
            "email": (lambda: email_for(first, last, p, rng), "EMAIL_ADDRESS"),
            "card": (lambda: self.pay.credit_card_number(), "CREDIT_CARD"),
            "iban": (lambda: iban(code, rng), "IBAN_CODE"),
            "ip": (lambda: self.net.ip_v4(), "IP_ADDRESS"),
            "url": (lambda: self.net.url(), "URL"),
        }
        if slot in identifiers:
            make, entity = identifiers[slot]
            return make(), entity
        return self.neutral(slot), None

    def neutral(self, slot: str) -> str:
        rng = self.rng
        day = self.dt.date(start=2023, end=2026)
        return {
            "order": lambda: str(rng.randrange(2_000_000_000, 9_999_999_999)),
            "date": lambda: rng.choice([day.strftime("%d %B %Y"), day.isoformat(), day.strftime("%d.%m.%Y")]),
            "amount": lambda: rng.choice(["€", "$", ""]) + f"{rng.uniform(5, 3000):.2f}",
            "code": lambda: "".join(rng.sample("ABCDEFGHKLMNPRSTXZ", 2)) + f"-{rng.randrange(1000, 9999)}",
            "version": lambda: f"{rng.randrange(1, 9)}.{rng.randrange(20)}.{rng.randrange(100)}",
            "qty": lambda: str(rng.randrange(2, 60)),
            "time": lambda: f"{rng.randrange(8, 19)}:{rng.choice(['00', '15', '30', '45'])}",
            "year": lambda: str(rng.randrange(1995, 2025)),
            "serial": lambda: f"SN{rng.randrange(10**9, 10**10)}",
        }[slot]()  # fmt: skip


def from_templates(n: int, seed: int = 40) -> list[Text]:
    """``n`` sentences, templates and locales drawn at random."""
    rng = random.Random(seed)
    templates, filler = _jsonl("templates.jsonl"), Filler(rng, seed)
    out = []
    for _ in range(n):
        row, loc = rng.choice(templates), rng.choice(LOCALES)
        g, code = filler.gens[loc], COUNTRIES[loc][1]
        text, spans, pos = "", [], 0
        for m in SLOT.finditer(row["template"]):
            text += row["template"][pos : m.start()]
            value, entity = filler.fill(m.group(1), g, code)
            if entity:
                spans.append((len(text), len(text) + len(value), entity))
            text += value
            pos = m.end()
        out.append(Text(text + row["template"][pos:], row["case"], spans))
    return out


def corpus(n: int = 1500, seed: int = 40) -> list[Text]:
    """Every hand-written case once, topped up with template sentences to ``n`` (distinct texts)."""
    hard = hard_cases()
    seen = {t.text for t in hard}
    extra = []
    for t in from_templates(3 * n, seed):
        if len(hard) + len(extra) >= n:
            break
        if t.text not in seen:
            seen.add(t.text)
            extra.append(t)
    return hard + extra
