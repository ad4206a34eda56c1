"""Analysis on both cores gives what one process gives, and survives a failed helper."""

from __future__ import annotations

import os

import pytest

from privprep.detect import engine, parallel

TEXTS = [
    "Maria Lopez flew to Berlin on Monday.",
    "nothing to see here",
    "Jan Kowalski met Chloé Martin in Lyon, call +33 4 72 10 30 30.",
    "Call Ahmed at the Cairo office.",
] * 3


def _spans(results) -> list[list[tuple[str, int, int, float]]]:  # type: ignore[no-untyped-def]
    return [[(r.entity_type, r.start, r.end, round(r.score, 3)) for r in rs] for rs in results]


def test_two_processes_match_one(detector, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    flags = [True, False, True, True] * 3
    entities = ["PERSON", "LOCATION", "PHONE_NUMBER"]
    single = _spans(detector.analyze(TEXTS, entities, ner=flags))
    monkeypatch.setattr(engine, "PARALLEL_MIN", 2)
    assert _spans(detector.analyze(TEXTS, entities, ner=flags)) == single
    assert single[1] == [] and {e for rs in single for e, *_ in rs} == set(entities)


def test_failed_helper_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def dies(work, items, conn) -> None:  # type: ignore[no-untyped-def]
        conn.close()
        os._exit(3)

    monkeypatch.setattr(parallel, "_helper", dies)
    assert parallel.run_two(lambda part: [x * 2 for x in part], list(range(7))) == [x * 2 for x in range(7)]
