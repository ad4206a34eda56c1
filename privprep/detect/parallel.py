"""Both cores for big batches: a forked helper does the second half of the work.

spaCy's own ``n_process`` cannot be used inside a Polars ``map_batches`` call: that runs on a
Polars worker thread, and children forked from a non-main thread fail at interpreter
shutdown (spaCy then warns W127). The helper here inherits the loaded model and detector,
sends back plain tuples and leaves with ``os._exit``. If it fails, this process does its half.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


def _helper(work: Callable[[list[Any]], list[Any]], items: list[Any], conn: Connection) -> None:
    try:
        conn.send(work(items))
    finally:
        conn.close()
        os._exit(0)


def run_two(work: Callable[[list[Any]], list[Any]], items: list[Any]) -> list[Any]:
    """``work(items)``, the second half done by a forked helper; results must pickle."""
    half = len(items) // 2
    context = mp.get_context("fork")
    recv, send = context.Pipe(duplex=False)
    helper = context.Process(target=_helper, args=(work, items[half:], send), daemon=True)
    helper.start()
    send.close()
    mine = work(items[:half])
    try:
        theirs: list[Any] | None = recv.recv()
    except EOFError:
        theirs = None
    finally:
        recv.close()
        helper.join()
    if theirs is None or len(theirs) != len(items) - half:
        theirs = work(items[half:])
    return mine + theirs
