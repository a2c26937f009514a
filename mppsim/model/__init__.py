"""The simulation model: compiled spec, arrivals and the SimPy engine (the only place that imports simpy)."""
