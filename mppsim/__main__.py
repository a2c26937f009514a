"""``python -m mppsim``: the same command line as the ``mppsim`` script."""

from mppsim.cli import main

main()
