"""Shared fixtures: the detector (spaCy + Presidio) is built once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def detector():  # type: ignore[no-untyped-def]
    from privprep.detect.engine import get_detector

    return get_detector()


@pytest.fixture(autouse=True)
def _in_tmp_dir(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """In-memory runs append to ./privprep-audit.jsonl: keep that in a temp folder."""
    monkeypatch.chdir(tmp_path)
