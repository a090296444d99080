"""The stages of a run: extract each document in a worker (`ingest`, on this machine or a Dask
cluster: `cluster`), load its records in one transaction (`store`), and keep the ledger of runs and the
write lock (`runs`)."""
