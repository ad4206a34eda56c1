"""``scrub``: replace detected entity spans inside free text, leaving the rest of the text as is.

First the table's own personal data (:mod:`privprep.detect.table`: the input values of the
columns the policy protects, in the forms people write them), then Presidio.

The operator is a ``map_batches`` over the column (the documented exception to "no Python
per row"): per batch it takes the distinct texts, skips those already seen (cache), drops
with Polars pre-filters the texts that cannot hold a requested entity, runs Presidio on the
rest (NER only where a capitalized word makes it possible; batched, two processes for big
batches) and maps replacements back with one vectorized ``replace``.

With ``with: fake`` / ``pseudonymize`` a span gets exactly what the structured operator gives
the same value under the same key and domain: "Maria Lopez" in notes and in ``full_name``
(``fake``, ``kind: name``, same ``domain``) become the same fake person.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import polars as pl

from privprep.detect.cues import HINT as CUE_HINT
from privprep.detect.report import FEATURES
from privprep.detect.table import Terms, placeholder_overlap
from privprep.errors import Problem, ReasonCode, fail
from privprep.policy.columns import Scrub
from privprep.policy.model import Policy
from privprep.transforms.fake import ENTITY_FAKES
from privprep.transforms.registry import Context, Dtypes, register

PRESIDIO_ENTITIES = frozenset({
    "PERSON", "LOCATION", "NRP", "DATE_TIME", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE",
    "IP_ADDRESS", "URL", "US_SSN", "US_DRIVER_LICENSE", "US_PASSPORT", "US_BANK_NUMBER", "US_ITIN",
    "UK_NHS", "CRYPTO", "MAC_ADDRESS", "MEDICAL_LICENSE",
})  # fmt: skip
# cheap necessary conditions: a text failing its entity's pre-filter cannot hold that entity
PREFILTERS: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "EMAIL_ADDRESS": lambda t: t.str.contains("@", literal=True),
    "PHONE_NUMBER": lambda t: t.str.count_matches(r"\d") >= 7,
    "CREDIT_CARD": lambda t: t.str.count_matches(r"\d") >= 12,
    "US_SSN": lambda t: t.str.count_matches(r"\d") >= 9,
    "IBAN_CODE": lambda t: t.str.contains(r"[A-Za-z]{2}\d{2}"),
    "IP_ADDRESS": lambda t: t.str.contains(r"\d\.\d|:[0-9A-Fa-f]{0,4}:"),
    "URL": lambda t: t.str.contains(r"\w\.\w"),
}
NAMED = frozenset({"PERSON", "LOCATION", "NRP"})
MAX_CACHE = 500_000
REDACTED = "[REDACTED]"
MAX_TEXT_CHARS = 100_000  # spaCy needs ~1 GB per 100,000 characters and refuses 1,000,000


def validate(rule: Scrub, policy: Policy) -> list[Problem]:
    """Every entity must be known (Presidio's or the policy's), and have a fake kind for ``fake``."""
    known = PRESIDIO_ENTITIES | {r.entity for r in policy.recognizers}
    names = ", ".join(sorted(known))
    found = [
        Problem(f"entities.{i}", f"unknown entity {entity!r}; known: {names}", code=ReasonCode.POLICY_INVALID)
        for i, entity in enumerate(rule.entities)
        if entity not in known
    ]
    if rule.with_ == "fake" and (
        missing := [e for e in rule.entities if e in known and e not in ENTITY_FAKES]
    ):
        found.append(Problem("with", f"with: fake has no fake for {missing[0]!r}; fake covers"
                             f" {', '.join(ENTITY_FAKES)} (use pseudonymize, tag, mask or redact)",
                             code=ReasonCode.POLICY_INVALID))  # fmt: skip
    return found


class Scrubber:
    """Callable for ``map_batches``: a string Series in, the same Series with spans replaced out."""

    def __init__(
        self,
        rule: Scrub,
        policy: Policy,
        key_hex: str | None,
        features: frozenset[str] | None = None,
        terms: Terms | None = None,
    ) -> None:
        self.rule, self.policy, self.key_hex, self.terms = rule, policy, key_hex, terms
        self.features = FEATURES if features is None else features
        self.entities = sorted(rule.entities)
        self.cache: dict[str, str] = {}
        self.lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (shipped to Spark executors) without its lock and cache; each copy starts empty."""
        return {k: v for k, v in self.__dict__.items() if k not in ("cache", "lock")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, cache={}, lock=threading.Lock())

    def __call__(self, column: pl.Series) -> pl.Series:
        """Scrubbed texts; a struct (text + sampled source columns) also finds the batch's own values."""
        own = None
        if isinstance(column.dtype, pl.Struct):
            fields = column.struct.unnest()
            column = fields.to_series(0)
            own = self.terms.own_rows({n: fields[n].drop_nulls().unique() for n in fields.columns[1:]})  # type: ignore[union-attr]
        if (column.str.len_chars().max() or 0) > MAX_TEXT_CHARS:  # type: ignore[operator]
            raise fail(ReasonCode.INPUT_INVALID,
                       f"column {column.name!r} holds a text longer than {MAX_TEXT_CHARS:,} characters,"
                       " the most scrub analyzes; split such texts or drop the column",
                       column=column.name)  # fmt: skip
        with self.lock:
            counted = column.drop_nulls().to_frame("t").group_by("t").len()
            distinct = counted["t"].to_list()
            rows = counted["len"].to_list()
            passes = [t for t in (own, self.terms) if t is not None]
            marked, matches = distinct, []
            for terms in passes:
                marked, matched = terms.mark(marked, rows)
                matches.append(matched)
            todo = list(dict.fromkeys(t for t in marked if t not in self.cache))
            if len(self.cache) + len(todo) > MAX_CACHE:
                self.cache.clear()
            self.cache.update(zip(todo, self.scrub(todo), strict=True))
            out = [self.cache[t] for t in marked]
            for terms, matched in zip(passes, matches, strict=True):
                out = terms.fill(out, matched)
            changed = [(t, o) for t, o in zip(distinct, out, strict=True) if o != t]
            return column.replace([t for t, _ in changed], [o for _, o in changed])

    def scrub(self, texts: list[str]) -> list[str]:
        """Scrubbed form of each text (unchanged where nothing is found)."""
        return self.replace(texts, self.spans(texts))

    def spans(self, texts: list[str]) -> list[list[Any]]:
        """Non-overlapping Presidio results per text (empty for texts the pre-filters rule out)."""
        from privprep.detect.engine import get_detector  # imports Presidio and spaCy
        from privprep.detect.text import SPAN_THRESHOLD, resolve

        if not texts:
            return []
        candidate, ner, wanted = self.prefilter(pl.Series(texts, dtype=pl.String), per_entity=True)
        picked = [i for i, keep in enumerate(candidate) if keep]
        spec = self.policy.detect
        language, use_ner = (spec.language, spec.ner) if spec else ("en", True)
        detector = get_detector(language, use_ner, self.policy.recognizers, self.features)
        found = detector.analyze([texts[i] for i in picked], self.entities, ner=[ner[i] for i in picked],
                                 allow=self.policy.allow, threshold=SPAN_THRESHOLD,
                                 per_text=[wanted[i] for i in picked])  # fmt: skip
        out: list[list[Any]] = [[] for _ in texts]
        for i, results in zip(picked, found, strict=True):
            out[i] = resolve([r for r in results if not placeholder_overlap(texts[i], r.start, r.end)])
        return out

    def prefilter(self, texts: pl.Series, per_entity: bool = False) -> Any:
        """Which texts may hold a requested entity, and which of them need NER.

        With ``per_entity``, also the entities each text may hold: Presidio runs only their
        recognizers (no card regex on a text with fewer than 12 digits).
        """
        from privprep.detect.text import needs_ner

        text, cap = pl.col("t"), pl.col("cap")
        named = bool(NAMED.intersection(self.entities))
        capitalized = needs_ner(texts) if named else pl.repeat(False, texts.len(), eager=True)
        cued = texts.str.contains(CUE_HINT) if named and "cues" in self.features else capitalized
        checks = {e: PREFILTERS[e](text) if e in PREFILTERS else text.is_not_null()
                  for e in self.entities if e not in NAMED}  # fmt: skip
        checks |= {e: cap | pl.col("cued") for e in self.entities if e in NAMED}
        anything = pl.any_horizontal(list(checks.values()))
        ner = anything if "DATE_TIME" in self.entities else (cap if named else text.is_null())
        frame = texts.to_frame("t").with_columns(cap=capitalized, cued=cued)
        out = frame.select(any=anything, ner=ner & anything, **{f"e:{e}": c for e, c in checks.items()})
        if not per_entity:
            return out["any"].to_list(), out["ner"].to_list()
        masks = [(e, out[f"e:{e}"].to_list()) for e in checks]
        wanted = [[e for e, mask in masks if mask[i]] for i in range(out.height)]
        return out["any"].to_list(), out["ner"].to_list(), wanted

    def replace(self, texts: list[str], spans: list[list[Any]]) -> list[str]:
        """Texts with every span swapped for its replacement (computed per entity, batched)."""
        flat = [(i, r) for i, rs in enumerate(spans) for r in rs]
        subs = self.replacements([(r.entity_type, texts[i][r.start : r.end]) for i, r in flat])
        out = list(texts)
        for (i, r), sub in sorted(zip(flat, subs, strict=True), key=lambda x: (x[0][0], -x[0][1].start)):
            out[i] = out[i][: r.start] + sub + out[i][r.end :]  # right to left: offsets stay valid
        return out

    def replacements(self, found: list[tuple[str, str]]) -> list[str]:
        """One replacement per (entity, span text), in order."""
        how = self.rule.with_
        if how == "tag":
            return [f"<{entity}>" for entity, _ in found]
        if how == "redact":
            return [REDACTED] * len(found)
        if how == "mask":
            return ["".join(" " if c.isspace() else "*" for c in text) for _, text in found]
        from privprep.transforms import fake_values, pseudonym_values

        out = [""] * len(found)
        for entity in {e for e, _ in found}:
            idx = [i for i, (e, _) in enumerate(found) if e == entity]
            values = pl.Series([found[i][1] for i in idx], dtype=pl.String)
            if how == "fake":
                subs = fake_values(values, ENTITY_FAKES[entity], self.rule.locale, str(self.key_hex))
            else:
                subs = pseudonym_values(values, str(self.key_hex))
            for i, sub in zip(idx, subs.cast(pl.String).to_list(), strict=True):
                out[i] = sub
        return out


STRING = Dtypes(lambda dtype: dtype == pl.String, "a string column")


def _keyed(rule: Scrub) -> bool:
    return rule.with_ in ("fake", "pseudonymize")


@register("scrub", rule=Scrub, keyed=_keyed, dtypes=STRING, validate=validate)
def scrub(expr: pl.Expr, rule: Scrub, ctx: Context) -> pl.Expr:
    """Replace detected spans of ``rule.entities`` inside a string column."""
    purpose = {"fake": "fake", "pseudonymize": "pseudonymize"}.get(rule.with_)
    key_hex = ctx.column_key(purpose, rule.domain) if purpose else None
    terms = (ctx.terms or {}).get(ctx.column)
    scrubber = Scrubber(rule, ctx.policy, key_hex, terms=terms)
    if terms is not None and terms.own_rows is not None:  # sampled dictionary: the rows' own values too
        expr = pl.struct(expr, *(pl.col(name) for name in terms.sampled))
    return expr.map_batches(scrubber, return_dtype=pl.String, is_elementwise=True)
