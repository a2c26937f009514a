"""mppsim: discrete-event simulation of an Indonesian public service mall (MPP)."""

__version__ = "0.1.0"
