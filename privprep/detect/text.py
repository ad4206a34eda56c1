"""Running the detector over sampled values: which texts go to NER, shares per recognizer.

The pre-filters are Polars expressions. NER is skipped for a text with no capitalized word
other than a stop word ("The", "I") and no known first name: the small English model tags
PERSON, LOCATION and NRP on capitalized tokens, and on lower-case text almost only around
names (measured in docs/detection.md).
Pattern recognizers are skipped for texts with no digit and none of ``@ . : /``, unless the
policy defines custom entities (a deny list can match any word).
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import polars as pl

from privprep.detect.gazetteer import gazetteer
from privprep.detect.sampling import CHUNK, settled

PATTERN_HINT = r"[\d@.:/]"
NER_ONLY = frozenset({"PERSON", "LOCATION", "NRP"})
NER_ENTITIES = NER_ONLY | {"DATE_TIME"}  # what a column's NER shares are counted for
SPACY = "SpacyRecognizer"
STRUCTURED_COVERAGE, NER_COVERAGE = 0.8, 0.6
NER_SAMPLE, FREE_TEXT_SAMPLE = 300, 200
SPAN_THRESHOLD = 0.35  # minimum Presidio score of a span inside free text (scan and scrub)
SATURATION = {"pattern": 0.05, "ner": 0.2}  # share of texts at which an entity counts in full
FREE_TEXT_WEIGHTS = {"pattern": 0.9, "ner": 0.8}


def needs_ner(texts: pl.Series) -> pl.Series:
    """True where a text may hold a name or place for the small model (vectorized).

    That is: a capitalized word that is not a stop word and not a common English word
    opening a sentence ("Issue resolved."), or a known first name in lower case.
    """
    if texts.len() == 1 and (one := needs_ner_ascii(texts[0])) is not None:  # one record (serving)
        return pl.Series([one])
    stop, common, first = _ner_words()
    low = texts.str.to_lowercase()
    frame = pl.DataFrame({
        "caps": texts.str.extract_all(r"\b\p{Lu}[\p{L}'-]*").list.eval(pl.element().str.to_lowercase()),
        "opening": texts.str.extract_all(r"(?:^|[.!?:;]\s+)\p{Lu}[\p{L}'-]*")
        .list.eval(pl.element().str.strip_chars(".!?:; \n\t").str.to_lowercase()),
        "words": low.str.extract_all(r"\p{L}+"),
    })  # fmt: skip
    out = frame.select(
        capital=pl.col("caps")
        .list.eval(pl.element().filter(~pl.element().is_in(stop)))
        .list.set_difference(pl.col("opening").list.eval(pl.element().filter(pl.element().is_in(common))))
        .list.len()
        > 0,
        named=pl.col("words").list.eval(pl.element().is_in(first)).list.any(),
    )
    return (out["capital"] | out["named"]).fill_null(False)


_ASCII_CAPS = re.compile(r"\b[A-Z][A-Za-z'-]*", re.ASCII)
_ASCII_OPENING = re.compile(r"(?:^|[.!?:;]\s+)[A-Z][A-Za-z'-]*", re.ASCII)
_ASCII_WORDS = re.compile(r"[A-Za-z]+")
_PLACEHOLDERS = re.compile("[\U000f0000-\U000ffffd]")


def needs_ner_ascii(text: str | None) -> bool | None:
    """:func:`needs_ner` of one ASCII text (private-use placeholders allowed) in Python; ``None``
    for other texts (the vectorized form reads Unicode letter classes)."""
    if text is None:
        return False
    text = _PLACEHOLDERS.sub("\x00", text)  # scrub's placeholders, like NUL: no letter, word or space
    if not text.isascii():
        return None
    stop, common, first = _ner_sets()
    caps = {w.lower() for w in _ASCII_CAPS.findall(text)} - stop
    opening = {w.strip(".!?:; \n\t").lower() for w in _ASCII_OPENING.findall(text)} & common
    return bool(caps - opening) or any(w in first for w in _ASCII_WORDS.findall(text.lower()))


@functools.cache
def _ner_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    return tuple(frozenset(words.explode().drop_nulls().to_list()) for words in _ner_words())  # type: ignore[return-value]


@functools.cache
def _ner_words() -> tuple[pl.Series, pl.Series, pl.Series]:
    """Stop words, common words and first names for :func:`needs_ner` (sorted once per process)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    gaz = gazetteer()
    stop = pl.Series(sorted(w for w in STOP_WORDS if w.isalpha()), dtype=pl.String).implode()
    common = pl.Series(sorted(gaz.common), dtype=pl.String).implode()
    first = pl.Series(sorted(gaz.first - gaz.common), dtype=pl.String).implode()
    return stop, common, first


def pattern_shares(
    detector: Any, texts: pl.Series, allow: tuple[str, ...]
) -> tuple[dict[tuple[str, str], float], int]:
    """Share of values a recognizer matches almost whole, per (entity, recognizer).

    Values go in rounds of ``CHUNK`` (in the sample's seeded random order); the analysis
    stops once every share is :func:`settled`. Returns the shares and how many values were analyzed.
    """
    entities = sorted(detector.entities - NER_ONLY)
    custom = sorted(detector.custom)
    hinted = texts.str.contains(PATTERN_HINT).to_list()
    values = texts.to_list()
    hits: dict[tuple[str, str], int] = defaultdict(int)
    done = 0
    while done < len(values):
        chunk = range(done, min(done + CHUNK, len(values)))
        for wanted, group in (
            (entities, [i for i in chunk if hinted[i]]),
            (custom, [i for i in chunk if not hinted[i]]),
        ):
            batch = [values[i] for i in group]
            for value, found in zip(
                batch, detector.analyze(batch, wanted, ner=None, allow=allow), strict=True
            ):
                for key in {
                    (r.entity_type, _name(r)) for r in found if _covers(r, value, STRUCTURED_COVERAGE)
                }:
                    hits[key] += 1
        done = chunk.stop
        if settled(hits.values(), done):
            break
    return {key: n / done for key, n in hits.items()}, done


def ner_shares(detector: Any, columns: Sequence[pl.Series]) -> list[tuple[dict[str, float], int]]:
    """Per column, the share of values spaCy's NER tags (almost whole) as PERSON, LOCATION, NRP
    or DATE_TIME, and how many values it read.

    Each round sends the next ``CHUNK`` values of every column not yet :func:`settled` through
    one ``nlp.pipe`` (so a wide table is one batch, split over both cores when large), up to
    ``NER_SAMPLE`` values per column.
    """
    values = [texts.head(NER_SAMPLE).to_list() for texts in columns]
    hits: list[dict[str, int]] = [defaultdict(int) for _ in columns]
    done = [0] * len(columns)
    entities = sorted(NER_ENTITIES)
    todo = [c for c, v in enumerate(values) if v]
    while todo:
        owners = [(c, v) for c in todo for v in values[c][done[c] : done[c] + CHUNK]]
        batch = [v for _, v in owners]
        results = detector.analyze(batch, entities, ner=[True] * len(batch))
        for (c, value), found in zip(owners, results, strict=True):
            for entity in _ner_entities(found, value):
                hits[c][entity] += 1
        for c in todo:
            done[c] = min(done[c] + CHUNK, len(values[c]))
        todo = [c for c in todo if done[c] < len(values[c]) and not settled(hits[c].values(), done[c])]
    return [({e: n / d for e, n in h.items()} if d else {}, d) for h, d in zip(hits, done, strict=True)]


def analyze_free_text(
    detector: Any, texts: pl.Series, allow: tuple[str, ...]
) -> tuple[dict[str, float], int]:
    """Share of sampled texts containing each entity (spans scoring ≥ ``SPAN_THRESHOLD``)."""
    sample = texts.head(FREE_TEXT_SAMPLE)
    values = sample.to_list()
    results = detector.analyze(values, sorted(detector.entities), ner=needs_ner(sample).to_list(),
                               allow=allow, threshold=SPAN_THRESHOLD)  # fmt: skip
    hits: dict[str, int] = defaultdict(int)
    for found in results:
        for entity in {r.entity_type for r in resolve(found)}:
            hits[entity] += 1
    return {e: round(n / len(values), 3) for e, n in sorted(hits.items())}, len(values)


def resolve(results: list[Any]) -> list[Any]:
    """Non-overlapping spans, best first (higher score, then longer): an e-mail beats its domain.

    Overlapping spans of the same entity first become one (``221B`` + ``Baker Street``).
    """
    kept: list[Any] = []
    for r in sorted(_merged(results), key=lambda r: (-r.score, r.start - r.end, r.start, r.entity_type)):
        if all(r.end <= k.start or r.start >= k.end for k in kept):
            kept.append(r)
    return sorted(kept, key=lambda r: r.start)


def _merged(results: list[Any]) -> list[Any]:
    out: list[Any] = []
    for r in sorted(results, key=lambda r: (r.entity_type, r.start, -r.end)):
        last = out[-1] if out else None
        if last is not None and last.entity_type == r.entity_type and r.start < last.end:
            last.end, last.score = max(last.end, r.end), max(last.score, r.score)
        else:
            out.append(r)
    return out


def free_text_score(contains: dict[str, float]) -> tuple[float, list[dict[str, Any]]]:
    """Score of "personal data inside this text column": the strongest entity's saturated share."""
    signals = []
    for entity, share in contains.items():
        if entity == "DATE_TIME":
            continue  # dates in prose are not personal data by themselves
        kind = "ner" if entity in NER_ONLY else "pattern"
        contribution = FREE_TEXT_WEIGHTS[kind] * min(1.0, share / SATURATION[kind])
        signals.append({"signal": f"text:{entity}", "entity": entity, "share": share,
                        "contribution": round(contribution, 3)})  # fmt: skip
    return max((s["contribution"] for s in signals), default=0.0), signals


def _ner_entities(results: list[Any], value: str) -> set[str]:
    """Entities spaCy's NER tagged over (almost) the whole ``value``."""
    return {r.entity_type for r in results if _name(r) == SPACY and _covers(r, value, NER_COVERAGE)}


def _name(result: Any) -> str:
    return str(result.recognition_metadata.get("recognizer_name", ""))


def _covers(result: Any, value: str, coverage: float) -> bool:
    return (result.end - result.start) >= coverage * len(value.strip())
