"""The negotiation built from the evidence: a table of parties x issues where every number has a source, and
the answers to gap / zone of agreement / deals / plan / scenario / "if talks fail" / timeline.

Modules: ``evidence`` (stored positions with their documents), ``build`` (statements -> table, with
provenance), ``overrides`` (analyst values with reasons), ``analysis`` (gap, zone, deals, plan, on the model
engine), ``scenario`` (what-if, "if talks fail" over time), ``timeline``, ``service`` (one call per CLI
command, from a database) and ``report`` (HTML report sections). Nothing is imported here, so
``import zopa.negotiation`` stays cheap.
"""
