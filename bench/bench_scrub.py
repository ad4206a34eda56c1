"""privprep against Presidio on the same data, ratios printed side by side.

(a) both cores: analysis (NER + recognizers) of distinct notes, one process vs a forked helper.
(b) free text: a 20,000-row notes column (``eval_data.texts``: names, e-mails, phones,
    places, order numbers, notes without personal data) scrubbed for PERSON, EMAIL_ADDRESS,
    PHONE_NUMBER and LOCATION. privprep: the ``scrub`` operator (``with: tag``) in a Polars
    select. Presidio: ``BatchAnalyzerEngine.analyze_iterator`` (batch size 256) then
    ``AnonymizerEngine.anonymize`` per text (default ``<ENTITY>`` replacement), on the same
    spaCy model. Goal: privprep ≥ 3x faster at equal or better span recall.
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

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_data
from _common import make_table, run_child
from eval_detect import SPAN_ENTITIES, span_counts

KEY = "bench-key-7f3a9c2e4b1d8f6a"
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


def _recall(gold: list[eval_data.Text], spans: list[list[tuple[int, int, str]]]) -> dict[str, float]:
    counts = span_counts(gold, spans)
    tp = sum(c[0] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    return {"recall": tp / (tp + fn), "precision": tp / (tp + fp)}


def privprep_free_text(n: int) -> dict[str, Any]:
    from privprep.detect.engine import get_detector
    from privprep.detect.scrub import Scrubber
    from privprep.keys import MasterKey
    from privprep.policy import parse_policy
    from privprep.transforms import Context, build

    gold = eval_data.texts(n)
    frame = pl.DataFrame({"notes": [t.text for t in gold]})
    policy = parse_policy("version: 1\nname: b\ncolumns:\n  notes: {action: scrub, with: tag}\n")
    get_detector()  # model and recognizers: built once per process, not timed
    ctx = Context("notes", frame.schema, MasterKey(KEY.encode()), policy)
    start = time.perf_counter()
    frame.select(build(policy.columns["notes"], ctx))
    seconds = time.perf_counter() - start
    scrubber = Scrubber(policy.columns["notes"], policy, None)
    spans = [[(r.start, r.end, r.entity_type) for r in rs] for rs in scrubber.spans(frame["notes"].to_list())]
    return {"seconds": seconds, **_recall(gold, spans)}


def presidio_free_text(n: int) -> dict[str, Any]:
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    from privprep.detect.offline import MODEL_PACKAGE, ensure_offline

    ensure_offline()
    gold = eval_data.texts(n)
    texts = [t.text for t in gold]
    config = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL_PACKAGE}]}
    analyzer = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=config).create_engine())
    batch, anonymizer = BatchAnalyzerEngine(analyzer), AnonymizerEngine()
    start = time.perf_counter()
    found = batch.analyze_iterator(texts, "en", entities=SPAN_ENTITIES, batch_size=256)
    [anonymizer.anonymize(text, results).text for text, results in zip(texts, found, strict=True)]
    seconds = time.perf_counter() - start
    spans = [[(r.start, r.end, r.entity_type) for r in rs] for rs in found]
    return {"seconds": seconds, **_recall(gold, spans)}


def both_cores(sizes: list[int]) -> dict[str, Any]:
    """Seconds to analyze ``n`` distinct notes (NER + recognizers) in one process and on both cores."""
    from privprep.detect import engine

    detector = engine.get_detector()
    texts = [t.text for t in eval_data.texts(max(sizes), seed=5)]
    out = {}
    for n in sizes:
        for label, minimum in (("one", 10**9), ("two", 1)):
            engine.PARALLEL_MIN = minimum
            start = time.perf_counter()
            detector.analyze(texts[:n], SPAN_ENTITIES, ner=[True] * n)
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
    return f"{m['seconds']:.1f} s, recall {m['recall']:.3f}, precision {m['precision']:.3f}"


def main() -> None:
    eval_data.reproducible()
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
    ours = run_child(__file__, "privprep_free_text", {"n": args.texts}).extra
    theirs = run_child(__file__, "presidio_free_text", {"n": args.texts}).extra
    ours_s = run_child(__file__, "privprep_structured", {"rows": args.rows}).extra
    theirs_s = run_child(__file__, "presidio_structured", {"rows": args.rows}).extra
    b_ratio, c_ratio = theirs["seconds"] / ours["seconds"], theirs_s["seconds"] / ours_s["seconds"]
    c_cold = theirs_s["seconds"] / (ours_s["seconds"] + ours_s["setup"])
    print("| benchmark | privprep | Presidio | ratio | goal |\n|---|---|---|---|---|")
    print(f"| (b) scrub {args.texts:,} notes | {_quality(ours)} | {_quality(theirs)} | {b_ratio:.1f}x "
          "| ≥ 3x, recall ≥ |")  # fmt: skip
    mine = f"{ours_s['seconds']:.2f} s (+ {ours_s['setup']:.1f} s set-up once per process)"
    print(
        f"| (c) structured {args.rows:,} rows | {mine} | {theirs_s['seconds']:.1f} s (analysis "
        f"{theirs_s['analysis']:.1f} s) | {c_ratio:.0f}x ({c_cold:.0f}x with set-up) | ≥ 100x |"
    )
    print(f"presidio-structured found: {theirs_s['entities']}")


if __name__ == "__main__":
    main()
