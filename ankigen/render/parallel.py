"""Rendering on several cores, for card sets large enough to pay for starting workers.

Each worker renders Markdown texts on its own and sends back only the HTML of
texts that depend on nothing but themselves (no images, no problems); the main
process renders the rest itself, so problems and media are found the one way
they always are, and the result is the same as rendering everything in one place.

Whatever stops the main process while workers run (Ctrl-C, SIGTERM, an error) kills
the workers at once, rather than waiting for them to finish their chunks. The texts
reach the workers with the card set, when they start; a task is only a chunk's
number. (A chunk of texts sent as a task could leave the queue's feeder thread
blocked for good on a pipe that no dead worker reads, and the process hanging at
exit. Futures are awaited one by one, not through ``Executor.map``, whose cleanup
cancels them, so that the pool's own cleanup then fails on Python 3.11.)
"""

from __future__ import annotations

import os
import sys
from typing import Any

from ..interrupt import blocked, in_worker
from ..source.model import CardSet
from .markdown import Renderer

MIN_TEXTS_PER_WORKER = 500  # below this, starting a worker costs more than it saves

_renderer: Renderer | None = None
_chunks: list[list[str]] = []


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def render_in_parallel(
    card_set: CardSet, texts: list[str], workers: int | None = None
) -> dict[str, str]:
    """HTML by text for those ``texts`` that render cleanly; {} when not worth it."""
    workers = min(workers or available_cores(), len(texts) // MIN_TEXTS_PER_WORKER)
    if workers < 2:
        return {}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = -(-len(texts) // (workers * 4))  # a few chunks per worker evens out the load
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    others = set(multiprocessing.active_children())
    try:
        with ProcessPoolExecutor(
            workers, mp_context=_context(), initializer=_start, initargs=(card_set, chunks)
        ) as pool:
            try:
                with blocked():  # the workers start with the signals blocked, see _start
                    futures = [pool.submit(_render, i) for i in range(len(chunks))]
                results = [future.result() for future in futures]
            except BaseException:
                for worker in set(multiprocessing.active_children()) - others:
                    worker.kill()  # so that leaving the pool does not wait for them
                raise
    except (BrokenProcessPool, OSError):
        return {}  # the main process renders everything itself
    return {
        text: html
        for chunk, result in zip(chunks, results, strict=True)
        for text, html in zip(chunk, result, strict=True)
        if html is not None
    }


def _context() -> Any:
    """fork starts fastest and needs no pickling of the card set; it is safe on Linux."""
    import multiprocessing

    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def _start(card_set: CardSet, chunks: list[list[str]]) -> None:
    global _renderer, _chunks
    in_worker()
    _renderer, _chunks = Renderer(card_set), chunks


def _render(chunk: int) -> list[str | None]:
    assert _renderer is not None
    out: list[str | None] = []
    for text in _chunks[chunk]:
        _renderer.fresh.clear()
        html = _renderer.markdown(text, _renderer.card_set.root, None)
        out.append(html if text in _renderer.fresh else None)
    return out
