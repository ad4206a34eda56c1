"""Recognizers privprep adds to Presidio's: multi-region phones and the policy's custom entities.

Value checks shared with the column classifier live here too: :func:`phone_region`
(phonenumbers, every region a Faker locale covers), :func:`luhn_ok` and :func:`iban_ok`.
"""

from __future__ import annotations

import functools
import re
from typing import ClassVar

import phonenumbers
from faker.config import AVAILABLE_LOCALES
from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    LocalRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts

from privprep.policy.detection import RecognizerSpec

_FIRST = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "BR", "IN", "CA", "AU", "JP", "CH", "AT")
REGIONS = _FIRST + tuple(
    sorted(
        {loc.rsplit("_", 1)[-1] for loc in AVAILABLE_LOCALES} & phonenumbers.SUPPORTED_REGIONS - set(_FIRST)
    )
)
_PHONE_TEXT = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d ().\-/]{5,20}\d(?:\s*(?:x|ext\.?)\s*\d{1,5})?(?!\w)")
_COUNTER = re.compile(
    r"(?i)\b(?:order|invoice|inv|ref|reference|tracking|account|acct|id|ticket|sku|serial|case|po|no\.?|#)\W*$"
)
_PHONE_CUE = re.compile(
    r"(?i)\b(?:call|called|calling|phone|phoned|tel|mobile|cell|number|reach|ring|rang|text|sms|whatsapp"
    r"|fax|dial|contact|landline|line)\b\D{0,20}$"
)
_SEPARATED = re.compile(r"[ ().\-/+]")
_EXTENSION = re.compile(r"\s*(?:x|ext\.?)\s*\d{1,5}$")
_NOT_PHONE = re.compile(
    r"^(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{3}-\d{2}-\d{4})$"
)  # dates, SSNs


def _lengths(region: str) -> frozenset[int]:
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return frozenset(meta.general_desc.possible_length) if meta and meta.general_desc else frozenset()


_LENGTHS = {region: _lengths(region) for region in REGIONS}


@functools.lru_cache(maxsize=65536)
def phone_region(text: str, regions: tuple[str, ...] = REGIONS) -> str | None:
    """Region of a phone number: valid there, or (``+``/``00`` prefix) of possible length.

    Regions whose numbers never have this many digits (with or without a trunk ``0``) are
    skipped before parsing.
    """
    text = _EXTENSION.sub("", text.strip())
    digits = sum(c.isdigit() for c in text)
    if not 7 <= digits <= 15 or _NOT_PHONE.match(text):
        return None
    if text.startswith(("+", "00")):
        try:
            number = phonenumbers.parse("+" + text[2:] if text.startswith("00") else text, None)
        except phonenumbers.NumberParseException:
            return None
        possible = phonenumbers.is_possible_number(number)
        return phonenumbers.region_code_for_country_code(number.country_code) if possible else None
    for region in regions:
        if _LENGTHS.get(region) and not {digits, digits - 1} & _LENGTHS[region]:
            continue
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.region_code_for_number(number)
    return None


def luhn_ok(digits: str) -> bool:
    """Luhn checksum of a 13–19 digit card number."""
    if not (13 <= len(digits) <= 19 and digits.isdigit()):
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def iban_ok(text: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN (spaces, dashes and case ignored)."""
    code = re.sub(r"[\s-]", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", code):
        return False
    moved = code[4:] + code[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


class MultiRegionPhoneRecognizer(LocalRecognizer):
    """Phone numbers valid in any of the ~80 regions Faker has a locale for (Presidio checks 8).

    Bare digit runs without separators score lower (0.3): order numbers look like that;
    a context word ("call", "phone"...) lifts them over the scrub threshold.
    """

    CONTEXT: ClassVar[list[str]] = [
        "phone", "number", "telephone", "cell", "cellphone", "mobile", "call", "tel", "reach",
        "contact", "fax", "whatsapp", "text", "sms", "dial", "called", "calling", "calls", "phoned",
        "rang", "ring", "texted", "reached", "dialled", "dialed",
    ]  # fmt: skip

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_entities=["PHONE_NUMBER"],
            supported_language=supported_language,
            context=self.CONTEXT,
            name="MultiRegionPhoneRecognizer",
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = []
        for match in _PHONE_TEXT.finditer(text):
            candidate = match.group()
            if _COUNTER.search(text, max(0, match.start() - 24), match.start()):
                continue  # "order 5551234567", "invoice #..."
            bare = not _SEPARATED.search(candidate)
            region = phone_region(candidate) or (phone_region("+" + candidate) if bare else None)
            digits = sum(c.isdigit() for c in candidate)
            cued = _PHONE_CUE.search(text, max(0, match.start() - 32), match.start()) is not None
            if region is None and (cued or candidate.startswith("+")) and 9 <= digits <= 15:
                region = "a possible"  # not valid anywhere, but a phone by its cue or its "+"
            if region is None:
                continue
            score = 0.3 if bare and not cued and region == phone_region(candidate) else 0.4
            why = f"valid {region} phone number"
            explanation = AnalysisExplanation(
                recognizer=self.name, original_score=score, textual_explanation=why
            )
            metadata = {RecognizerResult.RECOGNIZER_NAME_KEY: self.name}
            metadata[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] = self.id
            results.append(RecognizerResult("PHONE_NUMBER", match.start(), match.end(), score, explanation,
                                            recognition_metadata=metadata))  # fmt: skip
        return results

    def load(self) -> None:
        """Nothing to load."""


def policy_recognizer(spec: RecognizerSpec, language: str) -> EntityRecognizer:
    """A Presidio recognizer for a policy's custom entity (regex with context, or deny list)."""
    common = {
        "supported_entity": spec.entity,
        "supported_language": language,
        "name": f"policy:{spec.entity}",
        "context": spec.context or None,
    }
    if spec.pattern is not None:
        return PatternRecognizer(patterns=[Pattern(spec.entity.lower(), spec.pattern, spec.score)], **common)
    return PatternRecognizer(deny_list=list(spec.deny_list or []), deny_list_score=spec.score, **common)
