"""Pictures and reports built from a run's results folder (the only place importing matplotlib).

``report.build.build_report`` writes ``report.html`` from a results folder's files alone;
``report.data`` turns those files into what each plot and table shows; ``report.figures``
and ``report.floorplan`` draw; ``report.i18n`` holds the texts in Bahasa Indonesia and
English. This package's ``__init__`` imports nothing, so the command line can use the
texts without loading matplotlib.
"""
