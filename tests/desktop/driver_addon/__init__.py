"""The desktop test's hands inside Anki: an add-on, installed only in the test's
throwaway profile, that runs the test's commands on Anki's main thread.

It listens on the Unix socket named by ANKIGEN_DRIVER_SOCKET and answers each JSON
line ``{"command": name, "args": {...}}`` with one JSON line, ``{"ok": result}`` or
``{"error": text}``. It only drives the app as a learner would (import a file, open a
deck, show a card, turn the page) and evaluates the test's probes in the page; every
check is in the test."""

from __future__ import annotations

import itertools
import json
import os
import queue
import socket
import threading
import traceback
from collections.abc import Callable
from typing import Any

from aqt import gui_hooks, mw
from aqt.import_export.import_dialog import ImportDialog
from aqt.import_export.importing import import_file
from aqt.qt import QApplication, QTimer
from aqt.theme import Theme
from aqt.webview import AnkiWebView

Reply = Callable[[Any], None]
COMMANDS: dict[str, Callable[..., None]] = {}
FILTERED_DECK = "ankigen desktop test"
_tokens = itertools.count(1)


def command(fn: Callable[..., None]) -> Callable[..., None]:
    COMMANDS[fn.__name__] = fn
    return fn


def _evaluate(web: AnkiWebView, code: str, reply: Reply) -> None:
    """Evaluates a JavaScript expression, awaiting it if it is a promise, and replies with
    its JSON value. Goes through AnkiWebView's own queue, so it runs after what Anki has
    already asked the page to do."""
    token = next(_tokens)
    web.eval(
        "(window.__ankigen = window.__ankigen || {}), (async () => {"
        f" try {{ return {{ok: await ({code})}}; }}"
        " catch (e) { return {error: String(e && e.stack || e)}; } })()"
        f".then(r => {{ window.__ankigen[{token}] = JSON.stringify(r); }});"
    )

    def poll() -> None:
        web.evalWithCallback(f"window.__ankigen?.[{token}] ?? null", got)

    def got(value: str | None) -> None:
        if value is None:
            QTimer.singleShot(20, poll)
            return
        result = json.loads(value)  # {"ok": ...}, {"error": ...}, or {} for undefined
        reply(
            RuntimeError(f"in the page: {result['error']}")
            if "error" in result
            else result.get("ok")
        )

    poll()


@command
def ready(reply: Reply) -> None:
    """Replies once the profile is open and the deck list shown."""
    if mw.col and mw.state == "deckBrowser":
        reply(mw.state)
    else:
        QTimer.singleShot(20, lambda: ready(reply))


@command
def open_file(reply: Reply, path: str) -> None:
    """Opens a file as double-clicking it does (File > Import takes the same path)."""
    import_file(mw, path)
    reply(type(_import_dialog()).__name__)


def _import_dialog() -> ImportDialog:
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, ImportDialog))


@command
def close_import_dialog(reply: Reply) -> None:
    _import_dialog().reject()
    reply(True)


def _once(hook: Any, reply: Reply) -> None:
    """Replies with the state once ``hook`` next runs."""

    def handler(*_: Any) -> None:
        hook.remove(handler)
        reply(mw.state)

    hook.append(handler)


@command
def deck_browser(reply: Reply) -> None:
    _once(gui_hooks.deck_browser_did_render, reply)  # it renders in the background
    mw.moveToState("deckBrowser")


@command
def overview(reply: Reply, deck: str) -> None:
    mw.col.decks.select(mw.col.decks.id_for_name(deck))
    _once(gui_hooks.overview_did_refresh, reply)  # it counts the cards in the background
    mw.moveToState("overview")


@command
def review(reply: Reply, search: str) -> None:
    """Puts the one card ``search`` finds in a filtered deck and studies it; replies with
    the note's ID field."""
    deck = mw.col.sched.get_or_create_filtered_deck(mw.col.decks.id_for_name(FILTERED_DECK) or 0)
    deck.name = FILTERED_DECK
    del deck.config.search_terms[1:]
    deck.config.search_terms[0].search = search
    deck.config.search_terms[0].limit = 1
    did = mw.col.sched.add_or_update_filtered_deck(deck).id
    mw.col.decks.select(did)
    if mw.state == "review":
        mw.reviewer.nextCard()  # as after answering a card: the page stays, the card changes
    else:
        mw.moveToState("review")
    card = mw.reviewer.card
    reply(card.note()["ID"] if card else None)


@command
def show_answer(reply: Reply) -> None:
    mw.reviewer._showAnswer()
    reply(mw.reviewer.state)


@command
def evaluate(reply: Reply, code: str, view: str = "main") -> None:
    """The value of a JavaScript expression (awaited) in the main window or the import
    dialog."""
    _evaluate(_import_dialog().web if view == "import" else mw.web, code, reply)


@command
def theme(reply: Reply, night: bool) -> None:
    mw.set_theme(Theme.DARK if night else Theme.LIGHT)
    reply(night)


@command
def resize(reply: Reply, width: int, height: int) -> None:
    mw.resize(width, height)
    reply([mw.web.width(), mw.web.height()])


@command
def screenshot(reply: Reply, path: str) -> None:
    """Saves the window as a PNG once the page has painted: when two grabs 100 ms apart
    are the same, after at least 300 ms."""
    shots = [mw.grab().toImage()]

    def again() -> None:
        shots.append(mw.grab().toImage())
        if (len(shots) > 3 and shots[-1] == shots[-2]) or len(shots) > 50:
            reply(shots[-1].save(path))
        else:
            QTimer.singleShot(100, again)

    QTimer.singleShot(100, again)


@command
def quit(reply: Reply) -> None:
    reply(True)
    QTimer.singleShot(0, mw.close)


def _run(request: dict, answer: queue.Queue) -> None:
    def reply(result: Any) -> None:
        if isinstance(result, Exception):
            answer.put({"error": "".join(traceback.format_exception(result))})
        else:
            answer.put({"ok": result})

    try:
        COMMANDS[request["command"]](reply, **request.get("args", {}))
    except Exception as exc:
        reply(exc)


def _serve(path: str) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(path)
    server.listen(1)
    connection, _ = server.accept()
    with connection, connection.makefile("rwb") as stream:
        for line in stream:
            answer: queue.Queue = queue.Queue()
            request = json.loads(line)
            mw.taskman.run_on_main(lambda r=request, a=answer: _run(r, a))
            stream.write(json.dumps(answer.get()).encode() + b"\n")
            stream.flush()


def _start() -> None:
    if path := os.environ.get("ANKIGEN_DRIVER_SOCKET"):
        threading.Thread(target=_serve, args=(path,), daemon=True).start()


gui_hooks.profile_did_open.append(_start)
