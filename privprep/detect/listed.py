"""Names and cities from the gazetteer inside free text: what the small model misses.

One pass over the tokens Presidio already has. PERSON: ``First Last`` with both words in
the name lists (particles allowed: ``Wouter van Oostendorp``), or a title and a name
(``Dr. Müller``); capitalized pairs score 0.6, lower-case pairs (``maria lopez``) 0.5 and
only when neither word is a common English word. LOCATION: a capitalized run of one to
three words naming a listed city (not a common word, not a title), 0.45.
"""

from __future__ import annotations

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.attrs import IDX, IS_ALPHA, LENGTH

from privprep.detect.gazetteer import TITLES, Gazetteer, gazetteer

PARTICLES = frozenset({"van", "von", "der", "den", "de", "da", "di", "del", "della", "dos", "das", "du", "le",
                       "la", "ten", "ter", "bin", "al", "el", "y"})  # fmt: skip
PLACE_WORDS = frozenset({"in", "from", "to", "at", "near", "of", "via", "nach", "aus", "bei", "à", "en", "a",
                         "em", "da", "di", "naar", "uit", "te"})  # fmt: skip
Word = tuple[int, str, str, bool]  # offset, text, lower-case text, alphabetic
Found = tuple[str, int, int, float]


def _capitalized(word: Word) -> bool:
    return word[3] and word[1][:1].isupper()


def people(words: list[Word], gaz: Gazetteer) -> list[Found]:
    """PERSON spans: listed first + last names, or a title and a listed name."""
    found, i = [], 0
    while i < len(words) - 1:
        j = i + 1
        while j < len(words) - 1 and words[j][2] in PARTICLES:
            j += 1
        a, b = words[i], words[j]
        titled = a[2].rstrip(".") in TITLES and _capitalized(b) and gaz.is_name(b[2])
        capital = _capitalized(a) and _capitalized(b)
        paired = a[3] and b[3] and a[2] in gaz.first and b[2] in gaz.last
        common = (a[2] in gaz.common) + (b[2] in gaz.common)
        if not (titled or (paired and common < (2 if capital else 1))):
            i += 1
            continue
        nxt = words[j + 1] if j + 1 < len(words) else None
        if nxt is not None and nxt[3] and nxt[2] in gaz.last and nxt[2] not in gaz.common:
            j += 1
        start, end = (b if titled else a)[0], words[j][0] + len(words[j][1])
        found.append(("PERSON", start, end, 0.6 if titled or capital else 0.5))
        i = j + 1
    return found


def places(text: str, words: list[Word], gaz: Gazetteer) -> list[Found]:
    """LOCATION spans: capitalized runs of one to three words naming a listed city.

    A one-word city that is also a listed name (``Lopez``, ``Florence``) needs a place word
    before it (``in``, ``from``, ``nach``...): after "Maria" it is her surname.
    """
    found, i = [], 0
    while i < len(words):
        step = 1
        for n in (3, 2, 1):
            run = words[i : i + n]
            if len(run) < n or not _capitalized(run[0]) or not all(w[3] or w[1] == "-" for w in run):
                continue
            start, end = run[0][0], run[-1][0] + len(run[-1][1])
            name = text[start:end].lower()
            named = n == 1 and (name in gaz.first or name in gaz.last)
            if named and (i == 0 or words[i - 1][2] not in PLACE_WORDS):
                continue
            if name in gaz.cities and name not in gaz.common and name not in gaz.affixes:
                found.append(("LOCATION", start, end, 0.45))
                step = n
                break
        i += step
    return found


class ListedRecognizer(LocalRecognizer):
    """Presidio recognizer for PERSON and LOCATION from the name and city lists."""

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_entities=["PERSON", "LOCATION"], supported_language=supported_language,
                         name="ListedRecognizer")  # fmt: skip

    def load(self) -> None:
        """The lists are built once per process, with the detector."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return []
        gaz = gazetteer()
        spans = nlp_artifacts.tokens.to_array([IDX, LENGTH, IS_ALPHA]).tolist()  # no Token objects
        words = [(i, text[i : i + n], text[i : i + n].lower(), bool(alpha)) for i, n, alpha in spans]
        found = (people(words, gaz) if "PERSON" in entities else []) + (
            places(text, words, gaz) if "LOCATION" in entities else []
        )
        meta = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        return [RecognizerResult(e, s, t, score, recognition_metadata=dict(meta)) for e, s, t, score in found]
