"""Names and places the small model misses in free text, found by the words around them.

- PERSON after a title (``Mr.``, ``ms``, ``Dr``, ``Frau``) or a cue (``my name is``,
  ``spoke with``, ``regards,``): one or two name-like words, in any case after a strong cue,
  capitalized or listed after a weak one; ``Last, First`` with a listed first name.
- LOCATION by shape: house number + words + street type (``221B Baker Street``), street
  word + number (``Hauptstraße 5``, ``Via Roma 12``, ``ul. Długa 7``), ``P.O. Box 12``; and
  city names from GeoNames (:mod:`privprep.detect.places`) in capitalized runs.

Regular expressions over the text plus the tokens Presidio already has; no model.
"""

from __future__ import annotations

import re

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.attrs import IDX, IS_ALPHA, LENGTH

from privprep.detect.gazetteer import gazetteer
from privprep.detect.places import find_places, place_names

_WORD = r"[^\W\d_](?:[^\W\d_]|['’-](?=[^\W\d_]))*"
_TITLE = r"(?:mr|mrs|ms|miss|mx|dr|prof|sir|dame|herr|frau|mme|mlle|sr|sra|srta|sig|signora|señor|señora)"
_STRONG = (r"(?:my name is|my name's|name is|name:|call me|i am|i'm|dear|signed by|regards,|thanks,"
           r"|cheers,|spoke with|spoke to|speaking with|talked to|talked with|met with|voicemail for"
           r"|message for)")  # fmt: skip
_WEAK = (r"(?:called|contacted|customer|cust|client|patient|ask|ask for|asked for|attn:?|cc:?|hi|hello"
         r"|assigned to|forwarded to|this is|thanks|thank you|per|met|from|addressed to"
         r"|parcel for)")  # fmt: skip
_SAYS = (r"says|said|will|wrote|asked|wants|wanted|agreed|confirmed|reported|mentioned|requested"
         r"|called|phoned|emailed|complained|thinks|would|needs|prefers|paid|signed|cancelled"
         r"|canceled")  # fmt: skip
_SUBJECT = re.compile(rf"(?:^|[.!?]\s+)(?P<a>{_WORD})\s+(?:{_SAYS})\b")
_ENGLISH = ("ed", "ing", "ly", "tion", "sion", "ment", "ness", "able", "ible", "ful", "less", "ous", "ive",
            "ize", "ise", "est", "ship", "ity", "ery", "ance", "ence")  # fmt: skip
_PLACE_CUE = re.compile(
    rf"(?i)\b(?P<strong>lives in|living in|moved to|based in|relocated to|resides in)?"
    rf"(?(strong)|(?:in|to|from|near|at))\s+(?P<p>{_WORD}(?:[\s-]+{_WORD}){{0,2}})"
)
_CUE = re.compile(rf"(?i)\b(?:(?P<title>{_TITLE})\.?|(?P<strong>{_STRONG})|(?P<weak>{_WEAK}))"
                  rf"\s+(?P<a>{_WORD})(?:\s+(?P<b>{_WORD}))?")  # fmt: skip
_LAST_FIRST = re.compile(rf"\b(?P<last>{_WORD}),\s+(?P<first>{_WORD})\b")
_TYPES = (r"street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|square"
          r"|sq|terrace|close|crescent|parkway|pkwy|highway|hwy|circle|cir|trail|row|mews|grove|gardens"
          r"|hill|garden|walk|green|park|view|rise|wharf|quay")  # fmt: skip
_SUFFIXES = (
    r"straße|strasse|str\.|gasse|weg|allee|platz|ring|damm|ufer|laan|straat|gracht|plein|vej|gade|gatan|vägen"
)
_PREFIXES = (r"via|viale|piazza|corso|largo|rua|avenida|av\.|calle|carrer|carretera|paseo|plaza|camino|rue"
             r"|boulevard|bd|chemin|impasse|allée|quai|venelle|route|cours|ul\.|ulica|al\.|aleja|praça"
             r"|travessa|estrada|alameda")  # fmt: skip
_STREETS = [
    re.compile(rf"(?i)\b\d{{1,5}}[a-z]?,?\s+(?:{_WORD}\.?\s+){{1,3}}(?:{_TYPES})\b\.?"),
    re.compile(rf"(?i)\b{_WORD}(?:{_SUFFIXES})\s+\d{{1,4}}[a-z]?\b"),
    re.compile(
        rf"(?i)\b(?:{_PREFIXES})\s+(?:{_WORD}\.?\s+){{0,3}}{_WORD},?\s+(?:n[º°o]\.?\s*)?\d{{1,4}}[a-z]?\b"
    ),
    re.compile(rf"(?i)\b\d{{1,5}}[a-z]?,?\s+(?:{_PREFIXES})\s+(?:{_WORD}\.?\s+){{0,3}}{_WORD}"),
    re.compile(r"(?i)\b(?:p\.?\s?o\.?\s+box|postfach|apartado|boîte postale)\s+\d+\b"),
    re.compile(r"(?<=,\s)(?:\d{4,5}|\d{2}-\d{3}|\d{4}\s?[A-Z]{2}|[A-Z]{1,2}\d[\dA-Z]?\s\d[A-Z]{2})(?=\s+\w)"),
]


HINT = rf"(?i)\b(?:{_TITLE}|{_STRONG}|{_WEAK}|lives|living|moved|based|relocated|resides|{_SAYS})\b|\d"
"""Polars regex: texts without any of these cannot hold a cue (the scrubber's pre-filter)."""


# frequent words the common-word list lacks: never a name or place after a cue
_FREQUENT = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "today",
        "tomorrow",
        "yesterday",
        "tonight",
        "morning",
        "afternoon",
        "evening",
        "night",
        "week",
        "weekend",
        "month",
        "year",
        "ago",
        "later",
        "soon",
        "again",
        "back",
        "now",
        "then",
        "there",
        "here",
        "home",
        "office",
        "work",
        "support",
        "team",
        "manager",
        "service",
        "sales",
        "billing",
        "account",
        "desk",
        "reception",
        "branch",
        "store",
        "shop",
        "site",
        "the",
        "old",
        "new",
        "next",
        "last",
        "first",
        "second",
        "third",
        "everyone",
        "someone",
        "nobody",
        "anyone",
        "customer",
        "client",
        "patient",
        "staff",
        "admin",
        "it",
        "hr",
    ]
)


def _namelike(word: str, need: str) -> bool:
    """A word that may be a name: ``any`` uncommon word, ``capital`` (or listed), or ``listed`` only."""
    gaz, low = gazetteer(), word.lower()
    if low in gaz.common or low in gaz.affixes or low in _FREQUENT or len(low) < 2:
        return False
    if low in gaz.first or low in gaz.last:
        return True
    if low.endswith(_ENGLISH) and len(low) >= 5:  # "complained", "pending": English words, not names
        return False
    return need == "any" or (need == "capital" and word[:1].isupper())


def people(text: str) -> list[tuple[int, int, float]]:
    """PERSON spans after titles and cue words, and ``Last, First``."""
    found = []
    uncased = text.islower() or text.isupper()  # the text's case says nothing: trust the cue or the lists
    for m in _CUE.finditer(text):
        a, b = m.group("a"), m.group("b")
        strong = m.group("title") is not None or m.group("strong") is not None
        if not _namelike(a, "any" if strong or uncased else "capital"):
            continue
        end = m.end("a")
        if b and _namelike(b, "any" if uncased else "listed" if b.islower() else "capital"):
            end = m.end("b")
        found.append((m.start("a"), end, 0.6 if strong else 0.5))
    for m in _SUBJECT.finditer(text):  # "Radegund says ..."
        if not uncased and _namelike(m.group("a"), "capital") and m.group("a")[:1].isupper():
            found.append((m.start("a"), m.end("a"), 0.5))
    first = gazetteer().first
    for m in _LAST_FIRST.finditer(text):
        last, given = m.group("last"), m.group("first")
        need = "listed" if uncased or last.islower() else "capital"
        if given.lower() in first and _namelike(last, need) and _namelike(given, "listed"):
            found.append((m.start(), m.end(), 0.86))  # beats NER's single word
    return found


def streets(text: str) -> list[tuple[int, int, float]]:
    """LOCATION spans shaped like street addresses, postcodes after a comma, places after a cue.

    ``lives in``, ``moved to``: any uncommon word; ``in``, ``to``, ``from``: a listed place in any
    case (lower-case and ALL-CAPS texts say nothing with their capitals).
    """
    found = [(m.start(), m.end(), 0.55) for pattern in _STREETS for m in pattern.finditer(text)]
    names = place_names()
    for m in _PLACE_CUE.finditer(text):
        words = re.split(r"(?<=\S)(?=[\s-])", m.group("p"))
        for n in range(len(words), 0, -1):
            place = "".join(words[:n])
            if place.lower() in names or (m.group("strong") and n == 1 and _namelike(place, "any")):
                found.append((m.start("p"), m.start("p") + len(place), 0.5))
                break
    return found


class CueRecognizer(LocalRecognizer):
    """Presidio recognizer for the cues above (PERSON, LOCATION)."""

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_entities=["PERSON", "LOCATION"], supported_language=supported_language,
                         name="CueRecognizer")  # fmt: skip

    def load(self) -> None:
        """Nothing to load: the lists are built with the detector."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        found = [("PERSON", *span) for span in people(text)] if "PERSON" in entities else []
        if "LOCATION" in entities:
            found += [("LOCATION", *span) for span in streets(text)]
            if nlp_artifacts is not None:
                spans = nlp_artifacts.tokens.to_array([IDX, LENGTH, IS_ALPHA]).tolist()
                words = [(i, text[i : i + n], bool(alpha)) for i, n, alpha in spans]
                found += [("LOCATION", s, e, 0.45) for s, e in find_places(text, words)]
        meta = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        return [RecognizerResult(e, s, t, score, recognition_metadata=dict(meta)) for e, s, t, score in found]
