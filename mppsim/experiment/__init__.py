"""Experiments over the model: one replication, many, in parallel."""
