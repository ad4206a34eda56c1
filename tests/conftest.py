"""Fixtures shared by the core tests; plain helper functions live in ``tests/core_helpers.py``."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from core_helpers import KEY, POLICIES, SAMPLE


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    """The master key, also exported as ``PRIVPREP_KEY``."""
    monkeypatch.setenv("PRIVPREP_KEY", KEY)
    return KEY


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """No master key in the environment."""
    monkeypatch.delenv("PRIVPREP_KEY", raising=False)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh directory that is also the working directory (default outputs and logs land here)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="session")
def policies_dir() -> Path:
    return POLICIES


@pytest.fixture(scope="session")
def sample() -> pl.DataFrame:
    return pl.read_parquet(SAMPLE)
