"""Rendering on several cores, for card sets large enough to pay for starting workers.

Each worker renders Markdown texts on its own and sends back only the HTML of
texts that depend on nothing but themselves (no images, no problems); the main
process renders the rest itself, so problems and media are found the one way
they always are, and the result is the same as rendering everything in one place.

Whatever stops the main process while workers run (Ctrl-C, SIGTERM, an error) kills
the workers at once, rather than waiting for them to finish their chunks.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..interrupt import blocked, in_worker
from ..source.model import CardSet
from .markdown import Renderer

MIN_TEXTS_PER_WORKER = 500  # below this, starting a worker costs more than it saves

_renderer: Renderer | None = None


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
    size = -(-len(texts) // (workers * 4))  # a few chunks per worker evens out the load
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    others = set(multiprocessing.active_children())
    try:
        with ProcessPoolExecutor(
            workers, mp_context=_context(), initializer=_start, initargs=(card_set,)
        ) as pool:
            try:
                with blocked():  # the workers start with the signals blocked, see _start
                    pending = pool.map(_render, chunks)
                results = list(pending)
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


def _context() -> multiprocessing.context.BaseContext:
    # fork starts fastest and needs no pickling of the card set; it is safe on Linux.
    return multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")


def _start(card_set: CardSet) -> None:
    global _renderer
    in_worker()
    _renderer = Renderer(card_set)


def _render(texts: list[str]) -> list[str | None]:
    assert _renderer is not None
    out: list[str | None] = []
    for text in texts:
        _renderer.fresh.clear()
        html = _renderer.markdown(text, _renderer.card_set.root, None)
        out.append(html if text in _renderer.fresh else None)
    return out
