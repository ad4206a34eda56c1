"""A scrubbed column's :class:`~privprep.detect.scrub.Scrubber` for single records.

The same scrubber, with one difference in how, not what: a span replaced ``with: fake`` by a
pooled kind (names, places) gets its fake from the scalar twin (:mod:`.fakes`) instead of a
Polars query per record. tests/serve prove both give the same replacements.
"""

from __future__ import annotations

import datetime as dt

from privprep.detect.scrub import Scrubber
from privprep.serve.fakes import pooled
from privprep.serve.twins import hmac_hex
from privprep.transforms.fake import ENTITY_FAKES, PERMUTATIONS


class RecordScrubber(Scrubber):
    """:class:`Scrubber` whose pooled fakes of spans are picked in Python."""

    def replacements(self, found: list[tuple[str, str]]) -> list[str]:
        """One replacement per (entity, span text), in order."""
        if self.rule.with_ != "fake" or self.key_hex is None:
            return super().replacements(found)
        digest = hmac_hex(self.key_hex)
        direct = [ENTITY_FAKES[entity] not in PERMUTATIONS for entity, _ in found]
        rest = iter(super().replacements([f for f, d in zip(found, direct, strict=True) if not d]))
        return [
            _text(pooled(ENTITY_FAKES[entity], self.rule.locale)(digest(text))) if d else next(rest)
            for (entity, text), d in zip(found, direct, strict=True)
        ]


def _text(fake: str | dt.date) -> str:
    return fake if isinstance(fake, str) else fake.isoformat()  # date_of_birth, as cast(pl.String)
