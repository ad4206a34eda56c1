"""Table-aware scrubbing: the table's own personal data, looked for in its free text.

The plan says which columns feed a scrubbed column (:func:`sources_for`, pure); the engine
collects their distinct *input* values in one query before the projection
(:func:`collect_terms`); :class:`Terms` turns them into written forms
(:mod:`privprep.detect.forms`), each with the replacement the structured column gives the
same value, and finds them in texts with one Aho-Corasick automaton (``pyahocorasick``,
leftmost-longest, case-folded, on word boundaries). Phone numbers and other digit
identifiers are found by their last digits whatever the separators.

Matches become placeholders (one private-use character each) before Presidio runs, so a
name already replaced is never detected again, and are filled in afterwards. Memory and
build time per distinct value: docs/detection.md; above ``max_values`` distinct values
(default 250,000) a column is sampled, and the audit record and the run's warnings say so.
"""

from __future__ import annotations

import functools
import re
import threading
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import ahocorasick
import polars as pl

from privprep.detect.forms import (
    DIGIT_KEY,
    MIN_VALUE,
    MIN_WORD,
    PART_RANK,
    common_words,
    digit_key,
    forms,
    with_parts,
)
from privprep.keys import MasterKey

PROTECTING = frozenset({"pseudonymize", "fake", "mask", "redact", "drop"})
PLACEHOLDER = 0xF0000  # Supplementary Private Use Area-A: one character per match
OWN_BASE = 0x7FFF  # placeholders of a batch's own rows come after the dictionary's
SAMPLE_SEED = 20
_PHONE_TEXT = re.compile(r"(?<![\w+])(?:\+|00)?(?:\(\d+\)\s*)?\d[\d ().\-/]{5,22}\d(?!\w)")
_PLACEHOLDERS = re.compile("[\U000f0000-\U000ffffd]")
_KINDS = {"name": "name", "first_name": "name", "last_name": "name", "email": "email", "phone": "phone",
          "address": "address", "street": "address", "city": "address"}  # fmt: skip
_ENTITY_KINDS = {"PERSON": "name", "EMAIL_ADDRESS": "email", "PHONE_NUMBER": "phone", "LOCATION": "address"}
_KIND_ENTITY = {"name": "PERSON", "email": "EMAIL_ADDRESS", "phone": "PHONE_NUMBER", "address": "LOCATION"}
_NAME_HINTS = [
    ("email", r"mail"),
    ("phone", r"phone|tel|mobile|fax|cell|handy"),
    ("address", r"street|address|addr|strasse|straße|rue|calle|via|city|town|ort|ville|ciudad|citta|stadt"),
    ("name", r"name|first|last|surname|maiden|vorname|prenom|prénom|nom|apellido|cognome|nome|naam"),
]


def sources_for(column: Any, columns: list[Any]) -> list[Any]:
    """The columns whose values ``column`` (a scrub ``ColumnPlan``) looks for, by ``from_columns``.

    ``auto``: every other column the policy protects (pseudonymize, fake, mask, redact, drop)
    and every column detection classified as personal data; ``none``: no column. Nested
    columns (lists, structs) and binary ones (bytes have no written form) are not looked for.
    """
    wanted = column.rule.from_columns
    if wanted == "none":
        return []
    scalar = [
        c for c in columns if c.name != column.name and not c.dtype.is_nested() and c.dtype != pl.Binary
    ]
    if wanted == "auto":
        return [c for c in scalar if c.action != "scrub" and (c.action in PROTECTING or c.entity is not None)]
    return [c for c in scalar if c.name in wanted]


def kind_of(column: Any) -> str:
    """How a source column's values are written: name, email, phone, address or other."""
    rule_kind = getattr(column.rule, "kind", None)
    if rule_kind is not None:
        return _KINDS.get(rule_kind, "other")
    if column.entity in _ENTITY_KINDS:
        return _ENTITY_KINDS[column.entity]
    low = column.name.lower()
    return next((kind for kind, hint in _NAME_HINTS if re.search(hint, low)), "other")


def entity_of(column: Any) -> str:
    """The tag a match from ``column`` gets: its kind's entity, detection's, or ``PII``."""
    return _KIND_ENTITY.get(kind_of(column)) or column.entity or "PII"


@dataclass
class Terms:
    """The written forms of the source columns' values for one scrubbed column, and its matches."""

    sources: list[str]
    replacements: pl.Series  # per entry; null: computed from the matched text (``with: mask``)
    entry_source: array  # source index per entry
    lengths: array  # key length per entry
    words: Any  # Aho-Corasick automaton over the text forms
    digits: Any  # trie: digit key → entry
    sampled: dict[str, int] = field(default_factory=dict)  # source → values kept (sampled sources only)
    values: dict[str, int] = field(default_factory=dict)  # source → distinct values
    counts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: int = 0  # first placeholder: 0 for the table's dictionary, OWN_BASE for a batch's own rows
    own_rows: Any = None  # sampled sources only: values of a batch's rows → their Terms

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (shipped to Spark executors) without its lock."""
        return {k: v for k, v in self.__dict__.items() if k != "lock"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, lock=threading.Lock())

    @property
    def _placeholders(self) -> re.Pattern[str]:
        first = PLACEHOLDER + self.base
        return re.compile(f"[{chr(first)}-{chr(first + OWN_BASE - 1)}]")

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """Non-overlapping ``(start, end, entry)`` matches in ``text``, left to right."""
        low = text.lower()
        if len(low) != len(text):  # a rare character changes length when lower-cased
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        found: list[tuple[int, int, int]] = []
        for last, entry in self.words.iter_long(low) if len(self.words) else ():  # none: no automaton
            start, end = last - self.lengths[entry] + 1, last + 1
            if (start == 0 or not low[start - 1].isalnum()) and (end == len(low) or not low[end].isalnum()):
                found.append((start, end, entry))
        if len(self.digits) and sum(c.isdigit() for c in text) >= 7:
            for m in _PHONE_TEXT.finditer(text):
                entry = self.digits.get(re.sub(r"\D", "", m.group())[-9:], -1)
                if entry >= 0 and all(m.end() <= s or m.start() >= e for s, e, _ in found):
                    found.append((m.start(), m.end(), entry))
            found.sort()
        return found

    def mark(self, texts: list[str], rows: list[int]) -> tuple[list[str], list[list[tuple[int, str]]]]:
        """Texts with each match turned into a placeholder, and per text its (entry, matched text).

        ``rows``: how many rows hold each text, for the per-source match counts.
        """
        marked, matched = [], []
        counts: Counter[str] = Counter()
        for text, n in zip(texts, rows, strict=True):
            found = self.find(text)
            if not found:
                marked.append(text)
                matched.append([])
                continue
            text = _PLACEHOLDERS.sub("\ufffd", text)  # the input's own private-use characters (same length)
            pieces, pos = [], 0
            for k, (start, end, _) in enumerate(found):
                pieces += [text[pos:start], chr(PLACEHOLDER + self.base + k)]
                pos = end
            marked.append("".join([*pieces, text[pos:]]))
            matched.append([(entry, text[start:end]) for start, end, entry in found])
            for _, _, entry in found:
                counts[self.sources[self.entry_source[entry]]] += n
        with self.lock:
            self.counts.update(counts)
        return marked, matched

    def fill(self, marked: list[str], matched: list[list[tuple[int, str]]]) -> list[str]:
        """Placeholders replaced by each match's replacement."""
        entries = [entry for found in matched for entry, _ in found]
        subs = iter(self.replacements.gather(entries).to_list() if entries else [])
        out, placeholders, first = [], self._placeholders, PLACEHOLDER + self.base
        for text, found in zip(marked, matched, strict=True):
            repl = [sub if (sub := next(subs)) is not None else _mask(original) for _, original in found]
            out.append(placeholders.sub(lambda m, r=repl: r[ord(m.group()) - first], text) if repl else text)
        return out

    def record(self) -> dict[str, Any]:
        """What the audit record says: per source column, distinct values, sample and matches."""
        out: dict[str, Any] = {"sources": self.sources, "values": self.values,
                               "matches": {s: self.counts.get(s, 0) for s in self.sources}}  # fmt: skip
        if self.sampled:
            out["sampled"] = self.sampled
        return out


def placeholder_overlap(text: str, start: int, end: int) -> bool:
    """Whether a span of a marked text covers a placeholder (a match already replaced)."""
    return _PLACEHOLDERS.search(text, start, end) is not None


def _mask(text: str) -> str:
    return "".join(" " if c.isspace() else "*" for c in text)


def build_terms(
    rule: Any,
    sources: list[Any],
    values: dict[str, pl.Series],
    replace: Any,
) -> Terms:
    """Terms for one scrubbed column; ``replace(source, values) -> Series`` gives replacements."""
    parts, digit_parts, repl = [], [], []
    for i, source in enumerate(sources):
        column = values[source.name]
        text = column.cast(pl.String)
        frame = pl.DataFrame({"value": text, "id": pl.int_range(len(text), eager=True)}).drop_nulls("value")
        kind = kind_of(source)
        found = forms(frame, kind if kind != "phone" else "other").with_columns(source=pl.lit(i))
        parts.append(found)
        digit_parts.append(frame.select(key=digit_key(pl.col("value")), part=pl.lit("full"), id="id",
                                        source=pl.lit(i)).drop_nulls("key"))  # fmt: skip
        repl.append(pl.DataFrame({"r": replace(source, column)}).with_columns(
            id=pl.int_range(pl.len()), source=pl.lit(i)))  # fmt: skip
    rank = pl.col("part").replace_strict(PART_RANK, default=1, return_dtype=pl.Int8)
    table = (
        pl.concat(
            [pl.concat(parts).with_columns(digits=False), pl.concat(digit_parts).with_columns(digits=True)]
        )
        .with_columns(rank=rank)
        .sort("rank", "source", maintain_order=True)
        .unique(["key", "digits"], keep="first")
        .join(pl.concat(repl), on=["source", "id"], how="left")
        .pipe(with_parts)
    )
    words, digits = (ahocorasick.Automaton(ahocorasick.STORE_INTS) for _ in range(2))
    for entry, (key, is_digits) in enumerate(
        zip(table["key"].to_list(), table["digits"].to_list(), strict=True)
    ):
        (digits if is_digits else words).add_word(key, entry)
    if len(words):
        words.make_automaton()
    return Terms(
        sources=[s.name for s in sources],
        replacements=table["r"],
        entry_source=array("H", table["source"].to_list()),
        lengths=array("H", table["key"].str.len_chars().clip(upper_bound=65535).to_list()),
        words=words,
        digits=digits,
    )


def record_terms(sources: list[Any], texts: list[str | None], replacements: list[str | None]) -> Terms | None:
    """:func:`build_terms` of one record (serving): each source's one value and its replacement.

    Built in Python, without a query: a few values need no vectorized pass. Only printable
    ASCII values of name, e-mail and other kinds are taken (their forms have no accent folding
    and no Unicode classes); ``None`` otherwise, and the caller builds the terms in Polars.
    """
    if any(t is not None and not (t.isascii() and t.isprintable()) for t in texts):
        return None
    kinds = [kind_of(s) for s in sources]
    if "address" in kinds:
        return None
    common = _common_set()
    rows = []  # (rank, source, key, digits, part, replacement)
    for i, (text, kind, replacement) in enumerate(zip(texts, kinds, replacements, strict=True)):
        if text is None:
            continue
        for form, part in _ascii_forms(text, kind):
            key = form.lower()
            single = _SEPARATED.search(key) is None
            if len(key) >= MIN_VALUE and not (single and (len(key) < MIN_WORD or key in common)):
                rows.append((PART_RANK.get(part, 1), i, key, False, part, replacement))
        digits = re.sub(r"\D", "", text)
        if 7 <= len(digits) <= 19 and sum(c.isalpha() for c in text) <= 3:
            rows.append((0, i, digits[-DIGIT_KEY:], True, "full", replacement))
    kept: dict[tuple[str, bool], tuple[int, str, str | None]] = {}
    for _, i, key, digit, part, replacement in sorted(rows, key=lambda r: (r[0], r[1])):
        kept.setdefault((key, digit), (i, part, replacement))
    words, digit_trie = (ahocorasick.Automaton(ahocorasick.STORE_INTS) for _ in range(2))
    for entry, (key, digit) in enumerate(kept):
        (digit_trie if digit else words).add_word(key, entry)
    if len(words):
        words.make_automaton()
    return Terms(
        sources=[s.name for s in sources],
        replacements=pl.Series([_part_text(r, part) for _, part, r in kept.values()], dtype=pl.String),
        entry_source=array("H", [i for i, _, _ in kept.values()]),
        lengths=array("H", [min(len(key), 65535) for key, _ in kept]),
        words=words,
        digits=digit_trie,
    )


_SEPARATED = re.compile(r"[\s,.@\d-]")
_REPLACEMENT_PARTS = re.compile(r"[ @,]")


@functools.cache
def _common_set() -> frozenset[str]:
    return frozenset(common_words().to_list())


def _ascii_forms(text: str, kind: str) -> list[tuple[str, str]]:
    """:func:`~privprep.detect.forms.forms` of one printable ASCII value: (form, part)."""
    value = text.strip()
    if len(value) < MIN_VALUE:
        return []
    found = [(value, "full")]
    if kind == "name":
        words = [w for w in re.sub(r"[^A-Za-z'\-.]+", " ", value).strip().split(" ") if w]
        if len(words) >= 2:
            first, last = words[0], words[-1]
            bare = first.strip(".")
            found += [(f"{first} {last}", "full"), (f"{last}, {first}", "last_first"),
                      (f"{bare[:1]}. {last}", "initial"), (bare, "first"), (last, "last")]  # fmt: skip
        elif words:
            found.append((words[0], "full"))
    elif kind == "email" and "@" in value:
        found.append((value.split("@")[0], "local"))
    return found


def _part_text(replacement: str | None, part: str) -> str | None:
    """:func:`~privprep.detect.forms.with_parts` of one replacement (no address parts here)."""
    if replacement is None or part == "full" or _REPLACEMENT_PARTS.search(replacement) is None:
        return replacement
    words = replacement.split(" ")
    first, last = words[0], words[-1]
    pieces = {"first": first, "last": last, "last_first": f"{last}, {first}",
              "initial": f"{first[:1]}. {last}", "local": replacement.split("@")[0]}  # fmt: skip
    return pieces.get(part, replacement)


def _own_terms(
    rule: Any, sources: list[Any], replace: Any, table: Terms, values: dict[str, pl.Series]
) -> Terms:
    """Terms of one batch's own rows (sampled sources), counting into the table's terms."""
    own = build_terms(rule, sources, values, replace)
    own.base, own.counts, own.lock = OWN_BASE, table.counts, table.lock
    return own


def collect_terms(plan: Any, frame: pl.LazyFrame, key: MasterKey) -> tuple[dict[str, Terms], list[str]]:
    """Every scrubbed column's terms, from the distinct input values of its sources (one query).

    Returns the terms and warnings (a sampled dictionary). Replacements are computed here, by
    the sources' own operators, so a match gets exactly what the structured column gets.
    """
    from privprep.detect.replace import replacer

    wanted = {name: sources for name, sources in plan.text_sources.items() if sources}
    names = sorted({s.name for sources in wanted.values() for s in sources})
    if not names:
        return {}, []
    distinct = frame.select(pl.col(n).drop_nulls().unique().sort().implode() for n in names).collect()
    columns = {n: distinct[n][0] for n in names}
    out, warnings = {}, []
    for column in plan.columns:
        if column.name not in wanted:
            continue
        rule, sources = column.rule, wanted[column.name]
        values, sampled = {}, {}
        for source in sources:
            series = columns[source.name]
            if series.len() > rule.max_values:
                series = series.sample(rule.max_values, seed=SAMPLE_SEED)
                sampled[source.name] = rule.max_values
                warnings.append(
                    f"scrub of {column.name!r}: {source.name!r} has more than {rule.max_values:,} distinct"
                    f" values; its dictionary is a sample of {rule.max_values:,} (scrub.max_values)"
                )
            values[source.name] = series
        replace = replacer(plan, column, key)
        terms = build_terms(rule, sources, values, replace)
        terms.sampled = sampled
        if sampled:  # the rows' own values must be found even when outside the sample
            own = [s for s in sources if s.name in sampled]
            terms.own_rows = functools.partial(_own_terms, rule, own, replace, terms)
        terms.values = {s.name: columns[s.name].len() for s in sources}
        out[column.name] = terms
    return out, warnings
