"""Nothing downloads: no spaCy model download, no public-suffix fetch; NER-less fallback."""

from __future__ import annotations

import logging
import socket

import polars as pl
import pytest
import spacy.cli
import tldextract

from privprep.detect import engine, offline, scan
from privprep.policy import parse_policy


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(spacy.cli, "download", refuse)


@pytest.fixture
def fresh_detectors():  # type: ignore[no-untyped-def]
    """Detectors and the model built anew inside the test, and again afterwards."""
    engine._cached.cache_clear()
    offline.load_ner_model.cache_clear()
    yield
    engine._cached.cache_clear()
    offline.load_ner_model.cache_clear()


def test_model_loads_and_emails_validate_offline(no_network, fresh_detectors) -> None:  # type: ignore[no-untyped-def]
    report = scan(pl.LazyFrame({"contact": ["ana.silva@mail.example.co.uk", "jo@example.org"] * 5}))
    assert report.ner and report.finding("contact").entity == "EMAIL_ADDRESS"
    assert tldextract.extract("a@mail.example.co.uk").suffix == "co.uk"


def test_suffix_list_is_the_bundled_snapshot() -> None:
    import tldextract.tldextract as tld

    offline.ensure_offline()
    extractor = tld.TLD_EXTRACTOR
    assert extractor.suffix_list_urls == () and extractor.fallback_to_snapshot


def test_without_the_model_patterns_still_run(  # type: ignore[no-untyped-def]
    no_network, fresh_detectors, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    missing = offline.load_ner_model.__wrapped__
    monkeypatch.setattr(engine, "load_ner_model", lambda: missing("privprep_no_such_model"))
    frame = pl.LazyFrame({"email": ["ana@example.org", "bo@example.net"] * 5, "who": ["Maria Lopez"] * 10})
    with caplog.at_level(logging.WARNING, logger="privprep.detect"):
        first, second = scan(frame), scan(frame)
    assert not first.ner and not second.ner and first.settings["ner_model"] is None
    assert first.finding("email").entity == "EMAIL_ADDRESS"
    assert all(not s["signal"].startswith("ner:") for s in first.finding("who").evidence["signals"])
    warned = [r for r in caplog.records if "pattern recognizers only" in r.getMessage()]
    assert len(warned) == 1


def test_policy_can_turn_ner_off(fresh_detectors, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    policy = parse_policy("version: 1\nname: t\ndetect: {ner: false}\n")
    with caplog.at_level(logging.WARNING, logger="privprep.detect"):
        report = scan(pl.LazyFrame({"email": ["ana@example.org"] * 3}), policy=policy)
    assert not report.ner and report.finding("email").entity == "EMAIL_ADDRESS"
    assert not [r for r in caplog.records if r.name == "privprep.detect"]
