"""The static HTML preview of every card."""
