"""NER on both cores: a forked helper tags half of a big batch while this process tags the rest.

spaCy's own ``n_process`` cannot be used inside a Polars ``map_batches`` call: that runs on a
Polars worker thread, and children forked from a non-main thread fail at interpreter
shutdown (spaCy then warns W127). The helper here inherits the loaded model, sends back
entity offsets only and leaves with ``os._exit``. If it fails, this process tags its half.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Sequence
from multiprocessing.connection import Connection

from spacy.language import Language
from spacy.tokens import Doc

Spans = list[tuple[int, int, str]]
BATCH_SIZE = 256


def _spans(docs: Sequence[Doc] | object) -> list[Spans]:
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]  # type: ignore[union-attr]


def _helper(nlp: Language, texts: list[str], conn: Connection) -> None:
    try:
        conn.send(_spans(nlp.pipe(texts, batch_size=BATCH_SIZE)))
    finally:
        conn.close()
        os._exit(0)


def _attach(nlp: Language, text: str, spans: Spans) -> Doc:
    doc = nlp.make_doc(text)
    doc.ents = [s for s in (doc.char_span(a, b, label=lab) for a, b, lab in spans) if s is not None]
    return doc


def pipe_two(nlp: Language, texts: list[str]) -> list[Doc]:
    """NER docs for ``texts``; the second half is tagged by a forked helper process."""
    half = len(texts) // 2
    recv, send = mp.get_context("fork").Pipe(duplex=False)
    helper = mp.get_context("fork").Process(target=_helper, args=(nlp, texts[half:], send), daemon=True)
    helper.start()
    send.close()
    mine = list(nlp.pipe(texts[:half], batch_size=BATCH_SIZE))
    try:
        theirs: list[Spans] | None = recv.recv()
    except EOFError:
        theirs = None
    finally:
        recv.close()
        helper.join()
    if theirs is None or len(theirs) != len(texts) - half:
        return mine + list(nlp.pipe(texts[half:], batch_size=BATCH_SIZE))
    return mine + [_attach(nlp, t, s) for t, s in zip(texts[half:], theirs, strict=True)]
