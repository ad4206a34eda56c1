"""What a column's name says: ``EmailAddress``, ``e-mail``, ``tel_no``, ``GivenName`` → entity hints.

>>> name_tokens("GivenName"), name_tokens("tel_no"), name_tokens("IPAddress")
(['given', 'name'], ['tel', 'no'], ['ip', 'address'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STRONG, WEAK = 0.45, 0.25

# entity → (strong phrases, weak phrases); a phrase is a run of tokens, or one joined word
# found anywhere in the run-together name when it is at least 5 characters long ("=" marks
# a phrase that must be whole tokens: ``birth`` must not match ``birthplace``).
# fmt: off
LEXICON: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "EMAIL_ADDRESS": (("email", "e mail", "mail address", "courriel", "correo"), ("mail",)),
    "PHONE_NUMBER": (("phone", "tel", "telephone", "telefon", "telefono", "mobile", "cell", "msisdn",
                      "fax", "handy", "phonenumber", "cellphone"), ("contact number", "whatsapp")),
    "PERSON": (("first name", "given name", "last name", "family name", "surname", "full name",
                "forename", "firstname", "lastname", "fullname", "givenname", "familyname", "vorname",
                "nachname", "prenom", "middle name", "maiden name", "contact name", "customer name",
                "patient name", "employee name", "person", "author", "recipient", "owner name",
                "holder name"), ("name", "nom", "nombre", "contact")),
    "LOCATION": (("city", "town", "address", "street", "municipality", "locality", "village",
                  "birthplace", "place of birth", "country", "stadt", "ville", "ciudad", "addr",
                  "location", "hometown"), ("region", "state", "province", "place", "district", "county")),
    "CREDIT_CARD": (("credit card", "card number", "cc number", "ccnum", "creditcard", "card no",
                     "cardnumber", "pan", "debit card"), ("card", "cc")),
    "IBAN_CODE": (("iban",), ("bank account", "account number")),
    "US_SSN": (("ssn", "social security", "socialsecurity"), ()),
    "IP_ADDRESS": (("ip", "ip address", "ipv4", "ipv6", "ipaddress", "remote addr"), ()),
    "URL": (("url", "website", "homepage", "web page", "uri"), ("link", "web")),
    "US_DRIVER_LICENSE": (("driver license", "drivers license", "driving licence", "dl number"),
                          ("license",)),
    "US_PASSPORT": (("passport",), ()),
    "NRP": (("nationality", "religion", "ethnicity", "citizenship", "political"), ()),
    "DATE_OF_BIRTH": (("dob", "=birth", "birthday", "birthdate", "born", "geburtsdatum", "nacimiento"), ()),
    "ZIP_CODE": (("zip", "zipcode", "postcode", "postal", "plz", "postleitzahl", "pincode", "zip code",
                  "post code", "code postal"), ()),
    "GENDER": (("gender", "sex", "geschlecht", "sexe", "genre"), ()),
    "AGE": (("age",), ()),
    "DATE_TIME": (("date", "timestamp", "datetime", "created at", "updated at", "time"), ("at", "dt", "day")),
}
# co-tokens that turn a generic token away from personal data: ``product_name``, ``file_name``
NOT_PERSONAL = frozenset({
    "product", "company", "file", "brand", "item", "category", "host", "domain", "table", "column",
    "business", "org", "organization", "organisation", "store", "shop", "app", "pet", "project",
    "team", "dept", "department", "user", "username", "display", "model", "sku", "service", "plan",
})
# tokens of counters, codes and keys: a name like ``order_id`` argues against phone/card readings
NOT_CONTACT = frozenset({
    "id", "sku", "order", "invoice", "product", "item", "count", "qty", "quantity", "amount",
    "price", "total", "version", "hash", "checksum", "status", "score", "ref", "reference", "serial",
})
KIND_HINTS = (
    ("first_name", ("first name", "given name", "firstname", "givenname", "forename", "vorname", "prenom")),
    ("last_name", ("last name", "surname", "family name", "lastname", "familyname", "nachname",
                   "maiden name")),
    ("address", ("address", "street", "addr")),
    ("city", ("city", "town", "municipality", "locality", "village", "stadt", "ville", "ciudad")),
)
# fmt: on


@dataclass(frozen=True)
class NameHint:
    """One entity the name points to: how strongly and which lexicon phrase matched."""

    entity: str
    strength: float
    phrase: str


def name_tokens(name: str) -> list[str]:
    """Split camelCase, separators and digits; lower-case."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name)
    return [t for t in re.split(r"[^0-9A-Za-zÀ-ÿ]+|(?<=\D)(?=\d)|(?<=\d)(?=\D)", spaced.lower()) if t]


def _has(tokens: list[str], phrase: str) -> bool:
    whole = phrase.startswith("=")
    words = phrase.lstrip("=").split()
    n = len(words)
    if any(tokens[i : i + n] == words for i in range(len(tokens) - n + 1)):
        return True
    joined = "".join(words)
    return not whole and len(joined) >= 5 and joined in "".join(tokens)


def name_hints(tokens: list[str], extra: dict[str, list[str]] | None = None) -> list[NameHint]:
    """Entities the name suggests; ``extra`` adds custom entities' context words (strong)."""
    hints: list[NameHint] = []
    generic = bool(NOT_PERSONAL.intersection(tokens))
    for entity, (strong, weak) in LEXICON.items():
        for strength, phrases in ((STRONG, strong), (WEAK, weak)):
            phrase = next((p for p in phrases if _has(tokens, p)), None)
            if phrase is None:
                continue
            if entity == "PERSON" and generic:
                break
            hints.append(NameHint(entity, strength, phrase.lstrip("=")))
            break
    entities = {h.entity for h in hints}
    if entities & {"EMAIL_ADDRESS", "IP_ADDRESS"}:
        hints = [h for h in hints if h.phrase != "address"]  # ``EmailAddress`` is no street
    if "DATE_OF_BIRTH" in entities:
        hints = [h for h in hints if h.entity != "DATE_TIME"]  # ``birth_date``: the specific reading
    for entity, words in (extra or {}).items():
        phrase = next((w.lower() for w in words if _has(tokens, w.lower())), None)
        if phrase is not None:
            hints.append(NameHint(entity, STRONG, phrase))
    return hints


def kind_hint(tokens: list[str]) -> str | None:
    """Which fake kind fits a PERSON/LOCATION column: first/last name, street address or city."""
    return next((kind for kind, phrases in KIND_HINTS if any(_has(tokens, p) for p in phrases)), None)
