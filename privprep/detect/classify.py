"""Fuse a column's signals into one finding, explainably.

Every signal adds a signed contribution to one entity's score (clipped to 0..1); the
evidence lists each signal with its share and contribution, so the decision can be read
back. Value signals decide; value shapes (names, addresses, postcodes, handles, credentials)
decide behind column-level guards (:mod:`privprep.detect.shape_signals`); weaker shapes (digit
counts) only corroborate what the column name says. The best entity at or above
``threshold`` wins. Columns whose dtype cannot hold personal data are reported as skipped
(:mod:`privprep.detect.skip`); NER runs last, batched over all columns still undecided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl

from privprep.detect import shape_signals
from privprep.detect import signals as sig
from privprep.detect.evidence import Evidence
from privprep.detect.gazetteer import city_share, person_share, region_share, street_share
from privprep.detect.names import STRONG, NameHint, kind_hint, name_hints, name_tokens
from privprep.detect.report import ColumnFinding
from privprep.detect.sampling import ColumnSample
from privprep.detect.shapes import scientific_share
from privprep.detect.skip import skip_reason
from privprep.detect.text import NER_ENTITIES, analyze_free_text, free_text_score, ner_shares, pattern_shares
from privprep.detect.vocab import NOT_CONTACT, NOT_PERSONAL, NOT_PLACE
from privprep.dtypes import render_dtype

# how far a share of matching values moves an entity's score
WEIGHTS = {
    "EMAIL_ADDRESS": 0.9, "IBAN_CODE": 0.9, "CREDIT_CARD": 0.9, "IP_ADDRESS": 0.9, "MAC_ADDRESS": 0.8,
    "CRYPTO": 0.8, "URL": 0.7, "US_SSN": 0.7, "PHONE_NUMBER": 0.7, "UK_NHS": 0.5, "US_ITIN": 0.5,
    "DATE_TIME": 0.6, "US_PASSPORT": 0.35, "US_DRIVER_LICENSE": 0.35, "US_BANK_NUMBER": 0.3,
    "MEDICAL_LICENSE": 0.35, "UUID": 0.0,
}  # fmt: skip
CUSTOM_WEIGHT, NER_WEIGHT, GAZETTEER_WEIGHT, VOCAB_WEIGHT, REGION_WEIGHT = 0.9, 0.6, 0.6, 0.6, 0.65
BARE_DIGITS_FACTOR = 0.4  # a phone column of (nearly) only bare digit runs looks like a counter
NAME_PENALTY = -0.2  # ``order_id`` is no phone, ``company`` holds no person
NAMED = frozenset({"PERSON", "LOCATION", "NRP", "USERNAME", "PASSWORD"})
DECIDED = 0.8  # a value share this high settles a column: NER is skipped
SHAPES = ("shape:", "values:")
PRIORITY = ("EMAIL_ADDRESS", "IBAN_CODE", "CREDIT_CARD", "US_SSN", "IP_ADDRESS", "MAC_ADDRESS", "CRYPTO",
            "URL", "PHONE_NUMBER", "NATIONAL_ID", "PASSWORD", "USERNAME", "DATE_OF_BIRTH", "ZIP_CODE",
            "GENDER", "AGE", "PERSON", "LOCATION", "NRP", "DATE_TIME")  # fmt: skip
_ORDER = {e: i for i, e in enumerate(PRIORITY)}


@dataclass(frozen=True)
class Settings:
    """What the classifier needs besides the column: detector, threshold, allow list, features."""

    detector: Any
    threshold: float
    allow: tuple[str, ...]
    features: frozenset[str]


@dataclass(frozen=True)
class Pending:
    """A column whose value signals left it undecided: it waits for NER on ``texts``."""

    cs: ColumnSample
    ev: Evidence
    base: dict[str, Any]
    texts: pl.Series


def classify(cs: ColumnSample, settings: Settings) -> ColumnFinding:
    """The finding for one sampled column."""
    return classify_all([cs], settings)[0]


def classify_all(
    samples: list[ColumnSample], settings: Settings, on_column: Callable[[int], None] | None = None
) -> list[ColumnFinding]:
    """The findings for sampled columns; NER runs once for all undecided ones (:func:`ner_shares`).

    ``on_column`` gets the number of columns decided so far (those waiting for NER come last).
    """
    prepared: list[ColumnFinding | Pending] = []
    for cs in samples:
        prepared.append(_without_ner(cs, settings))
        if on_column is not None and not isinstance(prepared[-1], Pending):
            on_column(len(prepared) - sum(isinstance(p, Pending) for p in prepared))
    pending = [p for p in prepared if isinstance(p, Pending)]
    shares = ner_shares(settings.detector, [p.texts for p in pending])
    decided = []
    for p, (found, analyzed) in zip(pending, shares, strict=True):
        p.base["ner_values"] = analyzed
        for entity, share in found.items():
            p.ev.add(entity, f"ner:{entity}", NER_WEIGHT * share, share)
        decided.append(_finding(p.cs, p.ev, p.base, settings.threshold))
    if on_column is not None and pending:
        on_column(len(samples))
    after_ner = iter(decided)
    return [next(after_ner) if isinstance(p, Pending) else p for p in prepared]


def _without_ner(cs: ColumnSample, settings: Settings) -> ColumnFinding | Pending:
    """The finding from everything but NER, or the column pending NER."""
    tokens = name_tokens(cs.name)
    hints = {h.entity: h for h in name_hints(tokens, settings.detector.custom)}
    ev, base = Evidence(), _base_evidence(cs, tokens)
    if reason := skip_reason(cs, bool(hints), bool(settings.detector.custom)):
        base.update(summary=f"skipped: {reason}", skipped=reason)
        return ColumnFinding(name=cs.name, entity=None, score=0.0, evidence=base)
    values = cs.values
    if settings.allow and values.dtype == pl.String:
        values = values.filter(~values.is_in(pl.Series(settings.allow, dtype=pl.String).implode()))
    _name_signals(ev, hints, tokens)
    if values.is_empty():
        return _finding(cs, ev, base, settings.threshold)
    if cs.dtype.is_temporal():
        ev.add("DATE_TIME", "dtype:temporal", WEIGHTS["DATE_TIME"], 1.0)
        if "DATE_OF_BIRTH" in hints:
            ev.add("DATE_OF_BIRTH", "dtype:temporal", WEIGHTS["DATE_TIME"], 1.0)
        return _finding(cs, ev, base, settings.threshold)
    if values.dtype == pl.String and scientific_share(values) >= DECIDED:
        values = values.str.strip_chars().str.replace(",", ".").cast(pl.Float64, strict=False).drop_nulls()
        base["scientific_notation"] = True  # exported as 5.54563E+15: read as the float it was
    texts = values.cast(pl.String)
    shape = sig.shape(texts)
    base.update(shape.as_evidence())
    if values.dtype == pl.String and shape.free_text:
        contains, analyzed = analyze_free_text(settings.detector, texts, settings.allow)
        base.update(texts_analyzed=analyzed, contains=contains)
        return _free_text(cs, contains, base, settings.threshold)
    _value_signals(ev, base, values, texts, shape, settings)
    if "shapes" in settings.features:
        base.update(shape_signals.header_free(ev, cs, values, texts))
    shape_signals.corroborate(ev, hints, values, texts)
    best = max((s["share"] for s in ev.signals if "share" in s and not s["signal"].startswith(SHAPES)),
               default=0.0)  # a shape alone does not settle a column: NER still speaks
    wanted = best < DECIDED and shape.letter_share > 0 and settings.detector.ner
    base["ner_run"] = wanted and _ner_can_change(ev)
    if wanted and not base["ner_run"]:
        base["ner_skipped"] = "settled: NER could change neither entity nor score"
    if base["ner_run"]:
        return Pending(cs, ev, base, texts)
    return _finding(cs, ev, base, settings.threshold)


def _ner_can_change(ev: Evidence) -> bool:
    """Whether NER, adding up to ``NER_WEIGHT`` to each of ``NER_ENTITIES``, could change the
    finding's entity or score: not once the leader scores 1.0 and no entity NER can raise could
    tie it there and win the tie."""
    scores, totals = ev.scores(), ev.totals()
    leader = min(scores, key=lambda e: (-scores[e], _rank(e)), default=None)
    if leader is None or scores[leader] < 1.0:
        return True
    rivals = (e for e in NER_ENTITIES if e != leader and _rank(e) < _rank(leader))
    return any(totals.get(e, 0.0) + NER_WEIGHT > 0.999 for e in rivals)


def _rank(entity: str) -> int:
    """Where ``entity`` stands in ties of scores: custom entities first, then ``PRIORITY``."""
    return _ORDER.get(entity, -1)


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
    if NOT_PLACE.intersection(tokens):
        ev.add("LOCATION", "name:country or code", NAME_PENALTY)
    named = {e for e, h in hints.items() if e in NAMED and h.strength == STRONG}
    for entity in NAMED - named if named else ():
        ev.add(entity, "name:points elsewhere", NAME_PENALTY)  # ``city``: surnames there are places


def _value_signals(
    ev: Evidence,
    base: dict[str, Any],
    values: pl.Series,
    texts: pl.Series,
    shape: sig.Shape,
    settings: Settings,
) -> None:
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
        ev.add("LOCATION", "gazetteer:regions", REGION_WEIGHT * (s := region_share(texts)), s)
    if values.dtype == pl.String and texts.n_unique() <= 12:
        ev.add("GENDER", "vocabulary:gender", VOCAB_WEIGHT * (s := sig.gender_share(texts)), s)


def _free_text(
    cs: ColumnSample, contains: dict[str, float], base: dict[str, Any], threshold: float
) -> ColumnFinding:
    score, signals = free_text_score(contains)
    entity = "FREE_TEXT" if score >= threshold else None
    evidence = {"summary": _summary(entity, signals, free_text=True), **base, "signals": signals}
    return ColumnFinding(name=cs.name, entity=entity, score=score, free_text=True, evidence=evidence)


def _finding(cs: ColumnSample, ev: Evidence, base: dict[str, Any], threshold: float) -> ColumnFinding:
    scores = ev.scores()
    ranked = sorted(((e, v) for e, v in scores.items() if v > 0), key=lambda kv: (-kv[1], _rank(kv[0])))
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
