"""Anki desktop, started for a test: a throwaway profile, the driver add-on, and a
socket to send it commands. Every command has a time limit, and the whole process
tree is ended however the test ends (see ``running``)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STARTUP_SECONDS = 90
STEP_SECONDS = 60
QUIT_SECONDS = 30
MARKER = "ANKIGEN_DESKTOP_TEST"  # in the environment of every process the app starts


class AnkiError(RuntimeError):
    """A command failed inside Anki, or took longer than its time limit."""


class Anki:
    """A running Anki desktop; call it with a driver command and its arguments."""

    def __init__(
        self, process: subprocess.Popen, connection: socket.socket, log: Path, marker: str
    ) -> None:
        self.process, self.connection, self.log, self.marker = process, connection, log, marker
        self.stream = connection.makefile("rwb")
        self.broken = ""  # why the app can no longer be driven

    def __call__(self, command: str, timeout: float = STEP_SECONDS, **args: Any) -> Any:
        if self.broken:
            raise AnkiError(f"{command}: not sent, since {self.broken}")
        self.connection.settimeout(timeout)
        try:
            self.stream.write(json.dumps({"command": command, "args": args}).encode() + b"\n")
            self.stream.flush()
            line = self.stream.readline()
        except TimeoutError:
            self.broken = f"{command} had no answer from Anki within {timeout} s"
            raise AnkiError(self.broken) from None
        if not line:
            self.broken = f"Anki closed the connection during {command}"
            raise AnkiError(f"{self.broken}\n{self.output()}")
        answer = json.loads(line)
        if "error" in answer:
            raise AnkiError(f"{command}: {answer['error']}")
        return answer["ok"]

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


def environment(socket_path: Path, marker: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "QT_QPA_PLATFORM": "offscreen",  # no display needed
            "QTWEBENGINE_DISABLE_SANDBOX": "1",  # Chromium's sandbox refuses to run as root
            "ANKI_SINGLE_INSTANCE_KEY": f"ankigen-test-{marker}",  # never joins a running Anki
            "ANKIGEN_DRIVER_SOCKET": str(socket_path),
            MARKER: marker,
            "LANG": "C.UTF-8",  # Qt wants UTF-8; Anki's own language is the profile's
        }
    )
    return env


def install_driver(base: Path) -> None:
    addons = base / "addons21"
    addons.mkdir(parents=True, exist_ok=True)
    shutil.copytree(HERE / "driver_addon", addons / "ankigen_driver",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip


@contextmanager
def running(folder: Path) -> Iterator[Anki]:
    """Anki with a new profile in ``folder``; on the way out, asked to quit, then its
    whole process group killed, and every process it started checked to be gone."""
    base, socket_path = folder / "base", folder / "driver.sock"
    install_driver(base)
    marker = f"{os.getpid()}-{time.monotonic_ns()}"
    log = folder / "anki.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(HERE / "launch.py"), str(base)],
            env=environment(socket_path, marker),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so it can be ended whole
        )
    anki = None
    try:
        anki = Anki(process, _connect(process, socket_path, log), log, marker)
        anki("ready", timeout=STARTUP_SECONDS)
        yield anki
        if not anki.broken:
            anki("quit")
            process.wait(QUIT_SECONDS)
    finally:
        if anki is not None:
            anki.stream.close()
            anki.connection.close()
        stop(process, marker)


def _connect(process: subprocess.Popen, path: Path, log: Path) -> socket.socket:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AnkiError(f"Anki exited ({process.returncode}):\n{log.read_text()[-4000:]}")
        connection = socket.socket(socket.AF_UNIX)
        try:
            connection.connect(str(path))
            return connection
        except (FileNotFoundError, ConnectionRefusedError):  # not listening yet
            connection.close()
        time.sleep(0.05)
    raise AnkiError(f"Anki did not start within {STARTUP_SECONDS} s:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen, marker: str) -> None:
    """Ends the app and everything it started, even what left its process group."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with suppress(subprocess.TimeoutExpired):
        process.wait(5)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # what is left of the group
    process.wait()
    for pid in survivors(marker):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def survivors(marker: str) -> list[int]:
    """Processes still running with this app's marker in their environment (Linux)."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if needle in environ.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


_IMPORT_BUTTON = "document.querySelector('.import')?.closest('button')"
_LOG = "document.body.innerText.replace(/[\\u2068\\u2069]/g, '')"  # without Fluent's marks


def waiting(condition: str, then: str) -> str:
    """JavaScript: a promise of ``then``, once ``condition`` holds in the page."""
    return (
        "new Promise(resolve => { const tick = () => "
        f"({condition}) ? resolve({then}) : setTimeout(tick, 20); tick(); }})"
    )


def import_package(anki: Anki, path: Path) -> str:
    """Imports as a learner does: opens the file, which shows Anki's Import dialog, and
    presses its Import button with the options it shows by default; returns the summary
    of the import log."""
    anki("open_file", path=str(path))
    anki("evaluate", view="import", code=waiting(_IMPORT_BUTTON, f"{_IMPORT_BUTTON}.click()"))
    summary = anki(
        "evaluate",
        view="import",
        code=waiting(f"{_LOG}.includes('found in file')", f"{_LOG}.split('Details')[0]"),
        timeout=120,
    )
    anki("close_import_dialog")
    return summary
