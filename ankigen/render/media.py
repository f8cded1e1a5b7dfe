"""Media files a card refers to: checked to lie in the card set and to be an image,
audio or video file, packaged under content-addressed names so that decks never
clash in Anki's single media folder.

An image ``x.svg`` with a sibling ``x.night.svg`` brings that night variant along."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .filetypes import AUDIO, IMAGE, VIDEO, media_problem

# Anki's limits (rslib sync/media): AnkiWeb does not sync a larger file, and Check Media
# renames a file whose name is longer.
SYNC_LIMIT = 100 * 1024 * 1024
NAME_LIMIT = 120
# What each kind of reference may point at.
KINDS = {
    "image": frozenset({IMAGE}),
    "audio": frozenset({AUDIO}),
    "video": frozenset({VIDEO}),
    "media": frozenset({AUDIO, VIDEO}),  # <source>, inside <audio> or <video>
    "sound": frozenset({AUDIO, VIDEO}),  # Anki's [sound:…] plays both
}


@dataclass(frozen=True)
class Media:
    source: Path
    name: str  # flat, content-addressed name inside Anki's media folder
    size: int = 0
    night: Media | None = None  # the night variant of an image


class MediaFiles:
    """The media of one card set, by resolved path; ``add`` checks and names a reference."""

    def __init__(self, root: Path, deck_id: str) -> None:
        self.base = root.resolve()
        self.deck_id = deck_id
        self.files: dict[Path, Media] = {}
        self.problems: dict[tuple[Path, str], str] = {}  # (file, kind) -> why not

    def add(self, src: str, what: str = "image") -> tuple[Media | None, str]:
        """The packaged file for ``src``; or None and the reason it cannot be packaged."""
        if urlsplit(src).scheme or src.startswith("/"):
            return None, f"{what} '{src}' must be a relative path to a file in the card set"
        target = (self.base / unquote(src)).resolve()
        if not target.is_relative_to(self.base):
            return None, f"{what} '{src}' is outside the cards directory"
        if not target.is_file():
            return None, f"{what} '{src}' not found"
        if (target, what) not in self.problems:
            try:
                with target.open("rb") as file:
                    head = file.read(512)
            except OSError as exc:
                return None, f"{what} '{src}' cannot be read ({exc.strerror or exc})"
            self.problems[target, what] = media_problem(src, target.suffix, head, KINDS[what])
        if why := self.problems[target, what]:
            return None, f"{what} {why}"
        if target not in self.files:
            night = None
            sibling = target.with_name(f"{target.stem}.night{target.suffix}")
            if what == "image" and sibling.is_file():
                variant = sibling.relative_to(self.base).as_posix()
                night, why = self.add(variant)
                if night is None:
                    return None, f"night variant of {what} '{src}': {why}"
            try:
                self.files[target] = self._named(target, night)
            except OSError as exc:
                return None, f"{what} '{src}' cannot be read ({exc.strerror or exc})"
        return self.files[target], ""

    def _named(self, path: Path, night: Media | None = None) -> Media:
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:8]
        room = NAME_LIMIT - len(f"{self.deck_id}--{digest}{path.suffix}".encode())
        stem = path.stem.encode()[: max(room, 0)].decode(errors="ignore")
        return Media(path, f"{self.deck_id}-{stem}-{digest}{path.suffix}", len(data), night)

    def sorted(self) -> tuple[Media, ...]:
        return tuple(sorted(self.files.values(), key=lambda m: m.name))
