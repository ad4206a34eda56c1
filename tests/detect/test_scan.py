"""Column classification on a small, messy table (scanned once for the module)."""

from __future__ import annotations

import datetime as dt
import json
import random

import polars as pl
import pytest
from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privprep.detect import ScanReport, scan
from privprep.detect.report import ColumnFinding
from privprep.policy import parse_policy

ROWS = 300
POLICY = parse_policy("version: 1\nname: t\ndetect: {sample: 150}\n")


def _table() -> pl.DataFrame:
    rng = random.Random(3)
    fakes = [Faker(loc) for loc in ("en_US", "de_DE", "fr_FR", "pl_PL")]
    for i, f in enumerate(fakes):
        f.seed_instance(i)

    def draw(method: str) -> list:
        return [getattr(rng.choice(fakes), method)() for _ in range(ROWS)]

    cards = [float(Faker().credit_card_number(card_type="visa16")) for _ in range(ROWS)]
    notes = [
        f"Called {n} on {p}, she asked about the refund."
        for n, p in zip(draw("name"), draw("phone_number"), strict=True)
    ]
    return pl.DataFrame(
        {
            "EmailAddress": [e.upper() if i % 5 == 0 else e for i, e in enumerate(draw("email"))],
            "tel_no": draw("phone_number"),
            "GivenName": draw("first_name"),
            "FULL NAME": [n.upper() for n in draw("name")],
            "card_number": cards,
            "iban": draw("iban"),
            "DOB": [d.strftime("%d.%m.%Y") for d in draw("date_of_birth")],
            "zip": [rng.randrange(10000, 99999) for _ in range(ROWS)],
            "gender": [rng.choice(["M", "F"]) for _ in range(ROWS)],
            "created_at": [dt.datetime(2024, 1, 1) + dt.timedelta(hours=i) for i in range(ROWS)],
            "order_id": [rng.randrange(2_000_000_000, 9_999_999_999) for _ in range(ROWS)],
            "sku": [f"SKU-{rng.randrange(1000, 9999)}-XL" for _ in range(ROWS)],
            "amount": [rng.uniform(1, 100) for _ in range(ROWS)],
            "notes": notes,
            "remarks": [Faker().sentence(nb_words=12) for _ in range(ROWS)],
        }
    )


@pytest.fixture(scope="module")
def table() -> pl.DataFrame:
    return _table()


@pytest.fixture(scope="module")
def report(table: pl.DataFrame, detector) -> ScanReport:  # type: ignore[no-untyped-def]
    return scan(table.lazy(), policy=POLICY)


@pytest.mark.parametrize(
    ("column", "entity"),
    [
        ("EmailAddress", "EMAIL_ADDRESS"),
        ("tel_no", "PHONE_NUMBER"),
        ("GivenName", "PERSON"),
        ("FULL NAME", "PERSON"),
        ("card_number", "CREDIT_CARD"),  # floats: name + digit count, no checksum possible
        ("iban", "IBAN_CODE"),
        ("DOB", "DATE_OF_BIRTH"),
        ("zip", "ZIP_CODE"),
        ("gender", "GENDER"),
        ("created_at", "DATE_TIME"),
        ("notes", "FREE_TEXT"),
        ("order_id", None),  # 10-digit numbers that parse as phones
        ("sku", None),
        ("amount", None),
        ("remarks", None),  # prose without personal data
    ],
)
def test_classifies(report: ScanReport, column: str, entity: str | None) -> None:
    finding = report.finding(column)
    assert finding.entity == entity, finding.evidence["summary"]


def test_free_text_flags(report: ScanReport) -> None:
    notes, remarks = report.finding("notes"), report.finding("remarks")
    assert notes.free_text and remarks.free_text
    assert {"PERSON", "PHONE_NUMBER"} <= set(notes.evidence["contains"])
    assert notes.is_pii and not remarks.is_pii


def test_evidence_explains_the_score(report: ScanReport) -> None:
    email = report.finding("EmailAddress")
    chosen = [s for s in email.evidence["signals"] if s["entity"] == "EMAIL_ADDRESS"]
    assert {s["signal"] for s in chosen} >= {"name:email", "EmailRecognizer"}
    assert email.score == pytest.approx(min(1.0, sum(s["contribution"] for s in chosen)), abs=1e-3)
    assert email.evidence["dtype"] == "String" and 0 < email.evidence["uniqueness"] <= 1


def test_quasi_identifiers_are_not_pii(report: ScanReport) -> None:
    for name in ("DOB", "zip", "gender", "created_at"):
        finding = report.finding(name)
        assert finding.is_quasi_identifier and not finding.is_pii


def test_no_sampled_value_in_report(report: ScanReport, table: pl.DataFrame) -> None:
    dumped = json.dumps(report.model_dump(mode="json")) + json.dumps(report.to_json_dict())
    for column in ("EmailAddress", "tel_no", "GivenName", "FULL NAME", "iban", "notes", "sku"):
        for value in table[column].unique().to_list():
            assert str(value) not in dumped, column


def test_json_shape(report: ScanReport) -> None:
    doc = report.to_json_dict()
    assert set(doc) == {"columns", "rows_sampled", "ner"}
    assert set(doc["columns"][0]) == {"name", "entity", "score", "free_text", "evidence"}
    assert doc["ner"] is True and doc["rows_sampled"] == ROWS
    assert ScanReport.model_validate(report.model_dump(mode="json")) == report


def test_sampling_is_bounded_by_sample_not_rows(detector) -> None:  # type: ignore[no-untyped-def]
    big = pl.DataFrame({"email": [f"user{i}@example.com" for i in range(200_000)]})
    report = scan(big.lazy(), sample=50)
    assert report.rows_sampled <= 250
    assert report.finding("email").evidence["distinct_sampled"] == 50
    assert report.finding("email").entity == "EMAIL_ADDRESS"


def test_nulls_and_empty_columns(detector) -> None:  # type: ignore[no-untyped-def]
    frame = pl.DataFrame({"email": [None, None], "flag": [True, False], "tags": [[1], [2]]})
    report = scan(frame.lazy())
    assert [c.entity for c in report.columns] == [None, None, None]


def test_finding_is_frozen() -> None:
    finding = ColumnFinding(name="a", entity="PERSON", score=0.9)
    with pytest.raises(Exception, match="frozen"):
        finding.entity = None  # type: ignore[misc]


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.text(alphabet="abcdefghij@.0123456789 ", min_size=1, max_size=25), min_size=3, max_size=30)
)
def test_report_never_holds_values(detector, values: list[str]) -> None:  # type: ignore[no-untyped-def]
    marked = [f"QX{v}XQ" for v in values]
    report = scan(pl.LazyFrame({"c": marked}), sample=10)
    assert "QX" not in json.dumps(report.model_dump(mode="json"))


def _opaque_table() -> tuple[pl.DataFrame, dict[str, str | None]]:
    """Hand-written hard cases under headers c00, c01, ...: what each column's values alone say."""
    rng = random.Random(11)
    first = ["Ingetraut", "Wolfgang", "Siobhan", "Aurélie", "Bartłomiej", "Giulia", "Joaquim", "Maarten",
             "Oksana", "Thandiwe", "Kenji", "Yusuf", "Eero", "Radka", "Björn", "Marisol", "Dragan", "Leilani",
             "Gunnhild", "Ramón", "Ilse", "Svetlana", "Tadeusz", "Margarethe", "Hendrik", "Zofia", "Lorenzo",
             "Annika", "Miroslav", "Priya", "Solveig", "Teodora", "Benedikt", "Anouk", "Rosalind", "Henrike"]
    last = ["Szwedowska", "Oosterhuis", "Nakamura", "Papadopoulos", "Brückner", "Castellanos", "Vukovic",
            "Haavisto", "Kowalczyk", "Adeyemi", "Lindqvist", "Moreau", "Esposito", "Figueiredo", "Nguyen",
            "Horvath", "Dvořák", "Abernathy", "Oliveira", "Schmidt", "Fernández", "Rossi", "Jansen", "Nowak"]
    streets = ["Hauptstraße {n}", "{n} Elm Street", "Via Garibaldi {n}", "Rue de la Paix {n}",
               "Avenida Paulista, {n}", "Calle Mayor {n}", "ul. Polna {n}", "Kerkstraat {n}", "P.O. Box {n}"]
    occupations = ["Accountant", "Nurse", "Software engineer", "Baker", "Carpenter", "Teacher", "Electrician",
                   "Pharmacist", "Architect", "Paralegal", "Hydrologist", "Chef", "Plumber", "Surveyor",
                   "Librarian", "Dentist", "Firefighter", "Welder", "Cashier", "Actuary", "Translator"]
    pick = lambda xs: [rng.choice(xs) for _ in range(ROWS)]  # noqa: E731
    digits = lambda k: "".join(rng.choice("0123456789") for _ in range(k))  # noqa: E731
    chars = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%&*?"
    columns: dict[str, tuple[list, str | None]] = {
        "given": (pick(first), "PERSON"),
        "last_first": ([f"{rng.choice(last)}, {rng.choice(first)}" for _ in range(ROWS)], "PERSON"),
        "street": ([rng.choice(streets).format(n=rng.randrange(1, 999)) for _ in range(ROWS)], "LOCATION"),
        "postcode": ([rng.choice([digits(5), digits(4) + " AB", digits(2) + "-" + digits(3), "0" + digits(4)])
                      for _ in range(ROWS)], "ZIP_CODE"),
        "handle": ([f"{rng.choice(first).lower()}_{rng.randrange(1950, 2005)}" for _ in range(ROWS)],
                   "USERNAME"),
        "secret": (["".join(rng.choice(chars) for _ in range(rng.randrange(8, 14))) for _ in range(ROWS)],
                   "PASSWORD"),
        "card": ([f"{float('4' + digits(15)):.5E}" for _ in range(ROWS)], "CREDIT_CARD"),
        "occupation": (pick(occupations), None),
        "card_type": (pick(["Visa", "MasterCard", "American Express"]), None),
        "country_code": (pick(["US", "DE", "FR", "GB", "IT", "ES", "NL", "PL", "SE", "BR", "CA"]), None),
        "sku": ([f"SKU-{rng.randrange(1000, 9999)}-{rng.choice(['XS', 'M', 'XL'])}" for _ in range(ROWS)],
                None),
        "domain": ([f"{rng.choice(['shop', 'news', 'mail', 'web', 'blog'])}{i}.{rng.choice(['com', 'de'])}"
                    for i in range(ROWS)], "URL"),  # Presidio's URL recognizer; a host name is no username
        "rating": (pick([1, 2, 3, 4, 5]), None),
        "weight": ([round(rng.uniform(40, 120), 1) for _ in range(ROWS)], None),
    }  # fmt: skip
    frame = pl.DataFrame({f"c{i:02d}": v for i, (v, _) in enumerate(columns.values())}, strict=False)
    return frame, {f"c{i:02d}": label for i, (_, label) in enumerate(columns.values())}


def test_values_alone_classify_columns(detector) -> None:  # type: ignore[no-untyped-def]
    frame, labels = _opaque_table()
    report = scan(frame.lazy(), policy=POLICY)
    got = {name: report.finding(name).entity for name in labels}
    assert got == labels, {n: report.finding(n).evidence["summary"] for n in labels if got[n] != labels[n]}
    dumped = json.dumps(report.model_dump(mode="json"))
    assert not any(str(v) in dumped for v in frame["c05"].to_list())  # evidence never holds a value
