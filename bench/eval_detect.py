"""Detection quality on data privprep was not built from (mimesis + hand-written), beside Presidio.

Four parts, each printed as one Markdown table with the goals of issue 8 beside the figures:

(a) columns: ``privprep.scan`` of a 3,000-person, 34-column multi-country export
    (``eval_data.people``), with real headers and with headers ``c01``, ``c02``, ...;
    recall on the PII columns, false positives on the non-personal ones (listed), and
    presidio-structured's ``PandasAnalysisBuilder`` on the same table;
(b) free text: ~1,500 labelled sentences (``eval_text.corpus``) scrubbed for eight entities
    with ``with: tag`` through ``privprep.apply``, and by Presidio's ``BatchAnalyzerEngine`` +
    ``AnonymizerEngine`` (same entities, same model package): span leak per entity and per
    layout, non-personal words kept, throughput on the unique texts;
(c) table-aware: a customer table (``eval_data.customers``) whose notes mention the row's own
    values, structured columns faked, ``notes: scrub``: leak of the row's own values per
    source column, of other customers' values, and words kept;
(d) scan cost at two row counts (``bench_scan.py``);
(e) on request only: (a) with each of privprep's additions to Presidio switched off in turn.

    python bench/eval_detect.py             # ~10-15 minutes on 2 cores
    python bench/eval_detect.py --quick     # small sizes, about 2 minutes on an idle machine
    python bench/eval_detect.py --parts ab  # some parts only; --parts e for the ablations
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import eval_data
import eval_text
from eval_score import (
    OTHER,
    Counts,
    blank_spans,
    blank_values,
    fmt,
    kept_share,
    markdown,
    mention_leaks,
    presidio_columns,
    presidio_scrub,
    share,
    span_leaks,
    total,
)

import privprep

KEY = "eval-key-7f3a9c2e4b1d8f6a"
ENTITIES = eval_text.ENTITIES
SCRUB = f"{{action: scrub, entities: [{', '.join(ENTITIES)}], with: tag}}"
GOAL = {"recall_h": "≥ 0.95", "recall_o": "≥ 0.80", "fp": "≤ 1", "leak": "≤ 0.15", "kept": "≥ 0.95",
        "own": "≤ 0.02", "speed": "≥ 2", "scan": "≤ 1.3"}  # fmt: skip


def apply(policy_yaml: str, frame: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    """``privprep.apply`` on an in-memory frame (audit log in a temporary folder): output, seconds."""
    policy = privprep.parse_policy(policy_yaml)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        result = privprep.apply(policy, frame, key=KEY, audit_log=Path(tmp) / "audit.jsonl")
        seconds = time.perf_counter() - start
    assert isinstance(result.frame, pl.DataFrame)
    return result.frame, seconds


def scrub_notes(texts: list[str], one_core: bool = False) -> tuple[list[str], float]:
    """privprep's ``scrub`` of a one-column frame (model and recognizers warmed first, not timed).

    ``one_core``: no forked helper for big batches, so both tools get one core each (the ratio
    then barely depends on what else the machine runs).
    """
    from privprep.detect import engine

    policy = f"version: 1\nname: eval\ncolumns:\n  notes: {SCRUB}\n"
    apply(policy, pl.DataFrame({"notes": ["Warm up: Maria Lopez, maria@example.org, Berlin."]}))
    default, engine.PARALLEL_MIN = engine.PARALLEL_MIN, 10**12 if one_core else engine.PARALLEL_MIN
    try:
        out, seconds = apply(policy, pl.DataFrame({"notes": texts}))
    finally:
        engine.PARALLEL_MIN = default
    return out["notes"].to_list(), seconds


# ---- (a) columns ------------------------------------------------------------------------------------

HIDDEN = "c01, c02, ..."


def _column_row(tool: str, view: str, found: dict[str, str | None]) -> list[str]:
    labels = eval_data.PEOPLE_LABELS
    pii = [c for c, lab in labels.items() if lab == "pii"]
    missed = [c for c in pii if not found.get(c)]
    false = [f"{c} ({found[c]})" for c, lab in labels.items() if lab == "not" and found.get(c)]
    goal = GOAL["recall_h"] if view == "headers" else GOAL["recall_o"]
    recall = fmt(share(len(pii) - len(missed), len(pii)), goal)
    fp = f"{len(false)} {'✓' if len(false) <= 1 else '✗'}"
    return [tool, view, recall, goal, fp, GOAL["fp"], ", ".join(missed) or "-", ", ".join(false) or "-"]


def _views(quick: bool) -> tuple[pl.DataFrame, list[tuple[str, pl.DataFrame]], dict[str, str]]:
    """The people table, its two views (real headers, opaque) and opaque name → real name."""
    frame = eval_data.people(600 if quick else 3000)
    hidden = eval_data.opaque(frame)
    return (
        frame,
        [("headers", frame), (HIDDEN, hidden)],
        dict(zip(hidden.columns, frame.columns, strict=True)),
    )


def part_columns(quick: bool) -> str:
    frame, views, back = _views(quick)
    rows, unflagged = [], []
    for view, table in views:
        report = privprep.scan(table)
        found = {back.get(c.name, c.name): c.entity for c in report.columns}
        rows.append(_column_row("privprep", view, found))
        scores = [
            f"{back.get(c.name, c.name)} {c.score:.2f}"
            for c in report.columns
            if not c.entity and c.score > 0
        ]
        unflagged.append(f"- privprep, {view}: best score of unflagged columns: {', '.join(scores)}")
    n = 30 if quick else 100
    for view, table in views if STRUCTURED else ():
        found = {back.get(c, c): e for c, e in presidio_columns(table, n).items()}
        rows.append(_column_row(f"presidio-structured (n={n})", view, found))
    labels = Counter(eval_data.PEOPLE_LABELS.values())
    head = (
        f"### (a) Columns: {frame.height:,} people, {frame.width} columns ({labels['pii']} PII, "
        f"{labels['not']} not personal, {labels['either']} not scored)\n\n"
    )
    cols = ["tool", "headers", "recall", "goal", "false positives", "goal", "PII missed", "non-PII flagged"]
    return head + markdown(cols, rows) + "\n\n" + "\n".join(unflagged)


def part_ablation(quick: bool) -> str:
    """(a) for privprep with each of its additions to Presidio switched off in turn, and all of them."""
    from privprep.detect import scan
    from privprep.detect.report import FEATURES

    _, views, back = _views(quick)
    configs = {"all": FEATURES, **{f"-{f}": FEATURES - {f} for f in sorted(FEATURES)}, "none": frozenset()}
    rows = []
    for name, features in configs.items():
        for view, table in views:
            report = scan(table, features=features)
            rows.append(_column_row(f"privprep {name}", view, {back.get(c.name, c.name): c.entity
                                                                for c in report.columns}))  # fmt: skip
    head = "### (a') Columns, each privprep addition to Presidio off in turn\n\n"
    cols = [
        "features",
        "headers",
        "recall",
        "goal",
        "false positives",
        "goal",
        "PII missed",
        "non-PII flagged",
    ]
    return head + markdown(cols, rows)


# ---- (b) free text ------------------------------------------------------------------------------------


def _kept_row(blanked: list[str], ours: list[str], theirs: list[str]) -> list[str]:
    return [
        "non-PII words kept",
        "",
        fmt(kept_share(blanked, ours), GOAL["kept"]),
        fmt(kept_share(blanked, theirs)),
        GOAL["kept"],
    ]


LAYOUT_HEAD = ["layout", "spans", "privprep leak", "Presidio leak", "privprep kept", "Presidio kept"]


def _layouts(
    gold: list[eval_text.Text],
    blanked: list[str],
    ours: list[str],
    theirs: list[str],
    leak_a: Counts,
    leak_b: Counts,
) -> list[list[str]]:
    """Per layout: spans, leak of each tool, non-PII words kept by each tool."""
    rows = []
    for case in sorted({g.case for g in gold}):
        idx = [i for i, g in enumerate(gold) if g.case == case]
        kept = [
            f"{kept_share([blanked[i] for i in idx], [out[i] for i in idx]):.2f}" for out in (ours, theirs)
        ]
        spans = leak_a[case][1] if case in leak_a else 0
        leaks = [f"{share(*c[case]):.2f}" if spans else "-" for c in (leak_a, leak_b)]
        rows.append([case, spans, *leaks, *kept])
    return rows  # fmt: skip


def _timed_runs(texts: list[str], runs: int) -> tuple[tuple[list[str], list[str]], dict[str, float]]:
    """Both tools' outputs, and each one's best seconds over ``runs`` alternating runs (load spikes
    from other jobs only ever slow a run down)."""
    seconds: dict[str, list[float]] = defaultdict(list)
    for _ in range(runs):
        ours, s = scrub_notes(texts)
        seconds["privprep"].append(s)
        seconds["one"].append(scrub_notes(texts, one_core=True)[1])
        theirs, s = presidio_scrub(texts, ENTITIES)
        seconds["Presidio"].append(s)
    return (ours, theirs), {k: min(v) for k, v in seconds.items()}


def part_text(quick: bool) -> str:
    gold = eval_text.corpus(400 if quick else 1500)
    texts = [t.text for t in gold]
    runs = 1 if quick else 3
    (ours, theirs), best = _timed_runs(texts, runs)
    (ent_a, case_a), (ent_b, case_b) = span_leaks(gold, ours), span_leaks(gold, theirs)
    rows = [[e, ent_a[e][1], f"{share(*ent_a[e]):.2f}", f"{share(*ent_b[e]):.2f}", ""] for e in ENTITIES]
    rows.append(["**all spans**", total(ent_a)[1], fmt(share(*total(ent_a)), GOAL["leak"]),
                 fmt(share(*total(ent_b))), GOAL["leak"]])  # fmt: skip
    hand = len(eval_text.hard_cases())  # corpus() puts them first
    for label, part in (
        ("of them hand-written", slice(0, hand)),
        ("of them from templates", slice(hand, None)),
    ):
        a, b = (total(span_leaks(gold[part], out[part])[0]) for out in (ours, theirs))
        rows.append([label, a[1], f"{share(*a):.2f}", f"{share(*b):.2f}", ""])
    blanked = [blank_spans(g.text, g.spans) for g in gold]
    rows.append(_kept_row(blanked, ours, theirs))
    speed = {k: len(texts) / v for k, v in best.items()}
    rows.append([f"texts/s (unique texts, best of {runs})", len(texts), f"{speed['privprep']:.0f}",
                 f"{speed['Presidio']:.0f}", ""])  # fmt: skip
    for label, key in (("speed privprep / Presidio", "privprep"), ("the same, privprep on one core", "one")):
        rows.append([label, "", fmt(speed[key] / speed["Presidio"], GOAL["speed"]), "", GOAL["speed"]])
    layouts = _layouts(gold, blanked, ours, theirs, case_a, case_b)
    head = (
        f"### (b) Free text: {len(gold):,} sentences ({len(eval_text.hard_cases())} hand-written), "
        f"{sum(len(g.spans) for g in gold):,} labelled spans; leak = share of spans left verbatim\n\n"
    )
    return (head + markdown(["entity", "spans", "privprep leak", "Presidio leak", "goal"], rows)
            + "\n\nBy layout (`case` in eval_corpus):\n\n"
            + markdown(LAYOUT_HEAD, layouts))  # fmt: skip


# ---- (c) table-aware ----------------------------------------------------------------------------------

FAKES = {"first_name": "first_name", "last_name": "last_name", "email": "email", "phone": "phone",
         "street": "street", "city": "city"}  # fmt: skip


def customer_policy() -> str:
    cols = "".join(f"  {c}: {{action: fake, kind: {k}, domain: people}}\n" for c, k in FAKES.items())
    return f"version: 1\nname: eval-customers\ncolumns:\n  customer_id: keep\n{cols}  notes: {SCRUB}\n"


def part_table(quick: bool) -> str:
    frame, mentions = eval_data.customers(400 if quick else 2000)
    apply(customer_policy(), frame.head(3))  # warm-up
    out, seconds = apply(customer_policy(), frame)
    by_id = dict(zip(out["customer_id"].to_list(), out["notes"].to_list(), strict=True))
    notes = frame["notes"].to_list()
    ours = [by_id[i] for i in frame["customer_id"].to_list()]
    theirs = presidio_scrub(notes, ENTITIES)[0]
    a, b = mention_leaks(mentions, ours), mention_leaks(mentions, theirs)
    rows = [[k, a[k][1], f"{share(*a[k]):.2f}", f"{share(*b[k]):.2f}", ""] for k in [*FAKES, OTHER]]
    rows.append(["**row's own values**", a["own"][1], fmt(share(*a["own"]), GOAL["own"]),
                 fmt(share(*b["own"])), GOAL["own"]])  # fmt: skip
    blanked = [blank_values(n, [v for _, v in said]) for n, said in zip(notes, mentions, strict=True)]
    rows.append(_kept_row(blanked, ours, theirs))
    head = (
        f"### (c) Table-aware: {frame.height:,} customers, structured columns faked, notes scrubbed "
        f"(privprep.apply {seconds:.1f} s; Presidio sees the notes alone)\n\n"
    )
    return head + markdown(["value mentioned", "mentions", "privprep leak", "Presidio leak", "goal"], rows)


# ---- (d) scan cost ------------------------------------------------------------------------------------


def part_scan(quick: bool) -> str:
    import bench_scan

    small, big = (10_000, 200_000) if quick else (100_000, 5_000_000)
    repeat = 1 if quick else 3
    m = bench_scan.measure(small, big, repeat=repeat)
    ratio = fmt(m["scan"][big] / m["scan"][small], GOAL["scan"])
    rows = [[f"{n:,}", f"{m['scan'][n]:.2f}", f"{m['sampled'][n]:,}"] for n in (small, big)]
    rows.append(["ratio", ratio, f"goal {GOAL['scan']}"])
    head = f"### (d) Scan cost: median of {repeat}; same findings at both sizes: {m['same']}\n\n"
    return head + markdown(["rows", "scan s", "rows sampled"], rows)


STRUCTURED = True  # --no-structured: leave presidio-structured out of (a) (the slowest step of a run)
PARTS = {"a": part_columns, "b": part_text, "c": part_table, "d": part_scan, "e": part_ablation}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (< 2 minutes)")
    parser.add_argument("--parts", default="abcd", help="which parts to run, e.g. 'ab'; 'e': (a) ablations")
    parser.add_argument("--no-structured", action="store_true", help="(a) without presidio-structured")
    args = parser.parse_args()
    global STRUCTURED
    STRUCTURED = not args.no_structured
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores shared)\n")
    for part in args.parts:
        start = time.perf_counter()
        print(PARTS[part](args.quick))
        print(f"\n({time.perf_counter() - start:.0f} s)\n", flush=True)


if __name__ == "__main__":
    main()
