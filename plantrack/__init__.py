"""plantrack: improvement-plan progress reports and committee minutes into SQLite."""

__version__ = "0.1.0"
