"""The questions an analyst asks of the negotiation built from evidence.

Each function takes a :class:`~zopa.negotiation.build.NegotiationModel` and answers with a typed record that
carries the evidence behind its numbers. The models are the model engine's (:mod:`zopa.models`): forecasts
from every registered model with Monte Carlo intervals (:func:`zopa.models.montecarlo.simulate`), the zone of
possible agreement, package deals, trades and plan scoring (:mod:`zopa.models.agreement`). Nothing here
re-implements a model: this module chooses the table (issues with two or more parties), runs the models, and
joins their answers to the sentences and assumptions behind each input.

* :func:`negotiation_gap` -- per issue: each party's position, salience, red line and BATNA (with sources),
  the gap, and every model's forecast with its interval.
* :func:`negotiation_zone` -- the zone of possible agreement per issue and as a package; where empty, the
  colliding parties' red lines and no-deal expectations with their evidence sentences.
* :func:`negotiation_deals` -- package deals every party prefers to no deal, trades, and the packages that the
  parties' conditional offers (linked issues) describe, scored.
* :func:`negotiation_plan` -- a mediator's plan scored for every party (utility, margin over no deal, red
  lines broken with their sentences, likely acceptance).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np

from zopa.errors import InputError, ZopaError
from zopa.models.agreement import ZoneReport, package_deals, score_plan, zone_of_agreement
from zopa.models.montecarlo import simulate
from zopa.models.registry import get_batch, model_names, run_model
from zopa.models.table import Negotiation
from zopa.negotiation.build import LinkedOffer, NegotiationModel, SourcedValue
from zopa.negotiation.evidence import EvidenceRef
from zopa.records import _Record
from zopa.yamlfile import read_yaml


@dataclass(frozen=True, slots=True, kw_only=True)
class AnalysisOptions:
    """Which models run and how many Monte Carlo draws (vectorised models / models run draw by draw)."""

    models: tuple[str, ...] | None = None  # None: every registered model
    draws: int = 500  # for models with a vectorised Monte Carlo
    iterative_draws: int = 20  # for models run draw by draw (bdm, exchange, nash when it falls back)
    seed: int = 0
    level: float = 0.8
    top_deals: int = 10
    max_evidence: int = 5  # sentences shown per value (the heaviest by time decay); the count is always given
    max_conditional: int = 5  # conditional packages scored (the best-attested offers first)

    def as_dict(self) -> dict[str, Any]:
        return {
            "models": list(self.models) if self.models else None,
            "draws": self.draws,
            "iterative_draws": self.iterative_draws,
            "seed": self.seed,
            "level": self.level,
        }


def _sourced(v: SourcedValue | None, max_evidence: int = 5) -> dict[str, Any] | None:
    if v is None:
        return None
    # the heaviest statements (time decay), in the builder's order (red-line and valued statements first)
    keep = sorted(sorted(range(len(v.support)), key=lambda k: -v.support[k][1])[:max_evidence])
    evidence = [EvidenceRef.from_row(*v.support[k]) for k in keep]
    return {
        "value": list(v.value) if isinstance(v.value, tuple) else v.value,
        "source": v.source,
        "detail": v.detail,
        "replaced": list(v.replaced) if isinstance(v.replaced, tuple) else v.replaced,
        "flags": list(v.flags),
        "statements": len(v.support),
        "evidence": [
            {
                "cite": e.cite(),
                "sentence": e.sentence,
                "document_id": e.document_id,
                "position_id": e.position_id,
                "start": e.start,
                "end": e.end,
                "stance": e.stance,
                "value": e.value,
                "red_line": e.red_line,
                "weight": e.weight,
            }
            for e in evidence
        ],
    }


# ------------------------------------------------------------------------------------------------- the gap


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyStand(_Record):
    actor: str
    position: float
    salience: float
    capability: float
    red_line: tuple[float, float] | None
    batna: float | None
    sources: dict[str, Any]  # field -> {value, source, detail, evidence: [...]}


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelForecast(_Record):
    model: str
    point: float | None
    median: float | None
    lo: float | None
    hi: float | None
    draws: int
    method: str
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueGap(_Record):
    issue: str
    label: str
    anchors: dict[str, str]
    status_quo: float | None
    parties: tuple[PartyStand, ...]
    gap: float  # max - min position
    between: tuple[str, str]  # the parties furthest apart (lowest, highest)
    red_lines_collide: bool
    forecasts: tuple[ModelForecast, ...]
    linked_offers: tuple[LinkedOffer, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class GapReport(_Record):
    negotiation: str
    as_of: str | None
    issues: tuple[IssueGap, ...]
    not_modeled: tuple[str, ...]  # issues with statements from fewer than two parties
    contradictions: tuple[dict[str, Any], ...]
    models: tuple[str, ...]
    options: dict[str, Any]


def _models_for(table: Negotiation, opts: AnalysisOptions) -> list[str]:
    return list(opts.models) if opts.models else model_names()


def _forecasts(table: Negotiation, opts: AnalysisOptions) -> dict[str, dict[str, ModelForecast]]:
    """issue -> model -> forecast (a model that cannot run on this table says why instead)."""
    out: dict[str, dict[str, ModelForecast]] = {iid: {} for iid in table.issue_ids}
    for name in _models_for(table, opts):
        draws = opts.draws if get_batch(name) is not None else opts.iterative_draws
        try:
            if draws > 0:
                mc = simulate(table, name, draws=draws, seed=opts.seed, level=opts.level)
                for iid in table.issue_ids:
                    out[iid][name] = ModelForecast(
                        model=name,
                        point=mc.point.get(iid),
                        median=mc.median[iid],
                        lo=mc.lo[iid],
                        hi=mc.hi[iid],
                        draws=draws,
                        method=mc.method,
                    )
            else:
                res = run_model(name, table)
                for iid in table.issue_ids:
                    out[iid][name] = ModelForecast(
                        model=name,
                        point=res.forecast.get(iid),
                        median=None,
                        lo=None,
                        hi=None,
                        draws=0,
                        method="point",
                    )
        except ZopaError as exc:
            for iid in table.issue_ids:
                out[iid][name] = ModelForecast(
                    model=name,
                    point=None,
                    median=None,
                    lo=None,
                    hi=None,
                    draws=0,
                    method="failed",
                    error=str(exc),
                )
    return out


def _stand(model: NegotiationModel, table: Negotiation, a: int, i: int, max_evidence: int) -> PartyStand:
    actor, iid = table.actors[a], table.issue_ids[i]
    rl = None
    if table.red_line is not None and not np.isnan(table.red_line[a, i, 0]):
        rl = (float(table.red_line[a, i, 0]), float(table.red_line[a, i, 1]))
    batna = None if table.batna is None or np.isnan(table.batna[a, i]) else float(table.batna[a, i])
    cap = table.capability_matrix()[a, i]
    sources = {
        f: _sourced(model.value(actor, iid, f), max_evidence)
        for f in ("position", "salience", "red_line", "batna")
    }
    sources["capability"] = _sourced(model.value(actor, None, "capability"), max_evidence)
    return PartyStand(
        actor=actor,
        position=float(table.position[a, i]),
        salience=float(table.salience[a, i]),
        capability=float(cap),
        red_line=rl,
        batna=batna,
        sources={k: v for k, v in sources.items() if v is not None},
    )


def negotiation_gap(model: NegotiationModel, *, options: AnalysisOptions | None = None) -> GapReport:
    """Per issue: where each party stands (with sources), the gap, red lines, and every model's forecast."""
    opts = options or AnalysisOptions()
    table = model.modeled()
    forecasts = _forecasts(table, opts)
    issues = []
    for i, spec in enumerate(table.issues):
        involved = [a for a in range(table.n_actors) if not np.isnan(table.position[a, i])]
        stands = tuple(_stand(model, table, a, i, opts.max_evidence) for a in involved)
        lo_a = min(stands, key=lambda s: s.position)
        hi_a = max(stands, key=lambda s: s.position)
        lines = [s.red_line for s in stands if s.red_line is not None]
        collide = len(lines) >= 2 and max(r[0] for r in lines) > min(r[1] for r in lines)
        issues.append(
            IssueGap(
                issue=spec.id,
                label=spec.label,
                anchors={f"{k:g}": v for k, v in sorted(spec.anchors.items())},
                status_quo=spec.status_quo,
                parties=stands,
                gap=hi_a.position - lo_a.position,
                between=(lo_a.actor, hi_a.actor),
                red_lines_collide=collide,
                forecasts=tuple(forecasts[spec.id].values()),
                linked_offers=tuple(o for o in model.linked_offers if spec.id in (o.issue, o.conditional_on)),
            )
        )
    not_modeled = tuple(iid for iid in model.table.issue_ids if iid not in table.issue_ids)
    return GapReport(
        negotiation=table.name,
        as_of=model.as_of.isoformat() if model.as_of else None,
        issues=tuple(issues),
        not_modeled=not_modeled,
        contradictions=tuple(c.as_dict() for c in model.contradictions),
        models=tuple(_models_for(table, opts)),
        options=opts.as_dict(),
    )


# ------------------------------------------------------------------------------------------------- the zone


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueZoneView(_Record):
    issue: str
    empty: bool
    lo: float | None
    hi: float | None
    colliding: tuple[str, ...]
    concession: float
    concessions: dict[str, float]
    opening_point: float | None
    limits: tuple[dict[str, Any], ...]  # per colliding party: position, red line and BATNA, with evidence


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneAnalysis(_Record):
    negotiation: str
    exists: bool
    issues: tuple[IssueZoneView, ...]
    balanced_deal: dict[str, float]
    min_margin: float
    ranges: dict[str, tuple[float, float]]
    colliding: tuple[str, ...]
    concession: float
    concessions: dict[str, float]
    linked_offers: tuple[LinkedOffer, ...]
    not_modeled: tuple[str, ...]
    utility: str


def _limits(model: NegotiationModel, actor: str, issue: str) -> dict[str, Any]:
    return {
        "actor": actor,
        **{f: _sourced(model.value(actor, issue, f)) for f in ("position", "red_line", "batna")},
    }


def negotiation_zone(model: NegotiationModel) -> ZoneAnalysis:
    """The zone of possible agreement (the model engine's), joined to the evidence of the colliding limits."""
    table = model.modeled()
    z = zone_of_agreement(table)
    views = []
    for iz in z.issues:
        limits: tuple[dict[str, Any], ...] = ()
        if iz.empty:
            limits = tuple(_limits(model, a, iz.issue) for a in iz.colliding)
        views.append(
            IssueZoneView(
                issue=iz.issue,
                empty=iz.empty,
                lo=iz.lo,
                hi=iz.hi,
                colliding=tuple(iz.colliding),
                concession=iz.concession,
                concessions=dict(iz.concessions),
                opening_point=iz.opening_point,
                limits=limits,
            )
        )
    return ZoneAnalysis(
        negotiation=table.name,
        exists=z.exists,
        issues=tuple(views),
        balanced_deal=dict(z.balanced_deal),
        min_margin=z.min_margin,
        ranges={k: (float(v[0]), float(v[1])) for k, v in z.ranges.items()},
        colliding=tuple(z.colliding),
        concession=z.concession,
        concessions=dict(z.concessions),
        linked_offers=model.linked_offers,
        not_modeled=tuple(i for i in model.table.issue_ids if i not in table.issue_ids),
        utility=z.utility,
    )


# ------------------------------------------------------------------------------------------------- deals


@dataclass(frozen=True, slots=True, kw_only=True)
class ConditionalPackage(_Record):
    """The package a conditional offer describes, on top of the balanced deal, scored for every party."""

    offer: LinkedOffer
    package: dict[str, float]
    margins: dict[str, float]
    acceptance: dict[str, float]
    red_lines_broken: dict[str, list[str]]
    all_prefer: bool  # every party's margin over no deal is positive and no red line is broken


@dataclass(frozen=True, slots=True, kw_only=True)
class DealsAnalysis(_Record):
    negotiation: str
    deals: tuple[dict[str, Any], ...]
    trades: tuple[dict[str, Any], ...]
    candidates: int
    accepted: int
    conditional: tuple[ConditionalPackage, ...]
    conditional_not_scored: int  # conditional offers beyond max_conditional
    utility: str


def negotiation_deals(model: NegotiationModel, *, options: AnalysisOptions | None = None) -> DealsAnalysis:
    """Package deals every party prefers to no deal, trades, and the packages conditional offers describe."""
    opts = options or AnalysisOptions()
    table = model.modeled()
    report = package_deals(table, top=opts.top_deals, seed=opts.seed)
    conditional = []
    offers = [o for o in model.linked_offers if o.issue in table.issue_ids and o.value is not None]
    offers.sort(key=lambda o: -sum(e.weight for e in o.evidence))
    balanced = zone_of_agreement(table).balanced_deal if offers else {}
    for offer in offers[: opts.max_conditional]:
        assert offer.value is not None  # filtered above
        package = dict(balanced)
        package[offer.issue] = float(offer.value)
        if offer.conditional_on in package and offer.requires is not None:
            package[offer.conditional_on] = float(offer.requires)
        score = score_plan(table, package)
        conditional.append(
            ConditionalPackage(
                offer=offer,
                package=package,
                margins={s.actor: s.margin for s in score.actors},
                acceptance={s.actor: s.acceptance for s in score.actors},
                red_lines_broken={
                    s.actor: list(s.red_lines_broken) for s in score.actors if s.red_lines_broken
                },
                all_prefer=not score.rejected_by,
            )
        )
    return DealsAnalysis(
        negotiation=table.name,
        deals=tuple(d.as_dict() for d in report.deals),
        trades=tuple(t.as_dict() for t in report.trades),
        candidates=report.candidates,
        accepted=report.accepted,
        conditional=tuple(conditional),
        conditional_not_scored=max(0, len(offers) - opts.max_conditional),
        utility=cast(str, ZoneReport.__dataclass_fields__["utility"].default),
    )


# ------------------------------------------------------------------------------------------------- plans


@dataclass(frozen=True, slots=True, kw_only=True)
class Plan(_Record):
    """A mediator's proposal: an outcome per issue, with the words behind each number."""

    name: str
    outcomes: dict[str, float]
    terms: dict[str, str]  # issue -> the plan's wording, in the file author's words
    source: str = ""
    description: str = ""
    path: str | None = None


def load_plan(path: str | Path) -> Plan:
    """Read a plan file: ``name``, ``source``, ``plan: {issue: outcome}``, optional ``terms: {issue: text}``.

    The ``plan:`` mapping is the model engine's plan format (``zopa model score-plan`` reads the same file).
    """
    doc = read_yaml(path, what="plan", error=InputError)
    return parse_plan(doc.data, source=str(doc.path))


def parse_plan(data: Any, *, source: str = "<plan>") -> Plan:
    if not isinstance(data, dict) or not isinstance(data.get("plan"), dict) or not data["plan"]:
        raise InputError(
            source, "a plan file needs 'plan:', a mapping of issue id -> outcome on the 0-100 scale"
        )
    outcomes = {}
    for issue, raw in data["plan"].items():
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= float(raw) <= 100:
            raise InputError(source, f"plan.{issue}: the outcome must be a number 0-100, not {raw!r}")
        outcomes[str(issue)] = float(raw)
    terms = data.get("terms") or {}
    if not isinstance(terms, dict):
        raise InputError(source, "'terms' maps issue ids to the plan's wording")
    stray = [k for k in terms if k not in outcomes]
    if stray:
        raise InputError(source, f"terms.{stray[0]}: no outcome for this issue under 'plan'")
    return Plan(
        name=str(data.get("name") or Path(source).stem),
        outcomes=outcomes,
        terms={str(k): str(v) for k, v in terms.items()},
        source=str(data.get("source") or ""),
        description=str(data.get("description") or ""),
        path=source,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PartyVerdict(_Record):
    actor: str
    utility: float
    no_deal_utility: float
    margin: float
    acceptance: float
    red_lines_broken: tuple[dict[str, Any], ...]  # issue, the plan's outcome, the red line and its evidence


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanAnalysis(_Record):
    plan: Plan
    negotiation: str
    scored: dict[str, float]  # the outcomes scored (plan + filled-in issues)
    filled: dict[str, str]  # issue -> why its outcome is not the plan's (the plan is silent on it)
    not_modeled: dict[str, str]  # plan issues the negotiation cannot score, and why
    parties: tuple[PartyVerdict, ...]
    accepted_by: tuple[str, ...]
    rejected_by: tuple[str, ...]
    support_share: float
    all_accept: float
    temperature: float


def negotiation_plan(model: NegotiationModel, plan: Plan, *, temperature: float = 0.05) -> PlanAnalysis:
    """Score a plan for every party; issues the plan is silent on stay at the status quo (else the compromise
    forecast), and each broken red line comes with the sentences that drew it."""
    table = model.modeled()
    scored, filled, not_modeled = {}, {}, {}
    for iid, v in plan.outcomes.items():
        if iid in table.issue_ids:
            scored[iid] = v
        elif iid in model.table.issue_ids:
            not_modeled[iid] = "only one party has a position on it in the evidence"
        else:
            not_modeled[iid] = "no party has a scale position on it in the evidence (or not in the codebook)"
    if not scored:
        raise InputError(
            plan.path or plan.name,
            f"the plan names none of the modeled issues ({', '.join(table.issue_ids)})",
        )
    compromise = None
    for spec in table.issues:
        if spec.id in scored:
            continue
        if spec.status_quo is not None:
            scored[spec.id], filled[spec.id] = spec.status_quo, "the plan is silent: the status quo"
        else:
            if compromise is None:
                compromise = run_model("compromise.v1", table).forecast
            scored[spec.id] = float(compromise[spec.id])
            filled[spec.id] = "the plan is silent and no status quo: the compromise forecast"
    score = score_plan(table, scored, temperature=temperature)
    parties = []
    for s in score.actors:
        broken = tuple(
            {
                "issue": iid,
                "plan": scored[iid],
                **{k: v for k, v in _limits(model, s.actor, iid).items() if k in ("red_line", "position")},
            }
            for iid in s.red_lines_broken
        )
        parties.append(
            PartyVerdict(
                actor=s.actor,
                utility=s.utility,
                no_deal_utility=s.no_deal_utility,
                margin=s.margin,
                acceptance=s.acceptance,
                red_lines_broken=broken,
            )
        )
    return PlanAnalysis(
        plan=plan,
        negotiation=table.name,
        scored=scored,
        filled=filled,
        not_modeled=not_modeled,
        parties=tuple(parties),
        accepted_by=tuple(score.accepted_by),
        rejected_by=tuple(score.rejected_by),
        support_share=score.support_share,
        all_accept=score.all_accept,
        temperature=score.temperature,
    )


def finite(x: float | None) -> float | None:
    """``None`` for NaN/inf (JSON has no NaN)."""
    return None if x is None or not math.isfinite(x) else x
