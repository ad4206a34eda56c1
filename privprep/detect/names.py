"""What a column's name says: ``EmailAddress``, ``e-mail``, ``tel_no``, ``GivenName`` → entity hints.

The phrases (seven languages) are in :mod:`privprep.detect.vocab`; tokens are folded first.

>>> name_tokens("GivenName"), name_tokens("tel_no"), name_tokens("Straße"), name_tokens("CCNumber")
(['given', 'name'], ['tel', 'no'], ['strasse'], ['cc', 'number'])
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from privprep.detect.vocab import KIND_HINTS, LEXICON, NOT_PERSONAL

STRONG, WEAK = 0.45, 0.25

@dataclass(frozen=True)
class NameHint:
    """One entity the name points to: how strongly and which lexicon phrase matched."""

    entity: str
    strength: float
    phrase: str


def name_tokens(name: str) -> list[str]:
    """Split camelCase, separators and digits; lower-case, accents removed, ``ß`` → ``ss``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", name.replace("ß", "ss"))
    folded = "".join(c for c in unicodedata.normalize("NFKD", spaced) if not unicodedata.combining(c))
    return [t for t in re.split(r"[^0-9A-Za-z]+|(?<=\D)(?=\d)|(?<=\d)(?=\D)", folded.lower()) if t]


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
