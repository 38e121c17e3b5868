"""zopa: news coverage of a negotiation in; a sourced map of who wants what; models of whether a deal exists.

The public API, one function per pipeline stage (the CLI and the web app are thin shells over these):

    from zopa import open_db, load_codebook, default_codebook_path, analyze
    db = open_db("zopa.db")
    report = analyze(["articles/"], db, codebook=load_codebook(default_codebook_path()))

Names are imported lazily, so ``import zopa`` stays fast (spaCy, NumPy and SQLAlchemy load on first use).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "AnnotationError": "zopa.errors",
    "CodebookError": "zopa.errors",
    "InputError": "zopa.errors",
    "ModelInputError": "zopa.errors",
    "NotFoundError": "zopa.errors",
    "StorageError": "zopa.errors",
    "ZopaError": "zopa.errors",
    # records
    "Article": "zopa.records",
    "EventFact": "zopa.records",
    "Evidence": "zopa.records",
    "Mention": "zopa.records",
    "Position": "zopa.records",
    "Quote": "zopa.records",
    "Statement": "zopa.records",
    "Story": "zopa.records",
    # codebook
    "Codebook": "zopa.codebook",
    "default_codebook_path": "zopa.codebook",
    "load_codebook": "zopa.codebook",
    # ingest, pipeline, storage
    "AnalyzeOptions": "zopa.pipeline",
    "AnalyzeReport": "zopa.pipeline",
    "IngestOptions": "zopa.pipeline",
    "IngestReport": "zopa.pipeline",
    "analyze": "zopa.pipeline",
    "extract_stored": "zopa.pipeline",
    "ingest": "zopa.pipeline",
    "read_inputs": "zopa.ingest",
    "read_one": "zopa.ingest",
    "Database": "zopa.store.db",
    "open_db": "zopa.store.db",
    "export_all": "zopa.store.export",
    # extraction and evaluation
    "ExtractOptions": "zopa.extract",
    "extract": "zopa.extract",
    "evaluate": "zopa.evaluate",
    "EvalReport": "zopa.evaluate",
    "ReportSection": "zopa.report",
    "render_report": "zopa.report",
    "write_report": "zopa.report",
    # models
    "IssueSpec": "zopa.models.table",
    "ModelResult": "zopa.models.registry",
    "Negotiation": "zopa.models.table",
    "model_names": "zopa.models.registry",
    "package_deals": "zopa.models.agreement",
    "read_negotiation": "zopa.models.readers",
    "compare_models": "zopa.models.registry",
    "read_decide": "zopa.models.decide",
    "read_ktab": "zopa.models.ktab",
    "run_model": "zopa.models.registry",
    "score_plan": "zopa.models.agreement",
    "simulate": "zopa.models.montecarlo",
    "zone_of_agreement": "zopa.models.agreement",
    # negotiation built from evidence
    "BuildOptions": "zopa.negotiation.records",
    "NegotiationModel": "zopa.negotiation.records",
    "build_negotiation": "zopa.negotiation.build",
    "load_overrides": "zopa.negotiation.overrides",
    "load_plan": "zopa.negotiation.analysis",
    "load_scenario": "zopa.negotiation.scenario",
    "negotiation_deals": "zopa.negotiation.analysis",
    "negotiation_gap": "zopa.negotiation.analysis",
    "negotiation_plan": "zopa.negotiation.analysis",
    "negotiation_zone": "zopa.negotiation.analysis",
    "run_scenario": "zopa.negotiation.scenario",
    "build_from_db": "zopa.negotiation.service",
    "NegotiationSource": "zopa.negotiation.service",
    # following a negotiation: corroboration, shifts, contradictions, the watch
    "Changes": "zopa.shifts",
    "CorroborateOptions": "zopa.corroborate",
    "Corroboration": "zopa.corroborate",
    "ShiftOptions": "zopa.shifts",
    "WatchOptions": "zopa.watch",
    "Watcher": "zopa.watch",
    "changes_from_db": "zopa.shifts",
    "corroborate": "zopa.corroborate",
    "corroborate_db": "zopa.corroborate",
    "track": "zopa.shifts",
    # web
    "create_app": "zopa.web.app",
    "talks_fail": "zopa.negotiation.scenario",
}

__all__ = sorted([*_EXPORTS, "__version__"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'zopa' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
