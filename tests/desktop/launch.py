"""Starts Anki desktop on a throwaway base folder: ``python launch.py BASE``.

The profile is made first, with Anki's own profile manager, so that Anki opens it
instead of asking for a language on its first run."""

from __future__ import annotations

import sys

PROFILE = "test"


def main(base: str) -> None:
    from aqt.profiles import ProfileManager

    manager = ProfileManager(ProfileManager.get_created_base_folder(base))
    manager.setupMeta()
    manager.setLang("en_US")
    manager.create(PROFILE)
    manager.db.close()

    import aqt

    sys.argv = [sys.argv[0], "-b", base, "-p", PROFILE]
    aqt.run()


if __name__ == "__main__":
    main(sys.argv[1])
