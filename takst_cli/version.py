"""The program's version, apart from the package's face (takst_cli/__init__ re-exports the
api, which io/ and report/ must not import)."""

__version__ = "0.1.0"
