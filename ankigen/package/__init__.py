"""Packaging: the note type, the lock file's stamps, and the .apkg writer."""
