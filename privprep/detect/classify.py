"""Fuse a column's signals into one finding, explainably.

Every signal adds a signed contribution to one entity's score (clipped to 0..1); the
evidence lists each signal with its share and contribution, so the decision can be read
back. Value signals decide; shape signals (digit counts, postcode shapes) only corroborate
what the column name says. The best entity at or above ``threshold`` wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from privprep.detect import signals as sig
from privprep.detect.gazetteer import city_share, person_share, street_share
from privprep.detect.names import (
    NOT_CONTACT,
    NOT_PERSONAL,
    STRONG,
    NameHint,
    kind_hint,
    name_hints,
    name_tokens,
)
from privprep.detect.report import ColumnFinding
from privprep.detect.sampling import ColumnSample
from privprep.detect.text import analyze_free_text, free_text_score, ner_shares, pattern_shares
from privprep.dtypes import render_dtype

# how far a share of matching values moves an entity's score
WEIGHTS = {
    "EMAIL_ADDRESS": 0.9, "IBAN_CODE": 0.9, "CREDIT_CARD": 0.9, "IP_ADDRESS": 0.9, "MAC_ADDRESS": 0.8,
    "CRYPTO": 0.8, "URL": 0.7, "US_SSN": 0.7, "PHONE_NUMBER": 0.7, "UK_NHS": 0.5, "US_ITIN": 0.5,
    "DATE_TIME": 0.6, "US_PASSPORT": 0.35, "US_DRIVER_LICENSE": 0.35, "US_BANK_NUMBER": 0.3,
    "MEDICAL_LICENSE": 0.35, "UUID": 0.0,
}  # fmt: skip
CUSTOM_WEIGHT, NER_WEIGHT, GAZETTEER_WEIGHT, VOCAB_WEIGHT, SHAPE_WEIGHT = 0.9, 0.6, 0.6, 0.6, 0.35
BARE_DIGITS_FACTOR = 0.4  # a phone column of (nearly) only bare digit runs looks like a counter
NAME_PENALTY = -0.2  # ``order_id`` is no phone, ``company`` holds no person
NAMED = frozenset({"PERSON", "LOCATION", "NRP"})
DECIDED = 0.8  # a value share this high settles a column: NER is skipped
PRIORITY = ("EMAIL_ADDRESS", "IBAN_CODE", "CREDIT_CARD", "US_SSN", "IP_ADDRESS", "MAC_ADDRESS", "CRYPTO",
            "URL", "PHONE_NUMBER", "DATE_OF_BIRTH", "ZIP_CODE", "GENDER", "AGE", "PERSON", "LOCATION",
            "NRP", "DATE_TIME")  # fmt: skip


@dataclass
class Evidence:
    """Signals gathered for one column; ``scores`` sums them per entity."""

    signals: list[dict[str, Any]] = field(default_factory=list)

    def add(self, entity: str, signal: str, contribution: float, share: float | None = None) -> None:
        if abs(contribution) < 0.005:
            return
        item: dict[str, Any] = {"signal": signal, "entity": entity, "contribution": round(contribution, 3)}
        if share is not None:
            item["share"] = round(share, 3)
        self.signals.append(item)

    def scores(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for s in self.signals:
            totals[s["entity"]] = totals.get(s["entity"], 0.0) + s["contribution"]
        return {e: round(min(1.0, max(0.0, v)), 3) for e, v in totals.items()}


@dataclass(frozen=True)
class Settings:
    """What the classifier needs besides the column: detector, threshold, allow list, features."""

    detector: Any
    threshold: float
    allow: tuple[str, ...]
    features: frozenset[str]


def classify(cs: ColumnSample, settings: Settings) -> ColumnFinding:
    """The finding for one sampled column."""
    tokens = name_tokens(cs.name)
    hints = {h.entity: h for h in name_hints(tokens, settings.detector.custom)}
    ev, base = Evidence(), _base_evidence(cs, tokens)
    values = cs.values
    if settings.allow and values.dtype == pl.String:
        values = values.filter(~values.is_in(pl.Series(settings.allow, dtype=pl.String).implode()))
    if cs.dtype == pl.Boolean:
        return _finding(cs, ev, base, settings.threshold)
    _name_signals(ev, hints, tokens)
    if values.is_empty():
        return _finding(cs, ev, base, settings.threshold)
    if cs.dtype.is_temporal():
        ev.add("DATE_TIME", "dtype:temporal", WEIGHTS["DATE_TIME"], 1.0)
        if "DATE_OF_BIRTH" in hints:
            ev.add("DATE_OF_BIRTH", "dtype:temporal", WEIGHTS["DATE_TIME"], 1.0)
        return _finding(cs, ev, base, settings.threshold)
    texts = values.cast(pl.String)
    shape = sig.shape(texts)
    base.update(shape.as_evidence())
    if values.dtype == pl.String and shape.free_text:
        contains, analyzed = analyze_free_text(settings.detector, texts, settings.allow)
        base.update(texts_analyzed=analyzed, contains=contains)
        return _free_text(cs, contains, base, settings.threshold)
    _value_signals(ev, base, cs, texts, shape, settings)
    _corroboration(ev, hints, values, texts)
    best = max((s["share"] for s in ev.signals if "share" in s), default=0.0)
    base["ner_run"] = best < DECIDED and shape.letter_share > 0 and settings.detector.ner
    if base["ner_run"]:
        for entity, share in ner_shares(settings.detector, texts).items():
            ev.add(entity, f"ner:{entity}", NER_WEIGHT * share, share)
    return _finding(cs, ev, base, settings.threshold)


def _base_evidence(cs: ColumnSample, tokens: list[str]) -> dict[str, Any]:
    return {
        "dtype": render_dtype(cs.dtype),
        "name_tokens": tokens,
        "rows_sampled": cs.rows,
        "null_share": round(cs.null_share, 3),
        "distinct_sampled": cs.values.len(),
        "uniqueness": round(cs.uniqueness, 3),
    }


def _name_signals(ev: Evidence, hints: dict[str, NameHint], tokens: list[str]) -> None:
    for hint in hints.values():
        ev.add(hint.entity, f"name:{hint.phrase}", hint.strength)
    if NOT_CONTACT.intersection(tokens):
        for entity in ("PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "US_BANK_NUMBER", "US_DRIVER_LICENSE"):
            ev.add(entity, "name:counter", NAME_PENALTY)
    if NOT_PERSONAL.intersection(tokens):
        ev.add("PERSON", "name:not a person", NAME_PENALTY)
    named = {e for e, h in hints.items() if e in NAMED and h.strength == STRONG}
    for entity in NAMED - named if named else ():
        ev.add(entity, "name:points elsewhere", NAME_PENALTY)  # ``city``: surnames there are places


def _value_signals(
    ev: Evidence,
    base: dict[str, Any],
    cs: ColumnSample,
    texts: pl.Series,
    shape: sig.Shape,
    settings: Settings,
) -> None:
    values = cs.values
    detector = settings.detector
    if values.dtype.is_float():
        return  # a float's text has lost digits (5.54563E+15): only shapes can speak for it
    shares, analyzed = pattern_shares(detector, texts, settings.allow)
    base["values_analyzed"] = analyzed
    for (entity, recognizer), share in shares.items():
        weight = CUSTOM_WEIGHT if entity in detector.custom else WEIGHTS.get(entity, 0.5)
        if entity == "PHONE_NUMBER" and shape.bare_digit_share >= 0.8:
            weight *= BARE_DIGITS_FACTOR
        ev.add(entity, recognizer, weight * share, share)
    if "checksums" in settings.features:
        ev.add("CREDIT_CARD", "checksum:luhn", WEIGHTS["CREDIT_CARD"] * (s := sig.luhn_share(texts)), s)
        ev.add("IBAN_CODE", "checksum:iban", WEIGHTS["IBAN_CODE"] * (s := sig.iban_share(texts)), s)
    if values.dtype == pl.String and "gazetteer" in settings.features:
        ev.add("PERSON", "gazetteer:names", GAZETTEER_WEIGHT * (s := person_share(texts)), s)
        ev.add("LOCATION", "gazetteer:cities", GAZETTEER_WEIGHT * (s := city_share(texts)), s)
        ev.add("LOCATION", "gazetteer:streets", GAZETTEER_WEIGHT * (s := street_share(texts)), s)
    if values.dtype == pl.String and cs.distinct <= 12:
        ev.add("GENDER", "vocabulary:gender", VOCAB_WEIGHT * (s := sig.gender_share(texts)), s)


def _corroboration(ev: Evidence, hints: dict[str, NameHint], values: pl.Series, texts: pl.Series) -> None:
    """Shape signals, counted only for the entities the column name points to."""
    numeric = values.dtype.is_numeric()
    date_share = max((s.get("share", 0.0) for s in ev.signals if s["entity"] == "DATE_TIME"), default=0.0)
    checks = {
        "CREDIT_CARD": ("shape:13-19 digits", lambda: sig.digits_between(values, 13, 19) if numeric else 0.0),
        "PHONE_NUMBER": ("shape:7-15 digits", lambda: sig.digits_between(values, 7, 15) if numeric else 0.0),
        "US_SSN": ("shape:9 digits", lambda: sig.digits_between(values, 7, 9) if numeric else 0.0),
        "ZIP_CODE": ("shape:postcode",
                     lambda: sig.digits_between(values, 3, 5) if numeric else sig.postcode_share(texts)),
        "AGE": ("shape:0-120", lambda: sig.age_share(values) if numeric else 0.0),
        "LOCATION": ("shape:house number", lambda: 0.0 if numeric else sig.house_number_share(texts)),
        "DATE_OF_BIRTH": ("values:dates", lambda: date_share),
    }  # fmt: skip
    for entity, (signal, share_of) in checks.items():
        if entity in hints:
            share = share_of()
            weight = WEIGHTS["DATE_TIME"] if entity == "DATE_OF_BIRTH" else SHAPE_WEIGHT
            ev.add(entity, signal, weight * share, share)


def _free_text(
    cs: ColumnSample, contains: dict[str, float], base: dict[str, Any], threshold: float
) -> ColumnFinding:
    score, signals = free_text_score(contains)
    entity = "FREE_TEXT" if score >= threshold else None
    evidence = {"summary": _summary(entity, signals, free_text=True), **base, "signals": signals}
    return ColumnFinding(name=cs.name, entity=entity, score=score, free_text=True, evidence=evidence)


def _finding(cs: ColumnSample, ev: Evidence, base: dict[str, Any], threshold: float) -> ColumnFinding:
    scores = ev.scores()
    order = {e: i for i, e in enumerate(PRIORITY)}
    ranked = sorted(
        ((e, v) for e, v in scores.items() if v > 0), key=lambda kv: (-kv[1], order.get(kv[0], -1))
    )
    entity, score = ranked[0] if ranked else (None, 0.0)
    if score < threshold:
        entity = None
    chosen = [s for s in ev.signals if s["entity"] == entity]
    evidence = {"summary": _summary(entity, chosen, free_text=False), **base}
    if entity in ("PERSON", "LOCATION") and (kind := kind_hint(base["name_tokens"])):
        evidence["kind_hint"] = kind
    evidence.update(signals=ev.signals, candidates=dict(ranked[:4]))
    return ColumnFinding(name=cs.name, entity=entity, score=score, free_text=False, evidence=evidence)


def _summary(entity: str | None, signals: list[dict[str, Any]], *, free_text: bool) -> str:
    if entity is None:
        return "free text, no personal data found" if free_text else "no entity reached the threshold"
    parts = [
        f"{s['signal']} {s['contribution']:+.2f}" for s in sorted(signals, key=lambda s: -s["contribution"])
    ]
    return f"{entity}: " + ", ".join(parts[:3])
