"""Column names → tokens → entity hints."""

from __future__ import annotations

import pytest

from privprep.detect.names import kind_hint, name_hints, name_tokens


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("EmailAddress", ["email", "address"]),
        ("e-mail", ["e", "mail"]),
        ("tel_no", ["tel", "no"]),
        ("GivenName", ["given", "name"]),
        ("IPAddress", ["ip", "address"]),
        ("ZIPCode", ["zip", "code"]),
        ("address_line2", ["address", "line", "2"]),
        ("CCNumber", ["cc", "number"]),
        ("MothersMaiden", ["mothers", "maiden"]),
        ("Straße", ["strasse"]),
        ("prénom", ["prenom"]),
    ],
)
def test_tokens(name: str, tokens: list[str]) -> None:
    assert name_tokens(name) == tokens


@pytest.mark.parametrize(
    ("name", "entity"),
    [
        ("EmailAddress", "EMAIL_ADDRESS"),
        ("e-mail", "EMAIL_ADDRESS"),
        ("customeremail", "EMAIL_ADDRESS"),
        ("tel_no", "PHONE_NUMBER"),
        ("GivenName", "PERSON"),
        ("Surname", "PERSON"),
        ("IPAddress", "IP_ADDRESS"),
        ("birthplace", "LOCATION"),
        ("DOB", "DATE_OF_BIRTH"),
        ("birth_date", "DATE_OF_BIRTH"),
        ("PostalCode", "ZIP_CODE"),
        ("Geschlecht", "GENDER"),
        ("cc_num", "CREDIT_CARD"),
        ("CCNumber", "CREDIT_CARD"),
        ("ccnumber", "CREDIT_CARD"),
        ("MothersMaiden", "PERSON"),
        ("mothers_maiden_name", "PERSON"),
        ("Username", "USERNAME"),
        ("login", "USERNAME"),
        ("Password", "PASSWORD"),
        ("pwd", "PASSWORD"),
        ("api_key", "PASSWORD"),
        ("nachname", "PERSON"),
        ("Vorname", "PERSON"),
        ("prénom", "PERSON"),
        ("nom", "PERSON"),
        ("apellido", "PERSON"),
        ("cognome", "PERSON"),
        ("achternaam", "PERSON"),
        ("morada", "LOCATION"),
        ("Straße", "LOCATION"),
        ("strasse", "LOCATION"),
        ("rue", "LOCATION"),
        ("woonplaats", "LOCATION"),
        ("plz", "ZIP_CODE"),
        ("cap", "ZIP_CODE"),
        ("cep", "ZIP_CODE"),
        ("NationalID", "NATIONAL_ID"),
        ("Geburtsdatum", "DATE_OF_BIRTH"),
        ("data_di_nascita", "DATE_OF_BIRTH"),
    ],
)
def test_hints(name: str, entity: str) -> None:
    assert [h.entity for h in name_hints(name_tokens(name))] == [entity]


@pytest.mark.parametrize(
    "name",
    ["product_name", "order_id", "file_name", "salary", "churned", "country_code", "CountryFull",
     "Occupation", "language", "aviation", "secretary", "capacity"],
)  # fmt: skip
def test_no_hint(name: str) -> None:
    assert name_hints(name_tokens(name)) == []


def test_custom_context_words_are_hints() -> None:
    hints = name_hints(name_tokens("employeeBadge"), {"BADGE_ID": ["badge"]})
    assert [(h.entity, h.phrase) for h in hints] == [("BADGE_ID", "badge")]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("GivenName", "first_name"),
        ("family_name", "last_name"),
        ("street_address", "address"),
        ("town", "city"),
    ],
)
def test_kind_hint(name: str, kind: str) -> None:
    assert kind_hint(name_tokens(name)) == kind
