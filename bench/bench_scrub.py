"""privprep against Presidio on the same data, ratios printed side by side.

(a) both cores: analysis (NER + recognizers) of distinct notes, one process vs a forked helper.
(b) free text: a 20,000-row notes column of distinct texts (``eval_text.corpus``: mimesis
    values in support-note templates plus the hand-written hard cases) scrubbed for the eight
    entities of ``eval_detect.py``. privprep: ``privprep.apply`` with ``notes: scrub``
    (``with: tag``). Presidio: ``BatchAnalyzerEngine.analyze_iterator`` (batch size 256) then
    ``AnonymizerEngine.anonymize`` per text (default ``<ENTITY>`` replacement), on the same
    spaCy model package. Goal: privprep ≥ 2x faster at a lower span leak.
(c) structured: a 100,000-row, ten-column customer table. privprep: ``privprep.apply`` with
    a policy (pseudonymize id, fake name/e-mail/city, mask phone, generalize zip and birth
    date). presidio-structured: ``PandasAnalysisBuilder.generate_analysis`` (on a 1,000-row
    sample, its ``n``) then ``StructuredEngine.anonymize`` with comparable operators.
    Goal: privprep ≥ 100x faster.

Each side runs in a fresh child process; engine and model construction are not timed.

    python bench/bench_scrub.py                     # ~5 minutes
    python bench/bench_scrub.py --texts 4000 --rows 20000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_text
from _common import make_table, run_child
from eval_detect import scrub_notes
from eval_score import presidio_scrub, survives

KEY = "bench-key-0123456789abcdef"
POLICY = """version: 1
name: bench
columns:
  id: pseudonymize
  name: {action: fake, kind: name}
  email: {action: fake, kind: email}
  phone: {action: mask, keep_last: 2}
  city: {action: fake, kind: city}
  zip: {action: generalize, keep_prefix: 3}
  birth_date: {action: generalize, to: year}
unlisted: keep
"""


def _leak(gold: list[eval_text.Text], out: list[str]) -> float:
    """Share of labelled spans still verbatim in the output."""
    spans = [
        (value, scrubbed) for text, scrubbed in zip(gold, out, strict=True) for _, value in text.values()
    ]
    return sum(survives(v, o) for v, o in spans) / len(spans)


def free_text(n: int, tool: str) -> dict[str, Any]:
    """Seconds and span leak of one tool on ``n`` distinct notes (engine built and warmed first)."""
    gold = eval_text.corpus(n)
    texts = [t.text for t in gold]
    out, seconds = scrub_notes(texts) if tool == "privprep" else presidio_scrub(texts, eval_text.ENTITIES)
    return {"seconds": seconds, "leak": _leak(gold, out)}


def both_cores(sizes: list[int]) -> dict[str, Any]:
    """Seconds to analyze ``n`` distinct notes (NER + recognizers) in one process and on both cores."""
    from privprep.detect import engine

    detector = engine.get_detector()
    texts = [t.text for t in eval_text.corpus(max(sizes), seed=5)]
    out = {}
    for n in sizes:
        for label, minimum in (("one", 10**9), ("two", 1)):
            engine.PARALLEL_MIN = minimum
            start = time.perf_counter()
            detector.analyze(texts[:n], list(eval_text.ENTITIES), ner=[True] * n)
            out[f"{label}:{n}"] = time.perf_counter() - start
    return out


def privprep_structured(rows: int) -> dict[str, Any]:
    import privprep
    from privprep.policy import parse_policy

    frame, policy = make_table(rows), parse_policy(POLICY)
    log = "/tmp/privprep-bench/audit.jsonl"
    start = time.perf_counter()
    privprep.apply(policy, frame.head(100), key=KEY, audit_log=log)  # one-time set-up: keyed Faker pools
    setup = time.perf_counter() - start
    start = time.perf_counter()
    privprep.apply(policy, frame, key=KEY, audit_log=log)
    return {"seconds": time.perf_counter() - start, "setup": setup}


def presidio_structured(rows: int) -> dict[str, Any]:
    from faker import Faker
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer.entities import OperatorConfig
    from presidio_structured import PandasAnalysisBuilder, StructuredEngine

    from privprep.detect.offline import MODEL_PACKAGE, ensure_offline

    ensure_offline()
    frame = make_table(rows).to_pandas().astype(object).fillna("")  # it needs text, writes strings
    frame["birth_date"] = frame["birth_date"].astype(str)  # its analyzer takes primitives only
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL_PACKAGE}]}
    analyzer = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine())
    fake = Faker()
    operators = {
        "PERSON": OperatorConfig("custom", {"lambda": lambda _: fake.name()}),
        "EMAIL_ADDRESS": OperatorConfig("custom", {"lambda": lambda _: fake.email()}),
        "LOCATION": OperatorConfig("custom", {"lambda": lambda _: fake.city()}),
        "PHONE_NUMBER": OperatorConfig("mask", {"masking_char": "*", "chars_to_mask": 12, "from_end": False}),
        "DEFAULT": OperatorConfig("replace"),
    }
    start = time.perf_counter()
    analysis = PandasAnalysisBuilder(analyzer=analyzer).generate_analysis(frame, n=1000)
    analyzed = time.perf_counter() - start
    StructuredEngine().anonymize(frame, analysis, operators)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "analysis": analyzed, "entities": analysis.entity_mapping}


def _quality(m: dict[str, Any]) -> str:
    return f"{m['seconds']:.1f} s, span leak {m['leak']:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    Path("/tmp/privprep-bench").mkdir(exist_ok=True)
    sizes = [250, 500, 1000, 2000, 8000]
    procs = run_child(__file__, "both_cores", {"sizes": sizes}).extra
    print("(a) analysis of distinct notes: one process vs both cores (forked helper)")
    for n in sizes:
        one, two = procs[f"one:{n}"], procs[f"two:{n}"]
        print(f"    {n:>5} notes: {one:.2f} s vs {two:.2f} s  ({one / two:.2f}x)")
    ours = run_child(__file__, "free_text", {"n": args.texts, "tool": "privprep"}).extra
    theirs = run_child(__file__, "free_text", {"n": args.texts, "tool": "presidio"}).extra
    ours_s = run_child(__file__, "privprep_structured", {"rows": args.rows}).extra
    theirs_s = run_child(__file__, "presidio_structured", {"rows": args.rows}).extra
    b_ratio, c_ratio = theirs["seconds"] / ours["seconds"], theirs_s["seconds"] / ours_s["seconds"]
    c_cold = theirs_s["seconds"] / (ours_s["seconds"] + ours_s["setup"])
    print("| benchmark | privprep | Presidio | ratio | goal |\n|---|---|---|---|---|")
    print(f"| (b) scrub {args.texts:,} notes | {_quality(ours)} | {_quality(theirs)} | {b_ratio:.1f}x "
          "| ≥ 2x, lower leak |")  # fmt: skip
    mine = f"{ours_s['seconds']:.2f} s (+ {ours_s['setup']:.1f} s set-up once per process)"
    print(
        f"| (c) structured {args.rows:,} rows | {mine} | {theirs_s['seconds']:.1f} s (analysis "
        f"{theirs_s['analysis']:.1f} s) | {c_ratio:.0f}x ({c_cold:.0f}x with set-up) | ≥ 100x |"
    )
    print(f"presidio-structured found: {theirs_s['entities']}")


if __name__ == "__main__":
    main()
