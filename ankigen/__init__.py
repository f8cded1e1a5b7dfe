"""ankigen: compile a YAML card set into an Anki package that updates in place on re-import."""
