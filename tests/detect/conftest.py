"""Shared fixtures: the detector (spaCy + Presidio) is built once per session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def detector():  # type: ignore[no-untyped-def]
    from privprep.detect.engine import get_detector

    return get_detector()
