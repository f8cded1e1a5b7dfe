"""Reading the card set: YAML with line numbers, checked into frozen values."""
