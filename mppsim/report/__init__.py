"""Pictures and reports built from a run's results (the only place that imports matplotlib)."""
