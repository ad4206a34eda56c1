"""The Presidio analyzer privprep runs: built once per setting, offline, around a loaded model.

``Detector.analyze`` runs spaCy's NER only on the texts flagged for it (batched with
``nlp.pipe``, two processes for large batches) and Presidio's recognizers on every text,
with tokens for context words. Importing this module imports Presidio and spaCy (~1 s):
callers import it when detection actually runs.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import re
import threading
from collections.abc import Iterator, Sequence
from importlib.metadata import version

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.attrs import IDX, IS_PUNCT, IS_STOP, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from privprep.detect.cues import CueRecognizer
from privprep.detect.gazetteer import gazetteer
from privprep.detect.listed import ListedRecognizer
from privprep.detect.offline import MODEL_PACKAGE, blank_pipeline, ensure_offline, load_ner_model
from privprep.detect.parallel import run_two
from privprep.detect.places import place_names
from privprep.detect.recognizers import MultiRegionPhoneRecognizer, policy_recognizer
from privprep.detect.report import FEATURES
from privprep.errors import ReasonCode, fail
from privprep.policy.detection import RecognizerSpec

NER_ENTITIES = frozenset({"PERSON", "LOCATION", "NRP", "DATE_TIME"})
LANGUAGES = ("en",)
PARALLEL_MIN = 500  # texts for NER from which a second process pays off (bench_scrub (a): 1.7x at 500)
BATCH_SIZE = 256
NAME_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_LETTERS = re.compile(r"[^\W\d_]+")
_IGNORED_LABELS = ("ORG", "ORGANIZATION", "CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL",
                   "PERCENT", "PRODUCT", "QUANTITY", "WORK_OF_ART")  # fmt: skip
_LABELS = {"PERSON": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION", "NORP": "NRP",
           "DATE": "DATE_TIME", "TIME": "DATE_TIME"}  # fmt: skip
_NER_CONFIG = NerModelConfiguration(
    labels_to_ignore=_IGNORED_LABELS, model_to_presidio_entity_mapping=_LABELS
)


class LoadedSpacyEngine(SpacyNlpEngine):
    """Presidio's spaCy engine around an already loaded pipeline: it never loads or downloads."""

    def __init__(self, nlp: Language, language: str) -> None:
        super().__init__(models=[{"lang_code": language, "model_name": MODEL_PACKAGE}],
                         ner_model_configuration=_NER_CONFIG)  # fmt: skip
        self.nlp = {language: nlp}

    def load(self) -> None:
        """Already loaded; loading by name (and so any download) never happens."""

    def artifacts(self, doc: Doc, language: str) -> NlpArtifacts:
        return self._doc_to_nlp_artifact(doc, language)

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        """As Presidio's, with lower-cased tokens standing in for lemmas (no lemmatizer runs).

        Keywords (Presidio's rule: no stop words, punctuation or "be") come from the tokens'
        own flags in the same pass, not from one vocabulary look-up per word.
        """
        entities, scores = self._get_updated_entities(list(doc.ents), self._get_scores_for_entities(doc))
        indices, lemmas, keywords = [], [], []
        text = doc.text  # joined from the tokens on every access
        for start, length, stop, punct in doc.to_array([IDX, LENGTH, IS_STOP, IS_PUNCT]).tolist():
            lower = text[start : start + length].lower()
            indices.append(start)
            lemmas.append(lower)
            if not (stop or punct or lower == "be"):
                keywords.extend(lower.split(":"))
        artifacts = NlpArtifacts(entities=entities, tokens=doc, tokens_indices=indices, lemmas=lemmas,
                                 nlp_engine=None, language=language, scores=scores)  # fmt: skip
        artifacts.nlp_engine, artifacts.keywords = self, keywords
        return artifacts


class Detector:
    """Presidio's recognizers, privprep's additions and the policy's custom entities, for one language."""

    def __init__(
        self, language: str, use_ner: bool, recognizers: Sequence[RecognizerSpec], features: frozenset[str]
    ) -> None:
        if language not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            raise fail(
                ReasonCode.POLICY_INVALID, f"detect.language {language!r} is not supported; known: {known}"
            )
        ensure_offline()
        model = load_ner_model() if use_ner else None
        self.language, self.ner, self.features = language, model is not None, features
        self.nlp = model if model is not None else blank_pipeline(language)
        self.engine = LoadedSpacyEngine(self.nlp, language)
        registry = RecognizerRegistry(supported_languages=[language])
        with _quiet("presidio-analyzer"):  # it logs every recognizer of another language it skips
            registry.load_predefined_recognizers(languages=[language], nlp_engine=self.engine)
        if not self.ner:
            registry.remove_recognizer("SpacyRecognizer")
        if "phonenumbers" in features:
            registry.remove_recognizer("PhoneRecognizer")
            registry.add_recognizer(MultiRegionPhoneRecognizer(language))
        if "gazetteer" in features:
            gazetteer()  # built now, with the model, not on the first text
            registry.add_recognizer(ListedRecognizer(language))
        if "cues" in features:
            place_names()
            registry.add_recognizer(CueRecognizer(language))
        for spec in recognizers:
            registry.add_recognizer(policy_recognizer(spec, language))
        self.custom = {spec.entity: list(spec.context) for spec in recognizers}
        self.analyzer = AnalyzerEngine(
            registry=registry, nlp_engine=self.engine, supported_languages=[language]
        )
        self.entities = frozenset(self.analyzer.get_supported_entities(language)) - {"ORGANIZATION"}
        self._no_tokens = self.engine.artifacts(Doc(self.nlp.vocab, words=[]), language)
        self.lock = threading.Lock()

    def docs(self, texts: Sequence[str], ner: Sequence[bool]) -> list[Doc]:
        """NER docs (batched) for flagged texts, token docs for the rest.

        An ALL-CAPS or all lower-case text goes to the model true-cased (:func:`truecase`):
        the small model finds names by their capital letters. Offsets stay the same.
        """
        flagged = [i for i, wanted in enumerate(ner) if wanted] if self.ner else []
        cased = (truecase(texts[i]) if "cues" in self.features else texts[i] for i in flagged)
        piped = self.nlp.pipe(cased, batch_size=BATCH_SIZE)
        docs = dict(zip(flagged, piped, strict=True))
        return [docs[i] if i in docs else self.nlp.make_doc(text) for i, text in enumerate(texts)]

    def analyze(
        self,
        texts: Sequence[str],
        entities: Sequence[str],
        *,
        ner: Sequence[bool] | None,
        allow: Sequence[str] = (),
        threshold: float = 0.0,
        per_text: Sequence[Sequence[str]] | None = None,
    ) -> list[list[RecognizerResult]]:
        """Presidio results per text for ``entities``; NER runs only where ``ner`` is true.

        ``ner=None`` analyzes whole values: no tokens, so no context words (nothing around them).
        ``per_text``: the entities worth looking for in each text (a subset of ``entities``).
        With ``PARALLEL_MIN`` texts for NER or more, a forked helper analyzes half of them.
        """
        wanted = sorted(set(entities) & self.entities)
        if not wanted:
            return [[] for _ in texts]
        each = (
            [sorted(set(e) & set(wanted)) for e in per_text]
            if per_text is not None
            else [wanted] * len(texts)
        )
        if ner is None or not self.ner or sum(ner) < PARALLEL_MIN or (os.cpu_count() or 1) < 2:
            with self.lock:
                return self._analyze(texts, ner, each, allow, threshold)

        def work(part: list[int]) -> list[list[tuple[str, int, int, float, str]]]:
            found = self._analyze([texts[i] for i in part], [ner[i] for i in part], [each[i] for i in part],
                                  allow, threshold)  # fmt: skip
            return [[_pack(r) for r in results] for results in found]

        with self.lock:  # one spaCy pipeline: columns scrubbed on parallel Polars threads take turns
            packed = run_two(work, list(range(len(texts))))
        return [[_unpack(p) for p in found] for found in packed]

    def _analyze(
        self,
        texts: Sequence[str],
        ner: Sequence[bool] | None,
        wanted: Sequence[list[str]],
        allow: Sequence[str],
        threshold: float,
    ) -> list[list[RecognizerResult]]:
        if ner is None:
            artifacts = [self._no_tokens] * len(texts)
        else:
            artifacts = [self.engine.artifacts(doc, self.language) for doc in self.docs(texts, ner)]
        allow_list = list(allow) or None
        return [
            self.analyzer.analyze(
                text,
                self.language,
                entities=entities,
                score_threshold=threshold,
                nlp_artifacts=found,
                allow_list=allow_list,
            )
            if entities
            else []
            for text, found, entities in zip(texts, artifacts, wanted, strict=True)
        ]

    def settings(self) -> dict[str, object]:
        """What the audit record says about detection: model, features, custom entities."""
        return {
            "language": self.language,
            "ner": self.ner,
            "ner_model": f"{MODEL_PACKAGE} {version(MODEL_PACKAGE)}" if self.ner else None,
            "presidio_analyzer": version("presidio-analyzer"),
            "features": sorted(self.features),
            "custom_entities": sorted(self.custom),
        }


def truecase(text: str) -> str:
    """An ALL-CAPS or lower-case text in lower case but for listed first names and places, and
    listed last names after a first name (same length).

    ``SPOKE WITH MARIA LOPEZ`` → ``spoke with Maria Lopez``.
    """
    if not (text.isupper() or text.islower()):
        return text
    gaz, places = gazetteer(), place_names()
    out, after_first = [], False
    for m in _LETTERS.finditer(text):
        low = m.group().lower()
        first = low in gaz.first and low not in gaz.common
        named = first or (low in places and low not in gaz.common) or (after_first and low in gaz.last)
        out.append((m.start(), low.capitalize() if named else low))
        after_first = first
    cased = list(text.lower())
    for start, word in out:
        cased[start : start + len(word)] = word
    result = "".join(cased)
    return result if len(result) == len(text) else text


def _pack(r: RecognizerResult) -> tuple[str, int, int, float, str]:
    return r.entity_type, r.start, r.end, r.score, str(r.recognition_metadata.get(NAME_KEY, ""))


def _unpack(p: tuple[str, int, int, float, str]) -> RecognizerResult:
    return RecognizerResult(p[0], p[1], p[2], p[3], recognition_metadata={NAME_KEY: p[4]})


@contextlib.contextmanager
def _quiet(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@functools.lru_cache(maxsize=4)
def _cached(language: str, use_ner: bool, specs_json: str, features: frozenset[str]) -> Detector:
    specs = [RecognizerSpec.model_validate_json(s) for s in specs_json.split("\n") if s]
    return Detector(language, use_ner, specs, features)


def get_detector(
    language: str = "en",
    use_ner: bool = True,
    recognizers: Sequence[RecognizerSpec] = (),
    features: frozenset[str] = FEATURES,
) -> Detector:
    """A detector per (language, NER, custom recognizers, features), built once and reused."""
    specs_json = "\n".join(spec.model_dump_json() for spec in recognizers)
    return _cached(language, use_ner, specs_json, frozenset(features))
