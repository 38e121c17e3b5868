"""The model engine: the negotiation table, the models by versioned name, Monte Carlo, agreement analysis.

Nothing is imported here, so ``import zopa.models`` stays cheap (the command line's help lists ``FORMATS``).
"""

FORMATS = ("yaml", "csv", "ktab-csv", "ktab-xml", "decide", "deu3")  # table files zopa.models.readers reads
