"""A clerk's hand on the data: corrections that survive every re-run (`corrections`) and the queue of
what most deserves a look (`queue`)."""
