"""Pure LazyFrame stages: no file access, no typer, rich or openpyxl."""
