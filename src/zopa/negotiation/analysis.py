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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import numpy as np
from pydantic import Field, model_validator

from zopa.errors import InputError
from zopa.models._spatial import weighted_mean
from zopa.models.agreement import ZoneReport, package_deals, score_plan, zone_of_agreement
from zopa.models.registry import model_names, run_model
from zopa.models.table import Negotiation
from zopa.negotiation.evidence import EvidenceRef
from zopa.negotiation.forecasts import AnalysisOptions, IssueForecast, forecast_table
from zopa.negotiation.records import LinkedOffer, NegotiationModel, SourcedValue
from zopa.records import _Record
from zopa.yamlfile import InputModel, load_yaml_model, validate_model

if TYPE_CHECKING:
    from zopa.store.db import Database

__all__ = ["AnalysisOptions"]  # re-exported: callers build analysis options from here


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
class IssueGap(_Record):
    issue: str
    label: str
    anchors: dict[str, str]
    status_quo: float | None
    parties: tuple[PartyStand, ...]
    gap: float  # max - min position
    between: tuple[str, str]  # the parties furthest apart (lowest, highest)
    red_lines_collide: bool
    forecasts: tuple[IssueForecast, ...]  # every model's, one convention (zopa.negotiation.forecasts)
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


def negotiation_gap(
    model: NegotiationModel, *, options: AnalysisOptions | None = None, db: Database | None = None
) -> GapReport:
    """Per issue: where each party stands (with sources), the gap, red lines, and every model's forecast
    (computed once and stored in ``db`` when given: :mod:`zopa.negotiation.forecasts`)."""
    opts = options or AnalysisOptions()
    table = model.modeled()
    forecasts = forecast_table(table, opts, db=db)
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
        models=tuple(opts.models or model_names()),
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
    concession: float  # points of the scale: the parties' limits on this issue must move this much in all
    concessions: dict[str, float]
    opening_point: float | None
    limits: tuple[dict[str, Any], ...]  # per colliding party: position, red line and BATNA, with evidence
    concession_text: str = ""  # what the concession measures, in words

    def as_dict(self) -> dict[str, Any]:
        return _Record.as_dict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class ZoneAnalysis(_Record):
    negotiation: str
    exists: bool
    issues: tuple[IssueZoneView, ...]
    balanced_deal: dict[str, float]
    min_margin: float
    ranges: dict[str, tuple[float, float]]
    colliding: tuple[str, ...]
    concession: float  # the package's: utility given up (x 100) plus red-line moves (points); see parts
    concessions: dict[str, float]
    linked_offers: tuple[LinkedOffer, ...]
    not_modeled: tuple[str, ...]
    utility: str
    concession_parts: dict[str, dict[str, float]] = field(default_factory=dict)
    concession_text: str = ""  # what the package's concession measures, in words


def _limits(model: NegotiationModel, actor: str, issue: str) -> dict[str, Any]:
    return {
        "actor": actor,
        **{f: _sourced(model.value(actor, issue, f)) for f in ("position", "red_line", "batna")},
    }


def issue_concession_text(view: IssueZoneView) -> str:
    """What an issue's concession figure measures, in words."""
    if not view.empty:
        return ""
    who = ", ".join(f"{a} {v:.1f}" for a, v in sorted(view.concessions.items(), key=lambda kv: -kv[1]))
    return (
        f"settled alone, {view.issue} needs the parties' limits (red lines, and how far each accepts to move "
        f"from its position before no deal is better) to move {view.concession:.1f} points of the scale in "
        f"all to meet at {view.opening_point:.0f}" + (f" ({who})" if who else "")
    )


def package_concession_text(concession: float, parts: dict[str, dict[str, float]]) -> str:
    """What the package's smallest concession measures, in words."""
    if not parts:
        return ""
    pieces = []
    for actor, part in sorted(parts.items(), key=lambda kv: -(kv[1]["utility"] + kv[1]["red_line"])):
        bits = []
        if part["utility"] > 1e-9:
            bits.append(f"accepts {part['utility']:.1f} points less utility than no deal gives it")
        if part["red_line"] > 1e-9:
            bits.append(f"moves its red lines {part['red_line']:.1f} points")
        pieces.append(f"{actor} {' and '.join(bits)}")
    return (
        f"across all issues together, the smallest concession that opens a package is {concession:.1f}: "
        + "; ".join(pieces)
        + " (utility in points of the salience-weighted scale, red lines in points of the issue's scale)"
    )


def negotiation_zone(model: NegotiationModel) -> ZoneAnalysis:
    """The zone of possible agreement (the model engine's), joined to the evidence of the colliding limits."""
    table = model.modeled()
    z = zone_of_agreement(table)
    views = []
    for iz in z.issues:
        limits: tuple[dict[str, Any], ...] = ()
        if iz.empty:
            limits = tuple(_limits(model, a, iz.issue) for a in iz.colliding)
        view = IssueZoneView(
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
        views.append(replace(view, concession_text=issue_concession_text(view)))
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
        concession_parts=dict(z.concession_parts),
        concession_text=package_concession_text(z.concession, dict(z.concession_parts)),
    )


# ------------------------------------------------------------------------------------------------- deals

THIN_STATEMENTS = 2  # a salience resting on this many statements or fewer is flagged where it drives a result


def thin_salience(model: NegotiationModel, actor: str, issue: str) -> str | None:
    """A warning when ``actor``'s salience on ``issue`` rests on one or two statements (or a default)."""
    v = model.value(actor, issue, "salience")
    if v is None or v.source == "override":
        return None
    if v.source == "default":
        return f"{actor}'s salience on {issue} ({float(v.value):.2f}) is a default, not from statements"  # type: ignore[arg-type]
    n = len(v.support)
    if n > THIN_STATEMENTS:
        return None
    return (
        f"{actor}'s salience on {issue} ({float(v.value):.2f}) rests on {n} statement{'s' if n != 1 else ''}"  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class ConditionalPackage(_Record):
    """The package a conditional offer describes, scored for every party against no deal.

    The offer's issue takes the offered value, the linked issue what the holder asks for; every other issue
    stays where no deal leaves it (its status quo, else the holder's own position, else the compromise
    point): the offer says nothing about them. Each party's score covers the issues it states a position on,
    so a half on an issue it takes no side on is not in its score (``halves`` says so)."""

    offer: LinkedOffer
    package: dict[str, float]
    basis: dict[str, str]  # issue -> why it takes that value
    margins: dict[str, float]  # party -> utility of the package minus utility of no deal
    acceptance: dict[str, float]
    red_lines_broken: dict[str, list[str]]
    better_off: tuple[str, ...]
    worse_off: tuple[str, ...]
    unaffected: tuple[str, ...]  # the package leaves every issue it has a position on at its no deal
    halves: dict[str, dict[str, str]]  # party -> {the two halves' issues: "scored" or why not}
    all_prefer: bool  # nobody is worse off than with no deal and no red line is broken
    holder_better_off: bool
    verdict: str  # in words
    warnings: tuple[str, ...] = ()  # thin salience behind the halves


@dataclass(frozen=True, slots=True, kw_only=True)
class DealsAnalysis(_Record):
    negotiation: str
    deals: tuple[dict[str, Any], ...]
    trades: tuple[dict[str, Any], ...]  # each with "warnings": thin salience that drives it
    candidates: int
    accepted: int
    conditional: tuple[ConditionalPackage, ...]
    conditional_not_scored: int  # conditional offers beyond max_conditional
    utility: str
    warnings: tuple[str, ...] = ()  # thin salience behind the packages


def _fallback_outcomes(
    model: NegotiationModel, table: Negotiation, holder: str
) -> dict[str, tuple[float, str]]:
    """Where no deal leaves each issue: its status quo, else the holder's position, else the compromise."""
    compromise = None
    out: dict[str, tuple[float, str]] = {}
    for i, spec in enumerate(table.issues):
        if spec.status_quo is not None:
            out[spec.id] = (float(spec.status_quo), "the status quo: the offer does not touch it")
            continue
        own = model.value(holder, spec.id, "position")
        if own is not None and isinstance(own.value, float):
            out[spec.id] = (
                own.value,
                f"{holder}'s own position (no status quo): the offer does not touch it",
            )
            continue
        if compromise is None:
            compromise = weighted_mean(table.position, table.weights())
        out[spec.id] = (
            float(compromise[i]),
            "the compromise point (no status quo, nor a position of its own)",
        )
    return out


def score_conditional(model: NegotiationModel, offer: LinkedOffer) -> ConditionalPackage:
    """Score the package a conditional offer describes (see :class:`ConditionalPackage`)."""
    assert offer.value is not None
    table = model.table.select(actors=np.flatnonzero(model.table.involved().any(axis=1)))
    package: dict[str, float] = {}
    basis: dict[str, str] = {}
    for iid, (v, why) in _fallback_outcomes(model, table, offer.actor).items():
        package[iid], basis[iid] = v, why
    package[offer.issue], basis[offer.issue] = float(offer.value), f"the offer: {offer.actor} gives this"
    if offer.conditional_on in package and offer.requires is not None:
        package[offer.conditional_on] = float(offer.requires)
        basis[offer.conditional_on] = f"what {offer.actor} asks for in exchange (its position)"
    score = score_plan(table, package, min_actors=1)
    halves: dict[str, dict[str, str]] = {}
    warnings: list[str] = []
    no_deal = table.no_deal()
    for a, actor in enumerate(table.actors):
        halves[actor] = {}
        for iid in (offer.issue, offer.conditional_on):
            i = table.issue_ids.index(iid) if iid in table.issue_ids else -1
            if i < 0:
                halves[actor][iid] = "not scored: no party states a position on it"
            elif np.isnan(table.position[a, i]):
                halves[actor][iid] = f"not in its score: {actor} states no position on {iid}"
            elif np.isnan(no_deal[a, i]):
                halves[actor][iid] = (
                    f"not in its score: {iid} has no status quo and {actor} no stated outcome if talks fail, "
                    "so a change there cannot be valued against no deal"
                )
            else:
                halves[actor][iid] = "scored"
                warn = thin_salience(model, actor, iid)
                if warn:
                    warnings.append(warn)
    margins = {s.actor: s.margin for s in score.actors}
    broken = {s.actor: list(s.red_lines_broken) for s in score.actors if s.red_lines_broken}
    better = tuple(a for a, m in margins.items() if m > 1e-9 and a not in broken)
    worse = tuple(a for a, m in margins.items() if m < -1e-9 or a in broken)
    unaffected = tuple(a for a in margins if a not in better and a not in worse)
    holder = offer.actor
    return ConditionalPackage(
        offer=offer,
        package=package,
        basis=basis,
        margins=margins,
        acceptance={s.actor: s.acceptance for s in score.actors},
        red_lines_broken=broken,
        better_off=better,
        worse_off=worse,
        unaffected=unaffected,
        halves=halves,
        all_prefer=not worse,
        holder_better_off=holder in better,
        verdict=_conditional_verdict(offer, margins, broken, better, worse, halves),
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _conditional_verdict(
    offer: LinkedOffer,
    margins: dict[str, float],
    broken: dict[str, list[str]],
    better: tuple[str, ...],
    worse: tuple[str, ...],
    halves: dict[str, dict[str, str]],
) -> str:
    holder = offer.actor
    grant = f"{offer.conditional_on} = {_fmt0(offer.requires)}"
    give = f"{offer.issue} = {_fmt0(offer.value)}"
    m = margins.get(holder, 0.0)
    if holder in broken:
        head = f"{holder}'s own offer breaks its red line on {', '.join(broken[holder])}"
    elif holder in better:
        head = f"with {grant} granted, {holder} is better off than with no deal ({m:+.3f}) for giving {give}"
    else:
        head = f"even with {grant} granted, {holder} is not better off than with no deal ({m:+.3f})"
    others = []
    for actor, margin in margins.items():
        if actor == holder:
            continue
        missing = [iid for iid, h in halves[actor].items() if h != "scored"]
        note = f" ({'; '.join(halves[actor][iid] for iid in missing)})" if missing else ""
        if actor in broken:
            others.append(f"{actor} would see its red line broken on {', '.join(broken[actor])}{note}")
        elif actor in worse:
            others.append(f"{actor} is worse off ({margin:+.3f}){note}")
        elif actor in better:
            others.append(f"{actor} is better off ({margin:+.3f}){note}")
    tail = "; ".join(others)
    return head + (f"; {tail}" if tail else "") + "."


def _fmt0(v: float | None) -> str:
    return "?" if v is None else f"{v:g}"


def negotiation_deals(model: NegotiationModel, *, options: AnalysisOptions | None = None) -> DealsAnalysis:
    """Package deals every party prefers to no deal, trades, and the packages conditional offers describe;
    salience that rests on one or two statements is flagged wherever it drives a trade or a package."""
    opts = options or AnalysisOptions()
    table = model.modeled()
    report = package_deals(table, top=opts.top_deals, seed=opts.seed)
    offers = [o for o in model.linked_offers if o.issue in model.table.issue_ids and o.value is not None]
    offers.sort(key=lambda o: -sum(e.weight for e in o.evidence))
    conditional = [score_conditional(model, offer) for offer in offers[: opts.max_conditional]]
    trades = []
    for t in report.trades:
        warn = [
            w
            for actor, issue in ((t.actor_a, t.a_gives_on), (t.actor_a, t.b_gives_on),
                                 (t.actor_b, t.a_gives_on), (t.actor_b, t.b_gives_on))
            if (w := thin_salience(model, actor, issue))
        ]  # fmt: skip
        trades.append({**t.as_dict(), "warnings": list(dict.fromkeys(warn))})
    deal_warnings = []
    if report.deals:
        for a, actor in enumerate(table.actors):
            for i, iid in enumerate(table.issue_ids):
                if not np.isnan(table.position[a, i]) and (w := thin_salience(model, actor, iid)):
                    deal_warnings.append(w)
    return DealsAnalysis(
        negotiation=table.name,
        deals=tuple(d.as_dict() for d in report.deals),
        trades=tuple(trades),
        candidates=report.candidates,
        accepted=report.accepted,
        conditional=tuple(conditional),
        conditional_not_scored=max(0, len(offers) - opts.max_conditional),
        utility=cast(str, ZoneReport.__dataclass_fields__["utility"].default),
        warnings=tuple(deal_warnings),
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


class PlanFile(InputModel):
    """A plan file as written (validated with pydantic, errors with line and column)."""

    name: str | None = None
    source: str = ""
    description: str = ""
    plan: dict[str, Annotated[float, Field(ge=0, le=100)]] = Field(min_length=1)  # issue -> outcome
    terms: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> PlanFile:
        stray = [k for k in self.terms if k not in self.plan]
        if stray:
            raise ValueError(f"terms.{stray[0]}: no outcome for this issue under 'plan'")
        return self


def load_plan(path: str | Path) -> Plan:
    """Read a plan file: ``name``, ``source``, ``plan: {issue: outcome}``, optional ``terms: {issue: text}``.

    The ``plan:`` mapping is the model engine's plan format (``zopa model score-plan`` reads the same file).
    """
    return _plan(load_yaml_model(path, PlanFile, what="plan"), str(path))


def parse_plan(data: Any, *, source: str = "<plan>") -> Plan:
    """The same from data already parsed."""
    return _plan(validate_model(data, PlanFile, source=source, what="plan"), source)


def _plan(f: PlanFile, source: str) -> Plan:
    return Plan(
        name=f.name or Path(source).stem,
        outcomes={str(k): float(v) for k, v in f.plan.items()},
        terms=dict(f.terms),
        source=f.source,
        description=f.description,
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
