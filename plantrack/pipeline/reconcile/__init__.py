"""Reconciliation: each period against the previous one. Which paper counts when one arrives twice
(`supersede`), plan-name keys (`plans`), Amber reasons linked to actions (`linking`, `linking_store`,
`assignment`), and the action history and findings rebuilt from them (`rebuild`)."""
