"""The Typer app: one small module per command; no calculation here."""
