"""Media files a card refers to: checked to lie in the card set, packaged under
content-addressed names so that decks never clash in Anki's single media folder."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Media:
    source: Path
    name: str  # flat, content-addressed name inside Anki's media folder


class MediaFiles:
    """The media of one card set, by resolved path; ``add`` checks and names a reference."""

    def __init__(self, root: Path, deck_id: str) -> None:
        self.base = root.resolve()
        self.deck_id = deck_id
        self.files: dict[Path, Media] = {}

    def add(self, src: str, what: str = "image") -> tuple[Media | None, str]:
        """The packaged file for ``src``; or None and the reason it cannot be packaged."""
        if urlsplit(src).scheme or src.startswith("/"):
            return None, f"{what} '{src}' must be a relative path to a file in the card set"
        target = (self.base / unquote(src)).resolve()
        if not target.is_relative_to(self.base):
            return None, f"{what} '{src}' is outside the cards directory"
        if target not in self.files:
            if not target.is_file():
                return None, f"{what} '{src}' not found"
            digest = hashlib.sha256(target.read_bytes()).hexdigest()[:8]
            name = f"{self.deck_id}-{target.stem}-{digest}{target.suffix}"
            self.files[target] = Media(target, name)
        return self.files[target], ""

    def sorted(self) -> tuple[Media, ...]:
        return tuple(sorted(self.files.values(), key=lambda m: m.name))
