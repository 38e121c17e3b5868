"""The dashboard's negotiation page and API: the :class:`~zopa.negotiation.view.NegotiationView` of the
stored evidence (kept in the database for the default options, cached in process per set of options)
rendered with the same section templates as the report (:mod:`zopa.presentation`), with links to the
dashboard's article pages."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from zopa import kept_views
from zopa.negotiation.analysis import AnalysisOptions
from zopa.negotiation.view import NegotiationView, with_plan_and_scenario

# the sections of the page, in order: each is templates/sections/<id>.html, shared with the report
SECTIONS = (
    ("summary", "The answers, story by story"),
    ("gap", "Where each party stands: the gap per issue"),
    ("zone", "Zone of possible agreement"),
    ("deals", "Package deals and conditional offers"),
    ("plan", "Plan scorecard"),
    ("talks_fail", "If talks fail"),
    ("timeline", "How positions moved"),
    ("assumptions", "Assumptions"),
)


def view_for(state: Any, options: AnalysisOptions | None = None) -> NegotiationView:
    """The view of an application's database: the answers kept in the database for the default options
    (:mod:`zopa.kept_views`, refreshed by each ingest), completed with the application's plan and scenario,
    and cached in this process until the stored evidence changes."""
    opts = options or AnalysisOptions()
    key = f"negotiation:{opts.seed}:{opts.draws}:{opts.iterative_draws}:{','.join(opts.models or ())}"
    view: NegotiationView = state.cache.get(
        key,
        lambda: with_plan_and_scenario(
            kept_views.negotiation(state.db, state.reading(), opts), plan=state.plan, scenario=state.scenario
        ),
    )
    return view


def names_for(state: Any) -> dict[str, str]:
    """The parties' names by id, for the page's labels (kept with the views: no codebook parse)."""
    names: dict[str, str] = state.cache.get(
        "names", lambda: kept_views.actor_names(state.db, state.reading())
    )
    return names


def link(ref: Any, label: str) -> Markup:
    """A link to the sentence on its article page (the position's highlight when it has one)."""
    doc = _get(ref, "document_id")
    if doc is None:
        return Markup.escape(label)
    pid = _get(ref, "position_id")
    anchor = f"#mark-position-{int(pid)}" if pid is not None else ""
    return Markup('<a href="/documents/{}{}">{}</a>').format(int(doc), anchor, label)


def _get(ref: Any, name: str) -> Any:
    return ref.get(name) if isinstance(ref, dict) else getattr(ref, name, None)
