"""SIGINT and SIGTERM end a command cleanly: each becomes an exception in the main
thread, so that every temporary file is removed on the way out and the exit code
says which signal it was (128 + its number, as a shell reports it).

Only the first signal interrupts; later ones (a second Ctrl-C) are ignored, so they
cannot cut the cleanup short. A ``deferred()`` block, such as renaming finished files into
place, is never cut in half: a signal that arrives during it is raised after it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """A signal asked the command to stop. A KeyboardInterrupt, so no ``except Exception``
    swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
        self.exit_code = 128 + signum
        self.name = signal.Signals(signum).name


class _State:
    installed = False
    deferring = 0  # depth of deferred() blocks
    pending: int | None = None  # the first signal, not yet raised
    seen = False  # a signal came: later ones are ignored


def _handler(signum: int, frame: FrameType | None) -> None:
    if _State.seen:
        return
    _State.seen = True
    if _State.deferring:
        _State.pending = signum
    else:
        raise Interrupted(signum)


@contextmanager
def signals_as_exceptions() -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM raise Interrupted in the main thread."""
    if threading.current_thread() is not threading.main_thread() or _State.installed:
        yield
        return
    previous = {s: signal.signal(s, _handler) for s in SIGNALS}
    _State.installed, _State.seen, _State.pending = True, False, None
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _State.installed, _State.seen, _State.pending = False, False, None


@contextmanager
def deferred() -> Iterator[None]:
    """A block that no signal interrupts; one that arrived meanwhile is raised after it."""
    _State.deferring += 1
    try:
        yield
    finally:
        _State.deferring -= 1
    if not _State.deferring and _State.pending is not None:
        signum, _State.pending = _State.pending, None
        raise Interrupted(signum)


@contextmanager
def blocked() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done; processes and threads started in
    it begin with them blocked too, so that none starts with the parent's handlers."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def in_worker() -> None:
    """For a worker process started in a ``blocked()`` block: Ctrl-C is the parent's to
    handle (it stops the workers), and SIGTERM kills at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)
