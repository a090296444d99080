"""Papers (PDF, Word, HTML pages) → typed records. Pure functions: nothing here touches the database."""

# Bump when extraction changes what it yields: stored documents from an older version are
# re-extracted by `plantrack ingest --reprocess`, and the JSON cache is keyed by it.
EXTRACTOR_VERSION = "32"
