"""The database, the house's ground floor: its schema (`schema`), opening it to write (`database`, whose
public names are this package's: `store.connect`, `store.transaction`, …) or only to read (`readonly`),
which copy of a paper counts (`supersede`), and its tables as pandas frames (`frames`). Everything above
(the pipeline's stages, reconcile, review, the outputs, the commands) imports it; it imports nothing
above it, only plantrack.models."""
from plantrack.store.database import (BUSY_TIMEOUT_S, Database, bump_data_version, connect, data_version,
                                      mark_reconciled, now, reconciled_version, savepoint, transaction)

__all__ = ["BUSY_TIMEOUT_S", "Database", "bump_data_version", "connect", "data_version", "mark_reconciled", "now",
           "reconciled_version", "savepoint", "transaction"]
