"""National identifiers recognized by their check digits, with python-stdnum (LGPL-2.1+).

``national_id_share`` is the share of sampled values valid under any of the national-ID
validators below: a checksum passed by chance by one random digit string in ten or so, so a
column of them is evidence without a column name (as Luhn is for card numbers).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable

import polars as pl

from privprep.detect.sampling import CHUNK, settled

# python-stdnum modules of personal identifiers (tax numbers, social security, identity cards)
# (only those with a check: ``us.ssn``, ``ar.dni``, ``pt.cc`` and ``cz.rc`` accept many random digit runs)
MODULES = (
    "es.dni", "es.nie", "nl.bsn", "br.cpf", "fr.nir", "it.codicefiscale", "de.idnr", "pl.pesel", "pt.nif",
    "se.personnummer", "dk.cpr", "no.fodselsnummer", "fi.hetu", "be.nn", "ch.ssn", "at.vnr", "ie.pps",
    "ro.cnp", "bg.egn", "ee.ik", "lt.asmens", "mx.curp", "cl.rut", "za.idnr", "tr.tckimlik",
)  # fmt: skip
CANDIDATE = r"^[\p{L}\d .\-/]{6,24}$"


@functools.cache
def _validators() -> tuple[Callable[[str], bool], ...]:
    return tuple(importlib.import_module(f"stdnum.{m}").is_valid for m in MODULES)


def _valid(value: str) -> bool:
    return sum(c.isdigit() for c in value) >= 6 and any(ok(value) for ok in _validators())


def national_id_share(texts: pl.Series) -> float:
    """Share of values that pass some country's national-ID check (per sampled value, in rounds
    of ``CHUNK`` values until the share is :func:`~privprep.detect.sampling.settled`)."""
    candidate = texts.str.contains(CANDIDATE).to_list()
    values, valid, done = texts.to_list(), 0, 0
    while done < len(values):
        chunk = range(done, min(done + CHUNK, len(values)))
        valid += sum(_valid(values[i]) for i in chunk if candidate[i])
        done = chunk.stop
        if settled([valid], done):
            break
    return valid / done if done else 0.0
