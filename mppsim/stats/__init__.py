"""Statistics: confidence intervals, time-weighted levels, closed forms and run metrics."""
